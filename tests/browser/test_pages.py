"""Every dashboard page in headless chromium: no console errors, charts drawn, filters in the URL, downloads.

Also takes the README screenshots (docs/screenshots/rankings.png, province.png).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import assert_chart_rendered, draw_all_charts, save_screenshot

pytestmark = pytest.mark.usefixtures("real_data")


def query_of(url):
    return parse_qs(urlsplit(url).query)


def open_page(page, live_server, path):
    response = page.goto(live_server.url + path)
    assert response.status == 200, f"{path}: HTTP {response.status}"
    return page


def test_overview_draws_the_distribution_and_the_map(page, live_server):
    open_page(page, live_server, "/")
    assert_chart_rendered(page, "#distribution-chart")
    # Published data covers 5-25 of 63 units a year: too few for a box (figures.enough_units), so every
    # year is drawn as its sourced units, one labelled point each, and no box pretends to a distribution.
    traces = page.evaluate("() => document.querySelector('#distribution-chart').data")
    assert [t["type"] for t in traces] == ["scatter"]
    drawn = page.locator("#distribution-chart .scatterlayer .point")
    drawn.first.wait_for()
    assert drawn.count() == len(traces[0]["y"]) > 0
    assert page.locator("#distribution-chart .boxlayer path.box").count() == 0
    assert_chart_rendered(page, "#overview-map")
    page.locator("#overview-map .choroplethlocation").first.wait_for()
    assert "đơn vị có điểm" in page.locator("main").inner_text()


def test_rankings_draw_the_bar_chart_and_the_table(page, live_server):
    open_page(page, live_server, "/xep-hang/?index=PAR_INDEX&year=2023")
    assert_chart_rendered(page, "#rankings-chart")
    bars = page.locator("#rankings-chart .barlayer .point")
    rows = page.locator("#rankings-table tbody tr")
    assert rows.count() >= bars.count() > 0  # units without a score have a row but no bar
    draw_all_charts(page)
    save_screenshot(page, "rankings")


def test_changing_a_filter_updates_the_table_and_the_url(page, live_server):
    open_page(page, live_server, "/xep-hang/?index=PAR_INDEX&year=2023")
    before = page.locator("#rankings-table tbody tr").count()
    page.select_option("#id_region", "dong-bang-song-hong")
    with page.expect_navigation():
        page.get_by_role("button", name="Lọc").click()
    query = parse_qs(urlsplit(page.url).query)
    assert query["region"] == ["dong-bang-song-hong"]
    assert query["year"] == ["2023"]
    after = page.locator("#rankings-table tbody tr").count()
    assert 0 < after < before
    assert_chart_rendered(page, "#rankings-chart")
    # the same URL reproduces the view
    page.goto(page.url)
    assert page.locator("#rankings-table tbody tr").count() == after


def test_changing_the_index_drops_the_old_year(page, live_server):
    open_page(page, live_server, "/xep-hang/?index=PAR_INDEX&year=2012")
    page.select_option("#id_index", "SIPAS")
    with page.expect_navigation():
        page.get_by_role("button", name="Lọc").click()
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"index": ["SIPAS"]}
    assert "SIPAS" in page.locator("h1").inner_text()


def test_search_box_is_keyboard_usable(page, live_server):
    open_page(page, live_server, "/xep-hang/?year=2023")
    page.focus("#id_q")
    page.keyboard.type("quang ninh")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=quang+ninh" in page.url
    assert page.locator("#rankings-table tbody tr").count() == 1
    assert "Quảng Ninh" in page.locator("#rankings-table tbody").inner_text()


def test_sorting_by_a_column_header(page, live_server):
    open_page(page, live_server, "/xep-hang/?year=2023")
    with page.expect_navigation():
        page.locator("#rankings-table thead th", has_text="Tỉnh, thành phố").locator("a").click()
    assert "sort=province" in page.url
    first = page.locator("#rankings-table tbody tr th").first.inner_text()
    assert first.startswith("An Giang")


def test_the_csv_download_opens(page, live_server, tmp_path):
    open_page(page, live_server, "/xep-hang/?year=2023&region=dong-bang-song-cuu-long")
    shown = page.locator("#rankings-table tbody tr").count()
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("unit_code,era,unit_slug,unit_name,index,year,metric,value")
    assert len([line for line in lines[1:] if ",rank," in line]) == shown
    assert download.suggested_filename == "par-index-2023-dong-bang-song-cuu-long.csv"


def test_province_page_draws_trends_and_components(page, live_server):
    open_page(page, live_server, "/tinh/son-la/")
    assert_chart_rendered(page, "#score-chart")
    assert_chart_rendered(page, "#rank-chart")
    assert_chart_rendered(page, "#component-chart")
    assert page.locator("#score-chart .scatterlayer .trace").count() >= 2  # the unit + averages


def test_province_page_screenshot(page, live_server):
    open_page(page, live_server, "/tinh/quang-ninh/")
    assert_chart_rendered(page, "#score-chart")
    assert_chart_rendered(page, "#rank-chart")
    draw_all_charts(page)
    save_screenshot(page, "province")


def test_a_merged_unit_shows_its_predecessors(page, live_server):
    open_page(page, live_server, "/tinh/tp-ho-chi-minh/")
    assert_chart_rendered(page, "#score-chart")
    legend = page.locator("#score-chart .legend").text_content()
    assert "tiền thân" in legend


def test_compare_draws_both_charts(page, live_server):
    open_page(page, live_server, "/so-sanh/?p=quang-ninh-truoc-2025&p=hai-phong-truoc-2025&p=ha-noi-truoc-2025")
    assert_chart_rendered(page, "#compare-score-chart")
    assert_chart_rendered(page, "#compare-rank-chart")
    assert page.locator("#compare-score-chart .scatterlayer .trace").count() == 3


COMPARE_TWO = "/so-sanh/?p=quang-ninh-truoc-2025&p=hai-phong-truoc-2025"


def chosen_units(page):
    """Labels of the ticked units in the picker's list, in order."""
    boxes = page.locator("#compare-chosen input[name=p]:checked")
    return [box.locator("xpath=..").inner_text().strip() for box in boxes.all()]


