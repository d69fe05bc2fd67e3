"""Measure every page in-process on one database; prints one JSON document (called by benchmarks.run).

Environment: DJANGO_SETTINGS_MODULE=benchmarks.settings, DATABASE_URL, CCHC_DATASET=synthetic and
production-like settings (DEBUG off, so templates are cached and static names hashed), set by run.py.

Server time is the time of one request through Django's WSGI handler, as gunicorn calls it (the whole
middleware stack and view, no network; ``WsgiClient``), not through the test Client, which also copies
the context of every template rendered, for assertions: work production never does. Between requests
the young objects are collected as gunicorn.conf.py's ``post_request`` does (``cchc_site/gctune.py``).
``cold`` clears the cache before every request, ``warm`` does not; ``304`` sends the ETag back.
Queries are counted with CaptureQueriesContext on a separate request (capturing costs time). Bytes:
the response body, raw and gzip-compressed. Static: the JS and CSS the page links, from STATIC_ROOT
(hashed names after collectstatic), gzip and brotli sizes as whitenoise serves them.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

from cchc_site import gctune


def quantiles(samples: list[float]) -> dict:
    samples = sorted(samples)
    cuts = statistics.quantiles(samples, n=20, method="inclusive")
    return {"median_ms": statistics.median(samples) * 1000, "p95_ms": cuts[18] * 1000, "n": len(samples)}


class WsgiClient:
    """GET requests straight into Django's WSGI handler; the response as Django returns it."""

    def __init__(self, **defaults):
        from django.core.handlers.wsgi import WSGIHandler

        self.handler = WSGIHandler()
        self.defaults = defaults

    def get(self, url: str, **headers):
        path, _, query = url.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            **self.defaults,
            **headers,
        }
        response = self.handler(environ, lambda status, headers, exc_info=None: None)
        response.content  # noqa: B018 - the body is produced here, as a server would (no view streams)
        response.close()
        return response


def samples(client, url: str, n: int, warmup: int, before=None, **headers) -> list[float]:
    out = []
    for i in range(warmup + n):
        if before:
            before()
        start = time.perf_counter()
        response = client.get(url, **headers)
        elapsed = time.perf_counter() - start
        if response.status_code >= 400:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
        if i >= warmup:
            out.append(elapsed)
        gctune.between_requests()  # as gunicorn.conf.py's post_request does
    return out


def timed(client, url: str, n: int, warmup: int, before=None, **headers) -> dict:
    return quantiles(samples(client, url, n, warmup, before, **headers))


BLOCKS = 5


