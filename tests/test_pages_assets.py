"""The assets a page loads stay local and light."""

from __future__ import annotations

import gzip
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE_ASSETS = [
    "static/vendor/plotly/plotly-cchc.min.js",
    "static/js/charts.js",
    "static/js/filters.js",
    "static/css/site.css",
]


def test_a_page_loads_well_under_600_kb_compressed():
    total = sum(len(gzip.compress((ROOT / path).read_bytes(), 9)) for path in PAGE_ASSETS)
    assert total < 600 * 1024, f"{total / 1024:.0f} KB compressed"


def test_no_asset_refers_to_a_cdn():
    for path in PAGE_ASSETS[1:]:
        text = (ROOT / path).read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text, path
