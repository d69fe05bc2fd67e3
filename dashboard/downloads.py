"""Downloads of the rankings: the same parameters plus ``format=csv|xlsx|json``, exactly the rows shown,
with source, licence and coverage notes (OWID style); Datasette-style twins of the page."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from provinces.inputs import escape_formula

FORMATS = {"csv", "xlsx", "json"}


def download_table(context: dict) -> tuple[list[str], list[list]]:
    """Header and rows of a rankings download; missing figures are empty cells, never 0."""
    components = context["components"]
    header = (
        [
            _("Hạng"),
            _("Tỉnh, thành phố"),
            _("Vùng"),
            _("Điểm"),
            _("Thay đổi điểm"),
            _("Thay đổi bậc"),
            _("Nhóm"),
            _("Nguồn mâu thuẫn"),
        ]
        + [c["name"] for c in components]
        + [_("Nguồn")]
    )
    rows = []
    for row in context["rows"]:
        rows.append(
            [
                row["rank"],
                row["province"],
                row["region"],
                row["score"],
                row["score_delta"],
                row["rank_delta"],
                row["group"],
                _("có") if row["disputed"] else "",
            ]
            + [(row["components"].get(c["key"]) or {}).get("score") for c in components]
            + [" ".join(dict.fromkeys(c["article_url"] for c in row["citations"] if c["article_url"]))]
        )
    return header, rows


def download_notes(request: HttpRequest, context: dict) -> list[tuple[str, str]]:
    edition = context["edition"]
    national = context["national"]
    return [
        (_("Chỉ số"), f"{edition.index.name} ({edition.index.short_name}) {edition.year}"),
        (_("Đơn vị công bố"), edition.index.publisher),
        (_("Độ phủ"), str(context["coverage"])),
        (_("Số dòng"), str(len(context["rows"]))),
        (
            _("Trung bình cả nước"),
            f"{national['value']} ({national['label']})" if national["value"] is not None else national["label"],
        ),
        (
            _("Nguồn"),
            _(
                "Số liệu như Bộ Nội vụ công bố, thu thập từ các bài viết nguồn ghi tại trang từng tỉnh; "
                "ô trống là chưa có số liệu, không phải 0."
            ),
        ),
        (_("Giấy phép"), _("Dữ liệu công khai; khi dùng lại xin ghi nguồn: Chỉ số CCHC cấp tỉnh (CCHC dashboard).")),
        (_("Địa chỉ"), request.build_absolute_uri(request.path + "?" + context["query_string"])),
        (_("Ngày tải"), date.today().isoformat()),
    ]


def _cell(value):
    """A CSV cell: missing is empty; text a spreadsheet would run (``= + - @``, tab, CR first) gets a
    leading ``'`` (OWASP CSV injection); numbers, negative ones included, are written as numbers."""
    if value is None:
        return ""
    return escape_formula(value)


def _xlsx_row(sheet, values) -> None:
    """Append a row: numbers as numbers, text always as a string cell (never a formula), escaped like CSV."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        if value is None:
            cells.append(None)
        elif hasattr(value, "as_tuple"):  # Decimal
            cells.append(float(value))
        elif isinstance(value, int | float):
            cells.append(value)
        else:
            cell = WriteOnlyCell(sheet, value=escape_formula(str(value)))
            cell.data_type = "s"
            cells.append(cell)
    sheet.append(cells)


def rankings_file(request: HttpRequest, context: dict, fmt: str) -> HttpResponse:
    edition = context["edition"]
    header, rows = download_table(context)
    notes = download_notes(request, context)
    filename = f"cchc-{edition.index.code.lower()}-{edition.year}"
    if fmt == "json":
        body = {
            "notes": dict(notes),
            "columns": header,
            "rows": [dict(zip(header, row, strict=True)) for row in rows],
        }
        response = HttpResponse(
            json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
            content_type="application/json; charset=utf-8",
        )
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([_cell(v) for v in header])
        for row in rows:
            writer.writerow([_cell(v) for v in row])
        writer.writerow([])
        for key, value in notes:
            writer.writerow([f"# {key}", _cell(value)])
        response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = str(edition.year)
        _xlsx_row(sheet, header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            _xlsx_row(sheet, row)
        about = workbook.create_sheet(_("Ghi chú"))
        for key, value in notes:
            _xlsx_row(about, [key, value])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
