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
from sources.provenance import CurationError, FigureConflict, confirm, reject

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


# --- in the admin ----------------------------------------------------------------------------------


def test_the_admin_intake_form_stores_a_pasted_article_and_proposes_its_figures(admin_client, real_data):
    response = admin_client.post(
        "/admin/reports/sourcearticle/add/",
        {
            "url": "https://baodongnai.example/cchc-2022",
            "title": "",
            "publisher": "Báo Đồng Nai",
            "published_on": "2023-04-20",
            "text": "Chỉ số CCHC năm 2022\n\nXếp hạng PAR index năm 2022, Đồng Nai đạt 82,92% điểm, đứng thứ 51/63.",
        },
    )
    article = SourceArticle.objects.get(url="https://baodongnai.example/cchc-2022")
    assert response.status_code == 302
    assert response.url == f"/admin/reports/sourcearticle/{article.pk}/duyet/"  # straight to the bench
    assert article.publisher == "Báo Đồng Nai"
    assert article.citations.suggested().filter(metric="score").exists()


def test_the_admin_intake_form_accepts_an_html_upload_and_refuses_a_duplicate(admin_client, real_data):
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    html = (Path(__file__).parent / "data" / "html" / "baclieu-2019-cchc.html").read_bytes()
    upload = SimpleUploadedFile("bai.html", html, content_type="text/html")
    admin_client.post("/admin/reports/sourcearticle/add/", {"file": upload})
    article = SourceArticle.objects.latest("pk")
    assert "Tin khác" not in article.text and "81,20 điểm" in article.text

    count = SourceArticle.objects.count()
    again = SimpleUploadedFile("bai.html", html, content_type="text/html")
    response = admin_client.post("/admin/reports/sourcearticle/add/", {"file": again}, follow=True)
    assert SourceArticle.objects.count() == count
    assert "đã có" in response.content.decode()


def test_the_admin_intake_form_needs_text_or_a_file(admin_client, real_data):
    response = admin_client.post("/admin/reports/sourcearticle/add/", {"url": "https://example.vn/x"})
    assert response.status_code == 200
    assert "Dán nội dung bài viết hoặc tải tệp lên." in response.content.decode()


def test_admin_actions_confirm_and_reject_and_report_conflicts(admin_client, cite):
    dong_nai = province_63("Đồng Nai")
    agrees = cite(year=2022, province=dong_nai, metric="rank", value_number=Decimal("51"))
    contradicts = cite(year=2022, province=dong_nai, metric="score", value_number=Decimal("85.10"))
    wrong = cite(year=2022, province=dong_nai, metric="group", value_text="Z")
    changelist = "/admin/reports/citation/"

    response = admin_client.post(
        changelist, {"action": "confirm_citations", "_selected_action": [agrees.pk, contradicts.pk]}, follow=True
    )
    page = response.content.decode()
    assert "Đã xác nhận 1 trích dẫn." in page
    assert "Mâu thuẫn, chưa ghi đè" in page
    agrees.refresh_from_db()
    contradicts.refresh_from_db()
    assert agrees.state == Citation.State.CONFIRMED
    assert contradicts.state == Citation.State.SUGGESTED and contradicts.conflict
    assert dong_nai_2022().score == Decimal("82.92")

    admin_client.post(changelist, {"action": "reject_citations", "_selected_action": [wrong.pk]})
    wrong.refresh_from_db()
    assert wrong.state == Citation.State.REJECTED

    admin_client.post(changelist, {"action": "confirm_replacing", "_selected_action": [contradicts.pk]})
    assert dong_nai_2022().score == Decimal("85.10")


def test_the_conflicts_are_listed_in_the_admin(admin_client, cite):
    cite(year=2022, province=province_63("Đồng Nai"), metric="score", value_number=Decimal("85.10"), conflict=True)
    response = admin_client.get("/admin/reports/citation/", {"conflict__exact": "1", "state__exact": "suggested"})
    assert response.status_code == 200
    assert "85,10" in response.content.decode() or "85.10" in response.content.decode()


def test_the_reread_action_adds_nothing_twice(admin_client, real_data):
    seed = SourceArticle.objects.get(title="Công bố Chỉ số cải cách hành chính: Bạc Liêu được xếp nhóm tốt")
    count = seed.citations.count()
    admin_client.post("/admin/reports/sourcearticle/", {"action": "repropose_articles", "_selected_action": [seed.pk]})
    after_first = seed.citations.count()
    admin_client.post("/admin/reports/sourcearticle/", {"action": "repropose_articles", "_selected_action": [seed.pk]})
    assert seed.citations.count() == after_first >= count


# --- the curator's bench: each proposal in its sentence, one click each ----------------------------------------