def alternating(client, url: str, floor_url: str, n: int, warmup: int, before=None) -> tuple[dict, dict]:
    """Cold page and floor samples taken in alternating blocks (page, floor, page, ...), each block
    after one discarded request: a slow spell of the machine then weighs on both sides of the ratio
    rather than on whichever was being measured at the time."""
    page, floor = [], []
    for block in range(BLOCKS):
        first = warmup if block == 0 else 1
        page += samples(client, url, n // BLOCKS, first, before)
        floor += samples(client, floor_url, n // BLOCKS, first)
    return quantiles(page), quantiles(floor)


ASSET = re.compile(
    r"<script[^>]*\ssrc=\"([^\"]+)\"|<link[^>]*\srel=\"(?:stylesheet|modulepreload|preload)\"[^>]*\shref=\"([^\"]+)\""
    r"|<link[^>]*\shref=\"([^\"]+)\"[^>]*\srel=\"(?:stylesheet|modulepreload|preload)\""
)


def static_assets(html: str) -> dict:
    from django.conf import settings

    assets, external = [], []
    for match in ASSET.finditer(html):
        url = next(g for g in match.groups() if g)
        if url.startswith(("http://", "https://", "//")):
            external.append(url)
            continue
        prefix = "/" + settings.STATIC_URL.lstrip("/")
        if not url.startswith(prefix):
            continue
        name = url[len(prefix) :].split("?")[0]
        path = Path(settings.STATIC_ROOT) / name
        if not path.exists():
            external.append(url + " (missing)")
            continue
        raw = path.read_bytes()
        gz = Path(str(path) + ".gz")
        br = Path(str(path) + ".br")
        assets.append(
            {
                "url": url,
                "bytes": len(raw),
                "gzip": gz.stat().st_size if gz.exists() else len(gzip.compress(raw, 9)),
                "brotli": br.stat().st_size if br.exists() else None,
            }
        )
    return {
        "assets": assets,
        "external": external,
        "gzip_total": sum(a["gzip"] for a in assets),
        "brotli_total": sum(a["brotli"] or a["gzip"] for a in assets),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from benchmarks.pages import INDEX, PAGE_ROWS, PAGES, YEAR
    from provinces.models import Era, Province
    from reports.models import Edition, Result

    real63 = Province.objects.real().filter(era=Era.UNITS_63).order_by("code")
    slug, slug2 = real63[0].slug, real63[1].slug
    units = Result.objects.filter(edition__is_synthetic=True, edition__index__code=INDEX, edition__year=YEAR).count()
    latest = Edition.objects.filter(is_synthetic=True, index__code=INDEX, status="published").order_by("-year")[0]
    fill = {"slug": slug, "slug2": slug2, "index": INDEX, "year": YEAR, "latest": latest.year, "limit": PAGE_ROWS}

    gctune.tune()
    client = WsgiClient(HTTP_ACCEPT_ENCODING="identity")
    out = {"units_in_ranking": units, "results_total": Result.objects.filter(edition__is_synthetic=True).count()}
    pages = []
    for label, name, kwargs, query, floor in PAGES:
        entry = {"page": label}
        pages.append(entry)
        try:
            url = reverse(name, kwargs={k: v.format(**fill) for k, v in kwargs.items()}) + query.format(**fill)
        except NoReverseMatch:
            entry["missing"] = f"no URL named {name}"
            continue
        entry["url"] = url
        cache.clear()
        with CaptureQueriesContext(connection) as cold_q:
            response = client.get(url)
        if response.status_code != 200:
            entry["missing"] = f"HTTP {response.status_code}"
            continue
        with CaptureQueriesContext(connection) as warm_q:
            client.get(url)
        body = response.content
        entry.update(
            queries_cold=len(cold_q),
            queries_warm=len(warm_q),
            bytes=len(body),
            gzip_bytes=len(gzip.compress(body, 6)),
            content_type=response["Content-Type"],
            etag=response.get("ETag"),
        )
        if response["Content-Type"].startswith("text/html"):
            entry["static"] = static_assets(body.decode(response.charset or "utf-8"))
        # The floor: the same rows, JSON, one query.
        floor_url = floor.format(**fill)
        if "limit=" in floor_url and units <= PAGE_ROWS:
            floor_url = floor_url.split("?")[0]
        with CaptureQueriesContext(connection) as floor_q:
            floor_response = client.get(floor_url)
        floor_queries = len(floor_q)  # read now: the next request resets the connection's query log
        entry["cold"], floor_times = alternating(
            client, url, floor_url, args.iterations, args.warmup, before=cache.clear
        )
        entry["floor"] = {
            "url": floor_url,
            "queries": floor_queries,
            "rows": len(json.loads(floor_response.content)["rows"]),
            "bytes": len(floor_response.content),
            **floor_times,
        }
        client.get(url)
        # Warm and 304 requests take well under a millisecond: more samples for a stable p95.
        entry["warm"] = timed(client, url, args.iterations * 5, args.warmup)
        if entry["etag"]:
            entry["not_modified"] = timed(
                client, url, args.iterations * 5, args.warmup, HTTP_IF_NONE_MATCH=entry["etag"]
            )
        for state in ("cold", "warm"):
            entry[state]["ratio_to_floor"] = entry[state]["median_ms"] / entry["floor"]["median_ms"]
            entry[state]["p95_over_median"] = entry[state]["p95_ms"] / entry[state]["median_ms"]
    out["pages"] = pages
    out["python"] = sys.version.split()[0]
    out["cache"] = os.environ.get("CACHE_URL") or "locmem"
    json.dump(out, sys.stdout, default=str)


if __name__ == "__main__":
    main()
