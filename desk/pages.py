"""The desk's pages as data: the list of desks (ministry staff), a unit's desk, built from the rules
of ``reports`` (changes: ``figures.changes_for``; tiers: ``tiers``; who sees what: the ``Viewer``) and
the public province page's builder for the trend (``dashboard.pages.province``), called, not copied.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext as _

from dashboard.charts import province_rank_chart, province_score_chart
from dashboard.pages.province import province_page
from dashboard.queries import BadRequest
from provinces.lineage import continuing_unit, formed_from_counts
from provinces.models import Era, Province
from reports import figures, tiers
from reports.models import Index, Result
from reports.visibility import Viewer

from . import gaps, sources
from .units import DeskUnit

SEARCH_MAX = 100  # characters of a search: a province's name is far shorter


def desks_page(params: QueryDict) -> dict[str, Any]:
    """Every unit of this site's dataset by era, filtered by ``q`` (no diacritics needed): the desks
    ministry staff may open. One query."""
    query = (params.get("q") or "").strip()
    if len(query) > SEARCH_MAX:
        raise BadRequest(_("Từ khoá tìm kiếm quá dài (tối đa %(n)s ký tự).") % {"n": SEARCH_MAX})
    units = list(Province.objects.in_dataset().search(query).select_related("region").order_by("-era", "name"))
    eras = [
        {"era": era, "label": label, "units": [u for u in units if u.era == era]}
        for era, label in ((Era.UNITS_34, _("Từ 1/7/2025 (34 đơn vị)")), (Era.UNITS_63, _("Đến 30/6/2025 (63 đơn vị)")))
    ]
    return {"query": query, "eras": eras, "count": len(units)}


def unit_results(desk: DeskUnit, viewer: Viewer) -> list[Result]:
    """The unit's and its predecessors' results of this site's dataset that the viewer sees, with their
    editions, indices and units (one query: a few dozen rows)."""
    synthetic = settings.CCHC_DATASET == "synthetic"
    return list(
        viewer.results()
        .filter(province_id__in=sorted(desk.all_ids), edition__is_synthetic=synthetic)
        .select_related("edition", "edition__index", "province", "province__region")
        .order_by("edition__index__order", "edition__year", "province__name")
    )


def headline(result: Result, results: list[Result]) -> dict:
    """A result as the desk and the profile state it: score, rank out of units ranked, the change on
    the previous published edition with its basis (``figures.changes_for``), the group's published
    label and its tier (``reports.tiers``), and whether it is a draft."""
    edition = result.edition
    previous = [
        r
        for r in results
        if r.edition.index_id == edition.index_id and r.edition.year == edition.year - 1 and r.edition.is_published
    ]
    change = figures.changes_for([result], edition, previous)[result.pk]
    return {
        "result": result,
        "edition": edition,
        "index": edition.index,
        "score": result.score,
        "rank": result.rank,
        "units_ranked": edition.units_ranked,
        "change": change,
        "basis": _basis(change),
        "group": tiers.display_group(edition.group_scheme, result.tier, result.group),
        "tier": result.tier,
        "tier_name": tiers.tier_name(result.tier),
        "draft": not edition.is_published,
        "disputed": result.disputed,
    }


def _basis(change: figures.Change) -> str:
    if change.basis == "same_unit":
        return _("so với chính đơn vị năm trước")
    if change.basis == "predecessor":
        return _("so với đơn vị tiền thân (cùng địa bàn) năm trước")
    if change.basis == "reported":
        return _("theo nguồn nêu")
    if change.basis in ("predecessors", "predecessors_partial"):
        names = ", ".join(p.province_name for p in change.previous)
        return _("hình thành từ nhiều đơn vị, không có một mức thay đổi duy nhất: %(names)s") % {"names": names}
    return _("chưa có kết quả năm trước để so sánh")


def latest_by_index(desk: DeskUnit, results: list[Result]) -> list[dict]:
    """Per index: the unit's latest published result and, where one is newer, its draft."""
    out = []
    indices = sorted({r.edition.index for r in results}, key=lambda i: (i.order, i.code))
    for index in indices:
        own = [r for r in results if r.edition.index_id == index.pk and r.province_id in desk.own_ids]
        published = max((r for r in own if r.edition.is_published), key=lambda r: r.edition.year, default=None)
        year = published.edition.year if published else 0
        draft = max(
            (r for r in own if not r.edition.is_published and r.edition.year > year),
            key=lambda r: r.edition.year,
            default=None,
        )
        out.append(
            {
                "index": index,
                "published": headline(published, results) if published else None,
                "draft": headline(draft, results) if draft else None,
            }
        )
    return out


