"""The data of every dashboard page, built by one function per page as plain dicts.

Each function takes what the request says (parameters, user) and returns the template context:
numbers are Decimals (templates localise them), chart figures are plain Plotly dicts (rendered
with ``chart_json``). Query counts are constant, and what a page reads is bounded by what it shows:
averages, leaders and spreads come from the stored edition statistics (``attach_statistics``),
ranks, changes and sort positions from the stored standings (``Standing``); the map and overview
read the units the map can draw, rankings the rows of one page. Every queryset of results and
editions goes through ``visible_to(user)`` and ``in_dataset()``.
"""

from __future__ import annotations

import copy
import functools
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dashboard.filtersets import ResultFilterSet
from dashboard.prepared import prepared
from provinces.models import Era, Province, Region
from provinces.text import fold
from reports import figures
from reports.figures import RESULT_ORDER
from reports.models import (
    Citation,
    ComponentScore,
    Edition,
    EditionStatistic,
    Framework,
    Index,
    PublishedAverage,
    Result,
    SourceArticle,
    Status,
    sees_whole,
    visible_results_q,
)

DEFAULT_INDEX = "PAR_INDEX"
# Rows per rankings page: every real edition (63 or 34 units) fits on one page; larger (synthetic)
# panels are paged so that a page's size never grows with the data.
RANKINGS_PAGE_SIZE = 100
MAX_COMPARE = 6
# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "cross", "x"]
PLOT_FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13}


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


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _layout(**extra) -> dict:
    layout = {
        "font": PLOT_FONT,
        "margin": {"l": 60, "r": 20, "t": 30, "b": 50},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "legend": {"orientation": "h", "y": -0.2},
        "hovermode": "closest",
    }
    layout.update(extra)
    return layout


# --------------------------------------------------------------------------- shared loaders


def visible_editions(user, region_id: int | None = None, with_framework: bool = False) -> list[Edition]:
    """Every edition the user may open in this site's dataset, with its index, in one query.

    Each carries ``published_national`` (the national average a source states, or None) and, for
    ``region_id``, ``published_regional``: the averages come with the editions instead of in a
    query of their own. ``with_framework`` adds ``framework_first_year``/``framework_last_year`` (the
    province page marks where the framework changes; columns rather than a joined instance per edition).
    """
    return _visible_editions(user, region_id=region_id, with_framework=with_framework)


@prepared("region_id")
def _visible_editions(user, *, region_id: int | None, with_framework: bool) -> QuerySet[Edition]:
    # order_by(): a sliced subquery keeps the model's ordering, which joined three tables per edition.
    averages = PublishedAverage.objects.filter(edition=OuterRef("pk")).order_by()
    editions = (
        Edition.objects.visible_to(user)
        .in_dataset()
        .select_related("index")
        .annotate(published_national=Subquery(averages.filter(region__isnull=True).values("value")[:1]))
    )
    if with_framework:
        editions = editions.annotate(
            framework_first_year=F("framework__first_year"), framework_last_year=F("framework__last_year")
        )
    if region_id is not None:
        editions = editions.annotate(
            published_regional=Subquery(averages.filter(region_id=region_id).values("value")[:1])
        )
    return editions.order_by("index__order", "index__code", "-year")


def attach_statistics(
    editions: list[Edition], user, region_id: int | None = None, components_of=None, regions_of=None
) -> None:
    """Sums, counts and spread of the scores ``user`` may see in ``editions``, from the stored statistics.

    Sets on each edition ``held_total``/``held_count`` (and ``held_region_total``/``held_region_count``
    for ``region_id``), ``spread`` (units with a score, lowest, quartiles, highest), and the coverage
    counts ``units_with_result``/``units_with_rank`` and ``groups`` held (whole editions only); the edition
    whose id is ``components_of`` also gets ``component_summaries`` (key → figures.ComponentSummary)
    and ``components_held`` (as ``edition_components`` gives them),
    and the one whose id is ``regions_of`` ``held_regions`` (region id → (total, count) of every region
    holding a score: the regional averages of ``regional_averages_of``). Every other edition's
    ``held_regions`` is empty.
    One query, a few rows per edition however many units it ranks; one more for an officer who
    sees only their own row of a draft, which is then their whole "average".
    """
    totals: dict[tuple[int, int | None], tuple] = {}
    regional: dict[int, dict[int, tuple]] = defaultdict(dict)
    parts: dict[int, dict[str, figures.ComponentSummary]] = defaultdict(dict)
    spread: dict[int, dict] = {}
    listed: dict[int, tuple] = {}
    held_components: dict[int, list[tuple]] = defaultdict(list)
    whole = [e.pk for e in editions if sees_whole(e, user)]
    if whole:
        stored = _statistics(
            None, edition_ids=whole, region_id=region_id, regions_of=regions_of, components_of=components_of
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
    partial = [e.pk for e in editions if not sees_whole(e, user)]
    if partial:
        own = Result.objects.filter(
            edition_id__in=partial, province_id=user.province_id, score__isnull=False
        ).values_list("edition_id", "province__region_id", "score")
        for edition_id, own_region, score in own:
            totals[(edition_id, None)] = (score, 1)
            if own_region == region_id:
                totals[(edition_id, region_id)] = (score, 1)
            if edition_id == regions_of and own_region is not None:
                regional[edition_id][own_region] = (score, 1)
    for edition in editions:
        edition.held_total, edition.held_count = totals.get((edition.pk, None), (None, 0))
        if region_id is not None:
            edition.held_region_total, edition.held_region_count = totals.get((edition.pk, region_id), (None, 0))
        edition.held_regions = regional.get(edition.pk, {})
        edition.component_summaries = parts.get(edition.pk, {})
        edition.components_held = [_component_dict(*held) for _order, *held in sorted(held_components[edition.pk])]
        edition.spread = spread.get(edition.pk, {"units": 0})
        edition.units_with_result, edition.units_with_rank, edition.groups = listed.get(edition.pk, (0, 0, []))


@prepared("edition_ids", "region_id", "regions_of", "components_of")
def _statistics(
    user, *, edition_ids: list[int], region_id: int | None, regions_of: int | None, components_of: int | None
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

    return EditionStatistic.objects.filter(wanted, edition_id__in=edition_ids).values_list(
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


def regions_by_era(edition: Edition | None = None) -> dict[int, list[Region]]:
    """The regions with ``unit_count`` = their units in this dataset, per era (one query).

    With ``edition``, each also carries the ``published_average`` a source states for it then.
    """
    regions = _regions(None, edition_id=edition.pk if edition else None)
    out: dict[int, list[Region]] = {}
    for era, attr in ((Era.UNITS_63, "units_63"), (Era.UNITS_34, "units_34")):
        out[era] = []
        for region in regions:
            copied = copy.copy(region)
            copied.unit_count = getattr(region, attr)
            copied.published_edition_id = edition.pk if edition else None
            out[era].append(copied)
    return out


@prepared("edition_id")
def _regions(user, *, edition_id: int | None) -> QuerySet[Region]:
    in_dataset = Q() if settings.CCHC_DATASET == "synthetic" else Q(provinces__is_synthetic=False)
    regions = Region.objects.annotate(
        units_63=Count("provinces", filter=in_dataset & Q(provinces__era=Era.UNITS_63)),
        units_34=Count("provinces", filter=in_dataset & Q(provinces__era=Era.UNITS_34)),
    )
    if edition_id is not None:
        stated = PublishedAverage.objects.filter(edition_id=edition_id, region=OuterRef("pk")).order_by()
        stated = stated.values("value")[:1]
        regions = regions.annotate(published_average=Subquery(stated))
    return regions


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
        key = (average.kind, average.units, average.units_total)
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
    }


# The columns of a result and its unit that result_row and figures.changes_for read.
RESULT_ROW_FIELDS = (
    "id",
    "edition_id",
    "province_id",
    "score",
    "rank",
    "group",
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
    disputed: bool
    reported_score_delta: Decimal | None
    reported_rank_delta: int | None
    province: UnitValues
    edition: Edition | None = None


def _result_value(row: tuple) -> ResultValues:
    """A row starting with RESULT_ROW_FIELDS as a ResultValues (its unit a UnitValues)."""
    return ResultValues(*row[:9], province=UnitValues(*row[9 : len(RESULT_ROW_FIELDS)]))


def standing_rows(rows) -> list[tuple[ResultValues, int | None, figures.Change]]:
    """Rows of RESULT_ROW_FIELDS and STANDING_FIELDS as (result, effective rank, change)."""
    n = len(RESULT_ROW_FIELDS)
    return [(_result_value(row), row[n], figures.stored_change(*row[n + 1 :])) for row in rows]


def _as_result_values(rows) -> list[ResultValues]:
    return [_result_value(row) for row in rows]


@prepared("edition_ids")
def _edition_result_values(user, *, edition_ids: list[int]) -> QuerySet[Result]:
    return (
        Result.objects.visible_to(user)
        .filter(edition__in=edition_ids)
        .order_by(*RESULT_ORDER)
        .values_list(*RESULT_ROW_FIELDS)
    )


def _edition_results(user, edition_ids: list[int]) -> list[ResultValues]:
    """The results ``user`` may see of these editions, as ResultValues in RESULT_ORDER."""
    return _as_result_values(_edition_result_values(user, edition_ids=edition_ids))


@functools.lru_cache(maxsize=1)
def _province_url_prefix() -> str:
    """The province page URL without its slug: reversed once per page rather than once per row."""
    return reverse("dashboard:province", args=["x"])[:-2]


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
        "group": result.group,
        "disputed": result.disputed,
        "draft": result.edition.status != Status.PUBLISHED,
        "score_delta": change.score_delta,
        "rank_delta": change.rank_delta,
        "change_basis": change.basis,
        "previous": [
            {"province": p.province_name, "slug": p.province_slug, "score": p.score, "rank": p.rank}
            for p in change.previous
        ],
        "components": components or {},
        "citations": [],
    }
    return row


def edition_components(edition: Edition) -> list[dict]:
    """The components an edition holds scores for (key, name, max points), in order: one query of a
    few stored-statistics rows, however many units the edition ranks."""
    return [_component_dict(*row) for row in _edition_components(None, edition_id=edition.pk)]


def _component_dict(key: str, name: str, name_en: str, max_points) -> dict:
    return {"key": key, "name": name_en if name_en and in_english() else name, "max_points": max_points}


@prepared("edition_id")
def _edition_components(user, *, edition_id: int) -> QuerySet[EditionStatistic]:
    return (
        EditionStatistic.objects.filter(
            edition_id=edition_id, region__isnull=True, component__isnull=False, units_held__gt=0
        )
        .order_by("component__order")
        .values_list("component__key", "component__name", "component__name_en", "component__max_points")
    )


def component_scores_of(edition: Edition, user, result_ids=None, key: str | None = None) -> dict[int, dict[str, dict]]:
    """Each result's component scores by component key (``{"score", "rank"}``): one query of plain values.

    ``result_ids`` limits it to those results (the rows of one page), ``key`` to one component (to
    sort every row by it), so a page reads a bounded number of scores.
    """
    rows = _component_scores(
        user,
        whole=sees_whole(edition, user),
        edition_id=edition.pk,
        result_ids=None if result_ids is None else list(result_ids),
        key=key,
    )
    by_result: dict[int, dict[str, dict]] = defaultdict(dict)
    for result_id, component_key, score, rank in rows:
        by_result[result_id][component_key] = {"score": score, "rank": rank}
    return by_result


@prepared("edition_id", "result_ids", "key")
def _component_scores(user, *, whole: bool, edition_id: int, result_ids: list[int] | None, key: str | None):
    visible = Q() if whole else visible_results_q(user, "result__")
    rows = ComponentScore.objects.filter(visible, result__edition_id=edition_id).order_by()
    if result_ids is not None:
        rows = rows.filter(result_id__in=result_ids)
    if key is not None:
        rows = rows.filter(component__key=key)
    return rows.values_list("result_id", "component__key", "score", "rank")


def _citations_by_result(result_ids: list[int], states=(Citation.State.CONFIRMED,)) -> dict[int, list[dict]]:
    if not result_ids:
        return {}
    out: dict[int, list[dict]] = defaultdict(list)
    # each label translated once, not once per citation (a lazy string costs a translation lookup)
    metrics = {key: str(label) for key, label in Citation._meta.get_field("metric").flatchoices}
    citations = _citations(None, result_ids=list(result_ids), states=tuple(states))
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
                "article_url": url,
                "publisher": publisher,
            }
        )
    return out


