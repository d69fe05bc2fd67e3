"""Article intake: pasted text or an HTML page stored once, page furniture stripped, the reader's
figures kept as suggested citations; the ingest_articles command; search without diacritics."""

from __future__ import annotations

import datetime
import shutil
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from provinces.models import Province
from reports.models import Citation, Result, SourceArticle
from sources.html import html_to_text
from sources.intake import ingest_article, propose_citations, search_articles

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
HTML_PAGE = DATA / "html" / "baclieu-2019-cchc.html"
SEEDS = Path(__file__).resolve().parent.parent / "reports" / "data" / "seeds"

DONG_NAI = (
    "Chỉ số CCHC năm 2022: Đồng Nai tăng bậc\n\n"
    "Xếp hạng PAR index năm 2022, Đồng Nai đạt 82,92% điểm, đứng thứ 51/63 tỉnh, thành phố."
)


# --- storing an article once -----------------------------------------------------------------


def test_pasted_text_is_stored_with_its_title_publisher_and_date(real_data):
    article, created = ingest_article(
        text="Bài kiểm tra nhập liệu\n\nNgày 19/4/2023, Bộ Nội vụ công bố Chỉ số CCHC.",
        url="https://www.baomoi-test.vn/bai-1.html",
    )
    assert created
    assert article.title == "Bài kiểm tra nhập liệu"
    assert article.publisher == "baomoi-test.vn"
    assert article.published_on == datetime.date(2023, 4, 19)
    assert article.language == "vi"


def test_the_same_url_is_stored_once(real_data):
    first, created = ingest_article(text="Bài một về cải cách hành chính.", url="https://example.vn/a")
    second, created_again = ingest_article(text="Một bản khác của bài.", url="https://example.vn/a")
    assert created and not created_again
    assert second == first
    assert SourceArticle.objects.filter(url="https://example.vn/a").count() == 1


def test_the_same_text_under_another_url_is_stored_once(real_data):
    first, _ = ingest_article(text=DONG_NAI, url="https://baodongnai.example/a")
    second, created = ingest_article(text=DONG_NAI, url="https://m.baodongnai.example/a")
    assert not created
    assert second == first


def test_whitespace_and_case_differences_are_the_same_article(real_data):
    first, _ = ingest_article(text=DONG_NAI)
    reflowed = "  " + DONG_NAI.replace(" ", "  ").replace("\n\n", "\r\n \r\n").upper() + "\n\n"
    second, created = ingest_article(text=reflowed)
    assert not created
    assert second == first


def test_a_stored_seed_pasted_again_is_recognised(real_data):
    text = (SEEDS / "000_e50029b901f7fa4e.txt").read_text(encoding="utf-8")
    article, created = ingest_article(text=text)
    assert not created
    assert article.citations.confirmed().exists()


def test_an_article_known_only_by_its_url_gets_its_text(real_data):
    placeholder = SourceArticle.objects.create(url="https://example.vn/chi-so-cchc-2022")
    article, created = ingest_article(text=DONG_NAI, url="https://example.vn/chi-so-cchc-2022", publisher="Báo X")
    assert not created and article == placeholder
    article.refresh_from_db()
    assert article.text.startswith("Chỉ số CCHC năm 2022")
    assert article.publisher == "Báo X"
    assert article.citations.suggested().exists()


def test_an_article_needs_text_or_a_url(real_data):
    with pytest.raises(ValueError):
        ingest_article(text="   ")


# --- HTML ------------------------------------------------------------------------------------


def test_html_keeps_the_article_and_drops_menus_polls_and_other_news():
    text, title = html_to_text(HTML_PAGE.read_text(encoding="utf-8"))
    assert title == "Công bố Chỉ số cải cách hành chính: Bạc Liêu được xếp nhóm tốt"
    assert "Chỉ số CCHC đạt 81,20 điểm (tăng 4,35 điểm), thuộc nhóm tốt." in text
    assert "Hồng Tươi (Sở Nội vụ)" in text
    for furniture in (
        "Giới thiệu",  # menu
        "Trang chủ",  # breadcrumb
        "Bình chọn",  # poll
        "giữ chân và thu hút người tài",  # poll question
        "Tin khác",
        "đứng thứ 59",  # an "other news" headline that states a figure
        "Sóc Trăng",
        "Chia sẻ",
        "Viết bình luận",
        "Gió đông bắc",  # weather
        "Thống kê truy cập",
        "Bản quyền",  # footer
        "dataLayer",  # script
        "color: red",  # style
    ):
        assert furniture not in text, furniture