def desk_page(desk: DeskUnit, params: QueryDict, viewer: Viewer) -> dict[str, Any]:
    """A unit's desk: latest results, where the points are lost, the trend, the articles."""
    peers = params.get("peers") == "1"
    results = unit_results(desk, viewer)
    trend = _trend(desk, viewer, peers)
    return {
        "unit": desk.unit,
        "predecessors": desk.predecessors,
        "same_place": desk.same_place,
        "latest": latest_by_index(desk, results),
        "gaps": gaps.points_lost(desk, viewer, results),
        "trend": trend,
        "peers": peers,
        "articles": sources.unit_articles(desk, viewer),
        "years": sorted({r.edition.year for r in results if r.province_id in desk.own_ids}, reverse=True),
        "index_count": Index.objects.count(),
    }


def _trend(desk: DeskUnit, viewer: Viewer, peers: bool) -> dict:
    """The public province page's series and charts of PAR INDEX (its predecessors' series apart), and
    on request the region's other units on the same charts."""
    slug = desk.unit.slug
    if desk.unit.successor_id and (place := continuing_unit(desk.unit)) is not None:
        slug = place.slug  # the page of the place (one page per place: provinces/lineage.py)
    page = province_page(slug, QueryDict(f"index={gaps.INDEX_CODE}"), viewer)
    if not peers or not desk.unit.region_id:
        return page
    peer_series = _peer_series(desk, viewer)
    years = [t["year"] for t in page["trend_rows"]]
    series = page["series"] + peer_series
    return {
        **page,
        "peer_series": peer_series,
        "score_chart": province_score_chart(series, page["trend_rows"], years, page["breaks"]),
        "rank_chart": province_rank_chart(series, years, page["breaks"]),
    }


def _peer_series(desk: DeskUnit, viewer: Viewer) -> list[dict]:
    """The other units of the unit's region (both eras; a place the reorganisation left whole is one
    series), their PAR INDEX results as the viewer sees them (published ones, for an officer)."""
    synthetic = settings.CCHC_DATASET == "synthetic"
    rows = (
        viewer.results()
        .filter(province__region_id=desk.unit.region_id, edition__index__code=gaps.INDEX_CODE)
        .filter(edition__is_synthetic=synthetic)
        .exclude(province_id__in=sorted(desk.all_ids))
    )
    if not synthetic:
        rows = rows.filter(province__is_synthetic=False)
    rows = list(rows.select_related("edition", "province").order_by("edition__year"))
    whole = {k for k, n in formed_from_counts({r.province.successor_id for r in rows}).items() if n == 1}
    series: dict[int, dict] = {}
    for r in rows:
        unit = r.province
        key = unit.successor_id if unit.successor_id in whole else unit.pk
        entry = series.setdefault(key, {"name": unit.name, "slug": unit.slug, "is_peer": True, "rows": []})
        if unit.era == Era.UNITS_34:
            entry["name"], entry["slug"] = unit.name, unit.slug
        entry["rows"].append(
            {
                "year": r.edition.year,
                "score": r.score,
                "rank": r.rank,
                "units_ranked": r.edition.units_ranked,
                "draft": not r.edition.is_published,
            }
        )
    return sorted(series.values(), key=lambda s: s["name"])
