"""Downloads of every page that shows data: the same query plus ``format=csv|xlsx|json``, exactly what the
page shows, as one long table with stable ASCII column keys (the page's language changes no key and no
value but ``metadata.title``).

The long table (:data:`COLUMNS`), one figure per row:

- ``unit_code``, ``era`` (63 or 34), ``unit_slug``, ``unit_name`` (as published, in Vietnamese): the unit;
  an average's row names the country (``VN``, "Cả nước") or the region (its code and name).
- ``index`` (code, e.g. ``PAR_INDEX``), ``year`` (the year the results are about).
- ``metric``: ``score``, ``rank``, ``group``, ``score_change``, ``rank_change``, ``component.<key>``,
  ``national_average``, ``regional_average``, ``score_min``, ``score_median``, ``score_max``.
- ``value``: a number (text only for ``group``); an empty cell is a figure not held, never 0.
- ``basis``: ``published`` (as the publisher states it), ``stated`` (a source states it: a change
  reported in an article), ``computed`` (by this site, from published figures: a change, a rank
  from complete scores, an average or spread over ``units_covered`` of ``units_total`` units),
  ``disputed`` (sources disagree: the value more sources state, or none for an even split).
- ``units_covered``, ``units_total``: what a computed statistic rests on; for a rank, the units ranked.
- ``status``: ``published`` or ``draft`` (a draft reaches only who may see it: every row comes from the
  page's builder, which reads through the ``Viewer``).
- ``source_url``: the articles stating the figure, space-separated (http(s) only).

The CSV holds the data rows only (UTF-8 with BOM, formulas escaped); the notes (source, licence,
coverage, filters) are the JSON's ``metadata`` and the XLSX's ``metadata`` sheet, and the CSV links to
them with a ``Link: <…format=json>; rel="describedby"`` header.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from provinces.inputs import escape_formula
from provinces.text import fold

FORMATS = ("csv", "xlsx", "json")
COLUMNS = (
    "unit_code",
    "era",
    "unit_slug",
    "unit_name",
    "index",
    "year",
    "metric",
    "value",
    "basis",
    "units_covered",
    "units_total",
    "status",
    "source_url",
)
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
NATIONAL = {"unit_code": "VN", "unit_slug": "", "unit_name": "Cả nước"}


def format_of(request: HttpRequest) -> str | None:
    """The download asked for: ``""`` for the page itself, None for a format that does not exist."""
    fmt = request.GET.get("format", "")
    return fmt if fmt in ("", *FORMATS) else None


@dataclass
class Table:
    """A page's long table: its rows (dicts of :data:`COLUMNS`), the file name's parts and the notes."""

    name_parts: list = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)

    def add(self, unit: dict, index: str, year, metric: str, value, basis: str, status: str, **extra) -> None:
        self.rows.append(
            {
                "unit_code": unit.get("unit_code", ""),
                "era": unit.get("era"),
                "unit_slug": unit.get("unit_slug", ""),
                "unit_name": unit.get("unit_name", ""),
                "index": index,
                "year": year,
                "metric": metric,
                "value": value,
                "basis": basis,
                "units_covered": extra.get("units_covered"),
                "units_total": extra.get("units_total"),
                "status": status,
                "source_url": extra.get("source_url", ""),
            }
        )

    @property
    def filename(self) -> str:
        """``par-index-2023-dong-nam-bo``: the page's index, year and filters, ASCII."""
        return "-".join(filter(None, (slugify(fold(str(p))) for p in self.name_parts if p not in (None, "")))) or (
            "cchc"
        )


def unit_of(code: str, era, slug: str, name: str) -> dict:
    return {"unit_code": code, "era": era, "unit_slug": slug, "unit_name": name}


def status_of(draft: bool) -> str:
    return "draft" if draft else "published"


def sources_of(citations) -> str:
    return " ".join(dict.fromkeys(c["article_url"] for c in citations if c.get("article_url")))


def add_average(table: Table, unit: dict, index: str, year, metric: str, average: dict, status: str) -> None:
    """An average as the page shows it: its value, basis (published, computed, disputed) and units."""
    if average is None or average.get("kind") == "missing":
        return
    basis = {"published": "published", "disputed": "disputed"}.get(average["kind"], "computed")
    if basis == "disputed" or (basis == "published" and average.get("stated")):
        basis = "disputed"
    table.add(
        unit,
        index,
        year,
        metric,
        average["value"],
        basis,
        status,
        units_covered=average.get("units"),
        units_total=average.get("units_total"),
    )


