"""Lineage across the July 2025 reorganisation: which units a unit continues.

On 1 July 2025 the 63 provinces and cities became 34 units. Each pre-2025 unit names the unit it
became part of (``Province.successor``); a post-2025 unit's *predecessors* are the units whose
successor it is. The rules built on this, and where they are applied:

- A unit's history is its own results and, before 2025, each predecessor's, kept apart and labelled
  (the province page; never blended into one invented series).
- A result's "previous year" across the reorganisation is its predecessors' results
  (``reports.figures.changes_for``: a change is computed only against a single predecessor).
- One page per place: a post-2025 unit formed from exactly one pre-2025 unit (the 11 provinces and
  cities the reorganisation left whole: Hà Nội, Huế, Quảng Ninh …) *continues* it: one place, one
  page, its whole series from 2012 as its own; the pre-2025 unit's page redirects there. A unit
  formed from several keeps each predecessor's series apart, and each predecessor keeps its page.
- An officer of a post-2025 unit sees the drafts of its predecessors' pre-2025 editions
  (``reports.visibility.Viewer``).
"""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, Subquery

from .models import Era, Province, whole_name_q
from .text import fold


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


def continued(unit: Province, predecessors: list[Province]) -> Province | None:
    """The single predecessor a post-2025 ``unit`` continues (an unmerged province), else None."""
    return predecessors[0] if unit.successor_id is None and len(predecessors) == 1 else None


def successor_size() -> Subquery:
    """An annotation on provinces: how many pre-2025 units became this unit's successor (1: the same place)."""
    same = Province.objects.filter(successor=OuterRef("successor")).order_by().values("successor")
    return Subquery(same.annotate(n=Count("pk")).values("n")[:1])


def continuing_unit(unit: Province) -> Province | None:
    """The post-2025 unit that continues pre-2025 ``unit`` as the same place (its only predecessor), else None.

    Reads ``unit.successor_size`` (:func:`successor_size`) when annotated, else asks the database.
    """
    if unit.successor_id is None:
        return None
    size = getattr(unit, "successor_size", None)
    if size is None:
        size = Province.objects.filter(successor_id=unit.successor_id).count()
    return unit.successor if size == 1 else None


def formed_from_counts(unit_ids) -> dict[int, int]:
    """How many pre-2025 units each of ``unit_ids`` was formed from (one query; none for an empty set)."""
    unit_ids = sorted(i for i in unit_ids if i is not None)
    if not unit_ids:
        return {}
    rows = Province.objects.filter(successor_id__in=unit_ids).order_by().values("successor_id")
    return {row["successor_id"]: row["n"] for row in rows.annotate(n=Count("pk"))}


def named_q(name: str, field: str = "province") -> Q:
    """The units a typed name leads to, as a condition on ``field`` (a foreign key to Province; "" for
    a queryset of provinces).

    A name leads to every unit whose names (name, English name, code, aliases: ``search_text``) contain
    it. A whole name that no unit of an era bears leads, in that era, to the units that unit became or
    was formed from: "Bạc Liêu" among today's units finds Cà Mau. A name an era still has stays its own
    ("Hải Phòng" on a 2023 ranking is the Hải Phòng of 2023, not Hải Dương merged into it since), and a
    partial name ("Quảng") never crosses the merger.
    """
    folded = fold(name)  # as typed or already folded: folding twice changes nothing
    prefix = f"{field}__" if field else ""
    named = list(Province.objects.filter(whole_name_q(folded)).values_list("pk", "era", "successor_id"))
    eras = {era for _pk, era, _successor in named}
    condition = Q(**{f"{prefix}search_text__contains": folded})
    if named and Era.UNITS_63 not in eras:  # a name only today's units bear: the units that formed them
        condition |= Q(**{f"{prefix}successor__in": [pk for pk, _era, _successor in named]})
    if named and Era.UNITS_34 not in eras:  # a former name: the unit it became
        condition |= Q(**{f"{field or 'pk'}__in": [s for _pk, _era, s in named if s is not None]})
    return condition
