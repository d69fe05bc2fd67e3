"""Caching that is always correct: one data version per dataset, bumped by every change.

- **Version.** ``cchc:version:<dataset>`` in the cache holds a token and the time it was set. Every
  ``post_save`` / ``post_delete`` / ``m2m_changed`` of a model of the ``provinces`` or ``reports`` apps
  (history models and the user model excepted) replaces the token of every dataset, so a curator's
  change in the admin — or a load command — makes every cached page and figure unreachable at once.
  Keys contain the token; old entries simply expire.
- **Who is asking.** Keys and ETags contain the visibility class of the user (``public``,
  ``officer-<province id>``, ``ministry``) and, for a signed-in user, the user's id (pages show the
  user's name), plus the language. A page built for someone allowed to see drafts is therefore never
  served to someone who is not.
- **Pages and downloads** (:func:`cached_page`): the whole response is cached; the CSRF token of a
  form in the page is stored as a placeholder and replaced by the visitor's own token on a hit.
  Responses carry a weak ETag (version, class, language, path and query) and Last-Modified (the time
  of the last version bump); a matching ``If-None-Match`` / ``If-Modified-Since`` gets a 304 without
  running the view. Pages showing flash messages are neither read from nor written to the cache.
- **Computed data and figures** (:func:`memo`): for a view's expensive parts (figure dicts, averages).

Backend: Redis when ``CACHE_URL=redis://…`` (shared by all gunicorn workers), local memory otherwise.
Local memory is per process: a change made in one process is not seen by the cache of another, so
run several workers only with Redis (gunicorn.conf.py warns).

The signals are connected by ``dashboard.apps.DashboardConfig.ready``.

Requests served inside an open transaction (``connection.in_atomic_block``: a test wrapped in a
transaction that will be rolled back, or ``ATOMIC_REQUESTS``) bypass the cache: what they read may
never be committed, and a rollback sends no signal. ``CCHC_CACHE_IN_TRANSACTIONS = True`` turns
caching on there anyway (the caching tests do, and clear the cache first).
"""

from __future__ import annotations

import hashlib
import re
import time
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

DATASETS = ("real", "synthetic")
WATCHED_APPS = ("provinces", "reports")
PAGE_TIMEOUT = 24 * 3600  # entries are unreachable after a bump anyway; this only frees memory
CSRF_PLACEHOLDER = "__cchc_csrf_token__"
_CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")([^"]+)(")')


def _version_key(dataset: str) -> str:
    return f"cchc:version:{dataset}"


def bump_version() -> tuple[str, float]:
    """Invalidate every cached page and figure of every dataset."""
    now = time.time()
    value = (f"{time.time_ns():x}", now)
    cache.set_many({_version_key(d): value for d in DATASETS}, timeout=None)
    return value


def current_version(dataset: str | None = None) -> tuple[str, float]:
    """(token, time of the last change) of the dataset this site shows."""
    key = _version_key(dataset or settings.CCHC_DATASET)
    value = cache.get(key)
    if value is None:
        # First request after a cache restart: a fresh token, so nothing cached before can match.
        value = (f"{time.time_ns():x}", time.time())
        if not cache.add(key, value, timeout=None):
            value = cache.get(key) or value
    return value


def visibility_class(user) -> str:
    """What a user may see, as a string: the same string means exactly the same figures."""
    from reports.models import can_see_drafts  # this module holds an AppConfig: no model import at load time

    if user is None or not user.is_authenticated:
        return "public"
    if can_see_drafts(user):
        return "ministry"
    if getattr(user, "province_id", None):
        return f"officer-{user.province_id}"
    return "public"


def request_class(request) -> str:
    """Visibility class, plus the user's id when signed in (pages show the user's name)."""
    user = getattr(request, "user", None)
    klass = visibility_class(user)
    if user is not None and user.is_authenticated:
        klass += f"-u{user.pk}"
    return klass


def _digest(*parts) -> str:
    return hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=16).hexdigest()


def memo(request, name: str, compute, *parts, timeout: int = PAGE_TIMEOUT):
    """``compute()`` cached for this dataset version, visibility class and language.

    ``parts`` identify the data (edition id, filters); use it for figure dicts and computed tables.
    """
    if _bypass():
        return compute()
    token, _ = current_version()
    key = "cchc:memo:" + _digest(settings.CCHC_DATASET, token, request_class(request), get_language(), name, *parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def _bypass() -> bool:
    from django.db import connection

    return connection.in_atomic_block and not getattr(settings, "CCHC_CACHE_IN_TRANSACTIONS", False)


def _has_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    try:
        return bool(storage is not None and len(storage))
    except Exception:  # pragma: no cover - a storage that cannot count: be safe
        return True


def cached_page(view):
    """Cache a page or download per dataset version, visibility class, language and URL; answer 304s."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or _bypass() or _has_messages(request):
            return view(request, *args, **kwargs)
        token, changed_at = current_version()
        klass = request_class(request)
        language = get_language()
        etag = f'W/"{_digest(settings.CCHC_DATASET, token, klass, language, request.get_full_path())}"'
        last_modified = int(changed_at)
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            return _finish(not_modified, etag, last_modified, klass)

        key = "cchc:page:" + etag
        stored = cache.get(key)
        if stored is not None:
            status, headers, body = stored
            if CSRF_PLACEHOLDER.encode() in body:
                body = body.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
            response = HttpResponse(body, status=status)
            for name, value in headers:
                response[name] = value
            return _finish(response, etag, last_modified, klass)

        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not getattr(response, "cookies", None):
            body = response.content
            if b"csrfmiddlewaretoken" in body:
                body = _CSRF_INPUT.sub(rf"\g<1>{CSRF_PLACEHOLDER}\g<3>", body.decode(response.charset)).encode(
                    response.charset
                )
            headers = [(k, v) for k, v in response.items() if k.lower() not in ("set-cookie", "vary", "etag")]
            cache.set(key, (response.status_code, headers, body), PAGE_TIMEOUT)
        if response.status_code == 200:
            _finish(response, etag, last_modified, klass)
        return response

    return wrapped


def _finish(response, etag: str, last_modified: int, klass: str):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    # Browsers revalidate every time (cheap 304s); shared caches never keep a signed-in user's page.
    response["Cache-Control"] = "no-cache" if klass == "public" else "private, no-cache"
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    return response


def _invalidate(sender, **kwargs) -> None:
    bump_version()


def _watched(model) -> bool:
    from simple_history.models import HistoricalChanges

    return (
        model._meta.app_label in WATCHED_APPS
        and not issubclass(model, HistoricalChanges)
        and model is not apps.get_model(settings.AUTH_USER_MODEL)
    )


def connect_signals() -> None:
    for model in apps.get_models(include_auto_created=True):
        if _watched(model):
            uid = f"cchc-cache-{model._meta.label_lower}"
            post_save.connect(_invalidate, sender=model, dispatch_uid=uid + "-save")
            post_delete.connect(_invalidate, sender=model, dispatch_uid=uid + "-delete")
            m2m_changed.connect(_invalidate, sender=model, dispatch_uid=uid + "-m2m")