def add_result(table: Table, row: dict, index: str, year, units_ranked, metrics=("score", "rank")) -> None:
    """A result row (``dashboard.queries.result_row`` or alike) as its figures, in ``metrics`` order."""
    unit = unit_of(row["code"], row["era"], row["slug"], row["province"])
    status = status_of(row.get("draft", False))
    source = sources_of(row.get("citations", []))
    for metric in metrics:
        if metric == "score":
            basis = "disputed" if row.get("disputed") else "published"
            table.add(unit, index, year, "score", row["score"], basis, status, source_url=source)
        elif metric == "rank":
            basis = "published" if row.get("rank_published", True) else "computed"
            table.add(
                unit, index, year, "rank", row["rank"], basis, status, units_total=units_ranked, source_url=source
            )
        elif metric == "group":
            table.add(unit, index, year, "group", row.get("group") or None, "published", status, source_url=source)
        elif metric == "score_change":
            basis = "stated" if row.get("change_basis") == "reported" else "computed"
            table.add(unit, index, year, "score_change", row.get("score_delta"), basis, status)
        elif metric == "rank_change":
            stated = row.get("change_basis") == "reported" or (
                row.get("stated_rank_delta") is not None and row.get("rank_delta") == row.get("stated_rank_delta")
            )
            basis = "stated" if stated else "computed"
            table.add(unit, index, year, "rank_change", row.get("rank_delta"), basis, status)


def metadata(request: HttpRequest, title: str, publisher: str, coverage, filters: dict) -> dict:
    """The notes of a download (source, licence, coverage, filters, address): JSON metadata, XLSX sheet."""
    query = request.GET.copy()
    query.pop("format", None)
    address = request.build_absolute_uri(request.path + ("?" + query.urlencode() if query else ""))
    return {
        "title": title,
        "source": publisher,
        "compiled_by": _("Chỉ số CCHC cấp tỉnh (CCHC dashboard)"),
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "coverage": str(coverage) if coverage is not None else "",
        "filters": {k: str(v) for k, v in filters.items() if v not in (None, "")},
        "page": address,
        "retrieved": date.today().isoformat(),
        "columns": list(COLUMNS),
        "notes": _(
            "Một dòng một con số; ô trống là chưa có số liệu, không phải 0. basis: published (như đơn vị "
            "công bố), stated (bài viết nguồn nêu), computed (trang này tính từ số đã công bố, trên "
            "units_covered/units_total đơn vị), disputed (các nguồn mâu thuẫn)."
        ),
    }


# --------------------------------------------------------------------------- writers


def json_number(value):
    """A stored decimal as a JSON number (``86.98``, never ``"86.9800000000000"``); text and None as they are."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent >= 0 else float(value)
    return value


def csv_cell(value) -> str:
    """A CSV cell: missing is empty; a decimal plain (``81.2``); text a spreadsheet would run (``= + - @``,
    tab, CR first) gets a leading ``'`` (OWASP CSV injection); numbers, negative ones included, stay numbers."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return escape_formula(str(value))


