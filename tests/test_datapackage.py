"""The whole dataset as a Frictionless data package (/api/v1/dataset.zip): valid offline, published only,
rebuilt when the data changes; CITATION.cff and the licence."""

from __future__ import annotations

import io
import re
import socket
import zipfile
from pathlib import Path

import pytest
import yaml
from django.core.cache import cache
from frictionless import validate

from reports.models import Result, Status
from tests.test_api import SECRETS, draft  # noqa: F401  (the draft edition with secret values)

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
TABLES = (
    "regions", "units", "indices", "components", "editions", "results", "component_scores", "averages", "citations",
)  # fmt: skip


def _archive(client) -> zipfile.ZipFile:
    response = client.get("/api/v1/dataset.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Access-Control-Allow-Origin"] == "*"
    return zipfile.ZipFile(io.BytesIO(response.content))


@pytest.fixture
def offline(monkeypatch):
    """No network: validation must not fetch a remote profile or schema."""

    def refuse(*args, **kwargs):
        raise OSError("network access during a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_the_package_validates_with_frictionless_offline(client, draft, tmp_path, offline):  # noqa: F811
    archive = _archive(client)
    names = set(archive.namelist())
    assert {"datapackage.json", "README.md", "LICENSE.txt", "CITATION.cff"} <= names
    assert {f"{t}.csv" for t in TABLES} <= names
    archive.extractall(tmp_path)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "message"])[:20]
    assert len(report.tasks) == len(TABLES)
    # the foreign keys are checked: every table has rows, so they were exercised
    for task in report.tasks:
        assert task.stats["rows"] > 0, task.name
    # and the validation can fail: a results row whose unit is missing breaks a foreign key
    units = tmp_path / "units.csv"
    units.write_text("".join(line for line in units.open() if not line.startswith("bac-lieu,")))
    broken = validate(str(tmp_path / "datapackage.json"))
    assert not broken.valid and {"foreign-key"} == {row[0] for row in broken.flatten(["type"])}


def test_the_package_holds_no_draft_value_whoever_asks(client, draft, ministry_user):  # noqa: F811
    for signed_in in (False, True):
        if signed_in:
            client.force_login(ministry_user)
        archive = _archive(client)
        text = " ".join(archive.read(n).decode("utf-8") for n in archive.namelist())
        shown = {v for v in SECRETS if re.search(rf"(?<![\d.]){re.escape(v)}(?!\d)", text)}
        assert shown == set()
        editions = archive.read("editions.csv").decode()
        assert ",2011," not in editions and "draft" not in editions


def test_the_package_is_rebuilt_when_published_data_changes(
    client, real_data, settings, django_capture_on_commit_callbacks
):
    settings.CCHC_CACHE_IN_TRANSACTIONS = True
    cache.clear()
    first = client.get("/api/v1/dataset.zip")
    etag = first["ETag"]
    assert client.get("/api/v1/dataset.zip", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/api/v1/dataset.zip").content == first.content  # served from the cache
    result = Result.objects.filter(edition__status=Status.PUBLISHED, score__isnull=False).first()
    with django_capture_on_commit_callbacks(execute=True):
        result.score = "55.55"
        result.save()
    second = client.get("/api/v1/dataset.zip")
    assert second["ETag"] != etag
    assert "55.55" in zipfile.ZipFile(io.BytesIO(second.content)).read("results.csv").decode()


def test_readme_names_the_licence_attribution_and_quotes(client, real_data):
    archive = _archive(client)
    readme = archive.read("README.md").decode()
    assert "CC BY 4.0" in readme and "Bộ Nội vụ" in readme and "not relicensed" in readme
    licence = archive.read("LICENSE.txt").decode()
    assert "creativecommons.org/licenses/by/4.0" in licence and "NOT licensed" in licence
    results = archive.read("results.csv").decode().splitlines()
    assert results[0].startswith("index,year,unit,")
    # numbers as written: two places at most, no float noise, empty when missing (never 0 for missing)
    assert not re.search(r"\d\.\d{3,}", "\n".join(results[1:]))


def test_citation_cff_is_cff_1_2_0():
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert data["cff-version"] == "1.2.0"
    assert data["message"] and data["title"] and data["license"] == "CC-BY-4.0"
    assert all("name" in a or "family-names" in a for a in data["authors"])
    assert any("Bộ Nội vụ" in a["name"] for ref in data["references"] for a in ref["authors"])


def test_the_about_page_links_the_package_and_names_the_licence(client, real_data):
    page = client.get("/gioi-thieu-du-lieu/").content.decode()
    assert 'href="/api/v1/dataset.zip"' in page and 'href="/api/v1/"' in page
    assert "CC BY 4.0" in page and "Bộ Nội vụ" in page
