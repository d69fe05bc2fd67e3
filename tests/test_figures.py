"""Derived figures: change on the previous edition (merged units included), averages with their
coverage, percent of a component's maximum, ranks from scores."""

from decimal import Decimal

import pytest

from provinces.models import Province, Region
from reports import figures
from reports.models import Edition, Index, PublishedAverage, Result, Status

pytestmark = pytest.mark.django_db
D = Decimal


def unit(name: str, era: int) -> Province:
    return Province.objects.get(name=name, era=era)


def edition(year: int, units_ranked: int | None = None) -> Edition:
    return Edition.objects.create(
        index=Index.objects.get(code="PAR_INDEX"),
        year=year,
        status=Status.DRAFT,
        is_synthetic=True,
        units_ranked=units_ranked or (63 if year < 2025 else 34),
    )


def results_of(ed: Edition):
    return list(Result.objects.filter(edition=ed).select_related("province", "edition"))


@pytest.fixture
def two_eras():
    e2023, e2024, e2025 = edition(2023), edition(2024), edition(2025)
    Result.objects.create(edition=e2023, province=unit("Bắc Giang", 63), score=D("78.00"), rank=12)
    Result.objects.create(edition=e2024, province=unit("Bắc Giang", 63), score=D("80.00"), rank=10)
    Result.objects.create(edition=e2024, province=unit("Bắc Ninh", 63), score=D("85.00"), rank=5)
    Result.objects.create(edition=e2024, province=unit("Hà Nội", 63), score=D("90.00"), rank=2)
    Result.objects.create(edition=e2025, province=unit("Bắc Ninh", 34), score=D("88.00"), rank=3)
    Result.objects.create(edition=e2025, province=unit("Hà Nội", 34), score=D("91.00"), rank=1)
    return e2023, e2024, e2025


def change_of(name: str, era: int, ed: Edition, previous: Edition) -> figures.Change:
    changes = figures.changes_for(results_of(ed), ed, results_of(previous))
    return changes[Result.objects.get(edition=ed, province=unit(name, era)).pk]


def test_change_on_the_same_unit_a_year_earlier(two_eras):
    e2023, e2024, _ = two_eras
    change = change_of("Bắc Giang", 63, e2024, e2023)
    assert (change.score_delta, change.rank_delta, change.basis) == (D("2.00"), 2, "same_unit")


def test_a_lost_place_is_a_negative_rank_change(two_eras):
    e2023, e2024, _ = two_eras
    Result.objects.filter(edition=e2024, province=unit("Bắc Giang", 63)).update(rank=20)
    assert change_of("Bắc Giang", 63, e2024, e2023).rank_delta == -8


def test_a_merged_unit_lists_its_predecessors_and_invents_no_change(two_eras):
    _, e2024, e2025 = two_eras
    change = change_of("Bắc Ninh", 34, e2025, e2024)
    assert change.basis == "predecessors"
    assert change.score_delta is None and change.rank_delta is None
    assert {(p.province_name, p.score) for p in change.previous} == {
        ("Bắc Giang", D("80.00")),
        ("Bắc Ninh", D("85.00")),
    }
    assert all(p.is_predecessor for p in change.previous)


def test_an_unchanged_unit_compares_scores_with_its_predecessor_but_not_ranks_out_of_another_total(two_eras):
    _, e2024, e2025 = two_eras
    change = change_of("Hà Nội", 34, e2025, e2024)
    assert change.basis == "predecessor"
    assert change.score_delta == D("1.00")
    assert change.rank_delta is None  # 2/63 then 1/34 is not "one place gained"


def test_a_reported_change_is_used_only_when_the_previous_result_is_not_held(two_eras):
    e2023, e2024, _ = two_eras
    Result.objects.filter(edition=e2024, province=unit("Bắc Ninh", 63)).update(
        reported_score_delta=D("1.5"), reported_rank_delta=3
    )
    change = change_of("Bắc Ninh", 63, e2024, e2023)
    assert (change.score_delta, change.rank_delta, change.basis) == (D("1.5"), 3, "reported")


