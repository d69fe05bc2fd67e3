"""The province page: trends against averages, components, gaps, sources and lineage across the 2025 merger."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from provinces.models import Province
from reports.models import Edition, Framework, Index, Result, Status

pytestmark = pytest.mark.usefixtures("real_data")


def url(slug, **params):
    from django.utils.http import urlencode

    return reverse("dashboard:province", args=[slug]) + ("?" + urlencode(params) if params else "")


@pytest.fixture
def draft_figure_article(confirm_draft_figure):
    """An article without a title whose only quote about An Giang states a confirmed figure of a draft edition."""
    from reports.models import SourceArticle

    article = SourceArticle.objects.create(url="https://example.vn/an-giang-du-kien", publisher="example.vn")
    article.provinces.add(Province.objects.real().get(name="An Giang", valid_to__isnull=True))
    quote = "An Giang đạt 86,40% theo kết quả dự kiến chưa công bố."
    confirm_draft_figure(article, quote)
    return article, quote


@pytest.fixture
def edition_2025(db):
    index = Index.objects.get(code="PAR_INDEX")
    return Edition.objects.create(
        index=index,
        year=2025,
        framework=Framework.objects.filter(index=index).order_by("-first_year").first(),
        status=Status.PUBLISHED,
        units_ranked=34,
    )


def test_it_shows_the_score_and_rank_over_the_years(client):
    response = client.get(url("quang-ninh"))
    assert response.status_code == 200
    years = [r["year"] for r in response.context["series"][0]["rows"]]
    assert years == sorted(years) and 2023 in years
    html = response.content.decode()
    assert 'id="score-chart"' in html and 'id="rank-chart"' in html
    assert "92,18" in html


def test_averages_are_published_or_labelled_with_their_coverage(client):
    rows = client.get(url("quang-ninh")).context["trend_rows"]
    by_year = {r["year"]: r for r in rows}
    assert by_year[2024]["national"]["kind"] == "published"
    for row in rows:
        if row["national"]["kind"] == "computed":
            assert "/63" in row["national"]["label"]


def test_missing_years_are_missing_not_zero(client):
    rows = client.get(url("long-an")).context["trend_rows"]
    assert any(r["score"] is None for r in rows)
    assert all(r["score"] is None or r["score"] > 0 for r in rows)


def test_component_scores_and_framework_breaks(client):
    response = client.get(url("son-la"))
    keys = [c["key"] for c in response.context["component_series"]]
    assert "procedures" in keys
    assert [b["year"] for b in response.context["breaks"]] == [2017, 2022]
    assert "Bộ tiêu chí mới" in str(response.context["component_chart"])


def test_percent_of_maximum_only_where_the_maximum_is_known(client):
    series = client.get(url("son-la")).context["component_series"]
    procedures = next(c for c in series if c["key"] == "procedures")
    point = next(p for p in procedures["points"] if p["year"] == 2024)
    assert point["pct"] == Decimal("98.08")  # 12.75 / 13
    direction = [c for c in series if c["key"] == "direction"]
    assert all(p["pct"] is None for c in direction for p in c["points"])


def test_gaps_to_the_leader_and_the_average(client):
    gaps = client.get(url("son-la")).context["gaps"]
    assert gaps
    organisation = next(g for g in gaps if g.key == "organisation")
    assert organisation.score is not None
    assert organisation.average.kind in ("computed", "missing")
    # Sơn La's 2024 component figures are the only ones published: it leads nobody
    alone = [g for g in gaps if g.score is not None and g.units_held == 1]
    assert alone and all(g.alone and g.gap_to_leader is None for g in alone)


def test_it_lists_source_articles_and_citations(client):
    response = client.get(url("quang-ninh"))
    assert response.context["articles"]
    cited = [r for s in response.context["series"] for r in s["rows"] if r["citations"]]
    assert cited
    html = response.content.decode()
    assert reverse("dashboard:article", args=[response.context["articles"][0]["pk"]]) in html


def test_an_untitled_article_is_listed_by_a_quote_about_the_unit_not_by_its_address(client):
    response = client.get(url("quang-ninh"))
    html = response.content.decode().split('<ul class="articles">', 1)[1].split("</ul>", 1)[0]
    untitled = [a for a in response.context["articles"] if not a["title"]]
    assert untitled and all(a["first_quote"] for a in untitled)  # every harvested article quotes the unit
    for article in untitled:
        assert f">{article['url']}</a>" not in html  # the address is only the "bản gốc" link
        assert f"“{article['first_quote'][:40]}" in html


def test_a_quote_of_an_unpublished_figure_does_not_name_the_article(client, draft_figure_article):
    article, quote = draft_figure_article
    page = client.get(url("an-giang")).content.decode()
    assert quote[:30] not in page
    assert reverse("dashboard:article", args=[article.pk]) in page  # still listed, by its address


def test_disputed_results_are_marked(client):
    response = client.get(url("quang-ninh"))
    disputed = [r for r in response.context["series"][0]["rows"] if r["disputed"]]
    assert [r["year"] for r in disputed] == [2018]
    assert "nguồn mâu thuẫn" in response.content.decode()


def test_a_pre_2025_unit_links_to_its_successor(client):
    response = client.get(url("binh-duong"))
    assert response.context["successor"].slug == "tp-ho-chi-minh"
    assert reverse("dashboard:province", args=["tp-ho-chi-minh"]) in response.content.decode()


def test_a_merged_unit_shows_its_predecessors_as_separate_labelled_series(client):
    response = client.get(url("tp-ho-chi-minh"))
    series = response.context["series"]
    names = [s["name"] for s in series[1:]]
    assert len(series) == 4  # itself + TP.HCM, Bình Dương, Bà Rịa - Vũng Tàu before 2025
    assert all("tiền thân" in n for n in names)
    assert all(s["is_predecessor"] for s in series[1:])
    traces = [t["name"] for t in response.context["score_chart"]["data"]]
    assert any("Bình Dương" in t for t in traces)


def test_a_merged_unit_with_a_2025_result(client, edition_2025):
    unit = Province.objects.get(slug="tp-ho-chi-minh")
    Result.objects.create(edition=edition_2025, province=unit, score=Decimal("90.10"), rank=3)
    response = client.get(url("tp-ho-chi-minh"))
    own = response.context["series"][0]["rows"]
    assert [(r["year"], r["rank"], r["units_ranked"]) for r in own] == [(2025, 3, 34)]
    rankings = client.get(reverse("dashboard:rankings"), {"year": 2025}).context["rows"]
    assert rankings[0]["change_basis"] in ("predecessors", "predecessors_partial", "none")
    assert rankings[0]["rank_delta"] is None  # 3/34 vs a rank out of 63: no rank change


def test_an_unknown_province_is_a_404(client):
    assert client.get(url("atlantis")).status_code == 404


def test_an_unknown_index_is_a_400(client):
    assert client.get(url("quang-ninh", index="NOPE")).status_code == 400


def test_sipas_tab(client):
    response = client.get(url("ha-noi", index="SIPAS"))
    assert response.status_code == 200
    assert response.context["index"].code == "SIPAS"


def test_drafts_of_other_provinces_stay_hidden_from_an_officer(client, officer_factory):
    edition = Edition.objects.get(index__code="PAR_INDEX", year=2023)
    Edition.objects.filter(pk=edition.pk).update(status=Status.DRAFT)
    officer = officer_factory(Province.objects.get(slug="hai-phong-truoc-2025"))
    client.force_login(officer)
    other = client.get(url("quang-ninh")).context["series"][0]["rows"]
    assert 2023 not in [r["year"] for r in other]
    own = client.get(url("hai-phong-truoc-2025")).context["series"][0]["rows"]
    assert 2023 in [r["year"] for r in own]


@pytest.mark.parametrize("slug", ["quang-ninh", "tp-ho-chi-minh", "son-la", "hai-phong-truoc-2025"])
def test_query_count_is_constant(client, django_assert_max_num_queries, slug):
    # units (+ region sizes), editions (+ published and held averages), the unit's results, its component
    # scores (+ each component's leaders), component totals of the latest edition, citations, articles
    with django_assert_max_num_queries(7):
        assert client.get(url(slug)).status_code == 200


def test_query_count_for_signed_in_ministry_staff(client, ministry_user, django_assert_max_num_queries):
    client.force_login(ministry_user)
    # + session, user, and one permission check (reports.models._can_see_drafts)
    with django_assert_max_num_queries(10):
        assert client.get(url("quang-ninh")).status_code == 200


def test_averages_and_gaps_are_computed_from_every_visible_unit_of_the_edition(client):
    """Aggregated in SQL: the page reads the unit's rows, not the whole edition's."""
    from reports.models import ComponentScore, Edition, Index, Result, Status

    index = Index.objects.get(code="PAR_INDEX")
    framework = index.frameworks.get(first_year=2022)
    edition = Edition.objects.create(
        index=index, year=2011, framework=framework, units_ranked=63, status=Status.PUBLISHED
    )
    procedures = framework.components.get(key="procedures")
    # three units with no real results, so the 2011 edition is their latest
    scores = {"binh-dinh": ("80.00", "10.00"), "ninh-thuan": ("70.00", "12.50"), "thai-binh": ("90.00", "12.50")}
    for slug, (total, component) in scores.items():
        result = Result.objects.create(edition=edition, province=Province.objects.get(slug=slug), score=Decimal(total))
        ComponentScore.objects.create(result=result, component=procedures, score=Decimal(component))
    response = client.get(url("binh-dinh") + "?index=PAR_INDEX")
    row = next(r for r in response.context["trend_rows"] if r["year"] == 2011)
    assert (row["national"]["value"], row["national"]["kind"]) == (Decimal("80.00"), "computed")
    assert "3/63" in row["national"]["label"]
    # Bình Định and Ninh Thuận are in the same region: (80 + 70) / 2
    assert row["regional"]["value"] == Decimal("75.00")
    gap = next(g for g in response.context["gaps"] if g.key == "procedures")
    assert (gap.score, gap.leader_score, gap.gap_to_leader) == (Decimal("10.00"), Decimal("12.50"), Decimal("-2.50"))
    assert gap.leaders == ("Ninh Thuận", "Thái Bình")
    assert (gap.average.value, gap.average.units) == (Decimal("11.67"), 3)


def test_an_officer_sees_no_average_of_a_draft(client, officer_factory):
    """Another province's draft score must not leak through an average: an officer is shown none
    (an average of their own row alone would be no average at all)."""
    from reports.models import Edition, Index, Result

    edition = Edition.objects.create(index=Index.objects.get(code="PAR_INDEX"), year=2011, units_ranked=63)
    own, other = Province.objects.get(slug="binh-dinh"), Province.objects.get(slug="ninh-thuan")
    Result.objects.create(edition=edition, province=own, score=Decimal("70.00"))
    Result.objects.create(edition=edition, province=other, score=Decimal("90.00"))
    client.force_login(officer_factory(own))
    row = next(r for r in client.get(url("binh-dinh")).context["trend_rows"] if r["year"] == 2011)
    assert row["score"] == Decimal("70.00")
    assert row["national"]["value"] is None and row["regional"]["value"] is None
    assert "90" not in str(row)


# One page per place (provinces/lineage.py) -------------------------------------------------------


def test_an_unmerged_province_has_one_page_with_its_whole_series(client):
    response = client.get(url("quang-ninh"))
    rows = {r["year"]: r for r in response.context["trend_rows"]}
    assert rows[2023]["score"] == Decimal("92.18")
    assert "92,18" in response.content.decode()
    assert [s["name"] for s in response.context["series"]] == ["Quảng Ninh"]  # not split in two
    assert response.context["continues"].slug == "quang-ninh-truoc-2025"


def test_the_old_address_of_an_unmerged_province_redirects_keeping_the_query(client):
    response = client.get(url("quang-ninh-truoc-2025", index="SIPAS"))
    assert response.status_code == 301
    assert response["Location"] == url("quang-ninh", index="SIPAS")
    assert client.get(url("thua-thien-hue"))["Location"] == url("hue")


def test_predecessors_of_a_merged_unit_keep_their_pages(client):
    response = client.get(url("hai-phong-truoc-2025"))
    assert response.status_code == 200 and response.context["province"].era == 63
    merged = client.get(url("hai-phong"))
    assert len(merged.context["series"]) >= 2 and merged.context["continues"] is None


def test_the_list_of_units_shows_both_eras_with_their_lineage(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):  # the units with their regions and successors
        response = client.get(reverse("dashboard:units_list"))
    assert response.status_code == 200
    today = {row["unit"].slug: row for row in response.context["today"]}
    assert len(today) == 34 and len(response.context["before"]) == 63
    assert today["quang-ninh"]["continues"].slug == "quang-ninh-truoc-2025"
    assert {p.slug for p in today["ca-mau"]["predecessors"]} == {"ca-mau-truoc-2025", "bac-lieu"}
    body = response.content.decode()
    assert 'href="/tinh/bac-lieu/"' in body and 'href="/tinh/ca-mau/"' in body
