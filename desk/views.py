"""The desk's views: thin, per person, never cached by anyone but the person's own browser tab.

Each resolves the viewer, checks the one access rule (``desk.units.may_open``), calls a builder
(``desk.pages``, ``desk.profile``) and renders. ``never_cache`` marks every answer ``private,
no-store``: a desk shows drafts to the one person allowed to see them, so no shared cache (the
page cache of ``dashboard.caching`` is not used here, nor a proxy's) may keep it.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from dashboard.queries import BadRequest
from reports.visibility import viewer_of

from . import pages, units
from . import profile as profile_data


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "desk/refused.html", {"message": message}, status=403)


def _bad_request(request: HttpRequest, error: BadRequest) -> HttpResponse:
    return render(request, "dashboard/bad_request.html", {"message": str(error)}, status=400)


@never_cache
@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """An officer: their unit's desk. Ministry staff and curators: the list of desks."""
    viewer = viewer_of(request)
    if viewer.sees_drafts:
        try:
            return render(request, "desk/home.html", pages.desks_page(request.GET))
        except BadRequest as error:
            return _bad_request(request, error)
    slug = units.own_unit_slug(request.user)
    if slug and viewer.is_officer:
        return redirect("desk:unit", slug)
    return _refused(request, _("Tài khoản này chưa gắn với tỉnh, thành phố nào. Liên hệ Bộ Nội vụ để được gắn."))


def _open(request: HttpRequest, slug: str):
    """The desk unit, or the refusal to show it."""
    viewer = viewer_of(request)
    desk = units.desk_unit(slug)
    if not units.may_open(viewer, desk.unit):
        return (
            viewer,
            desk,
            _refused(
                request,
                _("Bạn chỉ mở được bàn làm việc của đơn vị mình. Số liệu đã công bố của %(name)s có ở trang công khai.")
                % {"name": desk.unit.name},
            ),
        )
    return viewer, desk, None


@never_cache
@login_required
@require_GET
def unit(request: HttpRequest, slug: str) -> HttpResponse:
    viewer, desk, refused = _open(request, slug)
    if refused:
        return refused
    context = pages.desk_page(desk, request.GET, viewer)
    context["sees_drafts"] = viewer.sees_drafts
    return render(request, "desk/unit.html", context)


@never_cache
@login_required
@require_GET
def profile(request: HttpRequest, slug: str) -> HttpResponse:
    viewer, desk, refused = _open(request, slug)
    if refused:
        return refused
    try:
        context = profile_data.profile_page(desk, request.GET, viewer)
    except BadRequest as error:
        return _bad_request(request, error)
    return render(request, "desk/profile.html", context)
