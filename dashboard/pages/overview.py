"""The overview: the latest published edition of an index, its averages, spread over the years, leaders,
movers and map."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Q,
)
from django.http import QueryDict
from django.urls import reverse
from django.utils.http import urlencode

from dashboard.charts import choropleth, distribution_chart
from dashboard.queries import (
    RESULT_ROW_FIELDS,
    STANDING_FIELDS,
    ResultValues,
    attach_statistics,
    average_dict,
    drawable_q,
    edition_coverage,
    index_choices,
    is_drawable,
    localized,
    national_average_of,
    pick_index,
    predecessor_codes,
    regional_averages_of,
    regions_by_era,
    result_row,
    standing_rows,
    visible_editions,
)
from provinces.models import Era
from reports import figures
from reports.figures import RESULT_ORDER
from reports.models import (
    Edition,
    Status,
)
from reports.visibility import Viewer

# Leaders, biggest gains and biggest losses on the overview: at most this many of each.
OVERVIEW_TOP = 5


def overview_page(params: QueryDict, viewer: Viewer) -> dict[str, Any]:
    """The latest published edition of an index.

    Queries: editions, their stored statistics (the averages and spread of every year, and the latest
    edition's regional totals), regions, the latest edition's counts, the results it shows (the units
    the map draws, and the leaders and biggest movers, picked in SQL, with their stored ranks and
    changes), and for a 34-era edition its predecessors' map codes. The rows read are bounded
    by what the page shows, however many units an edition ranks.
    """
    editions = visible_editions(viewer)
    index_code = pick_index(editions, params.get("index"))
    of_index = [e for e in editions if e.index.code == index_code]
    published_editions = [e for e in of_index if e.status == Status.PUBLISHED]
    context: dict[str, Any] = {"indices": index_choices(editions), "index_code": index_code, "edition": None}
    if not published_editions:
        return context
    edition = published_editions[0]
    previous = next((e for e in published_editions if e.year == edition.year - 1), None)
    attach_statistics(published_editions, viewer, regions_of=edition.pk)
    regions = regions_by_era(edition, viewer)[edition.era]
    visible = viewer.results().filter(edition=edition).order_by()
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
    national_change = figures.average_change(national, national_previous)
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
        distribution_chart=distribution_chart(published_editions, thin_units(published_editions, viewer)),
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

    ``visible``: the edition's results the viewer sees (all of them: the overview shows published
    editions, compared with the published edition a year earlier, as the standings are). The page then
    sorts the rows it holds with the same stable sorts, so it shows what a sort of the whole edition
    shows while reading a bounded number of rows.
    """
    top = OVERVIEW_TOP
    featured = Q(standing__rank_position__lte=top) | Q(standing__gain__lte=top) | Q(standing__loss__lte=top)
    shown = visible.filter(drawable_q(edition) | featured).order_by(*RESULT_ORDER)
    return standing_rows(shown.values_list(*RESULT_ROW_FIELDS, *STANDING_FIELDS))


def thin_units(editions, viewer) -> dict[int, list[tuple[str, object]]]:
    """The scores of the editions with too few units for a box (``figures.enough_units``), by year:
    the chart shows those units themselves. One query, only when such an edition exists."""
    thin = {
        e.pk: e.year
        for e in editions
        if e.spread["units"] and not figures.enough_units(e.spread["units"], e.units_ranked)
    }
    points: dict[int, list] = {year: [] for year in thin.values()}
    if thin:
        rows = viewer.results().filter(edition_id__in=list(thin), score__isnull=False)
        for edition_id, name, score in rows.order_by("-score").values_list("edition_id", "province__name", "score"):
            points[thin[edition_id]].append((name, score))
    return points


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
