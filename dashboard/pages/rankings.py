"""The rankings page: one edition, filtered and sorted as the URL says, one page of rows at a time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    F,
    OuterRef,
    Subquery,
)
from django.http import QueryDict
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from dashboard.charts import rankings_chart
from dashboard.filtersets import ResultFilterSet
from dashboard.queries import (
    DEFAULT_INDEX,
    RESULT_ROW_FIELDS,
    STANDING_FIELDS,
    ResultValues,
    _citations_by_result,
    attach_statistics,
    average_dict,
    component_scores_of,
    edition_components,
    edition_coverage,
    index_choices,
    localized,
    national_average_of,
    regional_averages_of,
    regions_by_era,
    result_row,
    standing_rows,
    visible_editions,
)
from provinces.models import Era
from provinces.text import fold
from reports import figures
from reports.models import (
    ComponentScore,
    Result,
)
from reports.visibility import Viewer

# Rows per rankings page: every real edition (63 or 34 units) fits on one page; larger (synthetic)
# panels are paged so that a page's size never grows with the data.
RANKINGS_PAGE_SIZE = 100


def rankings_page(params: QueryDict, viewer: Viewer) -> dict[str, Any]:
    """Rankings of one edition, filtered and sorted as the URL says.

    Queries: editions, regions, the edition's stored statistics (averages, coverage, groups and the
    components held; for a viewer who sees only part of a draft, the components and a count of the rows
    they see instead), a count when narrowed, the page's results sorted and cut in SQL on their stored
    standings with their stored ranks and changes (``listing``), the component scores and the
    citations of the page's rows.
    """
    editions = visible_editions(viewer)
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
    regions = regions_by_era(edition, viewer)[era]
    previous = next((e for e in of_index if edition and e.year == edition.year - 1), None)
    # The edition's stored statistics (averages, coverage, groups) and the components to rank by: those
    # some unit of the edition has a score for (most editions hold none).
    components = []
    if edition:
        attach_statistics([edition], viewer, regions_of=edition.pk, components_of=edition.pk)
        components = edition.components_held if viewer.sees_whole(edition) else edition_components(edition, viewer)
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
        scheme=edition.group_scheme if edition else None,
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
    shown = viewer.results(filterset.qs).filter(edition=edition) if narrowed else None
    listing = rankings_listing(edition, viewer, regions, shown, sort, cleaned.get("page"), data)
    if listing is None:
        filterset.form.add_error("page", _("Không có trang này."))
        return context
    page = listing.page
    # A page holding every result of the edition reads its scores by edition (no list of ids).
    whole_page = len(page) == listing.coverage.with_any
    scores_by_result = (
        component_scores_of(edition, viewer, result_ids=None if whole_page else [r.pk for r in page])
        if components
        else {}
    )
    rows = [result_row(r, listing.changes[r.pk], listing.ranks[r.pk], scores_by_result.get(r.pk)) for r in page]
    contradicted = figures.rank_conflicts(rows, edition.index.higher_is_better)
    for row in rows:
        row["rank_conflict"] = row["id"] in contradicted
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


def rankings_listing(edition, viewer: Viewer, regions, shown, sort, page_number, data) -> Listing | None:
    """A page of the rankings sorted and cut in SQL on the stored standings: the rows read are the page's,
    with their stored ranks and changes, however many units the edition ranks. ``edition`` carries its
    stored statistics (``attach_statistics``); ``shown``: the narrowed results (region, group, search),
    None for all. None past the last page. Rows without the sorted figure come last, ties in
    RESULT_ORDER (the standing's ``position``).

    The one rankings path for every viewer. A viewer who sees only part of a draft (an officer's own
    rows) gets the figures of those rows only: their published rank, never one computed from the other
    units' scores, and no average; a change is always measured against the previous published edition
    (``reports.figures``), which every viewer sees.
    """
    whole = viewer.sees_whole(edition)
    if whole:
        coverage = figures.Coverage(
            edition.held_count, edition.units_with_rank, edition.units_with_result, edition.units_ranked
        )
    else:
        coverage, _drawable = edition_coverage(viewer.results().filter(edition=edition).order_by(), edition)
    total = coverage.with_any if shown is None else shown.count()
    pagination = paginate(total, page_number, data)
    if pagination is None:
        return None
    key = sort.lstrip("-")
    # filtered on the standing's edition, so that the database can walk its (edition, order) index
    results = viewer.results().filter(standing__edition_id=edition.pk) if shown is None else shown
    found = ranked(
        results, key[2:] if key.startswith("c.") else None, sort=sort, start=pagination["start"], end=pagination["end"]
    )
    rows = standing_rows(found)
    page = [result for result, _rank, _change in rows]
    region_by_id = {r.pk: r for r in regions}
    for result in page:
        result.edition = edition
        result.province.region = region_by_id.get(result.province.region_id)
    return Listing(
        page=page,
        ranks={result.pk: rank if whole else result.rank for result, rank, _change in rows},
        changes={result.pk: change for result, _rank, change in rows},
        pagination=pagination,
        national=national_average_of(edition),
        regional=regional_averages_of(edition, regions),
        coverage=coverage,
        groups=edition.groups if whole else sorted({r.group for r in page if r.group}, key=fold),
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
