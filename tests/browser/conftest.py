"""Browser tests: Playwright (sync API) driving Debian's chromium.

Fixtures
    browser  (session)  playwright ``Browser``; skips/fails when chromium is absent
    context  (function) fresh ``BrowserContext`` (vi-VN, Asia/Ho_Chi_Minh, 1280x800)
    page     (function) a page in ``context``; the test FAILS afterwards if any page
                        of the context logged a console error / threw an uncaught
                        exception, or requested anything outside this machine.

Helpers (plain functions, ``from tests.browser.conftest import ...``)
    assert_chart_rendered(page, selector, timeout=...)  -> Locator of the svg (scrolls the chart into view:
                                                           charts are drawn when they near the viewport)
    draw_all_charts(page)                               scroll every chart into view (pointing at the still
                                                           pictures), wait until Plotly has drawn all
    save_screenshot(page, name, full_page=True)         -> Path of the PNG

Markers
    every test under tests/browser/ gets ``browser`` (``-m "not browser"`` skips them);
    ``@pytest.mark.allow_console_errors("regex", ...)`` tolerates matching console
    errors (all of them when given no pattern), e.g. for a test of a 404 page.
    Off-site requests are never tolerated.

Django pages: use pytest-django's ``live_server`` fixture and ``page.goto(live_server.url + path)``.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an asyncio event loop in the test thread. Django sees
# that running loop and raises SynchronousOnlyOperation ("You cannot call this from
# an async context") as soon as a test or fixture touches the ORM, e.g. to create
# rows before opening a page. The loop is Playwright's, not ours: nothing here runs
# Django code concurrently, so the check is a false positive and is switched off.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BROWSER_DIR = Path(__file__).resolve().parent
REPO_ROOT = BROWSER_DIR.parent.parent
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", REPO_ROOT / "docs" / "screenshots"))

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # containers/CI run as root, where chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # No update checks, component downloads or sync: the browser itself must not
    # talk to Google while we assert that pages fetch nothing from outside.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Docker's default 64 MB /dev/shm is too small for chromium's renderer.
    "--disable-dev-shm-usage",
]

# Requests to these hosts are "on site": live_server and the test's own static
# server both listen on loopback.
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
# Schemes that never touch the network.
LOCAL_SCHEMES = {"data", "blob", "about", "chrome-extension", "chrome", "devtools"}


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: end-to-end test in headless chromium (tests/browser)")
    config.addinivalue_line(
        "markers",
        "allow_console_errors(*patterns): tolerate console errors matching any regex (all if none given)",
    )


def pytest_collection_modifyitems(config, items):
    # This hook sees the whole session's items, not only this directory's.
    for item in items:
        if BROWSER_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium. Skips when it is missing, unless CI is set."""
    reason = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - depends on the environment
        reason = f"playwright is not installed ({exc})"
    if reason is None and not (os.path.isfile(CHROMIUM_PATH) or shutil.which(CHROMIUM_PATH)):
        reason = f"chromium not found at {CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)"
    if reason:
        # On CI a missing browser is a broken pipeline, not a reason to go green.
        if _ci():
            pytest.fail(f"CI is set but {reason}", pytrace=False)
        pytest.skip(reason)

    with sync_playwright() as pw:
        # Never a Playwright-downloaded browser: the system one, by path.
        browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# --------------------------------------------------------------- network/console monitor


@dataclass
class BrowserProblems:
    """What the pages of one context did wrong, collected from Playwright events."""

    console_errors: list[str] = field(default_factory=list)
    offsite_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def report(self, allowed_error_patterns=None) -> str:
        errors = self.console_errors
        if allowed_error_patterns is not None:
            if not allowed_error_patterns:  # marker without arguments: allow all
                errors = []
            else:
                errors = [e for e in errors if not any(re.search(p, e) for p in allowed_error_patterns)]
        parts = []
        if errors:
            parts.append("console errors:\n" + "\n".join(f"  {e}" for e in errors))
        if self.offsite_requests:
            parts.append(
                "requests to hosts other than the local server (blocked):\n"
                + "\n".join(f"  {u}" for u in self.offsite_requests)
            )
        if parts and self.failed_requests:
            # Context only: a failed request alone does not fail the test (navigation
            # aborts are normal), but it usually explains a console error.
            parts.append("failed requests:\n" + "\n".join(f"  {r}" for r in self.failed_requests))
        return "\n".join(parts)


