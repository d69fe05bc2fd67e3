"""A unit's page: its results over the years, its predecessors' series, components, gaps and sources."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from dashboard.charts import component_chart, province_rank_chart, province_score_chart
from dashboard.queries import (
    _citations_by_result,
    attach_statistics,
    average_dict,
    in_english,
    index_choices,
    national_average_of,
    pick_index,
    visible_editions,
)
from provinces.inputs import safe_url
from provinces.lineage import continued, continuing_unit, successor_size, unit_and_predecessors_q
from provinces.models import Era, Province
from reports import figures
from reports.models import (
    Citation,
    DossierStat,
    SourceArticle,
    Status,
)
from reports.visibility import Viewer


def province_page(slug: str, params: QueryDict, viewer: Viewer) -> dict[str, Any]:
    """A unit's results over all years, its lineage, components, gaps and sources.

    Queries: the unit and its predecessors (+ region sizes), editions (+ published averages), the
    editions' stored statistics (averages, leaders), the unit's results, its component scores,
    citations, articles: seven, however many units and years the database holds, and one more for a
    unit with confirmed quarterly dossier figures.
    """
    units = list(_unit_and_predecessors(slug))
    province = next((u for u in units if u.slug == slug), None)
    if province is None:
        raise Http404(_("Không có tỉnh, thành phố “%(slug)s”.") % {"slug": slug})
    predecessors = [u for u in units if u.pk != province.pk]
    if (place := continuing_unit(province)) is not None:  # one page per place: the unit that continues it
        query = f"?{params.urlencode()}" if params else ""
        return {"redirect": reverse("dashboard:province", args=[place.slug]) + query}
    # An unmerged unit's results before 2025 are its own (its single predecessor is the same place).
    same_place = continued(province, predecessors)
    if same_place is not None:
        predecessors = []
    own_units = {province.pk} | ({same_place.pk} if same_place else set())
    editions = visible_editions(viewer, region_id=province.region_id, with_framework=True)
    indices = index_choices(editions)
    index_code = pick_index(editions, params.get("index"))
    of_index = sorted((e for e in editions if e.index.code == index_code), key=lambda e: e.year)
    unit_ids = {u.pk for u in units}
    # Only the unit's and its predecessors' results: averages come as aggregates with the editions,
    # so the page reads the same number of rows however many units an edition ranks.
    own = list(
        viewer.results().filter(edition__in=[e.pk for e in of_index], province_id__in=sorted(unit_ids)).order_by()
    )
    editions_by_id = {e.pk: e for e in of_index}
    for result in own:  # the editions the page already holds, not a join
        result.edition = editions_by_id[result.edition_id]
    latest_own = max((r for r in own if r.province_id in own_units), key=lambda r: r.edition.year, default=None)
    attach_statistics(of_index, viewer, province.region_id, components_of=latest_own.edition_id if latest_own else None)
    # The unit's component scores over the years (its own rows only: the leaders and averages of
    # each component come with the editions, from the stored statistics).
    component_rows = _unit_component_scores(viewer, [r.pk for r in own])
    latest_summaries: dict[str, figures.ComponentSummary] = {}
    if latest_own is not None and viewer.sees_whole(latest_own.edition):
        latest_edition = next(e for e in of_index if e.pk == latest_own.edition_id)
        latest_summaries = latest_edition.component_summaries
    # Of a draft seen in part (an officer's own rows), no leader and no average: those rest on the
    # other units' draft scores.
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
                getattr(edition, "published_regional_stated", None) or "",
            )
        trend[edition.pk] = (national, regional)
    citations = _citations_by_result([r.pk for r in own])  # confirmed only: never unreviewed suggestions
    # The unit's articles and, for a merged unit, its predecessors'.
    articles = [{**a, "url": safe_url(a["url"])} for a in _unit_articles(viewer, sorted(unit_ids))]  # http(s) only

    # Series: the unit itself, then each predecessor separately labelled.
    series = []
    for unit in [province, *predecessors]:
        mine = own_units if unit.pk == province.pk else {unit.pk}
        unit_results = sorted((r for r in own if r.province_id in mine), key=lambda r: r.edition.year)
        series.append(
            {
                "name": unit.name if unit.pk == province.pk else _("%(name)s (tiền thân)") % {"name": unit.name},
                "slug": unit.slug,
                "is_predecessor": unit.pk != province.pk,
                "rows": [
                    {
                        "year": r.edition.year,
                        "unit_id": r.province_id,  # the unit the figure is about (downloads name it)
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
    own_by_year = {r.edition.year: r for r in own if r.province_id in own_units}
    for edition in of_index:
        national, regional = trend[edition.pk]
        mine = own_by_year.get(edition.year)
        trend_rows.append(
            {
                "year": edition.year,
                "era": edition.era,
                "draft": edition.status != Status.PUBLISHED,
                "score": mine.score if mine else None,
                "rank": mine.rank if mine else None,
                "units_ranked": edition.units_ranked,
                "national": average_dict(national, labels),
                "regional": average_dict(regional, labels) if regional else None,
            }
        )

    # Components: percent of maximum over the years, with framework breaks.
    year_of = {e.pk: e.year for e in of_index}
    own_ids = {r.pk for r in own if r.province_id in own_units}
    unit_of_result = {r.pk: r.province_id for r in own}
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
                "unit_id": unit_of_result[result_id],
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

    quarters = _confirmed_quarters(viewer, [u for u in units if u.pk in own_units])
    index = of_index[0].index if of_index else None
    return {
        "province": province,
        "predecessors": predecessors,
        "continues": same_place,
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
        "quarters": quarters,
    }


def quarter_label(year: int, quarter: int) -> str:
    return _("Q%(quarter)s/%(year)s") % {"quarter": quarter, "year": year}


def quarter_rows(stats) -> list[dict]:
    """Quarterly dossier figures as table rows, oldest quarter first (the public page and the desk)."""
    return [
        {
            "stat": stat,
            "label": quarter_label(stat.year, stat.quarter),
            "rate": stat.on_time_rate,
            "source_url": safe_url(stat.source_url),  # http(s) links only
            "article": stat.article,
        }
        for stat in sorted(stats, key=lambda s: (s.year, s.quarter))
    ]


def _confirmed_quarters(viewer: Viewer, units: list[Province]) -> list[dict]:
    """The unit's *confirmed* quarterly figures, for every viewer alike: a submitted quarter is shown
    on the province's desk (desk/quarters.py), never on its public page nor in its cache. Read only
    when the units query found some (``has_quarters``), so most pages pay no query for them."""
    ids = [u.pk for u in units if u.has_quarters]
    if not ids:
        return []
    stats = (
        viewer.dossier_stats().filter(province_id__in=ids, status=DossierStat.State.CONFIRMED).select_related("article")
    )
    return quarter_rows(stats)


def _unit_and_predecessors(slug: str) -> QuerySet[Province]:
    """The unit whose slug this is and the units merged into it, with the sizes of their regions."""
    in_dataset = Q() if settings.CCHC_DATASET == "synthetic" else Q(is_synthetic=False)

    def units_in_region(era: int) -> Subquery:
        same = Province.objects.filter(in_dataset, region=OuterRef("region"), era=era).order_by()
        return Subquery(same.values("region").annotate(n=Count("pk")).values("n")[:1])

    return (
        Province.objects.in_dataset()
        .filter(unit_and_predecessors_q(slug))
        .select_related("region", "successor")
        .annotate(
            region_units_63=units_in_region(Era.UNITS_63),
            region_units_34=units_in_region(Era.UNITS_34),
            successor_size=successor_size(),
            has_quarters=Exists(
                DossierStat.objects.filter(province=OuterRef("pk"), status=DossierStat.State.CONFIRMED)
            ),
        )
        .order_by("name")
    )


def _unit_component_scores(viewer: Viewer, result_ids: list[int]) -> list[tuple]:
    return (
        viewer.component_scores()
        .filter(result_id__in=result_ids)
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


def _unit_articles(viewer: Viewer, unit_ids: list[int]) -> QuerySet[SourceArticle]:
    """The unit's articles, each with the first confirmed quote about the unit that the viewer may see: an
    article stored without a title (most harvested quotes have no page text) is listed by it, not its URL."""
    quote = viewer.citations(
        Citation.objects.filter(article=OuterRef("pk"), province_id__in=unit_ids, state=Citation.State.CONFIRMED)
    )
    return (
        SourceArticle.objects.filter(provinces__in=unit_ids)
        .distinct()
        .annotate(first_quote=Subquery(quote.order_by("pk").values("quote")[:1]))
        .order_by("-published_on", "title")
        .values("pk", "title", "url", "publisher", "published_on", "first_quote")
    )
