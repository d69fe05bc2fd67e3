"""Lineage across the July 2025 reorganisation: which units a unit continues.

On 1 July 2025 the 63 provinces and cities became 34 units. Each pre-2025 unit names the unit it
became part of (``Province.successor``); a post-2025 unit's *predecessors* are the units whose
successor it is. The rules built on this, and where they are applied:

- A unit's history is its own results and, before 2025, each predecessor's, kept apart and labelled
  (the province page; never blended into one invented series).
- A result's "previous year" across the reorganisation is its predecessors' results
  (``reports.figures.changes_for``: a change is computed only against a single predecessor).
- An officer of a post-2025 unit sees the drafts of its predecessors' pre-2025 editions
  (``reports.visibility.Viewer``).
"""

from __future__ import annotations

from django.db.models import Q

from .models import Province


def predecessor_ids(unit_id: int) -> set[int]:
    """The units merged into ``unit_id`` in 2025 (empty for a pre-2025 unit)."""
    return set(Province.objects.filter(successor_id=unit_id).values_list("pk", flat=True))


def unit_and_predecessors_q(slug: str) -> Q:
    """The unit with this slug and the units merged into it, as a condition on provinces."""
    return Q(slug=slug) | Q(successor__slug=slug)


def continued_by(unit: Province, era: int) -> tuple[int, bool]:
    """The unit of ``era`` that ``unit``'s results continue, and whether that crosses the reorganisation.

    A pre-2025 unit's results continue in its successor's series; within one era, in its own.
    """
    if unit.era != era and unit.successor_id is not None:
        return unit.successor_id, True
    return unit.pk, False
