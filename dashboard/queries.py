"""What every page reads, filtered by the viewer (``reports.visibility``): the editions a viewer may open with
their stated averages and stored statistics, results as plain values, component scores, citations, and the
units the map can draw. Query counts are constant: a page reads what it shows, however many units an edition ranks.
"""

from __future__ import annotations

import copy
import functools
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from provinces.inputs import safe_url
from provinces.models import Era, Province, Region
from reports import figures, tiers
from reports.models import (
    Citation,
    Edition,
    EditionStatistic,
    PublishedAverage,
    Result,
    Status,
)
from reports.visibility import Viewer

DEFAULT_INDEX = "PAR_INDEX"


class BadRequest(Exception):
    """A parameter the page cannot show: the view renders the message with status 400."""


def in_english() -> bool:
    return (get_language() or "vi").startswith("en")


def localized(obj, field: str = "name") -> str:
    """The English name of a region, index or component when the page is in English and one is stored."""
    if obj is None:
        return ""
    if in_english():
        english = obj.get(f"{field}_en") if isinstance(obj, dict) else getattr(obj, f"{field}_en", "")
        if english:
            return english
    return obj.get(field) if isinstance(obj, dict) else getattr(obj, field)


def visible_editions(viewer: Viewer, region_id: int | None = None, with_framework: bool = False) -> list[Edition]:
    """Every edition the viewer may open in this site's dataset, with its index, in one query.

    Each carries ``published_national`` (the national average a source states, or None) and, for
    ``region_id``, ``published_regional``: the averages come with the editions instead of in a
    query of their own, and only for editions the viewer sees whole (a draft's stated averages are
    a statistic of the draft). ``with_framework`` adds ``framework_first_year``/``framework_last_year``
    (the province page marks where the framework changes).
    """
    # order_by(): a sliced subquery keeps the model's ordering, which joined three tables per edition.
    averages = viewer.averages(
        PublishedAverage.objects.filter(edition=OuterRef("pk"), statistic=PublishedAverage.Statistic.MEAN)
    ).order_by()
    national = averages.filter(region__isnull=True)
    medians = viewer.averages(
        PublishedAverage.objects.filter(
            edition=OuterRef("pk"), statistic=PublishedAverage.Statistic.MEDIAN, region__isnull=True
        )
    ).order_by()
    editions = (
        viewer.editions()
        .in_dataset()
        .select_related("index")
        .annotate(
            published_national=Subquery(national.values("value")[:1]),
            published_national_stated=Subquery(national.values("stated")[:1]),
            # a stated median is shown as a median, never as an average
            published_median=Subquery(medians.values("value")[:1]),
        )
    )
    if with_framework:
        editions = editions.annotate(
            framework_first_year=F("framework__first_year"), framework_last_year=F("framework__last_year")
        )
    if region_id is not None:
        regional = averages.filter(region_id=region_id)
        editions = editions.annotate(
            published_regional=Subquery(regional.values("value")[:1]),
            published_regional_stated=Subquery(regional.values("stated")[:1]),
        )
    return list(editions.order_by("index__order", "index__code", "-year"))


