"""Embeddable charts in chromium: a page of another origin frames an embed and its chart draws, while a
normal page refuses to be framed; the image export is named after the chart and its filters and carries
the source line."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest

from .conftest import assert_chart_rendered

pytestmark = pytest.mark.usefixtures("real_data")

EMBED = "/nhung/xep-hang/diem/?year=2023&region=dong-nam-bo"


@pytest.fixture
def other_site(tmp_path):
    """A tiny static site on another port (another origin than live_server): writes pages, returns their URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def publish(name: str, html: str) -> str:
        (tmp_path / name).write_text(html, encoding="utf-8")
        return f"http://127.0.0.1:{server.server_address[1]}/{name}"

    yield publish
    server.shutdown()
    server.server_close()


def framing(src: str) -> str:
    frame = f'<iframe src="{src}" width="900" height="560"></iframe>'
    return f"<!doctype html><html><body><h1>Other site</h1>{frame}</body></html>"


def test_another_site_frames_the_embed_and_its_chart_draws(page, live_server, other_site):
    url = other_site("embed.html", framing(live_server.url + EMBED))
    assert not url.startswith(live_server.url)  # another origin
    page.goto(url)
    frame = page.frame_locator("iframe")
    # the chart is in the framed page from the start, as a picture; pointing at it brings Plotly's
    assert frame.locator("#embed-chart .sketch-bar").count() > 0
    frame.locator("#embed-chart").hover()
    frame.locator("#embed-chart svg.main-svg").first.wait_for(state="visible", timeout=20_000)
    assert frame.locator("#embed-chart .barlayer .point, #embed-chart .scatterlayer .point").count() > 0
    assert "Nguồn: Bộ Nội vụ" in frame.locator("#embed-source").inner_text()
    assert "/xep-hang/?year=2023&region=dong-nam-bo" in frame.locator("#embed-back").get_attribute("href")


@pytest.mark.allow_console_errors("frame-ancestors", "Refused to (display|frame)")
def test_another_site_cannot_frame_a_normal_page(page, live_server, other_site):
    url = other_site("page.html", framing(live_server.url + "/xep-hang/?year=2023"))
    page.goto(url)  # waits for the load event, which waits for the frame
    framed = page.frames[1]
    assert framed.locator(".site-header").count() == 0  # blocked: nothing of the page is shown


def test_the_image_export_is_named_after_the_chart_and_carries_the_source(page, live_server, tmp_path):
    page.goto(live_server.url + EMBED)
    svg = assert_chart_rendered(page, "#embed-chart")
    # the source line is drawn into the chart itself, so the PNG carries it
    assert page.locator("#embed-chart .annotation-text", has_text="Nguồn: Bộ Nội vụ").count() == 1
    svg.hover()
    with page.expect_download() as info:
        page.locator("#embed-chart .modebar-btn[data-title*='png' i]").first.click()
    download = info.value
    assert download.suggested_filename == "diem-par-index-2023-dong-nam-bo.png"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_normal_page_s_chart_exports_under_its_name_and_shows_the_embed_code(page, live_server):
    page.goto(live_server.url + "/ban-do/?year=2022")
    assert_chart_rendered(page, "#map-chart")
    page.locator("#map-chart").hover()
    with page.expect_download() as info:
        page.locator("#map-chart .modebar-btn[data-title*='png' i]").first.click()
    assert info.value.suggested_filename == "ban-do-par-index-2022.png"
    assert page.locator("#map-chart .annotation-text", has_text="Nguồn: Bộ Nội vụ").count() == 1
    page.locator("details.embed-code summary").first.click()
    code = page.locator("details.embed-code textarea").first.input_value()
    assert code.startswith('<iframe src="' + live_server.url + "/nhung/ban-do/ban-do/?year=2022")
