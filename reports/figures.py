"""Derived figures, computed in one place: changes on the previous edition, averages with their
coverage, percent of a component's maximum, and ranks from scores.

Names follow the ministry's reports: *điểm* (score), *thứ hạng* (rank), *tăng/giảm bậc* (rank
change: places gained, negative when lost), *trung bình cả nước / vùng* (national / regional
average). What sources state is stored as such; the only figures stored besides are derived ones
(``EditionStatistic``, ``Standing``), rebuilt here from the results on every write.

Rules an analyst relies on:
- With partial coverage an average of the units that have results is not the national average.
  The published average is shown where a source states one; a computed one says how many units
  it covers.
- Enough units (:func:`enough_units`): a computed average, quartile or distribution is *drawn*
  (a chart line, a box, a headline figure) only when it rests on at least two thirds of the units
  ranked. Public sources name mostly the leaders: a mean of the five best is not a national mean.
  Below that, pages show the units themselves as labelled points and the table says the coverage.
- Like with like (:func:`average_change`): a change of an average is stated only between two
  published averages, or two computed over every unit.
- A merged unit's "previous year" is its predecessors' results, listed as such; they are never
  blended into one invented number.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F

from provinces.lineage import continued_by, formed_from_counts
from provinces.text import fold

from .models import Edition, PublishedAverage, Result

TWO_PLACES = Decimal("0.01")

# The order an edition's results are read in before a page sorts them in Python (those sorts are stable,
# so this breaks their ties): published rank, then score, then name. NULLs are placed explicitly, where
# SQLite places them by default, so that SQLite and PostgreSQL return the same rows in the same order;
# the id last makes even a full tie deterministic, which the overview's selection relies on.
RESULT_ORDER = (
    F("rank").asc(nulls_first=True),
    F("score").desc(nulls_last=True),
    F("province__name").asc(),
    F("pk").asc(),
)


def _round(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def enough_units(units: int, units_total: int) -> bool:
    """Whether a statistic computed over ``units`` of ``units_total`` may be drawn: two thirds or more."""
    return units_total > 0 and units > 0 and units * 3 >= units_total * 2


@dataclass(frozen=True)
class Average:
    """An average score, and where it comes from.

    ``published``: a source states it (``units`` is then the number of units ranked).
    ``computed``: the mean of the ``units`` results held, out of ``units_total``; not the national
    average unless ``units == units_total``.
    """

    value: Decimal | None
    kind: str  # "published" | "computed" | "disputed" (sources disagree, evenly) | "missing"
    units: int
    units_total: int
    stated: str = ""  # the values sources state when they disagree ("86.82; 87.72")

    @property
    def is_complete(self) -> bool:
        return self.kind == "published" or (self.units == self.units_total and self.units > 0)

    @property
    def is_drawable(self) -> bool:
        """A published average, or a computed one resting on enough units (:func:`enough_units`)."""
        return self.value is not None and (self.kind == "published" or enough_units(self.units, self.units_total))

    @property
    def label(self) -> str:
        from django.utils.translation import gettext as _

        if self.kind == "published":
            label = _("trung bình đã công bố")
            return label + (" — " + _("nguồn mâu thuẫn: %(values)s") % {"values": self.stated} if self.stated else "")
        if self.kind == "disputed":
            return _("nguồn mâu thuẫn: %(values)s") % {"values": self.stated}
        if self.kind == "computed":
            return _("trung bình của %(n)s/%(total)s đơn vị có số liệu") % {"n": self.units, "total": self.units_total}
        return _("chưa có số liệu")


@dataclass(frozen=True)
class PreviousResult:
    """A result of the previous edition that a unit's change is measured against."""

    province_name: str
    province_slug: str
    score: Decimal | None
    rank: int | None
    units_ranked: int
    is_predecessor: bool


@dataclass(frozen=True)
class Change:
    """A result's change on the previous edition.

    ``basis``: ``same_unit`` (the unit itself a year earlier), ``predecessor`` (its single
    predecessor, same territory, before the July 2025 reorganisation), ``predecessors`` (several:
    no single change exists, see ``previous``), ``reported`` (the source states it; the previous
    result itself is not held) or ``none``.
    """

    score_delta: Decimal | None
    rank_delta: int | None
    basis: str
    previous: tuple[PreviousResult, ...] = field(default_factory=tuple)


NO_CHANGE = Change(None, None, "none")


