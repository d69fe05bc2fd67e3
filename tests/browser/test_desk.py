"""The officer's desk in headless chromium: desktop and phone (no sideways scroll, charts drawn), the
profile printed on one A4 page with the year's figures and sources, and the README's screenshot
(docs/screenshots/desk.png)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from provinces.models import Province
from reports.models import Citation, Result

from .conftest import assert_chart_rendered, draw_all_charts, save_screenshot

pytestmark = pytest.mark.usefixtures("real_data")

PHONE = {"width": 390, "height": 844}
UNIT = "son-la"  # today's Sơn La: its 2024 result holds component scores with published maxima


@pytest.fixture
def signed_in(context, live_server, officer_factory):
    """The browser context signed in as Sơn La's officer (the session Django's test client opens)."""
    client = Client()
    client.force_login(officer_factory(Province.objects.get(slug=UNIT)))
    cookie = client.cookies["sessionid"].value
    context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
    return context


def test_the_desk_on_a_desktop(page, signed_in, live_server):
    response = page.goto(live_server.url + f"/ban-lam-viec/{UNIT}/")
    assert response.status == 200 and "no-store" in response.headers["cache-control"]
    assert page.locator("h1").inner_text().startswith("Bàn làm việc")
    assert page.locator("#desk-gaps tbody tr").count() == 4  # four components with a maximum and a score
    assert page.locator("#desk-gaps-missing").is_visible()
    assert_chart_rendered(page, "#score-chart")
    assert_chart_rendered(page, "#rank-chart")
    page.locator("#desk-latest").scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, 0)")
    save_screenshot(page, "desk", full_page=False)


def test_the_desk_with_peers_on_a_phone(signed_in, live_server):
    phone = signed_in.new_page()
    phone.set_viewport_size(PHONE)
    for path in (f"/ban-lam-viec/{UNIT}/?peers=1", f"/en/ban-lam-viec/{UNIT}/", f"/ban-lam-viec/{UNIT}/ho-so/"):
        assert phone.goto(live_server.url + path).status == 200, path
        draw_all_charts(phone)
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
    phone.goto(live_server.url + f"/ban-lam-viec/{UNIT}/?peers=1")
    svg = assert_chart_rendered(phone, "#score-chart")
    assert svg.locator(".scatterlayer .trace").count() > 2  # the unit, the averages and the peers


def test_the_profile_prints_on_one_a4_page_with_its_figures_and_sources(page, signed_in, live_server):
    assert page.goto(live_server.url + f"/ban-lam-viec/{UNIT}/ho-so/?year=2024").status == 200
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    profile = page.locator("#profile").inner_text()
    result = Result.objects.get(
        province__slug="son-la-truoc-2025", edition__year=2024, edition__index__code="PAR_INDEX"
    )
    assert f"{result.rank}/63" in profile
    for score in result.component_scores.values_list("score", flat=True):
        assert f"{score:.2f}".replace(".", ",") in profile
    urls = set(
        Citation.objects.filter(
            state="confirmed", result__province__slug="son-la-truoc-2025", result__edition__year=2024
        )
        .exclude(article__url="")
        .values_list("article__url", flat=True)
    )
    sources = page.locator("#profile-sources").inner_text()
    assert urls and all(url in sources for url in urls)
    pdf = page.pdf(format="A4", print_background=True)
    pages = re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf)
    assert len(pages) == 1, f"the profile prints on {len(pages)} pages"