def attach_statistics(
    editions: list[Edition], viewer: Viewer, region_id: int | None = None, components_of=None, regions_of=None
) -> None:
    """Sums, counts and spread of the scores in ``editions``, from the stored statistics, for the
    editions ``viewer`` sees whole (of any other, the viewer sees no statistic).

    Sets on each edition ``held_total``/``held_count`` (and ``held_region_total``/``held_region_count``
    for ``region_id``), ``spread`` (units with a score, lowest, quartiles, highest), and the coverage
    counts ``units_with_result``/``units_with_rank`` and ``groups`` held (whole editions only); the edition
    whose id is ``components_of`` also gets ``component_summaries`` (key → figures.ComponentSummary)
    and ``components_held`` (as ``edition_components`` gives them),
    and the one whose id is ``regions_of`` ``held_regions`` (region id → (total, count) of every region
    holding a score: the regional averages of ``regional_averages_of``). Every other edition's
    ``held_regions`` is empty.
    One query, a few rows per edition however many units it ranks.
    """
    totals: dict[tuple[int, int | None], tuple] = {}
    regional: dict[int, dict[int, tuple]] = defaultdict(dict)
    parts: dict[int, dict[str, figures.ComponentSummary]] = defaultdict(dict)
    spread: dict[int, dict] = {}
    listed: dict[int, tuple] = {}
    held_components: dict[int, list[tuple]] = defaultdict(list)
    whole = [e.pk for e in editions if viewer.sees_whole(e)]
    if whole:
        stored = _statistics(
            viewer, edition_ids=whole, region_id=region_id, regions_of=regions_of, components_of=components_of
        )
        for row in stored:
            edition_id, region, key, total, held, low, q1, median, q3, high, leaders, leaders_count = row[:12]
            if key is not None:
                parts[edition_id][key] = figures.ComponentSummary(total, held, high, tuple(leaders), leaders_count)
                held_components[edition_id].append((row[18], key, *row[15:18]))
                continue
            totals[(edition_id, region)] = (total, held)
            if region is None:
                spread[edition_id] = {"units": held, "min": low, "q1": q1, "median": median, "q3": q3, "max": high}
                listed[edition_id] = row[12:15]
            elif edition_id == regions_of:
                regional[edition_id][region] = (total, held)
    for edition in editions:
        edition.held_total, edition.held_count = totals.get((edition.pk, None), (None, 0))
        if region_id is not None:
            edition.held_region_total, edition.held_region_count = totals.get((edition.pk, region_id), (None, 0))
        edition.held_regions = regional.get(edition.pk, {})
        edition.component_summaries = parts.get(edition.pk, {})
        edition.components_held = [_component_dict(*held) for _order, *held in sorted(held_components[edition.pk])]
        edition.spread = spread.get(edition.pk, {"units": 0})
        edition.units_with_result, edition.units_with_rank, edition.groups = listed.get(edition.pk, (0, 0, []))


def _statistics(
    viewer: Viewer, *, edition_ids: list[int], region_id: int | None, regions_of: int | None, components_of: int | None
) -> QuerySet[EditionStatistic]:
    wanted = Q(component__isnull=True, region__isnull=True)
    if region_id is not None:
        wanted |= Q(component__isnull=True, region_id=region_id)
    if regions_of is not None:
        wanted |= Q(component__isnull=True, region__isnull=False, edition_id=regions_of)
    if components_of is not None:
        wanted |= Q(edition_id=components_of, component__isnull=False, region__isnull=True, units_held__gt=0)
    # Each kind of row reads only the columns it uses: a regional row its total and count, a
    # component row its best score and leaders. The rest come back NULL, which costs no Decimal or
    # JSON conversion (a third of this query's time went to converting columns nobody read).
    national = Q(component__isnull=True, region__isnull=True)

    def only(where: Q, column: str) -> Case:
        return Case(When(where, then=F(column)), default=None)

    return (
        viewer.statistics()
        .filter(wanted, edition_id__in=edition_ids)
        .values_list(
            "edition_id",
            "region_id",
            "component__key",
            "total",
            "units_held",
            only(national, "lowest"),
            only(national, "lower_quartile"),
            only(national, "median"),
            only(national, "upper_quartile"),
            only(Q(region__isnull=True), "highest"),
            only(Q(component__isnull=False), "leaders"),
            "leaders_count",
            "units_with_result",
            "units_with_rank",
            only(national, "groups"),
            "component__name",
            "component__name_en",
            "component__max_points",
            "component__order",
        )
    )