@prepared("result_ids")
def _citations(user, *, result_ids: list[int], states: tuple[str, ...]) -> QuerySet[Citation]:
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


# --------------------------------------------------------------------------- rankings


def rankings_page(params: QueryDict, user) -> dict[str, Any]:
    """Rankings of one edition, filtered and sorted as the URL says.

    Queries: editions, regions; for a visitor who sees the edition whole, its stored statistics (with the
    components held), a count when narrowed, the page's results sorted and cut in SQL on their stored
    standings with their stored ranks and changes (``stored_listing``, used unless the previous year
    is a draft they see); otherwise the components held (an officer on a draft; a curator has them from the
    statistics), the results of the edition and the one before, and the shown ids when narrowed
    (``computed_listing``). Then the component scores and the citations of
    the page's rows.
    """
    editions = visible_editions(user)
    indices = index_choices(editions)
    data = params.copy()
    index_code = data.get("index") or (
        DEFAULT_INDEX if any(i["code"] == DEFAULT_INDEX for i in indices) else (indices[0]["code"] if indices else "")
    )
    data["index"] = index_code
    of_index = [e for e in editions if e.index.code == index_code]
    years = [e.year for e in of_index]
    if not data.get("year") and years:
        data["year"] = str(years[0])
    edition = next((e for e in of_index if str(e.year) == data.get("year", "").strip()), None)
    era = edition.era if edition else Era.UNITS_63
    regions = regions_by_era(edition)[era]
    previous = next((e for e in of_index if edition and e.year == edition.year - 1), None)
    # The edition's stored statistics (averages, coverage, groups) and the components to rank by: those
    # some unit of the edition has a score for (most editions hold none).
    components = []
    if edition and sees_whole(edition, user):
        attach_statistics([edition], user, regions_of=edition.pk, components_of=edition.pk)
        components = edition.components_held
    elif edition:  # an officer's own row of a draft: computed_listing reads what it shows
        components = edition_components(edition)
    # The filterset's queryset is read only when the rows are narrowed (region, group, search); the
    # visibility rule and the edition are applied then, not built on every request.
    queryset = Result.objects.all()
    filterset = ResultFilterSet(
        data,
        queryset,
        indices=indices,
        years=years,
        regions=[{"code": r.code, "name": localized(r)} for r in regions],
        components=components,
    )
    context: dict[str, Any] = {
        "filterset": filterset,
        "form": filterset.form,
        "indices": indices,
        "edition": edition,
        "components": components,
        "rows": [],
        "valid": False,
    }
    if not filterset.is_valid() or edition is None:
        return context

    cleaned = filterset.form.cleaned_data
    component_key = cleaned.get("component") or ""
    sort = cleaned.get("sort") or (f"-c.{component_key}" if component_key else "rank")
    narrowed = any(cleaned.get(name) for name in ("region", "group", "q"))
    shown = filterset.qs.filter(visible_results_q(user), edition=edition) if narrowed else None
    if standings_apply(edition, previous, user):
        listing = stored_listing(edition, previous, user, regions, shown, sort, cleaned.get("page"), data)
    else:
        listing = computed_listing(edition, previous, user, regions, shown, sort, cleaned.get("page"), data)
    if listing is None:
        filterset.form.add_error("page", _("Không có trang này."))
        return context
    page = listing.page
    # A page holding every result of the edition reads its scores by edition (no list of ids).
    whole_page = len(page) == listing.coverage.with_any
    scores_by_result = (
        component_scores_of(edition, user, result_ids=None if whole_page else [r.pk for r in page])
        if components
        else {}
    )
    rows = [result_row(r, listing.changes[r.pk], listing.ranks[r.pk], scores_by_result.get(r.pk)) for r in page]
    # Every row's confirmed sources (a disputed row's include the conflicting ones); suggestions a
    # curator has not reviewed are never shown.
    citations = _citations_by_result([r["id"] for r in rows])
    for row in rows:
        row["citations"] = citations.get(row["id"], [])
        row["component_cells"] = [row["components"].get(c["key"]) for c in components]
    component = next((c for c in components if c["key"] == component_key), None)
    region_code = cleaned.get("region") or ""
    region_average = next(
        (average_dict(listing.regional[r.pk]) | {"name": localized(r)} for r in regions if r.code == region_code),
        None,
    )
    context.update(
        valid=True,
        edition=edition,
        index=edition.index,
        previous_edition=previous,
        rows=rows,
        sort=sort,
        columns=_columns(params, data, sort, components),
        component=component,
        coverage=listing.coverage,
        national=average_dict(listing.national),
        region_average=region_average,
        chart=rankings_chart(rows, listing.national, component, edition),
        groups=listing.groups,
        query_string=urlencode([(k, v) for k, v in data.items() if v and k != "format"]),
        pagination=listing.pagination,
    )
    return context


