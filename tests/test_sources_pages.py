"""The articles pages: the list with search and filters, one article with its quotes marked and its
figures; unpublished figures and the reader's suggestions never shown to those not allowed."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from provinces.models import Province
from reports.models import Citation, Result, SourceArticle, Status
from sources.intake import ingest_article

pytestmark = pytest.mark.django_db

BAC_LIEU_TITLE = "Công bố Chỉ số cải cách hành chính: Bạc Liêu được xếp nhóm tốt"
LIST = reverse("dashboard:articles")


@pytest.fixture
def bac_lieu_seed(real_data) -> SourceArticle:
    return SourceArticle.objects.get(title=BAC_LIEU_TITLE)


@pytest.fixture
def curator(django_user_model):
    user = django_user_model.objects.create_user("bien.tap.vien", password="mat-khau-dai-9", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_draft_results"))
    return user


@pytest.fixture
def draft_figure(confirm_draft_figure) -> Citation:
    """A confirmed score of a 2025 edition still in draft (An Giang, 34-unit era)."""
    article, _ = ingest_article(
        text="An Giang công bố kết quả dự kiến\n\nNội dung bài viết về kết quả chưa công bố.",
        url="https://example.vn/ban-nhap",
    )
    return confirm_draft_figure(article, "Nội dung bài viết về kết quả chưa công bố.")


# --- the list ------------------------------------------------------------------------------------


def test_the_list_shows_each_article_with_its_publisher_date_provinces_and_figures(client, bac_lieu_seed):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"province": "bac-lieu"})
    assert response.status_code == 200
    assert len(queries) <= 10  # count, page of articles with figure counts, provinces, filter choices
    page = response.content.decode()
    assert BAC_LIEU_TITLE in page
    row = next(a for a in response.context["articles"] if a.pk == bac_lieu_seed.pk)
    assert row.figure_count == bac_lieu_seed.citations.confirmed().count() > 0
    assert reverse("dashboard:article", args=[bac_lieu_seed.pk]) in page
    assert reverse("dashboard:province", args=["bac-lieu"]) in page


def test_searching_without_diacritics_finds_the_article(client, bac_lieu_seed):
    response = client.get(LIST, {"q": "bac lieu nhom tot"})
    assert response.status_code == 200
    assert bac_lieu_seed in response.context["articles"]
    words = ("bac", "lieu", "nhom", "tot")
    for article in response.context["articles"]:
        quotes = article.citations.confirmed().values_list("quote_search", flat=True)
        assert all(w in article.search_text for w in words) or any(all(w in q for w in words) for q in quotes)


# --- articles people can find: by their quotes, by their own headline, grouped by publisher --------------------


def quoted_only(article_words: str) -> SourceArticle:
    """A real article stored without text whose confirmed quote holds ``article_words`` (folded)."""
    citation = (
        Citation.objects.confirmed()
        .filter(article__text="", quote_search__contains=article_words, result__edition__status=Status.PUBLISHED)
        .select_related("article")
        .first()
    )
    assert citation is not None, article_words
    return citation.article


def test_an_article_without_text_is_found_by_the_sentence_quoted_from_it(client, real_data):
    article = quoted_only("bac lieu")
    assert "bac lieu" not in article.search_text  # neither its title nor its text says it
    response = client.get(LIST, {"q": "Bạc Liêu"})
    assert article in response.context["articles"]


def test_a_draft_figures_quote_finds_its_article_only_for_those_who_may_see_it(client, draft_figure, ministry_user):
    article = draft_figure.article
    SourceArticle.objects.filter(pk=article.pk).update(title="Bài không nêu tên tỉnh", text="", search_text="")
    Citation.objects.filter(pk=draft_figure.pk).update(quote="An Giang đạt 86,40 điểm")
    Citation.objects.get(pk=draft_figure.pk).save()  # the folded quote follows the quote
    assert article not in client.get(LIST, {"q": "an giang 86,40"}).context["articles"]
    client.force_login(ministry_user)
    assert article in client.get(LIST, {"q": "an giang 86,40"}).context["articles"]


def test_an_article_pasted_without_a_title_is_listed_by_its_own_headline(real_data):
    article, _ = ingest_article(
        text="\n  Đắk Lắk tăng 5 bậc   về Chỉ số cải cách hành chính\n\nNăm 2024, tỉnh Đắk Lắk đạt 85,12 điểm.",
        url="https://example.vn/dak-lak-tang-hang",
    )
    assert article.title == "Đắk Lắk tăng 5 bậc về Chỉ số cải cách hành chính"
    long_line = "Kết quả " + "cải cách hành chính " * 20
    article.title, article.text = "", long_line
    article.save()
    assert len(article.title) <= 200 and article.title.endswith("…") and long_line.startswith(article.title[:-1])


def test_the_list_groups_articles_by_publisher_and_names_an_untitled_one_by_its_quote(client, real_data):
    response = client.get(LIST)
    page = response.content.decode()
    articles = list(response.context["articles"])
    publishers = [a.publisher for a in articles]
    assert publishers == sorted(publishers, key=lambda p: (p == "", p)) and len(set(publishers)) > 1
    for publisher in set(publishers) - {""}:
        assert f"<h2>{publisher}</h2>" in page
    # articles whose publisher is unknown come last, after every named one
    last = response.context["page"].paginator.num_pages
    tail = list(client.get(LIST, {"page": last}).context["articles"])
    assert SourceArticle.objects.filter(publisher="").exists() and tail[-1].publisher == ""
    assert "Không rõ cơ quan đăng" not in page or publishers[-1] == ""
    untitled = next(a for a in articles if not a.title and a.first_quote)
    assert f"“{untitled.first_quote[:40]}" in page
    assert f">{untitled.url}</a>" not in page


def test_a_search_without_results_says_so(client, real_data):
    response = client.get(LIST, {"q": "khongcobaivietnao"})
    assert response.status_code == 200
    assert "Không tìm thấy bài viết nào." in response.content.decode()


def test_filtering_by_province_and_year(client, bac_lieu_seed):
    response = client.get(LIST, {"province": "bac-lieu", "year": "2019"})
    assert response.status_code == 200
    articles = list(response.context["articles"])
    assert bac_lieu_seed in articles
    bac_lieu = Province.objects.get(slug="bac-lieu")
    assert all(bac_lieu in a.provinces.all() for a in articles)


@pytest.mark.parametrize(
    "params",
    [
        {"year": "hai nghìn"},
        {"year": "99999"},
        {"province": "khong-co-tinh-nay"},
        {"page": "-1"},
        {"page": "abc"},
        {"q": "'; drop table --" * 20},
        {"q": "%_\\"},
    ],
)
def test_bad_parameters_are_answered_without_a_server_error(client, real_data, params):
    response = client.get(LIST, params)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        # the page's own errors, or the query-string guard's message (over 200 characters)
        assert response.context.get("errors") or "tối đa 200" in response.context.get("message", "")


def test_an_unknown_year_is_reported_to_the_user(client, real_data):
    response = client.get(LIST, {"year": "abc"})
    assert response.status_code == 400
    assert "Năm không hợp lệ" in response.content.decode()


# --- one article -----------------------------------------------------------------------------------


def test_the_article_marks_its_quotes_and_lists_its_figures(client, bac_lieu_seed):
    score = bac_lieu_seed.citations.confirmed().get(metric="score")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard:article", args=[bac_lieu_seed.pk]))
    assert response.status_code == 200
    assert len(queries) <= 10  # article, citations, provinces
    page = response.content.decode()
    assert f'<a id="q-{score.pk}"></a>' in page
    assert "<mark" in page and "Chỉ số CCHC đạt 81,20 điểm" in page
    assert f'href="#q-{score.pk}"' in page
    assert "81,20" in page or "81.20" in page


def test_the_article_links_to_the_original(client, real_data):
    article = SourceArticle.objects.exclude(url="").exclude(text="").first()
    response = client.get(reverse("dashboard:article", args=[article.pk]))
    assert f'href="{article.url}"' in response.content.decode()


def test_an_unknown_article_is_not_found(client, real_data):
    assert client.get(reverse("dashboard:article", args=[999999])).status_code == 404


def test_the_public_does_not_see_suggestions(client, real_data):
    article, _ = ingest_article(
        text="Chỉ số CCHC năm 2022: Đồng Nai\n\nXếp hạng PAR index năm 2022, Đồng Nai đạt 85,10% điểm, "
        "đứng thứ 51/63 tỉnh, thành phố."
    )
    suggestion = article.citations.get(metric="score")
    response = client.get(reverse("dashboard:article", args=[article.pk]))
    assert response.status_code == 200
    assert suggestion not in response.context["citations"]
    assert "85,10" not in response.content.decode().split("<h2>")[1]  # not in the figures table


def test_curators_see_suggestions_and_their_conflicts(client, curator, real_data):
    article, _ = ingest_article(
        text="Chỉ số CCHC năm 2022: Đồng Nai\n\nXếp hạng PAR index năm 2022, Đồng Nai đạt 85,10% điểm, "
        "đứng thứ 51/63 tỉnh, thành phố."
    )
    client.force_login(curator)
    response = client.get(reverse("dashboard:article", args=[article.pk]))
    suggestion = article.citations.get(metric="score")
    assert suggestion in response.context["citations"]
    assert "mâu thuẫn với số liệu đã lưu" in response.content.decode()


def test_draft_figures_are_hidden_from_the_public_and_other_provinces(client, draft_figure, officer_factory):
    url = reverse("dashboard:article", args=[draft_figure.article_id])
    response = client.get(url)
    assert draft_figure not in response.context["citations"]
    assert "86,40" not in response.content.decode() and "86.40" not in response.content.decode()

    other = officer_factory(Province.objects.real().get(name="Hà Nội", valid_to__isnull=True))
    client.force_login(other)
    assert draft_figure not in client.get(url).context["citations"]


def test_draft_figures_are_shown_to_their_province_and_the_ministry(
    client, draft_figure, officer_factory, ministry_user
):
    url = reverse("dashboard:article", args=[draft_figure.article_id])
    client.force_login(officer_factory(draft_figure.province))
    assert draft_figure in client.get(url).context["citations"]
    client.force_login(ministry_user)
    assert draft_figure in client.get(url).context["citations"]


def test_the_list_counts_only_figures_the_visitor_may_see(client, draft_figure, ministry_user):
    response = client.get(LIST, {"q": "ket qua du kien"})
    row = next(a for a in response.context["articles"] if a.pk == draft_figure.article_id)
    assert row.figure_count == 0
    client.force_login(ministry_user)
    response = client.get(LIST, {"q": "ket qua du kien"})
    row = next(a for a in response.context["articles"] if a.pk == draft_figure.article_id)
    assert row.figure_count == 1


def test_published_results_are_found_by_year_of_result(client, bac_lieu_seed):
    result = Result.objects.get(edition__year=2019, edition__index__code="PAR_INDEX", province__slug="bac-lieu")
    assert result.citations.confirmed().filter(article=bac_lieu_seed).exists()
    response = client.get(LIST, {"year": "2019"})
    assert bac_lieu_seed in response.context["articles"]
