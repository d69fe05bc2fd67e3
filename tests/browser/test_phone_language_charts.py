"""Phones, languages in the URL, charts a statistician would sign, charts that do not block the page.

Also takes the README's phone screenshots (docs/screenshots/*-phone.png, 390 px wide).
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from .conftest import assert_chart_rendered, draw_all_charts, save_screenshot

pytestmark = pytest.mark.usefixtures("real_data")

PHONE = {"width": 390, "height": 844}

PAGES = {
    "overview": "/",
    "rankings": "/xep-hang/?index=PAR_INDEX&year=2023",
    "province": "/tinh/quang-ninh-truoc-2025/",
    "province-components": "/tinh/son-la-truoc-2025/",
    "compare": "/so-sanh/?p=quang-ninh-truoc-2025&p=hai-phong-truoc-2025&p=ha-noi-truoc-2025",
    "map": "/ban-do/?index=PAR_INDEX&year=2023",
    "articles": "/bai-viet/",
    "about": "/gioi-thieu-du-lieu/",
    "province-en": "/en/tinh/tp-ho-chi-minh/",
}


@pytest.fixture
def phone(browser, context):
    """A monitored page (console errors fail the test) in a 390 x 844 viewport."""
    page = context.new_page()
    page.set_viewport_size(PHONE)
    return page


def figure(page, selector):
    """The figure Plotly drew (data and the layout as given)."""
    return page.evaluate(
        "sel => { const el = document.querySelector(sel); return {data: el.data, layout: el.layout}; }", selector
    )


@pytest.mark.parametrize("name", list(PAGES))
def test_no_page_scrolls_sideways_on_a_phone(phone, live_server, name):
    response = phone.goto(live_server.url + PAGES[name])
    assert response.status == 200
    draw_all_charts(phone)  # drawn charts included
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name}: the page is {width} px wide at 390 px"


def test_on_a_phone_the_rankings_start_on_the_first_screen_under_short_headers(phone, live_server):
    """The filters sit two to a row so that the coverage line is on the first screen, and a long component
    name in the table's header wraps into a few lines, not a column of words."""
    phone.goto(live_server.url + "/xep-hang/")
    coverage_top = phone.locator("main p.coverage").bounding_box()["y"]
    assert coverage_top < PHONE["height"] * 0.75, coverage_top
    header = phone.locator("#rankings-table thead tr").bounding_box()
    assert phone.locator("#rankings-table thead th.component").count() >= 4  # the components are in the table
    assert header["height"] < 100, header["height"]


def test_an_article_page_fits_a_phone(phone, live_server):
    phone.goto(live_server.url + "/bai-viet/")
    with phone.expect_navigation():
        phone.locator("#articles h3 a").first.click()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_phone_screenshots(phone, live_server):
    phone.goto(live_server.url + PAGES["rankings"])
    assert_chart_rendered(phone, "#rankings-chart")
    phone.evaluate("document.querySelector('.summary').scrollIntoView()")
    save_screenshot(phone, "rankings-phone", full_page=False)
    phone.goto(live_server.url + PAGES["province"])
    assert_chart_rendered(phone, "#score-chart")
    assert_chart_rendered(phone, "#rank-chart")
    phone.locator("#score-chart").scroll_into_view_if_needed()
    phone.evaluate("document.querySelector('h2').scrollIntoView()")
    save_screenshot(phone, "province-phone", full_page=False)
    phone.goto(live_server.url + PAGES["map"])
    assert_chart_rendered(phone, "#map-chart")
    phone.locator("#map-chart .choroplethlocation").first.wait_for()
    phone.evaluate("document.querySelector('figure.chart').scrollIntoView()")
    save_screenshot(phone, "map-phone", full_page=False)


def test_the_map_uses_the_phones_width(phone, live_server):
    phone.goto(live_server.url + PAGES["map"])
    assert_chart_rendered(phone, "#map-chart")
    phone.locator("#map-chart .choroplethlocation").first.wait_for()
    box = phone.evaluate(
        """() => { const r = document.querySelector('#map-chart .geo .choroplethlayer').getBoundingClientRect();
                   return {width: r.width, height: r.height}; }"""
    )
    assert box["width"] >= 200, box  # the whole country, islands included, over most of the width


