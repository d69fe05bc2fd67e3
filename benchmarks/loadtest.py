"""Load test: ``.venv/bin/python -m benchmarks.loadtest`` (about 2 minutes).

Serves the 1x synthetic benchmark database with the production server — gunicorn -c gunicorn.conf.py
(2 sync workers, gc.freeze), DEBUG off, static files collected (hashed + compressed, served by
whitenoise), the cache in Redis when it answers at 127.0.0.1:6379 (database 15, flushed first) —
on 127.0.0.1 at a free port, and hits it with ``wrk -t2 -c32 -d20s --latency`` on: the rankings page
(warm cache), the province page, the floor view of the rankings rows (benchmarks/floor.py) and
Datasette's table page of the same rows (Datasette in its own throwaway venv under benchmarks/out/,
``-i`` immutable mode, installed with pip on first use; reported as not measured if it cannot be).
Prints requests/s, p50/p99 latency and errors (non-2xx/3xx responses + socket errors) per target,
and the ratios the targets are stated in; writes benchmarks/out/loadtest-latest.json.
Everything listens on 127.0.0.1 only and every server is stopped at the end.

``--proxy``: nginx's proxy_cache in front, at 256 connections, and the freshness of a publish and an
un-publish through it (benchmarks/proxy.py); writes benchmarks/out/loadtest-proxy-latest.json.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from benchmarks import proxy
from benchmarks.pages import INDEX, YEAR
from benchmarks.run import OUT, PYTHON, ROOT, build, collectstatic, env_for

DATASETTE_VENV = OUT / "datasette-venv"
DATASETTE_REQUIREMENT = "datasette>=0.65,<1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                response.read()
                return
        except Exception:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def redis_url() -> str:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as s:
            s.sendall(b"SELECT 15\r\nFLUSHDB\r\n")
            s.recv(100)
        return "redis://127.0.0.1:6379/15"
    except OSError:
        return ""


def parse_wrk(text: str) -> dict:
    def number(value: str, unit: str) -> float:
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]
        return float(value) * scale

    out = {"requests_per_s": None, "p50_ms": None, "p99_ms": None, "errors": 0, "non_2xx_3xx": 0, "socket_errors": 0}
    if m := re.search(r"Requests/sec:\s+([\d.]+)", text):
        out["requests_per_s"] = float(m.group(1))
    for label, key in (("50%", "p50_ms"), ("99%", "p99_ms")):
        if m := re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M):
            out[key] = number(m.group(1), m.group(2))
    if m := re.search(r"(\d+) requests in", text):
        out["requests"] = int(m.group(1))
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text):
        out["non_2xx_3xx"] = int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text):
        out["socket_errors"] = sum(int(g) for g in m.groups())
    out["errors"] = out["non_2xx_3xx"] + out["socket_errors"]
    return out


def wrk(url: str, threads: int, connections: int, duration: int) -> dict:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    parsed = parse_wrk(result.stdout)
    parsed.update(url=url, command=" ".join(command))
    return parsed


def datasette_binary() -> Path | None:
    binary = DATASETTE_VENV / "bin" / "datasette"
    if binary.exists():
        return binary
    try:
        subprocess.run([sys.executable, "-m", "venv", str(DATASETTE_VENV)], check=True)
        subprocess.run(
            [str(DATASETTE_VENV / "bin" / "pip"), "install", "-q", DATASETTE_REQUIREMENT], check=True, timeout=300
        )
    except (subprocess.SubprocessError, OSError) as error:
        print(f"Datasette could not be installed ({error}): not measured", file=sys.stderr)
        shutil.rmtree(DATASETTE_VENV, ignore_errors=True)
        return None
    return binary


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--no-datasette", action="store_true")
    parser.add_argument(
        "--proxy", action="store_true", help="nginx proxy_cache in front, 256 connections (benchmarks/proxy.py)"
    )
    args = parser.parse_args()

    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    db = build([args.scale], reuse=True)[args.scale]
    collectstatic(db)
    cache_url = redis_url()
    env = env_for(db, cache_url)
    port = free_port()
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    base = f"http://127.0.0.1:{port}"
    edition_id, slug = sample(db)
    if args.proxy:
        return proxy_main(args, env, cache_url, port, edition_id, slug)

    targets = {
        "rankings": f"{base}/xep-hang/?index={INDEX}&year={YEAR}",
        "province": f"{base}/tinh/{slug}/",
        "floor": f"{base}/__floor__/edition/{INDEX}/{YEAR}/",
    }
    report = {
        "command": "python -m benchmarks.loadtest " + " ".join(sys.argv[1:]),
        "database": db.name,
        "cache": cache_url or "locmem",
        "server": "gunicorn -c gunicorn.conf.py cchc_site.wsgi (2 sync workers)",
        "results": {},
    }
    server = start_gunicorn(env)
    datasette = None
    try:
        wait_for(targets["floor"])
        for name, url in targets.items():
            wait_for(url)  # warm the cache and the worker
            wait_for(url)
            report["results"][name] = wrk(url, args.threads, args.connections, args.duration)
            print(f"{name}: {report['results'][name]}", file=sys.stderr)
        # Static: the partial Plotly bundle, compressed by whitenoise.
        report["static_check"] = static_check(base + "/xep-hang/?index=" + INDEX + f"&year={YEAR}")
    finally:
        stop(server)
    binary = None if args.no_datasette else datasette_binary()
    if binary:
        ds_port = free_port()
        datasette = subprocess.Popen(
            [str(binary), "serve", "-i", str(db), "-h", "127.0.0.1", "-p", str(ds_port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{ds_port}/{db.stem}/reports_result?edition_id={edition_id}&_sort=rank"
            wait_for(url)
            wait_for(url)
            report["results"]["datasette"] = wrk(url, args.threads, args.connections, args.duration)
            print(f"datasette: {report['results']['datasette']}", file=sys.stderr)
        finally:
            stop(datasette)
    else:
        report["results"]["datasette"] = {"not_measured": True}
    print_report(report)
    (OUT / "loadtest-latest.json").write_text(json.dumps(report, indent=1))
    print(json.dumps(report))


def sample(db: Path) -> tuple[int, str]:
    """The benchmark's edition (INDEX, YEAR) and the first real unit of today's 34 (a unit of 63 that did not
    merge redirects to it): what the pages are asked for."""
    import sqlite3

    with sqlite3.connect(db) as connection:
        edition_id = connection.execute(
            "SELECT e.id FROM reports_edition e JOIN reports_index i ON i.id = e.index_id "
            "WHERE e.is_synthetic AND i.code = ? AND e.year = ?",
            (INDEX, YEAR),
        ).fetchone()[0]
        slug = connection.execute(
            "SELECT slug FROM provinces_province WHERE era = 34 AND NOT is_synthetic ORDER BY code LIMIT 1"
        ).fetchone()[0]
    return edition_id, slug


def start_gunicorn(env: dict) -> subprocess.Popen:
    command = [str(Path(PYTHON).parent / "gunicorn"), "-c", "gunicorn.conf.py", "cchc_site.wsgi:application"]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def proxy_main(args, env: dict, cache_url: str, app_port: int, edition_id: int, slug: str) -> None:
    """gunicorn alone, then nginx's proxy_cache in front of it, at 256 connections; then the freshness check."""
    connections = 256 if args.connections == 32 else args.connections
    proxy_port = free_port()
    paths = {"rankings": f"/xep-hang/?index={INDEX}&year={YEAR}", "province": f"/tinh/{slug}/"}
    report = {
        "command": "python -m benchmarks.loadtest " + " ".join(sys.argv[1:]),
        "cache": cache_url or "locmem",
        "server": "gunicorn -c gunicorn.conf.py cchc_site.wsgi (2 sync workers)",
        "proxy": f"nginx {proxy.NGINX} proxy_cache (benchmarks/proxy.py, docs/DEPLOY.md)",
        "results": {},
    }
    server = start_gunicorn(env)
    nginx, prefix = proxy.start_nginx(proxy_port, app_port)
    try:
        for name, path in paths.items():
            for where, port in (("gunicorn", app_port), ("nginx", proxy_port)):
                url = f"http://127.0.0.1:{port}{path}"
                wait_for(url)
                wait_for(url)
                key = f"{name} ({where})"
                report["results"][key] = wrk(url, args.threads, connections, args.duration)
                print(f"{key}: {report['results'][key]}", file=sys.stderr)
        report["freshness"] = proxy.freshness(
            env,
            edition_id,
            f"http://127.0.0.1:{proxy_port}{paths['rankings']}",
            f"http://127.0.0.1:{app_port}{paths['rankings']}",
            lambda url, seconds: wrk(url, args.threads, 64, seconds),
        )
    finally:
        stop(nginx)
        stop(server)
    print_report(report)
    print(f"freshness through the proxy: {report['freshness']}")
    (OUT / "loadtest-proxy-latest.json").write_text(json.dumps(report, indent=1))
    print(json.dumps(report))


