"""A still picture of a line chart, drawn by the server as inline SVG, so that the page shows its charts at
first paint without the 1.4 MB Plotly bundle (static/js/charts.js loads Plotly and swaps the interactive
chart in when a visitor points at, taps or focuses the chart).

It draws the same Plotly figure dict (dashboard/charts.py) and follows the same rules: the axis ranges,
ticks and reversed rank axes the figure states, lines broken where a year has no figure, dashes and
markers that tell the lines apart without colour, the figure's vertical marks ("Bộ tiêu chí mới") and its
legend. Only what it can draw faithfully is sketched: every trace a ``scatter`` over numeric x (years), the
rankings' one trace of horizontal bars, a choropleth over the 63 shapes (Mercator, as the live map), or the
overview's distribution (boxes from stored quartiles and labelled points, one category per year). Any other
figure gets no sketch and is drawn by Plotly when it nears the viewport.

The picture fits any width without scaling its text: x positions are percentages of the plot's width,
y positions pixels of a fixed height, and the legend is an HTML list that wraps on a phone.
"""

from __future__ import annotations

import json
import math
from functools import cache
from numbers import Number
from pathlib import Path

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from dashboard.charts import number

PLOT_TOP = 26  # room above the plot for the figure's annotations
PLOT_BOTTOM = 6
Y_AXIS_WIDTH = 58
MARKER = 4.5  # half the size of a marker, px (Plotly's size 8–9)

# Marker outlines around (0, 0), half-size MARKER; "-open" variants are drawn unfilled.
_SYMBOLS = {
    "circle": None,
    "square": "M-4,-4H4V4H-4Z",
    "diamond": "M0,-5.5L5.5,0L0,5.5L-5.5,0Z",
    "triangle-up": "M0,-5L5,4H-5Z",
    "cross": "M-1.6,-5H1.6V-1.6H5V1.6H1.6V5H-1.6V1.6H-5V-1.6H-1.6Z",
    "x": "M-4.5,-3L-3,-4.5L0,-1.5L3,-4.5L4.5,-3L1.5,0L4.5,3L3,4.5L0,1.5L-3,4.5L-4.5,3L-1.5,0Z",
}
_DASHES = {
    "solid": "",
    "dash": "9 5",
    "dot": "2 4",
    "dashdot": "9 4 2 4",
    "longdash": "16 6",
    "longdashdot": "16 5 2 5",
}


def bars(figure: dict | None) -> bool:
    """One trace of horizontal bars with numbers: the rankings chart."""
    data = (figure or {}).get("data") or []
    return (
        len(data) == 1
        and data[0].get("type") == "bar"
        and data[0].get("orientation") == "h"
        and any(isinstance(x, Number) for x in data[0].get("x") or [])
    )


def choropleth(figure: dict | None) -> bool:
    data = (figure or {}).get("data") or []
    return bool(figure and figure.get("geojson") and data and all(t.get("type") == "choropleth" for t in data))


def distribution(figure: dict | None) -> bool:
    """Boxes (from stored quartiles) and points over the categories of the x axis: the overview's chart."""
    data = (figure or {}).get("data") or []
    axis = ((figure or {}).get("layout") or {}).get("xaxis") or {}
    return bool(
        data
        and axis.get("type") == "category"
        and axis.get("categoryarray")
        and all(t.get("type") == "box" or t.get("type") == "scatter" and t.get("mode") == "markers" for t in data)
    )


def sketchable(figure: dict | None) -> bool:
    data = (figure or {}).get("data") or []
    if not data:
        return False
    if bars(figure) or choropleth(figure) or distribution(figure):
        return True
    for trace in data:
        if trace.get("type", "scatter") != "scatter":
            return False
        xs = [x for x in trace.get("x") or [] if x is not None]
        if not xs or not all(isinstance(x, Number) for x in xs):
            return False
    return any(isinstance(y, Number) for trace in data for y in trace.get("y") or [])


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]: steps of 1, 2 or 5 times a power of ten."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = min((m * power for m in (1, 2, 5, 10)), key=lambda step: abs((high - low) / step - count))
    first = math.ceil(low / step - 1e-9) * step
    ticks = []
    value = first
    while value <= high + 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