def published_averages(editions, region_id: int | None = None, regions=()) -> list[PublishedAverage]:
    """The published averages annotated on ``editions`` and ``regions``, as (unsaved) PublishedAverage rows."""
    out = []
    for edition in editions:
        if edition.published_national is not None:
            out.append(PublishedAverage(edition_id=edition.pk, region_id=None, value=edition.published_national))
        regional = getattr(edition, "published_regional", None)
        if region_id is not None and regional is not None:
            out.append(PublishedAverage(edition_id=edition.pk, region_id=region_id, value=regional))
    for region in regions:
        if getattr(region, "published_average", None) is not None:
            out.append(
                PublishedAverage(
                    edition_id=region.published_edition_id, region_id=region.pk, value=region.published_average
                )
            )
    return out


def index_choices(editions: list[Edition]) -> list[dict]:
    seen: dict[str, dict] = {}
    for edition in editions:
        index = edition.index
        seen.setdefault(
            index.code,
            {"code": index.code, "short_name": index.short_name, "name": index.name, "name_en": index.name_en},
        )
    return list(seen.values())


def regions_by_era(edition: Edition | None = None, viewer: Viewer | None = None) -> dict[int, list[Region]]:
    """The regions with ``unit_count`` = their units in this dataset, per era (one query).

    With ``edition`` seen whole by ``viewer``, each also carries the ``published_average`` a source
    states for it then.
    """
    stated_for = edition.pk if edition and viewer is not None and viewer.sees_whole(edition) else None
    regions = _regions(stated_for)
    out: dict[int, list[Region]] = {}
    for era, attr in ((Era.UNITS_63, "units_63"), (Era.UNITS_34, "units_34")):
        out[era] = []
        for region in regions:
            copied = copy.copy(region)
            copied.unit_count = getattr(region, attr)
            copied.published_edition_id = edition.pk if edition else None
            out[era].append(copied)
    return out


def _regions(edition_id: int | None) -> QuerySet[Region]:
    in_dataset = Q() if settings.CCHC_DATASET == "synthetic" else Q(provinces__is_synthetic=False)
    regions = Region.objects.annotate(
        units_63=Count("provinces", filter=in_dataset & Q(provinces__era=Era.UNITS_63)),
        units_34=Count("provinces", filter=in_dataset & Q(provinces__era=Era.UNITS_34)),
    )
    if edition_id is not None:
        stated = PublishedAverage.objects.filter(
            edition_id=edition_id, region=OuterRef("pk"), statistic=PublishedAverage.Statistic.MEAN
        ).order_by()
        regions = regions.annotate(
            published_average=Subquery(stated.values("value")[:1]),
            published_stated=Subquery(stated.values("stated")[:1]),
        )
    return list(regions)


def pick_index(editions: list[Edition], code: str | None) -> str:
    codes = [i["code"] for i in index_choices(editions)]
    if code:
        if code not in codes:
            raise BadRequest(_("Không có chỉ số “%(code)s”.") % {"code": code})
        return code
    if DEFAULT_INDEX in codes:
        return DEFAULT_INDEX
    if codes:
        return codes[0]
    raise BadRequest(_("Chưa có kỳ công bố nào."))


def coverage_text(cov: figures.Coverage) -> str:
    return str(cov)


def average_dict(average: figures.Average, labels: dict | None = None) -> dict:
    """``average`` for a template; ``labels``: the labels this page has translated so far (a page of many
    editions' averages holds a few distinct labels, and each translation is a look-up)."""
    if labels is None:
        label = average.label
    else:
        key = (average.kind, average.units, average.units_total, average.stated)
        label = labels.get(key)
        if label is None:
            label = labels[key] = average.label
    return {
        "value": average.value,
        "kind": average.kind,
        "label": label,
        "units": average.units,
        "units_total": average.units_total,
        "is_complete": average.is_complete,
        "drawable": average.is_drawable,
        "stated": average.stated,
    }


# The columns of a result and its unit that result_row and figures.changes_for read.
RESULT_ROW_FIELDS = (
    "id",
    "edition_id",
    "province_id",
    "score",
    "rank",
    "group",
    "tier",
    "disputed",
    "reported_score_delta",
    "reported_rank_delta",
    "province__id",
    "province__name",
    "province__name_en",
    "province__slug",
    "province__code",
    "province__era",
    "province__region_id",
    "province__successor_id",
)


