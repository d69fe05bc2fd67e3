"""Embeddable charts: ``/nhung/<page>/<chart>/?<the page's query>`` (``/nhung/tinh/<slug>/<chart>/`` for a
unit) draws one chart of a page alone, with its title, source line, coverage and a link back to the page.

Any site may frame it (``cchc_site.middleware`` relaxes ``frame-ancestors`` for the ``dashboard:embed*``
views only, and the URLs exempt them from ``X-Frame-Options``). An embed is always built as the anonymous
viewer: a chart framed on another site is public, so it never holds a draft figure, whoever loads it.
Each normal page lists its charts' embed addresses and image-export names (:func:`for_page`), shown
under each chart as an ``<iframe>`` code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboard.pages import compare, maps, overview, province, rankings
from provinces.text import fold


@dataclass(frozen=True)
class Page:
    build: Any  # the page builder: build(params, viewer), or build(slug, params, viewer) for a unit
    url_name: str  # the full page
    params: tuple[str, ...]  # the query parameters it reads (the embed keeps them, the cache keys on them)
    charts: dict  # chart slug -> (context key of its figure, title)


PAGES = {
    "tong-quan": Page(
        overview.overview_page,
        "dashboard:home",
        ("index",),
        {
            "ban-do": ("map_chart", gettext_lazy("Bản đồ điểm theo tỉnh")),
            "phan-bo": ("distribution_chart", gettext_lazy("Phân bố điểm qua các năm")),
        },
    ),
    "xep-hang": Page(
        rankings.rankings_page,
        "dashboard:rankings",
        ("index", "year", "region", "group", "component", "sort", "page", "q"),
        {"diem": ("chart", gettext_lazy("Điểm các đơn vị"))},
    ),
    "ban-do": Page(
        maps.map_page, "dashboard:map", ("index", "year", "by"), {"ban-do": ("chart", gettext_lazy("Bản đồ"))}
    ),
    "so-sanh": Page(
        compare.compare_page,
        "dashboard:compare",
        ("p", "index", "year"),
        {
            "diem": ("score_chart", gettext_lazy("Điểm qua các năm")),
            "hang": ("rank_chart", gettext_lazy("Thứ hạng qua các năm")),
        },
    ),
    "tinh": Page(
        province.province_page,
        "dashboard:province",
        ("index",),
        {
            "diem": ("score_chart", gettext_lazy("Điểm qua các năm")),
            "hang": ("rank_chart", gettext_lazy("Thứ hạng qua các năm")),
            "thanh-phan": ("component_chart", gettext_lazy("Điểm thành phần (% điểm tối đa)")),
        },
    ),
}
# The embeddable page of each view that renders through ``views._page``.
PAGE_OF_VIEW = {"home": "tong-quan", "province": "tinh", "map": "ban-do"}
# Every parameter an embed reads (its cache key): the union of the pages'.
EMBED_PARAMS = tuple(dict.fromkeys(p for page in PAGES.values() for p in page.params))


def query_of(params: QueryDict, page: Page) -> str:
    """The page's own parameters of ``params``, in the page's order (links and embeds carry them)."""
    return urlencode([(k, v) for k in page.params for v in params.getlist(k) if v])


def page_url(page: Page, slug: str | None, params: QueryDict) -> str:
    url = reverse(page.url_name, args=[slug] if slug else [])
    query = query_of(params, page)
    return url + ("?" + query if query else "")


def embed_url(page_key: str, chart: str, slug: str | None, params: QueryDict) -> str:
    if slug:
        url = reverse("dashboard:embed_province", args=[slug, chart])
    else:
        url = reverse("dashboard:embed", args=[page_key, chart])
    query = query_of(params, PAGES[page_key])
    return url + ("?" + query if query else "")


def export_name(context: dict, chart: str, slug: str | None, params: QueryDict) -> str:
    """The image export's file name: the chart and the page's filters (``diem-par-index-2023-dong-nam-bo``)."""
    index = context.get("index")
    edition = context.get("edition")
    parts = [chart, index.short_name if index else "", edition.year if edition else "", slug or ""]
    parts += [params.get(k) for k in ("region", "group", "component", "by") if params.get(k)]
    parts += params.getlist("p")
    return "-".join(s for s in (slugify(fold(str(p))) for p in parts if p) if s)


def source_line(context: dict) -> str:
    """ "Nguồn: <publisher>; tổng hợp: Chỉ số CCHC cấp tỉnh": under every chart, in its image too."""
    index = context.get("index")
    publisher = index.publisher if index else _("Bộ Nội vụ")
    return _("Nguồn: %(publisher)s; tổng hợp: Chỉ số CCHC cấp tỉnh (CCHC dashboard), CC BY 4.0") % {
        "publisher": publisher
    }


def coverage_line(page_key: str, context: dict) -> str:
    """How many units (for a unit's page, years) the chart has figures for: ``n/N đơn vị có số liệu``."""
    if context.get("coverage") is not None:
        cov = context["coverage"]
        return _("%(n)s/%(total)s đơn vị có số liệu") % {"n": cov.with_any, "total": cov.units_total}
    if page_key == "so-sanh":
        held = sum(1 for u in context.get("units", []) if u["by_year"])
        return _("%(n)s/%(total)s đơn vị có số liệu") % {"n": held, "total": len(context.get("units", []))}
    if page_key == "tinh":
        rows = context.get("trend_rows", [])
        held = sum(1 for r in rows if r["score"] is not None)
        return _("%(n)s/%(total)s năm có số liệu") % {"n": held, "total": len(rows)}
    return ""


def for_page(request: HttpRequest, page_key: str, context: dict, slug: str | None = None) -> dict[str, dict]:
    """Each chart of a normal page: its embed address (absolute) and image-export name, keyed by the
    chart's slug with ``_`` for ``-`` (a template reads ``embeds.ban_do``)."""
    page = PAGES[page_key]
    return {
        chart.replace("-", "_"): {
            "url": request.build_absolute_uri(embed_url(page_key, chart, slug, request.GET)),
            "export_name": export_name(context, chart, slug, request.GET),
            "title": title,
        }
        for chart, (_key, title) in page.charts.items()
    }
