"""When a cached page is valid: one data version per dataset, replaced after every committed change.

- **Version.** ``cchc:version:<dataset>`` in the cache holds a token and the time it was set. A save,
  delete or many-to-many change of a model of the ``provinces`` or ``reports`` apps (history models,
  the derived tables and the user model excepted) schedules, with ``transaction.on_commit``, one
  replacement of the token of every dataset when its transaction commits: never before, so a request
  rendered in between cannot store the old figures under the new version, and never for a transaction
  that rolls back. However many rows a transaction writes, the version is replaced once.
- **Who is asking.** Keys and ETags contain the viewer's audience (``reports.visibility.Viewer.audience``:
  ``public``, ``officer-<unit ids>``, ``ministry``; ``-curator`` added for staff who also see the reader's
  suggestions, ``-signed-in`` for any signed-in user, whose header differs) and the language, never a
  user's id: two officers of one province share one cached page. A
  page built for someone allowed to see drafts is therefore never served to someone who is not. What is
  the user's own (the name in the header, the sign-out form's CSRF token) is stored as a placeholder and
  filled in for the visitor after the cache, on a hit as on a miss.
- **Which request.** A key is built from the path and the query parameters the page reads (each
  ``cached_page`` names them), sorted; others are ignored, and a request with free text (a search)
  is rendered but not stored, so random query strings cannot fill the cache.
- **Pages and downloads** (:func:`cached_page`): GET and HEAD only (others get a 405); the whole
  response is cached. Responses carry a weak ETag and Last-Modified (the time of the last version
  change); a matching ``If-None-Match`` / ``If-Modified-Since`` gets a 304 without running the view.
  Pages showing flash messages are neither read from nor written to the cache.
- **Shared caches** (nginx ``proxy_cache``, a CDN): a page for the public audience, asked without a
  session cookie, is ``public, max-age=0, s-maxage=CACHE_S_MAXAGE (≤ 60), stale-while-revalidate=
  CACHE_STALE_WHILE_REVALIDATE (≤ 30)``: browsers revalidate every time (cheap 304s), a proxy serves it
  for at most a minute and a half after a change. It sets no cookie. Anything else (signed in, or a
  session cookie present) is ``private, no-cache``. ``Vary: Cookie`` only: the language is in the URL
  (``cchc_site.middleware.CacheHeaders`` drops the ``Accept-Language`` Django's LocaleMiddleware adds).
- **New code.** The token a page is keyed by joins the data version with :func:`release`, a digest of the
  deployed code (templates, static files, catalogues, modules): a deploy that changes what a page looks like
  starts new keys and ETags although no data changed (Redis outlives the processes it serves), and
  Last-Modified is never older than the newest of those files.
- **Outages.** If the cache cannot be reached, the page is rendered uncached (and the failure logged):
  a cache outage slows the site, it never breaks it.

Backend: Redis when ``CACHE_URL=redis://…`` (shared by all gunicorn workers), local memory otherwise.
Local memory is per process: a change made in one process is not seen by the cache of another, so
run several workers only with Redis (gunicorn.conf.py warns). The signals are connected by
``dashboard.apps.DashboardConfig.ready``.

Requests served inside an open transaction (``connection.in_atomic_block``: a test wrapped in a
transaction that will be rolled back, or ``ATOMIC_REQUESTS``) bypass the cache: what they read may
never be committed. ``CCHC_CACHE_IN_TRANSACTIONS = True`` turns caching on there anyway (the caching
tests do, and clear the cache first).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import time
from functools import cache as once
from functools import wraps
from pathlib import Path
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse, HttpResponseNotAllowed
from django.middleware.csrf import get_token
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.html import escape
from django.utils.http import http_date
from django.utils.translation import get_language

from reports.visibility import viewer_of

log = logging.getLogger(__name__)

DATASETS = ("real", "synthetic")
WATCHED_APPS = ("provinces", "reports")
# Rebuilt from watched rows in the same transaction as the change that caused them.
DERIVED_MODELS = ("reports.editionstatistic", "reports.standing")
PAGE_TIMEOUT = 24 * 3600  # entries are unreachable after a version change anyway; this only frees memory
CSRF_PLACEHOLDER = "__cchc_csrf_token__"
_CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")([^"]+)(")')
# templates/base.html marks the signed-in user's name with this attribute; its text is stored as a placeholder.
USER_NAME_PLACEHOLDER = "__cchc_user_name__"
_USER_NAME = re.compile(r"(<[a-z]+ [^>]*data-user-name[^>]*>)([^<]*)(<)")
# Shared caches may keep a public page this long, and serve it stale this much longer while refreshing it.
MAX_S_MAXAGE, MAX_STALE_WHILE_REVALIDATE = 60, 30


def _version_key(dataset: str) -> str:
    return f"cchc:version:{dataset}"


def bump_version() -> tuple[str, float]:
    """Invalidate every cached page of every dataset, now (use :func:`invalidate_on_commit` for changes)."""
    now = time.time()
    value = (f"{time.time_ns():x}", now)
    try:
        cache.set_many({_version_key(d): value for d in DATASETS}, timeout=None)
    except Exception:  # the cache is down: nothing in it can be served either
        log.exception("cache unreachable: version not replaced")
    return value


def current_version(dataset: str | None = None) -> tuple[str, float]:
    """(token, time of the last change) of the dataset this site shows, with the code that shows it."""
    key = _version_key(dataset or settings.CCHC_DATASET)
    value = cache.get(key)
    if value is None:
        # First request after a cache restart: a fresh token, so nothing cached before can match.
        value = (f"{time.time_ns():x}", time.time())
        if not cache.add(key, value, timeout=None):
            value = cache.get(key) or value
    code, code_time = release()
    return f"{value[0]}.{code}", max(value[1], code_time)


CODE_FOLDERS = ("templates", "static", "locale", "cchc_site", "provinces", "reports", "sources", "dashboard",
                "opendata", "desk", "curation")  # fmt: skip


def code_fingerprint(roots) -> tuple[str, float]:
    """(digest, newest modification time) of the names, sizes and times of the files under ``roots``."""
    digest, newest = hashlib.sha256(), 0.0
    for root in roots:
        for folder, subfolders, files in os.walk(root):
            subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
            for name in sorted(files):
                stat = os.stat(os.path.join(folder, name))
                digest.update(f"{folder}/{name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
                newest = max(newest, stat.st_mtime)
    return digest.hexdigest()[:12], newest


@once
def release() -> tuple[str, float]:
    """The code this process serves (read once: a deploy restarts the processes)."""
    return code_fingerprint(Path(settings.BASE_DIR) / folder for folder in CODE_FOLDERS)


class _Batch:
    """The invalidations of one transaction: every change registers ``run`` on commit; the first run
    replaces the version, the rest find it done. A rolled-back transaction's registrations are dropped
    by Django, and its batch, never run, is simply reused by the next transaction."""

    def __init__(self):
        self.done = False

    def run(self) -> None:
        if not self.done:
            self.done = True
            bump_version()


_pending = threading.local()


def invalidate_on_commit(**kwargs) -> None:
    """Replace the data version once the current transaction commits (at once outside a transaction)."""
    batch = getattr(_pending, "batch", None)
    if batch is None or batch.done:
        batch = _pending.batch = _Batch()
    transaction.on_commit(batch.run)


def audience(request) -> str:
    """What the request's viewer may see: the same string means the same page (never a user's id)."""
    viewer = viewer_of(request)
    klass = viewer.audience
    # A curator and a ministry analyst see the same figures, but the curator also sees the reader's suggestions.
    if viewer.is_curator:
        klass += "-curator"
    # A signed-in page has a header of its own (the name, the sign-out form), even for a user who sees only
    # what the public sees.
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        klass += "-signed-in"
    return klass


def _shared(request, klass: str) -> bool:
    """Whether a shared cache may keep this response: the public's page, asked without a session."""
    return klass == "public" and settings.SESSION_COOKIE_NAME not in request.COOKIES