@dataclass(slots=True)
class Listing:
    """One page of an edition's rankings: its results in the order asked, with what every row shows."""

    page: list[ResultValues]
    ranks: dict[int, int | None]
    changes: dict[int, figures.Change]
    pagination: dict
    national: figures.Average
    regional: dict[int, figures.Average]
    coverage: figures.Coverage
    groups: list[str]


def standings_apply(edition: Edition, previous: Edition | None, user) -> bool:
    """Whether ``edition``'s stored standings are what ``user``'s page computes: they see the edition
    whole, and the edition it is compared with (``previous``, the year before among those they may
    open) is the published one the standings compare with, or there is none."""
    return sees_whole(edition, user) and (previous is None or previous.status == Status.PUBLISHED)


def stored_listing(edition, previous, user, regions, shown, sort, page_number, data) -> Listing | None:
    """A page of the rankings sorted and cut in SQL on the stored standings: the rows read are the page's
    with their stored ranks and changes, however many units the edition ranks. ``edition`` carries its stored statistics
    (``attach_statistics``); ``shown``: the narrowed results (region, group, search), None for all.
    None past the last page.

    Ties and missing figures fall as in ``computed_listing``: rows without the figure last, ties in
    RESULT_ORDER (the standing's ``position``).
    """
    coverage = figures.Coverage(
        edition.held_count, edition.units_with_rank, edition.units_with_result, edition.units_ranked
    )
    total = coverage.with_any if shown is None else shown.count()
    pagination = paginate(total, page_number, data)
    if pagination is None:
        return None
    key = sort.lstrip("-")
    window = {"sort": sort, "start": pagination["start"], "end": pagination["end"]}
    if shown is None:
        found = _ranked_page(user, edition_id=edition.pk, key=key[2:] if key.startswith("c.") else None, **window)
    else:
        found = ranked(shown, key[2:] if key.startswith("c.") else None, **window)
    rows = standing_rows(found)
    page = [result for result, _rank, _change in rows]
    region_by_id = {r.pk: r for r in regions}
    for result in page:
        result.edition = edition
        result.province.region = region_by_id.get(result.province.region_id)
    return Listing(
        page=page,
        ranks={result.pk: rank for result, rank, _change in rows},
        changes={result.pk: change for result, _rank, change in rows},
        pagination=pagination,
        national=national_average_of(edition),
        regional=regional_averages_of(edition, regions),
        coverage=coverage,
        groups=edition.groups,
    )


# The stored figure each sort of the rankings orders by.
STANDING_SORTS = {
    "rank": "standing__rank",
    "province": "standing__name_position",
    "score": "score",
    "change": "standing__score_change",
}


def ranked(results, component: str | None, *, sort: str, start: int, end: int):
    """``results`` (of one edition) ordered by ``sort`` on their stored standings, rows ``start``
    to ``end``, as RESULT_ROW_FIELDS and STANDING_FIELDS (``standing_rows`` reads them)."""
    key = sort.lstrip("-")
    if sort == "rank":  # the default order, stored whole: a page is read from the index
        order = [F("standing__rank_position").asc()]
    else:
        if component is not None:
            score = ComponentScore.objects.filter(result=OuterRef("pk"), component__key=component).order_by()
            score = score.values("score")
            results = results.annotate(sort_value=Subquery(score[:1]))
            field = F("sort_value")
        else:
            field = F(STANDING_SORTS[key])
        order = [field.desc(nulls_last=True) if sort.startswith("-") else field.asc(nulls_last=True)]
        order.append(F("standing__position").asc())
    return results.order_by(*order).values_list(*RESULT_ROW_FIELDS, *STANDING_FIELDS)[start:end]


@prepared("edition_id", "key")
def _ranked_page(user, *, edition_id: int, key: str | None, sort: str, start: int, end: int):
    # filtered on the standing's edition, so that the database can walk its (edition, order) index
    results = Result.objects.visible_to(user).filter(standing__edition_id=edition_id)
    return ranked(results, key, sort=sort, start=start, end=end)


def computed_listing(edition, previous, user, regions, shown, sort, page_number, data) -> Listing | None:
    """A page of the rankings computed in Python over every result of the edition and the one before, as
    ``user`` sees them: for an officer who sees only their own row of a draft, or a curator comparing
    with a draft. ``shown``: the narrowed results, None for all. None past the last page."""
    results = _edition_results(user, edition_ids=[e.pk for e in (edition, previous) if e])
    editions_by_id = {e.pk: e for e in (edition, previous) if e}
    region_by_id = {r.pk: r for r in regions}
    for r in results:
        r.edition = editions_by_id[r.edition_id]
        r.province.region = region_by_id.get(r.province.region_id)
    all_results = [r for r in results if r.edition_id == edition.pk]
    previous_results = [r for r in results if previous and r.edition_id == previous.pk]
    shown_ids = {r.pk for r in all_results} if shown is None else set(shown.values_list("pk", flat=True))
    changes = figures.changes_for(all_results, edition, previous_results)
    ranks = figures.effective_ranks(edition, all_results, edition.index.higher_is_better)
    # Sort every shown unit on the few figures a column needs (a component's scores only when it is
    # the sort), then cut one page.
    key = sort.lstrip("-")
    sort_scores = component_scores_of(edition, user, key=key[2:]) if key.startswith("c.") else {}
    sortable = [
        {
            "id": r.pk,
            "rank": ranks[r.pk],
            "province": r.province.name,
            "score": r.score,
            "score_delta": changes[r.pk].score_delta,
            "components": sort_scores.get(r.pk, {}),
        }
        for r in all_results
        if r.pk in shown_ids
    ]
    sortable = figures.sort_rows(sortable, sort)
    pagination = paginate(len(sortable), page_number, data)
    if pagination is None:
        return None
    by_id = {r.pk: r for r in all_results}
    published = published_averages([edition], regions=regions)
    return Listing(
        page=[by_id[k["id"]] for k in sortable[pagination["start"] : pagination["end"]]],
        ranks=ranks,
        changes=changes,
        pagination=pagination,
        national=figures.national_average(edition, all_results, published),
        regional=figures.regional_averages(edition, all_results, published, regions),
        coverage=figures.coverage(edition, all_results),
        groups=sorted({r.group for r in all_results if r.group}, key=fold),
    )


