"""Embeddable charts (dashboard/embeds.py): one chart alone, framable by any site (that view only), with its
title, source line, coverage and a link back; built as the anonymous viewer whoever asks; each normal page
shows the ``<iframe>`` code under its charts."""

from __future__ import annotations

import json
import re

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from reports.models import Edition, Status

pytestmark = pytest.mark.usefixtures("real_data")

# Every embed: (URL, query, the chart's figure has data)
EMBEDS = [
    (reverse("dashboard:embed", args=["tong-quan", "ban-do"]), {}),
    (reverse("dashboard:embed", args=["tong-quan", "phan-bo"]), {"index": "PAR_INDEX"}),
    (reverse("dashboard:embed", args=["xep-hang", "diem"]), {"year": 2023, "region": "dong-nam-bo"}),
    (reverse("dashboard:embed", args=["ban-do", "ban-do"]), {"year": 2022, "by": "group"}),
    (reverse("dashboard:embed", args=["so-sanh", "diem"]), {"p": ["ha-noi", "quang-ninh"]}),
    (reverse("dashboard:embed", args=["so-sanh", "hang"]), {"p": ["ha-noi", "quang-ninh"]}),
    (reverse("dashboard:embed_province", args=["ha-noi", "diem"]), {"index": "PAR_INDEX"}),
    (reverse("dashboard:embed_province", args=["ha-noi", "hang"]), {}),
    (reverse("dashboard:embed_province", args=["ha-noi", "thanh-phan"]), {}),
]
PAGES = [
    reverse("dashboard:home"),
    reverse("dashboard:rankings") + "?year=2023",
    reverse("dashboard:map") + "?year=2022",
    reverse("dashboard:compare") + "?p=ha-noi&p=quang-ninh",
    reverse("dashboard:province", args=["ha-noi"]),
]


