"""One command for the benchmark: ``.venv/bin/python -m benchmarks.run``.

Builds two SQLite databases under benchmarks/out/ (real reference data + the synthetic panel at
scale 1 and scale 10), collects static files (hashed, compressed: as in production), measures every
page in a fresh process per database (benchmarks/measure.py) and prints a table and the JSON
(also written to benchmarks/out/bench-<time>.json and benchmarks/out/bench-latest.json).

Options: --scales 1 10, --iterations 100, --reuse (keep already built databases), --cache-url redis://…
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.pages import PAGE_ROWS

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
PYTHON = sys.executable

# Production-like: DEBUG off (cached templates, hashed static names), no HTTPS redirect on localhost.
BASE_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "benchmark-only-" + "k" * 40,
    "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false",
    "SECURE_HSTS_SECONDS": "0",
    "CCHC_DATASET": "synthetic",
    "CONN_MAX_AGE": "600",
    "LOG_LEVEL": "ERROR",
}

TARGETS = {
    "cold_ratio": 20.0,  # every page at 1x, cache cold: median <= 20x floor
    "cold_ratio_download": 40.0,  # downloads (the XLSX writer being what it is)
    "warm_ratio": 2.0,  # cache warm: <= 2x floor
    "p95_over_median": 2.5,
    "scale_ratio": 1.3,  # 10x database, same rows: <= 1.3x the 1x time
    "max_queries": 10,
    "static_kb": 600,
}


def env_for(db: Path, cache_url: str = "", settings: str = "benchmarks.settings") -> dict:
    env = dict(os.environ, **BASE_ENV)
    env.update(DATABASE_URL=f"sqlite:///{db}", CACHE_URL=cache_url, DJANGO_SETTINGS_MODULE=settings)
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def build(scales: list[int], reuse: bool) -> dict[int, Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    base = OUT / "base.sqlite3"
    dbs = {}
    if not reuse:
        base.unlink(missing_ok=True)
    for scale in scales:
        db = OUT / f"bench-{scale}x.sqlite3"
        dbs[scale] = db
        if reuse and db.exists():
            continue
        if not base.exists():
            started = time.perf_counter()
            manage(env_for(base), "bootstrap")
            print(f"built {base.name} (migrate + real data) in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        shutil.copy(base, db)
        started = time.perf_counter()
        manage(env_for(db), "generate_synthetic", "--scale", str(scale))
        print(f"built {db.name} (synthetic x{scale}) in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return dbs


def collectstatic(db: Path) -> None:
    manage(env_for(db), "collectstatic", "--noinput", "--clear", "-v0")


def measure(db: Path, iterations: int, cache_url: str) -> dict:
    result = subprocess.run(
        [PYTHON, "-m", "benchmarks.measure", "--iterations", str(iterations)],
        cwd=ROOT,
        env=env_for(db, cache_url),
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(result.stdout)


def fmt(value, spec=".1f") -> str:
    return "—" if value is None else format(value, spec)


def table(report: dict) -> str:
    lines = []
    head = (
        f"{'scale':>5} {'page':<14} {'cold ms':>8} {'p95':>7} {'warm ms':>8} {'p95':>7} {'304 ms':>7} "
        f"{'floor ms':>8} {'cold/fl':>7} {'warm/fl':>7} {'p95/med c,w':>11} {'queries':>7} {'bytes':>8} "
        f"{'gzip':>7} {'JS+CSS gz KB':>12}"
    )
    lines += [head, "-" * len(head)]
    for scale, data in report["scales"].items():
        for page in data["pages"]:
            if "missing" in page:
                lines.append(f"{scale:>4}x {page['page']:<14} missing: {page['missing']}")
                continue
            cold, warm, floor = page["cold"], page["warm"], page["floor"]
            static = page.get("static", {}).get("gzip_total")
            lines.append(
                f"{scale:>4}x {page['page']:<14} {cold['median_ms']:>8.2f} {cold['p95_ms']:>7.2f} "
                f"{warm['median_ms']:>8.2f} {warm['p95_ms']:>7.2f} "
                f"{fmt(page.get('not_modified', {}).get('median_ms'), '.2f'):>7} {floor['median_ms']:>8.2f} "
                f"{cold['ratio_to_floor']:>7.2f} {warm['ratio_to_floor']:>7.2f} "
                f"{cold['p95_over_median']:>5.2f},{warm['p95_over_median']:>5.2f} "
                f"{page['queries_cold']:>3}/{page['queries_warm']:<3} {page['bytes']:>8} {page['gzip_bytes']:>7} "
                f"{fmt(static and static / 1024):>12}"
            )
    if "scale_ratios" in report:
        lines += ["", "10x / 1x median (same rows shown?):"]
        for label, ratios in report["scale_ratios"].items():
            lines.append(
                f"  {label:<14} cold {fmt(ratios['cold'], '.2f')}  warm {fmt(ratios['warm'], '.2f')}  "
                f"floor {fmt(ratios['floor'], '.2f')}  rows {ratios['rows_1x']} -> {ratios['rows_10x']}"
            )
    lines += ["", "targets:"] + [f"  {'OK ' if ok else 'MISS'} {text}" for ok, text in report["checks"]]
    return "\n".join(lines)


def checks(report: dict) -> list:
    out = []
    for scale, data in report["scales"].items():
        for page in data["pages"]:
            if "missing" in page:
                continue
            name = f"{scale}x {page['page']}"
            if scale == "1":
                cold = TARGETS["cold_ratio_download" if page["page"].startswith("download") else "cold_ratio"]
                for state, limit in (("cold", cold), ("warm", TARGETS["warm_ratio"])):
                    ratio = page[state]["ratio_to_floor"]
                    out.append((ratio <= limit, f"{name} {state}: {ratio:.2f}x floor (<= {limit})"))
            for state in ("cold", "warm"):
                ratio = page[state]["p95_over_median"]
                out.append((ratio <= TARGETS["p95_over_median"], f"{name} {state} p95/median {ratio:.2f} (<= 2.5)"))
            queries = max(page["queries_cold"], page["queries_warm"])
            out.append((queries <= TARGETS["max_queries"], f"{name} queries {queries} (<= 10)"))
            floor = page["floor"]
            out.append((floor["queries"] == 1, f"{name} floor: {floor['queries']} query, {floor['rows']} rows (1)"))
            static = page.get("static")
            if static:
                kb = static["gzip_total"] / 1024
                ok = kb <= TARGETS["static_kb"] and not static["external"]
                out.append((ok, f"{name} JS+CSS {kb:.0f} KB gzip, external {static['external'] or 'none'} (<= 600)"))
    for label, ratios in report.get("scale_ratios", {}).items():
        if ratios["same_rows"]:
            for state in ("cold", "warm"):
                ok = ratios[state] <= TARGETS["scale_ratio"]
                out.append((ok, f"{label} 10x/1x {state} {ratios[state]:.2f} (<= 1.3, same rows)"))
        elif ratios["rows_10x"] <= PAGE_ROWS:
            # paginated: the page shows at most PAGE_ROWS rows however large the panel
            out.append((True, f"{label} bounded by pagination ({ratios['rows_1x']} -> {ratios['rows_10x']} rows)"))
        else:
            out.append((False, f"{label} rows grow with the data ({ratios['rows_1x']} -> {ratios['rows_10x']})"))
    return out


def scale_ratios(report: dict) -> dict:
    scales = report["scales"]
    if "1" not in scales or "10" not in scales:
        return {}
    ratios = {}
    for one, ten in zip(scales["1"]["pages"], scales["10"]["pages"], strict=True):
        if "missing" in one or "missing" in ten:
            continue
        ratios[one["page"]] = {
            "cold": ten["cold"]["median_ms"] / one["cold"]["median_ms"],
            "warm": ten["warm"]["median_ms"] / one["warm"]["median_ms"],
            "floor": ten["floor"]["median_ms"] / one["floor"]["median_ms"],
            "rows_1x": one["floor"]["rows"],
            "rows_10x": ten["floor"]["rows"],
            "same_rows": one["floor"]["rows"] == ten["floor"]["rows"],
        }
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--reuse", action="store_true", help="reuse databases already built in benchmarks/out/")
    parser.add_argument("--cache-url", default="", help="e.g. redis://127.0.0.1:6379/15 (default: local memory)")
    args = parser.parse_args()

    dbs = build(args.scales, args.reuse)
    collectstatic(dbs[args.scales[0]])
    report = {"command": " ".join(["python -m benchmarks.run", *sys.argv[1:]]), "scales": {}}
    report["started"] = time.strftime("%Y-%m-%d %H:%M:%S")
    report["cpus"] = os.cpu_count()
    for scale, db in dbs.items():
        report["scales"][str(scale)] = measure(db, args.iterations, args.cache_url)
    report["scale_ratios"] = scale_ratios(report)
    report["checks"] = checks(report)
    text = table(report)
    print(text)
    print()
    print(json.dumps(report, default=str))
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for name in (f"bench-{stamp}.json", "bench-latest.json"):
        (OUT / name).write_text(json.dumps(report, indent=1, default=str))
    (OUT / "bench-latest.txt").write_text(text + "\n")


if __name__ == "__main__":
    main()
