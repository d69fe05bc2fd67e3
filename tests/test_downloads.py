"""Downloads of the rankings: exactly the rows shown, CSV with BOM, XLSX, JSON, as the long table of every
page (dashboard/downloads.py); the notes in the JSON's metadata and the XLSX's metadata sheet."""

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
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    ranked = [row["unit_name"] for row in rows if row["metric"] == "rank"]
    assert ranked == [r["province"] for r in shown]
    assert all(row["unit_code"] and not row["unit_code"].startswith("#") for row in rows)  # no notes as rows
    assert 'rel="describedby"' in response["Link"]  # the notes: the JSON's metadata


def test_csv_leaves_missing_scores_empty_not_zero(client):
    response = client.get(URL, {"year": 2023, "q": "long an", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    score = next(row for row in rows if row["metric"] == "score")
    assert score["unit_name"] == "Long An"
    assert score["value"] == ""


def test_json_has_notes_and_the_rows_shown(client):
    shown = client.get(URL, {"year": 2024}).context["rows"]
    response = client.get(URL, {"year": 2024, "format": "json"})
    data = json.loads(response.content)
    assert len([r for r in data["rows"] if r["metric"] == "rank"]) == len(shown)
    assert data["metadata"]["coverage"].endswith("đơn vị có điểm")
    assert data["metadata"]["licence"] == "CC BY 4.0"
    assert "xep-hang" in data["metadata"]["page"]


def test_xlsx_opens_with_the_rows_and_a_notes_sheet(client):
    shown = client.get(URL, {"year": 2023, "q": "quang"}).context["rows"]
    response = client.get(URL, {"year": 2023, "q": "quang", "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    header = next(sheet.iter_rows(max_row=1, values_only=True))
    rows = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)]
    names = [row["unit_name"] for row in rows if row["metric"] == "rank"]
    assert names == [r["province"] for r in shown]
    assert [ws.title for ws in workbook.worksheets] == ["data", "metadata"]


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
    assert any(row["source_url"].startswith("http") for row in rows)