_Y_KEYS = ("y", "lowerfence", "q1", "median", "q3", "upperfence")  # a box trace states its statistics


def _y_axis(figure: dict) -> tuple[float, float, list[float], int, str]:
    """(value at the top, value at the bottom, tick values, decimals, title) of the figure's y axis."""
    axis = figure["layout"].get("yaxis") or {}
    title = ((axis.get("title") or {}).get("text")) or ""
    digits = 0 if axis.get("tickformat") in ("d", ".0f") else 1
    if axis.get("range"):
        bottom, top = axis["range"]  # Plotly's order: the first value at the bottom (ranks: [63.5, 0.5])
    else:
        values = [y for t in figure["data"] for key in _Y_KEYS for y in t.get(key) or [] if isinstance(y, Number)]
        low, high = min(values), max(values)
        pad = max((high - low) * 0.08, 0.5)
        bottom, top = low - pad, high + pad
        if axis.get("autorange") == "reversed":
            bottom, top = top, bottom
    low, high = min(top, bottom), max(top, bottom)
    ticks = [v for v in (axis.get("tickvals") or nice_ticks(low, high)) if low <= v <= high]
    return top, bottom, ticks, digits, title


def _x_axis(figure: dict) -> tuple[float, float, list[float]]:
    axis = figure["layout"].get("xaxis") or {}
    xs = [x for t in figure["data"] for x in t.get("x") or [] if isinstance(x, Number)]
    low, high = axis.get("range") or (min(xs) - 0.5, max(xs) + 0.5)
    step = axis.get("dtick") or 1
    first = math.ceil(low)
    return low, high, [v for v in range(first, math.floor(high) + 1) if (v - first) % step == 0]


class _Frame:
    """Where a value lands: x as a percentage of the plot's width, y in pixels from its top."""

    def __init__(self, x_range, y_top, y_bottom, height):
        self.x_low, self.x_high = x_range
        self.y_top, self.y_bottom = y_top, y_bottom
        self.height = height

    def x(self, value) -> str:
        return f"{(value - self.x_low) / (self.x_high - self.x_low) * 100:.3f}%"

    def y(self, value) -> float:
        inner = self.height - PLOT_TOP - PLOT_BOTTOM
        return round(PLOT_TOP + (value - self.y_top) / (self.y_bottom - self.y_top) * inner, 2)


def _marker(symbol: str, x: str, y: float, colour: str) -> str:
    hollow = symbol.endswith("-open")
    shape = _SYMBOLS.get(symbol.removesuffix("-open"), None)
    fill = "none" if hollow else colour
    if shape is None:
        return f'<circle cx="{x}" cy="{y}" r="{MARKER}" fill="{fill}" stroke="{colour}" stroke-width="1.5"/>'
    return (
        f'<svg x="{x}" y="{y}" overflow="visible"><path d="{shape}" fill="{fill}" stroke="{colour}" '
        f'stroke-width="{1.5 if hollow else 0.5}"/></svg>'
    )


def _trace(trace: dict, frame: _Frame) -> list[str]:
    line = trace.get("line") or {}
    colour = escape(line.get("color") or "#0072B2")
    mode = trace.get("mode") or "lines+markers"
    points = [
        (frame.x(x), frame.y(y)) if isinstance(x, Number) and isinstance(y, Number) else None
        for x, y in zip(trace.get("x") or [], trace.get("y") or [], strict=False)
    ]
    parts = []
    if "lines" in mode:
        dash = _DASHES.get(line.get("dash") or "solid", "")
        stroke = f'stroke="{colour}" stroke-width="{line.get("width", 2)}" stroke-linecap="round"'
        if dash:
            stroke += f' stroke-dasharray="{dash}"'
        # one segment per pair of neighbouring years that both hold a figure: a gap is never bridged
        for a, b in zip(points, points[1:], strict=False):
            if a and b:
                parts.append(f'<line x1="{a[0]}" y1="{a[1]}" x2="{b[0]}" y2="{b[1]}" {stroke}/>')
    if "markers" in mode or "lines" not in mode:
        symbol = (trace.get("marker") or {}).get("symbol") or "circle"
        parts += [_marker(symbol, p[0], p[1], colour) for p in points if p]
    return parts


