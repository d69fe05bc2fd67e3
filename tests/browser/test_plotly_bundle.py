"""The committed partial Plotly bundle draws every trace type the dashboard uses.

Independent of Django: a loopback http.server serves the committed files, so this
runs (and guards static/vendor/plotly/) even before any page exists. Through the
``page`` fixture each test also fails on a console error or an off-site request --
which is how the "map must not fetch topojson from cdn.plot.ly" rule is enforced.
"""

from __future__ import annotations

import functools
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .conftest import REPO_ROOT, assert_chart_rendered

BUNDLE = REPO_ROOT / "static" / "vendor" / "plotly" / "plotly-cchc.min.js"
GEOJSON = REPO_ROOT / "provinces" / "data" / "vn_provinces_63.geojson"
FIXTURE_URL = "/tests/browser/plotly_fixture.html"

# The trace types the bundle is built with (tools/plotly-bundle/index.js).
DASHBOARD_TRACES = ["bar", "box", "choropleth", "scatter"]


class _RepoFilesHandler(SimpleHTTPRequestHandler):
    """Serve only what the fixture page needs, not the whole checkout."""

    SERVED_PREFIXES = ("/static/", "/provinces/data/", FIXTURE_URL)
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".geojson": "application/geo+json"}

    def do_GET(self):
        if not self.path.startswith(self.SERVED_PREFIXES):
            self.send_error(404)
            return
        super().do_GET()

    def log_message(self, format, *args):  # keep pytest output clean
        pass


@pytest.fixture(scope="module")
def static_server():
    """Base URL of a loopback server rooted at the repository."""
    handler = functools.partial(_RepoFilesHandler, directory=str(REPO_ROOT))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def bundle_page(page, static_server):
    assert BUNDLE.is_file(), f"{BUNDLE} missing: run tools/plotly-bundle/build.sh"
    page.goto(static_server + FIXTURE_URL)
    page.wait_for_function("() => window.Plotly && typeof Plotly.newPlot === 'function'")
    return page


def new_plot(page, data, layout=None, config=None):
    """Plotly.newPlot into #chart and wait for its promise (rejections raise here)."""
    page.evaluate(
        "([data, layout, config]) => Plotly.newPlot('chart', data, layout, config).then(() => null)",
        [data, layout or {}, config or {}],
    )
    return assert_chart_rendered(page, "#chart")


def test_bundle_registers_only_dashboard_traces(bundle_page):
    traces = bundle_page.evaluate("() => Object.keys(Plotly.PlotSchema.get().traces).sort()")
    assert traces == DASHBOARD_TRACES


def test_scatter_lines_markers_and_filled_polygon(bundle_page):
    years = [2019, 2020, 2021, 2022, 2023]
    new_plot(
        bundle_page,
        [
            {"type": "scatter", "mode": "lines+markers", "x": years, "y": [80.1, 82.4, 85.0, 84.2, 88.9]},
            # closed shape, e.g. a min-max band or a radar-like polygon
            {"type": "scatter", "mode": "lines", "fill": "toself", "x": [0, 1, 1, 0], "y": [70, 70, 90, 90]},
        ],
    )
    layer = bundle_page.locator("#chart .scatterlayer")
    assert layer.locator(".trace").count() == 2
    assert layer.locator(".trace").first.locator(".point").count() == len(years)
    assert layer.locator(".js-line").count() == 2
    fill = layer.locator(".js-fill")
    assert fill.count() == 1
    assert fill.first.get_attribute("d")


def test_horizontal_bar(bundle_page):
    provinces = ["Hà Nội", "Huế", "Đà Nẵng", "Cần Thơ", "Quảng Ninh"]
    new_plot(
        bundle_page,
        [{"type": "bar", "orientation": "h", "y": provinces, "x": [91.2, 88.0, 93.5, 85.1, 94.0]}],
    )
    bars = bundle_page.locator("#chart .barlayer .point path")
    assert bars.count() == len(provinces)
    # horizontal: the longest bar is wider than it is tall
    box = bars.nth(4).bounding_box()
    assert box["width"] > box["height"]


def test_box(bundle_page):
    new_plot(
        bundle_page,
        [
            {"type": "box", "name": "2023", "y": [70, 75, 80, 82, 85, 88, 90, 95]},
            {"type": "box", "name": "2024", "y": [72, 78, 81, 84, 86, 89, 92, 96]},
        ],
    )
    assert bundle_page.locator("#chart .boxlayer path.box").count() == 2


def test_choropleth_of_63_provinces_stays_on_site(bundle_page, static_server):
    geojson = json.loads(GEOJSON.read_text(encoding="utf-8"))
    codes = [f["properties"]["code"] for f in geojson["features"]]
    assert len(codes) == 63

    topojson_requests = []
    bundle_page.on("request", lambda r: topojson_requests.append(r.url) if "topojson" in r.url else None)

    # The GeoJSON is fetched by the page (as the site does), not inlined, so the
    # browser parses the real file.
    bundle_page.evaluate(
        """async ([url, codes]) => {
            const geojson = await (await fetch(url)).json();
            await Plotly.newPlot('chart', [{
                type: 'choropleth', geojson, featureidkey: 'properties.code',
                locations: codes, z: codes.map((c, i) => i),
            }], {geo: {fitbounds: 'locations', visible: false}});
        }""",
        [static_server + "/provinces/data/vn_provinces_63.geojson", codes],
    )
    assert_chart_rendered(bundle_page, "#chart")
    paths = bundle_page.locator("#chart .choroplethlocation")
    assert paths.count() == 63
    assert all(d for d in paths.evaluate_all("ps => ps.map(p => p.getAttribute('d'))"))

    # Plotly still loads a world topojson for a custom-geojson choropleth
    # (locationmode "geojson-id"); the bundle's default topojsonURL keeps it local.
    # The page fixture would already fail on a cdn.plot.ly request; this pins the
    # mechanism so a plotly upgrade that changes it is noticed.
    local_topojson = static_server + "/static/vendor/plotly/topojson/"
    assert bundle_page.evaluate("() => document.getElementById('chart')._context.topojsonURL") == local_topojson
    assert topojson_requests == [local_topojson + "world_110m.json"]