def test_legend_and_mode_bar_do_not_overlap(phone, live_server):
    phone.goto(live_server.url + PAGES["province"])
    assert_chart_rendered(phone, "#score-chart")
    phone.hover("#score-chart .nsewdrag")  # the mode bar shows on hover (a tap on a phone)
    boxes = phone.evaluate(
        """() => { const box = (s) => { const e = document.querySelector(s); if (!e) return null;
                     const r = e.getBoundingClientRect();
                     return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
                   return {legend: box('#score-chart .legend'), modebar: box('#score-chart .modebar'),
                           plot: box('#score-chart .nsewdrag')}; }"""
    )
    legend, plot = boxes["legend"], boxes["plot"]
    assert legend["top"] >= plot["bottom"], boxes  # the legend lies below the plot area
    if boxes["modebar"]:
        assert boxes["modebar"]["bottom"] <= legend["top"], boxes


@pytest.mark.parametrize(
    ("page_name", "chart"),
    [("province", "#score-chart"), ("rankings", "#rankings-chart"), ("overview", "#distribution-chart")],
    ids=["legend", "axis", "rotated-ticks"],
)
def test_the_charts_source_line_overlaps_neither_legend_nor_axis_title(phone, live_server, page_name, chart):
    phone.goto(live_server.url + PAGES[page_name])
    assert_chart_rendered(phone, chart)
    phone.wait_for_selector(f'{chart}[data-drawn="1"]')  # laid out again if the source line was in the way
    boxes = phone.evaluate(
        """(chart) => { const box = (e) => { if (!e) return null; const r = e.getBoundingClientRect();
                          return r.height ? {top: r.top, bottom: r.bottom, left: r.left, right: r.right} : null; };
                        const source = [...document.querySelectorAll(chart + ' .annotation')]
                          .find((a) => a.textContent.startsWith('Nguồn'));
                        return {source: box(source), legend: box(document.querySelector(chart + ' .legend')),
                                chart: box(document.querySelector(chart)),
                                title: box(document.querySelector(chart + ' .g-xtitle text'))}; }""",
        chart,
    )
    assert boxes["source"], boxes  # the PNG export carries it, so it is on the chart
    for other in (boxes["legend"], boxes["title"]):
        if other:
            assert other["bottom"] <= boxes["source"]["top"], boxes  # above the source line, not under it
    # the whole line is on the chart, from its left edge: broken in two on a phone rather than cut off
    assert boxes["chart"]["left"] <= boxes["source"]["left"] < boxes["chart"]["left"] + 10, boxes
    assert boxes["source"]["right"] <= boxes["chart"]["right"], boxes


def test_quotes_open_on_tap(phone, live_server):
    phone.goto(live_server.url + PAGES["province"])
    sources = phone.locator("#series-tables details.sources").first
    sources.locator("> summary").click()
    quote = sources.locator("details.quote").first
    assert not quote.locator("blockquote").is_visible()
    quote.locator("summary").click()
    assert quote.locator("blockquote").is_visible()
    assert len(quote.locator("blockquote").inner_text()) > 10


# Language in the URL ----------------------------------------------------------------------