# A result's stored standing, read with its row: the effective rank and the change (figures.Change) on
# the previous edition, whose results a page then need not read.
STANDING_FIELDS = (
    "standing__rank",
    "standing__score_change",
    "standing__rank_change",
    "standing__change_basis",
    "standing__previous",
)


@dataclass(slots=True)
class UnitValues:
    """A unit as ``result_row`` and ``figures`` read it, built from plain values (no model instance)."""

    pk: int
    name: str
    name_en: str
    slug: str
    code: str
    era: int
    region_id: int | None
    successor_id: int | None
    region: Region | None = None


@dataclass(slots=True)
class ResultValues:
    """A result as ``result_row`` and ``figures`` read it: a rankings page holds two editions of them,
    and plain values cost half of what model instances do."""

    pk: int
    edition_id: int
    province_id: int
    score: Decimal | None
    rank: int | None
    group: str
    tier: int | None
    disputed: bool
    reported_score_delta: Decimal | None
    reported_rank_delta: int | None
    province: UnitValues
    edition: Edition | None = None


def _result_value(row: tuple) -> ResultValues:
    """A row starting with RESULT_ROW_FIELDS as a ResultValues (its unit a UnitValues)."""
    return ResultValues(*row[:10], province=UnitValues(*row[10 : len(RESULT_ROW_FIELDS)]))


def standing_rows(rows) -> list[tuple[ResultValues, int | None, figures.Change]]:
    """Rows of RESULT_ROW_FIELDS and STANDING_FIELDS as (result, effective rank, change)."""
    n = len(RESULT_ROW_FIELDS)
    return [(_result_value(row), row[n], figures.stored_change(*row[n + 1 :])) for row in rows]


def _province_url_prefix() -> str:
    """The province page URL without its slug: reversed once per language (``/en/`` in English), not per row."""
    return _province_url_prefix_in(get_language())


@functools.lru_cache(maxsize=8)
def _province_url_prefix_in(language: str) -> str:
    return reverse("dashboard:province", args=["x"])[:-2]


def _stated_rank(result, change: figures.Change) -> int | None:
    return result.reported_rank_delta if change.basis in ("same_unit", "predecessor") else None


def result_row(result: Result, change: figures.Change, rank: int | None, components: dict | None = None) -> dict:
    """A result as the tables, charts and downloads show it."""
    province = result.province
    row = {
        "id": result.pk,
        "province": province.name,
        "province_en": province.name_en,
        "slug": province.slug,
        "url": f"{_province_url_prefix()}{province.slug}/",
        "code": province.code,
        "era": province.era,
        "region": localized(province.region) if province.region_id else "",
        "region_code": province.region.code if province.region_id else "",
        "score": result.score,
        "rank": rank,
        "rank_published": result.rank is not None,
        # the band's published label in the page's language (reports/tiers.py), the tier beside it
        "group": tiers.display_group(getattr(result.edition, "group_scheme", None), result.tier, result.group),
        "tier": result.tier,
        "disputed": result.disputed,
        "draft": result.edition.status != Status.PUBLISHED,
        "score_delta": change.score_delta,
        # a stated rank change is kept when only the score change could be computed
        "rank_delta": change.rank_delta if change.rank_delta is not None else _stated_rank(result, change),
        "change_basis": change.basis,
        "stated_score_delta": result.reported_score_delta,
        "stated_rank_delta": result.reported_rank_delta,
        "change_conflict": figures.change_conflict(change, result.reported_score_delta, result.reported_rank_delta),
        "previous": [
            {"province": p.province_name, "slug": p.province_slug, "score": p.score, "rank": p.rank}
            for p in change.previous
        ],
        "components": components or {},
        "citations": [],
    }
    return row