def test_compare_adds_a_unit_typed_without_diacritics(page, live_server):
    open_page(page, live_server, COMPARE_TWO)
    page.fill("#id_them", "Bac Lieu")  # no suggestion picked: the server resolves the name
    with page.expect_navigation():
        page.get_by_role("button", name="So sánh", exact=True).click()
    assert query_of(page.url)["p"] == ["quang-ninh-truoc-2025", "hai-phong-truoc-2025", "bac-lieu"]
    assert "them" not in query_of(page.url)
    assert chosen_units(page)[-1] == "Bạc Liêu (trước 2025)"
    assert page.get_by_label("Bạc Liêu (trước 2025)").is_checked()
    assert page.locator("#id_them").input_value() == ""
    assert_chart_rendered(page, "#compare-score-chart")
    assert page.locator("#compare-score-chart .scatterlayer .trace").count() == 3


def test_compare_adds_a_suggestion_from_the_list_by_its_slug(page, live_server):
    open_page(page, live_server, COMPARE_TWO)
    with page.expect_response(lambda r: urlsplit(r.url).path == "/du-lieu/don-vi.json") as loaded:
        page.focus("#id_them")  # the list is fetched on first use, not with the page
    units = {u["label"]: u["slug"] for u in loaded.value.json()["units"]}
    # the option a user picks after typing "ca mau": value = the label, label = the same without diacritics
    option = page.locator('#compare-units option[label="Ca Mau"]')
    option.wait_for(state="attached")
    label = option.get_attribute("value")
    assert label == "Cà Mau"
    page.fill("#id_them", label)
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.request.redirected_from is None  # sent as p=<slug>, no lookup by name
    query = query_of(page.url)
    assert query["p"] == ["quang-ninh-truoc-2025", "hai-phong-truoc-2025", units[label]]
    assert "them" not in query
    assert chosen_units(page)[-1] == label


def test_compare_removes_a_unit_with_its_link(page, live_server):
    open_page(page, live_server, COMPARE_TWO + "&p=ha-noi-truoc-2025&index=PAR_INDEX")
    with page.expect_navigation():
        page.get_by_role("link", name="Bỏ Hải Phòng (trước 2025) khỏi so sánh").click()
    query = query_of(page.url)
    assert query["p"] == ["quang-ninh-truoc-2025", "ha-noi-truoc-2025"]
    assert query["index"] == ["PAR_INDEX"]
    assert chosen_units(page) == ["Quảng Ninh (trước 2025)", "Hà Nội (trước 2025)"]
    assert_chart_rendered(page, "#compare-score-chart")
    assert page.locator("#compare-score-chart .scatterlayer .trace").count() == 2


def test_map_draws_the_choropleth_from_local_files(page, live_server):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    open_page(page, live_server, "/ban-do/?index=PAR_INDEX&year=2015&by=group")
    assert_chart_rendered(page, "#map-chart")
    page.locator("#map-chart .choroplethlocation").first.wait_for()
    # all 63 shapes in grey underneath, plus one coloured shape per unit with a group
    held = page.locator("#map-table tbody tr .group").count()
    assert page.locator("#map-chart .choroplethlocation").count() == 63 + held
    # the shapes are a static file (hashed when collected), the same for every page and language
    assert any(re.search(r"/static/data/vn_provinces_63(\.[0-9a-f]{12})?\.geojson$", url) for url in requests)
    assert page.locator("#map-table tbody tr").count() > 0


def test_about_page(page, live_server):
    open_page(page, live_server, "/gioi-thieu-du-lieu/")
    assert page.locator("#coverage-table tbody tr").count() > 0


def test_language_switch_to_english(page, live_server):
    open_page(page, live_server, "/xep-hang/?year=2023")
    with page.expect_navigation():
        page.locator(".lang-switch").get_by_role("link", name="English").click()
    assert urlsplit(page.url).path == "/en/xep-hang/"
    assert query_of(page.url) == {"year": ["2023"]}  # the same page, the same query
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Rankings" in page.locator("h1").inner_text()
    assert re.search(r"\d+/63 units with a score", page.locator("main").inner_text())
    with page.expect_navigation():
        page.locator(".lang-switch").get_by_role("link", name="Tiếng Việt").click()
    assert urlsplit(page.url).path == "/xep-hang/"
    assert page.locator("html").get_attribute("lang") == "vi"