def test_an_english_link_opens_in_english_with_decimal_points(page, live_server):
    page.goto(live_server.url + "/en/xep-hang/?index=PAR_INDEX&year=2023")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Rankings" in page.locator("h1").inner_text()
    assert_chart_rendered(page, "#rankings-chart")
    fig = figure(page, "#rankings-chart")
    assert fig["layout"]["separators"] == ".,"
    assert all("," not in t and "." in t for t in fig["data"][0]["text"])
    ticks = page.locator("#rankings-chart .xtick text").all_text_contents()
    assert "0" in ticks  # the bars start at zero
    # links keep the language
    assert page.locator(".site-header nav a").first.get_attribute("href") == "/en/"
    hrefs = page.locator("#rankings-table tbody th a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs[0].startswith("/en/tinh/") and all(h.startswith("/en/") for h in hrefs), hrefs


def test_vietnamese_pages_stay_at_their_urls_with_decimal_commas(page, live_server):
    page.goto(live_server.url + "/xep-hang/?index=PAR_INDEX&year=2023")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert_chart_rendered(page, "#rankings-chart")
    fig = figure(page, "#rankings-chart")
    assert fig["layout"]["separators"] == ",."
    assert all("," in t and "." not in t for t in fig["data"][0]["text"])
    alternates = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('link[rel=alternate][hreflang]')]
                   .map(l => [l.hreflang, new URL(l.href).pathname + new URL(l.href).search]))"""
    )
    assert alternates == {
        "vi": "/xep-hang/?index=PAR_INDEX&year=2023",
        "x-default": "/xep-hang/?index=PAR_INDEX&year=2023",
        "en": "/en/xep-hang/?index=PAR_INDEX&year=2023",
    }


def test_the_english_map_and_compare_fetch_their_data_under_en(page, live_server):
    urls = []
    page.on("request", lambda r: urls.append(urlsplit(r.url).path))
    page.goto(live_server.url + "/en/ban-do/?index=PAR_INDEX&year=2023")
    assert_chart_rendered(page, "#map-chart")
    page.locator("#map-chart .choroplethlocation").first.wait_for()
    assert any(u.startswith("/static/data/vn_provinces_63") for u in urls)  # shapes: one static file, any language
    page.goto(live_server.url + "/en/so-sanh/?p=quang-ninh-truoc-2025")
    with page.expect_response(lambda r: urlsplit(r.url).path == "/en/du-lieu/don-vi.json") as loaded:
        page.focus("#id_them")
    assert {"slug": "bac-lieu", "label": "Bạc Liêu (before 2025)"} in loaded.value.json()["units"]


# Charts a statistician would sign -----------------------------------------------------------


def test_rank_axes_are_whole_numbers_from_1_at_the_top_to_the_units_ranked(page, live_server):
    page.goto(live_server.url + "/tinh/quang-ninh-truoc-2025/")
    assert_chart_rendered(page, "#rank-chart")
    axis = figure(page, "#rank-chart")["layout"]["yaxis"]
    assert axis["range"] == [63.5, 0.5]  # reversed: 1 at the top
    assert axis["tickvals"][0] == 1 and axis["tickvals"][-1] == 63
    labels = page.locator("#rank-chart .ytick text").all_text_contents()
    assert labels and all(label.isdigit() for label in labels), labels  # no 58,5 nor 0
    assert "0" not in labels


def test_compare_ranks_are_whole_numbers_too(page, live_server):
    page.goto(live_server.url + PAGES["compare"])
    assert_chart_rendered(page, "#compare-rank-chart")
    labels = page.locator("#compare-rank-chart .ytick text").all_text_contents()
    assert labels and all(label.isdigit() for label in labels), labels
    assert figure(page, "#compare-rank-chart")["layout"]["yaxis"]["range"][1] == 0.5


def test_source_ranks_print_as_whole_numbers(page, live_server):
    page.goto(live_server.url + "/tinh/quang-ninh-truoc-2025/")
    text = page.locator("#series-tables").inner_text()
    assert "1,00" not in text and "63,00" not in text


# Charts that do not block -------------------------------------------------------------------


def test_plotly_loads_only_when_a_chart_nears_the_viewport(page, live_server):
    requests = []
    page.on("request", lambda r: requests.append(urlsplit(r.url).path))
    page.set_viewport_size({"width": 1280, "height": 500})
    page.goto(live_server.url + PAGES["compare"] + "&p=bac-lieu")
    page.wait_for_load_state("networkidle")
    bundle = [u for u in requests if u.endswith("plotly-cchc.min.js")]
    if page.evaluate("document.querySelector('#compare-score-chart').getBoundingClientRect().top > 1000"):
        assert not bundle and page.evaluate("typeof window.Plotly") == "undefined"
    assert_chart_rendered(page, "#compare-score-chart")
    assert page.locator("#compare-score-chart").get_attribute("data-drawn") == "1"
    draw_all_charts(page)
    assert len([u for u in requests if u.endswith("plotly-cchc.min.js")]) == 1  # loaded once


def test_a_page_without_charts_in_view_does_not_load_plotly(page, live_server):
    requests = []
    page.on("request", lambda r: requests.append(urlsplit(r.url).path))
    page.goto(live_server.url + "/")  # the overview's charts are below the first screen
    page.wait_for_load_state("networkidle")
    far = page.evaluate(
        "() => [...document.querySelectorAll('.plot')].every(p => p.getBoundingClientRect().top > innerHeight + 300)"
    )
    if far:
        assert not any(u.endswith("plotly-cchc.min.js") for u in requests)
    assert_chart_rendered(page, "#distribution-chart")


def _sketch_state(page, selector):
    return page.evaluate(
        """(sel) => {
          const plot = document.querySelector(sel);
          const lines = plot.querySelectorAll(".sketch-plot line:not(.sketch-grid)").length;
          const marks = plot.querySelectorAll(".sketch-plot circle, .sketch-plot svg path").length;
          return {drawn: plot.dataset.drawn, lines, marks, plotly: typeof window.Plotly,
                  width: plot.querySelector(".sketch-plot").getBoundingClientRect().width,
                  plotWidth: plot.getBoundingClientRect().width};
        }""",
        selector,
    )


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, PHONE], ids=["desktop", "phone"])
def test_a_line_chart_is_a_picture_at_first_paint_and_becomes_interactive_on_use(page, live_server, viewport):
    requests = []
    page.on("request", lambda r: requests.append(urlsplit(r.url).path))
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/tinh/quang-ninh/")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    # the score chart is in the first screen, drawn by the server: lines, markers, no Plotly fetched
    state = _sketch_state(page, "#score-chart")
    assert state["drawn"] == "sketch" and state["plotly"] == "undefined"
    assert state["lines"] > 5 and state["marks"] > 5
    assert state["width"] > state["plotWidth"] * 0.7  # the plot takes the width, whatever the screen
    assert not any(u.endswith("plotly-cchc.min.js") for u in requests)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    # years on the x axis, the Vietnamese axis title, the legend naming the unit and the averages
    assert page.locator("#score-chart .sketch-x text", has_text="2023").count() == 1
    assert page.locator("#score-chart .sketch-legend li", has_text="Quảng Ninh").count() == 1
    assert page.locator("#score-chart .sketch-legend li", has_text="Trung bình cả nước").count() >= 1
    # pointing at it loads Plotly once and draws the interactive chart in the picture's place
    page.hover("#score-chart")
    page.locator("#score-chart svg.main-svg").first.wait_for()
    assert page.locator("#score-chart").get_attribute("data-drawn") == "1"
    assert page.locator("#score-chart .sketch").count() == 0
    # the keyboard reaches the next chart and focusing it is use too
    page.focus("#rank-chart")
    page.locator("#rank-chart svg.main-svg").first.wait_for()
    assert len([u for u in requests if u.endswith("plotly-cchc.min.js")]) == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_the_english_picture_speaks_english(page, live_server):
    page.goto(live_server.url + "/en/tinh/quang-ninh/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#score-chart").get_attribute("data-drawn") == "sketch"
    assert page.locator("#score-chart .sketch-y .sketch-title").text_content() == "Score"
    assert page.locator("#score-chart .sketch-legend li", has_text="National average").count() >= 1


def _picture(page, url, selector):
    """The chart ``selector`` of the page at ``url``, checked to be the server's picture with no Plotly loaded."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    chart = page.locator(selector)
    assert chart.get_attribute("data-drawn") == "sketch"
    assert page.evaluate("typeof window.Plotly") == "undefined"
    return chart


