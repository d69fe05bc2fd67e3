"""The page cache under stress: random query strings add a bounded number of entries, and pages are still
served (200) when the cache is unreachable (a closed port) or is a Redis that this test starts itself on
a free port and stops (never the machine's own Redis)."""

from __future__ import annotations

import random
import shutil
import socket
import subprocess
import time
from urllib.parse import urlencode

import pytest
from django.core.cache import cache, caches

pytestmark = pytest.mark.django_db

PAGES = ["/", "/xep-hang/?index=PAR_INDEX&year=2023", "/tinh/quang-ninh/", "/so-sanh/?p=quang-ninh", "/ban-do/"]
PAGES += ["/gioi-thieu-du-lieu/", "/bai-viet/", "/du-lieu/don-vi.json"]


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.CCHC_CACHE_IN_TRANSACTIONS = True  # tests run in a transaction, where the cache is bypassed


def redis_caches(location: str) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def test_pages_are_served_when_the_cache_is_unreachable(client, settings, real_data, caplog):
    settings.CACHES = redis_caches("redis://127.0.0.1:1/0")  # nothing listens on port 1
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
    assert "cache unreachable" in caplog.text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def private_redis(tmp_path):
    """A redis-server of this test's own on a free port, stopped afterwards."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server; .ci/run installs it)")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        + ["--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(host="127.0.0.1", port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        process.kill()
        pytest.fail("the test's redis-server did not start")
    try:
        yield port, client
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_pages_are_served_and_cached_by_a_live_redis_then_survive_its_stop(client, settings, real_data, private_redis):
    port, redis_client = private_redis
    settings.CACHES = redis_caches(f"redis://127.0.0.1:{port}/0")
    for path in PAGES:
        assert client.get(path).status_code == 200, path
        assert client.get(path).status_code == 200, path  # served from Redis
    keys = redis_client.dbsize()
    assert keys >= len(PAGES)
    # random query strings: bounded
    rng = random.Random(17)
    for _ in range(200):
        client.get("/xep-hang/?" + urlencode({f"x{rng.randrange(10**9)}": rng.randrange(10**9)}))
    assert redis_client.dbsize() <= keys + 1
    # Redis goes away mid-flight: still 200
    redis_client.shutdown(nosave=True)
    for path in PAGES:
        assert client.get(path).status_code == 200, path


def _random_value(rng: random.Random) -> str:
    kind = rng.randrange(5)
    if kind == 0:
        return str(rng.randrange(-(10**12), 10**12))
    if kind == 1:
        return "".join(rng.choice("abcdefghijklmnopqrstuvwxyzđươ -") for _ in range(rng.randrange(1, 30)))
    if kind == 2:
        return rng.choice(["PAR_INDEX", "SIPAS", "2023", "2012", "quang-ninh", "score", "-score", "1", "2"])
    if kind == 3:
        return f"{rng.random():.6f}"
    return ""


def test_1000_random_query_strings_add_a_bounded_number_of_entries(client, settings, real_data):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fuzz"}}
    cache.clear()
    declared = {
        "/": ("index",),
        "/xep-hang/": ("index", "year", "region", "group", "component", "sort", "page", "format", "q"),
        "/so-sanh/": ("p", "index", "year", "them"),
        "/ban-do/": ("index", "year", "by"),
        "/bai-viet/": ("province", "year", "page", "q"),
        "/gioi-thieu-du-lieu/": (),
    }
    rng = random.Random(20240917)
    statuses: dict[int, int] = {}
    for _ in range(1000):
        path = rng.choice(list(declared))
        params = [(f"r{rng.randrange(10**6)}", _random_value(rng)) for _ in range(rng.randrange(3))]
        params += [(name, _random_value(rng)) for name in declared[path] if rng.random() < 0.3]
        response = client.get(path + "?" + urlencode(params))
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    entries = len(caches["default"]._cache)
    print(f"\n[cache] 1,000 random query strings: {entries} entries, statuses {statuses}")
    assert all(status < 500 for status in statuses)
    # only pages with valid, declared parameters are stored; those are a finite set (indices × years ×
    # regions … pages), not one entry per random string
    assert entries < 150
