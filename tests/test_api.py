"""The open-data API, /api/v1/: visibility per persona, JSON numbers, paging, errors, OpenAPI, CORS, query counts.

A draft PAR INDEX edition (2011, a year with no real edition) holds results, component scores, published
averages and confirmed citations with values found nowhere else (as in tests/test_personas.py). Every
endpoint is read, every page of it, as each persona; a value may appear only where the Viewer allows.
"""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from openapi_spec_validator import validate

from provinces.models import Province
from reports.models import (
    Citation,
    ComponentScore,
    Edition,
    Index,
    Metric,
    PublishedAverage,
    Result,
    SourceArticle,
    Status,
)

pytestmark = pytest.mark.django_db

OWN_SCORE, OWN_COMPONENT = "77.77", "9.19"  # Bạc Liêu (63-era), merged into Cà Mau in 2025
OTHER_SCORE, OTHER_COMPONENT = "66.66", "8.18"  # Hà Nội
NATIONAL, REGIONAL = "71.17", "72.27"
OWN = {OWN_SCORE, OWN_COMPONENT}
OTHERS = {OTHER_SCORE, OTHER_COMPONENT}
AVERAGES = {NATIONAL, REGIONAL}
SECRETS = OWN | OTHERS | AVERAGES
LISTS = ("units", "editions", "results", "averages", "citations")


@pytest.fixture
def draft(real_data):
    par = Index.objects.get(code="PAR_INDEX")
    framework = par.frameworks.get(first_year=2022)
    component = framework.components.get(key="procedures")
    assert not Result.objects.filter(score__in=SECRETS).exists()
    assert not ComponentScore.objects.filter(score__in=SECRETS).exists()
    assert not PublishedAverage.objects.filter(value__in=SECRETS).exists()
    assert not Citation.objects.filter(value_number__in=SECRETS).exists()
    edition = Edition.objects.create(index=par, year=2011, status=Status.DRAFT, units_ranked=63, framework=framework)
    own = Province.objects.get(name="Bạc Liêu", era=63)
    other = Province.objects.get(name="Hà Nội", era=63)
    article = SourceArticle.objects.create(
        url="https://example.org/ket-qua-2011", title="Kết quả 2011", publisher="Báo thử", text="…"
    )
    for province, score, part in ((own, OWN_SCORE, OWN_COMPONENT), (other, OTHER_SCORE, OTHER_COMPONENT)):
        result = Result.objects.create(edition=edition, province=province, score=score, rank=1 + (province == other))
        component_score = ComponentScore.objects.create(result=result, component=component, score=part)
        for metric, value, target in (
            (Metric.SCORE, score, {"result": result}),
            (Metric.COMPONENT_SCORE, part, {"component_score": component_score, "component": component}),
        ):
            Citation.objects.create(
                article=article, index=par, year=2011, province=province, metric=metric, value_number=value,
                quote=f"{province.name} đạt {value.replace('.', ',')} điểm", state=Citation.State.CONFIRMED, **target,
            )  # fmt: skip
    for region, value in ((None, NATIONAL), (own.region, REGIONAL)):
        average = PublishedAverage.objects.create(edition=edition, region=region, value=value)
        Citation.objects.create(
            article=article, index=par, year=2011, is_national=region is None, region=region, metric=Metric.AVERAGE,
            value_number=value, average=average, state=Citation.State.CONFIRMED, quote=f"trung bình {value}",
        )  # fmt: skip
    return {"edition": edition, "own": own, "other": other}


@pytest.fixture
def officer(draft, officer_factory):
    user = officer_factory(draft["own"])
    user.groups.add(Group.objects.get(name="Cán bộ tỉnh"))
    return user


def _crawl(client: Client, path: str) -> list[dict]:
    """Every page of a list endpoint, following ``next``; the JSON bodies."""
    bodies, url = [], path
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        body = response.json()
        bodies.append(body)
        url = body["next"]
        assert len(bodies) < 200
    return bodies


def _seen(client: Client) -> set[str]:
    """The secret values any endpoint shows to this client."""
    text = ""
    for name in LISTS:
        for query in ("?page_size=500", "?index=PAR_INDEX&year=2011", "?year=2011&province=bac-lieu"):
            if name == "averages" and "province" in query:
                continue
            if name == "units" and "year" in query:
                continue
            for body in _crawl(client, f"/api/v1/{name}{query}"):
                text += json.dumps(body)
    text += client.get("/api/v1/indices").content.decode()
    return {v for v in SECRETS if re.search(rf"(?<![\d.]){re.escape(v)}(?!\d)", text)}


