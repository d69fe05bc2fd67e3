"""Where the points are lost: a unit's component scores of the current PAR INDEX framework against
their maxima, the leader and the averages of the latest published edition.

Rules (the averages and their coverage are ``reports.figures``'):
- points that could be gained = the component's published maximum − the unit's score; components
  without a published maximum are listed apart (no gain can be stated), never given a guessed one;
- the leader is the highest score *among the units that have a figure*, and says among how many; where
  the unit's own figure is the only one, no leader is named (it would name the unit itself, "among 1");
- the national and regional averages are computed over the units with component figures, always
  labelled n/N units, and drawn as an average only on enough units (``figures.enough_units``,
  ``Average.is_drawable``); no published component average is stored, so none is claimed;
- a regional average only where the unit holding the result has a region stored (the 2025 units
  have none published unless a curator stores one);
- of a draft, the unit's own draft scores only: no leader and no average (those rest on other
  units' draft figures, ``Viewer.sees_whole``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from dashboard.queries import in_english
from provinces.models import Province
from reports import figures
from reports.models import Component, EditionStatistic, Framework, Result
from reports.visibility import Viewer

from .units import DeskUnit

INDEX_CODE = "PAR_INDEX"


@dataclass
class Gap:
    """One component of one unit in one edition."""

    key: str
    name: str
    max_points: Decimal | None
    score: Decimal | None
    previous: list[tuple[str, Decimal | None]] = field(default_factory=list)  # (unit, score) of year − 1
    leader_score: Decimal | None = None
    leaders: tuple[str, ...] = ()
    leaders_count: int = 0
    units_held: int = 0  # units with a figure for this component
    units_total: int = 0
    national: figures.Average | None = None
    regional: figures.Average | None = None

    @property
    def gain(self) -> Decimal | None:
        """Points that could be gained: maximum − score (None without a published maximum or a score)."""
        if self.max_points is None or self.score is None:
            return None
        return self.max_points - self.score

    @property
    def percent(self) -> Decimal | None:
        return figures.percent_of_max(self.score, self.max_points)

    @property
    def other_leaders(self) -> int:
        return max(self.leaders_count - len(self.leaders), 0)

    @property
    def alone(self) -> bool:
        """The unit is the only one with a figure: it 'leads' nobody, so no leader is named."""
        return self.units_held == 1 and self.score is not None


def current_framework() -> Framework | None:
    """The PAR INDEX framework in force (the one that starts latest)."""
    return Framework.objects.filter(index__code=INDEX_CODE).order_by("-first_year").first()


def points_lost(desk: DeskUnit, viewer: Viewer, results: list[Result]) -> dict:
    """The gaps of ``desk``'s unit on the current framework.

    ``results``: the unit's and its predecessors' results the viewer sees (with ``edition``), as the
    desk already holds them. Returns ``edition`` (latest published edition of the framework with a
    result of the unit), ``rows`` (components with a maximum and a score, most points to gain first),
    ``no_max`` (no published maximum), ``missing`` (no component figure held: the names), ``draft``
    (the unit's own draft figures of a later edition, or None).
    """
    framework = current_framework()
    empty = {"framework": framework, "edition": None, "rows": [], "no_max": [], "missing": [], "draft": None}
    if framework is None:
        return empty
    components = list(framework.components.order_by("order"))
    in_framework = [r for r in results if r.edition.framework_id == framework.pk and r.edition.index.code == INDEX_CODE]
    own = [r for r in in_framework if r.province_id in desk.own_ids]
    published = max((r for r in own if r.edition.is_published), key=lambda r: r.edition.year, default=None)
    year = published.edition.year if published else 0
    draft = max((r for r in own if not r.edition.is_published and r.edition.year > year), key=_year, default=None)
    # the previous year's results (the unit, or its predecessors across the reorganisation)
    previous = [
        r
        for r in results
        if published
        and r.edition.index.code == INDEX_CODE
        and r.edition.is_published
        and r.edition.year == year - 1
        and r.province_id in desk.all_ids
    ]
    wanted = [r for r in (published, draft, *previous) if r is not None]
    scores = _component_scores(viewer, [r.pk for r in wanted])
    out = dict(empty, edition=published.edition if published else None)
    if published is not None:
        out.update(_gaps(desk, viewer, published, components, scores, previous))
    if draft is not None:
        out["draft"] = {
            "edition": draft.edition,
            "rows": [Gap(c.key, _name(c), c.max_points, scores.get((draft.pk, c.pk))) for c in components],
        }
    return out


def _year(result: Result) -> int:
    return result.edition.year


def _name(component: Component) -> str:
    return component.name_en if in_english() and component.name_en else component.name


def _component_scores(viewer: Viewer, result_ids: list[int]) -> dict[tuple[int, int], Decimal | None]:
    """(result id, component id) → score, of the results' component figures the viewer sees (one query)."""
    if not result_ids:
        return {}
    rows = viewer.component_scores().filter(result_id__in=result_ids).order_by()
    return {(r, c): s for r, c, s in rows.values_list("result_id", "component_id", "score")}


def _gaps(desk, viewer, result, components, scores, previous) -> dict:
    edition = result.edition
    holder = result.province  # the unit holding the result: its region, if one is stored
    region_id = holder.region_id
    stats = _statistics(viewer, edition, region_id)
    region_units = (
        Province.objects.in_dataset().filter(region_id=region_id, era=edition.era).count() if region_id else 0
    )
    names = desk.names
    rows, no_max, missing = [], [], []
    for component in components:
        national = stats.get((component.pk, None))
        regional = stats.get((component.pk, region_id)) if region_id else None
        prior_ids = {component.pk} | ({component.previous_id} if component.previous_id else set())
        gap = Gap(
            key=component.key,
            name=_name(component),
            max_points=component.max_points,
            score=scores.get((result.pk, component.pk)),
            previous=[
                (names.get(p.province_id, ""), _first(scores, p.pk, prior_ids))
                for p in sorted(previous, key=lambda p: names.get(p.province_id, ""))
            ],
            units_total=edition.units_ranked,
        )
        if national is not None:
            gap.leader_score, gap.leaders = national.highest, tuple(national.leaders)
            gap.leaders_count = national.leaders_count
            gap.units_held = national.units_held
            gap.national = figures.average_from_totals(None, national.total, national.units_held, edition.units_ranked)
        if regional is not None:
            gap.regional = figures.average_from_totals(None, regional.total, regional.units_held, region_units)
        if gap.score is None:
            missing.append(gap)
        elif gap.max_points is None:
            no_max.append(gap)
        else:
            rows.append(gap)
    rows.sort(key=lambda g: g.gain, reverse=True)  # stable: ties keep the framework's order
    return {"rows": rows, "no_max": no_max, "missing": missing, "region": holder.region}


def _first(scores: dict, result_id: int, component_ids: set[int]) -> Decimal | None:
    """The result's score on the component or the one it continues from the previous framework."""
    return next((scores[(result_id, c)] for c in sorted(component_ids) if (result_id, c) in scores), None)


def _statistics(viewer: Viewer, edition, region_id) -> dict[tuple[int, int | None], EditionStatistic]:
    """The stored component statistics of ``edition``, national and of one region (one query; none of
    an edition the viewer does not see whole)."""
    if not viewer.sees_whole(edition):
        return {}
    regions = Q(region__isnull=True) | (Q(region_id=region_id) if region_id else Q(pk__in=[]))
    rows = viewer.statistics().filter(regions, edition_id=edition.pk, component__isnull=False).order_by()
    by_key: dict[tuple[int, int | None], EditionStatistic] = {}
    for row in rows:
        by_key[(row.component_id, row.region_id)] = row
    return by_key
