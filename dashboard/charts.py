"""Plotly figures as plain dicts (a dict costs microseconds, ``graph_objects`` milliseconds), drawn in the page by
the local Plotly bundle. Colours are Okabe-Ito, lines also differ by dash and marker, so no chart relies
on colour alone.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

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


def as_float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def base_layout(**extra) -> dict:
    layout = {
        "font": PLOT_FONT,
        "margin": {"l": 60, "r": 20, "t": 30, "b": 50},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "legend": {"orientation": "h", "y": -0.2},
        "hovermode": "closest",
    }
    layout.update(extra)
    return layout


def rankings_chart(rows: list[dict], national: figures.Average, component: dict | None, edition: Edition) -> dict:
    """Horizontal bars of the rows shown, in their order, with the national average marked."""
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
        "text": [f"{v:.2f}".replace(".", ",") if v is not None else "" for v in values],
        "textposition": "auto",
        "marker": {
            "color": [PALETTE[1] if r["disputed"] else PALETTE[0] for r in plotted],
            "pattern": {"shape": ["/" if r["disputed"] else "" for r in plotted]},
        },
        "hovertemplate": "%{y}: %{x:.2f}<extra></extra>",
        "name": title,
    }
    shapes, annotations = [], []
    if national.value is not None and not component:
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
                "text": _("TB cả nước %(value)s") % {"value": f"{national.value:.2f}".replace(".", ",")},
                "showarrow": False,
            }
        )
    lowest = min(
        [v for v in values if v is not None] + ([as_float(national.value)] if national.value else []), default=0
    )
    return {
        "data": [trace],
        "layout": base_layout(
            height=max(240, 28 * len(plotted) + 80),
            margin={"l": 200, "r": 30, "t": 40, "b": 40},
            yaxis={"autorange": "reversed", "automargin": True},
            xaxis={"range": [max(0, lowest - 5), 100 if not component else None], "title": {"text": title}},
            shapes=shapes,
            annotations=annotations,
            showlegend=False,
        ),
    }


def distribution_chart(editions) -> dict:
    """One box per year from the stored quartiles; the whiskers reach the lowest and highest score held."""
    held = [e for e in sorted(editions, key=lambda e: e.year) if e.spread["units"]]
    names = [f"{e.year} ({e.spread['units']}/{e.units_ranked})" for e in held]
    box = {
        "type": "box",
        "x": names,
        "q1": [as_float(e.spread["q1"]) for e in held],
        "median": [as_float(e.spread["median"]) for e in held],
        "q3": [as_float(e.spread["q3"]) for e in held],
        "lowerfence": [as_float(e.spread["min"]) for e in held],
        "upperfence": [as_float(e.spread["max"]) for e in held],
        "marker": {"color": PALETTE[0]},
        "line": {"color": PALETTE[0]},
        "fillcolor": "rgba(0,114,178,0.12)",
        "hoverinfo": "x+y",
    }
    return {
        "data": [box] if held else [],
        "layout": base_layout(
            height=380,
            showlegend=False,
            yaxis={"title": {"text": _("Điểm")}},
            xaxis={"title": {"text": _("Năm kết quả (số đơn vị có điểm)")}, "type": "category"},
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
            value, label = as_float(row["score"]), f"{row['province']}: {row['score']}"
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
                "line": {"color": PALETTE[i % len(PALETTE)], "width": 3 if i == 0 else 2, "dash": DASHES[i % 6]},
                "marker": {"symbol": SYMBOLS[i % 6], "size": 8},
                "connectgaps": False,
            }
        )
    # Averages: gaps stay gaps (None), computed ones say their coverage in the hover text.
    for key, label, colour, dash in (
        ("national", _("Trung bình cả nước"), "#000000", "dash"),
        ("regional", _("Trung bình vùng"), PALETTE[5], "dot"),
    ):
        points = [(t["year"], t[key] if t[key] and t[key]["value"] is not None else None) for t in trend_rows]
        if not any(a for _y, a in points):
            continue
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": label,
                "x": [y for y, _a in points],
                "y": [as_float(a["value"]) if a else None for _y, a in points],
                "text": [a["label"] if a else "" for _y, a in points],
                "hovertemplate": "%{x}: %{y:.2f} (%{text})<extra>" + label + "</extra>",
                "line": {"color": colour, "dash": dash, "width": 1.5},
                "marker": {"symbol": "circle-open", "size": 7},
            }
        )
    shapes, annotations = _break_shapes(breaks)
    return {
        "data": data,
        "layout": base_layout(
            height=380,
            xaxis={"dtick": 1, "range": [min(years) - 0.5, max(years) + 0.5] if years else None},
            yaxis={"title": {"text": _("Điểm")}},
            shapes=shapes,
            annotations=annotations,
        ),
    }


def province_rank_chart(series: list[dict], years: list[int], breaks: list[dict]) -> dict:
    data = []
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
    shapes, annotations = _break_shapes(breaks)
    return {
        "data": data,
        "layout": base_layout(
            height=320,
            xaxis={"dtick": 1, "range": [min(years) - 0.5, max(years) + 0.5] if years else None},
            yaxis={"autorange": "reversed", "title": {"text": _("Thứ hạng (1 = cao nhất)")}},
            shapes=shapes,
            annotations=annotations,
        ),
    }


def component_chart(component_series: list[dict], breaks: list[dict]) -> dict:
    data = []
    for i, entry in enumerate(component_series):
        points = [p for p in entry["points"] if p["pct"] is not None]
        if not points:
            continue
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
        "layout": base_layout(
            height=360,
            xaxis={"dtick": 1},
            yaxis={"title": {"text": _("% điểm tối đa")}, "range": [0, 105]},
            shapes=shapes,
            annotations=annotations,
        ),
    }
