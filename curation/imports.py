"""Import of an official yearly table (CSV or XLSX): validate everything, then write all or nothing.

Two steps, shared by the admin (upload → dry-run preview → apply) and ``manage.py import_results``:

- :func:`validate` is pure: it reads the file and returns an :class:`ImportReport` with every row's
  outcome (create / update / unchanged / error, messages in Vietnamese, translatable) and writes
  nothing.
- :func:`apply` writes a report without errors inside one transaction, saving object by object so that
  django-simple-history records who changed what. Re-importing the same file writes nothing; a
  corrected file updates only the rows and cells that changed. Rows of the edition that the file does
  not mention are left as they are.

Rules (any violated rule rejects the whole file):

- CSV must be UTF-8 (a BOM is accepted); anything else (Windows-1258, cp1252 …) is rejected, never
  guessed. XLSX is read with openpyxl; a truncated or corrupt workbook is rejected.
- Headers are matched folded (diacritics and case ignored): province ("Tỉnh/Thành phố"), code ("Mã"),
  score ("Điểm", "Chỉ số CCHC"), rank ("Xếp hạng", "Thứ hạng"), group ("Nhóm"), and each component of
  the edition's framework by its key or name. An unknown column is an error.
- Numbers in Vietnamese or English notation ("81,20", "90,09%").
- A province is matched by name or alias in the era of the year (diacritic-insensitive) or by its GSO
  code of that era; unknown, ambiguous, or not existing that year is an error, as is a duplicate.
- The score lies within the index's scale; each component score within 0 and the component's maximum
  (components whose maximum is not known — ``max_points`` null — skip the maximum check).
- When a row has every component of the framework and a total, the components add up to the total
  within :data:`SUM_TOLERANCE` (0.05 points).
- Ranks are standard competition ranks consistent with the scores: a better score never has a worse
  rank, equal scores share a rank, different scores never share one; a full table (every unit, every
  score) must carry exactly the ranks computed from its scores.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from provinces.inputs import control_characters, formula_like
from provinces.models import Era, Gazetteer, Province
from provinces.text import fold, parse_number
from reports import tiers
from reports.derived import statistics_deferred
from reports.figures import ranks_from_scores
from reports.models import Component, ComponentScore, Edition, Framework, Index, Result, Status

SUM_TOLERANCE = Decimal("0.05")
UNITS_PER_ERA = {Era.UNITS_63: 63, Era.UNITS_34: 34}

HEADERS = {
    "province": {"tinh/thanh pho", "tinh, thanh pho", "tinh", "thanh pho", "don vi", "ten tinh", "province"},
    "code": {"ma", "ma tinh", "ma gso", "code"},
    "score": {"diem", "tong diem", "chi so cchc", "chi so", "chi so par index", "par index", "sipas", "score"},
    "rank": {"xep hang", "thu hang", "hang", "rank"},
    "group": {"nhom", "xep loai", "group"},
    "ignored": {"stt", "tt", "#", "ghi chu", "no.", "notes"},
}

ACTIONS = {
    "create": gettext_lazy("thêm mới"),
    "update": gettext_lazy("cập nhật"),
    "unchanged": gettext_lazy("không đổi"),
    "error": gettext_lazy("lỗi"),
}


class ImportFileError(Exception):
    """The file as a whole cannot be read."""


@dataclass
class RowOutcome:
    line: int
    label: str
    action: str = "unchanged"
    messages: list[str] = field(default_factory=list)
    province: Province | None = None
    values: dict = field(default_factory=dict)  # score, rank, group (only the columns present)
    components: dict = field(default_factory=dict)  # Component -> Decimal | None

    @property
    def action_display(self) -> str:
        return str(ACTIONS[self.action])

    def error(self, message: str) -> None:
        self.action = "error"
        self.messages.append(message)


@dataclass
class ImportReport:
    index: Index
    year: int
    filename: str = ""
    edition: Edition | None = None
    framework: Framework | None = None
    synthetic: bool = False
    file_errors: list[str] = field(default_factory=list)
    rows: list[RowOutcome] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.file_errors and bool(self.rows) and all(r.action != "error" for r in self.rows)

    def count(self, action: str) -> int:
        return sum(r.action == action for r in self.rows)

    @property
    def errors(self) -> list[str]:
        """Every error, file-level first, then ``dòng N: …`` per row."""
        out = list(self.file_errors)
        for row in self.rows:
            if row.action == "error":
                out += [
                    _("dòng %(line)s (%(label)s): %(msg)s") % {"line": row.line, "label": row.label, "msg": m}
                    for m in row.messages
                ]
        return out

    def summary(self) -> str:
        if self.file_errors or not self.ok:
            return _("Tệp bị từ chối: %(n)s lỗi, không có gì được ghi.") % {"n": len(self.errors)}
        return _("%(edition)s: %(create)s thêm mới, %(update)s cập nhật, %(unchanged)s không đổi.") % {
            "edition": self.edition or f"{self.index} {self.year}",
            "create": self.count("create"),
            "update": self.count("update"),
            "unchanged": self.count("unchanged"),
        }


# --- reading -----------------------------------------------------------------------------------------

# Bounded by design (README "Security and input limits"): a real table is well under 1 MB and 100 rows;
# anything larger than these is refused before it is parsed, within a second, never a server error.
MAX_FILE_BYTES = 10 * 1024 * 1024  # bytes of the uploaded file
MAX_ROWS = 20_000  # rows of the table, header included
MAX_XLSX_UNCOMPRESSED = 100 * 1024 * 1024  # the XLSX zip's members, decompressed, all together
MAX_XLSX_MEMBERS = 1_000
MAX_COLUMNS = 200
MAX_XLSX_CELLS = 1_000_000  # every sheet's cells together (5,000 rows of 200 columns)


class Uncomputed:
    """An XLSX formula cell saved without its computed value (openpyxl does not calculate)."""

    def __init__(self, formula: str):
        self.formula = formula

    def __str__(self) -> str:
        return ""


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f}"


def read_table(data: bytes, filename: str) -> list[list]:
    """Rows of cells (strings or numbers) from CSV or XLSX bytes; raises ImportFileError."""
    if not data or not data.strip():
        raise ImportFileError(_("Tệp rỗng."))
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            _("Tệp %(size)s MB, lớn hơn giới hạn %(max)s MB: một bảng kết quả chỉ vài chục dòng.")
            % {"size": _mb(len(data)), "max": _mb(MAX_FILE_BYTES)}
        )
    is_xlsx = Path(filename or "").suffix.lower() in (".xlsx", ".xlsm") or data[:2] == b"PK"
    if is_xlsx:
        return _read_xlsx(data)
    return _read_csv(data)


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        _("Tệp có hơn %(max)s dòng: không phải một bảng kết quả theo tỉnh; không có gì được đọc thêm.")
        % {"max": f"{MAX_ROWS:,}".replace(",", ".")}
    )


def _check_zip(data: bytes) -> None:
    """Refuse a zip bomb before openpyxl opens it: the members' declared sizes, which zipfile (and so
    openpyxl) never reads past, add up to at most MAX_XLSX_UNCOMPRESSED."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ImportFileError(_("Tệp XLSX bị hỏng hoặc không đầy đủ (%(err)s).") % {"err": type(exc).__name__}) from exc
    total = sum(m.file_size for m in members)
    if len(members) > MAX_XLSX_MEMBERS or total > MAX_XLSX_UNCOMPRESSED:
        raise ImportFileError(
            _("Tệp XLSX giải nén ra %(size)s MB (%(n)s phần), quá giới hạn %(max)s MB: tệp bị từ chối, không được mở.")
            % {"size": _mb(total), "n": len(members), "max": _mb(MAX_XLSX_UNCOMPRESSED)}
        )
    _count_sheet_rows(data, [m for m in members if _SHEET.match(m.filename)])


_SHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")


def _count_sheet_rows(data: bytes, sheets: list) -> None:
    """Count each sheet's rows and all cells by streaming its XML (C-speed regex, stops at the limit), before
    openpyxl opens the workbook: read-only openpyxl scans a whole sheet that declares no dimension when it
    opens it (60 MB of rows: 11 s), so a sheet of too many rows or cells is refused before that."""
    cells = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in sheets:
            rows, tail = 0, b""
            with archive.open(member) as stream:
                while chunk := stream.read(1024 * 1024):
                    window = tail + chunk
                    rows += len(_ROW_TAG.findall(window)) - len(_ROW_TAG.findall(tail))
                    cells += len(_CELL_TAG.findall(window)) - len(_CELL_TAG.findall(tail))
                    tail = window[-16:]
                    if rows > MAX_ROWS:
                        raise _too_many_rows()
                    if cells > MAX_XLSX_CELLS:
                        raise ImportFileError(
                            _("Tệp XLSX có hơn %(max)s ô: không phải một bảng kết quả theo tỉnh.")
                            % {"max": f"{MAX_XLSX_CELLS:,}".replace(",", ".")}
                        )


def _read_xlsx(data: bytes) -> list[list]:
    import openpyxl

    _check_zip(data)
    try:
        # Read-only (streamed) twice in step: the computed values, and the cells as written, to tell a
        # formula saved without its computed value (None in the first) from an empty cell.
        values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        written = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        rows = []
        pairs = zip(
            values.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True),
            written.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True),
            strict=False,
        )
        for row, formulas in pairs:
            if len(rows) >= MAX_ROWS:
                raise _too_many_rows()
            cells = [
                Uncomputed(str(f)) if v is None and _is_formula(f) else "" if v is None else v
                for v, f in zip(row, formulas, strict=False)
            ]
            while cells and cells[-1] == "":
                cells.pop()
            rows.append(cells)
        values.close()
        written.close()
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise ImportFileError(_("Tệp XLSX bị hỏng hoặc không đầy đủ (%(err)s).") % {"err": type(exc).__name__}) from exc
    return rows