def change_between(
    result: Result, previous: Sequence[PreviousResult], units_ranked: int, predecessors: int = 1
) -> Change:
    """How ``result`` moved from ``previous`` (the unit's or its predecessors' prior results).

    Rank changes are only meaningful between rankings of the same number of units, so a unit
    ranked 5/63 then 3/34 gets a score change but no rank change. ``predecessors``: how many units
    a merged unit was formed from; with a figure for only some of them there is no change (basis
    ``predecessors_partial``), never a change against one part of the place.
    """
    if previous and previous[0].is_predecessor and len(previous) < predecessors:
        return Change(None, None, "predecessors_partial", tuple(previous))
    if len(previous) == 1:
        prior = previous[0]
        score_delta = (
            _round(result.score - prior.score) if result.score is not None and prior.score is not None else None
        )
        rank_delta = (
            prior.rank - result.rank
            if result.rank is not None and prior.rank is not None and prior.units_ranked == units_ranked
            else None
        )
        if score_delta is not None or rank_delta is not None:
            return Change(
                score_delta, rank_delta, "predecessor" if prior.is_predecessor else "same_unit", tuple(previous)
            )
    if len(previous) > 1:
        return Change(None, None, "predecessors", tuple(previous))
    if result.reported_score_delta is not None or result.reported_rank_delta is not None:
        return Change(result.reported_score_delta, result.reported_rank_delta, "reported", tuple(previous))
    return Change(None, None, "none", tuple(previous))


def change_record(change: Change) -> tuple[int | None, str, list]:
    """``change`` as the Standing columns hold it besides ``score_change``: (rank change, basis, prior
    results as JSON lists, scores as text so that they keep their places)."""
    previous = [
        [
            p.province_name,
            p.province_slug,
            None if p.score is None else str(p.score),
            p.rank,
            p.units_ranked,
            p.is_predecessor,
        ]
        for p in change.previous
    ]
    return change.rank_delta, change.basis, previous


def stored_change(score_delta: Decimal | None, rank_delta: int | None, basis: str, previous: list) -> Change:
    """The Change that ``change_record`` (and the standing's ``score_change``) stored; no change when
    there is no standing (``basis`` None: a result read before its edition's standings were rebuilt)."""
    if basis is None or (not previous and basis == "none" and score_delta is None and rank_delta is None):
        return NO_CHANGE
    return Change(
        score_delta,
        rank_delta,
        basis,
        tuple(
            PreviousResult(name, slug, None if score is None else Decimal(score), rank, units, is_predecessor)
            for name, slug, score, rank, units, is_predecessor in previous
        ),
    )


def previous_edition(edition: Edition) -> Edition | None:
    return (
        Edition.objects.filter(index_id=edition.index_id, year=edition.year - 1, is_synthetic=edition.is_synthetic)
        .only("id", "year", "units_ranked", "status")
        .first()
    )


def changes_for(results: Iterable[Result], edition: Edition, previous_results: Iterable[Result]) -> dict[int, Change]:
    """Change of every result of ``edition`` on the previous edition's results, keyed by result id.

    ``previous_results`` must carry ``province`` (select_related); lineage: ``provinces.lineage``.
    """
    by_province: dict[int, list[PreviousResult]] = defaultdict(list)
    previous_results = list(previous_results)
    sizes = formed_from_counts({p.province.successor_id for p in previous_results if p.province.era != edition.era})
    for prior in previous_results:
        unit = prior.province
        target, crossed = continued_by(unit, edition.era)
        by_province[target].append(
            PreviousResult(
                province_name=unit.name,
                province_slug=unit.slug,
                score=prior.score,
                rank=prior.rank,
                units_ranked=prior.edition.units_ranked,
                is_predecessor=crossed,
            )
        )
    return {
        r.pk: change_between(r, by_province.get(r.province_id, ()), edition.units_ranked, sizes.get(r.province_id, 1))
        for r in results
    }


def rank_conflicts(rows: Iterable[dict], higher_is_better: bool = True) -> set[int]:
    """Ids of rows whose published ranks contradict each other or the order of their scores:
    two units at the same rank, or a unit ranked above another with a lower score. Flagged, never
    corrected: the ranks are as published (Đồng Nai and Cà Mau both 32nd in 2023)."""
    ranked = sorted((r for r in rows if r.get("rank_published") and r.get("rank")), key=lambda r: r["rank"])
    flagged: set[int] = set()
    for above, below in zip(ranked, ranked[1:], strict=False):
        if above["rank"] == below["rank"]:
            flagged |= {above["id"], below["id"]}
    scored = [r for r in ranked if r.get("score") is not None]
    for i, above in enumerate(scored):
        for below in scored[i + 1 : i + 4]:  # neighbours in rank order are enough to show the break
            if below["rank"] > above["rank"] and (
                below["score"] > above["score"] if higher_is_better else below["score"] < above["score"]
            ):
                flagged |= {above["id"], below["id"]}
    return flagged


