"""Plotly figures as plain dicts (a dict costs microseconds, ``graph_objects`` milliseconds), drawn in the page by
the local Plotly bundle. Colours are Okabe-Ito, lines also differ by dash and marker, so no chart relies
on colour alone.

Rules every chart follows (a statistician would sign them):

- **Bars start at zero** (the index's scale, 0–100, or a component's maximum): a bar's length is its value.
- **Rank axes are whole numbers**, 1 at the top, spanning 1 to the number of units ranked (63 before
  July 2025, 34 after): :func:`rank_axis`.
- **Numbers by kind and language**: ranks and counts as integers, scores with two decimals; the decimal
  and thousands separators of the page's language, in text written here (:func:`number`) and in what
  Plotly formats itself (``layout.separators``: ``",."`` in Vietnamese, ``".,"`` in English, used by
  tick labels and by hover templates such as ``%{y:.2f}``).
- **Legends below the plot**, clear of the axis title; the mode bar shows on hover only (static/js/charts.js).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from provinces.models import Era
from reports import figures
from reports.models import (
    Edition,
)

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]


SYMBOLS = ["circle", "square", "diamond", "triangle-up", "cross", "x"]


PLOT_FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13}

# Units ranked when an edition does not say (the 63 units before July 2025).
DEFAULT_UNITS_RANKED = 63


def as_float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def separators() -> str:
    """Plotly's ``layout.separators`` for the current language: decimal mark, then thousands mark."""
    return ".," if (get_language() or "vi").startswith("en") else ",."


def number(value, digits: int = 2) -> str:
    """A number written in the current language: ``81,20`` / ``81.20`` (digits=2), ``125.430`` / ``125,430``
    (digits=0: ranks and counts)."""
    if value is None:
        return ""
    if digits == 0:
        return number_format(int(round(value)), 0, force_grouping=True)
    return number_format(Decimal(str(value)).quantize(Decimal(1).scaleb(-digits)), digits)


def base_layout(**extra) -> dict:
    layout = {
        "font": PLOT_FONT,
        "separators": separators(),
        "margin": {"l": 60, "r": 20, "t": 30, "b": 50},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        # below the plot and its axis title (container coordinates: never over the data or the mode bar)
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 0, "yanchor": "bottom", "yref": "container"},
        "hovermode": "closest",
    }
    layout.update(extra)
    return layout


def with_legend(height: int, traces: int, **extra) -> dict:
    """A layout whose bottom margin holds the legend below the plot (one line per ~2 entries on a phone)."""
    rows = 0 if traces < 2 else (traces + 1) // 2
    layout = base_layout(height=height + 22 * rows, **extra)
    layout["margin"] = layout["margin"] | {"b": 50 + 22 * rows}
    layout["showlegend"] = traces >= 2
    return layout


def rank_axis(units: int | None, title: str) -> dict:
    """A rank axis: whole numbers, 1 at the top, from 1 to the number of units ranked."""
    units = units or DEFAULT_UNITS_RANKED
    ticks = [1] + [k for k in range(10, units, 10) if units - k >= 5] + [units]
    return {
        "range": [units + 0.5, 0.5],  # reversed: 1 (the best) at the top
        "autorange": False,
        "tickmode": "array",
        "tickvals": ticks,
        "tickformat": "d",
        "zeroline": False,
        "title": {"text": title},
    }


def year_axis(years: list[int]) -> dict:
    axis: dict[str, Any] = {"dtick": 1, "tickformat": "d"}
    if years:
        axis["range"] = [min(years) - 0.5, max(years) + 0.5]
    return axis