def _is_formula(value) -> bool:
    return (isinstance(value, str) and value.startswith("=")) or type(value).__name__ in (
        "ArrayFormula",
        "DataTableFormula",
    )


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _(
                "Tệp CSV không phải UTF-8 (byte lỗi ở vị trí %(pos)s). Tệp lưu bằng Windows-1258/1252 sẽ làm sai "
                "tên tỉnh: hãy lưu lại dưới dạng “CSV UTF-8” rồi nhập lại."
            )
            % {"pos": exc.start}
        ) from exc
    delimiter = max([";", "\t", ","], key=lambda d: (len(_first_record(text, d)), d == ","))
    # The csv module reads the whole text, so a quoted cell may span lines (a header Excel wrapped).
    rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if row and row[0].lstrip().startswith("#"):  # comment lines
                continue
            if len(rows) >= MAX_ROWS:
                raise _too_many_rows()
            rows.append(row[:MAX_COLUMNS])
    except csv.Error as exc:
        raise ImportFileError(_("Tệp CSV không đọc được (%(err)s).") % {"err": exc}) from exc
    return rows


def _first_record(text: str, delimiter: str) -> list[str]:
    """The first non-comment record of ``text`` split by ``delimiter`` (quoted line breaks kept inside)."""
    try:
        for row in csv.reader(io.StringIO(text[:65536], newline=""), delimiter=delimiter):
            if row and not row[0].lstrip().startswith("#") and any(c.strip() for c in row):
                return row
    except csv.Error:
        pass
    return []


def _header_key(cell) -> str:
    text = re.sub(r"\(.*?\)", "", fold(str(cell)), flags=re.DOTALL)
    text = re.sub(r"\s*/\s*", "/", text)  # "Tỉnh/" + line break + "Thành phố", as Excel wraps a header
    return " ".join(text.replace("_", " ").split()).strip(" :")


def _columns(header: list, components: list[Component]) -> tuple[dict, dict, list[str]]:
    """Map header cells to fields and components: (field → col, component → col, errors)."""
    by_name: dict[str, Component] = {}
    for c in components:
        for name in [c.key, c.key.replace("_", " "), c.name, c.name_en, *c.aliases.splitlines()]:
            if name and name.strip():
                by_name[_header_key(name)] = c
    fields, comps, errors = {}, {}, []
    for col, cell in enumerate(header):
        key = _header_key(cell)
        if not key:
            continue
        target = next((f for f, names in HEADERS.items() if key in names), None)
        if target == "ignored":
            continue
        if target:
            if target in fields:
                errors.append(_("Cột “%(col)s” bị lặp.") % {"col": cell})
            fields[target] = col
        elif key in by_name:
            comps[by_name[key]] = col
        else:
            errors.append(_("Không nhận ra cột “%(col)s”.") % {"col": cell})
    if "province" not in fields and "code" not in fields:
        errors.append(_("Thiếu cột tỉnh/thành phố (hoặc mã)."))
    return fields, comps, errors


