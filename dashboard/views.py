"""Dashboard views: thin functions that resolve the viewer, call a page builder (``dashboard.pages``) and
render its template; a bad parameter is a 400 with the reason."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from dashboard import downloads
from dashboard.pages import about as about_data
from dashboard.pages import compare as compare_data
from dashboard.pages import maps, overview, province
from dashboard.pages import rankings as rankings_data
from dashboard.pages import units as units_data
from dashboard.queries import BadRequest
from reports.visibility import viewer_of

GEOJSON_PATH = Path(settings.BASE_DIR) / "provinces" / "data" / "vn_provinces_63.geojson"


def _bad_request(request: HttpRequest, error: BadRequest) -> HttpResponse:
    return render(request, "dashboard/bad_request.html", {"message": str(error)}, status=400)


def _page(request: HttpRequest, template: str, build, *args) -> HttpResponse:
    """Render a page from its data (``build(*args, request.GET, viewer)``); a bad parameter is a 400."""
    try:
        context = build(*args, request.GET, viewer_of(request))
    except BadRequest as error:
        return _bad_request(request, error)
    if "redirect" in context:  # one page per place (provinces/lineage.py)
        return redirect(context["redirect"], permanent=True)
    return render(request, template, context)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return _page(request, "dashboard/overview.html", overview.overview_page)


@require_safe
def rankings(request: HttpRequest) -> HttpResponse:
    context = rankings_data.rankings_page(request.GET, viewer_of(request))
    fmt = request.GET.get("format", "")
    if fmt and fmt not in downloads.FORMATS:
        context["form"].add_error(None, f"format: {fmt}")
        return render(request, "dashboard/rankings.html", context, status=400)
    if not context["valid"]:
        status = 404 if not context["indices"] else 400
        return render(request, "dashboard/rankings.html", context, status=status)
    if fmt:
        return downloads.rankings_file(request, context, fmt)
    return render(request, "dashboard/rankings.html", context)


@require_safe
def province_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, "dashboard/province.html", province.province_page, slug)


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
    return render(request, "dashboard/compare.html", context)


@require_safe
def map_view(request: HttpRequest) -> HttpResponse:
    return _page(request, "dashboard/map.html", maps.map_page)


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
