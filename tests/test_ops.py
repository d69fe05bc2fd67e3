"""Operations: /healthz, /readyz (really unreachable database and cache give 503), both exempt from the HTTPS
redirect; robots.txt and sitemap.xml (both languages, published editions only); the sign-in throttle counts
the visitor's address from X-Forwarded-For only when the request comes from a configured trusted proxy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from cchc_site.middleware import client_address
from provinces.models import Province
from reports.models import Edition, Index, Result, Status

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"] and not response.cookies


def test_readyz_is_ready_with_database_and_cache(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"ready": True, "checks": {"database:default": "ok", "cache:default": "ok"}}
    assert client.head("/readyz").status_code == 200


def test_readyz_is_503_when_the_cache_is_unreachable(client, settings):
    settings.CACHES = {
        "default": settings.CACHES["default"],
        # nothing listens on port 1
        "sessions": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database:default": "ok",
        "cache:default": "ok",
        "cache:sessions": "unreachable",
    }


def test_readyz_is_503_when_the_database_is_unreachable():
    """A separate process whose DATABASE_URL names a PostgreSQL port nothing listens on."""
    code = (
        "import django, json; django.setup()\n"
        "from django.test.utils import setup_test_environment; setup_test_environment()\n"
        "from django.test import Client\n"
        "r = Client().get('/readyz'); h = Client().get('/healthz')\n"
        "print(json.dumps([r.status_code, r.json(), h.status_code]))\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cchc_site.settings",
        "DATABASE_URL": "postgres://x@127.0.0.1:1/none",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    status, body, health = json.loads(done.stdout.strip().splitlines()[-1])
    assert status == 503 and body["checks"]["database:default"] == "unreachable" and not body["ready"]
    assert health == 200  # alive, though not ready


def test_health_checks_are_exempt_from_the_https_redirect(settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    redirected = client.get(reverse("dashboard:about"))
    assert redirected.status_code == 301 and redirected["Location"].startswith("https://")


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines and "Disallow: /accounts/" in lines
    assert "Disallow: /" not in lines  # the public pages stay crawlable
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_sitemap_lists_public_pages_in_both_languages_and_published_editions_only(client, real_data):
    index = Index.objects.get(code="PAR_INDEX")
    draft = Edition.objects.create(index=index, year=2011, status=Status.DRAFT, units_ranked=63)
    Result.objects.create(edition=draft, province=Province.objects.real().first(), score=Decimal("70.07"), rank=1)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    locs = [u.findtext("s:loc", namespaces=NS) for u in root.findall("s:url", NS)]
    assert "http://testserver/" in locs and "http://testserver/en/" in locs
    assert "http://testserver/xep-hang/" in locs and "http://testserver/en/xep-hang/" in locs
    published = Edition.objects.filter(status=Status.PUBLISHED, is_synthetic=False, index=index)
    assert published.exists()
    for edition in published:
        assert f"http://testserver/xep-hang/?index=PAR_INDEX&year={edition.year}" in locs, edition.year
    assert not [loc for loc in locs if "year=2011" in loc], "a draft year is listed"
    province = Province.objects.real().filter(era=34).first()
    assert f"http://testserver/tinh/{province.slug}/" in locs
    assert not Province.objects.filter(
        is_synthetic=True, slug__in=[loc.rstrip("/").rsplit("/", 1)[-1] for loc in locs]
    ).exists()
    # every page names its other-language version
    first = root.find("s:url", NS)
    langs = {link.get("hreflang") for link in first.findall("x:link", NS)}
    assert {"vi", "en", "x-default"} <= langs
    assert not response.cookies


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.5", "198.51.100.1", (), "203.0.113.5"),  # no proxy configured: the header is ignored
        ("203.0.113.5", "198.51.100.1", ("10.0.0.1",), "203.0.113.5"),  # not from the proxy: ignored
        ("10.0.0.1", "198.51.100.1", ("10.0.0.1",), "198.51.100.1"),
        ("10.0.0.1", "6.6.6.6, 198.51.100.1", ("10.0.0.1",), "198.51.100.1"),  # a forged left part is skipped
        ("10.0.0.2", "198.51.100.1, 10.0.0.9", ("10.0.0.0/8",), "198.51.100.1"),  # two proxies of the network
        ("10.0.0.1", "not-an-address", ("10.0.0.1",), "10.0.0.1"),
        ("10.0.0.1", "", ("10.0.0.1",), "10.0.0.1"),
    ],
)
def test_client_address(remote, forwarded, trusted, expected):
    import ipaddress

    assert client_address(remote, forwarded, tuple(ipaddress.ip_network(t) for t in trusted)) == expected


def _sign_in(client, password, **headers):
    return client.post(reverse("login"), {"username": "can.bo.thu", "password": password}, **headers)


def test_throttle_counts_the_visitor_behind_a_trusted_proxy(settings, django_user_model):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    settings.LOGIN_FAILURE_LIMIT = 3
    cache.clear()
    django_user_model.objects.create_user("can.bo.thu", password="mat-khau-dai-9")
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(3):
        assert _sign_in(Client(), "sai", HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy).status_code == 200
    locked = _sign_in(Client(), "mat-khau-dai-9", HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    assert locked.status_code == 200 and "quá nhiều lần" in locked.content.decode()
    # another visitor through the same proxy is not locked out by the first one's failures
    assert _sign_in(Client(), "mat-khau-dai-9", HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy).status_code == 302


def test_throttle_ignores_forwarded_for_without_a_trusted_proxy(settings, django_user_model):
    settings.TRUSTED_PROXIES = []
    settings.LOGIN_FAILURE_LIMIT = 3
    cache.clear()
    django_user_model.objects.create_user("can.bo.thu", password="mat-khau-dai-9")
    for n in range(3):  # a new forged address each time: still one visitor
        _sign_in(Client(), "sai", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}", REMOTE_ADDR="203.0.113.5")
    locked = _sign_in(Client(), "mat-khau-dai-9", HTTP_X_FORWARDED_FOR="198.51.100.99", REMOTE_ADDR="203.0.113.5")
    assert locked.status_code == 200 and "quá nhiều lần" in locked.content.decode()
    cache.clear()