def paginate(total: int, page, data: QueryDict) -> dict | None:
    """The slice of a ``total``-row table shown on ``page`` (1-based), with links; None past the end."""
    page = int(page or 1)
    pages = max(1, -(-total // RANKINGS_PAGE_SIZE))
    if page > pages:
        return None

    def link(number: int) -> str:
        return "?" + urlencode(
            [(k, v) for k, v in data.items() if v and k not in ("format", "page")] + [("page", number)]
        )

    return {
        "page": page,
        "pages": pages,
        "total": total,
        "start": (page - 1) * RANKINGS_PAGE_SIZE,
        "end": page * RANKINGS_PAGE_SIZE,
        "previous_url": link(page - 1) if page > 1 else "",
        "next_url": link(page + 1) if page < pages else "",
    }


def _columns(params: QueryDict, data: QueryDict, sort: str, components: list[dict]) -> list[dict]:
    """Sortable column headers: each links to the same view sorted by it (toggling direction)."""
    labels = [
        ("rank", _("Hạng")),
        ("province", _("Tỉnh, thành phố")),
        ("score", _("Điểm")),
        ("change", _("Thay đổi")),
    ] + [(f"c.{c['key']}", c["name"]) for c in components]
    # every parameter but the sort, once (QueryDict.copy() deep-copies: once per column was measurable)
    kept = [(k, v) for k, values in data.lists() if k != "sort" for v in values]
    columns = []
    for key, label in labels:
        current = sort.lstrip("-") == key
        descending = sort.startswith("-")
        target = f"-{key}" if current and not descending else key
        if not current and key in ("score", "change") or (not current and key.startswith("c.")):
            target = f"-{key}"  # higher first on first click
        columns.append(
            {
                "key": key,
                "label": label,
                "url": "?" + urlencode(kept + [("sort", target)]),
                "aria_sort": ("descending" if descending else "ascending") if current else "none",
                "component": key.startswith("c."),
            }
        )
    return columns


def rankings_chart(rows: list[dict], national: figures.Average, component: dict | None, edition: Edition) -> dict:
    """Horizontal bars of the rows shown, in their order, with the national average marked."""
    if component:
        plotted = [r for r in rows if (r["components"].get(component["key"]) or {}).get("score") is not None]
        values = [_f(r["components"][component["key"]]["score"]) for r in plotted]
        title = component["name"]
    else:
        plotted = [r for r in rows if r["score"] is not None]
        values = [_f(r["score"]) for r in plotted]
        title = _("Điểm")
    labels = [f"{r['rank']}. {r['province']}" if r["rank"] else r["province"] for r in plotted]
    trace = {
        "type": "bar",
        "orientation": "h",
        "x": values,
        "y": labels,
        "text": [f"{v:.2f}".replace(".", ",") if v is not None else "" for v in values],
        "textposition": "auto",
        "marker": {
            "color": [PALETTE[1] if r["disputed"] else PALETTE[0] for r in plotted],
            "pattern": {"shape": ["/" if r["disputed"] else "" for r in plotted]},
        },
        "hovertemplate": "%{y}: %{x:.2f}<extra></extra>",
        "name": title,
    }
    shapes, annotations = [], []
    if national.value is not None and not component:
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": _f(national.value),
                "x1": _f(national.value),
                "y0": 0,
                "y1": 1,
                "line": {"color": "#000", "dash": "dash", "width": 2},
            }
        )
        annotations.append(
            {
                "x": _f(national.value),
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "yanchor": "bottom",
                "text": _("TB cả nước %(value)s") % {"value": f"{national.value:.2f}".replace(".", ",")},
                "showarrow": False,
            }
        )
    lowest = min([v for v in values if v is not None] + ([_f(national.value)] if national.value else []), default=0)
    return {
        "data": [trace],
        "layout": _layout(
            height=max(240, 28 * len(plotted) + 80),
            margin={"l": 200, "r": 30, "t": 40, "b": 40},
            yaxis={"autorange": "reversed", "automargin": True},
            xaxis={"range": [max(0, lowest - 5), 100 if not component else None], "title": {"text": title}},
            shapes=shapes,
            annotations=annotations,
            showlegend=False,
        ),
    }


# --------------------------------------------------------------------------- overview


# Leaders, biggest gains and biggest losses on the overview: at most this many of each.
OVERVIEW_TOP = 5


def overview_page(params: QueryDict, user) -> dict[str, Any]:
    """The latest published edition of an index.

    Queries: editions, their stored statistics (the averages and spread of every year, and the latest
    edition's regional totals), regions, the latest edition's counts, the results it shows (the units
    the map draws, and the leaders and biggest movers, picked in SQL, with their stored ranks and
    changes), and for a 34-era edition its predecessors' map codes. The rows read are bounded
    by what the page shows, however many units an edition ranks.
    """
    editions = visible_editions(user)
    index_code = pick_index(editions, params.get("index"))
    of_index = [e for e in editions if e.index.code == index_code]
    published_editions = [e for e in of_index if e.status == Status.PUBLISHED]
    context: dict[str, Any] = {"indices": index_choices(editions), "index_code": index_code, "edition": None}
    if not published_editions:
        return context
    edition = published_editions[0]
    previous = next((e for e in published_editions if e.year == edition.year - 1), None)
    attach_statistics(published_editions, user, regions_of=edition.pk)
    regions = regions_by_era(edition)[edition.era]
    visible = Result.objects.visible_to(user).filter(edition=edition).order_by()
    coverage, drawable = edition_coverage(visible, edition)
    shown = overview_results(visible, edition)
    region_by_id = {r.pk: r for r in regions}
    for result, _rank, _change in shown:
        result.edition = edition
        result.province.region = region_by_id.get(result.province.region_id)
    rows = [result_row(result, change, rank) for result, rank, change in shown]
    trend = {e.pk: national_average_of(e) for e in published_editions}
    national = trend[edition.pk]
    national_previous = trend[previous.pk] if previous else None
    national_change = (
        national.value - national_previous.value
        if national_previous and national.value is not None and national_previous.value is not None
        else None
    )
    regional = regional_averages_of(edition, regions)
    # The same sorts as over the whole edition: the rows shown include the first OVERVIEW_TOP by each.
    up, down = figures.biggest_movers(rows, OVERVIEW_TOP)
    leaders = figures.sort_rows([r for r in rows if r["rank"] or r["score"] is not None], "rank")[:OVERVIEW_TOP]
    context.update(
        edition=edition,
        index=edition.index,
        coverage=coverage,
        national=average_dict(national),
        national_previous=average_dict(national_previous) if national_previous else None,
        national_change=national_change,
        previous_edition=previous,
        regional=[average_dict(regional[r.pk]) | {"name": localized(r), "code": r.code} for r in regions],
        leaders=leaders,
        movers_up=up,
        movers_down=down,
        distribution=distribution_rows(published_editions, trend),
        distribution_chart=distribution_chart(published_editions),
    )
    # The map and its table show the units it can draw: all of them in real data, the 63 with a
    # shape in a scaled synthetic panel, so the page's size does not grow with the panel.
    predecessors = predecessor_codes() if edition.era == Era.UNITS_34 else None
    drawn = [row for row in rows if is_drawable(row, edition, predecessors)]
    context.update(
        map_chart=choropleth(edition, drawn, "score", predecessors),
        map_rows=drawn,
        undrawn=coverage.with_any - drawable,
        undrawn_url=reverse("dashboard:rankings") + "?" + urlencode({"index": index_code, "year": edition.year}),
    )
    return context


def overview_results(visible, edition: Edition) -> list[tuple[ResultValues, int | None, figures.Change]]:
    """The results of ``edition`` the overview shows, in RESULT_ORDER, each with its effective rank and
    change (``standing_rows``): the
    ones the map draws, and the first OVERVIEW_TOP leaders, gains and losses of the whole edition as
    its stored standings number them. One query.

    ``visible``: the edition's results the user sees (all of them: the overview shows published
    editions, compared with the published edition a year earlier, as the standings are). The page then
    sorts the rows it holds with the same stable sorts, so it shows what a sort of the whole edition
    shows while reading a bounded number of rows.
    """
    top = OVERVIEW_TOP
    featured = Q(standing__rank_position__lte=top) | Q(standing__gain__lte=top) | Q(standing__loss__lte=top)
    shown = visible.filter(drawable_q(edition) | featured).order_by(*RESULT_ORDER)
    return standing_rows(shown.values_list(*RESULT_ROW_FIELDS, *STANDING_FIELDS))