def test_html_keeps_paragraphs_apart():
    text, _ = html_to_text("<body><p>Đoạn một.<p>Đoạn hai.<br>Dòng ba.</body>")
    assert text == "Đoạn một.\n\nĐoạn hai.\nDòng ba."


def test_an_article_header_keeps_its_title_and_a_page_header_goes():
    html = (
        '<body><header class="site-header">Cổng thông tin</header><article><header class="article-header">'
        "<h1>Tiêu đề bài</h1></header><p>Nội dung.</p></article></body>"
    )
    assert html_to_text(html) == ("Tiêu đề bài\n\nNội dung.", "Tiêu đề bài")


def test_absurdly_deep_html_does_not_break_intake():
    text, _ = html_to_text("<div>" * 5000 + "Nội dung" + "</div>" * 5000)
    assert text == "Nội dung"


def test_an_html_page_is_ingested_as_text_and_read(real_data):
    article, created = ingest_article(html=HTML_PAGE.read_text(encoding="utf-8"), url="https://baclieu.example/cchc")
    assert created
    assert article.title.startswith("Công bố Chỉ số cải cách hành chính")
    assert "<p>" not in article.text and "Tin khác" not in article.text
    suggested = {(c.metric, c.value) for c in article.citations.suggested()}
    assert ("score", Decimal("81.20")) in suggested
    assert article.provinces.filter(name="Bạc Liêu").exists()


# --- proposals as suggested citations ------------------------------------------------------------


def test_proposals_are_stored_as_suggestions_with_province_index_and_year_resolved(real_data):
    article, _ = ingest_article(text=DONG_NAI)
    score = article.citations.get(metric="score")
    assert score.state == Citation.State.SUGGESTED
    assert (score.index.code, score.year, score.province.name, score.value) == (
        "PAR_INDEX",
        2022,
        "Đồng Nai",
        Decimal("82.92"),
    )
    assert score.result is None  # linked to the stored figure only once a curator confirms it
    assert not score.conflict  # the stored score is 82.92 too


def test_the_reader_is_given_the_articles_address(real_data):
    # A quote that never names its province: the page's address does (as its title did).
    text = "Năm 2022, Chỉ số cải cách hành chính (PAR Index) của tỉnh đạt 82,92%, xếp thứ 51/63 tỉnh, thành phố."
    article, _ = ingest_article(text=text, url="https://baodongnai.example/dong-nai-tang-bac-chi-so-cchc-1.html")
    assert article.citations.get(metric="score").province.name == "Đồng Nai"


def test_reading_again_adds_no_duplicate_suggestions(real_data):
    article, _ = ingest_article(text=DONG_NAI)
    count = article.citations.count()
    assert count > 0
    assert propose_citations(article) == []
    ingest_article(text=DONG_NAI)
    assert article.citations.count() == count


def test_a_proposal_already_confirmed_for_the_article_is_not_suggested_again(real_data):
    seed = SourceArticle.objects.get(title="Công bố Chỉ số cải cách hành chính: Bạc Liêu được xếp nhóm tốt")
    confirmed = seed.citations.confirmed().count()
    assert confirmed > 0
    new = propose_citations(seed)
    assert not any(c.metric == "score" and c.value == Decimal("81.20") for c in new)
    assert seed.citations.confirmed().count() == confirmed


def test_a_rejected_proposal_is_not_suggested_again(real_data):
    article, _ = ingest_article(text=DONG_NAI)
    article.citations.update(state=Citation.State.REJECTED)
    assert propose_citations(article) == []