def figure_of(html: str) -> dict:
    match = re.search(r'<script id="embed-chart-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, "no chart data in the embed"
    return json.loads(match[1])


@pytest.mark.parametrize("url, params", EMBEDS)
def test_an_embed_is_framable_by_any_site_and_draws_its_chart(client, url, params):
    response = client.get(url, params)
    assert response.status_code == 200
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" not in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]  # the rest of the policy is kept
    assert not response.has_header("X-Frame-Options")
    html = response.content.decode()
    assert figure_of(html)["data"]
    assert 'class="site-header"' not in html  # the chart alone, not the page


@pytest.mark.parametrize("page", PAGES)
def test_normal_pages_are_never_framed(client, page):
    response = client.get(page)
    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@override_settings(CCHC_CACHE_IN_TRANSACTIONS=True)
def test_a_cached_embed_stays_framable_and_a_cached_page_does_not(client):
    cache.clear()
    url, params = EMBEDS[2]
    first, second = client.get(url, params), client.get(url, params)
    assert first.content == second.content  # the second from the cache
    for response in (first, second):
        assert not response.has_header("X-Frame-Options")
        assert "frame-ancestors *" in response["Content-Security-Policy"]
    page = PAGES[1]
    for response in (client.get(page), client.get(page)):
        assert response["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    cache.clear()


def test_an_embed_has_title_source_coverage_and_a_link_back(client):
    url, params = EMBEDS[2]
    html = client.get(url, params).content.decode()
    assert re.search(r'id="embed-title">Điểm các đơn vị — PAR INDEX 2023<', html)
    assert "Nguồn: Bộ Nội vụ (Ministry of Home Affairs); tổng hợp: Chỉ số CCHC cấp tỉnh" in html
    page = client.get(reverse("dashboard:rankings"), params).context
    coverage = page["coverage"]
    assert f"{coverage.with_any}/{coverage.units_total} đơn vị có số liệu" in html
    back = re.search(r'id="embed-back" href="([^"]+)"', html)[1].replace("&amp;", "&")
    assert back == "http://testserver/xep-hang/?year=2023&region=dong-nam-bo"
    assert 'data-export="diem-par-index-2023-dong-nam-bo"' in html
    assert 'data-source="Nguồn: Bộ Nội vụ' in html


def test_a_province_embed_counts_years_and_the_compare_embed_units(client):
    html = client.get(reverse("dashboard:embed_province", args=["ha-noi", "diem"])).content.decode()
    assert re.search(r"\d+/\d+ năm có số liệu", html)
    html = client.get(reverse("dashboard:embed", args=["so-sanh", "diem"]), {"p": ["ha-noi", "quang-ninh"]})
    assert "2/2 đơn vị có số liệu" in html.content.decode()


def test_the_embed_is_the_same_chart_as_the_page(client):
    params = {"year": 2023, "region": "dong-nam-bo"}
    page = client.get(reverse("dashboard:rankings"), params).context
    html = client.get(reverse("dashboard:embed", args=["xep-hang", "diem"]), params).content.decode()
    assert figure_of(html)["data"] == json.loads(json.dumps(page["chart"]["data"], default=float))


def test_an_english_embed_speaks_english(client):
    with translation.override("en"):
        url = reverse("dashboard:embed", args=["xep-hang", "diem"])
    assert url.startswith("/en/")
    html = client.get(url, {"year": 2023}).content.decode()
    assert '<html lang="en">' in html
    assert "Source: " in html and "units with figures" in html


@pytest.mark.parametrize(
    "url",
    [
        reverse("dashboard:embed", args=["xep-hang", "khong-co"]),
        reverse("dashboard:embed", args=["khong-co", "diem"]),
        reverse("dashboard:embed", args=["tinh", "diem"]),  # a unit's chart needs the unit
        reverse("dashboard:embed_province", args=["khong-co-tinh-nay", "diem"]),
    ],
)
def test_an_unknown_embed_is_a_404(client, url):
    assert client.get(url).status_code == 404


def test_a_bad_filter_is_a_clear_400(client):
    response = client.get(reverse("dashboard:embed", args=["ban-do", "ban-do"]), {"year": "abc"})
    assert response.status_code == 400
    assert "abc" in response.content.decode()


def test_a_merged_unit_s_embed_goes_to_the_unit_continuing_it(client):
    response = client.get(reverse("dashboard:embed_province", args=["ha-noi-truoc-2025", "diem"]))
    assert response.status_code == 301
    assert response["Location"] == reverse("dashboard:embed_province", args=["ha-noi", "diem"])


def test_embeds_never_hold_a_draft_even_for_ministry_staff(client, ministry_user):
    """A framed chart is public: built as the anonymous viewer, whoever's browser loads it."""
    edition = Edition.objects.get(index__code="PAR_INDEX", year=2024, is_synthetic=False)
    Edition.objects.filter(pk=edition.pk).update(status=Status.DRAFT)
    client.force_login(ministry_user)
    assert client.get(reverse("dashboard:rankings"), {"year": 2024}).status_code == 200  # the page: yes
    assert client.get(reverse("dashboard:embed", args=["xep-hang", "diem"]), {"year": 2024}).status_code == 400
    assert client.get(reverse("dashboard:embed", args=["ban-do", "ban-do"]), {"year": 2024}).status_code == 404
    html = client.get(reverse("dashboard:embed_province", args=["ha-noi", "diem"])).content.decode()
    years = figure_of(html)["data"][0]["x"]
    assert 2024 not in years and 2023 in years
    page = client.get(reverse("dashboard:province", args=["ha-noi"])).content.decode()  # the page: yes
    chart = re.search(r'id="score-chart-data" type="application/json">(.*?)</script>', page, re.S)[1]
    assert 2024 in json.loads(chart)["data"][0]["x"]


@pytest.mark.parametrize("page", PAGES)
def test_normal_pages_show_the_embed_code_of_each_chart(client, page):
    html = client.get(page).content.decode()
    charts = re.findall(r'class="plot" id="([^"]+)"', html)
    codes = re.findall(r'&lt;iframe src="(http://testserver/nhung/[^"]+)"', html)
    assert charts and len(codes) == len(charts), (charts, codes)
    for code in codes:
        src = code.replace("&amp;amp;", "&").replace("&amp;", "&")
        response = client.get(src)
        assert response.status_code == 200, src
        assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert len(re.findall(r'data-export="[a-z0-9-]+"', html)) == len(charts)
