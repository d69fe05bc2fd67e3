"""The shipped data loads as real figures with their sources, once, and disagreements stay visible."""

from decimal import Decimal

import pytest

from curation.loading import load_facts, load_indices
from provinces.models import Province
from provinces.reference import load_reference
from reports.models import Citation, ComponentScore, Edition, PublishedAverage, Result, SourceArticle

pytestmark = pytest.mark.django_db


def result(name: str, year: int, index: str = "PAR_INDEX") -> Result:
    return Result.objects.get(province__name=name, province__era=63, edition__year=year, edition__index__code=index)


def test_loading_twice_changes_nothing():
    counts_before = [m.objects.count() for m in (Province, Edition, Result, Citation, SourceArticle, ComponentScore)]
    history_before = Result.history.count()
    load_reference()
    load_indices()
    report = load_facts()
    assert report.written == 0
    assert [m.objects.count() for m in (Province, Edition, Result, Citation, SourceArticle, ComponentScore)] == (
        counts_before
    )
    assert Result.history.count() == history_before


def test_every_published_figure_is_a_confirmed_citation_with_its_quote():
    assert Citation.objects.confirmed().count() >= 649
    citation = Citation.objects.get(province__name="Đà Nẵng", metric="score", year=2012, index__code="PAR_INDEX")
    assert citation.value_number == Decimal("87.14")
    assert "87.14 percent" in citation.quote
    assert citation.article.url.startswith("https://en.vietnamplus.vn/")


def test_the_seed_articles_figures_are_attached_to_the_seed():
    seed = SourceArticle.objects.get(title__startswith="Công bố Chỉ số cải cách hành chính: Bạc Liêu")
    score = seed.citations.get(metric="score", province__name="Bạc Liêu")
    assert (score.year, score.value_number) == (2019, Decimal("81.20"))
    assert "81,20 điểm" in score.quote


def test_a_result_is_held_with_score_rank_and_its_provenance():
    da_nang = result("Đà Nẵng", 2012)
    assert da_nang.score == Decimal("87.14")
    assert da_nang.rank == 1
    assert da_nang.citations.filter(metric="score").exists()
    assert da_nang.edition.units_ranked == 63


def test_the_result_year_is_the_year_assessed_not_the_year_announced():
    edition = Edition.objects.get(index__code="PAR_INDEX", year=2016, is_synthetic=False)
    assert edition.announced_on.year == 2017


def test_disagreeing_sources_are_all_kept_and_flagged():
    quang_ninh = result("Quảng Ninh", 2018)
    assert quang_ninh.score == Decimal("89.06")  # stated by most sources
    assert quang_ninh.disputed
    dissent = quang_ninh.citations.filter(metric="score", conflict=True)
    assert Decimal("81.00") in {c.value_number for c in dissent}
    assert quang_ninh.citations.filter(metric="score", conflict=False, value_number=Decimal("89.06")).exists()


def test_an_even_split_between_sources_stores_no_value():
    hai_phong = result("Hải Phòng", 2018)
    assert hai_phong.disputed
    assert hai_phong.score is None
    assert {c.value_number for c in hai_phong.citations.filter(metric="score")} == {Decimal("83.60"), Decimal("83.68")}


def test_coverage_is_partial_and_not_filled():
    edition = Edition.objects.get(index__code="PAR_INDEX", year=2019, is_synthetic=False)
    held = edition.results.exclude(score=None).count()
    assert 0 < held < 63


def test_published_national_averages_are_held_per_edition():
    average = PublishedAverage.objects.get(edition__index__code="PAR_INDEX", edition__year=2015, region=None)
    assert average.value == Decimal("85.11") or average.disputed


def test_component_scores_are_matched_to_the_framework_by_name():
    son_la = result("Sơn La", 2024)
    civil_service = son_la.component_scores.get(component__key="civil_service")
    assert civil_service.score == Decimal("14.23")
    assert civil_service.citations.exists()


def test_figures_that_match_no_component_stay_citations_without_a_stored_score():
    unmatched = Citation.objects.filter(metric="component_score", component__isnull=True)
    assert unmatched.filter(component_name__startswith="Điểm đạt được qua đánh giá").exists()


def test_articles_are_stored_with_text_and_linked_to_their_provinces():
    assert SourceArticle.objects.exclude(text="").count() >= 17
    seed = SourceArticle.objects.get(title__startswith="Công bố Chỉ số cải cách hành chính: Bạc Liêu")
    assert seed.published_on.isoformat() == "2020-06-29"
    assert SourceArticle.objects.filter(url__contains="hanoitimes", provinces__name="Hà Nội").exists()