def _swatch(trace: dict) -> str:
    line = trace.get("line") or {}
    colour = escape(line.get("color") or "#0072B2")
    dash = _DASHES.get(line.get("dash") or "solid", "")
    symbol = (trace.get("marker") or {}).get("symbol") or "circle"
    stroke = f' stroke-dasharray="{dash}"' if dash else ""
    lines = "lines" in (trace.get("mode") or "lines+markers")
    drawn = f'<line x1="2" y1="7" x2="30" y2="7" stroke="{colour}" stroke-width="2"{stroke}/>' if lines else ""
    return f'<svg width="32" height="14" aria-hidden="true">{drawn}{_marker(symbol, "16", 7, colour)}</svg>'


def _percent(value, low, high) -> str:
    return f"{max(0.0, min(100.0, (value - low) / (high - low) * 100)):.3f}%"


def render_bars(figure: dict) -> SafeString:
    """Horizontal bars from the axis's start (zero), one row per unit, in the figure's order: the label,
    the bar with its value written inside, the figure's vertical line (the national average) and its note,
    and the x axis's ticks. HTML rows rather than SVG, so that a long name wraps instead of being cut."""
    (trace,) = figure["data"]
    layout = figure.get("layout") or {}
    axis = layout.get("xaxis") or {}
    values = [x for x in trace["x"] if isinstance(x, Number)]
    low, high = axis.get("range") or (0, max(values) * 1.05)
    if high <= low:  # every value zero: still a scale to draw them on
        high = low + 1
    marker = trace.get("marker") or {}
    colours = marker.get("color")
    patterns = (marker.get("pattern") or {}).get("shape") or []
    inks = (trace.get("textfont") or {}).get("color")
    lines = [sh["x0"] for sh in layout.get("shapes") or () if sh.get("type") == "line" and sh.get("xref") == "x"]
    notes = [n for n in layout.get("annotations") or () if n.get("xref") == "x" and isinstance(n.get("x"), Number)]

    def pick(values, i, default):
        return values[i] if isinstance(values, list) and i < len(values) else (values or default)

    rows = []
    if notes:
        spans = "".join(
            f'<span class="sketch-bar-note" style="left:{_percent(n["x"], low, high)}">{escape(n.get("text", ""))}'
            "</span>"
            for n in notes
        )
        rows.append(f'<span></span><span class="sketch-track sketch-notes">{spans}</span>')
    for i, (label, value) in enumerate(zip(trace.get("y") or [], trace["x"], strict=False)):
        if not isinstance(value, Number):
            continue
        text = pick(trace.get("text"), i, "")
        hatched = " sketch-hatched" if pick(patterns, i, "") else ""
        marks = "".join(f'<span class="sketch-line" style="left:{_percent(x, low, high)}"></span>' for x in lines)
        rows.append(
            f'<span class="sketch-label">{escape(label)}</span><span class="sketch-track">'
            f'<span class="sketch-bar{hatched}" style="width:{_percent(value, low, high)};'
            f'background-color:{escape(pick(colours, i, "#0072B2"))};color:{escape(pick(inks, i, "#fff"))}">'
            f"{escape(text)}</span>{marks}</span>"
        )
    ticks = "".join(
        f'<span style="left:{_percent(v, low, high)}">{escape(number(v, 0))}</span>' for v in nice_ticks(low, high)
    )
    title = escape(((axis.get("title") or {}).get("text")) or "")
    rows.append(f'<span></span><span class="sketch-track sketch-ticks">{ticks}</span>')
    rows.append(f'<span></span><span class="sketch-axis-title">{title}</span>')
    return mark_safe(f'<div class="sketch sketch-bars" aria-hidden="true">{"".join(rows)}</div>')


def render(figure: dict | None) -> SafeString:
    """The picture's HTML for ``figure``: a line chart over years, the rankings' horizontal bars or the map;
    an empty string for any other figure (Plotly draws it when it nears the viewport)."""
    if not sketchable(figure):
        return mark_safe("")
    if bars(figure):
        return render_bars(figure)
    if choropleth(figure):
        return render_map(figure)
    if distribution(figure):
        return render_distribution(figure)
    return render_lines(figure)