def test_an_unknown_province_stays_empty(real_data):
    article, _ = ingest_article(
        text="Công tác cải cách hành chính (CCHC) của tỉnh trong quý 1/2023 được quan tâm.\n\n"
        "Trong quý 1/2023, các cơ quan, đơn vị trên địa bàn tỉnh đã tiếp nhận 113.905 hồ sơ thủ tục "
        "hành chính (TTHC); trong đó, giải quyết đúng hạn 111.340 hồ sơ TTHC, 15 hồ sơ TTHC giải quyết "
        "quá hạn và 2.550 hồ sơ TTHC đang giải quyết."
    )
    received = article.citations.get(metric="dossier_received")
    assert received.province is None
    assert received.period == "2023-Q1"
    assert received.value == Decimal("113905")


def test_a_proposal_contradicting_the_stored_figure_is_flagged_and_changes_nothing(real_data):
    dong_nai = Province.objects.real().get(name="Đồng Nai", valid_to__isnull=False)
    stored = Result.objects.get(edition__index__code="PAR_INDEX", edition__year=2022, province=dong_nai)
    article, _ = ingest_article(text=DONG_NAI.replace("82,92", "85,10"))
    score = article.citations.get(metric="score")
    assert score.conflict and score.state == Citation.State.SUGGESTED
    stored.refresh_from_db()
    assert stored.score == Decimal("82.92")


# --- the ingest_articles command -----------------------------------------------------------------


def test_the_ingest_command_reads_a_folder_once(real_data, tmp_path):
    (tmp_path / "dongnai.txt").write_text(
        f"URL: https://dongnai.example/cchc-2022\nDATE: 2023-04-20\n\n{DONG_NAI}\n", encoding="utf-8"
    )
    (tmp_path / "plain.txt").write_text(
        "Bài không có dòng URL\n\nTỉnh tổ chức hội nghị cải cách hành chính.", encoding="utf-8"
    )
    shutil.copy(HTML_PAGE, tmp_path / "baclieu.html")
    (tmp_path / "notes.md").write_text("not an article", encoding="utf-8")

    out = StringIO()
    call_command("ingest_articles", str(tmp_path), stdout=out)
    assert "3 created, 0 duplicates" in out.getvalue()
    article = SourceArticle.objects.get(url="https://dongnai.example/cchc-2022")
    assert article.published_on == datetime.date(2023, 4, 20)
    from_html = SourceArticle.objects.filter(title__startswith="Công bố Chỉ số").latest("pk")
    assert "81,20 điểm" in from_html.text and "Tin khác" not in from_html.text
    citations = Citation.objects.count()

    out = StringIO()
    call_command("ingest_articles", str(tmp_path), stdout=out)
    assert "0 created, 3 duplicates, 0 proposals" in out.getvalue()
    assert Citation.objects.count() == citations


def test_a_dry_run_stores_nothing(real_data, tmp_path):
    (tmp_path / "dongnai.txt").write_text(DONG_NAI, encoding="utf-8")
    articles = SourceArticle.objects.count()
    out = StringIO()
    call_command("ingest_articles", str(tmp_path), "--dry-run", stdout=out)
    assert "1 created" in out.getvalue()
    assert SourceArticle.objects.count() == articles


# --- search ------------------------------------------------------------------------------------


def test_search_ignores_diacritics_and_case(real_data):
    seed = SourceArticle.objects.get(title="Công bố Chỉ số cải cách hành chính: Bạc Liêu được xếp nhóm tốt")
    assert seed in search_articles("bac lieu")
    assert seed in search_articles("BẠC LIÊU nhóm tốt")
    assert seed not in search_articles("bac lieu khongcotu")


def test_a_blank_search_returns_every_article(real_data):
    assert search_articles("  ").count() == SourceArticle.objects.count()


def test_search_finds_newly_ingested_articles(real_data):
    article, _ = ingest_article(text="Đắk Nông đẩy mạnh chuyển đổi số trong cải cách hành chính.")
    assert list(search_articles("dak nong chuyen doi so")) == [article]