def edition_components(edition: Edition, viewer: Viewer) -> list[dict]:
    """The components an edition holds scores for (key, name, max points), in order: for a viewer who sees
    the edition whole, one query of a few stored-statistics rows however many units it ranks; otherwise
    the components of the rows the viewer sees."""
    fields = ("component__key", "component__name", "component__name_en", "component__max_points")
    if viewer.sees_whole(edition):
        held = viewer.statistics().filter(
            edition_id=edition.pk, region__isnull=True, component__isnull=False, units_held__gt=0
        )
    else:
        held = viewer.component_scores().filter(result__edition_id=edition.pk, score__isnull=False)
    rows = held.order_by("component__order").values_list(*fields).distinct()
    return [_component_dict(*row) for row in rows]


def _component_dict(key: str, name: str, name_en: str, max_points) -> dict:
    return {"key": key, "name": name_en if name_en and in_english() else name, "max_points": max_points}


def component_scores_of(
    edition: Edition, viewer: Viewer, result_ids=None, key: str | None = None
) -> dict[int, dict[str, dict]]:
    """Each result's component scores by component key (``{"score", "rank"}``): one query of plain values.

    ``result_ids`` limits it to those results (the rows of one page), ``key`` to one component (to
    sort every row by it), so a page reads a bounded number of scores.
    """
    rows = viewer.component_scores().filter(result__edition_id=edition.pk).order_by()
    if result_ids is not None:
        rows = rows.filter(result_id__in=list(result_ids))
    if key is not None:
        rows = rows.filter(component__key=key)
    by_result: dict[int, dict[str, dict]] = defaultdict(dict)
    for result_id, component_key, score, rank in rows.values_list("result_id", "component__key", "score", "rank"):
        by_result[result_id][component_key] = {"score": score, "rank": rank}
    return by_result


def _citations_by_result(result_ids: list[int], states=(Citation.State.CONFIRMED,)) -> dict[int, list[dict]]:
    if not result_ids:
        return {}
    out: dict[int, list[dict]] = defaultdict(list)
    # each label translated once, not once per citation (a lazy string costs a translation lookup)
    metrics = {key: str(label) for key, label in Citation._meta.get_field("metric").flatchoices}
    citations = _citations(list(result_ids), tuple(states))
    for result_id, metric, number, text, quote, conflict, state, article_pk, title, url, publisher in citations:
        out[result_id].append(
            {
                "metric": metrics.get(metric, metric),
                "value": number if number is not None else text,
                "quote": quote,
                "conflict": conflict,
                "state": state,
                "article_pk": article_pk,
                "article_title": title or url or f"#{article_pk}",
                "article_url": safe_url(url),  # stored links are rendered only when http(s)
                "publisher": publisher,
            }
        )
    return out


def _citations(result_ids: list[int], states: tuple[str, ...]) -> QuerySet[Citation]:
    return (
        Citation.objects.filter(result_id__in=result_ids, state__in=states)
        .order_by("result_id", "metric", "pk")
        .values_list(
            "result_id",
            "metric",
            "value_number",
            "value_text",
            "quote",
            "conflict",
            "state",
            "article_id",
            "article__title",
            "article__url",
            "article__publisher",
        )
    )


def regional_averages_of(edition: Edition, regions) -> dict[int, figures.Average]:
    """``figures.regional_averages`` of ``edition`` from its stored regional totals (``attach_statistics``
    with ``regions_of``): the published average of a region where a source states one, else the mean
    of the scores held, out of the region's ``unit_count`` units."""
    stated = {a.region_id: a.value for a in published_averages([], regions=regions) if a.edition_id == edition.pk}
    return {
        region.pk: figures.average_from_totals(
            stated.get(region.pk),
            *edition.held_regions.get(region.pk, (None, 0)),
            region.unit_count,
            getattr(region, "published_stated", None) or "",
        )
        for region in regions
    }


