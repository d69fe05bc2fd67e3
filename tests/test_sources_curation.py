"""Curation of the reader's proposals: confirming creates or fills the figure and makes the citation its
provenance; a contradiction is a conflict that never overwrites silently; replacing is explicit and
recorded in history; rejecting keeps the proposal out of the figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from provinces.models import Province
from reports.models import (
    Citation,
    Component,
    DossierStat,
    Edition,
    Index,
    PublishedAverage,
    Result,
    SourceArticle,
    Status,
)
from reports.sources import CurationError, FigureConflict, confirm, reject

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator(django_user_model):
    return django_user_model.objects.create_user("bien.tap.vien", password="mat-khau-dai-9", is_staff=True)


@pytest.fixture
def cite(real_data):
    """A suggested citation on a fresh article, as the reader would have proposed it."""
    article = SourceArticle.objects.create(
        title="Bài kiểm tra", text="Bài viết dùng trong kiểm thử.", url="https://example.vn/kiem-thu"
    )

    def make(**fields) -> Citation:
        fields.setdefault("index", Index.objects.get(code="PAR_INDEX"))
        fields.setdefault("quote", "Câu trích dẫn.")
        return Citation.objects.create(article=article, **fields)

    return make


def province_63(name: str) -> Province:
    return Province.objects.real().get(name=name, valid_to__isnull=False)


def dong_nai_2022() -> Result:
    return Result.objects.get(edition__index__code="PAR_INDEX", edition__year=2022, province=province_63("Đồng Nai"))


# --- confirming ------------------------------------------------------------------------------------


def test_confirming_a_figure_of_an_unknown_edition_creates_it_as_a_draft(cite, curator):
    an_giang = Province.objects.real().get(name="An Giang", valid_to__isnull=True)  # a unit of the 34
    citation = cite(year=2025, province=an_giang, metric="score", value_number=Decimal("86.40"))

    confirm(citation, curator)

    citation.refresh_from_db()
    edition = Edition.objects.get(index__code="PAR_INDEX", year=2025, is_synthetic=False)
    assert edition.status == Status.DRAFT  # a curator publishes separately
    assert edition.units_ranked == 34
    assert citation.result == Result.objects.get(edition=edition, province=an_giang)
    assert citation.result.score == Decimal("86.40")
    assert citation.state == Citation.State.CONFIRMED
    assert (citation.reviewed_by, citation.reviewed_at is not None) == (curator, True)
    assert citation.article.provinces.filter(pk=an_giang.pk).exists()


def test_confirming_fills_an_empty_field_of_a_stored_result(cite, curator):
    result = dong_nai_2022()
    assert result.group == ""
    citation = cite(year=2022, province=result.province, metric="group", value_text="B")

    confirm(citation, curator)

    result.refresh_from_db()
    assert (result.group, result.score, result.rank) == ("B", Decimal("82.92"), 51)
    citation.refresh_from_db()
    assert citation.result == result and citation.state == Citation.State.CONFIRMED


def test_confirming_the_stored_value_only_adds_provenance(cite, curator):
    result = dong_nai_2022()
    history = result.history.count()
    citation = cite(year=2022, province=result.province, metric="rank", value_number=Decimal("51"))

    confirm(citation, curator)

    assert result.history.count() == history  # nothing written to the figure
    assert citation.result == result
    assert result.citations.confirmed().filter(pk=citation.pk).exists()


def test_a_component_score_is_created_on_its_result(cite, curator):
    result = dong_nai_2022()
    component = Component.objects.filter(framework=result.edition.framework).exclude(scores__result=result).first()
    citation = cite(
        year=2022,
        province=result.province,
        metric="component_score",
        component_name=component.name,
        value_number=Decimal("5.10"),
    )

    confirm(citation, curator)

    citation.refresh_from_db()
    assert citation.component_score.component == component
    assert citation.component_score.result == result
    assert citation.component_score.score == Decimal("5.10")


def test_a_national_average_already_stored_is_linked(cite, curator):
    average = PublishedAverage.objects.get(edition__index__code="PAR_INDEX", edition__year=2024, region=None)
    citation = cite(year=2024, is_national=True, metric="average", value_number=average.value)

    confirm(citation, curator)

    assert citation.average == average


def test_quarterly_dossiers_are_stored_with_their_article(cite, curator):
    bac_lieu = province_63("Bạc Liêu")
    citation = cite(year=2023, province=bac_lieu, metric="dossier_received", period="2023-Q1", value_number=113905)

    confirm(citation, curator)

    stat = DossierStat.objects.get(province=bac_lieu, year=2023, quarter=1)
    assert stat.received == 113905
    assert stat.article == citation.article
    assert citation.dossier_stat == stat


def test_a_proposal_without_a_province_cannot_be_confirmed(cite, curator):
    citation = cite(year=2022, metric="score", value_number=Decimal("80"))
    with pytest.raises(CurationError):
        confirm(citation, curator)
    citation.refresh_from_db()
    assert citation.state == Citation.State.SUGGESTED


def test_a_rank_beyond_the_units_ranked_is_refused(cite, curator):
    an_giang = Province.objects.real().get(name="An Giang", valid_to__isnull=True)
    citation = cite(year=2025, province=an_giang, metric="rank", value_number=Decimal("40"))
    with pytest.raises(CurationError):
        confirm(citation, curator)
    assert not Edition.objects.filter(year=2025).exists()  # nothing half-made


# --- conflicts -------------------------------------------------------------------------------------


def test_a_contradicting_proposal_never_overwrites_the_stored_figure(cite, curator):
    result = dong_nai_2022()
    history = result.history.count()
    citation = cite(year=2022, province=result.province, metric="score", value_number=Decimal("85.10"))

    with pytest.raises(FigureConflict) as raised:
        confirm(citation, curator)

    assert "82.92" in str(raised.value) and "85.10" in str(raised.value)
    result.refresh_from_db()
    assert result.score == Decimal("82.92")
    assert result.history.count() == history
    citation.refresh_from_db()
    assert citation.conflict
    assert citation.state == Citation.State.SUGGESTED


def test_replacing_is_explicit_and_recorded_in_history_with_its_citation(cite, curator):
    result = dong_nai_2022()
    old_sources = list(result.citations.confirmed().filter(metric="score", value_number=Decimal("82.92")))
    assert old_sources
    citation = cite(year=2022, province=result.province, metric="score", value_number=Decimal("85.10"))

    confirm(citation, curator, replace=True)

    result.refresh_from_db()
    assert result.score == Decimal("85.10")
    change = result.history.latest()
    assert change.score == Decimal("85.10")
    assert f"#{citation.pk}" in change.history_change_reason
    assert change.prev_record.score == Decimal("82.92")
    citation.refresh_from_db()
    assert citation.state == Citation.State.CONFIRMED and not citation.conflict
    for old in old_sources:  # the sources of the old value now disagree with the stored figure
        old.refresh_from_db()
        assert old.conflict


def test_a_contradicting_average_is_a_conflict(cite, curator):
    average = PublishedAverage.objects.get(edition__index__code="PAR_INDEX", edition__year=2024, region=None)
    citation = cite(year=2024, is_national=True, metric="average", value_number=average.value + 1)
    with pytest.raises(FigureConflict):
        confirm(citation, curator)
    average.refresh_from_db()
    assert citation.average is None


# --- rejecting -------------------------------------------------------------------------------------


def test_rejecting_keeps_the_proposal_out_of_the_figures(cite, curator):
    result = dong_nai_2022()
    citation = cite(year=2022, province=result.province, metric="score", value_number=Decimal("85.10"))

    reject(citation, curator)

    citation.refresh_from_db()
    assert citation.state == Citation.State.REJECTED
    assert citation.reviewed_by == curator and citation.reviewed_at is not None
    result.refresh_from_db()
    assert result.score == Decimal("82.92")
    assert not result.citations.confirmed().filter(pk=citation.pk).exists()


def test_review_is_recorded_in_the_citations_history(cite, curator):
    citation = cite(year=2022, province=province_63("Đồng Nai"), metric="rank", value_number=Decimal("51"))
    confirm(citation, curator)
    latest = citation.history.latest()
    assert latest.state == Citation.State.CONFIRMED
    assert latest.history_change_reason
