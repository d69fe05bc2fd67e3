"""Garbage-collector policy of a worker process: gunicorn.conf.py applies it, the benchmark mirrors it.

A page allocates many short-lived objects (ORM rows, template nodes); with CPython's default gen-0
threshold (700) a request triggers several collections, and a full collection that walks every
object loaded at start-up (Django, templates, URLconf) lands on an unlucky request as p95 latency.
``gc.freeze()`` moves everything alive after start-up to a permanent generation the collector
never scans; a higher gen-0 threshold collects less often. Reference measurement on this project's
predecessor: p95 93 ms → 23 ms.

Some of a page's data is freed only by the collector, not by reference counting: Django's template
``Context`` and its ``ContextDict`` refer to each other, so everything a page passes to its template
is cyclic garbage (600–2,200 objects a request here). With the high threshold, one collection every
twenty or so requests frees tens of thousands of them and costs 10–25 ms, inside whichever request
tripped it. ``between_requests`` runs that collection after a response has been sent, when the young
generation is half full, so that no request waits for it; the CPU it takes still counts in the
load test's requests per second.
"""

import gc

GEN0_THRESHOLD = 50_000


def freeze() -> None:
    """After start-up: everything alive now is never scanned again."""
    gc.collect()
    gc.freeze()


def raise_threshold() -> None:
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GEN0_THRESHOLD, gen1, gen2)


def tune() -> None:
    freeze()
    raise_threshold()


def between_requests() -> None:
    """Collect the young generations between requests, before a request would trip the collection."""
    young, middle, _old = gc.get_count()
    if young > GEN0_THRESHOLD // 2:
        gc.collect(1 if middle >= gc.get_threshold()[1] else 0)