def _cache_control(shared: bool) -> str:
    if not shared:
        return "private, no-cache"
    s_maxage = min(getattr(settings, "CACHE_S_MAXAGE", MAX_S_MAXAGE), MAX_S_MAXAGE)
    stale = min(
        getattr(settings, "CACHE_STALE_WHILE_REVALIDATE", MAX_STALE_WHILE_REVALIDATE), MAX_STALE_WHILE_REVALIDATE
    )
    return f"public, max-age=0, s-maxage={s_maxage}, stale-while-revalidate={stale}"


def _personal(request, body: bytes) -> bytes:
    """Fill the visitor's own CSRF token and name into a page stored with placeholders."""
    if CSRF_PLACEHOLDER.encode() in body:
        body = body.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    if USER_NAME_PLACEHOLDER.encode() in body:
        user = getattr(request, "user", None)
        name = user.get_username() if user is not None and user.is_authenticated else ""
        body = body.replace(USER_NAME_PLACEHOLDER.encode(), escape(name).encode())
    return body


def _impersonal(body: bytes, charset: str) -> bytes:
    """The page as stored: the CSRF token and the user's name replaced by placeholders."""
    if b"csrfmiddlewaretoken" not in body and b"data-user-name" not in body:
        return body
    text = _CSRF_INPUT.sub(rf"\g<1>{CSRF_PLACEHOLDER}\g<3>", body.decode(charset))
    text = _USER_NAME.sub(rf"\g<1>{USER_NAME_PLACEHOLDER}\g<3>", text)
    return text.encode(charset)


