"""The rankings page (one path: sorted and cut in SQL on the stored standings) shows exactly what a
computation over the whole edition shows, for every viewer, from the rows that viewer may see.

The oracle is computed here, independently of the page's code: every result of the edition and of the
previous published edition, their changes and effective ranks from ``reports.figures``, sorted with
``figures.sort_rows`` and cut into pages. The panel has ties, missing scores, missing ranks and
predecessors, so that the tie breaks and "missing last" rules are exercised on both databases.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curation import synthetic
from reports import figures
from reports.derived import refresh_statistics
from reports.figures import RESULT_ORDER
from reports.models import ComponentScore, Edition, Result, Status

pytestmark = pytest.mark.django_db
URL = reverse("dashboard:rankings")
SORTS = ["rank", "-rank", "province", "-province", "score", "-score", "change", "-change"]
PAGE = 100
REGION = "dong-bang-song-hong"


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


def expected_rows(edition: Edition, sort: str, keep=lambda r: True, component: str | None = None) -> list[dict]:
    """Every row of ``edition`` as the page should order them, computed from all its results."""
    results = list(Result.objects.filter(edition=edition).select_related("province").order_by(*RESULT_ORDER))
    previous = Edition.objects.filter(
        index=edition.index, year=edition.year - 1, is_synthetic=edition.is_synthetic, status=Status.PUBLISHED
    ).first()
    prior = list(Result.objects.filter(edition=previous).select_related("province")) if previous else []
    changes = figures.changes_for(results, edition, prior)
    ranks = figures.effective_ranks(edition, results, edition.index.higher_is_better)
    scores = {}
    if component:
        for result_id, score in ComponentScore.objects.filter(
            result__edition=edition, component__key=component
        ).values_list("result_id", "score"):
            scores[result_id] = {component: {"score": score}}
    rows = [
        {
            "id": r.pk,
            "rank": ranks[r.pk],
            "province": r.province.name,
            "score": r.score,
            "score_delta": changes[r.pk].score_delta,
            "components": scores.get(r.pk, {}),
        }
        for r in results
        if keep(r)
    ]
    return figures.sort_rows(rows, sort)


def same_rows(response, expected: list[dict], page: int = 1) -> None:
    assert response.status_code == 200
    shown = [(r["id"], r["rank"], r["score_delta"]) for r in response.context["rows"]]
    want = [(r["id"], r["rank"], r["score_delta"]) for r in expected[(page - 1) * PAGE : page * PAGE]]
    assert shown == want
    assert response.context["pagination"]["total"] == len(expected)


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("page", [1, 2])
def test_every_sort_and_page_shows_the_rows_of_the_whole_edition_sort(client, panel, sort, page):
    response = client.get(URL, {"year": 2024, "sort": sort, "page": page})
    same_rows(response, expected_rows(panel, sort), page)
    assert len(response.context["rows"]) == (100 if page == 1 else 26)


@pytest.mark.parametrize(
    "narrowing, keep",
    [
        (
            {"region": "dong-bang-song-hong"},
            lambda r: r.province.region_id and r.province.region.code == "dong-bang-song-hong",
        ),
        ({"q": "tinh"}, lambda r: "tinh" in r.province.search_text),
        ({"group": "B"}, lambda r: r.group == "B"),
    ],
)
def test_narrowed_rankings_match(client, panel, narrowing, keep):
    response = client.get(URL, {"year": 2024, **narrowing})
    same_rows(response, expected_rows(panel, "rank", keep))
    assert response.context["rows"]


def test_sorting_by_a_component_matches(client, panel):
    component = ComponentScore.objects.filter(result__edition=panel).values_list("component__key", flat=True).first()
    ComponentScore.objects.filter(result__edition=panel, component__key=component, result__rank__lt=20).delete()
    for sort in (f"c.{component}", f"-c.{component}"):
        response = client.get(URL, {"year": 2024, "sort": sort, "page": 2})
        same_rows(response, expected_rows(panel, sort, component=component), 2)


def test_a_page_past_the_end_is_an_error(client, panel):
    response = client.get(URL, {"year": 2024, "page": 3})
    assert response.status_code == 400
    assert "Không có trang này." in response.content.decode()


def test_a_merged_unit_is_compared_with_its_predecessors(client, panel):
    edition = Edition.objects.get(is_synthetic=True, index__code="PAR_INDEX", year=2025)
    response = client.get(URL, {"year": 2025, "sort": "-change"})
    same_rows(response, expected_rows(edition, "-change"))
    assert {row["change_basis"] for row in response.context["rows"]} >= {"predecessor", "predecessors"}


def test_changes_are_measured_against_the_previous_published_edition_only(client, ministry_user, panel):
    """A draft previous year is not a basis of comparison, for the public or for the ministry."""
    previous = Edition.objects.get(is_synthetic=True, index__code="PAR_INDEX", year=2023)
    previous.status = Status.DRAFT
    previous.save(update_fields=["status"])
    public = client.get(URL, {"year": 2024, "sort": "-change"}).context
    assert {row["change_basis"] for row in public["rows"]} <= {"reported", "none"}
    client.force_login(ministry_user)
    ministry = client.get(URL, {"year": 2024, "sort": "-change"}).context
    assert ministry["previous_edition"] == previous
    assert {row["change_basis"] for row in ministry["rows"]} <= {"reported", "none"}


def test_an_officer_sees_a_draft_only_through_their_own_rows(client, officer_factory, settings):
    """An officer's view of a draft: their rows, their published rank (never one computed from the other
    units' draft scores), their change on the published year before, and no average or group list of
    the draft."""
    settings.CCHC_DATASET = "synthetic"
    synthetic.generate(scale=1)
    edition = Edition.objects.get(is_synthetic=True, index__code="PAR_INDEX", year=2024)
    edition.status = Status.DRAFT
    edition.save(update_fields=["status"])
    # Every unit has a score and none a published rank: the ranks the standings hold are computed ones.
    Result.objects.filter(edition=edition).update(rank=None)
    refresh_statistics([edition.pk])
    own = Result.objects.filter(edition=edition).select_related("province").order_by("pk")[5]
    assert own.standing.rank is not None  # computed from every unit's score
    client.force_login(officer_factory(own.province))
    response = client.get(URL, {"year": 2024})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["id"] for row in rows] == [own.pk]
    assert rows[0]["rank"] is None
    assert rows[0]["score"] == own.score
    expected = {r["id"]: r["score_delta"] for r in expected_rows(edition, "rank")}[own.pk]
    assert expected is not None and rows[0]["score_delta"] == expected
    assert response.context["national"]["value"] is None
    assert response.context["coverage"].with_any == 1
    assert response.context["groups"] == ([own.group] if own.group else [])


def test_the_rows_read_do_not_grow_with_the_units(client, settings):
    """A 630-unit ranking reads one page of rows with their stored changes, in a constant number of queries."""
    settings.CCHC_DATASET = "synthetic"
    counts = []
    for scale in (1, 3):
        synthetic.generate(scale=scale)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"year": 2024, "sort": "-change"})
        assert response.status_code == 200
        assert len(response.context["rows"]) == min(63 * scale, 100)
        counts.append(len(queries))
        assert any("LIMIT 100" in q["sql"] for q in queries.captured_queries)  # one page of rows, cut in SQL
    # editions, regions, statistics, the page's rows, component scores, citations
    assert counts[0] == counts[1] <= 7
