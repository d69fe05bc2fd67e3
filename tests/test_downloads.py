"""Downloads of the rankings: exactly the rows shown, CSV with BOM, XLSX, JSON, each with notes."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.usefixtures("real_data")
URL = reverse("dashboard:rankings")


def test_csv_has_a_bom_and_the_rows_shown(client):
    params = {"year": 2023, "region": "dong-bang-song-cuu-long", "sort": "-score"}
    shown = client.get(URL, params).context["rows"]
    response = client.get(URL, {**params, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, body = lines[0], lines[1 : 1 + len(shown)]
    assert header[1] == "Tỉnh, thành phố"
    assert [row[1] for row in body] == [r["province"] for r in shown]
    assert lines[1 + len(shown)] == []  # then the notes
    notes = {row[0]: row[1] for row in lines[2 + len(shown) :]}
    assert any("Độ phủ" in key for key in notes)
    assert any("Giấy phép" in key for key in notes)


def test_csv_leaves_missing_scores_empty_not_zero(client):
    response = client.get(URL, {"year": 2023, "q": "long an", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][1] == "Long An"
    assert rows[1][3] == ""


def test_json_has_notes_and_the_rows_shown(client):
    shown = client.get(URL, {"year": 2024}).context["rows"]
    response = client.get(URL, {"year": 2024, "format": "json"})
    data = json.loads(response.content)
    assert len(data["rows"]) == len(shown)
    assert data["notes"]["Độ phủ"].endswith("đơn vị có điểm")
    assert "xep-hang" in data["notes"]["Địa chỉ"]


def test_xlsx_opens_with_the_rows_and_a_notes_sheet(client):
    shown = client.get(URL, {"year": 2023, "q": "quang"}).context["rows"]
    response = client.get(URL, {"year": 2023, "q": "quang", "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == [r["province"] for r in shown]
    assert len(workbook.worksheets) == 2


def test_an_unknown_format_is_a_400(client):
    assert client.get(URL, {"year": 2023, "format": "pdf"}).status_code == 400


def test_a_bad_filter_never_downloads_the_unfiltered_table(client):
    response = client.get(URL, {"year": "abc", "format": "csv"})
    assert response.status_code == 400
    assert not response["Content-Type"].startswith("text/csv")


def test_downloads_keep_drafts_hidden(client):
    from reports.models import Edition, Status

    Edition.objects.filter(index__code="PAR_INDEX", year=2024).update(status=Status.DRAFT)
    response = client.get(URL, {"year": 2024, "format": "json"})
    assert response.status_code == 400


def test_download_query_count(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        client.get(URL, {"year": 2023, "format": "xlsx"})


def test_downloads_name_the_source_articles_of_each_row(client):
    response = client.get(URL, {"year": 2022, "format": "json"})
    rows = json.loads(response.content)["rows"]
    assert any(row["Nguồn"].startswith("http") for row in rows)