def test_no_previous_figure_means_no_change_rather_than_zero(two_eras):
    e2023, e2024, _ = two_eras
    assert change_of("Hà Nội", 63, e2024, e2023) == figures.Change(None, None, "none", ())


def test_a_computed_average_says_how_many_units_it_covers(two_eras):
    _, e2024, _ = two_eras
    average = figures.national_average(e2024, results_of(e2024), [])
    assert (average.value, average.kind, average.units, average.units_total) == (D("85.00"), "computed", 3, 63)
    assert not average.is_complete
    assert "3/63" in average.label


def test_a_published_average_wins_over_a_computed_one(two_eras):
    _, e2024, _ = two_eras
    PublishedAverage.objects.create(edition=e2024, value=D("84.50"))
    average = figures.national_average(e2024, results_of(e2024), e2024.averages.all())
    assert (average.value, average.kind) == (D("84.50"), "published")


def test_no_scores_means_a_missing_average_not_zero():
    empty = edition(2011)
    average = figures.national_average(empty, [], [])
    assert (average.value, average.kind) == (None, "missing")


def test_regional_averages_use_each_units_region(two_eras):
    _, e2024, _ = two_eras
    regions = list(Region.objects.all())
    for region in regions:
        region.unit_count = Province.objects.real().filter(era=63, region=region).count()
    averages = figures.regional_averages(e2024, results_of(e2024), [], regions)
    red_river = Region.objects.get(name="Đồng bằng sông Hồng")
    northern = Region.objects.get(name="Trung du và miền núi phía Bắc")
    assert averages[red_river.pk].value == D("87.50")  # Bắc Ninh 85 and Hà Nội 90
    assert averages[northern.pk].units == 1  # Bắc Giang
    assert averages[Region.objects.get(name="Tây Nguyên").pk].kind == "missing"


def test_percent_of_a_components_maximum():
    assert figures.percent_of_max(D("14.23"), D("15")) == D("94.87")
    assert figures.percent_of_max(D("5"), None) is None
    assert figures.percent_of_max(None, D("15")) is None


def test_ranks_from_scores_share_places_on_ties():
    ranks = figures.ranks_from_scores({1: D("90"), 2: D("85"), 3: D("90"), 4: None, 5: D("80")})
    assert ranks == {1: 1, 3: 1, 2: 3, 5: 4, 4: None}


def test_ranks_are_computed_only_when_every_unit_has_a_score(two_eras):
    _, e2024, _ = two_eras
    Result.objects.filter(edition=e2024).update(rank=None)
    partial = figures.effective_ranks(e2024, results_of(e2024))
    assert set(partial.values()) == {None}  # 3 of 63: a place among three is not a rank
    small = edition(2010, units_ranked=3)
    for name, score in (("Bắc Giang", "70"), ("Bắc Ninh", "75"), ("Hà Nội", "75")):
        Result.objects.create(edition=small, province=unit(name, 63), score=D(score))
    complete = figures.effective_ranks(small, results_of(small))
    assert sorted(complete.values()) == [1, 1, 3]


def test_coverage_counts_units_with_figures(two_eras):
    _, e2024, _ = two_eras
    cov = figures.coverage(e2024, results_of(e2024))
    assert (cov.with_score, cov.units_total, cov.is_complete) == (3, 63, False)


def test_a_stored_change_reads_back_as_the_change_it_was():
    """The standings keep a change as columns and JSON; read back it is the same Change, prior scores to
    their places ("76.80") and a merged unit's predecessors in order."""
    before = (
        figures.PreviousResult("Hà Giang", "ha-giang", Decimal("76.80"), 40, 63, True),
        figures.PreviousResult("Tuyên Quang", "tuyen-quang", None, None, 63, True),
    )
    for change in (
        figures.Change(Decimal("4.35"), 3, "same_unit", before[:1]),
        figures.Change(None, None, "predecessors", before),
        figures.Change(Decimal("-1.20"), None, "reported"),
        figures.NO_CHANGE,
    ):
        rank_change, basis, previous = figures.change_record(change)
        stored = figures.stored_change(change.score_delta, rank_change, basis, previous)
        assert stored == change
        assert [str(p.score) for p in stored.previous] == [str(p.score) for p in change.previous]


