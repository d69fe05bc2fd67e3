"""The rankings page sorted and cut in SQL on the stored standings shows exactly what the Python
computation over the whole edition shows.

Visitors who see an edition whole get ``pages.stored_listing``: one page of rows read in the order
asked, however many units the edition ranks. Others (an officer on a draft, a curator comparing with a
draft) get ``pages.computed_listing``, which sorts every result in Python. The second is the oracle:
each test renders the same URL both ways and compares every row, its order, the pagination and
the averages. The panel has ties, missing scores, missing ranks and predecessors, so that the tie
breaks and "missing last" rules are exercised on both databases.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curation import synthetic
from dashboard import pages
from reports.derived import refresh_statistics
from reports.models import ComponentScore, Edition, Result, Status

pytestmark = pytest.mark.django_db
URL = reverse("dashboard:rankings")
SORTS = ["rank", "-rank", "province", "-province", "score", "-score", "change", "-change"]


@pytest.fixture
def panel(settings):
    """The synthetic panel at twice the units (126 in 2024: two pages), with ties and gaps added."""
    settings.CCHC_DATASET = "synthetic"
    synthetic.generate(scale=2)
    edition = Edition.objects.get(is_synthetic=True, index__code="PAR_INDEX", year=2024)
    results = list(Result.objects.filter(edition=edition).order_by("pk"))
    for i, result in enumerate(results[:40]):
        fields = {}
        if i % 5 == 0:
            fields["score"] = Decimal("77.77")  # ties on score (and so on change, for some)
        if i % 7 == 0:
            fields["rank"] = None  # no published rank
        if i % 11 == 0:
            fields.update(score=None, reported_score_delta=Decimal("3.50"))  # rank only, change as reported
        Result.objects.filter(pk=result.pk).update(**fields)
    refresh_statistics([edition.pk])
    return edition


def both_ways(client, monkeypatch, params: dict) -> tuple:
    stored = client.get(URL, params)
    with monkeypatch.context() as patch:
        patch.setattr(pages, "standings_apply", lambda *args: False)
        computed = client.get(URL, params)
    return stored, computed


def same_page(stored, computed) -> None:
    assert stored.status_code == computed.status_code == 200
    for key in ("rows", "pagination", "national", "region_average", "coverage", "groups"):
        assert stored.context[key] == computed.context[key], key


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("page", [1, 2])
def test_every_sort_and_page_shows_the_rows_of_the_whole_edition_sort(client, monkeypatch, panel, sort, page):
    stored, computed = both_ways(client, monkeypatch, {"year": 2024, "sort": sort, "page": page})
    same_page(stored, computed)
    assert len(stored.context["rows"]) == (100 if page == 1 else 26)


@pytest.mark.parametrize(
    "narrowing",
    [
        {"region": "dong-bang-song-hong"},
        {"q": "tinh"},
        {"group": "B"},
        {"region": "trung-du-mien-nui-phia-bac", "sort": "-change"},
    ],
)
def test_narrowed_rankings_match(client, monkeypatch, panel, narrowing):
    stored, computed = both_ways(client, monkeypatch, {"year": 2024, **narrowing})
    same_page(stored, computed)
    assert stored.context["rows"]


def test_sorting_by_a_component_matches(client, monkeypatch, panel):
    component = ComponentScore.objects.filter(result__edition=panel).values_list("component__key", flat=True).first()
    ComponentScore.objects.filter(result__edition=panel, component__key=component, result__rank__lt=20).delete()
    for sort in (f"c.{component}", f"-c.{component}"):
        stored, computed = both_ways(client, monkeypatch, {"year": 2024, "sort": sort, "page": 2})
        same_page(stored, computed)


def test_a_page_past_the_end_is_an_error_both_ways(client, monkeypatch, panel):
    stored, computed = both_ways(client, monkeypatch, {"year": 2024, "page": 3})
    assert stored.status_code == computed.status_code == 400
    assert "Không có trang này." in stored.content.decode()


def test_a_merged_unit_is_compared_with_its_predecessors_both_ways(client, monkeypatch, panel):
    stored, computed = both_ways(client, monkeypatch, {"year": 2025, "sort": "-change"})
    same_page(stored, computed)
    assert {row["change_basis"] for row in stored.context["rows"]} >= {"predecessor", "predecessors"}


def test_a_curator_comparing_with_a_draft_gets_the_computed_changes(client, ministry_user, panel):
    previous = Edition.objects.get(is_synthetic=True, index__code="PAR_INDEX", year=2023)
    previous.status = Status.DRAFT
    previous.save(update_fields=["status"])
    public = client.get(URL, {"year": 2024, "sort": "-change"}).context
    assert {row["change_basis"] for row in public["rows"]} <= {"reported", "none"}  # no published 2023
    client.force_login(ministry_user)
    curator = client.get(URL, {"year": 2024, "sort": "-change"}).context
    assert curator["previous_edition"] == previous
    assert "same_unit" in {row["change_basis"] for row in curator["rows"]}


def test_the_rows_read_do_not_grow_with_the_units(client, settings, monkeypatch):
    """A 630-unit ranking reads its page with the rows' stored changes, not every result of two editions."""
    settings.CCHC_DATASET = "synthetic"
    read = []
    real = pages.standing_rows

    def counted(rows):
        rows = real(rows)
        read.append(len(rows))
        return rows

    monkeypatch.setattr(pages, "standing_rows", counted)
    monkeypatch.setattr(pages, "computed_listing", None)  # would fail if called
    for scale in (1, 3):
        synthetic.generate(scale=scale)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"year": 2024, "sort": "-change"})
        assert response.status_code == 200
        assert len(response.context["rows"]) == min(63 * scale, 100)
        assert read[-1] <= 100
        assert len(queries) <= 7, [q["sql"][:80] for q in queries.captured_queries]