def render_lines(figure: dict) -> SafeString:
    """Lines over the years: the y axis's ticks and title in a fixed-width column, the plot (x in percent of
    its width), the years under it (every other one hidden on a phone, the latest always shown), the legend."""
    layout = figure.get("layout") or {}
    traces = figure["data"]
    legend = layout.get("showlegend", len(traces) > 1)
    margin = layout.get("margin") or {}
    height = int(layout.get("height") or 360) - int(margin.get("b", 50)) - 4
    top, bottom, y_ticks, digits, y_title = _y_axis(figure)
    x_low, x_high, x_ticks = _x_axis(figure)
    frame = _Frame((x_low, x_high), top, bottom, height)

    y_axis = _y_column(frame, y_ticks, digits, y_title)
    plot = [f'<line class="sketch-grid" x1="0" x2="100%" y1="{frame.y(v)}" y2="{frame.y(v)}"/>' for v in y_ticks]
    for shape in layout.get("shapes") or ():
        if shape.get("type") == "line" and shape.get("xref") == "x" and shape.get("yref") == "paper":
            x = frame.x(shape["x0"])
            plot.append(
                f'<line x1="{x}" x2="{x}" y1="{PLOT_TOP}" y2="{height - PLOT_BOTTOM}" stroke="#555" '
                f'stroke-dasharray="{_DASHES["dot"]}"/>'
            )
    for note in layout.get("annotations") or ():
        if note.get("xref") == "x" and note.get("yref") == "paper" and isinstance(note.get("x"), Number):
            plot.append(
                f'<text class="sketch-note" x="{frame.x(note["x"])}" y="{PLOT_TOP - 8}" text-anchor="middle">'
                f"{escape(note.get('text', ''))}</text>"
            )
    for trace in traces:
        plot += _trace(trace, frame)
    x_axis = [
        f'<text x="{frame.x(v)}" y="15" text-anchor="middle"{" class=sketch-odd" if i % 2 else ""}>{v}</text>'
        for i, v in enumerate(reversed(x_ticks))
    ]
    items = "".join(f"<li>{_swatch(t)}{escape(t.get('name', ''))}</li>" for t in traces) if legend else ""
    return mark_safe(
        '<div class="sketch" aria-hidden="true">'
        f"{y_axis}"
        f'<svg class="sketch-plot" width="100%" height="{height}">{"".join(plot)}</svg>'
        f'<svg class="sketch-x" width="100%" height="22">{"".join(x_axis)}</svg>'
        + (f'<ul class="sketch-legend">{items}</ul>' if items else "")
        + "</div>"
    )


def _y_column(frame: _Frame, ticks: list[float], digits: int, title: str) -> str:
    """The y axis beside the plot: its tick values and its title, turned."""
    parts = [
        f'<text x="{Y_AXIS_WIDTH - 8}" y="{frame.y(v)}" text-anchor="end" dominant-baseline="middle">'
        f"{escape(number(v, digits))}</text>"
        for v in ticks
    ]
    if title:
        middle = (PLOT_TOP + frame.height - PLOT_BOTTOM) / 2
        parts.append(
            f'<text class="sketch-title" transform="translate(12 {middle}) rotate(-90)" text-anchor="middle">'
            f"{escape(title)}</text>"
        )
    return f'<svg class="sketch-y" width="{Y_AXIS_WIDTH}" height="{frame.height}">{"".join(parts)}</svg>'


