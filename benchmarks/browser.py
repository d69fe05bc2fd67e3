"""What a visitor's browser does with each page: ``.venv/bin/python -m benchmarks.browser``.

Headless Debian Chromium (Playwright, ``executable_path=/usr/bin/chromium``), the CPU slowed 4x through the
DevTools protocol (``Emulation.setCPUThrottlingRate``), a cold first visit each run (a new browser context:
empty HTTP cache), the median of 5 runs per page. Per page it prints:

- **first paint**: ``performance.getEntriesByType("paint")`` (``first-paint``), ms after navigation start;
- **charts drawn**: when every chart in the first viewport is drawn: the time of the last change made
  inside those charts (a MutationObserver installed before the page's scripts: Plotly's drawing, or the
  parser inserting the server's still picture, dashboard/sketch.py), and never before the first contentful
  paint (a picture in the HTML is seen when the page paints), read once the page has settled. ``—`` when no
  chart is in view;
- **long tasks**: the total duration of main-thread tasks over 50 ms (``PerformanceObserver('longtask')``,
  buffered), until the page has settled;
- **interactive on first use**: for a page whose first chart in view is a still picture, the pointer is
  then moved onto it, as a visitor does, and the time until Plotly (loaded then, cold) has drawn it in its
  place is measured, with the long tasks this adds.

Server: by default a fresh ``manage.py runserver --noreload`` (DEBUG off, static files collected and served
compressed by WhiteNoise, as in production) on ``benchmarks/out/browser.sqlite3``, bootstrapped with the real
data on first use; every page is requested once before measuring, so the page cache is warm and the
numbers are the browser's. ``--url http://127.0.0.1:8000`` measures a server already running instead.

Options: ``--runs 5``, ``--rate 4``, ``--width 1280 --height 800`` (``--phone``: 390x844), ``--pages about
province ...``, ``--json out.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking"]

PAGES = {
    "about": "/gioi-thieu-du-lieu/",
    "overview": "/",
    "rankings": "/xep-hang/?index=PAR_INDEX&year=2023",
    "province": "/tinh/quang-ninh/",
    "province-en": "/en/tinh/quang-ninh/",
    "compare": "/so-sanh/?p=quang-ninh&p=hai-phong&p=ha-noi",
    "map": "/ban-do/?index=PAR_INDEX&year=2023",
}
DEFAULT_PAGES = ["about", "overview", "rankings", "province", "compare", "map"]

# Installed before any script of the page runs.
PROBE = """
(() => {
  const bench = (window.__bench = { longtasks: 0, longtaskCount: 0, lastPlotChange: 0 });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) { bench.longtasks += e.duration; bench.longtaskCount += 1; }
    }).observe({ type: "longtask", buffered: true });
  } catch (e) {}
  const inView = (el) => {
    const r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < window.innerHeight && r.width > 0;
  };
  new MutationObserver((records) => {
    for (const rec of records) {
      const target = rec.target.nodeType === 1 ? rec.target : rec.target.parentElement;
      const plot = target && target.closest && target.closest(".plot");
      if (plot && inView(plot)) { bench.lastPlotChange = performance.now(); return; }
    }
  }).observe(document, { childList: true, subtree: true });
})();
"""

SETTLED = """
() => {
  const inView = (el) => {
    const r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < window.innerHeight && r.width > 0;
  };
  const plots = [...document.querySelectorAll(".plot")].filter(inView);
  return plots.every((p) => p.dataset.drawn || p.classList.contains("empty"));
}
"""

READ = """
() => {
  const paint = Object.fromEntries(performance.getEntriesByType("paint").map((e) => [e.name, e.startTime]));
  const inView = (el) => {
    const r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < window.innerHeight && r.width > 0;
  };
  return {
    firstPaint: paint["first-paint"] ?? null,
    firstContentfulPaint: paint["first-contentful-paint"] ?? null,
    chartsInView: [...document.querySelectorAll(".plot")].filter(inView).length,
    chartsDrawn: window.__bench.lastPlotChange
      ? Math.max(window.__bench.lastPlotChange, paint["first-contentful-paint"] ?? 0) : null,
    longTasks: window.__bench.longtasks,
    longTaskCount: window.__bench.longtaskCount,
    scrollWidth: document.documentElement.scrollWidth,
  };
}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server() -> tuple[subprocess.Popen, str]:
    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / "browser.sqlite3"
    env = dict(
        os.environ,
        DEBUG="false",
        SECRET_KEY="benchmark-only-" + "k" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=f"sqlite:///{db}",
        CACHE_URL="",
        LOG_LEVEL="ERROR",
    )
    quiet = {"cwd": ROOT, "env": env, "check": True, "stdout": subprocess.DEVNULL}
    subprocess.run([sys.executable, "manage.py", "compilemessages", "--ignore=.venv", "-v0"], **quiet)
    subprocess.run([sys.executable, "manage.py", "bootstrap"], **quiet)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], **quiet)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/gioi-thieu-du-lieu/", timeout=2)
            return server, base
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


