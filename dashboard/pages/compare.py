"""Up to six units side by side, added by slug or by a typed name."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Case,
    IntegerField,
    Prefetch,
    Q,
    When,
)
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from dashboard.charts import DASHES, PALETTE, SYMBOLS, as_float, compare_score_chart, rank_chart
from dashboard.queries import BadRequest, index_choices, localized, pick_index, visible_editions
from provinces.models import Era, Province, whole_name_q
from provinces.text import fold
from reports import figures
from reports.models import (
    ComponentScore,
)
from reports.visibility import Viewer

MAX_COMPARE = 6


# At most this many units are offered when a typed name matches several (the page stays bounded).
MAX_SUGGESTIONS = 8


def unit_label(name: str, era: int, is_synthetic: bool = False) -> str:
    """How the compare picker names a unit: a real 63-era unit says "(trước 2025)", as ``Province.__str__``."""
    if era == Era.UNITS_63 and not is_synthetic:
        return f"{name} ({_('trước 2025')})"
    return name


def unit_choices() -> list[dict]:
    """Every unit of this site's dataset as the compare picker suggests it (slug, label): one query.

    Served as JSON by its own cached URL, so the compare page does not grow with the units.
    """
    units = Province.objects.in_dataset().order_by().values_list("slug", "name", "era", "is_synthetic")
    ordered = sorted(units, key=lambda u: (u[2], fold(u[1]), u[0]))  # the current (34) units first
    return [{"slug": slug, "label": unit_label(name, era, synthetic)} for slug, name, era, synthetic in ordered]


def resolve_unit(text: str) -> tuple[dict | None, list[dict]]:
    """The unit a typed name means, diacritic-insensitive ("Bac Lieu" → Bạc Liêu): one query.

    Returns ``(unit, [])`` when one unit answers, else ``(None, candidates)``: several units
    (ambiguous, at most ``MAX_SUGGESTIONS`` + 1) or none (unknown). A name, English name, code or
    alias matching exactly wins over a name containing the text; "(trước 2025)" picks the 63-era unit,
    and without it a name both eras share means the current unit (as the picker labels them).
    """
    from django.db.models import Value

    folded = fold(text)
    era = None
    for suffix in (fold(f"({_('trước 2025')})"), "(truoc 2025)"):
        if folded.endswith(suffix):
            era, folded = Era.UNITS_63, folded.removesuffix(suffix).strip()
            break
    if not folded:
        return None, []
    exact = whole_name_q(folded) | Q(slug=text.strip().lower())
    found = Province.objects.in_dataset().filter(Q(search_text__contains=folded) | Q(slug=text.strip().lower()))
    if era:
        found = found.filter(era=era)
    match = Case(
        When(exact, then=Value(2)),
        When(search_text__startswith=folded, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    rows = list(
        found.annotate(match=match)
        .order_by("-match", "era", "name")
        .values("slug", "name", "era", "is_synthetic", "match")[: MAX_SUGGESTIONS + 1]
    )
    for row in rows:
        row["label"] = unit_label(row["name"], row["era"], row["is_synthetic"])
    exact_rows = [r for r in rows if r["match"] == 2]
    if exact_rows:
        if len(exact_rows) > 1 and era is None:
            # "Hà Nội" is the current Hà Nội; the pre-2025 one is "Hà Nội (trước 2025)".
            unsuffixed = [r for r in exact_rows if r["label"] == r["name"]]
            if len(unsuffixed) == 1:
                return unsuffixed[0], []
        return (exact_rows[0], []) if len(exact_rows) == 1 else (None, exact_rows)
    return (rows[0], []) if len(rows) == 1 else (None, rows)


def compare_url(slugs: list[str], index_code: str = "", year: str = "") -> str:
    """The compare page of ``slugs`` (same parameters as its form)."""
    query = [("p", s) for s in slugs] + [(k, v) for k, v in (("index", index_code), ("year", year)) if v]
    return reverse("dashboard:compare") + ("?" + urlencode(query) if query else "")


def compare_page(params: QueryDict, viewer: Viewer) -> dict[str, Any]:
    """Up to six units side by side. Queries: editions, the selected units, results (+ component scores).

    The picker lists only the selected units; others are added by name (``them=``, resolved here
    in one more query, then a redirect to the page with ``p=`` the unit's slug) or picked from
    suggestions a script loads from ``unit_choices`` (its own cached URL). Returns ``{"redirect": url}``
    when a typed name was resolved.
    """
    requested = [s for s in dict.fromkeys(params.getlist("p")) if s]
    slugs = requested[:MAX_COMPARE]
    too_many = len(requested) > MAX_COMPARE
    typed = (params.get("them") or "").strip()[:100]
    pick_error, candidates = "", []
    if typed:
        if len(slugs) >= MAX_COMPARE:
            pick_error = _("Đã chọn đủ %(n)s đơn vị: bỏ bớt một đơn vị trước khi thêm “%(name)s”.") % {
                "n": MAX_COMPARE,
                "name": typed,
            }
        else:
            unit, candidates = resolve_unit(typed)
            if unit is not None:
                query = params.copy()
                query.pop("them", None)
                query.setlist("p", list(dict.fromkeys([*requested, unit["slug"]])))
                return {"redirect": reverse("dashboard:compare") + "?" + query.urlencode()}
            if not candidates:
                pick_error = _("Không tìm thấy tỉnh, thành phố nào tên “%(name)s”.") % {"name": typed}
            else:
                pick_error = _("Có nhiều đơn vị khớp với “%(name)s”; chọn một:") % {"name": typed}
    editions = visible_editions(viewer)
    index_code = pick_index(editions, params.get("index"))
    of_index = sorted((e for e in editions if e.index.code == index_code), key=lambda e: e.year)
    year_param = params.get("year") or ""
    # the chosen units and, in the same query, their predecessors (offered when a unit has no results yet)
    chosen = list(
        Province.objects.in_dataset()
        .filter(Q(slug__in=slugs) | Q(successor__slug__in=slugs))
        .order_by("name")
        .values("slug", "name", "era", "is_synthetic", "successor__slug")
    )
    known = {u["slug"]: u for u in chosen if u["slug"] in slugs} if slugs else {}
    unknown = [s for s in slugs if s not in known]
    if unknown:
        raise Http404(_("Không có tỉnh, thành phố “%(slug)s”.") % {"slug": unknown[0]})
    suggestions = [
        {"label": c["label"], "url": compare_url([*slugs, c["slug"]], index_code, year_param)}
        for c in candidates[:MAX_SUGGESTIONS]
    ]
    # One place, one series (provinces/lineage.py): a unit formed from a single predecessor continues it.
    formed_from = {slug: [p["slug"] for p in chosen if p["successor__slug"] == slug] for slug in slugs}
    same_place = {slug: {slug, *parts} if len(parts) == 1 else {slug} for slug, parts in formed_from.items()}
    results = list(
        viewer.results()
        .filter(edition__in=[e.pk for e in of_index], province__slug__in=sorted(set().union(*same_place.values())))
        .select_related("province", "edition")
        .prefetch_related(Prefetch("component_scores", queryset=ComponentScore.objects.select_related("component")))
    )
    years = [e.year for e in of_index]
    units = []
    for slug in slugs:
        own = {r.edition.year: r for r in results if r.province.slug in same_place[slug]}
        unit = known[slug]
        units.append(
            {
                "slug": slug,
                "name": unit["name"],
                "label": unit_label(unit["name"], unit["era"], unit["is_synthetic"]),
                "era": unit["era"],
                "by_year": own,
                "remove_url": compare_url([s for s in slugs if s != slug], index_code, year_param),
                # a merged unit's results before 1 July 2025 are its predecessors': offer them
                "predecessors": []
                if own
                else [
                    {
                        "label": unit_label(p["name"], p["era"], p["is_synthetic"]),
                        "add_url": compare_url([*slugs, p["slug"]], index_code, year_param),
                    }
                    for p in chosen
                    if p["successor__slug"] == slug and p["slug"] not in slugs
                ],
            }
        )
    table = [
        {
            "year": y,
            "cells": [
                {"score": u["by_year"][y].score, "rank": u["by_year"][y].rank} if y in u["by_year"] else None
                for u in units
            ],
        }
        for y in years
        if any(y in u["by_year"] for u in units)
    ]
    held_years = [row["year"] for row in table]
    try:
        component_year = int(year_param) if year_param else None
    except ValueError:
        raise BadRequest(_("Năm “%(year)s” không hợp lệ.") % {"year": year_param}) from None
    if component_year is None:
        component_year = next(
            (
                y
                for y in reversed(held_years)
                if any(y in u["by_year"] and u["by_year"][y].component_scores.all() for u in units)
            ),
            held_years[-1] if held_years else None,
        )
    component_table = []
    if component_year is not None:
        names: dict[str, tuple] = {}
        for u in units:
            r = u["by_year"].get(component_year)
            if r:
                for cs in r.component_scores.all():
                    names[cs.component.key] = (cs.component.order, localized(cs.component), cs.component.max_points)
        for key, (_order, name, max_points) in sorted(names.items(), key=lambda kv: kv[1][0]):
            cells = []
            for u in units:
                r = u["by_year"].get(component_year)
                cs = next((c for c in r.component_scores.all() if c.component.key == key), None) if r else None
                cells.append(
                    {"score": cs.score, "rank": cs.rank, "pct": figures.percent_of_max(cs.score, max_points)}
                    if cs
                    else None
                )
            component_table.append({"name": name, "max_points": max_points, "cells": cells})
    shown = [r for u in units for r in u["by_year"].values()]
    score_data, rank_data = [], []
    for i, u in enumerate(units):
        by_year = u["by_year"]
        style = {"color": PALETTE[i % len(PALETTE)], "dash": DASHES[i % 6]}
        marker = {"symbol": SYMBOLS[i % 6], "size": 8}
        # every year, None where nothing is held: lines break at gaps instead of bridging them
        common = {"type": "scatter", "mode": "lines+markers", "name": u["label"], "line": style, "marker": marker}
        score_data.append(
            common | {"x": years, "y": [as_float(by_year[y].score) if y in by_year else None for y in years]}
        )
        rank_data.append(common | {"x": years, "y": [by_year[y].rank if y in by_year else None for y in years]})
    return {
        "indices": index_choices(editions),
        "index_code": index_code,
        "index": of_index[0].index if of_index else None,
        "units": units,
        "selected": slugs,
        "typed": typed if pick_error else "",
        "pick_error": pick_error,
        "suggestions": suggestions,
        "too_many": too_many,
        "max_compare": MAX_COMPARE,
        "table": table,
        "component_year": component_year,
        "component_table": component_table,
        "years_held": held_years,
        "score_chart": compare_score_chart(score_data, years),
        "rank_chart": rank_chart(rank_data, max((r.edition.units_ranked or 0 for r in shown), default=0), years),
    }