def render_distribution(figure: dict) -> SafeString:
    """One column per year (the x axis's categories, "2023 (17/63)": the year over the units it rests on):
    a box from the lower to the upper quartile with the median across it and whiskers to the lowest and
    highest score, or, where too few units hold a score for a box, those units as points named in their
    tooltip; the x axis's title and the legend when the figure shows one."""
    layout = figure.get("layout") or {}
    axis = layout.get("xaxis") or {}
    categories = [str(c) for c in axis["categoryarray"]]
    slot = {c: i for i, c in enumerate(categories)}
    margin = layout.get("margin") or {}
    height = int(layout.get("height") or 380) - int(margin.get("b", 50)) - 4
    top, bottom, y_ticks, digits, y_title = _y_axis(figure)
    frame = _Frame((-0.5, len(categories) - 0.5), top, bottom, height)
    half = 25 / len(categories)  # a box is half its column wide (percent of the plot)

    def at(i: int, shift: float = 0.0) -> str:
        return f"{(i + 0.5) / len(categories) * 100 + shift:.3f}%"

    plot = [f'<line class="sketch-grid" x1="0" x2="100%" y1="{frame.y(v)}" y2="{frame.y(v)}"/>' for v in y_ticks]
    for trace in figure["data"]:
        colour = escape((trace.get("marker") or {}).get("color") or "#0072B2")
        if trace.get("type") == "box":
            stats = zip(trace["x"], trace["lowerfence"], trace["q1"], trace["median"], trace["q3"],
                        trace["upperfence"], strict=False)  # fmt: skip
            for name, low, q1, median, q3, high in stats:
                i = slot[str(name)]
                ink = f'stroke="{colour}" stroke-width="1.5"'
                plot += [
                    f'<line x1="{at(i)}" x2="{at(i)}" y1="{frame.y(high)}" y2="{frame.y(low)}" {ink}/>',
                    f'<line x1="{at(i, -half / 2)}" x2="{at(i, half / 2)}" y1="{frame.y(high)}" '
                    f'y2="{frame.y(high)}" {ink}/>',
                    f'<line x1="{at(i, -half / 2)}" x2="{at(i, half / 2)}" y1="{frame.y(low)}" '
                    f'y2="{frame.y(low)}" {ink}/>',
                    f'<rect x="{at(i, -half)}" width="{2 * half:.3f}%" y="{frame.y(q3)}" '
                    f'height="{max(frame.y(q1) - frame.y(q3), 1)}" fill="#e6f1f8" {ink}/>',
                    f'<line x1="{at(i, -half)}" x2="{at(i, half)}" y1="{frame.y(median)}" y2="{frame.y(median)}" '
                    f'stroke="{colour}" stroke-width="2.5"/>',
                ]
        else:
            for name, y, unit in zip(trace["x"], trace["y"], trace.get("text") or [], strict=False):
                plot.append(
                    f'<circle cx="{at(slot[str(name)])}" cy="{frame.y(y)}" r="{MARKER}" fill="{colour}">'
                    f"<title>{escape(unit)}: {escape(number(y, 2))}</title></circle>"
                )
    labels = []
    for i, name in enumerate(reversed(categories)):  # the latest year is always shown, every other one hidden
        year, _sep, units = name.partition(" ")
        odd = ' class="sketch-odd"' if i % 2 else ""
        labels.append(
            f'<text x="{at(len(categories) - 1 - i)}" y="14" text-anchor="middle"{odd}>{escape(year)}'
            f'<tspan x="{at(len(categories) - 1 - i)}" dy="14" class="sketch-units">{escape(units)}</tspan></text>'
        )
    x_title = escape(((axis.get("title") or {}).get("text")) or "")
    items = ""
    if layout.get("showlegend"):
        for trace in figure["data"]:
            colour = escape((trace.get("marker") or {}).get("color") or "#0072B2")
            swatch = (
                f'<rect x="9" y="2" width="14" height="10" fill="#e6f1f8" stroke="{colour}"/>'
                if trace.get("type") == "box"
                else f'<circle cx="16" cy="7" r="{MARKER}" fill="{colour}"/>'
            )
            items += (
                f'<li><svg width="32" height="14" aria-hidden="true">{swatch}</svg>{escape(trace.get("name", ""))}</li>'
            )
    return mark_safe(
        '<div class="sketch" aria-hidden="true">'
        f"{_y_column(frame, y_ticks, digits, y_title)}"
        f'<svg class="sketch-plot" width="100%" height="{height}">{"".join(plot)}</svg>'
        f'<svg class="sketch-x" width="100%" height="34">{"".join(labels)}</svg>'
        f'<span class="sketch-x sketch-axis-title">{x_title}</span>'
        + (f'<ul class="sketch-legend">{items}</ul>' if items else "")
        + "</div>"
    )


GEOJSON_PATH = Path(settings.BASE_DIR) / "provinces" / "data" / "vn_provinces_63.geojson"
MAP_HEIGHT = 1000  # the map's own units (its viewBox); the page sets its size
# Plotly's "Viridis" colour scale (the live map's, for scores)
VIRIDIS = ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725"]
MISSING = "#e5e7eb"


