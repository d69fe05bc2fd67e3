"""Importing an official table: every malformed file is rejected whole with a clear error, nothing written.

The full 63-row table is SYNTHETIC test input (made-up scores for real province names), imported into a
synthetic edition only; see tests/data/imports/build.py.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from curation import imports
from provinces.models import Province, ProvinceAlias
from reports.models import ComponentScore, Edition, Index, Result, Status

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data" / "imports"
FULL_CSV = DATA / "synthetic_par_2023_full_63_components.csv"
FULL_XLSX = DATA / "synthetic_par_2023_full_63_components.xlsx"
SMALL = (DATA / "small_2011.csv").read_text(encoding="utf-8")


@pytest.fixture
def par(real_data):
    return Index.objects.get(code="PAR_INDEX")


def snapshot():
    """Everything an import could write, history included."""
    return (
        list(Edition.objects.order_by("pk").values()),
        list(Result.objects.order_by("pk").values()),
        list(ComponentScore.objects.order_by("pk").values()),
        Edition.history.count(),
        Result.history.count(),
        ComponentScore.history.count(),
    )


def check(data: bytes | str, par, year=2011, filename="bang.csv", synthetic=False):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return imports.validate(data, filename, index=par, year=year, synthetic=synthetic)


def rejected(data, par, **kwargs) -> str:
    """Validate, try to apply, and return every error as one text; the database must be unchanged."""
    before = snapshot()
    report = check(data, par, **kwargs)
    assert not report.ok
    with pytest.raises(ValueError):
        imports.apply(report)
    assert snapshot() == before
    return "\n".join(report.errors)


# --- files that import ----------------------------------------------------------------------------


def test_a_small_table_with_vietnamese_headers_and_numbers_creates_a_draft_edition(par):
    report = check(SMALL, par)
    assert report.ok, report.errors
    assert [r.action for r in report.rows] == ["create"] * 3
    imports.apply(report)
    edition = Edition.objects.get(index=par, year=2011, is_synthetic=False)
    assert edition.status == Status.DRAFT and edition.units_ranked == 63
    scores = {r.province.name: (r.score, r.rank, r.group) for r in edition.results.select_related("province")}
    assert scores == {
        "Hà Giang": (Decimal("81.20"), 2, "B"),
        "Bạc Liêu": (Decimal("90.09"), 1, "A"),
        "Thừa Thiên Huế": (Decimal("79.50"), 3, "C"),
    }


def test_a_full_63_row_table_with_components_imports_and_reimports_as_unchanged(par):
    call_command("import_results", str(FULL_CSV), index="PAR_INDEX", year=2023, synthetic=True)
    edition = Edition.objects.get(index=par, year=2023, is_synthetic=True)
    assert edition.status == Status.DRAFT
    assert edition.results.count() == 63
    assert ComponentScore.objects.filter(result__edition=edition).count() == 63 * 8
    assert Result.history.filter(edition_id=edition.pk).count() == 63  # one history row per saved result

    before = snapshot()
    for path in (FULL_CSV, FULL_XLSX):
        report = imports.validate(path.read_bytes(), path.name, index=par, year=2023, synthetic=True)
        assert report.ok, report.errors
        assert report.count("unchanged") == 63
        imports.apply(report)
    assert snapshot() == before


def test_a_corrected_file_updates_only_what_changed(par):
    call_command("import_results", str(FULL_CSV), index="PAR_INDEX", year=2023, synthetic=True)
    lines = FULL_CSV.read_text(encoding="utf-8-sig").splitlines()
    cells = lines[2].split(";")  # the leader: raise its total and one component by 0.50
    cells[3] = str(Decimal(cells[3].replace(",", ".")) + Decimal("0.5")).replace(".", ",")
    cells[13] = str(Decimal(cells[13].replace(",", ".")) + Decimal("0.5")).replace(".", ",")
    lines[2] = ";".join(cells)
    results_history = Result.history.count()
    scores_history = ComponentScore.history.count()
    report = check("\n".join(lines), par, year=2023, synthetic=True)
    assert report.ok, report.errors
    assert report.count("update") == 1 and report.count("unchanged") == 62
    imports.apply(report)
    assert Result.history.count() == results_history + 1
    assert ComponentScore.history.count() == scores_history + 1


def test_the_dry_run_writes_nothing(par):
    before = snapshot()
    call_command("import_results", str(FULL_CSV), index="PAR_INDEX", year=2023, synthetic=True, dry_run=True)
    assert snapshot() == before


def test_components_add_up_within_the_stated_tolerance(par):
    lines = FULL_CSV.read_text(encoding="utf-8-sig").splitlines()
    cells = lines[2].split(";")
    total = Decimal(cells[3].replace(",", "."))
    assert imports.SUM_TOLERANCE == Decimal("0.05")
    cells[3] = str(total + Decimal("0.05")).replace(".", ",")
    lines[2] = ";".join(cells)
    assert check("\n".join(lines), par, year=2023, synthetic=True).ok
    cells[3] = str(total + Decimal("0.06")).replace(".", ",")
    lines[2] = ";".join(cells)
    errors = rejected("\n".join(lines), par, year=2023, synthetic=True)
    assert "Tổng điểm các chỉ số thành phần" in errors


# --- files that are rejected whole ----------------------------------------------------------------


@pytest.mark.parametrize(
    "table, message",
    [
        (SMALL.replace("Hà Giang", "Tỉnh Không Có"), "Không nhận ra tỉnh/thành phố"),
        (SMALL.replace("81,20", "101,00"), "nằm ngoài khoảng"),
        (SMALL.replace("81,20", "tám mươi"), "không phải là số"),
        (SMALL + "Ha Giang;02;70,00;4;C\n", "trùng với dòng"),
        (SMALL.replace("Hà Giang;02;81,20;2", "Hà Giang;02;81,20;1"), "Thứ hạng 1 trùng"),
        (SMALL.replace("79,50;3", "79,50;2").replace("81,20;2", "81,20;3"), "không khớp thứ tự điểm"),
        (SMALL.replace(";95;", ";96;"), "Mã 96 là Cà Mau"),
        (SMALL.replace("Nhóm", "Ghi chép lạ"), "Không nhận ra cột"),
        (SMALL.replace(";2;B", ";99;B"), "nằm ngoài khoảng"),
    ],
    ids=[
        "unknown",
        "above-scale",
        "not-a-number",
        "duplicate",
        "rank-collision",
        "rank-order",
        "code-mismatch",
        "unknown-column",
        "rank-beyond-units",
    ],  # fmt: skip
)
def test_a_wrong_row_rejects_the_whole_file(par, table, message):
    errors = rejected(table, par)
    assert message in errors
    assert "dòng" in errors or "cột" in errors  # the row (or the column) is named


def test_an_ambiguous_name_is_rejected(par):
    ProvinceAlias.objects.create(province=Province.objects.get(name="Cà Mau", era=63), name="Bạc Liêu")
    assert "khớp nhiều đơn vị" in rejected(SMALL, par)


def test_a_province_that_did_not_exist_that_year_is_rejected(par):
    errors = rejected(SMALL.replace("Hà Giang;02", "Bạc Liêu;").split("Bạc Liêu;95", 1)[0], par, year=2025)
    assert "không tồn tại trong năm 2025" in errors


def test_a_component_above_its_maximum_is_rejected(par):
    lines = FULL_CSV.read_text(encoding="utf-8-sig").splitlines()
    cells = lines[2].split(";")
    cells[-1] = "17,00"  # impact: maximum 16.5
    lines[2] = ";".join(cells)
    assert "nằm ngoài khoảng 0–16.50" in rejected("\n".join(lines), par, year=2023, synthetic=True)


@pytest.mark.parametrize("name", ["small_2011_cp1258.csv", "small_2011_cp1252.csv"])
def test_a_csv_in_a_windows_code_page_is_rejected_not_misread(par, name):
    errors = rejected((DATA / name).read_bytes(), par, filename=name)
    assert "không phải UTF-8" in errors


def test_a_truncated_xlsx_is_rejected(par):
    assert "XLSX bị hỏng" in rejected((DATA / "truncated.xlsx").read_bytes(), par, filename="truncated.xlsx")


def test_an_empty_file_is_rejected(par):
    assert "Tệp rỗng" in rejected((DATA / "empty.csv").read_bytes(), par, filename="empty.csv")
    assert "không có dòng dữ liệu" in rejected("Tỉnh/Thành phố;Điểm\n", par)


def test_the_command_reports_errors_and_fails(par, tmp_path):
    path = tmp_path / "bang.csv"
    path.write_text(SMALL.replace("81,20", "101,00"), encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError, match="Tệp bị từ chối"):
        call_command("import_results", str(path), index="PAR_INDEX", year=2011)
    assert snapshot() == before


# --- the admin: upload → preview → apply ------------------------------------------------------------


@pytest.fixture
def curator(client, django_user_model, real_data):
    user = django_user_model.objects.create_superuser("bien.tap", "bt@example.org", "mat-khau-dai-9")
    client.force_login(user)
    return user


def test_the_admin_previews_every_row_then_applies(client, curator, par):
    url = reverse("admin:reports_edition_import")
    before = snapshot()
    with open(DATA / "small_2011.csv", "rb") as f:
        response = client.post(url, {"file": f, "index": par.pk, "year": 2011, "preview": "1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('class="outcome-create"') == 3
    assert snapshot() == before  # the preview writes nothing
    apply_form = response.context["apply_form"]
    response = client.post(url, {**{name: apply_form[name].value() for name in apply_form.fields}, "apply": "1"})
    assert response.status_code == 302
    edition = Edition.objects.get(index=par, year=2011, is_synthetic=False)
    assert edition.results.count() == 3
    assert Result.history.filter(edition_id=edition.pk).first().history_user == curator


def test_the_admin_shows_row_errors_and_offers_no_apply(client, curator, par):
    url = reverse("admin:reports_edition_import")
    data = SMALL.replace("Hà Giang", "Tỉnh Không Có").encode()
    before = snapshot()
    response = client.post(url, {"file": _upload(data), "index": par.pk, "year": 2011, "preview": "1"})
    assert "Không nhận ra tỉnh/thành phố" in response.content.decode()
    assert "apply_form" not in response.context or response.context["apply_form"] is None
    # a forged apply names no file kept for this user: refused, nothing written
    response = client.post(url, {"token": "forged", "index": par.pk, "year": 2011, "apply": "1"})
    assert "hãy tải lên lại" in response.content.decode()
    # a file kept for another user is not this user's to apply
    token = imports.stash(data, "x.csv", None)
    response = client.post(url, {"token": token, "index": par.pk, "year": 2011, "apply": "1"})
    assert "hãy tải lên lại" in response.content.decode()
    assert snapshot() == before


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("bang.csv", data, content_type="text/csv")