# --- validation --------------------------------------------------------------------------------------


def _cell(row: list, col: int | None):
    if col is None or col >= len(row):
        return ""
    value = row[col]
    if isinstance(value, Uncomputed):
        return ""
    return value.strip() if isinstance(value, str) else value


TEXT_FIELDS = ("province", "code", "group")
GROUP_MAX_LENGTH = Result._meta.get_field("group").max_length


def _check_cells(outcome: RowOutcome, row: list, header: list, fields: dict, comp_cols: dict) -> None:
    """Refuse, with the reason, what must never be stored or reach the database: a formula saved without
    its value, a control character (NUL: PostgreSQL refuses it), text a spreadsheet would run when the
    table is downloaded again (``= + - @``, tab, CR first: never stored, escaped or not), an over-long group."""
    text_cols = {fields[f] for f in TEXT_FIELDS if f in fields}
    for col in sorted({*fields.values(), *comp_cols.values()}):
        if col >= len(row):
            continue
        value, name = row[col], str(header[col]).strip()
        if isinstance(value, Uncomputed):
            outcome.error(
                _("Ô “%(col)s” là công thức %(formula)s chưa có giá trị đã tính: mở tệp bằng Excel, lưu lại rồi nhập.")
                % {"col": name, "formula": value.formula[:60]}
            )
        elif isinstance(value, str):
            found = control_characters(value.strip())  # surrounding whitespace is trimmed, never stored
            if found:
                outcome.error(
                    _("Ô “%(col)s” chứa ký tự điều khiển (%(chars)s).") % {"col": name, "chars": ", ".join(found[:5])}
                )
            elif col in text_cols and formula_like(value):
                outcome.error(
                    _(
                        "Ô “%(col)s” bắt đầu bằng “%(first)s”: bảng tính sẽ chạy nó như công thức "
                        "(%(value)s). Bỏ ký tự đó (để trống nếu không có giá trị)."
                    )
                    % {"col": name, "first": value[:1].encode("unicode_escape").decode(), "value": value[:40]}
                )
    group = _cell(row, fields.get("group"))
    if isinstance(group, str) and len(group) > GROUP_MAX_LENGTH:
        outcome.error(_("Nhóm dài %(n)s ký tự, tối đa %(max)s.") % {"n": len(group), "max": GROUP_MAX_LENGTH})


def validate(data: bytes, filename: str, *, index: Index, year: int, synthetic: bool = False) -> ImportReport:
    """Read and check a whole table against the database; write nothing."""
    report = ImportReport(index=index, year=year, filename=filename, synthetic=synthetic)
    report.edition = (
        Edition.objects.select_related("framework", "index")
        .filter(index=index, year=year, is_synthetic=synthetic)
        .first()
    )
    report.framework = (
        report.edition.framework
        if report.edition and report.edition.framework_id
        else next((f for f in Framework.objects.filter(index=index) if f.covers(year)), None)
    )
    components = list(report.framework.components.all()) if report.framework else []
    units_ranked = report.edition.units_ranked if report.edition else UNITS_PER_ERA[Era.of_year(year)]
    try:
        table = read_table(data, filename)
    except ImportFileError as exc:
        report.file_errors.append(str(exc))
        return report
    table = [row for row in table if any(str(c).strip() for c in row)]
    if len(table) < 2:
        report.file_errors.append(_("Tệp không có dòng dữ liệu nào."))
        return report
    fields, comp_cols, errors = _columns(table[0], components)
    if errors:
        report.file_errors += errors
        return report

    provinces = Province.objects.all() if synthetic else Province.objects.real()
    gazetteer = Gazetteer(provinces)
    era = Era.of_year(year)
    by_code = {p.code: p for p in provinces.filter(era=era)}
    existing = {}
    if report.edition:
        existing = {
            r.province_id: r for r in Result.objects.filter(edition=report.edition).prefetch_related("component_scores")
        }

    for number, row in enumerate(table[1:], start=2):
        name, code = _cell(row, fields.get("province")), _cell(row, fields.get("code"))
        outcome = RowOutcome(line=number, label=str(name or code)[:80])
        report.rows.append(outcome)
        _check_cells(outcome, row, table[0], fields, comp_cols)
        if outcome.action == "error":
            continue
        outcome.province = _match_province(outcome, str(name), str(code), gazetteer, by_code, year, era)
        if "score" in fields:
            outcome.values["score"] = _number(outcome, row, fields["score"], _("điểm"), 0, index.scale_max)
        if "rank" in fields:
            rank = _number(outcome, row, fields["rank"], _("thứ hạng"), 1, units_ranked)
            if rank is not None and rank != int(rank):
                outcome.error(_("Thứ hạng phải là số nguyên: %(v)s.") % {"v": rank})
            outcome.values["rank"] = int(rank) if rank is not None else None
        if "group" in fields:
            outcome.values["group"] = str(_cell(row, fields["group"]))
            outcome.messages += tiers.import_notes(report.edition, outcome.values["group"])  # label without a tier
        for component, col in comp_cols.items():
            outcome.components[component] = _number(outcome, row, col, component.name, 0, component.max_points)
        _check_sum(outcome, components)

    _check_duplicates(report.rows)
    _check_ranks(report.rows, index.higher_is_better, units_ranked)
    for outcome in report.rows:
        if outcome.action != "error":
            _diff(outcome, existing.get(outcome.province.pk))
    return report


