"""gunicorn settings for production on a small machine: ``gunicorn -c gunicorn.conf.py cchc_site.wsgi``.

- ``workers``: 2 sync workers for the 2-core machine (WEB_CONCURRENCY overrides). Pages are CPU-bound
  Python; more processes than cores only add context switches.
- ``preload_app``: Django, the URLconf and templates are loaded once in the master and shared
  copy-on-write with the workers.
- GC (``cchc_site/gctune.py``): after start-up ``gc.freeze()`` moves every object alive (Django, app
  modules) to a permanent generation the collector never scans again, a higher gen-0 threshold
  collects less often, and the young generations are collected after a response is sent rather
  than inside the next request (reference: p95 93 ms -> 23 ms).
- Cache: with more than one worker the cache must be shared (``CACHE_URL=redis://...``), or a
  curator's change seen by one worker would leave the other serving its own stale local-memory copy;
  the master logs an error at start-up if it is not.
"""

import os

from cchc_site import gctune

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
preload_app = True
timeout = 30
graceful_timeout = 10
max_requests = 0  # no recycling: it would throw away the frozen heap and warm caches
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "warning")


def when_ready(server):
    """Master, after the app is loaded and before the workers fork."""
    cache_url = os.environ.get("CACHE_URL", "")
    if workers > 1 and not cache_url.startswith(("redis://", "rediss://")):
        server.log.error(
            "CACHE_URL is not a redis:// URL but %s workers run: each worker has its own local-memory cache "
            "and a change made through one is not seen by the others. Set CACHE_URL=redis://...",
            workers,
        )
    # Load what the first request would (URLconf, views, templates) before freezing the heap.
    try:
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018
    except Exception as error:  # pragma: no cover - never block start-up on a warm-up
        server.log.warning("warm-up failed: %s", error)
    gctune.freeze()


def post_fork(server, worker):
    gctune.raise_threshold()


def post_request(worker, req, environ, resp):
    """After the response has been written (sync workers): the collection no request should wait for."""
    gctune.between_requests()