def change_conflict(change: Change, stated_score: Decimal | None, stated_rank: int | None) -> bool:
    """Whether a computed change disagrees with the change the source states (both are shown, flagged)."""
    if change.basis not in ("same_unit", "predecessor"):
        return False
    score_differs = None not in (change.score_delta, stated_score) and _round(stated_score) != change.score_delta
    rank_differs = None not in (change.rank_delta, stated_rank) and stated_rank != change.rank_delta
    return bool(score_differs or rank_differs)


def national_average(edition: Edition, results: Iterable[Result], published: Iterable[PublishedAverage]) -> Average:
    """The published national average if a source states one (the values sources give, disputed, when
    they disagree evenly), else the mean of the results held. A stated median is not an average."""
    for average in _means(published, edition):
        if average.region_id is None:
            return _stated(average, edition.units_ranked)
    return _computed([r.score for r in results], edition.units_ranked)


def regional_averages(
    edition: Edition, results: Iterable[Result], published: Iterable[PublishedAverage], regions: Iterable
) -> dict[int, Average]:
    """Average per region id: published where stated, else computed over the region's units with results.

    ``results`` must carry ``province`` (for its region); ``regions`` carries ``unit_count``
    (the region's units in the edition's era).
    """
    stated = {a.region_id: a for a in _means(published, edition) if a.region_id is not None}
    scores = defaultdict(list)
    for r in results:
        scores[r.province.region_id].append(r.score)
    out = {}
    for region in regions:
        if region.pk in stated:
            out[region.pk] = _stated(stated[region.pk], region.unit_count)
        else:
            out[region.pk] = _computed(scores.get(region.pk, []), region.unit_count)
    return out


def _means(published: Iterable[PublishedAverage], edition: Edition) -> list[PublishedAverage]:
    return [a for a in published if a.edition_id == edition.pk and a.statistic == PublishedAverage.Statistic.MEAN]


def _stated(average: PublishedAverage, units_total: int) -> Average:
    return average_from_totals(average.value, None, 0, units_total, average.stated)


def _computed(scores: Iterable[Decimal | None], units_total: int) -> Average:
    held = [s for s in scores if s is not None]
    return average_from_totals(None, sum(held) if held else None, len(held), units_total)


def percent_of_max(score: Decimal | None, max_points: Decimal | None) -> Decimal | None:
    """A component score as percent of the component's maximum; None when either is unknown."""
    if score is None or not max_points:
        return None
    return _round(Decimal(score) * 100 / Decimal(max_points))


def ranks_from_scores(scores: dict[int, Decimal | None], higher_is_better: bool = True) -> dict[int, int | None]:
    """Standard competition ranks (1, 2, 2, 4) of ``scores`` keyed by any id; units without a score get None.

    Only meaningful when every unit of the edition has a score: ranking a partial list gives
    places among the units held, not the published rank.
    """
    held = sorted(((s, k) for k, s in scores.items() if s is not None), key=lambda x: x[0], reverse=higher_is_better)
    ranks: dict[int, int | None] = {k: None for k in scores}
    previous_score, previous_rank = None, 0
    for position, (score, key) in enumerate(held, start=1):
        rank = previous_rank if score == previous_score else position
        ranks[key] = rank
        previous_score, previous_rank = score, rank
    return ranks


@dataclass(frozen=True)
class Coverage:
    """How many of an edition's units have a figure: shown wherever an edition is."""

    with_score: int
    with_rank: int
    with_any: int
    units_total: int

    @property
    def is_complete(self) -> bool:
        return self.with_score == self.units_total

    def __str__(self) -> str:
        from django.utils.translation import gettext as _

        return _("%(n)s/%(total)s đơn vị có điểm") % {"n": self.with_score, "total": self.units_total}


def coverage(edition: Edition, results: Iterable[Result]) -> Coverage:
    results = list(results)
    return Coverage(
        with_score=sum(r.score is not None for r in results),
        with_rank=sum(r.rank is not None for r in results),
        with_any=len(results),
        units_total=edition.units_ranked,
    )


def effective_ranks(
    edition: Edition, results: Sequence[Result], higher_is_better: bool = True
) -> dict[int, int | None]:
    """Ranks as published; computed from scores only where none is published and coverage is complete."""
    published = {r.pk: r.rank for r in results}
    if all(rank is not None for rank in published.values()) or not coverage(edition, results).is_complete:
        return published
    computed = ranks_from_scores({r.pk: r.score for r in results}, higher_is_better)
    return {pk: published[pk] if published[pk] is not None else computed[pk] for pk in published}


# --------------------------------------------------------------------------- dashboard figures
# Added for the dashboard pages; each takes rows already loaded (no query).