def test_anonymous_sees_no_draft_figure_anywhere(client, draft):
    assert _seen(client) == set()
    editions = client.get("/api/v1/editions?year=2011").json()
    assert editions["count"] == 0


def test_an_officer_sees_their_own_draft_results_only(client, draft, officer):
    client.force_login(officer)
    assert _seen(client) == OWN
    [edition] = client.get("/api/v1/editions?year=2011").json()["results"]
    assert edition["status"] == "draft" and edition["coverage"] is None  # a statistic of the draft
    results = client.get("/api/v1/results?year=2011").json()["results"]
    assert [r["unit"] for r in results] == ["bac-lieu"]
    assert results[0]["components"][0]["score"] == 9.19
    assert client.get("/api/v1/averages?year=2011").json()["count"] == 0


def test_a_2025_units_officer_sees_its_predecessors_drafts(client, draft, officer_factory):
    client.force_login(officer_factory(draft["own"].successor))
    assert _seen(client) == OWN


def test_another_provinces_officer_sees_no_draft(client, draft, officer_factory):
    client.force_login(officer_factory(Province.objects.get(name="Bắc Ninh", era=63)))
    assert _seen(client) == set()


def test_ministry_staff_see_the_whole_draft(client, draft, ministry_user):
    client.force_login(ministry_user)
    assert _seen(client) == SECRETS
    [edition] = client.get("/api/v1/editions?year=2011").json()["results"]
    assert edition["coverage"]["units_with_score"] == 2 and edition["coverage"]["complete"] is False
    national = client.get("/api/v1/averages?year=2011&page_size=1").json()["results"][0]
    assert national == {
        "index": "PAR_INDEX", "year": 2011, "area": "national", "region": None, "value": 71.17,
        "kind": "published", "units": 63, "units_total": 63, "complete": True,
    }  # fmt: skip


def test_numbers_are_json_numbers(client, real_data):
    body = client.get("/api/v1/results?index=PAR_INDEX&year=2023").content.decode()
    assert '"score": "' not in body and not re.search(r"\d\.\d*0000", body)
    results = json.loads(body)["results"]
    scored = [r for r in results if r["score"] is not None]
    assert scored and all(isinstance(r["score"], float) for r in scored)
    assert all(isinstance(r["rank"], int) for r in results if r["rank"] is not None)
    assert all(re.fullmatch(r"[a-z_]+", key) for r in results for key in r)
    averages = client.get("/api/v1/averages?index=PAR_INDEX").json()["results"]
    assert averages and all(isinstance(a["value"], float) for a in averages)
    computed = [a for a in averages if a["kind"] == "computed"]
    assert all(a["units"] <= a["units_total"] for a in computed)
    indices = client.get("/api/v1/indices").json()
    maxima = [c["max_points"] for i in indices for f in i["frameworks"] for c in f["components"]]
    assert any(isinstance(m, float) for m in maxima)


def test_units_of_both_eras_with_lineage(client, real_data):
    units = [u for body in _crawl(client, "/api/v1/units") for u in body["results"]]
    assert {u["era"] for u in units} == {63, 34}
    assert sum(u["era"] == 63 for u in units) == 63 and sum(u["era"] == 34 for u in units) == 34
    bac_lieu = next(u for u in units if u["key"] == "bac-lieu")
    successor = next(u for u in units if u["key"] == bac_lieu["successor"])
    assert "bac-lieu" in successor["predecessors"] and successor["era"] == 34
    assert client.get(f"/api/v1/units/{successor['key']}").json() == successor
    assert client.get("/api/v1/units?era=34").json()["count"] == 34


