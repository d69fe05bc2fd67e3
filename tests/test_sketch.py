"""The server's still picture of a line chart (dashboard/sketch.py): what a visitor sees before Plotly."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import translation

from dashboard import charts, sketch


def _series(name, rows):
    return {"name": name, "rows": [{"year": y, "score": s, "rank": r, "units_ranked": 63} for y, s, r in rows]}


def _segments(html):
    return re.findall(r'<line x1="([\d.]+)%" y1="([\d.]+)" x2="([\d.]+)%" y2="([\d.]+)" stroke="#0072B2"', html)


def test_a_year_without_a_figure_breaks_the_line_instead_of_bridging_it():
    years = [2019, 2020, 2021, 2022, 2023]
    series = [_series("Quảng Ninh", [(2019, 90.09, 1), (2020, 91.04, 1), (2022, 90.10, 1), (2023, 92.18, 1)])]
    html = sketch.render(charts.province_score_chart(series, [], years, []))
    # 2019–2020 and 2022–2023 joined, nothing across the missing 2021
    assert len(_segments(html)) == 2
    assert html.count("<circle") == 4
    x = [float(a) for a, *_ in _segments(html)]
    assert x == pytest.approx([10.0, 70.0])  # years at the middle of their fifth of the width


def test_a_higher_score_is_drawn_higher_and_the_rank_axis_puts_1_at_the_top():
    years = [2022, 2023]
    series = [_series("A", [(2022, 80.0, 40), (2023, 90.0, 5)])]
    (score,) = _segments(sketch.render(charts.province_score_chart(series, [], years, [])))
    assert float(score[3]) < float(score[1])  # 90 above 80 (pixels grow downwards)
    ranks = sketch.render(charts.province_rank_chart(series, years, []))
    (rank,) = _segments(ranks)
    assert float(rank[3]) < float(rank[1])  # 5th above 40th
    labels = re.findall(r'<text x="50" y="([\d.]+)"[^>]*>(\d+)</text>', ranks)
    assert [v for _y, v in labels] == ["1", "10", "20", "30", "40", "50", "63"]
    assert float(labels[0][0]) < float(labels[-1][0])  # 1 at the top, 63 at the bottom


def test_tick_labels_are_written_in_the_page_language():
    figure = {
        "data": [{"type": "scatter", "x": [2022, 2023], "y": [81.2, 81.9], "name": "A"}],
        "layout": {"yaxis": {"title": {"text": "Điểm"}}, "xaxis": {"range": [2021.5, 2023.5]}},
    }
    with translation.override("vi"):
        assert ">81,5</text>" in sketch.render(figure)
    with translation.override("en"):
        assert ">81.5</text>" in sketch.render(figure)


def test_the_legend_names_every_line_and_names_are_escaped():
    figure = {
        "data": [
            {"type": "scatter", "x": [2022, 2023], "y": [80, 81], "name": "<b>Hà Nội</b>"},
            {"type": "scatter", "x": [2022, 2023], "y": [79, 80], "name": "Trung bình cả nước (đã công bố)"},
        ],
        "layout": {},
    }
    html = sketch.render(figure)
    assert "<b>" not in html and "&lt;b&gt;Hà Nội&lt;/b&gt;" in html
    names = re.findall(r"<li>.*?</svg>(.*?)</li>", html)
    assert names == ["&lt;b&gt;Hà Nội&lt;/b&gt;", "Trung bình cả nước (đã công bố)"]


@pytest.mark.parametrize(
    "trace",
    [
        {"type": "bar", "x": [80, 90], "y": ["A", "B"]},
        {"type": "box", "x": ["2023 (5/63)"], "q1": [80]},
        {"type": "choropleth", "locations": ["QNI"], "z": [1]},
        {"type": "scatter", "x": ["2023 (5/63)", "2024 (3/63)"], "y": [80, 90]},  # categories
        {"type": "scatter", "x": [2022, 2023], "y": [None, None]},  # nothing to draw
    ],
    ids=["vertical-bars", "box", "map", "categories", "empty"],
)
def test_only_line_charts_over_years_are_sketched(trace):
    assert sketch.render({"data": [trace], "layout": {}}) == ""
    assert sketch.render({"data": [], "layout": {}}) == ""


def test_nice_ticks_are_round_and_cover_the_range():
    assert sketch.nice_ticks(74.1, 93.2) == [75, 80, 85, 90]
    assert sketch.nice_ticks(0, 105) == [0, 20, 40, 60, 80, 100]


def test_rankings_bars_start_at_zero_and_mark_the_average_and_disputed_scores():
    from reports.figures import Average

    rows = [
        {"rank": 1, "province": "Quảng Ninh", "score": Decimal("92.18"), "disputed": False, "components": {}},
        {"rank": 2, "province": "Hải Phòng", "score": Decimal("91.87"), "disputed": True, "components": {}},
        {"rank": None, "province": "Bình Thuận", "score": Decimal("46.00"), "disputed": False, "components": {}},
    ]
    national = Average(value=Decimal("86.98"), kind="published", units=63, units_total=63)
    with translation.override("vi"):
        html = sketch.render(charts.rankings_chart(rows, national, None, edition=None))
    assert re.findall(r'class="sketch-label">([^<]*)<', html) == ["1. Quảng Ninh", "2. Hải Phòng", "Bình Thuận"]
    # a bar's length is its score on 0–100: 46 is half of 92
    assert re.findall(r'class="sketch-bar[^"]*" style="width:([\d.]+)%', html) == ["92.180", "91.870", "46.000"]
    assert html.count("sketch-hatched") == 1 and ">91,87<" in html
    assert html.count('class="sketch-line" style="left:86.980%"') == 3
    assert "TB cả nước 86,98" in html
    assert re.findall(r'<span style="left:[\d.]+%">(\d+)</span>', html) == ["0", "20", "40", "60", "80", "100"]


def _map_row(code, score, slug="x", group="", tier=None, rank=None):
    from provinces.models import Era

    return {
        "slug": slug,
        "code": code,
        "era": Era.UNITS_63,
        "province": slug,
        "score": score,
        "group": group,
        "tier": tier,
        "tier_name": "",
        "rank": rank,
    }


def test_the_map_draws_every_shape_and_leaves_units_without_a_figure_grey():
    rows = [_map_row("01", Decimal("81.00"), "Hà Nội"), _map_row("22", Decimal("92.00"), "Quảng Ninh")]
    with translation.override("vi"):
        html = sketch.render(charts.choropleth(None, rows, "score"))
    assert len(re.findall(r"<path ", html)) == 63
    by_title = {t: f for f, t in re.findall(r'fill="(#[0-9a-fA-F]{6})"><title>([^<]*)</title>', html)}
    assert by_title["Hà Nội: 81,00"] == sketch.VIRIDIS[0]  # the lowest score: the scale's first colour
    assert by_title["Quảng Ninh: 92,00"] == sketch.VIRIDIS[-1]
    grey = [t for f, t in re.findall(r'fill="(#[0-9a-fA-F]{6})"><title>([^<]*)</title>', html) if f == sketch.MISSING]
    assert len(grey) == 61 and all(t.endswith(": chưa có số liệu") for t in grey)
    assert ">81,00<" in html and ">92,00<" in html  # the colour bar's ends, in the page's language
    with translation.override("en"):
        assert "<title>Hà Nội: 81.00</title>" in sketch.render(charts.choropleth(None, rows, "score"))


def test_the_group_map_colours_by_tier_without_a_colour_bar():
    rows = [
        _map_row("01", None, "Hà Nội", group="Tốt", tier=1),
        _map_row("22", None, "Quảng Ninh", group="Khá", tier=3),
    ]
    html = sketch.render(charts.choropleth(None, rows, "group"))
    by_title = {t.split(":")[0]: f for f, t in re.findall(r'fill="(#[0-9a-fA-F]{6})"><title>([^<]*)</title>', html)}
    assert by_title["Hà Nội"].lower() == charts.TIER_COLOURS[1].lower()
    assert by_title["Quảng Ninh"].lower() == charts.TIER_COLOURS[3].lower()
    assert "sketch-scale" not in html


def test_bars_that_are_all_zero_are_drawn_at_zero_length():
    figure = {"data": [{"type": "bar", "orientation": "h", "x": [0, 0], "y": ["A", "B"]}], "layout": {}}
    assert re.findall(r'class="sketch-bar[^"]*" style="width:([\d.]+)%', sketch.render(figure)) == ["0.000", "0.000"]