BENCH_TEXT = (
    "Chỉ số CCHC năm 2022 của Đồng Nai\n\n"
    "Sáng 20/4, Bộ Nội vụ công bố kết quả. Xếp hạng PAR index năm 2022, Đồng Nai đạt 82,92% điểm, "
    "đứng thứ 51/63. Tỉnh sẽ tiếp tục cải thiện các chỉ số thành phần.\n\nĐoạn cuối."
)


@pytest.fixture
def bench(admin_client, real_data):
    """An article pasted through the admin, with the reader's proposals; the bench's address."""
    admin_client.post("/admin/reports/sourcearticle/add/", {"url": "https://dongnai.example/cchc", "text": BENCH_TEXT})
    article = SourceArticle.objects.get(url="https://dongnai.example/cchc")
    assert article.citations.suggested().count() >= 2
    return article, f"/admin/reports/sourcearticle/{article.pk}/duyet/"


def test_the_bench_shows_each_proposal_marked_in_its_sentence(admin_client, bench):
    article, url = bench
    page = admin_client.get(url).content.decode()
    for citation in article.citations.suggested():
        assert f'id="c-{citation.pk}"' in page
        assert f"<mark>{citation.quote}</mark>" in page
    assert "Sáng 20/4, Bộ Nội vụ công bố kết quả." in page  # the text around the quote, not the quote alone
    assert "Đoạn cuối" not in page  # another paragraph


def test_the_bench_and_the_citation_list_write_a_rank_as_a_whole_number(admin_client, bench):
    article, url = bench
    rank = article.citations.get(metric="rank")
    assert rank.value == Decimal("51")  # stored as a decimal like every figure
    page = admin_client.get(url).content.decode()
    assert "Thứ hạng: 51 ·" in page and "51,00" not in page
    assert "Điểm: 82,92 ·" in page
    listing = admin_client.get("/admin/reports/citation/", {"article__id__exact": article.pk}).content.decode()
    assert ">51</td>" in listing and "51,00" not in listing


def test_one_click_confirms_or_rejects_a_proposal_and_nothing_else(admin_client, bench):
    article, url = bench
    rank = article.citations.suggested().get(metric="rank")
    other = article.citations.suggested().exclude(pk=rank.pk).first()
    response = admin_client.post(url, {"citation": rank.pk, "action": "confirm"}, follow=True)
    assert "Đã xác nhận 1 trích dẫn." in response.content.decode()
    rank.refresh_from_db()
    other.refresh_from_db()
    assert rank.state == Citation.State.CONFIRMED and rank.result == dong_nai_2022()
    assert other.state == Citation.State.SUGGESTED
    admin_client.post(url, {"citation": other.pk, "action": "reject"})
    other.refresh_from_db()
    assert other.state == Citation.State.REJECTED


@pytest.mark.parametrize(
    "post",
    [{"citation": "abc", "action": "confirm"}, {"citation": "1", "action": "publish"}, {"action": "confirm"}],
)
def test_a_bad_request_on_the_bench_changes_nothing(admin_client, bench, post):
    article, url = bench
    before = list(Citation.objects.order_by("pk").values_list("pk", "state"))
    response = admin_client.post(url, post, follow=True)
    assert response.status_code == 200 and "không có gì thay đổi" in response.content.decode()
    assert list(Citation.objects.order_by("pk").values_list("pk", "state")) == before


def test_the_bench_acts_only_on_its_own_articles_citations(admin_client, bench, cite):
    article, url = bench
    elsewhere = cite(year=2022, province=province_63("Đồng Nai"), metric="rank", value_number=Decimal("51"))
    response = admin_client.post(url, {"citation": elsewhere.pk, "action": "confirm"}, follow=True)
    assert "không thuộc bài viết này" in response.content.decode()
    elsewhere.refresh_from_db()
    assert elsewhere.state == Citation.State.SUGGESTED


def test_only_those_who_may_change_citations_open_the_bench(client, bench, django_user_model):
    article, url = bench
    assert client.get(url).status_code == 302  # to the sign-in page
    staff = django_user_model.objects.create_user("nhan.vien", password="mat-khau-dai-9", is_staff=True)
    client.force_login(staff)
    assert client.get(url).status_code == 403
    assert client.post(url, {"citation": article.citations.first().pk, "action": "reject"}).status_code == 403
    assert not article.citations.filter(state=Citation.State.REJECTED).exists()


def test_the_bench_speaks_english_when_the_admin_does(admin_client, bench):
    article, url = bench
    page = admin_client.get("/en" + url).content.decode()
    assert "Review the article" in page and "awaiting review" in page and "Duyệt số liệu" not in page