@cache
def shapes() -> tuple[int, dict[str, tuple[str, str]]]:
    """(width of the map, code → (name, SVG path)) of the 63 shapes, in Mercator like the live map, fitted to
    MAP_HEIGHT. Whole units: one is about 2 km, finer than a province's outline needs."""
    features = json.loads(GEOJSON_PATH.read_text(encoding="utf-8"))["features"]

    def rings(geometry):
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        return [ring for polygon in polygons for ring in polygon]

    def project(lon, lat):
        return lon, math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))

    projected = {
        f["properties"]["code"]: [[project(*p[:2]) for p in r] for r in rings(f["geometry"])] for f in features
    }
    xs = [x for rs in projected.values() for r in rs for x, _y in r]
    ys = [y for rs in projected.values() for r in rs for _x, y in r]
    scale = MAP_HEIGHT / (max(ys) - min(ys))
    paths = {}
    for feature in features:
        code = feature["properties"]["code"]
        parts = []
        for ring in projected[code]:
            points = []
            for x, y in ring:
                point = (round((x - min(xs)) * scale), round((max(ys) - y) * scale))
                if not points or point != points[-1]:
                    points.append(point)
            if len(points) > 2:
                parts.append("M" + "L".join(f"{x},{y}" for x, y in points) + "Z")
        paths[code] = (feature["properties"]["name"], "".join(parts))
    return round((max(xs) - min(xs)) * scale), paths


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def colour_at(scale, t: float) -> str:
    """The colour at ``t`` (0–1) of a Plotly colour scale: "Viridis" or a list of [position, colour]."""
    stops = [[i / (len(VIRIDIS) - 1), c] for i, c in enumerate(VIRIDIS)] if scale == "Viridis" else scale
    t = max(0.0, min(1.0, t))
    for (p0, c0), (p1, c1) in zip(stops, stops[1:], strict=False):
        if p0 <= t <= p1:
            k = 0 if p1 == p0 else (t - p0) / (p1 - p0)
            mixed = [round(a + (b - a) * k) for a, b in zip(_rgb(c0), _rgb(c1), strict=True)]
            return "#{:02x}{:02x}{:02x}".format(*mixed)
    return stops[-1][1]


def render_map(figure: dict) -> SafeString:
    """Every shape in light grey (no figure is not zero), the units with a figure in their colour, a native
    tooltip with the figure's own text, and for scores a colour bar from the lowest to the highest."""
    width, paths = shapes()
    trace = figure["data"][0]
    z = [v for v in trace.get("z") or [] if isinstance(v, Number)]
    low = trace.get("zmin", min(z, default=0))
    high = trace.get("zmax", max(z, default=1))
    fills = {}
    for code, value, text in zip(
        trace.get("locations") or [], trace.get("z") or [], trace.get("text") or [], strict=False
    ):
        if code in paths and isinstance(value, Number):
            t = 0.5 if high == low else (value - low) / (high - low)
            fills[code] = (colour_at(trace.get("colorscale", "Viridis"), t), text)
    missing = ((figure.get("base") or {}).get("missing")) or ""
    drawn = []
    for code, (name, path) in paths.items():
        fill, text = fills.get(code, (MISSING, f"{name}: {missing}"))
        drawn.append(f'<path d="{path}" fill="{fill}"><title>{escape(text)}</title></path>')
    bar = ""
    if trace.get("showscale", True) is not False and z:
        stops = ", ".join(colour_at(trace.get("colorscale", "Viridis"), i / 10) for i in range(11))
        title = escape((((trace.get("colorbar") or {}).get("title") or {}).get("text")) or "")
        bar = (
            f'<p class="sketch-scale"><span>{title}</span> <span>{escape(number(low))}</span>'
            f'<span class="sketch-gradient" style="background:linear-gradient(to right, {stops})"></span>'
            f"<span>{escape(number(high))}</span></p>"
        )
    return mark_safe(
        '<div class="sketch sketch-map-box">'
        f'<svg class="sketch-map" viewBox="0 0 {width} {MAP_HEIGHT}" preserveAspectRatio="xMidYMid meet" '
        f'aria-hidden="true"><g stroke="#fff" stroke-width="1.2" stroke-linejoin="round">{"".join(drawn)}</g></svg>'
        f"{bar}</div>"
    )