def national_average_of(edition: Edition) -> figures.Average:
    """The published national average, else the mean of the scores held (see ``attach_statistics``)."""
    return figures.average_from_totals(
        edition.published_national,
        edition.held_total,
        edition.held_count or 0,
        edition.units_ranked,
        getattr(edition, "published_national_stated", None) or "",
    )


@functools.lru_cache(maxsize=1)
def shape_codes() -> frozenset[str]:
    """The GSO codes the map has a shape for (``properties.code`` of the 63 pre-2025 provinces), read once."""
    import json
    from pathlib import Path

    path = Path(settings.BASE_DIR) / "provinces" / "data" / "vn_provinces_63.geojson"
    features = json.loads(path.read_bytes())["features"]
    return frozenset(str(f["properties"]["code"]) for f in features if (f.get("properties") or {}).get("code"))


def drawable_q(edition: Edition) -> Q:
    """The results of ``edition`` the map can draw: a 63-era unit with a shape, a 34-era unit whose predecessors have.

    A filter on ``Result``: the page reads only these rows, so it stays the same size however many
    (synthetic, shapeless) units an edition ranks.
    """
    if edition.era == Era.UNITS_34:
        formed_from = Province.objects.in_dataset().filter(
            era=Era.UNITS_63, code__in=shape_codes(), successor__isnull=False
        )
        return Q(province__era=Era.UNITS_34, province__in=formed_from.values("successor_id"))
    return Q(province__era=Era.UNITS_63, province__code__in=shape_codes())


def is_drawable(row: dict, edition: Edition, predecessors: dict[str, list[str]] | None) -> bool:
    """``drawable_q`` on a row already read (``result_row``); ``predecessors``: ``predecessor_codes()``
    for a 34-era edition, else None."""
    if row["era"] != edition.era:
        return False
    return row["slug"] in predecessors if predecessors is not None else row["code"] in shape_codes()


def predecessor_codes() -> dict[str, list[str]]:
    """Slug of each 34-era unit → the GSO codes of the 63-era units it was formed from that have a shape (one query)."""
    out: dict[str, list[str]] = defaultdict(list)
    old_units = (
        Province.objects.in_dataset()
        .filter(era=Era.UNITS_63, successor__isnull=False, code__in=shape_codes())
        .values_list("code", "successor__slug")
    )
    for code, successor in old_units:
        out[successor].append(code)
    return dict(out)


def edition_coverage(visible, edition: Edition) -> tuple[figures.Coverage, int]:
    """``figures.coverage`` of ``edition`` over ``visible`` (its results the user sees), and how many of
    them the map can draw: one aggregate query, however many units the edition ranks."""
    counts = visible.aggregate(
        with_score=Count("pk", filter=Q(score__isnull=False)),
        with_rank=Count("pk", filter=Q(rank__isnull=False)),
        with_any=Count("pk"),
        drawn=Count("pk", filter=drawable_q(edition)),
    )
    coverage = figures.Coverage(counts["with_score"], counts["with_rank"], counts["with_any"], edition.units_ranked)
    return coverage, counts["drawn"]


def computes_ranks(coverage: figures.Coverage) -> bool:
    """Whether ``figures.effective_ranks`` computes ranks from scores: some rank is not published and
    every unit has a score."""
    return coverage.with_rank < coverage.with_any and coverage.is_complete


def effective_rank(visible, edition: Edition):
    """``figures.effective_ranks`` of the results of ``edition`` as an SQL expression, for when ranks
    are computed (``computes_ranks``): the published rank, else (a score held) 1 + the units of
    ``visible`` (the edition's results the user sees) scoring better, without loading them."""
    better = "score__gt" if edition.index.higher_is_better else "score__lt"
    ahead = visible.filter(**{better: OuterRef("score")}).values("edition").annotate(n=Count("pk")).values("n")
    computed = Case(When(score__isnull=False, then=Coalesce(Subquery(ahead[:1]), 0) + 1))
    return Coalesce("rank", computed, output_field=IntegerField())