def regional_averages_of(edition: Edition, regions) -> dict[int, figures.Average]:
    """``figures.regional_averages`` of ``edition`` from its stored regional totals (``attach_statistics``
    with ``regions_of``): the published average of a region where a source states one, else the mean
    of the scores held, out of the region's ``unit_count`` units."""
    stated = {a.region_id: a.value for a in published_averages([], regions=regions) if a.edition_id == edition.pk}
    return {
        region.pk: figures.average_from_totals(
            stated.get(region.pk), *edition.held_regions.get(region.pk, (None, 0)), region.unit_count
        )
        for region in regions
    }


def national_average_of(edition: Edition) -> figures.Average:
    """The published national average, else the mean of the scores held (see ``attach_statistics``)."""
    return figures.average_from_totals(
        edition.published_national, edition.held_total, edition.held_count or 0, edition.units_ranked
    )


def distribution_rows(editions, trend) -> list[dict]:
    """Per edition: how many units have a score, lowest, median, highest held, national average."""
    labels: dict = {}
    return [
        {
            "year": edition.year,
            "units": edition.spread["units"],
            "units_total": edition.units_ranked,
            "min": edition.spread.get("min"),
            "median": edition.spread.get("median"),
            "max": edition.spread.get("max"),
            "national": average_dict(trend[edition.pk], labels),
        }
        for edition in sorted(editions, key=lambda e: e.year)
    ]


def distribution_chart(editions) -> dict:
    """One box per year from the stored quartiles; the whiskers reach the lowest and highest score held."""
    held = [e for e in sorted(editions, key=lambda e: e.year) if e.spread["units"]]
    names = [f"{e.year} ({e.spread['units']}/{e.units_ranked})" for e in held]
    box = {
        "type": "box",
        "x": names,
        "q1": [_f(e.spread["q1"]) for e in held],
        "median": [_f(e.spread["median"]) for e in held],
        "q3": [_f(e.spread["q3"]) for e in held],
        "lowerfence": [_f(e.spread["min"]) for e in held],
        "upperfence": [_f(e.spread["max"]) for e in held],
        "marker": {"color": PALETTE[0]},
        "line": {"color": PALETTE[0]},
        "fillcolor": "rgba(0,114,178,0.12)",
        "hoverinfo": "x+y",
    }
    return {
        "data": [box] if held else [],
        "layout": _layout(
            height=380,
            showlegend=False,
            yaxis={"title": {"text": _("Điểm")}},
            xaxis={"title": {"text": _("Năm kết quả (số đơn vị có điểm)")}, "type": "category"},
        ),
    }


# --------------------------------------------------------------------------- map


def choropleth(edition: Edition, rows: list[dict], by: str, predecessors: dict[int, list[str]] | None = None) -> dict:
    """A choropleth over the 63 shapes (GeoJSON fetched by the page, ``properties.code``).

    A 34-era unit is drawn with its predecessors' shapes (``predecessors``: slug → 63-era codes).
    Units without a figure are not drawn (left blank), never coloured as zero.
    """
    locations, z, text, groups = [], [], [], []
    group_names = sorted({r["group"] for r in rows if r["group"]})
    for row in rows:
        codes = (predecessors or {}).get(row["slug"]) or ([row["code"]] if row["era"] == Era.UNITS_63 else [])
        value = row["score"] if by == "score" else (row["group"] or None)
        if value is None:
            continue
        for code in codes:
            if not code:
                continue
            locations.append(code)
            if by == "score":
                z.append(_f(value))
            else:
                z.append(group_names.index(value))
            label = f"{row['province']}: {value}"
            if row["rank"]:
                label += f" — #{row['rank']}"
            text.append(label)
            groups.append(value)
    trace: dict[str, Any] = {
        "type": "choropleth",
        "featureidkey": "properties.code",
        "locations": locations,
        "z": z,
        "text": text,
        "hovertemplate": "%{text}<extra></extra>",
        "marker": {"line": {"color": "#ffffff", "width": 0.6}},
    }
    if by == "score":
        trace["colorscale"] = "Viridis"
        trace["colorbar"] = {"title": {"text": _("Điểm")}, "thickness": 12}
    else:
        # one flat band per group (no gradient), so each group is one colour; the table names them too
        k = max(len(group_names), 1)
        scale = []
        for i, _name in enumerate(group_names):
            colour = PALETTE[i % len(PALETTE)]
            scale += [[i / k, colour], [(i + 1) / k, colour]]
        trace["colorscale"] = scale or [[0, PALETTE[0]], [1, PALETTE[0]]]
        trace["zmin"], trace["zmax"] = -0.5, k - 0.5
        trace["colorbar"] = {
            "tickvals": list(range(len(group_names))),
            "ticktext": group_names,
            "title": {"text": _("Nhóm")},
            "thickness": 12,
        }
    return {
        "data": [trace],
        "layout": _layout(
            height=560,
            margin={"l": 0, "r": 0, "t": 10, "b": 0},
            geo={"fitbounds": "geojson", "visible": False},
        ),
        "geojson": True,
        "base": {"missing": _("chưa có số liệu")},
    }


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


def map_page(params: QueryDict, user) -> dict[str, Any]:
    """Choropleth of one edition: the units the map can draw, and how many it cannot.

    Queries: editions, the edition's counts (coverage of the whole edition), the drawable results,
    and for a 34-era edition the predecessors' codes. Rows are bounded by the shapes (63), not by
    the units an edition ranks.
    """
    editions = visible_editions(user)
    index_code = pick_index(editions, params.get("index"))
    of_index = [e for e in editions if e.index.code == index_code]
    year = params.get("year") or (str(of_index[0].year) if of_index else "")
    by = params.get("by") or "score"
    if by not in ("score", "group"):
        raise BadRequest(_("Chỉ tô màu theo điểm hoặc theo nhóm."))
    try:
        year_int = int(year)
    except ValueError:
        raise BadRequest(_("Năm “%(year)s” không hợp lệ.") % {"year": year}) from None
    edition = next((e for e in of_index if e.year == year_int), None)
    if edition is None:
        raise Http404(_("Không có kỳ công bố năm %(year)s.") % {"year": year})
    visible = Result.objects.visible_to(user).filter(edition=edition).order_by()
    coverage, drawable = edition_coverage(visible, edition)
    drawn = visible.filter(drawable_q(edition)).select_related("province__region")
    if computes_ranks(coverage):
        drawn = drawn.annotate(effective_rank=effective_rank(visible, edition))
    results = list(drawn.order_by(*RESULT_ORDER))
    rows = []
    for r in results:
        r.edition = edition
        rows.append(result_row(r, figures.NO_CHANGE, getattr(r, "effective_rank", r.rank)))
    undrawn = coverage.with_any - drawable
    return {
        "indices": index_choices(editions),
        "index_code": index_code,
        "years": [e.year for e in of_index],
        "edition": edition,
        "index": edition.index,
        "by": by,
        "rows": figures.sort_rows(rows, "rank"),
        "coverage": coverage,
        "undrawn": undrawn,
        "undrawn_url": reverse("dashboard:rankings") + "?" + urlencode({"index": index_code, "year": edition.year}),
        "chart": choropleth(edition, rows, by, predecessor_codes() if edition.era == Era.UNITS_34 else None),
    }


# --------------------------------------------------------------------------- province


