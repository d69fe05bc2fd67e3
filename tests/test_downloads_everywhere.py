"""Every page that shows data downloads what it shows (dashboard/downloads.py): one long table with stable
ASCII columns as CSV (UTF-8 with BOM, data rows only), XLSX and JSON; numbers as numbers; file names that
carry the filters; exactly the page's rows; never a draft figure for someone who may not see it."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dashboard.downloads import COLUMNS
from reports.models import Edition, Result, Status

pytestmark = pytest.mark.usefixtures("real_data")

# Each page, a query showing data, and the file name its downloads carry.
PAGES = {
    "overview": (reverse("dashboard:home"), {"index": "PAR_INDEX"}, "par-index-2024-tong-quan"),
    "rankings": (
        reverse("dashboard:rankings"),
        {"year": 2023, "region": "dong-nam-bo"},
        "par-index-2023-dong-nam-bo",
    ),
    "map": (reverse("dashboard:map"), {"year": 2022}, "par-index-2022-ban-do"),
    "province": (reverse("dashboard:province", args=["ha-noi"]), {"index": "PAR_INDEX"}, "par-index-ha-noi"),
    "compare": (
        reverse("dashboard:compare"),
        {"p": ["ha-noi", "quang-ninh"], "index": "PAR_INDEX"},
        "par-index-so-sanh-ha-noi-quang-ninh",
    ),
}


def download(client, page: str, fmt: str, **extra):
    url, params, _name = PAGES[page]
    response = client.get(url, {**params, **extra, "format": fmt})
    assert response.status_code == 200, (page, fmt, response.status_code)
    return response


def json_rows(client, page: str, **extra) -> list[dict]:
    return json.loads(download(client, page, "json", **extra).content)["rows"]


def as_number(value) -> float | None:
    return None if value is None else float(value)


@pytest.mark.parametrize("page", list(PAGES))
def test_each_page_offers_its_current_view_as_three_files(client, page):
    url, params, _name = PAGES[page]
    html = client.get(url, params).content.decode()
    links = re.findall(r'<a href="(\?[^"]*format=(csv|xlsx|json))"', html)
    assert [fmt for _href, fmt in links] == ["csv", "xlsx", "json"]
    for href, _fmt in links:  # the page's own query, kept
        for key, value in params.items():
            for v in value if isinstance(value, list) else [value]:
                assert f"{key}={v}" in href.replace("&amp;", "&"), (page, href)


@pytest.mark.parametrize("page", list(PAGES))
def test_csv_is_the_long_table_with_a_bom_and_data_rows_only(client, page):
    response = download(client, page, "csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="{PAGES[page][2]}.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) > 2 and all(len(row) == len(COLUMNS) for row in rows[1:])  # no notes, no blank lines
    values = [row[COLUMNS.index("value")] for row in rows[1:] if row[COLUMNS.index("metric")] != "group"]
    numbers = [v for v in values if v]
    assert numbers and all(re.fullmatch(r"-?\d+(\.\d*[1-9])?", v) for v in numbers), numbers[:5]  # 81.2, never 81.20
    assert "format=json" in response["Link"] and 'rel="describedby"' in response["Link"]


@pytest.mark.parametrize("page", list(PAGES))
def test_xlsx_holds_numbers_as_numbers_and_the_notes_apart(client, page):
    response = download(client, page, "xlsx")
    assert response["Content-Disposition"] == f'attachment; filename="{PAGES[page][2]}.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["data", "metadata"]
    rows = list(workbook["data"].iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    body = [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]
    scores = [r["value"] for r in body if r["metric"] == "score" and r["value"] is not None]
    assert scores and all(isinstance(v, float | int) for v in scores)
    assert all(isinstance(r["year"], int) for r in body)
    notes = {key: value for key, value in workbook["metadata"].iter_rows(values_only=True)}
    assert notes["licence"] == "CC BY 4.0"
    assert PAGES[page][0] in notes["page"]


@pytest.mark.parametrize("page", list(PAGES))
def test_json_has_stable_keys_numbers_and_metadata(client, page):
    response = download(client, page, "json")
    assert response["Content-Disposition"] == f'attachment; filename="{PAGES[page][2]}.json"'
    data = json.loads(response.content)
    assert data["columns"] == list(COLUMNS)
    assert all(list(row) == list(COLUMNS) for row in data["rows"])
    assert {"title", "source", "licence", "coverage", "filters", "page", "retrieved"} <= set(data["metadata"])
    assert data["metadata"]["licence"] == "CC BY 4.0"
    for row in data["rows"]:
        if row["metric"] != "group":
            assert row["value"] is None or isinstance(row["value"], int | float), row
        assert row["basis"] in ("published", "stated", "computed", "disputed"), row
        assert row["status"] == "published"  # an anonymous visitor's download


def test_rankings_download_is_exactly_the_rows_shown(client):
    url, params, _name = PAGES["rankings"]
    shown = client.get(url, params).context["rows"]
    rows = json_rows(client, "rankings")
    scores = [(r["unit_slug"], r["value"]) for r in rows if r["metric"] == "score"]
    assert scores == [(r["slug"], as_number(r["score"])) for r in shown]
    averages = {r["metric"]: r for r in rows if r["unit_slug"] in ("", "dong-nam-bo")}
    assert set(averages) == {"national_average", "regional_average"}
    national = averages["national_average"]
    assert national["unit_code"] == "VN" and national["units_total"] == 63
    assert national["basis"] in ("published", "computed", "disputed")
    if national["basis"] == "computed":
        assert national["units_covered"] < national["units_total"] or national["units_covered"] == 63


def test_map_download_is_exactly_the_units_drawn(client):
    url, params, _name = PAGES["map"]
    shown = client.get(url, params).context["rows"]
    rows = json_rows(client, "map")
    assert [(r["unit_slug"], r["value"]) for r in rows if r["metric"] == "score"] == [
        (r["slug"], as_number(r["score"])) for r in shown
    ]
    assert {r["metric"] for r in rows} == {"score", "rank", "group"}


def test_overview_download_holds_every_year_average_with_its_units(client):
    url, params, _name = PAGES["overview"]
    context = client.get(url, params).context
    rows = json_rows(client, "overview")
    national = {r["year"]: r for r in rows if r["metric"] == "national_average"}
    expected = {d["year"]: d["national"] for d in context["distribution"] if d["national"]["kind"] != "missing"}
    assert set(national) == set(expected)
    for year, average in expected.items():
        assert national[year]["value"] == as_number(average["value"])
        assert national[year]["units_covered"] == average["units"]
        assert national[year]["units_total"] == average["units_total"]
    units = {r["unit_slug"] for r in rows if r["metric"] == "score"}
    shown = [*context["map_rows"], *context["leaders"], *context["movers_up"], *context["movers_down"]]
    assert units == {r["slug"] for r in shown}


def test_province_download_names_each_figure_s_own_unit(client):
    url, params, _name = PAGES["province"]
    context = client.get(url, params).context
    rows = json_rows(client, "province")
    scores = {(r["year"], r["value"]) for r in rows if r["metric"] == "score"}
    shown = {(row["year"], as_number(row["score"])) for s in context["series"] for row in s["rows"]}
    assert scores == shown
    # Hà Nội's results before the 2025 merger are the 63-era unit's: named as that unit
    before = {r["unit_slug"] for r in rows if r["metric"] == "score" and r["year"] < 2025}
    assert before == {"ha-noi-truoc-2025"}
    assert all(r["era"] == 63 for r in rows if r["unit_slug"] == "ha-noi-truoc-2025")


def test_compare_download_is_the_table_shown(client):
    url, params, _name = PAGES["compare"]
    context = client.get(url, params).context
    rows = json_rows(client, "compare")
    got = {(r["unit_name"], r["year"], r["value"]) for r in rows if r["metric"] == "score"}
    expected = {
        (u["name"], year, as_number(result.score)) for u in context["units"] for year, result in u["by_year"].items()
    }
    assert got == expected and got


def test_missing_figures_are_empty_never_zero(client):
    response = download(client, "rankings", "csv", year=2023, region="", q="long an")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    score = next(r for r in rows if r["metric"] == "score" and r["unit_name"] == "Long An")
    assert score["value"] == ""
    assert json.loads(download(client, "rankings", "json", year=2023, region="", q="long an").content)["rows"][0]


def test_json_numbers_never_carry_trailing_digits(client):
    body = download(client, "map", "json").content.decode()
    assert not re.search(r"\d\.\d*0{3,}", body)
    assert '"86.9800000000000"' not in body


def test_an_unknown_format_is_a_clear_400_on_every_page(client):
    for page, (url, params, _name) in PAGES.items():
        response = client.get(url, {**params, "format": "pdf"})
        assert response.status_code == 400, page
        assert "pdf" in response.content.decode()


@pytest.fixture
def draft_2024():
    """PAR INDEX 2024 made a draft: its figures are for ministry staff only."""
    edition = Edition.objects.get(index__code="PAR_INDEX", year=2024, is_synthetic=False)
    Edition.objects.filter(pk=edition.pk).update(status=Status.DRAFT)
    return edition


def draft_values(edition) -> set[float]:
    return {
        float(s) for s in Result.objects.filter(edition=edition, score__isnull=False).values_list("score", flat=True)
    }


@pytest.mark.parametrize("page", ["overview", "map", "province", "compare"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_anonymous_downloads_of_a_draft_year_hold_no_draft_figure(client, draft_2024, page, fmt):
    url, params, _name = PAGES[page]
    params = {**params, "year": 2024} if page in ("map", "compare") else params
    response = client.get(url, {**params, "format": fmt})
    if page == "map":  # the draft year does not exist for them
        assert response.status_code == 404
        return
    assert response.status_code == 200
    rows = json.loads(client.get(url, {**params, "format": "json"}).content)["rows"]
    assert rows and not [r for r in rows if r["year"] == 2024]
    assert all(r["status"] == "published" for r in rows)


def test_anonymous_rankings_download_of_a_draft_year_is_refused(client, draft_2024):
    response = client.get(reverse("dashboard:rankings"), {"year": 2024, "format": "csv"})
    assert response.status_code == 400
    assert not response["Content-Type"].startswith("text/csv")


def test_ministry_staff_download_the_draft_labelled_as_such(client, draft_2024, ministry_user):
    """The positive control: the same downloads hold the draft for who may see it, marked ``draft``."""
    client.force_login(ministry_user)
    rows = json.loads(client.get(reverse("dashboard:rankings"), {"year": 2024, "format": "json"}).content)["rows"]
    scores = {r["value"] for r in rows if r["metric"] == "score" and r["value"] is not None}
    assert scores and scores <= draft_values(draft_2024)
    assert {r["status"] for r in rows} == {"draft"}
    url, params, _name = PAGES["province"]
    rows = json.loads(client.get(url, {**params, "format": "json"}).content)["rows"]
    assert {r["status"] for r in rows if r["year"] == 2024} == {"draft"}


@pytest.mark.parametrize("page", list(PAGES))
def test_download_query_count_is_bounded(client, page, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):
        download(client, page, "xlsx")


def test_decimal_cells_are_plain_in_csv():
    from dashboard.downloads import csv_cell, json_number

    assert csv_cell(Decimal("86.9800000000000")) == "86.98"
    assert csv_cell(Decimal("81.20")) == "81.2"
    assert csv_cell(Decimal("100.00")) == "100"
    assert csv_cell(Decimal("-1.50")) == "-1.5"
    assert csv_cell(None) == ""
    assert csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert json_number(Decimal("81.20")) == 81.2 and isinstance(json_number(Decimal("7")), int)