def _digest(*parts) -> str:
    return hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=16).hexdigest()


def _bypass() -> bool:
    return connection.in_atomic_block and not getattr(settings, "CCHC_CACHE_IN_TRANSACTIONS", False)


def _has_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    try:
        return bool(storage is not None and len(storage))
    except Exception:  # pragma: no cover - a storage that cannot count: be safe
        return True


def request_key(request, params: tuple[str, ...]) -> str:
    """The address and the parameters the page reads, sorted: the same page whatever else the URL carries.

    Scheme and host are part of it because pages carry absolute links (embed codes, hreflang alternates):
    a site reached under two names must not hand one name's links to the other. The host is one that
    ALLOWED_HOSTS accepts, so it cannot grow the cache."""
    kept = sorted((k, v) for k in params for v in request.GET.getlist(k) if v != "")
    return f"{request.scheme}://{request.get_host()}{request.path}" + ("?" + urlencode(kept) if kept else "")


def cached_page(view, params: tuple[str, ...] = (), free_text: tuple[str, ...] = ()):
    """Cache a page or download per data version, audience, language and the ``params`` it reads; answer 304s.

    A request with a non-empty ``free_text`` parameter (a search) is rendered, never stored.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        if _bypass() or _has_messages(request) or any(request.GET.get(name, "").strip() for name in free_text):
            return _uncached(view(request, *args, **kwargs))
        try:
            token, changed_at = current_version()
        except Exception:
            log.exception("cache unreachable: %s rendered uncached", request.path)
            return _uncached(view(request, *args, **kwargs))
        klass = audience(request)
        language = get_language()
        etag = f'W/"{_digest(settings.CCHC_DATASET, token, klass, language, request_key(request, params))}"'
        last_modified = int(changed_at)
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            return _finish(request, not_modified, etag, last_modified, klass)

        key = "cchc:page:" + etag
        try:
            stored = cache.get(key)
        except Exception:
            log.exception("cache unreachable: %s rendered uncached", request.path)
            stored = None
        if stored is not None:
            status, headers, body = stored
            response = HttpResponse(_personal(request, body), status=status)
            for name, value in headers:
                response[name] = value
            return _finish(request, response, etag, last_modified, klass)

        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not getattr(response, "cookies", None):
            body = _impersonal(response.content, response.charset)
            headers = [
                (k, v)
                for k, v in response.items()
                if k.lower() not in ("set-cookie", "vary", "etag", "cache-control", "last-modified")
            ]
            try:
                cache.set(key, (response.status_code, headers, body), PAGE_TIMEOUT)
            except Exception:
                log.exception("cache unreachable: %s not stored", request.path)
        if response.status_code == 200:
            _finish(request, response, etag, last_modified, klass)
        return response

    # what the page reads, for tests that enumerate every page's parameters (tests/test_fuzz.py)
    wrapped.cache_params, wrapped.free_text = tuple(params), tuple(free_text)
    return wrapped


def _uncached(response):
    """A page rendered outside the cache (a search, flash messages, a cache outage) is kept by no shared
    cache either: random search strings would fill it, and messages are one visitor's."""
    response.setdefault("Cache-Control", "private, no-cache")
    return response


def _finish(request, response, etag: str, last_modified: int, klass: str):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = _cache_control(_shared(request, klass))
    # The page changes with the session (a signed-in visitor's audience) and nothing else the request
    # carries: the language is in the URL. cchc_site.middleware.CacheHeaders keeps Vary to this.
    patch_vary_headers(response, ("Cookie",))
    response.vary_only = ("Cookie",)
    return response


def _watched(model) -> bool:
    from simple_history.models import HistoricalChanges

    return (
        model._meta.app_label in WATCHED_APPS
        and model._meta.label_lower not in DERIVED_MODELS
        and not issubclass(model, HistoricalChanges)
        and model is not apps.get_model(settings.AUTH_USER_MODEL)
    )


def connect_signals() -> None:
    for model in apps.get_models(include_auto_created=True):
        if _watched(model):
            uid = f"cchc-cache-{model._meta.label_lower}"
            post_save.connect(invalidate_on_commit, sender=model, dispatch_uid=uid + "-save")
            post_delete.connect(invalidate_on_commit, sender=model, dispatch_uid=uid + "-delete")
            m2m_changed.connect(invalidate_on_commit, sender=model, dispatch_uid=uid + "-m2m")