def rankings_chart(rows: list[dict], national: figures.Average, component: dict | None, edition: Edition) -> dict:
    """Horizontal bars of the rows shown, in their order, from zero, with the national average marked."""
    if component:
        plotted = [r for r in rows if (r["components"].get(component["key"]) or {}).get("score") is not None]
        values = [as_float(r["components"][component["key"]]["score"]) for r in plotted]
        title = component["name"]
    else:
        plotted = [r for r in rows if r["score"] is not None]
        values = [as_float(r["score"]) for r in plotted]
        title = _("Điểm")
    labels = [f"{r['rank']}. {r['province']}" if r["rank"] else r["province"] for r in plotted]
    trace = {
        "type": "bar",
        "orientation": "h",
        "x": values,
        "y": labels,
        "text": [number(v) for v in values],
        "textposition": "inside",
        # at the start of the bar: clear of the average's line near the end, never clipped on a phone
        "insidetextanchor": "start",
        "textfont": {"color": ["#000000" if r["disputed"] else "#ffffff" for r in plotted]},
        "cliponaxis": False,
        "marker": {
            "color": [PALETTE[1] if r["disputed"] else PALETTE[0] for r in plotted],
            "pattern": {"shape": ["/" if r["disputed"] else "" for r in plotted]},
        },
        "hovertemplate": "%{y}: %{x:.2f}<extra></extra>",
        "name": title,
    }
    shapes, annotations = [], []
    if national.is_drawable and not component:
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": as_float(national.value),
                "x1": as_float(national.value),
                "y0": 0,
                "y1": 1,
                "line": {"color": "#000", "dash": "dash", "width": 2},
            }
        )
        annotations.append(
            {
                "x": as_float(national.value),
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "yanchor": "bottom",
                "xanchor": "right",
                "text": (
                    _("TB cả nước %(value)s") % {"value": number(national.value)}
                    if national.kind == "published"
                    else _("TB %(units)s/%(total)s đơn vị %(value)s")
                    % {"units": national.units, "total": national.units_total, "value": number(national.value)}
                ),
                "showarrow": False,
            }
        )
    # From zero: the whole scale (0–100), or a component's stated maximum, else the largest value.
    top = 100.0 if not component else as_float(component.get("max_points")) or max(values, default=0) * 1.05
    return {
        "data": [trace],
        "layout": base_layout(
            height=max(240, 26 * len(plotted) + 80),
            margin={"l": 10, "r": 16, "t": 40, "b": 40},
            yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": 12}},
            xaxis={"range": [0, top], "rangemode": "tozero", "title": {"text": title}, "fixedrange": True},
            shapes=shapes,
            annotations=annotations,
            showlegend=False,
        ),
    }


def distribution_chart(editions, thin: dict[int, list] | None = None) -> dict:
    """One box per year from the stored quartiles, the whiskers at the lowest and highest score held;
    a year whose scores cover too few units for a box (``figures.enough_units``) shows the units
    themselves as labelled points (``thin``: year → [(unit, score)])."""
    thin = thin or {}
    held = [e for e in sorted(editions, key=lambda e: e.year) if e.spread["units"]]
    names = {e.year: f"{e.year} ({e.spread['units']}/{e.units_ranked})" for e in held}
    boxed = [e for e in held if e.year not in thin]
    data = []
    if boxed:
        data.append(
            {
                "type": "box",
                "name": _("Phân bố (đủ đơn vị)"),
                "x": [names[e.year] for e in boxed],
                "q1": [as_float(e.spread["q1"]) for e in boxed],
                "median": [as_float(e.spread["median"]) for e in boxed],
                "q3": [as_float(e.spread["q3"]) for e in boxed],
                "lowerfence": [as_float(e.spread["min"]) for e in boxed],
                "upperfence": [as_float(e.spread["max"]) for e in boxed],
                "marker": {"color": PALETTE[0]},
                "line": {"color": PALETTE[0]},
                "fillcolor": "rgba(0,114,178,0.12)",
                "hoverinfo": "x+y",
                "yhoverformat": ".2f",
            }
        )
    points = [(names[e.year], name, score) for e in held for name, score in thin.get(e.year, ())]
    if points:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": _("Các đơn vị có nguồn (quá ít để vẽ phân bố)"),
                "x": [x for x, _n, _s in points],
                "y": [as_float(score) for _x, _n, score in points],
                "text": [name for _x, name, _s in points],
                "hovertemplate": "%{text}: %{y:.2f}<extra>%{x}</extra>",
                "marker": {"color": PALETTE[1], "symbol": "circle", "size": 8},
            }
        )
    return {
        "data": data,
        "layout": base_layout(
            height=380,
            showlegend=bool(points and boxed),
            yaxis={"title": {"text": _("Điểm")}, "tickformat": ".0f"},
            xaxis={
                "title": {"text": _("Năm kết quả (số đơn vị có điểm)")},
                "type": "category",
                "categoryorder": "array",
                "categoryarray": [names[e.year] for e in held],
            },
        ),
    }