def test_the_rankings_bars_are_a_picture_that_fits_a_phone(phone, live_server):
    chart = _picture(phone, live_server.url + PAGES["rankings"], "#rankings-chart")
    bars = chart.locator(".sketch-bar")
    figure = json.loads(phone.locator("#rankings-chart-data").text_content())
    assert bars.count() == len(figure["data"][0]["x"]) > 5  # one bar per unit with a score
    widths = [
        b["width"] for b in chart.locator(".sketch-bar").evaluate_all("els => els.map(e => e.getBoundingClientRect())")
    ]
    assert max(widths) > 150  # the bars use the phone's width
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_chart_rendered(phone, "#rankings-chart")  # a tap (the pointer here) brings the interactive chart
    assert chart.locator(".sketch").count() == 0


def test_the_map_is_a_picture_of_every_province_that_fits_a_phone(phone, live_server):
    chart = _picture(phone, live_server.url + PAGES["map"], "#map-chart")
    assert chart.locator(".sketch-map path").count() == 63
    box = chart.locator(".sketch-map").bounding_box()
    assert box["width"] >= 300 and box["height"] >= 300  # the country over the phone's width
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # the units with a 2023 score are coloured, the others grey with "no data" in their tooltip
    figure = json.loads(phone.locator("#map-chart-data").text_content())
    coloured = chart.locator(".sketch-map path:not([fill='#e5e7eb'])").count()
    assert coloured == len(set(figure["data"][0]["locations"])) > 5
    assert_chart_rendered(phone, "#map-chart")
