"""The map: one edition as a choropleth, with the same rows as a table."""

from __future__ import annotations

from typing import Any

from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from dashboard.charts import TIER_COLOURS, TIER_INK, choropleth
from dashboard.queries import (
    BadRequest,
    computes_ranks,
    drawable_q,
    edition_coverage,
    effective_rank,
    index_choices,
    pick_index,
    predecessor_codes,
    result_row,
    visible_editions,
)
from provinces.models import Era
from reports import figures, tiers
from reports.figures import RESULT_ORDER
from reports.visibility import Viewer


def map_page(params: QueryDict, viewer: Viewer) -> dict[str, Any]:
    """Choropleth of one edition: the units the map can draw, and how many it cannot.

    Queries: editions, the edition's counts (coverage of the whole edition), the drawable results,
    and for a 34-era edition the predecessors' codes. Rows are bounded by the shapes (63), not by
    the units an edition ranks.
    """
    editions = visible_editions(viewer)
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
    visible = viewer.results().filter(edition=edition).order_by()
    coverage, drawable = edition_coverage(visible, edition)
    drawn = visible.filter(drawable_q(edition)).select_related("province__region")
    # A rank computed from scores rests on every unit's score: only for a viewer who sees them all.
    if viewer.sees_whole(edition) and computes_ranks(coverage):
        drawn = drawn.annotate(effective_rank=effective_rank(visible, edition))
    results = list(drawn.order_by(*RESULT_ORDER))
    rows = []
    for r in results:
        r.edition = edition
        rows.append(tier_row(result_row(r, figures.NO_CHANGE, getattr(r, "effective_rank", r.rank)), r, edition))
    undrawn = coverage.with_any - drawable
    return {
        "indices": index_choices(editions),
        "index_code": index_code,
        "years": [e.year for e in of_index],
        "edition": edition,
        "index": edition.index,
        "by": by,
        "rows": figures.sort_rows(rows, "rank"),
        "legend": tier_legend(edition, rows),
        "coverage": coverage,
        "undrawn": undrawn,
        "undrawn_url": reverse("dashboard:rankings") + "?" + urlencode({"index": index_code, "year": edition.year}),
        "chart": choropleth(edition, rows, by, predecessor_codes() if edition.era == Era.UNITS_34 else None),
    }


def tier_row(row: dict, result, edition) -> dict:
    """A map row with its tier (reports/tiers.py): the tier number and canonical name, and the group as the
    page shows it (the band's published label in the page's language; a label without a tier as stored)."""
    row["tier"] = result.tier
    row["tier_name"] = tiers.tier_name(result.tier)
    row["group_published"] = result.group
    row["group"] = tiers.display_group(edition.group_scheme, result.tier, result.group)
    return row


def tier_legend(edition, rows: list[dict]) -> dict:
    """The group map's legend: every band of the edition's scheme, best first, with its tier number,
    published label, thresholds where published, colour and how many units drawn are in it; and the
    published labels that match no band (drawn apart, not guessed into a tier)."""
    counts: dict[int, int] = {}
    untiered: dict[str, int] = {}
    for row in rows:
        if row["tier"]:
            counts[row["tier"]] = counts.get(row["tier"], 0) + 1
        elif row["group"]:
            untiered[row["group"]] = untiered.get(row["group"], 0) + 1
    entries = [
        entry | {"colour": TIER_COLOURS[entry["tier"]], "ink": TIER_INK[entry["tier"]]}
        for entry in tiers.legend(edition.group_scheme, counts)
    ]
    return {
        "tiers": entries,
        "untiered": [{"label": label, "count": n} for label, n in sorted(untiered.items())],
        "untiered_colour": TIER_COLOURS[0],
        "untiered_ink": TIER_INK[0],
    }
