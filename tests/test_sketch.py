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
    ids=["vertical-bars", "box-without-categories", "map-without-shapes", "categories-as-lines", "empty"],
)
def test_a_figure_the_picture_cannot_draw_faithfully_gets_no_picture(trace):
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


def _edition(year, units, spread=None):
    from types import SimpleNamespace

    return SimpleNamespace(year=year, units_ranked=63, spread={"units": units, **(spread or {})})


def _distribution(thin):
    quartiles = {"min": 70.5, "q1": 80, "median": 85, "q3": 88, "max": 93.1}
    quartiles = {key: Decimal(str(value)) for key, value in quartiles.items()}
    editions = [_edition(2022, 40, quartiles), _edition(2023, 2)]
    with translation.override("vi"):
        return charts.distribution_chart(editions, thin)


def test_the_distribution_draws_a_box_where_enough_units_hold_a_score_and_the_units_themselves_elsewhere():
    figure = _distribution({2023: [("Quảng Ninh", Decimal("91.2")), ("Hà Nội", Decimal("89.1"))]})
    with translation.override("vi"):
        html = sketch.render(figure)
    (box,) = re.findall(r'<rect [^>]*y="([\d.]+)" height="([\d.]+)"', html)
    q3_y, height = float(box[0]), float(box[1])
    median_y = float(re.search(r'y1="([\d.]+)" y2="[\d.]+" stroke="[^"]+" stroke-width="2.5"', html)[1])
    assert q3_y < median_y < q3_y + height  # the median inside the box, 88 above 80
    whiskers = [float(y) for y in re.findall(r'<line x1="(?:[\d.]+)%" x2="(?:[\d.]+)%" y1="([\d.]+)"', html)]
    assert min(whiskers) < q3_y and max(whiskers) > q3_y + height  # from the lowest to the highest score
    points = re.findall(r'<circle cx="([\d.]+)%" cy="([\d.]+)"[^>]*><title>(.*?)</title>', html)
    assert [p[2] for p in points] == ["Quảng Ninh: 91,20", "Hà Nội: 89,10"]
    assert float(points[0][1]) < float(points[1][1])  # the higher score drawn higher
    assert float(points[0][0]) > 50 > float(re.search(r'<rect x="([\d.]+)%"', html)[1])  # 2023 right of 2022
    assert re.findall(r">(\d{4})<tspan[^>]*>(.*?)</tspan>", html) == [("2023", "(2/63)"), ("2022", "(40/63)")]
    assert "Năm kết quả (số đơn vị có điểm)" in html
    assert re.findall(r"<li>.*?</svg>(.*?)</li>", html) == [
        "Phân bố (đủ đơn vị)",
        "Các đơn vị có nguồn (quá ít để vẽ phân bố)",
    ]


def test_a_distribution_of_points_only_has_no_box_and_writes_numbers_in_the_page_language():
    figure = _distribution({2022: [("Đà Nẵng", Decimal("90.5"))], 2023: [("Hà Nội", Decimal("89.1"))]})
    with translation.override("en"):
        html = sketch.render(figure)
    assert "<rect" not in html and "<li>" not in html  # no box, no legend for a single kind of mark
    assert re.findall(r"<title>(.*?)</title>", html) == ["Đà Nẵng: 90.50", "Hà Nội: 89.10"]