def province_page(slug: str, params: QueryDict, user) -> dict[str, Any]:
    """A unit's results over all years, its lineage, components, gaps and sources.

    Queries: the unit and its predecessors (+ region sizes), editions (+ published averages), the
    editions' stored statistics (averages, leaders), the unit's results, its component scores,
    citations, articles: seven, however many units and years the database holds.
    """
    units = _unit_and_predecessors(None, slug=slug)
    province = next((u for u in units if u.slug == slug), None)
    if province is None:
        raise Http404(_("Không có tỉnh, thành phố “%(slug)s”.") % {"slug": slug})
    predecessors = [u for u in units if u.pk != province.pk]
    editions = visible_editions(user, region_id=province.region_id, with_framework=True)
    indices = index_choices(editions)
    index_code = pick_index(editions, params.get("index"))
    of_index = sorted((e for e in editions if e.index.code == index_code), key=lambda e: e.year)
    unit_ids = {u.pk for u in units}
    # Only the unit's and its predecessors' results: averages come as aggregates with the editions,
    # so the page reads the same number of rows however many units an edition ranks.
    own = _unit_results(user, edition_ids=[e.pk for e in of_index], unit_ids=sorted(unit_ids))
    editions_by_id = {e.pk: e for e in of_index}
    for result in own:  # the editions the page already holds, not a join
        result.edition = editions_by_id[result.edition_id]
    latest_own = max((r for r in own if r.province_id == province.pk), key=lambda r: r.edition.year, default=None)
    attach_statistics(of_index, user, province.region_id, components_of=latest_own.edition_id if latest_own else None)
    # The unit's component scores over the years (its own rows only: the leaders and averages of
    # each component come with the editions, from the stored statistics).
    component_rows = _unit_component_scores(user, result_ids=[r.pk for r in own])
    latest_summaries: dict[str, figures.ComponentSummary] = {}
    if latest_own is not None and sees_whole(latest_own.edition, user):
        latest_edition = next(e for e in of_index if e.pk == latest_own.edition_id)
        latest_summaries = latest_edition.component_summaries
    elif latest_own is not None:
        # An officer's draft: their own scores are all they see, so they are the "best" and the "average".
        latest_summaries = {
            key: figures.ComponentSummary(score, 1, score, (province.name,), 1)
            for rid, _e, key, *_rest, score, _rank in component_rows
            if rid == latest_own.pk and score is not None
        }
    region_units = {Era.UNITS_63: province.region_units_63 or 0, Era.UNITS_34: province.region_units_34 or 0}
    trend = {}
    for edition in of_index:
        national = national_average_of(edition)
        regional = None
        if province.region_id:
            regional = figures.average_from_totals(
                edition.published_regional,
                edition.held_region_total,
                edition.held_region_count or 0,
                region_units[edition.era],
            )
        trend[edition.pk] = (national, regional)
    citations = _citations_by_result([r.pk for r in own])  # confirmed only: never unreviewed suggestions
    # The unit's articles and, for a merged unit, its predecessors'.
    articles = _unit_articles(None, unit_ids=sorted(unit_ids))

    # Series: the unit itself, then each predecessor separately labelled.
    series = []
    for unit in [province, *predecessors]:
        unit_results = sorted((r for r in own if r.province_id == unit.pk), key=lambda r: r.edition.year)
        series.append(
            {
                "name": unit.name if unit.pk == province.pk else _("%(name)s (tiền thân)") % {"name": unit.name},
                "slug": unit.slug,
                "is_predecessor": unit.pk != province.pk,
                "rows": [
                    {
                        "year": r.edition.year,
                        "score": r.score,
                        "rank": r.rank,
                        "units_ranked": r.edition.units_ranked,
                        "group": r.group,
                        "disputed": r.disputed,
                        "draft": r.edition.status != Status.PUBLISHED,
                        "citations": citations.get(r.pk, []),
                    }
                    for r in unit_results
                ],
            }
        )
    years = [e.year for e in of_index]
    trend_rows = []
    labels: dict = {}
    own_by_year = {r.edition.year: r for r in own if r.province_id == province.pk}
    for edition in of_index:
        national, regional = trend[edition.pk]
        mine = own_by_year.get(edition.year)
        trend_rows.append(
            {
                "year": edition.year,
                "score": mine.score if mine else None,
                "rank": mine.rank if mine else None,
                "units_ranked": edition.units_ranked,
                "national": average_dict(national, labels),
                "regional": average_dict(regional, labels) if regional else None,
            }
        )

    # Components: percent of maximum over the years, with framework breaks.
    year_of = {e.pk: e.year for e in of_index}
    own_ids = {r.pk for r in own if r.province_id == province.pk}
    component_series: dict[str, dict] = {}
    english = in_english()
    for result_id, edition_id, key, name, name_en, max_points, order, score, rank in component_rows:
        if result_id not in own_ids:
            continue
        name = name_en if english and name_en else name
        entry = component_series.setdefault(key, {"key": key, "name": name, "order": order, "points": []})
        entry["points"].append(
            {
                "year": year_of[edition_id],
                "score": score,
                "rank": rank,
                "max": max_points,
                "pct": figures.percent_of_max(score, max_points),
            }
        )
    for entry in component_series.values():
        entry["points"].sort(key=lambda p: p["year"])
    breaks = []
    previous_fw = None
    for edition in of_index:
        fw = edition.framework_id
        if previous_fw is not None and fw is not None and fw != previous_fw:
            first, last = edition.framework_first_year, edition.framework_last_year
            breaks.append({"year": edition.year, "name": f"{edition.index.short_name} {first}–{last or '…'}"})
        if fw is not None:
            previous_fw = fw

    gaps = []
    if latest_own:
        own_scores = {key: score for rid, _e, key, *_rest, score, _rank in component_rows if rid == latest_own.pk}
        components = sorted(
            {
                (order, key, name_en if english and name_en else name, mx)
                for rid, _e, key, name, name_en, mx, order, *_ in component_rows
                if rid == latest_own.pk
            }
        )
        gaps = figures.component_gaps(
            latest_own.edition, [(k, n, mx) for _o, k, n, mx in components], own_scores, latest_summaries
        )

    index = of_index[0].index if of_index else None
    return {
        "province": province,
        "predecessors": predecessors,
        "successor": province.successor,
        "indices": indices,
        "index_code": index_code,
        "index": index,
        "series": series,
        "trend_rows": trend_rows,
        "has_results": bool(own),
        "latest": latest_own,
        "gaps": gaps,
        "component_series": sorted(component_series.values(), key=lambda e: e["order"]),
        "breaks": breaks,
        "articles": articles,
        "score_chart": province_score_chart(series, trend_rows, years, breaks),
        "rank_chart": province_rank_chart(series, years, breaks),
        "component_chart": component_chart(sorted(component_series.values(), key=lambda e: e["order"]), breaks),
    }


@prepared("slug")
def _unit_and_predecessors(user, *, slug: str) -> QuerySet[Province]:
    """The unit whose slug this is and the units merged into it, with the sizes of their regions."""
    in_dataset = Q() if settings.CCHC_DATASET == "synthetic" else Q(is_synthetic=False)

    def units_in_region(era: int) -> Subquery:
        same = Province.objects.filter(in_dataset, region=OuterRef("region"), era=era).order_by()
        return Subquery(same.values("region").annotate(n=Count("pk")).values("n")[:1])

    return (
        Province.objects.in_dataset()
        .filter(Q(slug=slug) | Q(successor__slug=slug))
        .select_related("region", "successor")
        .annotate(region_units_63=units_in_region(Era.UNITS_63), region_units_34=units_in_region(Era.UNITS_34))
        .order_by("name")
    )


@prepared("edition_ids", "unit_ids")
def _unit_results(user, *, edition_ids: list[int], unit_ids: list[int]) -> QuerySet[Result]:
    return Result.objects.visible_to(user).filter(edition__in=edition_ids, province_id__in=unit_ids).order_by()


@prepared("result_ids")
def _unit_component_scores(user, *, result_ids: list[int]) -> QuerySet[ComponentScore]:
    return (
        ComponentScore.objects.filter(visible_results_q(user, "result__"), result_id__in=result_ids)
        .order_by()
        .values_list(
            "result_id",
            "result__edition_id",
            "component__key",
            "component__name",
            "component__name_en",
            "component__max_points",
            "component__order",
            "score",
            "rank",
        )
    )


@prepared("unit_ids")
def _unit_articles(user, *, unit_ids: list[int]) -> QuerySet[SourceArticle]:
    return (
        SourceArticle.objects.filter(provinces__in=unit_ids)
        .distinct()
        .order_by("-published_on", "title")
        .values("pk", "title", "url", "publisher", "published_on")
    )