def test_pagination_next_links_walk_every_row(client, real_data):
    first = client.get("/api/v1/units?page_size=10&era=63").json()
    assert first["count"] == 63 and first["pages"] == 7 and first["previous"] is None
    assert first["next"].startswith("http://testserver/api/v1/units?") and "era=63" in first["next"]
    keys = [u["key"] for body in _crawl(client, "/api/v1/units?page_size=10&era=63") for u in body["results"]]
    assert len(keys) == len(set(keys)) == 63
    last = client.get("/api/v1/units?page_size=10&era=63&page=7").json()
    assert last["next"] is None and "page=6" in last["previous"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/results?index=NOPE",
        "/api/v1/results?year=abc",
        "/api/v1/results?region=atlantis",
        "/api/v1/results?province=khong-co",
        "/api/v1/editions?page=0",
        "/api/v1/citations?page_size=100000",
        "/api/v1/units?era=12",
        "/api/v1/averages?province=bac-lieu",
    ],
)
def test_a_bad_filter_is_a_json_400(client, real_data, url):
    response = client.get(url)
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == 400 and body["detail"]


def test_unknown_paths_and_pages_are_json_404s(client, real_data):
    for url in ("/api/v1/khong-co", "/api/v1/units/khong-co", "/api/v1/units?page=99"):
        response = client.get(url)
        assert response.status_code == 404 and response.json()["status"] == 404, url


def test_filters_narrow_as_on_the_pages(client, real_data):
    north = client.get("/api/v1/results?index=PAR_INDEX&year=2023&region=dong-bang-song-hong").json()
    if north["count"]:
        codes = {r["region"] for r in north["results"]}
        assert codes == {"dong-bang-song-hong"}
    hanoi = client.get("/api/v1/results?province=ha-noi-truoc-2025").json()["results"]
    assert hanoi and {r["unit"] for r in hanoi} == {"ha-noi-truoc-2025"}
    cited = client.get("/api/v1/citations?province=ha-noi-truoc-2025").json()["results"]
    assert cited and all(c["unit"] == "ha-noi-truoc-2025" for c in cited)
    assert all(c["article"]["url"] is not None for c in cited)


def test_the_openapi_document_validates(client, real_data):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    validate(spec)
    for path in ("/api/v1/units", "/api/v1/results", "/api/v1/averages", "/api/v1/citations", "/api/v1/dataset.zip"):
        assert path in spec["paths"], path


def test_cors_open_for_reads_without_credentials(client, real_data):
    for url in ("/api/v1/", "/api/v1/results", "/api/v1/openapi.json", "/api/v1/results?year=abc", "/api/v1/x"):
        response = client.get(url, HTTP_ORIGIN="https://example.org")
        assert response["Access-Control-Allow-Origin"] == "*", url
        assert not response.has_header("Access-Control-Allow-Credentials"), url
    preflight = client.options("/api/v1/results", HTTP_ORIGIN="https://example.org")
    assert preflight.status_code == 204 and "GET" in preflight["Access-Control-Allow-Methods"]
    assert not client.get("/xep-hang/").has_header("Access-Control-Allow-Origin")
    head = client.head("/api/v1/units")
    assert head.status_code == 200 and head["Access-Control-Allow-Origin"] == "*" and "Cookie" in head["Vary"]


def test_the_api_is_read_only(client, real_data):
    assert client.post("/api/v1/results", {}).status_code == 405


# Queries of one page of each endpoint, named; the same however many rows the data holds.
ANONYMOUS_BUDGET = {
    # count, page, predecessors of the page's units
    "/api/v1/units?page_size=500": 3,
    # region check, count, page, predecessors
    "/api/v1/units?region=dong-bang-song-hong": 4,
    # indices, frameworks, components
    "/api/v1/indices": 3,
    # index check, count, page, stored statistics of the page's editions (coverage)
    "/api/v1/editions?index=PAR_INDEX": 4,
    # index check, count, page of results (with stored changes), their component scores
    "/api/v1/results?index=PAR_INDEX&page_size=500": 4,
    # editions, stated averages, stored statistics, regions with their unit counts
    "/api/v1/averages": 4,
    # count, page with articles
    "/api/v1/citations?page_size=500": 2,
}
# a signed-in user adds: the session, the user, their draft permission
SIGNED_IN = 3


@pytest.mark.parametrize("url", list(ANONYMOUS_BUDGET))
def test_query_counts_are_constant(client, real_data, ministry_user, django_assert_max_num_queries, url):
    with django_assert_max_num_queries(ANONYMOUS_BUDGET[url]):
        assert client.get(url).status_code == 200
    client.force_login(ministry_user)
    with django_assert_max_num_queries(ANONYMOUS_BUDGET[url] + SIGNED_IN):
        assert client.get(url).status_code == 200