def _match_province(outcome, name, code, gazetteer, by_code, year, era) -> Province | None:
    found = None
    if name:
        units = gazetteer.lookup(name, era=era)
        if len(units) > 1:
            outcome.error(
                _("Tên “%(name)s” khớp nhiều đơn vị: %(units)s.")
                % {"name": name, "units": ", ".join(u.name for u in units)}
            )
            return None
        if not units:
            elsewhere = gazetteer.lookup(name)
            if elsewhere:
                outcome.error(
                    _("%(name)s không tồn tại trong năm %(year)s (đơn vị của thời kỳ khác).")
                    % {"name": name, "year": year}
                )
            else:
                outcome.error(_("Không nhận ra tỉnh/thành phố “%(name)s”.") % {"name": name})
            return None
        found = units[0]
    if code:
        code = str(code).split(".")[0].zfill(2) if str(code).replace(".", "").isdigit() else str(code)
        by = by_code.get(code)
        if by is None:
            outcome.error(_("Không có đơn vị mang mã %(code)s trong năm %(year)s.") % {"code": code, "year": year})
            return None
        if found and found != by:
            outcome.error(
                _("Mã %(code)s là %(by)s, không phải %(name)s.") % {"code": code, "by": by.name, "name": name}
            )
            return None
        found = by
    if found is None:
        outcome.error(_("Thiếu tên hoặc mã tỉnh/thành phố."))
        return None
    if not found.existed_in(year):
        outcome.error(_("%(name)s không tồn tại trong năm %(year)s.") % {"name": found.name, "year": year})
        return None
    outcome.label = found.name
    return found


def _number(outcome, row, col, what, low, high) -> Decimal | None:
    raw = _cell(row, col)
    try:
        value = parse_number(raw)
    except ValueError:
        outcome.error(_("%(what)s “%(raw)s” không phải là số.") % {"what": what, "raw": raw})
        return None
    if value is None:
        return None
    value = value.quantize(Decimal("0.01")) if value != value.to_integral_value() else value
    if value < low or (high is not None and value > high):
        outcome.error(
            _("%(what)s %(value)s nằm ngoài khoảng %(low)s–%(high)s.")
            % {"what": what, "value": value, "low": low, "high": high}
        )
        return None
    return value


def _check_sum(outcome: RowOutcome, components: list[Component]) -> None:
    total = outcome.values.get("score")
    if total is None or not components or outcome.action == "error":
        return
    values = [outcome.components.get(c) for c in components]
    if any(v is None for v in values):
        return
    added = sum(values)
    if abs(added - total) > SUM_TOLERANCE:
        outcome.error(
            _("Tổng điểm các chỉ số thành phần (%(sum)s) khác điểm tổng (%(total)s) quá %(tol)s điểm.")
            % {"sum": added, "total": total, "tol": SUM_TOLERANCE}
        )


def _check_duplicates(rows: list[RowOutcome]) -> None:
    first: dict[int, RowOutcome] = {}
    for row in rows:
        if row.province is None:
            continue
        if row.province.pk in first:
            other = first[row.province.pk]
            row.error(_("%(name)s trùng với dòng %(line)s.") % {"name": row.province.name, "line": other.line})
            if other.action != "error" or not any(str(row.line) in m for m in other.messages):
                other.error(_("%(name)s trùng với dòng %(line)s.") % {"name": row.province.name, "line": row.line})
        else:
            first[row.province.pk] = row


