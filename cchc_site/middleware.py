"""Small middlewares every request and response goes through.

:class:`RealClientAddress` sets ``REMOTE_ADDR`` to the visitor's address when the request came through a
proxy listed in ``TRUSTED_PROXIES`` (nginx, a load balancer): the sign-in throttle
(``provinces/auth.py``) and the logs then count the visitor, not the proxy. The ``X-Forwarded-For``
chain is read from the right, skipping trusted proxies; the first address that is not one is the
client. A request from any other address keeps its own ``REMOTE_ADDR`` and its header is ignored (anyone
can send one). With no proxy configured (the default) the header is never read. Hand-written (25 lines
with :mod:`ipaddress`) rather than django-ipware: that library guesses from a dozen headers, and the
one rule needed here is "trust this header only from these addresses".

:class:`CacheHeaders` keeps ``Vary`` of a cached page (``dashboard/caching.py`` marks it with
``vary_only``) to what changes it: Django's LocaleMiddleware adds ``Accept-Language`` to every page whose
URL has no language prefix, but here the unprefixed URLs are always Vietnamese
(``prefix_default_language=False``), so that header would only split shared caches' entries.

:class:`QueryStringGuard` checks a request's query parameters before any view (so before any database)
sees them: a control character (NUL included: PostgreSQL refuses it with a server error, SQLite stores
it) or an over-long name or value gets a 400 with a message saying which parameter and why, the same on
both databases. Values are at most :data:`MAX_PARAM_LENGTH` characters (``next``, which carries a whole
address, and the admin's own parameters :data:`MAX_LONG_PARAM_LENGTH`).

:class:`ContentSecurityPolicy` sets ``Content-Security-Policy`` on every response (Django 5.2 has none
built in; a dozen lines here rather than a library): scripts and everything else from this site only,
styles from this site plus inline ``style`` attributes (Plotly sets them on every element it draws),
images also from ``data:`` and ``blob:`` (Plotly's image export), no plugins, no framing, forms post
only here. The embeddable charts (``dashboard:embed``, ``dashboard:embed_province``) are the one
exception: any site may frame them (``frame-ancestors *``, :data:`EMBED_CSP`). The pages and the admin
have no inline scripts (page data is JSON in ``<script type="application/json">``, which is never
executed); tests/browser/test_csp.py opens every page with charts and the admin and listens for violations.

:class:`LanguageQueryRedirect` sends old ``?lang=en`` links to the page's address in that language.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.template.response import TemplateResponse
from django.urls import translate_url
from django.utils.translation import gettext as _

from provinces.inputs import control_characters

MAX_PARAM_LENGTH = 200
MAX_LONG_PARAM_LENGTH = 2000
LONG_PARAMS = {"next", "_changelist_filters"}
LONG_PARAM_PATHS = ("/admin/",)

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# A chart alone, made to be framed by other sites (dashboard/embeds.py); everything else as above.
EMBED_CSP = CSP.replace("frame-ancestors 'none'", "frame-ancestors *")
EMBED_VIEWS = {"dashboard:embed", "dashboard:embed_province"}


def query_problem(request) -> str | None:
    """Why the request's query string is refused, or None."""
    long_path = request.path.startswith(LONG_PARAM_PATHS)
    for name, values in request.GET.lists():
        if control_characters(name) or len(name) > MAX_PARAM_LENGTH:
            return _("Tên tham số “%(name)s” không hợp lệ (ký tự điều khiển hoặc quá dài).") % {
                "name": name[:40].encode("unicode_escape").decode()
            }
        limit = MAX_LONG_PARAM_LENGTH if long_path or name in LONG_PARAMS else MAX_PARAM_LENGTH
        for value in values:
            found = control_characters(value)
            if found:
                return _("Tham số “%(name)s” chứa ký tự điều khiển (%(chars)s).") % {
                    "name": name,
                    "chars": ", ".join(found[:5]),
                }
            if len(value) > limit:
                return _("Tham số “%(name)s” dài %(n)s ký tự, tối đa %(max)s.") % {
                    "name": name,
                    "n": len(value),
                    "max": limit,
                }
    return None


class QueryStringGuard:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = query_problem(request)
        if problem is None:
            return self.get_response(request)
        response = TemplateResponse(request, "dashboard/bad_request.html", {"message": problem}, status=400)
        response["Cache-Control"] = "no-store"
        return response.render()


class ContentSecurityPolicy:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        framed = match is not None and match.view_name in EMBED_VIEWS
        response.setdefault("Content-Security-Policy", EMBED_CSP if framed else CSP)
        return response


class LanguageQueryRedirect:
    """Links from before the language moved into the URL (``/xep-hang/?lang=en``) open at the page's
    address in that language (``/en/xep-hang/``), 301, the rest of the query kept: a shared old link
    opens in the language it was copied in (the admin too: ``/en/admin/``). Pages outside the language
    prefix (the API, operations) ignore it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.GET.get("lang")
        if language not in {code for code, _name in settings.LANGUAGES} or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        addresses = {code: translate_url(request.path, code) for code, _name in settings.LANGUAGES}
        if len(set(addresses.values())) == 1:
            return self.get_response(request)  # not a page with an address per language
        target = addresses[language]
        query = request.GET.copy()
        del query["lang"]
        return HttpResponsePermanentRedirect(f"{target}?{query.urlencode()}" if query else target)


def _networks(entries) -> tuple:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(remote_addr: str, forwarded_for: str, trusted) -> str:
    """The visitor's address: ``remote_addr`` unless it is a trusted proxy, then the right-most address of
    ``forwarded_for`` that is not a trusted proxy (the left-most if all are)."""
    remote = _address(remote_addr)
    if not trusted or remote is None or not any(remote in net for net in trusted) or not forwarded_for:
        return remote_addr
    chain = [_address(item) for item in forwarded_for.split(",")]
    if any(hop is None for hop in chain):  # a malformed chain: the proxy's own address, never a guess
        return remote_addr
    for hop in reversed(chain):
        if not any(hop in net for net in trusted):
            return str(hop)
    return str(chain[0])


class RealClientAddress:
    def __init__(self, get_response):
        self.get_response = get_response
        self.trusted = _networks(getattr(settings, "TRUSTED_PROXIES", ()))

    def __call__(self, request):
        if self.trusted:
            request.META["REMOTE_ADDR"] = client_address(
                request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_X_FORWARDED_FOR", ""), self.trusted
            )
        return self.get_response(request)


class CacheHeaders:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        only = getattr(response, "vary_only", None)
        if only is not None:
            response["Vary"] = ", ".join(only)
        return response