# Tiers (reports/tiers.py) on the group map: one fixed colour per tier, the same in every edition, dark to
# light from tier 1 (ColorBrewer Blues, ordered in lightness so it also reads in grey); a label matching no
# band of its edition's scheme is drawn apart (index 0), never guessed into a tier. The legend and the
# hover text carry the tier number and the published label, so colour is never the only cue.
TIER_COLOURS = {0: "#E69F00", 1: "#08306B", 2: "#2171B5", 3: "#6BAED6", 4: "#C6DBEF"}
TIER_INK = {0: "#000000", 1: "#FFFFFF", 2: "#FFFFFF", 3: "#000000", 4: "#000000"}


def choropleth(edition: Edition, rows: list[dict], by: str, predecessors: dict[int, list[str]] | None = None) -> dict:
    """A choropleth over the 63 shapes (GeoJSON fetched by the page, ``properties.code``).

    A 34-era unit is drawn with its predecessors' shapes (``predecessors``: slug → 63-era codes).
    Units without a figure are not drawn (left blank), never coloured as zero. By group, each unit is
    coloured by its row's ``tier`` (discrete colours, no colour bar: the page's legend lists each tier's
    number, published label and thresholds) and its hover text names the tier and the published label.
    """
    locations, z, text = [], [], []
    for row in rows:
        codes = (predecessors or {}).get(row["slug"]) or ([row["code"]] if row["era"] == Era.UNITS_63 else [])
        if by == "score":
            if row["score"] is None:
                continue
            value, label = as_float(row["score"]), f"{row['province']}: {number(row['score'])}"
        else:
            if not row["group"]:
                continue
            value = row.get("tier") or 0
            label = f"{row['province']}: {row.get('tier_name') or _('chưa xếp bậc')} · {row['group']}"
        if row["rank"]:
            label += f" — #{row['rank']}"
        for code in codes:
            if not code:
                continue
            locations.append(code)
            z.append(value)
            text.append(label)
    trace: dict[str, Any] = {
        "type": "choropleth",
        "featureidkey": "properties.code",
        "locations": locations,
        "z": z,
        "text": text,
        "hovertemplate": "%{text}<extra></extra>",
        "marker": {"line": {"color": "#ffffff", "width": 0.6}},
    }
    if by == "score":
        trace["colorscale"] = "Viridis"
        trace["colorbar"] = {"title": {"text": _("Điểm")}, "thickness": 12}
    else:
        # one flat band per tier (0 = no tier), fixed so that a tier keeps its colour across editions
        k = len(TIER_COLOURS)
        scale = []
        for i in range(k):
            scale += [[i / k, TIER_COLOURS[i]], [(i + 1) / k, TIER_COLOURS[i]]]
        trace["colorscale"] = scale
        trace["zmin"], trace["zmax"] = -0.5, k - 0.5
        trace["showscale"] = False
    return {
        "data": [trace],
        "layout": base_layout(
            height=560,
            margin={"l": 0, "r": 0, "t": 10, "b": 0},
            geo={"fitbounds": "geojson", "visible": False},
        ),
        "geojson": True,
        "base": {"missing": _("chưa có số liệu")},
    }


def _break_shapes(breaks: list[dict]) -> tuple[list, list]:
    shapes, annotations = [], []
    for b in breaks:
        x = b["year"] - 0.5
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": x,
                "x1": x,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#555", "dash": "dot", "width": 1},
            }
        )
        annotations.append(
            {
                "x": x,
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "text": _("Bộ tiêu chí mới"),
                "showarrow": False,
                "yanchor": "bottom",
                "font": {"size": 11},
            }
        )
    return shapes, annotations


