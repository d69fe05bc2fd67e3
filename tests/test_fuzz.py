"""A seeded fuzzer over the dashboard: no request ever gets a server error (≥ 500).

Every URL pattern of ``dashboard.urls`` (arguments from real rows and hostile ones), every GET parameter
each page reads (``cached_page`` names them: ``view.cache_params`` and ``view.free_text``, plus a few
parameters no page reads), for four personas (anonymous, a provincial officer, ministry staff with
``reports.view_draft_results``, a superuser curator), with hostile values: control characters, NUL, very
long strings, unicode (combining marks, right-to-left override, astral), SQL-ish text, negative and huge
numbers, formula payloads, ``javascript:``. The seed is fixed, so a failure is reproduced by rerunning;
``FUZZ_REQUESTS`` and ``FUZZ_SEED`` change the run. Each failure is listed with the persona and URL.
"""

from __future__ import annotations

import os
import random
import time
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from provinces.models import Province
from reports.models import Edition, Index, Result, SourceArticle, Status

pytestmark = pytest.mark.django_db

SEED = int(os.environ.get("FUZZ_SEED", "20251205"))
REQUESTS = int(os.environ.get("FUZZ_REQUESTS", "1200"))

HOSTILE = [
    "\x00",
    "a\x00b",
    "\x01\x02\x1b[31m",
    "\x7f",
    "\u0085",
    "line\nbreak",
    "tab\there",
    "x" * 199,
    "x" * 201,
    "ặ" * 150,
    "Bạc Liêu",
    "bac lieu",
    "e\u0301\u0301\u0301",
    "\u202eevil",
    "😀𝔘𝔫𝔦",
    "\ufeff",
    "' OR 1=1 --",
    '"; DROP TABLE reports_result; --',
    "%' AND 1=CAST((SELECT 1) AS int) --",
    "\\",
    "../../etc/passwd",
    "-1",
    "0",
    "-0",
    "1e309",
    "NaN",
    "-99999999999999999999",
    "99999999999999999999999999999",
    "2147483648",
    "9223372036854775808",
    "3.5",
    "0x1F",
    "=1+1",
    '=HYPERLINK("http://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "javascript:alert(1)",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "%s%s%n",
    "",
    " ",
]
EXTRA_PARAMS = ["format", "page", "sort", "q", "next", "lang", "x", "__proto__"]


def _patterns(resolver):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p)
        elif isinstance(p, URLPattern):
            yield p


def _valid_values(draft_edition) -> dict[str, list[str]]:
    province = Province.objects.filter(era=63, is_synthetic=False).order_by("pk").first()
    article = SourceArticle.objects.order_by("pk").first()
    return {
        "index": [i.code for i in Index.objects.all()],
        "year": ["2011", "2019", "2023", "2024"],
        "p": ["quang-ninh", "bac-lieu", province.slug],
        "them": ["Bac Lieu", "quảng ninh"],
        "region": ["dong-bang-song-hong"],
        "sort": ["score", "-score", "rank", "name", "change"],
        "page": ["1", "2"],
        "format": ["csv", "xlsx", "json"],
        "by": ["score", "group"],
        "province": ["quang-ninh"],
        "q": ["cải cách", "bac lieu"],
        "slug": ["quang-ninh", province.slug, "bac-lieu"],
        "pk": [str(article.pk), str(draft_edition.pk)],
    }


def _paths(rng: random.Random, pattern: URLPattern, valid: dict) -> str:
    """A path for ``pattern``: route arguments real or hostile (percent-encoded as a browser would)."""
    route = str(pattern.pattern)
    for name in pattern.pattern.converters:
        converter_type = type(pattern.pattern.converters[name]).__name__
        if rng.random() < 0.6:
            value = rng.choice(valid.get(name, ["1"]))
        elif converter_type == "IntConverter":
            value = rng.choice(["0", "1", "2147483648", "9223372036854775808", "9" * 40])
        else:
            value = rng.choice(HOSTILE) or "x"
        for kind in ("slug", "int", "str", "path"):
            route = route.replace(f"<{kind}:{name}>", quote(value, safe=""))
    return "/" + route


@pytest.fixture
def personas(real_data, django_user_model, officer_factory, ministry_user):
    officer = officer_factory(Province.objects.get(name="Bạc Liêu", era=63))
    curator = django_user_model.objects.create_superuser("giam.tuyen", "gt@example.org", "mat-khau-dai-9")
    clients = {"anonymous": Client()}
    for name, user in (("officer", officer), ("ministry", ministry_user), ("curator", curator)):
        clients[name] = Client()
        clients[name].force_login(user)
    assert ministry_user.has_perm("reports.view_draft_results")
    return clients


@pytest.fixture
def draft_edition(real_data):
    """A draft, so the fuzzer also walks pages where who sees what differs."""
    par = Index.objects.get(code="PAR_INDEX")
    edition = Edition.objects.create(index=par, year=2011, status=Status.DRAFT, units_ranked=63)
    Result.objects.create(edition=edition, province=Province.objects.get(name="Bạc Liêu", era=63), score="77.77")
    return edition


def test_no_hostile_request_gets_a_server_error(personas, draft_edition):
    rng = random.Random(SEED)
    valid = _valid_values(draft_edition)
    pages = []
    for pattern in _patterns(get_resolver("dashboard.urls")):
        view = pattern.callback
        params = [*getattr(view, "cache_params", ()), *getattr(view, "free_text", ())]
        pages.append((pattern, params))
    assert len(pages) >= 10
    failures, statuses = [], {}
    started = time.perf_counter()
    # every page once per persona with valid values, then random hostile requests
    plan = [(pattern, params, persona, False) for pattern, params in pages for persona in personas]
    while len(plan) < REQUESTS:
        pattern, params = rng.choice(pages)
        plan.append((pattern, params, rng.choice(list(personas)), True))
    for pattern, params, persona, hostile in plan:
        path = _paths(rng, pattern, valid) if hostile else _paths(random.Random(0), pattern, {})
        query = []
        for name in params:
            if rng.random() < 0.5:
                pool = HOSTILE if hostile and rng.random() < 0.5 else valid.get(name, HOSTILE)
                query += [(name, rng.choice(pool)) for _ in range(rng.choice([1, 1, 1, 2, 7]) if name == "p" else 1)]
        if hostile and rng.random() < 0.3:
            query.append((rng.choice(EXTRA_PARAMS), rng.choice(HOSTILE)))
        url = path + ("?" + urlencode(query) if query else "")
        try:
            status = personas[persona].get(url).status_code
        except Exception as error:  # the test client re-raises a view's exception: that would be a 500
            failures.append(f"{persona} GET {url!r}: {type(error).__name__}: {error}"[:400])
            continue
        statuses[status] = statuses.get(status, 0) + 1
        if status >= 500:
            failures.append(f"{persona} GET {url!r}: HTTP {status}")
    seconds = time.perf_counter() - started
    print(f"\n[fuzz] seed {SEED}: {len(plan)} requests in {seconds:.1f} s, statuses {dict(sorted(statuses.items()))}")
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures[:30])
    assert statuses.get(200, 0) > len(pages)  # the fuzzer reached real pages, not only refusals
