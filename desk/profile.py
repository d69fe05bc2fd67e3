"""The printable one-page profile of a unit for one year: each index's score, rank, change and tier,
the component scores against their maxima, and at its foot every article behind the figures shown."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from dashboard.queries import BadRequest, in_english
from reports import figures
from reports.visibility import Viewer

from . import pages, sources
from .units import DeskUnit


def _year(params: QueryDict, years: list[int]) -> int | None:
    raw = (params.get("year") or "").strip()
    if not raw:
        return years[0] if years else None
    if not raw.isdigit() or len(raw) != 4:
        raise BadRequest(_("Năm “%(year)s” không hợp lệ: cần một năm như 2024.") % {"year": raw[:20]})
    year = int(raw)
    if year not in years:
        listed = ", ".join(map(str, sorted(years))) or "—"
        raise BadRequest(
            _("Đơn vị chưa có kết quả năm %(year)s. Các năm có kết quả: %(years)s.") % {"year": year, "years": listed}
        )
    return year


def profile_page(desk: DeskUnit, params: QueryDict, viewer: Viewer) -> dict[str, Any]:
    """The year's figures of the unit (the latest year with a result unless ``year`` is given)."""
    results = pages.unit_results(desk, viewer)
    own = [r for r in results if r.province_id in desk.own_ids]
    years = sorted({r.edition.year for r in own}, reverse=True)
    year = _year(params, years)
    shown = [r for r in own if r.edition.year == year]
    components = _components(viewer, [r.pk for r in shown])
    english = in_english()
    blocks = []
    for result in shown:
        block = pages.headline(result, results)
        block["components"] = [
            {
                "name": name_en if english and name_en else name,
                "score": score,
                "max_points": max_points,
                "percent": figures.percent_of_max(score, max_points),
                "rank": rank,
            }
            for rid, name, name_en, max_points, score, rank in components
            if rid == result.pk
        ]
        blocks.append(block)
    return {
        "unit": desk.unit,
        "predecessors": desk.predecessors,
        "year": year,
        "years": years,
        "blocks": blocks,
        "sources": sources.sources_of(viewer, [r.pk for r in shown]),
        "any_draft": any(b["draft"] for b in blocks),
    }


def _components(viewer: Viewer, result_ids: list[int]) -> list[tuple]:
    if not result_ids:
        return []
    return list(
        viewer.component_scores()
        .filter(result_id__in=result_ids)
        .order_by("result_id", "component__order")
        .values_list("result_id", "component__name", "component__name_en", "component__max_points", "score", "rank")
    )