def _xlsx_row(sheet, values) -> None:
    """Append a row: numbers as numbers, text always as a string cell (never a formula), escaped like CSV."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        if value is None or value == "":
            cells.append(None)
        elif isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            cells.append(json_number(value))
        else:
            cell = WriteOnlyCell(sheet, value=escape_formula(str(value)))
            cell.data_type = "s"
            cells.append(cell)
    sheet.append(cells)


def respond(request: HttpRequest, table: Table, fmt: str) -> HttpResponse:
    """The table as a file of ``fmt``: ``attachment; filename="<filters>.<fmt>"``."""
    if fmt == "json":
        body = {
            "metadata": table.metadata,
            "columns": list(COLUMNS),
            "rows": [{k: json_number(row[k]) for k in COLUMNS} for row in table.rows],
        }
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8"
        )
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(COLUMNS)
        for row in table.rows:
            writer.writerow([csv_cell(row[k]) for k in COLUMNS])
        response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
        query = request.GET.copy()
        query["format"] = "json"
        response["Link"] = f'<{request.path}?{query.urlencode()}>; rel="describedby"; type="application/json"'
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("data")
        _xlsx_row(sheet, COLUMNS)
        for row in table.rows:
            _xlsx_row(sheet, [row[k] for k in COLUMNS])
        about = workbook.create_sheet("metadata")
        for key, value in table.metadata.items():
            if isinstance(value, dict):
                value = "; ".join(f"{k}={v}" for k, v in value.items())
            elif isinstance(value, list):
                value = ", ".join(map(str, value))
            _xlsx_row(about, [key, value])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{table.filename}.{fmt}"'
    return response


def links(request: HttpRequest, params: tuple[str, ...]) -> list[dict]:
    """The page's CSV · XLSX · JSON links: its current query (only the parameters it reads) plus ``format=``."""
    kept = [(k, v) for k in params if k != "format" for v in request.GET.getlist(k) if v]
    from django.utils.http import urlencode

    return [{"format": fmt.upper(), "url": "?" + urlencode([*kept, ("format", fmt)])} for fmt in FORMATS]


# --------------------------------------------------------------------------- each page's table


def _edition_unit(edition, base: dict) -> dict:
    return base | {"era": edition.era}


def rankings_table(request: HttpRequest, context: dict) -> Table:
    """The rankings rows shown (this page of them, filtered and sorted as shown), their components, and
    the national (and region's) average the page states."""
    edition = context["edition"]
    index, year = edition.index.code, edition.year
    cleaned = context["form"].cleaned_data
    page = (context.get("pagination") or {}).get("page", 1)
    status = status_of(edition.status != "published")
    table = Table(
        name_parts=[
            edition.index.short_name,
            year,
            cleaned.get("region"),
            cleaned.get("group"),
            cleaned.get("component"),
            cleaned.get("q"),
            f"trang-{page}" if page > 1 else "",
        ],
        metadata=metadata(
            request,
            f"{edition.index.name} {year}",
            edition.index.publisher,
            context["coverage"],
            {k: cleaned.get(k) for k in ("index", "year", "region", "group", "component", "q", "sort", "page")}
            | {"index": index, "year": year},
        ),
    )
    metrics = ("rank", "score", "score_change", "rank_change", "group")
    for row in context["rows"]:
        add_result(table, row, index, year, edition.units_ranked, metrics)
        unit = unit_of(row["code"], row["era"], row["slug"], row["province"])
        for component in context["components"]:
            cell = row["components"].get(component["key"]) or {}
            table.add(unit, index, year, f"component.{component['key']}", cell.get("score"), "published", status)
    add_average(table, _edition_unit(edition, NATIONAL), index, year, "national_average", context["national"], status)
    region = context.get("region_average")
    if region:
        code = cleaned.get("region")
        add_average(
            table, unit_of(code, edition.era, code, region["name"]), index, year, "regional_average", region, status
        )
    return table


def map_table(request: HttpRequest, context: dict) -> Table:
    """The map's units (those it draws, as its table lists them): score, rank, group."""
    edition = context["edition"]
    index, year = edition.index.code, edition.year
    table = Table(
        name_parts=[edition.index.short_name, year, "ban-do"],
        metadata=metadata(
            request,
            f"{edition.index.name} {year}",
            edition.index.publisher,
            context["coverage"],
            {"index": index, "year": year, "by": context["by"]},
        ),
    )
    for row in context["rows"]:
        add_result(table, row, index, year, edition.units_ranked, ("score", "rank", "group"))
    return table