def province_score_chart(series: list[dict], trend_rows: list[dict], years: list[int], breaks: list[dict]) -> dict:
    data = []
    for i, s in enumerate(series):
        by_year = {p["year"]: p for p in s["rows"]}
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": s["name"],
                # every year, None where no score is held: the line breaks instead of bridging the gap
                "x": years,
                "y": [as_float(by_year[y]["score"]) if y in by_year else None for y in years],
                "hovertemplate": "%{x}: %{y:.2f}<extra>" + s["name"][:40] + "</extra>",
                "line": {"color": PALETTE[i % len(PALETTE)], "width": 3 if i == 0 else 2, "dash": DASHES[i % 6]},
                "marker": {"symbol": SYMBOLS[i % 6], "size": 8},
                "connectgaps": False,
            }
        )
    # Averages: a published line and a computed one, never joined into one; a computed average is
    # drawn only where it rests on enough units (figures.enough_units), and says its coverage.
    for key, label, colour, dash in (
        ("national", _("Trung bình cả nước"), "#000000", "dash"),
        ("regional", _("Trung bình vùng"), PALETTE[5], "dot"),
    ):
        for kind, suffix, width in (
            ("published", _("đã công bố"), 1.5),
            ("computed", _("tính từ các đơn vị có số liệu"), 1),
        ):
            points = [(t["year"], t[key]) for t in trend_rows]
            points = [(y, a if a and a["kind"] == kind and a.get("drawable") else None) for y, a in points]
            if not any(a for _y, a in points):
                continue
            name = f"{label} ({suffix})"
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": name,
                    "x": [y for y, _a in points],
                    "y": [as_float(a["value"]) if a else None for _y, a in points],
                    "text": [a["label"] if a else "" for _y, a in points],
                    "hovertemplate": "%{x}: %{y:.2f} (%{text})<extra>" + name + "</extra>",
                    "line": {"color": colour, "dash": dash if kind == "published" else "dot", "width": width},
                    "marker": {"symbol": "circle-open" if kind == "published" else "x", "size": 7},
                    "connectgaps": False,
                }
            )
    shapes, annotations = _break_shapes(breaks)
    return {
        "data": data,
        "layout": with_legend(
            360,
            len(data),
            xaxis=year_axis(years),
            yaxis={"title": {"text": _("Điểm")}, "tickformat": ".0f"},
            shapes=shapes,
            annotations=annotations,
        ),
    }


def rank_chart(data: list[dict], units_ranked: int | None, years: list[int], breaks: list[dict] = ()) -> dict:
    """Ranks over the years (one trace per unit): whole numbers, 1 at the top, 1 to the units ranked."""
    shapes, annotations = _break_shapes(list(breaks))
    return {
        "data": data,
        "layout": with_legend(
            320,
            len(data),
            xaxis=year_axis(years),
            yaxis=rank_axis(units_ranked, _("Thứ hạng (1 = cao nhất)")),
            shapes=shapes,
            annotations=annotations,
        ),
    }


def province_rank_chart(series: list[dict], years: list[int], breaks: list[dict]) -> dict:
    data = []
    units = [p["units_ranked"] for s in series for p in s["rows"] if p["rank"] is not None and p["units_ranked"]]
    for i, s in enumerate(series):
        by_year = {p["year"]: p for p in s["rows"] if p["rank"] is not None}
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": s["name"],
                "x": years,
                "y": [by_year[y]["rank"] if y in by_year else None for y in years],
                "text": [f"{by_year[y]['rank']}/{by_year[y]['units_ranked']}" if y in by_year else "" for y in years],
                "hovertemplate": "%{x}: %{text}<extra></extra>",
                "line": {"color": PALETTE[i % len(PALETTE)], "dash": DASHES[i % 6]},
                "marker": {"symbol": SYMBOLS[i % 6], "size": 8},
            }
        )
    return rank_chart(data, max(units, default=None), years, breaks)


def compare_score_chart(data: list[dict], years: list[int]) -> dict:
    """Scores of the units compared, one trace each."""
    for trace in data:
        trace.setdefault("hovertemplate", "%{x}: %{y:.2f}<extra>" + str(trace.get("name", ""))[:40] + "</extra>")
    return {
        "data": data,
        "layout": with_legend(
            340, len(data), xaxis=year_axis(years), yaxis={"title": {"text": _("Điểm")}, "tickformat": ".0f"}
        ),
    }


def component_chart(component_series: list[dict], breaks: list[dict]) -> dict:
    data = []
    years: set[int] = set()
    for i, entry in enumerate(component_series):
        points = [p for p in entry["points"] if p["pct"] is not None]
        if not points:
            continue
        years.update(p["year"] for p in points)
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": entry["name"],
                "x": [p["year"] for p in points],
                "y": [as_float(p["pct"]) for p in points],
                "line": {"color": PALETTE[i % len(PALETTE)], "dash": DASHES[i % 6]},
                "marker": {"symbol": SYMBOLS[i % 6], "size": 8},
                "hovertemplate": "%{x}: %{y:.1f}%<extra>" + entry["name"][:40] + "</extra>",
            }
        )
    shapes, annotations = _break_shapes(breaks)
    return {
        "data": data,
        "layout": with_legend(
            340,
            len(data),
            xaxis=year_axis(sorted(years)),
            yaxis={"title": {"text": _("% điểm tối đa")}, "range": [0, 105], "tickformat": ".0f"},
            shapes=shapes,
            annotations=annotations,
        ),
    }