def test_a_result_without_a_stored_standing_shows_no_change():
    assert figures.stored_change(None, None, None, None) == figures.NO_CHANGE


def test_published_ranks_that_contradict_each_other_or_the_scores_are_flagged(client, real_data):
    """2023: Đồng Nai #32 (87,04), Cà Mau #32 (86,89), TP. Hồ Chí Minh #33 (86,97)."""
    from django.urls import reverse

    response = client.get(reverse("dashboard:rankings"), {"index": "PAR_INDEX", "year": 2023})
    flagged = {r["province"] for r in response.context["rows"] if r["rank_conflict"]}
    assert {"Đồng Nai", "Cà Mau", "TP. Hồ Chí Minh"} <= {name.replace(" (trước 2025)", "") for name in flagged}
    assert "hạng mâu thuẫn" in response.content.decode()
    rows = [
        {"id": 1, "rank": 1, "rank_published": True, "score": 90},
        {"id": 2, "rank": 2, "rank_published": True, "score": 85},
    ]
    assert figures.rank_conflicts(rows) == set()
    rows[1]["score"] = 95
    assert figures.rank_conflicts(rows) == {1, 2}


def test_a_stated_change_that_disagrees_with_the_computed_one_is_flagged(client, real_data):
    """Hà Nội 2024: the source states +1,32, the figures give +1,14."""
    from django.urls import reverse

    response = client.get(reverse("dashboard:rankings"), {"index": "PAR_INDEX", "year": 2024})
    ha_noi = next(r for r in response.context["rows"] if r["slug"].startswith("ha-noi"))
    assert (ha_noi["score_delta"], ha_noi["stated_score_delta"]) == (Decimal("1.14"), Decimal("1.32"))
    assert ha_noi["change_conflict"] and "nguồn nêu" in response.content.decode()
    assert figures.change_conflict(figures.Change(Decimal("1.14"), None, "same_unit"), Decimal("1.32"), None)
    assert not figures.change_conflict(figures.Change(Decimal("1.32"), None, "same_unit"), Decimal("1.32"), None)
    assert not figures.change_conflict(figures.Change(None, None, "reported"), Decimal("1.32"), None)


def test_sources_that_disagree_on_an_average_are_shown_both_never_replaced_by_a_mean(client, real_data):
    """PAR INDEX 2023, Bắc Trung Bộ và Duyên hải miền Trung: one source states 86,82, another 87,72."""
    from django.urls import reverse

    region = Region.objects.get(name="Bắc Trung Bộ và Duyên hải miền Trung")
    average = PublishedAverage.objects.get(edition__index__code="PAR_INDEX", edition__year=2023, region=region)
    assert (average.value, average.disputed, average.stated) == (None, True, "86.82; 87.72")
    assert all(c.conflict for c in average.citations.all()) and average.citations.count() == 2
    response = client.get(reverse("dashboard:rankings"), {"index": "PAR_INDEX", "year": 2023, "region": region.code})
    shown = response.context["region_average"]
    assert shown["kind"] == "disputed" and shown["value"] is None
    assert "86.82; 87.72" in shown["label"]


def test_a_stated_median_is_a_median_not_an_average(client, real_data):
    from django.urls import reverse

    median = PublishedAverage.objects.get(edition__index__code="SIPAS", edition__year=2021)
    assert (median.statistic, median.value) == ("median", Decimal("87.02"))
    response = client.get(reverse("dashboard:rankings"), {"index": "SIPAS", "year": 2021})
    assert response.context["national"]["kind"] != "published"  # the median is not taken for the average
    assert "Trung vị cả nước" in response.content.decode() and "87,02" in response.content.decode()
