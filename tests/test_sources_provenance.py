"""Provenance on the dashboard: a figure with a source shows it — a link to the article and the quote
on hover — on the province and rankings pages; the reader's unreviewed suggestions do not."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from provinces.models import Province
from reports.models import Result, SourceArticle
from sources.intake import ingest_article
from sources.provenance import confirm

pytestmark = pytest.mark.django_db

DONG_NAI_TEXT = (
    "Đồng Nai và Chỉ số CCHC năm 2022\n\n"
    "Theo kết quả Chỉ số CCHC năm 2022 vừa công bố, Đồng Nai đạt 82,92% điểm, đứng thứ 51/63 tỉnh, thành phố."
)


def dong_nai_2022() -> Result:
    dong_nai = Province.objects.real().get(name="Đồng Nai", valid_to__isnull=False)
    return Result.objects.get(edition__index__code="PAR_INDEX", edition__year=2022, province=dong_nai)


def test_the_province_page_links_each_figure_to_its_article_with_the_quote(client, real_data):
    seed = SourceArticle.objects.get(title="Công bố Chỉ số cải cách hành chính: Bạc Liêu được xếp nhóm tốt")
    score = seed.citations.confirmed().get(metric="score")
    page = client.get(reverse("dashboard:province", args=["bac-lieu"])).content.decode()
    assert reverse("dashboard:article", args=[seed.pk]) in page
    assert f"<blockquote>{escape(score.quote)}</blockquote>" in page  # the quote opens on tap


def test_a_confirmed_proposal_becomes_provenance_on_the_province_page(client, real_data, ministry_user):
    article, _ = ingest_article(text=DONG_NAI_TEXT, url="https://baodongnai.example/chi-so-2022")
    url = reverse("dashboard:province", args=[dong_nai_2022().province.slug])
    link = reverse("dashboard:article", args=[article.pk])
    suggestion = article.citations.get(metric="score")
    before = client.get(url).content.decode()
    assert link in before  # the province page lists the articles about the province
    assert escape(suggestion.quote) not in before  # but a suggestion is no source of a figure yet

    confirm(suggestion, ministry_user)

    page = client.get(url).content.decode()
    assert article.url in page or link in page
    assert escape(suggestion.quote) in page


def test_the_rankings_show_the_sources_of_disputed_figures(client, real_data):
    disputed = Result.objects.filter(disputed=True, edition__status="published").select_related("edition").first()
    article = disputed.citations.confirmed().first().article
    response = client.get(reverse("dashboard:rankings"), {"index": "PAR_INDEX", "year": disputed.edition.year})
    assert reverse("dashboard:article", args=[article.pk]) in response.content.decode()


def test_the_rankings_show_the_source_of_every_sourced_figure(client, real_data):
    result = dong_nai_2022()
    assert not result.disputed
    article = result.citations.confirmed().first().article
    response = client.get(reverse("dashboard:rankings"), {"index": "PAR_INDEX", "year": 2022})
    assert reverse("dashboard:article", args=[article.pk]) in response.content.decode()


def test_the_public_never_sees_unreviewed_suggestions_on_the_rankings(client, real_data):
    disputed = (
        Result.objects.filter(disputed=True, edition__status="published").select_related("edition", "province").first()
    )
    text = (
        f"Chỉ số CCHC năm {disputed.edition.year}\n\n"
        f"Xếp hạng PAR index năm {disputed.edition.year}, {disputed.province.name} đạt 77,77% điểm."
    )
    article, _ = ingest_article(text=text)
    assert article.citations.suggested().filter(province=disputed.province, conflict=True).exists()
    response = client.get(reverse("dashboard:rankings"), {"index": "PAR_INDEX", "year": disputed.edition.year})
    assert reverse("dashboard:article", args=[article.pk]) not in response.content.decode()
