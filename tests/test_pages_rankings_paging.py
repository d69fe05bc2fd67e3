"""Rankings of large panels are paged, so a page never grows with the data; real editions fit one page."""

import pytest
from django.urls import reverse

from dashboard.pages import rankings
from provinces.models import Province
from reports.derived import refresh_statistics
from reports.models import Edition, Index, Result, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(rankings, "RANKINGS_PAGE_SIZE", 20)


def url(**params):
    return reverse("dashboard:rankings") + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def test_a_real_edition_is_shown_whole_on_one_page(client):
    response = client.get(url(index="PAR_INDEX", year=2015))
    assert response.status_code == 200
    assert response.context["pagination"]["pages"] == 1
    assert 'rel="next"' not in response.content.decode()


@pytest.fixture
def full_edition():
    edition = Edition.objects.create(
        index=Index.objects.get(code="PAR_INDEX"),
        year=2011,
        units_ranked=63,
        status=Status.PUBLISHED,
    )
    units = Province.objects.real().filter(era=63).order_by("code")
    Result.objects.bulk_create(
        Result(edition=edition, province=unit, score=90 - i * 0.25, rank=i + 1) for i, unit in enumerate(units)
    )
    refresh_statistics([edition.pk])  # bulk_create sends no signal; bulk writers refresh at their end
    return edition


def test_a_long_ranking_is_split_into_pages_in_rank_order(client, small_pages, full_edition):
    first = client.get(url(index="PAR_INDEX", year=2011))
    assert [r["rank"] for r in first.context["rows"]] == list(range(1, 21))
    assert first.context["pagination"]["pages"] == 4
    last = client.get(url(index="PAR_INDEX", year=2011, page=4))
    assert [r["rank"] for r in last.context["rows"]] == [61, 62, 63]
    assert 'rel="prev"' in last.content.decode()


def test_downloads_hold_exactly_the_rows_of_the_page_shown(client, small_pages, full_edition):
    response = client.get(url(index="PAR_INDEX", year=2011, page=2, format="json"))
    ranks = [row["value"] for row in response.json()["rows"] if row["metric"] == "rank"]
    assert ranks == list(range(21, 41))


@pytest.mark.parametrize("page", ["99", "0", "abc", "-1"])
def test_a_page_that_does_not_exist_is_a_clear_400(client, small_pages, full_edition, page):
    response = client.get(url(index="PAR_INDEX", year=2011, page=page))
    assert response.status_code == 400
    assert "Trang" in response.content.decode()