def _break_shapes(breaks: list[dict]) -> tuple[list, list]:
    shapes, annotations = [], []
    for b in breaks:
        x = b["year"] - 0.5
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": x,
                "x1": x,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#555", "dash": "dot", "width": 1},
            }
        )
        annotations.append(
            {
                "x": x,
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "text": _("Bộ tiêu chí mới"),
                "showarrow": False,
                "yanchor": "bottom",
                "font": {"size": 11},
            }
        )
    return shapes, annotations


def province_score_chart(series: list[dict], trend_rows: list[dict], years: list[int], breaks: list[dict]) -> dict:
    data = []
    for i, s in enumerate(series):
        by_year = {p["year"]: p for p in s["rows"]}
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": s["name"],
                # every year, None where no score is held: the line breaks instead of bridging the gap
                "x": years,
                "y": [_f(by_year[y]["score"]) if y in by_year else None for y in years],
                "line": {"color": PALETTE[i % len(PALETTE)], "width": 3 if i == 0 else 2, "dash": DASHES[i % 6]},
                "marker": {"symbol": SYMBOLS[i % 6], "size": 8},
                "connectgaps": False,
            }
        )
    # Averages: gaps stay gaps (None), computed ones say their coverage in the hover text.
    for key, label, colour, dash in (
        ("national", _("Trung bình cả nước"), "#000000", "dash"),
        ("regional", _("Trung bình vùng"), PALETTE[5], "dot"),
    ):
        points = [(t["year"], t[key] if t[key] and t[key]["value"] is not None else None) for t in trend_rows]
        if not any(a for _y, a in points):
            continue
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": label,
                "x": [y for y, _a in points],
                "y": [_f(a["value"]) if a else None for _y, a in points],
                "text": [a["label"] if a else "" for _y, a in points],
                "hovertemplate": "%{x}: %{y:.2f} (%{text})<extra>" + label + "</extra>",
                "line": {"color": colour, "dash": dash, "width": 1.5},
                "marker": {"symbol": "circle-open", "size": 7},
            }
        )
    shapes, annotations = _break_shapes(breaks)
    return {
        "data": data,
        "layout": _layout(
            height=380,
            xaxis={"dtick": 1, "range": [min(years) - 0.5, max(years) + 0.5] if years else None},
            yaxis={"title": {"text": _("Điểm")}},
            shapes=shapes,
            annotations=annotations,
        ),
    }


def province_rank_chart(series: list[dict], years: list[int], breaks: list[dict]) -> dict:
    data = []
    for i, s in enumerate(series):
        by_year = {p["year"]: p for p in s["rows"] if p["rank"] is not None}
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": s["name"],
                "x": years,
                "y": [by_year[y]["rank"] if y in by_year else None for y in years],
                "text": [f"{by_year[y]['rank']}/{by_year[y]['units_ranked']}" if y in by_year else "" for y in years],
                "hovertemplate": "%{x}: %{text}<extra></extra>",
                "line": {"color": PALETTE[i % len(PALETTE)], "dash": DASHES[i % 6]},
                "marker": {"symbol": SYMBOLS[i % 6], "size": 8},
            }
        )
    shapes, annotations = _break_shapes(breaks)
    return {
        "data": data,
        "layout": _layout(
            height=320,
            xaxis={"dtick": 1, "range": [min(years) - 0.5, max(years) + 0.5] if years else None},
            yaxis={"autorange": "reversed", "title": {"text": _("Thứ hạng (1 = cao nhất)")}},
            shapes=shapes,
            annotations=annotations,
        ),
    }


def component_chart(component_series: list[dict], breaks: list[dict]) -> dict:
    data = []
    for i, entry in enumerate(component_series):
        points = [p for p in entry["points"] if p["pct"] is not None]
        if not points:
            continue
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": entry["name"],
                "x": [p["year"] for p in points],
                "y": [_f(p["pct"]) for p in points],
                "line": {"color": PALETTE[i % len(PALETTE)], "dash": DASHES[i % 6]},
                "marker": {"symbol": SYMBOLS[i % 6], "size": 8},
                "hovertemplate": "%{x}: %{y:.1f}%<extra>" + entry["name"][:40] + "</extra>",
            }
        )
    shapes, annotations = _break_shapes(breaks)
    return {
        "data": data,
        "layout": _layout(
            height=360,
            xaxis={"dtick": 1},
            yaxis={"title": {"text": _("% điểm tối đa")}, "range": [0, 105]},
            shapes=shapes,
            annotations=annotations,
        ),
    }


# --------------------------------------------------------------------------- compare


# At most this many units are offered when a typed name matches several (the page stays bounded).
MAX_SUGGESTIONS = 8


def unit_label(name: str, era: int, is_synthetic: bool = False) -> str:
    """How the compare picker names a unit: a real 63-era unit says "(trước 2025)", as ``Province.__str__``."""
    if era == Era.UNITS_63 and not is_synthetic:
        return f"{name} ({_('trước 2025')})"
    return name


def unit_choices() -> list[dict]:
    """Every unit of this site's dataset as the compare picker suggests it (slug, label): one query.

    Served as JSON by its own cached URL, so the compare page does not grow with the units.
    """
    units = Province.objects.in_dataset().order_by().values_list("slug", "name", "era", "is_synthetic")
    ordered = sorted(units, key=lambda u: (u[2], fold(u[1]), u[0]))  # the current (34) units first
    return [{"slug": slug, "label": unit_label(name, era, synthetic)} for slug, name, era, synthetic in ordered]