@dataclass(frozen=True)
class ComponentGap:
    """A unit's component score against the edition's best and the mean of the units held."""

    key: str
    name: str
    max_points: Decimal | None
    score: Decimal | None
    leader_score: Decimal | None
    leaders: tuple[str, ...]
    average: Average
    other_leaders: int = 0  # leaders holding the same best score, not named
    units_held: int = 0

    @property
    def alone(self) -> bool:
        """The unit's figure is the only one: it leads nobody, so no leader and no gap to one are stated."""
        return self.units_held == 1 and self.score is not None

    @property
    def gap_to_leader(self) -> Decimal | None:
        if self.score is None or self.leader_score is None or self.alone:
            return None
        return _round(self.score - self.leader_score)

    @property
    def gap_to_average(self) -> Decimal | None:
        if self.score is None or self.average.value is None:
            return None
        return _round(self.score - self.average.value)


@dataclass(frozen=True)
class ComponentSummary:
    """What the stored statistics say of one component in one edition (see ``EditionStatistic``)."""

    total: Decimal | None
    units_held: int
    highest: Decimal | None
    leaders: tuple[str, ...]
    leaders_count: int


def component_gaps(
    edition: Edition,
    components: Iterable[tuple[str, str, Decimal | None]],
    own_scores: dict[str, Decimal | None],
    summaries: dict[str, ComponentSummary],
) -> list[ComponentGap]:
    """Gap of a unit to the best score and to the computed average of each component in ``edition``.

    ``components``: (key, name, max points) in display order; ``summaries``: key → the sum, count
    and best of the scores *held* with who holds it, which is the edition's leader only when
    coverage is complete; the average says how many units it covers. They are stored per edition,
    so the cost does not grow with the number of units.
    """
    gaps = []
    for key, name, max_points in components:
        summary = summaries.get(key) or ComponentSummary(None, 0, None, (), 0)
        gaps.append(
            ComponentGap(
                key=key,
                name=name,
                max_points=max_points,
                score=own_scores.get(key),
                leader_score=summary.highest,
                leaders=summary.leaders,
                average=average_from_totals(None, summary.total, summary.units_held, edition.units_ranked),
                other_leaders=summary.leaders_count - len(summary.leaders),
                units_held=summary.units_held,
            )
        )
    return gaps


def average_from_totals(
    published: Decimal | None, total: Decimal | None, count: int, units_total: int, stated: str = ""
) -> Average:
    """An average from a published value, or from the sum and count of the scores held (SQL aggregates).

    ``stated``: the values sources give when they disagree; with no value settled (an even split) the
    average is ``disputed``, shown as those values, and never replaced by a mean of the units held."""
    if published is not None:
        return Average(published, "published", units_total, units_total, stated)
    if stated:
        return Average(None, "disputed", 0, units_total, stated)
    if not count or total is None:
        return Average(None, "missing", 0, units_total)
    return Average(_round(Decimal(total) / count), "computed", count, units_total)


def average_change(current: Average | None, previous: Average | None) -> Decimal | None:
    """The change between two averages, only like with like: both published, or both over every unit."""
    if current is None or previous is None or current.value is None or previous.value is None:
        return None
    both_published = current.kind == previous.kind == "published"
    both_whole = current.kind == previous.kind == "computed" and current.is_complete and previous.is_complete
    return current.value - previous.value if both_published or both_whole else None


def biggest_movers(rows: Iterable[dict], n: int = 5) -> tuple[list[dict], list[dict]]:
    """Rows with the largest score gains and losses (``row["score_delta"]``), ignoring unknown changes."""
    moved = [r for r in rows if r.get("score_delta") is not None]
    up = sorted((r for r in moved if r["score_delta"] > 0), key=lambda r: r["score_delta"], reverse=True)[:n]
    down = sorted((r for r in moved if r["score_delta"] < 0), key=lambda r: r["score_delta"])[:n]
    return up, down


def sort_rows(rows: list[dict], sort: str) -> list[dict]:
    """Rows (``pages.result_row`` dicts) ordered by a column of the rankings; rows missing that figure
    always come last, in their previous order (the sort is stable)."""
    desc = sort.startswith("-")
    key = sort.lstrip("-")

    def value(row: dict):
        if key == "rank":
            return row["rank"]
        if key == "province":
            return fold(row["province"])
        if key == "score":
            return row["score"]
        if key == "change":
            return row["score_delta"]
        if key.startswith("c."):
            component = row["components"].get(key[2:])
            return component["score"] if component else None
        return None

    present = [r for r in rows if value(r) is not None]
    missing = [r for r in rows if value(r) is None]
    present.sort(key=value, reverse=desc)
    return present + missing