def _check_ranks(rows: list[RowOutcome], higher_is_better: bool, units_ranked: int) -> None:
    """Ranks against scores by grouping and one sort: O(n log n), one message per wrong row (a pairwise
    comparison took 31 s and 2 GB on 4,000 rows)."""
    ranked = [r for r in rows if r.values.get("rank") is not None and r.values.get("score") is not None]
    by_score: dict[Decimal, list[RowOutcome]] = defaultdict(list)
    by_rank: dict[int, list[RowOutcome]] = defaultdict(list)
    for row in ranked:
        by_score[row.values["score"]].append(row)
        by_rank[row.values["rank"]].append(row)
    # equal scores share a rank
    for group in by_score.values():
        first = group[0]
        for row in group[1:]:
            if row.values["rank"] != first.values["rank"]:
                msg = _("Điểm bằng dòng %(line)s nhưng thứ hạng khác (%(r1)s, %(r2)s).")
                row.error(msg % {"line": first.line, "r1": row.values["rank"], "r2": first.values["rank"]})
    # different scores never share one
    msg = _("Thứ hạng %(rank)s trùng với dòng %(line)s dù điểm khác nhau.")
    for rank, group in by_rank.items():
        first = group[0]
        clashing = [row for row in group[1:] if row.values["score"] != first.values["score"]]
        for row in clashing:
            row.error(msg % {"rank": rank, "line": first.line})
        if clashing:
            first.error(msg % {"rank": rank, "line": clashing[0].line})
    # a better score never has a worse rank: walk the scores best first, keeping the worst rank so far
    worst: RowOutcome | None = None
    for score in sorted(by_score, reverse=higher_is_better):
        group = by_score[score]
        for row in group:
            if worst is not None and row.values["rank"] < worst.values["rank"]:
                row.error(
                    _("Thứ hạng %(rank)s không khớp thứ tự điểm so với dòng %(line)s (hạng %(other)s).")
                    % {"rank": row.values["rank"], "line": worst.line, "other": worst.values["rank"]}
                )
        group_worst = max(group, key=lambda r: r.values["rank"])
        if worst is None or group_worst.values["rank"] > worst.values["rank"]:
            worst = group_worst
    # a ranks-only file can still collide
    seen: dict[int, RowOutcome] = {}
    for row in rows:
        rank = row.values.get("rank")
        if rank is None or row.values.get("score") is not None:
            continue
        if rank in seen:
            row.error(_("Thứ hạng %(rank)s trùng với dòng %(line)s.") % {"rank": rank, "line": seen[rank].line})
        seen[rank] = row
    # a full table carries exactly the competition ranks of its scores
    if len(ranked) == len(rows) == units_ranked and all(r.action != "error" for r in rows):
        expected = ranks_from_scores({r.line: r.values["score"] for r in ranked}, higher_is_better)
        for row in ranked:
            if expected[row.line] != row.values["rank"]:
                row.error(
                    _("Thứ hạng %(rank)s khác thứ hạng theo điểm (%(expected)s).")
                    % {"rank": row.values["rank"], "expected": expected[row.line]}
                )


def _diff(outcome: RowOutcome, result: Result | None) -> None:
    if result is None:
        outcome.action = "create"
        return
    changed = [f for f, v in outcome.values.items() if getattr(result, f) != v]
    held = {cs.component_id: cs.score for cs in result.component_scores.all()}
    changed += [c.key for c, v in outcome.components.items() if c.pk not in held or held[c.pk] != v]
    if changed:
        outcome.action = "update"
        outcome.messages.append(_("thay đổi: %(fields)s") % {"fields": ", ".join(changed)})
    else:
        outcome.action = "unchanged"


# --- writing -----------------------------------------------------------------------------------------