def resolve_unit(text: str) -> tuple[dict | None, list[dict]]:
    """The unit a typed name means, diacritic-insensitive ("Bac Lieu" → Bạc Liêu): one query.

    Returns ``(unit, [])`` when one unit answers, else ``(None, candidates)``: several units
    (ambiguous, at most ``MAX_SUGGESTIONS`` + 1) or none (unknown). A name, English name, code or
    alias matching exactly wins over a name containing the text; "(trước 2025)" picks the 63-era unit,
    and without it a name both eras share means the current unit (as the picker labels them).
    """
    from django.db.models import Case, IntegerField, Value, When

    folded = fold(text)
    era = None
    for suffix in (fold(f"({_('trước 2025')})"), "(truoc 2025)"):
        if folded.endswith(suffix):
            era, folded = Era.UNITS_63, folded.removesuffix(suffix).strip()
            break
    if not folded:
        return None, []
    sep = " | "
    exact = (
        Q(search_text=folded)
        | Q(search_text__startswith=folded + sep)
        | Q(search_text__endswith=sep + folded)
        | Q(search_text__contains=sep + folded + sep)
        | Q(slug=text.strip().lower())
    )
    found = Province.objects.in_dataset().filter(Q(search_text__contains=folded) | Q(slug=text.strip().lower()))
    if era:
        found = found.filter(era=era)
    match = Case(
        When(exact, then=Value(2)),
        When(search_text__startswith=folded, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    rows = list(
        found.annotate(match=match)
        .order_by("-match", "era", "name")
        .values("slug", "name", "era", "is_synthetic", "match")[: MAX_SUGGESTIONS + 1]
    )
    for row in rows:
        row["label"] = unit_label(row["name"], row["era"], row["is_synthetic"])
    exact_rows = [r for r in rows if r["match"] == 2]
    if exact_rows:
        if len(exact_rows) > 1 and era is None:
            # "Hà Nội" is the current Hà Nội; the pre-2025 one is "Hà Nội (trước 2025)".
            unsuffixed = [r for r in exact_rows if r["label"] == r["name"]]
            if len(unsuffixed) == 1:
                return unsuffixed[0], []
        return (exact_rows[0], []) if len(exact_rows) == 1 else (None, exact_rows)
    return (rows[0], []) if len(rows) == 1 else (None, rows)


def compare_url(slugs: list[str], index_code: str = "", year: str = "") -> str:
    """The compare page of ``slugs`` (same parameters as its form)."""
    query = [("p", s) for s in slugs] + [(k, v) for k, v in (("index", index_code), ("year", year)) if v]
    return reverse("dashboard:compare") + ("?" + urlencode(query) if query else "")


def compare_page(params: QueryDict, user) -> dict[str, Any]:
    """Up to six units side by side. Queries: editions, the selected units, results (+ component scores).

    The picker lists only the selected units; others are added by name (``them=``, resolved here
    in one more query, then a redirect to the page with ``p=`` the unit's slug) or picked from
    suggestions a script loads from ``unit_choices`` (its own cached URL). Returns ``{"redirect": url}``
    when a typed name was resolved.
    """
    requested = [s for s in dict.fromkeys(params.getlist("p")) if s]
    slugs = requested[:MAX_COMPARE]
    too_many = len(requested) > MAX_COMPARE
    typed = (params.get("them") or "").strip()[:100]
    pick_error, candidates = "", []
    if typed:
        if len(slugs) >= MAX_COMPARE:
            pick_error = _("Đã chọn đủ %(n)s đơn vị: bỏ bớt một đơn vị trước khi thêm “%(name)s”.") % {
                "n": MAX_COMPARE,
                "name": typed,
            }
        else:
            unit, candidates = resolve_unit(typed)
            if unit is not None:
                query = params.copy()
                query.pop("them", None)
                query.setlist("p", list(dict.fromkeys([*requested, unit["slug"]])))
                return {"redirect": reverse("dashboard:compare") + "?" + query.urlencode()}
            if not candidates:
                pick_error = _("Không tìm thấy tỉnh, thành phố nào tên “%(name)s”.") % {"name": typed}
            else:
                pick_error = _("Có nhiều đơn vị khớp với “%(name)s”; chọn một:") % {"name": typed}
    editions = visible_editions(user)
    index_code = pick_index(editions, params.get("index"))
    of_index = sorted((e for e in editions if e.index.code == index_code), key=lambda e: e.year)
    year_param = params.get("year") or ""
    # the chosen units and, in the same query, their predecessors (offered when a unit has no results yet)
    chosen = list(
        Province.objects.in_dataset()
        .filter(Q(slug__in=slugs) | Q(successor__slug__in=slugs))
        .order_by("name")
        .values("slug", "name", "era", "is_synthetic", "successor__slug")
    )
    known = {u["slug"]: u for u in chosen if u["slug"] in slugs} if slugs else {}
    unknown = [s for s in slugs if s not in known]
    if unknown:
        raise Http404(_("Không có tỉnh, thành phố “%(slug)s”.") % {"slug": unknown[0]})
    suggestions = [
        {"label": c["label"], "url": compare_url([*slugs, c["slug"]], index_code, year_param)}
        for c in candidates[:MAX_SUGGESTIONS]
    ]
    results = list(
        Result.objects.visible_to(user)
        .filter(edition__in=[e.pk for e in of_index], province__slug__in=slugs)
        .select_related("province", "edition")
        .prefetch_related(Prefetch("component_scores", queryset=ComponentScore.objects.select_related("component")))
    )
    years = [e.year for e in of_index]
    units = []
    for slug in slugs:
        own = {r.edition.year: r for r in results if r.province.slug == slug}
        unit = known[slug]
        units.append(
            {
                "slug": slug,
                "name": unit["name"],
                "label": unit_label(unit["name"], unit["era"], unit["is_synthetic"]),
                "era": unit["era"],
                "by_year": own,
                "remove_url": compare_url([s for s in slugs if s != slug], index_code, year_param),
                # a merged unit's results before 1 July 2025 are its predecessors': offer them
                "predecessors": []
                if own
                else [
                    {
                        "label": unit_label(p["name"], p["era"], p["is_synthetic"]),
                        "add_url": compare_url([*slugs, p["slug"]], index_code, year_param),
                    }
                    for p in chosen
                    if p["successor__slug"] == slug and p["slug"] not in slugs
                ],
            }
        )
    table = [
        {
            "year": y,
            "cells": [
                {"score": u["by_year"][y].score, "rank": u["by_year"][y].rank} if y in u["by_year"] else None
                for u in units
            ],
        }
        for y in years
        if any(y in u["by_year"] for u in units)
    ]
    held_years = [row["year"] for row in table]
    try:
        component_year = int(year_param) if year_param else None
    except ValueError:
        raise BadRequest(_("Năm “%(year)s” không hợp lệ.") % {"year": year_param}) from None
    if component_year is None:
        component_year = next(
            (
                y
                for y in reversed(held_years)
                if any(y in u["by_year"] and u["by_year"][y].component_scores.all() for u in units)
            ),
            held_years[-1] if held_years else None,
        )
    component_table = []
    if component_year is not None:
        names: dict[str, tuple] = {}
        for u in units:
            r = u["by_year"].get(component_year)
            if r:
                for cs in r.component_scores.all():
                    names[cs.component.key] = (cs.component.order, localized(cs.component), cs.component.max_points)
        for key, (_order, name, max_points) in sorted(names.items(), key=lambda kv: kv[1][0]):
            cells = []
            for u in units:
                r = u["by_year"].get(component_year)
                cs = next((c for c in r.component_scores.all() if c.component.key == key), None) if r else None
                cells.append(
                    {"score": cs.score, "rank": cs.rank, "pct": figures.percent_of_max(cs.score, max_points)}
                    if cs
                    else None
                )
            component_table.append({"name": name, "max_points": max_points, "cells": cells})
    score_data, rank_data = [], []
    for i, u in enumerate(units):
        by_year = u["by_year"]
        style = {"color": PALETTE[i % len(PALETTE)], "dash": DASHES[i % 6]}
        marker = {"symbol": SYMBOLS[i % 6], "size": 8}
        # every year, None where nothing is held: lines break at gaps instead of bridging them
        common = {"type": "scatter", "mode": "lines+markers", "name": u["label"], "line": style, "marker": marker}
        score_data.append(common | {"x": years, "y": [_f(by_year[y].score) if y in by_year else None for y in years]})
        rank_data.append(common | {"x": years, "y": [by_year[y].rank if y in by_year else None for y in years]})
    return {
        "indices": index_choices(editions),
        "index_code": index_code,
        "index": of_index[0].index if of_index else None,
        "units": units,
        "selected": slugs,
        "typed": typed if pick_error else "",
        "pick_error": pick_error,
        "suggestions": suggestions,
        "too_many": too_many,
        "max_compare": MAX_COMPARE,
        "table": table,
        "component_year": component_year,
        "component_table": component_table,
        "years_held": held_years,
        "score_chart": {
            "data": score_data,
            "layout": _layout(height=360, xaxis={"dtick": 1}, yaxis={"title": {"text": _("Điểm")}}),
        },
        "rank_chart": {
            "data": rank_data,
            "layout": _layout(
                height=320, xaxis={"dtick": 1}, yaxis={"autorange": "reversed", "title": {"text": _("Thứ hạng")}}
            ),
        },
    }


# --------------------------------------------------------------------------- about, article


def about_page(user) -> dict[str, Any]:
    """Indices, frameworks and components, groupings and coverage per edition. Four queries."""
    indices = list(Index.objects.order_by("order", "code"))
    frameworks = list(
        Framework.objects.select_related("index").prefetch_related("components").order_by("index__order", "first_year")
    )
    editions = list(
        Edition.objects.visible_to(user)
        .in_dataset()
        .published()
        .select_related("index", "framework")
        .annotate(
            with_score=Count("results", filter=Q(results__score__isnull=False), distinct=True),
            with_any=Count("results", distinct=True),
            sources=Count(
                "results__citations__article",
                filter=Q(results__citations__state=Citation.State.CONFIRMED),
                distinct=True,
            ),
        )
        .order_by("index__order", "-year")
    )
    return {"indices": indices, "frameworks": frameworks, "editions": editions}


def home_for(user) -> str:
    """Where a user lands after signing in: an officer on their province, everyone else on the overview."""
    if user.is_authenticated and getattr(user, "province_id", None):
        slug = Province.objects.filter(pk=user.province_id).values_list("slug", flat=True).first()
        if slug:
            return reverse("dashboard:province", args=[slug])
    return reverse("dashboard:home")