def overview_table(request: HttpRequest, context: dict) -> Table:
    """The overview: the national average and spread of every year, the latest year's regional averages,
    and the units its map, leaders and movers show."""
    edition = context.get("edition")
    table = Table(name_parts=[context.get("index_code"), "tong-quan"])
    if edition is None:
        table.metadata = metadata(request, "", "", None, {"index": context.get("index_code")})
        return table
    index, year = edition.index.code, edition.year
    table.name_parts = [edition.index.short_name, year, "tong-quan"]
    table.metadata = metadata(
        request, f"{edition.index.name} {year}", edition.index.publisher, context["coverage"], {"index": index}
    )
    national = NATIONAL | {"era": None}  # one row per year, of either era
    for row in context["distribution"]:
        add_average(table, national, index, row["year"], "national_average", row["national"], "published")
        for metric in ("min", "median", "max"):
            table.add(
                national,
                index,
                row["year"],
                f"score_{metric}",
                row[metric],
                "computed",
                "published",
                units_covered=row["units"],
                units_total=row["units_total"],
            )
    for region in context["regional"]:
        unit = unit_of(region["code"], edition.era, region["code"], region["name"])
        add_average(table, unit, index, year, "regional_average", region, "published")
    seen = set()
    for rows in (context["map_rows"], context["leaders"], context["movers_up"], context["movers_down"]):
        for row in rows:
            if row["id"] not in seen:
                seen.add(row["id"])
                add_result(
                    table, row, index, year, edition.units_ranked, ("rank", "score", "score_change", "rank_change")
                )
    return table


def province_table(request: HttpRequest, context: dict) -> Table:
    """A unit's page: its results and its predecessors' (each under its own unit), the national and
    regional averages beside them, and its component scores."""
    province, index = context["province"], context["index"]
    index_code = index.code if index else ""
    table = Table(
        name_parts=[index.short_name if index else "", province.slug],
        metadata=metadata(
            request,
            f"{province.name} — {index.name}" if index else province.name,
            index.publisher if index else "",
            None,
            {"index": index_code, "unit": province.slug},
        ),
    )
    units = {u.pk: u for u in [province, *context["predecessors"], context["continues"]] if u is not None}

    def unit(pk: int) -> dict:
        u = units[pk]
        return unit_of(u.code, u.era, u.slug, u.name)

    draft_by_year = {}
    for series in context["series"]:
        for row in series["rows"]:
            draft_by_year[row["year"]] = row["draft"]
            status = status_of(row["draft"])
            source = sources_of(row["citations"])
            who, year = unit(row["unit_id"]), row["year"]
            basis = "disputed" if row["disputed"] else "published"
            table.add(who, index_code, year, "score", row["score"], basis, status, source_url=source)
            table.add(
                who,
                index_code,
                year,
                "rank",
                row["rank"],
                "published",
                status,
                units_total=row["units_ranked"],
                source_url=source,
            )
            table.add(who, index_code, year, "group", row["group"] or None, "published", status, source_url=source)
    region = province.region
    for row in context["trend_rows"]:
        status = status_of(row["draft"])
        national = NATIONAL | {"era": row["era"]}
        add_average(table, national, index_code, row["year"], "national_average", row["national"], status)
        if region is not None and row["regional"]:
            who = unit_of(region.code, row["era"], region.code, region.name)
            add_average(table, who, index_code, row["year"], "regional_average", row["regional"], status)
    for component in context["component_series"]:
        for point in component["points"]:
            status = status_of(draft_by_year.get(point["year"], False))
            table.add(
                unit(point["unit_id"]),
                index_code,
                point["year"],
                f"component.{component['key']}",
                point["score"],
                "published",
                status,
            )
    return table


def compare_table(request: HttpRequest, context: dict) -> Table:
    """The units compared: each one's score and rank in every year shown, and the component scores of
    the year the page shows them for."""
    index = context["index"]
    index_code = index.code if index else ""
    table = Table(
        name_parts=[index.short_name if index else "", "so-sanh", *context["selected"]],
        metadata=metadata(
            request,
            index.name if index else "",
            index.publisher if index else "",
            None,
            {"index": index_code, "units": " ".join(context["selected"]), "year": context["component_year"]},
        ),
    )
    for u in context["units"]:
        for year, result in sorted(u["by_year"].items()):
            p = result.province
            who = unit_of(p.code, p.era, p.slug, p.name)
            status = status_of(result.edition.status != "published")
            basis = "disputed" if result.disputed else "published"
            table.add(who, index_code, year, "score", result.score, basis, status)
            table.add(
                who, index_code, year, "rank", result.rank, "published", status, units_total=result.edition.units_ranked
            )
            if year == context["component_year"]:
                for cs in sorted(result.component_scores.all(), key=lambda c: c.component.order):
                    table.add(who, index_code, year, f"component.{cs.component.key}", cs.score, "published", status)
    return table