def is_offsite(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return False
    return (parts.hostname or "") not in LOCAL_HOSTS


_PROBLEMS = pytest.StashKey[BrowserProblems]()


@pytest.fixture
def context(browser, request):
    """A fresh browser context whose pages are all monitored (see ``page``)."""
    ctx = browser.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": 1280, "height": 800},
    )
    ctx.set_default_timeout(15_000)
    problems = BrowserProblems()
    request.node.stash[_PROBLEMS] = problems

    def on_console(msg):
        if msg.type == "error":
            loc = msg.location or {}
            where = f" ({loc.get('url')}:{loc.get('lineNumber')})" if loc.get("url") else ""
            problems.console_errors.append(f"{msg.text}{where}")

    def on_weberror(web_error):  # uncaught exception / unhandled rejection in a page
        problems.console_errors.append(f"uncaught: {web_error.error}")

    def on_requestfailed(req):
        problems.failed_requests.append(f"{req.method} {req.url}: {req.failure}")

    def on_websocket(ws):  # websockets bypass ctx.route(), so check them here
        if is_offsite(ws.url):
            problems.offsite_requests.append(f"WEBSOCKET {ws.url}")

    def route_guard(route):
        # Block instead of merely recording, so a regression fails fast and the
        # test never depends on (or leaks to) the outside network.
        req = route.request
        if is_offsite(req.url):
            problems.offsite_requests.append(f"{req.method} {req.url}")
            route.abort("blockedbyclient")
        else:
            route.fallback()

    ctx.on("console", on_console)
    ctx.on("weberror", on_weberror)
    ctx.on("requestfailed", on_requestfailed)
    ctx.on("page", lambda p: p.on("websocket", on_websocket))
    ctx.route("**/*", route_guard)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    """A monitored page: the test fails on console errors or off-site requests."""
    return context.new_page()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    # Runs right after the test body, so problems show up as a FAILED test (with
    # the list of offending messages) rather than as a teardown error.
    result = yield
    problems = item.stash.get(_PROBLEMS, None)
    if problems is not None:
        marker = item.get_closest_marker("allow_console_errors")
        report = problems.report(marker.args if marker else None)
        if report:
            pytest.fail("browser problems on this page:\n" + report, pytrace=False)
    return result


# --------------------------------------------------------------------------- helpers


def assert_chart_rendered(page, selector: str, timeout: float = 15_000):
    """Wait until Plotly has drawn into the container ``selector``; return the svg Locator.

    ``svg.main-svg`` is created by Plotly.newPlot once the figure is laid out, so
    its presence proves the bundle loaded and the plot call did not throw. Check
    trace layers (e.g. ``.barlayer .point``) on top of this for a specific chart.
    """
    # static/js/charts.js draws a chart (and loads Plotly) only when it nears the viewport, and a line
    # chart shown as the server's still picture only once the pointer is on it
    plot = page.locator(selector).first
    plot.scroll_into_view_if_needed(timeout=timeout)
    if plot.get_attribute("data-sketch"):
        plot.hover(timeout=timeout)
    svg = page.locator(f"{selector} svg.main-svg").first
    try:
        svg.wait_for(state="visible", timeout=timeout)
    except Exception as exc:  # playwright's TimeoutError; keep the message readable
        raise AssertionError(f"no Plotly chart (svg.main-svg) rendered in {selector!r}: {exc}") from None
    return svg


def draw_all_charts(page, timeout: float = 15_000) -> None:
    """Bring every chart of the page into view in turn and wait until Plotly has drawn each (``data-drawn``
    "1"; a still picture, ``data-drawn="sketch"``, is pointed at first, as a visitor does)."""
    for plot in page.locator(".plot[data-figure]").all():
        plot.scroll_into_view_if_needed(timeout=timeout)
        if plot.get_attribute("data-sketch"):
            plot.hover(timeout=timeout)
        page.wait_for_function("el => el.dataset.drawn === '1'", arg=plot.element_handle(), timeout=timeout)
    page.evaluate("window.scrollTo(0, 0)")


_SCREENSHOT_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def save_screenshot(page, name: str, full_page: bool = True) -> Path:
    """Save a PNG of ``page`` as docs/screenshots/<name>.png (dir overridable: SCREENSHOT_DIR).

    ``name`` is a lowercase slug such as "province-detail" (".png" optional).
    Animations are frozen so repeated runs give stable images.
    """
    stem = name.removesuffix(".png")
    if not _SCREENSHOT_NAME.match(stem):
        raise ValueError(f"screenshot name must be a lowercase slug, got {name!r}")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{stem}.png"
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    return path
