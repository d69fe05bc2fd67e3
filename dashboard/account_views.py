"""Signing in: the site's sign-in (throttled) and the one-time notice to an officer whose unit was merged.

The notice is a page of its own, never cached, rather than a message on the next page: pages are cached
per audience, and a message rendered into one officer's cached page would reach the next officer.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from provinces.accounts import acknowledge_move, move_notice
from provinces.auth import ThrottledAuthenticationForm


class SignInView(LoginView):
    authentication_form = ThrottledAuthenticationForm

    def get_success_url(self) -> str:
        url = super().get_success_url()
        if move_notice(self.request.user):
            return f"{reverse('dashboard:moved')}?{urlencode({'next': url})}"
        return url


@never_cache
@login_required
def moved(request: HttpRequest) -> HttpResponse:
    """Tell an officer, once, that their account now belongs to the unit their province was merged into."""
    notice = move_notice(request.user)
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = resolve_url("dashboard:my_home")
    if notice is None:
        return redirect(next_url)
    acknowledge_move(request.user)
    return render(request, "registration/moved.html", {"notice": notice, "next_url": next_url})
