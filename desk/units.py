"""Whose desk this is and who may open it: the unit, its lineage, and the one access rule of the desk.

A desk belongs to one unit. Ministry staff and curators (a viewer who sees every draft,
``reports.visibility.Viewer.sees_drafts``) open any unit's desk; a provincial officer opens only the
desk of the unit their account is linked to (``User.province``), never a neighbour's, not even a
predecessor's: what they may *see* of other units (published figures) is on the public pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404
from django.utils.translation import gettext as _

from provinces.lineage import continued, unit_and_predecessors_q
from provinces.models import Province
from reports.visibility import Viewer


@dataclass
class DeskUnit:
    """A unit with the units its history runs through.

    ``own_ids``: the unit and, for a unit the 2025 reorganisation left whole, the pre-2025 unit it
    continues (one place, one series). ``all_ids`` adds every predecessor (their series are shown
    apart, never blended).
    """

    unit: Province
    predecessors: list[Province] = field(default_factory=list)
    same_place: Province | None = None

    @property
    def own_ids(self) -> set[int]:
        return {self.unit.pk} | ({self.same_place.pk} if self.same_place else set())

    @property
    def all_ids(self) -> set[int]:
        return {self.unit.pk} | {p.pk for p in self.predecessors}

    @property
    def names(self) -> dict[int, str]:
        return {p.pk: p.name for p in [self.unit, *self.predecessors]}


def desk_unit(slug: str) -> DeskUnit:
    """The unit of ``slug`` in this site's dataset, with its predecessors (one query); 404 if none."""
    units = list(Province.objects.in_dataset().filter(unit_and_predecessors_q(slug)).select_related("region"))
    unit = next((u for u in units if u.slug == slug), None)
    if unit is None:
        raise Http404(_("Không có tỉnh, thành phố “%(slug)s”.") % {"slug": slug})
    predecessors = sorted((u for u in units if u.pk != unit.pk), key=lambda u: u.name)
    return DeskUnit(unit, predecessors, continued(unit, predecessors))


def may_open(viewer: Viewer, unit: Province) -> bool:
    """Ministry staff and curators: every desk; an officer: their own unit's, and a 2025 unit's officer
    also its predecessors' (the one rule, ``Viewer.sees_desk_of``, which the quarterly pages use too)."""
    return viewer.sees_desk_of(unit.pk)


def own_unit_slug(user) -> str | None:
    """The slug of the unit an officer's account is linked to, or None."""
    province_id = getattr(user, "province_id", None)
    if not province_id:
        return None
    return Province.objects.filter(pk=province_id).values_list("slug", flat=True).first()