@transaction.atomic
@statistics_deferred()
def apply(report: ImportReport, user=None) -> ImportReport:
    """Write a validated report: all rows or none. Each save records its history (who, before, after)."""
    if not report.ok:
        raise ValueError("a report with errors cannot be applied")
    edition = report.edition
    if edition is None:
        edition = Edition(
            index=report.index,
            year=report.year,
            framework=report.framework,
            status=Status.DRAFT,
            units_ranked=UNITS_PER_ERA[Era.of_year(report.year)],
            is_synthetic=report.synthetic,
        )
        _save(edition, user)
        report.edition = edition
    # one query for the stored results and their component scores, not one per row
    results = {r.province_id: r for r in Result.objects.filter(edition=edition).prefetch_related("component_scores")}
    for row in report.rows:
        if row.action == "unchanged":
            continue
        result = results.get(row.province.pk) or Result(edition=edition, province=row.province)
        created = changed = result.pk is None
        for name, value in row.values.items():
            if getattr(result, name) != value:
                setattr(result, name, value)
                changed = True
        if changed:
            _save(result, user)
        held = {} if created else {cs.component_id: cs for cs in result.component_scores.all()}
        for component, value in row.components.items():
            score = held.get(component.pk)
            if score is None:
                if value is not None:
                    _save(ComponentScore(result=result, component=component, score=value), user)
            elif score.score != value:
                score.score = value
                _save(score, user)
    report.applied = True
    return report


def _save(obj, user) -> None:
    if user is not None and getattr(user, "pk", None):
        obj._history_user = user
    obj.save()


# --- forms shared by the admin -----------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp CSV hoặc XLSX"))
    index = forms.ModelChoiceField(Index.objects.all(), label=gettext_lazy("Chỉ số"))
    year = forms.IntegerField(label=gettext_lazy("Năm kết quả"), min_value=2000, max_value=2100)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:  # refused before a byte is parsed
            raise forms.ValidationError(
                _("Tệp %(size)s MB, lớn hơn giới hạn %(max)s MB.")
                % {"size": _mb(upload.size), "max": _mb(MAX_FILE_BYTES)}
            )
        return upload


class ImportForm(forms.Form):
    """The apply step: the previewed file is kept on the server (:func:`stash`) and named here by a signed
    token, not posted again (a 3 MB file re-posted as text exceeded DATA_UPLOAD_MAX_MEMORY_SIZE); the
    same bytes are validated again before anything is written."""

    token = forms.CharField(widget=forms.HiddenInput)
    index = forms.ModelChoiceField(Index.objects.all(), widget=forms.HiddenInput)
    year = forms.IntegerField(widget=forms.HiddenInput)


# --- the previewed file, kept between preview and apply -------------------------------------------------

STASH_MAX_AGE = 24 * 3600
_SALT = "curation.imports.stash"


def _stash_dir() -> Path:
    from django.conf import settings

    folder = Path(getattr(settings, "IMPORT_STASH_DIR", settings.BASE_DIR / "var" / "imports"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stash(data: bytes, filename: str, user) -> str:
    """Keep a previewed file for its apply step; returns a token signed for ``user`` (valid one day)."""
    import secrets
    import time

    from django.core import signing

    folder = _stash_dir()
    for old in folder.glob("*.bin"):  # forget abandoned previews
        try:
            if old.stat().st_mtime < time.time() - STASH_MAX_AGE:
                old.unlink()
        except OSError:
            pass
    name = secrets.token_hex(16)
    (folder / f"{name}.bin").write_bytes(data)
    return signing.dumps({"f": name, "n": filename[:200], "u": getattr(user, "pk", None)}, salt=_SALT)


def unstash(token: str, user) -> tuple[bytes, str]:
    """The bytes and name of a stashed file, for the user it was stashed for; raises ImportFileError."""
    from django.core import signing

    try:
        payload = signing.loads(token, salt=_SALT, max_age=STASH_MAX_AGE)
        if payload.get("u") != getattr(user, "pk", None):
            raise signing.BadSignature("another user")
        path = _stash_dir() / f"{payload['f']}.bin"
        if not payload["f"].isalnum():
            raise signing.BadSignature("bad name")
        return path.read_bytes(), payload["n"]
    except (signing.BadSignature, KeyError, TypeError, AttributeError, OSError) as exc:
        raise ImportFileError(_("Tệp đã kiểm tra không còn (quá một ngày hoặc đã ghi): hãy tải lên lại.")) from exc


def unstash_done(token: str) -> None:
    from django.core import signing

    try:
        name = signing.loads(token, salt=_SALT)["f"]
        if name.isalnum():
            (_stash_dir() / f"{name}.bin").unlink(missing_ok=True)
    except (signing.BadSignature, KeyError, TypeError, OSError):
        pass
