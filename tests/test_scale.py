"""Queries per page are constant and at most 10, on the synthetic panel at 1x and at 10x the units.

The cache is bypassed inside test transactions (reports/caching.py), so these are the queries of a
page built from scratch (cache cold), for an anonymous visitor and for ministry staff.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curation import synthetic
from provinces.models import Era, Province

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10


def page_urls() -> dict[str, str]:
    # pre-2025 units that were merged keep their own page (an unmerged one redirects to today's unit)
    merged = Province.objects.real().filter(era=Era.UNITS_34).annotate(n=Count("predecessors")).filter(n__gt=1)
    units = Province.objects.real().filter(era=Era.UNITS_63, successor__in=merged).order_by("code")
    slug, slug2 = units[0].slug, units[1].slug
    slug34 = Province.objects.real().filter(era=Era.UNITS_34).order_by("code")[0].slug
    rankings = reverse("dashboard:rankings") + "?index=PAR_INDEX&year=2024"
    return {
        "overview": reverse("dashboard:home"),
        "rankings": rankings,
        "rankings 2025": reverse("dashboard:rankings") + "?index=PAR_INDEX&year=2025",
        "rankings SIPAS": reverse("dashboard:rankings") + "?index=SIPAS&year=2024",
        "province": reverse("dashboard:province", args=[slug]),
        "province 34": reverse("dashboard:province", args=[slug34]),
        "compare": reverse("dashboard:compare") + f"?p={slug}&p={slug2}",
        "map": reverse("dashboard:map") + "?index=PAR_INDEX&year=2024",
        "download csv": rankings + "&format=csv",
        "download xlsx": rankings + "&format=xlsx",
        "download json": rankings + "&format=json",
    }


def count_queries(client, urls: dict[str, str]) -> dict[str, int]:
    counts = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        counts[name] = len(queries)
    return counts


def test_queries_constant_at_1x_and_10x(client, settings, ministry_user):
    settings.CCHC_DATASET = "synthetic"
    urls = page_urls()
    synthetic.generate(scale=1)
    one = count_queries(client, urls)
    client.force_login(ministry_user)
    one_ministry = count_queries(client, urls)
    client.logout()

    synthetic.generate(scale=10)
    ten = count_queries(client, urls)
    client.force_login(ministry_user)
    ten_ministry = count_queries(client, urls)

    for name in urls:
        assert one[name] <= MAX_QUERIES, (name, one[name])
        assert one_ministry[name] <= MAX_QUERIES + 2, (name, one_ministry[name])  # + session and user
        assert ten[name] == one[name], (name, one[name], ten[name])
        assert ten_ministry[name] == one_ministry[name], (name, one_ministry[name], ten_ministry[name])


def test_synthetic_pages_show_banner(client, settings):
    settings.CCHC_DATASET = "synthetic"
    synthetic.generate(scale=1)
    for name, url in page_urls().items():
        if "download" in name:
            continue
        response = client.get(url)
        assert "giả lập" in response.content.decode().lower(), name


def test_the_overview_map_shows_the_units_it_can_draw_and_counts_the_others(client, settings):
    settings.CCHC_DATASET = "synthetic"
    synthetic.generate(scale=2)  # twice the units of each era; only the first copy has a shape
    response = client.get(reverse("dashboard:home"))
    units = response.context["edition"].units_ranked
    drawn = response.context["map_rows"]
    assert len(drawn) == units // 2
    assert response.context["undrawn"] == units // 2
    assert f"{units // 2} đơn vị của kỳ này không có ranh giới trên bản đồ" in response.content.decode()