def measure(browser, url: str, rate: float, viewport: dict) -> dict:
    context = browser.new_context(viewport=viewport, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    try:
        context.add_init_script(PROBE)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
        page.goto(url, wait_until="load")
        page.wait_for_function(SETTLED, timeout=60_000, polling=100)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1500)  # trailing relayouts and long tasks (slowed 4x)
        result = page.evaluate(READ)
        result.update(first_use(page))
        return result
    finally:
        context.close()


ARM = """
() => {
  const plot = [...document.querySelectorAll(".plot[data-drawn='sketch']")].find((el) => {
    const r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < window.innerHeight;
  });
  if (!plot) { return null; }
  const use = (window.__use = { tasks: window.__bench.longtasks, start: performance.now() });
  plot.addEventListener("cchc:chart-drawn", () => { use.end = performance.now(); }, { once: true });
  return "#" + plot.id;
}
"""


def first_use(page) -> dict:
    """Point at the first sketched chart in view; the time until Plotly has drawn it, and its long tasks."""
    selector = page.evaluate(ARM)
    if not selector:
        return {"firstUse": None, "firstUseLongTasks": None}
    page.hover(selector)
    page.wait_for_function("() => Boolean(window.__use.end)", timeout=60_000, polling=100)
    page.wait_for_timeout(1500)
    return page.evaluate(
        "() => ({firstUse: window.__use.end - window.__use.start,"
        " firstUseLongTasks: window.__bench.longtasks - window.__use.tasks})"
    )


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(ms) -> str:
    return "—" if ms is None else f"{ms / 1000:.2f}"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="measure a running server instead of starting one")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rate", type=float, default=4)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    parser.add_argument("--phone", action="store_true", help="390x844")
    parser.add_argument("--pages", nargs="*", default=DEFAULT_PAGES, choices=sorted(PAGES))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    viewport = {"width": 390, "height": 844} if args.phone else {"width": args.width, "height": args.height}

    from playwright.sync_api import sync_playwright

    server = None
    base = args.url
    if not base:
        server, base = start_server()
    try:
        for name in args.pages:  # warm the server's page cache: the numbers below are the browser's
            urllib.request.urlopen(base + PAGES[name], timeout=30).read()
        results = {}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            try:
                for name in args.pages:
                    runs = [measure(browser, base + PAGES[name], args.rate, viewport) for _ in range(args.runs)]
                    results[name] = {
                        "runs": runs,
                        "first_paint": median([r["firstPaint"] for r in runs]),
                        "charts_drawn": median([r["chartsDrawn"] for r in runs]) if runs[0]["chartsInView"] else None,
                        "long_tasks": median([r["longTasks"] for r in runs]),
                        "first_use": median([r["firstUse"] for r in runs]),
                        "first_use_long_tasks": median([r["firstUseLongTasks"] for r in runs]),
                        "charts_in_view": runs[0]["chartsInView"],
                        "scroll_width": runs[0]["scrollWidth"],
                    }
                    r = results[name]
                    print(
                        f"{name:12} first paint {fmt(r['first_paint'])} s   charts in view ({r['charts_in_view']}) "
                        f"drawn {fmt(r['charts_drawn'])} s   long tasks {fmt(r['long_tasks'])} s   "
                        f"on first use {fmt(r['first_use'])} s (long tasks {fmt(r['first_use_long_tasks'])} s)",
                        flush=True,
                    )
            finally:
                browser.close()
    finally:
        if server:
            server.terminate()
            server.wait(10)

    print()
    print(f"CPU slowed {args.rate:g}x, {viewport['width']}x{viewport['height']}, cold visit, median of {args.runs}")
    print("| page | first paint (s) | charts in view drawn (s) | long tasks (s) | interactive on first use (s) |")
    print("| --- | --- | --- | --- | --- |")
    for name, r in results.items():
        print(
            f"| {name} | {fmt(r['first_paint'])} | {fmt(r['charts_drawn'])} | {fmt(r['long_tasks'])} "
            f"| {fmt(r['first_use'])} ({fmt(r['first_use_long_tasks'])} in long tasks) |"
        )
    about, province = results.get("about"), results.get("province")
    if about and province and about["first_paint"] and province["first_paint"]:
        ratio = province["first_paint"] / about["first_paint"]
        print(f"\nprovince first paint / about first paint: {ratio:.2f} (target <= 1.3)")
        print(f"province charts drawn: {fmt(province['charts_drawn'])} s (target <= 1.0)")
        print(f"province long tasks: {fmt(province['long_tasks'])} s (target <= 0.4)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