def static_check(page_url: str) -> dict:
    """Bytes of the page's JS and CSS as the server sends them with Accept-Encoding: br, gzip."""
    with urllib.request.urlopen(page_url) as response:
        html = response.read().decode()
    urls = re.findall(r'<script[^>]*\ssrc="([^"]+)"', html) + re.findall(
        r'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"|<link[^>]*href="([^"]+)"[^>]*rel="stylesheet"', html
    )
    flat = [u for item in urls for u in ((item,) if isinstance(item, str) else item) if u]
    base = page_url.split("/", 3)[:3]
    out = {}
    for url in flat:
        full = url if url.startswith("http") else "/".join(base) + url
        for encoding in ("gzip", "br"):
            request = urllib.request.Request(full, headers={"Accept-Encoding": encoding})
            with urllib.request.urlopen(request) as response:
                out.setdefault(url, {})[encoding] = {
                    "bytes": len(response.read()),
                    "content_encoding": response.headers.get("Content-Encoding"),
                    "cache_control": response.headers.get("Cache-Control"),
                }
    return out


def print_report(report: dict) -> None:
    print(f"{'target':<10} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}  url")
    for name, r in report["results"].items():
        if r.get("not_measured"):
            print(f"{name:<10} not measured")
            continue
        print(
            f"{name:<10} {r['requests_per_s'] or 0:>9.1f} {r['p50_ms'] or 0:>8.2f} {r['p99_ms'] or 0:>8.2f} "
            f"{r['errors']:>7}  {r['url']}"
        )
    results = report["results"]
    rankings = results.get("rankings", {}).get("requests_per_s")
    floor = results.get("floor", {}).get("requests_per_s")
    ds = results.get("datasette", {}).get("requests_per_s")
    ratios = {}
    if rankings and floor:
        ratios["rankings_over_floor"] = rankings / floor
        print(f"rankings / floor req/s = {rankings / floor:.2f} (target >= 0.5)")
    if rankings and ds:
        ratios["rankings_over_datasette"] = rankings / ds
        print(f"rankings / Datasette req/s = {rankings / ds:.2f} (target >= 2)")
    errors = sum(r.get("errors", 0) for r in results.values())
    print(f"errors in all runs: {errors} (target 0)")
    report["ratios"] = ratios


if __name__ == "__main__":
    main()
