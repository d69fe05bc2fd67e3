"""Dashboard views: thin functions that resolve the viewer, call a page builder (``dashboard.pages``) and
render its template; a bad parameter is a 400 with the reason."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import resolve
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from dashboard import downloads, embeds
from dashboard.pages import about as about_data
from dashboard.pages import compare as compare_data
from dashboard.pages import maps, overview, province
from dashboard.pages import rankings as rankings_data
from dashboard.pages import units as units_data
from dashboard.queries import BadRequest
from dashboard.sketch import GEOJSON_PATH
from reports.visibility import ANONYMOUS, viewer_of


def _bad_request(request: HttpRequest, error: BadRequest) -> HttpResponse:
    return render(request, "dashboard/bad_request.html", {"message": str(error)}, status=400)


# The query parameters each page reads: its cache key (dashboard/urls.py) and its download links.
PARAMS = {
    "home": ("index", "format"),
    "province": ("index", "format"),
    "compare": ("p", "index", "year", "format"),
    "map": ("index", "year", "by", "format"),
}


def _bad_format(request: HttpRequest) -> HttpResponse:
    message = _("Không có định dạng tải xuống “%(format)s”: chọn csv, xlsx hoặc json.") % {
        "format": request.GET.get("format", "")[:20]
    }
    return render(request, "dashboard/bad_request.html", {"message": message}, status=400)


def _page(request: HttpRequest, template: str, build, *args, page: str = "", table=None) -> HttpResponse:
    """Render a page from its data (``build(*args, request.GET, viewer)``), or download what it shows
    (``format=``, ``table(request, context)``: dashboard/downloads.py); a bad parameter is a 400."""
    fmt = downloads.format_of(request)
    if fmt is None:
        return _bad_format(request)
    try:
        context = build(*args, request.GET, viewer_of(request))
    except BadRequest as error:
        return _bad_request(request, error)
    if "redirect" in context:  # one page per place (provinces/lineage.py)
        return redirect(context["redirect"], permanent=True)
    if fmt and table is not None:
        return downloads.respond(request, table(request, context), fmt)
    if page:
        context["downloads"] = downloads.links(request, PARAMS.get(page, ()))
        context["embeds"] = embeds.for_page(request, embeds.PAGE_OF_VIEW[page], context, *args)
        context["source_line"] = embeds.source_line(context)
    return render(request, template, context)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return _page(
        request, "dashboard/overview.html", overview.overview_page, page="home", table=downloads.overview_table
    )


RANKINGS_PARAMS = ("index", "year", "region", "group", "component", "sort", "page", "q", "format")


@require_safe
def rankings(request: HttpRequest) -> HttpResponse:
    context = rankings_data.rankings_page(request.GET, viewer_of(request))
    fmt = downloads.format_of(request)
    if fmt is None:
        context["form"].add_error(
            None,
            _("Không có định dạng tải xuống “%(format)s”: chọn csv, xlsx hoặc json.")
            % {"format": request.GET.get("format", "")[:20]},
        )
        return render(request, "dashboard/rankings.html", context, status=400)
    if not context["valid"]:
        status = 404 if not context["indices"] else 400
        return render(request, "dashboard/rankings.html", context, status=status)
    if fmt:
        return downloads.respond(request, downloads.rankings_table(request, context), fmt)
    context["downloads"] = downloads.links(request, RANKINGS_PARAMS)
    context["embeds"] = embeds.for_page(request, "xep-hang", context)
    context["source_line"] = embeds.source_line(context)
    return render(request, "dashboard/rankings.html", context)


@require_safe
def province_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(
        request,
        "dashboard/province.html",
        province.province_page,
        slug,
        page="province",
        table=downloads.province_table,
    )


@require_safe
def units_list(request: HttpRequest) -> HttpResponse:
    return _page(request, "dashboard/units.html", units_data.units_page)


@require_safe
def compare(request: HttpRequest) -> HttpResponse:
    try:
        context = compare_data.compare_page(request.GET, viewer_of(request))
    except BadRequest as error:
        return _bad_request(request, error)
    if "redirect" in context:  # a unit added by name (``them=``): the page of its slug
        return redirect(context["redirect"])
    fmt = downloads.format_of(request)
    if fmt is None:
        return _bad_format(request)
    if fmt:
        return downloads.respond(request, downloads.compare_table(request, context), fmt)
    context["downloads"] = downloads.links(request, PARAMS["compare"])
    context["embeds"] = embeds.for_page(request, "so-sanh", context)
    context["source_line"] = embeds.source_line(context)
    return render(request, "dashboard/compare.html", context)


@require_safe
def map_view(request: HttpRequest) -> HttpResponse:
    return _page(request, "dashboard/map.html", maps.map_page, page="map", table=downloads.map_table)


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/about.html", about_data.about_page(viewer_of(request)))


@login_required
def my_home(request: HttpRequest) -> HttpResponse:
    """Landing page after sign-in (LOGIN_REDIRECT_URL)."""
    return redirect(about_data.home_for(request.user))


@require_safe
def geojson(request: HttpRequest) -> HttpResponse:
    """The 63 provincial shapes the maps draw (shipped with the code, public)."""
    try:
        body = GEOJSON_PATH.read_bytes()
    except OSError:  # pragma: no cover - the file ships with the code
        raise Http404 from None
    response = HttpResponse(body, content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
def units(request: HttpRequest) -> JsonResponse:
    """Every unit of this site's dataset (slug and label): the suggestions of the compare page's picker."""
    return JsonResponse({"units": compare_data.unit_choices()}, json_dumps_params={"ensure_ascii": False})


@require_safe
def embed(request: HttpRequest, page: str, chart: str, slug: str | None = None) -> HttpResponse:
    """One chart of a page, alone, for any site to frame (dashboard/embeds.py): always as the anonymous
    viewer, so that a framed chart never holds a draft figure."""
    spec = embeds.PAGES.get(page)
    if spec is None or chart not in spec.charts or (page == "tinh") != (slug is not None):
        raise Http404(_("Không có biểu đồ này."))
    try:
        context = spec.build(*([slug] if slug else []), request.GET, ANONYMOUS)
    except BadRequest as error:
        return _bad_request(request, error)
    if "redirect" in context:  # a unit continued by another: that unit's chart
        place = resolve(context["redirect"].split("?")[0]).kwargs["slug"]
        return redirect(embeds.embed_url(page, chart, place, request.GET), permanent=True)
    if page == "xep-hang" and not context["valid"]:
        return _bad_request(request, BadRequest(_("Bộ lọc không hợp lệ.")))
    key, title = spec.charts[chart]
    context.update(
        figure=context.get(key),
        chart_title=title,
        chart_slug=chart,
        export_name=embeds.export_name(context, chart, slug, request.GET),
        source_line=embeds.source_line(context),
        coverage_line=embeds.coverage_line(page, context),
        page_url=request.build_absolute_uri(embeds.page_url(spec, slug, request.GET)),
    )
    return render(request, "dashboard/embed.html", context)
