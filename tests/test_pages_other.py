"""Overview, compare, map, about and article pages; sign-in landing; language switch; synthetic banner."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from provinces.models import Province
from reports.models import SourceArticle

pytestmark = pytest.mark.usefixtures("real_data")


# Overview ----------------------------------------------------------------------


def test_overview_shows_the_latest_published_edition(client):
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 200
    context = response.context
    assert context["edition"].year == 2024
    assert context["national"]["value"] is not None
    assert "đơn vị có điểm" in response.content.decode()
    assert len(context["regional"]) == 6
    assert context["leaders"][0]["rank"] == 1
    for chart_id in ("distribution-chart", "overview-map"):
        assert f'id="{chart_id}-data"' in response.content.decode()


def test_overview_movers_and_national_change(client):
    context = client.get(reverse("dashboard:home"), {"index": "PAR_INDEX"}).context
    assert context["national_change"] == context["national"]["value"] - context["national_previous"]["value"]
    for row in context["movers_up"]:
        assert row["score_delta"] > 0


def test_overview_distribution_counts_only_scores_held(client):
    rows = client.get(reverse("dashboard:home")).context["distribution"]
    assert all(d["units"] <= d["units_total"] for d in rows)
    assert [d["year"] for d in rows] == sorted(d["year"] for d in rows)


def test_overview_for_sipas(client):
    response = client.get(reverse("dashboard:home"), {"index": "SIPAS"})
    assert response.context["index"].code == "SIPAS"


def test_overview_bad_index(client):
    assert client.get(reverse("dashboard:home"), {"index": "<script>"}).status_code == 400


# Compare -----------------------------------------------------------------------


def test_compare_overlays_up_to_six_units(client):
    slugs = ["quang-ninh-truoc-2025", "hai-phong-truoc-2025", "ha-noi-truoc-2025"]
    response = client.get(reverse("dashboard:compare"), {"p": slugs})
    assert response.status_code == 200
    assert [u["slug"] for u in response.context["units"]] == slugs
    assert len(response.context["score_chart"]["data"]) == 3
    assert response.context["table"]


def test_compare_caps_at_six(client):
    slugs = list(Province.objects.filter(era=63).values_list("slug", flat=True)[:8])
    response = client.get(reverse("dashboard:compare"), {"p": slugs})
    assert len(response.context["units"]) == 6
    assert response.context["too_many"]


def test_compare_component_table_side_by_side(client):
    response = client.get(reverse("dashboard:compare"), {"p": ["son-la-truoc-2025", "quang-ninh-truoc-2025"]})
    assert response.context["component_year"] is not None
    for row in response.context["component_table"]:
        assert len(row["cells"]) == 2


def test_compare_unknown_province_is_a_404(client):
    assert client.get(reverse("dashboard:compare"), {"p": "atlantis"}).status_code == 404


def test_compare_bad_year_is_a_400(client):
    assert client.get(reverse("dashboard:compare"), {"p": "binh-duong", "year": "x"}).status_code == 400


# Map ---------------------------------------------------------------------------


def test_map_draws_units_with_a_score_and_the_same_data_as_a_table(client):
    response = client.get(reverse("dashboard:map"), {"year": 2023})
    trace = response.context["chart"]["data"][0]
    assert trace["type"] == "choropleth"
    held = [r for r in response.context["rows"] if r["score"] is not None]
    assert len(trace["locations"]) == len(held)
    assert 0 not in trace["z"] or all(r["score"] != 0 for r in held)
    assert 'id="map-table"' in response.content.decode()


def test_map_by_group(client):
    response = client.get(reverse("dashboard:map"), {"year": 2015, "by": "group"})
    # discrete colours by tier with the page's legend instead of a colour bar (tests/test_tiers.py)
    assert response.context["chart"]["data"][0]["showscale"] is False
    assert [t["label"] for t in response.context["legend"]["tiers"]] == ["Nhóm A", "Nhóm B", "Nhóm C"]


@pytest.mark.parametrize(("params", "status"), [({"year": "abc"}, 400), ({"year": 1999}, 404), ({"by": "x"}, 400)])
def test_map_bad_parameters(client, params, status):
    assert client.get(reverse("dashboard:map"), params).status_code == status


def test_the_geojson_is_served_from_the_site(client):
    response = client.get(reverse("dashboard:geojson"))
    assert response.status_code == 200
    assert b"FeatureCollection" in response.content


# About, article ------------------------------------------------------------------


def test_about_lists_indices_components_coverage_and_citation(client):
    response = client.get(reverse("dashboard:about"))
    html = response.content.decode()
    assert "PAR INDEX" in html and "SIPAS" in html
    assert "Cải cách thủ tục hành chính" in html
    assert "Cách trích dẫn" in html
    par_2023 = next(e for e in response.context["editions"] if e.index.code == "PAR_INDEX" and e.year == 2023)
    assert par_2023.with_score == 17  # 775 published figures (December 2026 harvest)


def test_article_page_lists_its_figures(client):
    article = SourceArticle.objects.filter(citations__result__isnull=False).first()
    response = client.get(reverse("dashboard:article", args=[article.pk]))
    assert response.status_code == 200
    assert response.context["citations"]


def test_unknown_article_is_a_404(client):
    assert client.get(reverse("dashboard:article", args=[999999])).status_code == 404


# Sign-in landing -------------------------------------------------------------------


def test_an_officer_lands_on_their_desk(client, officer_factory):
    province = Province.objects.get(slug="quang-ninh-truoc-2025")
    client.force_login(officer_factory(province))
    response = client.get(reverse("dashboard:my_home"))
    assert response.url == reverse("desk:unit", args=[province.slug])


def test_ministry_staff_land_on_the_overview(client, ministry_user):
    client.force_login(ministry_user)
    assert client.get(reverse("dashboard:my_home")).url == reverse("dashboard:home")


def test_signing_in_redirects_through_my_home(client, officer_factory):
    from django.conf import settings

    assert reverse(settings.LOGIN_REDIRECT_URL) == reverse("dashboard:my_home")


# Language, banner, budget ------------------------------------------------------------


def test_vietnamese_is_the_default(client):
    html = client.get(reverse("dashboard:rankings")).content.decode()
    assert '<html lang="vi">' in html
    assert "Xếp hạng" in html


def test_the_url_decides_the_language(client):
    # an English browser or cookie does not turn a Vietnamese URL into English, and /en/ is English for all
    client.cookies["django_language"] = "en"
    html = client.get("/xep-hang/?year=2023", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="vi">' in html
    html = client.get("/en/xep-hang/?year=2023", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert '<html lang="en">' in html and "Rankings" in html
    assert '<link rel="alternate" hreflang="vi" href="http://testserver/xep-hang/?year=2023">' in html
    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/xep-hang/?year=2023">' in html
    assert '<link rel="alternate" hreflang="x-default" href="http://testserver/xep-hang/?year=2023">' in html
    assert '<a href="/xep-hang/?year=2023" hreflang="vi" lang="vi" rel="alternate">Tiếng Việt</a>' in html
    assert client.get("/en/").status_code == 200
    assert client.get("/en/gioi-thieu-du-lieu/").status_code == 200


def test_the_language_switch_gives_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("dashboard:rankings")})
    assert response.status_code == 302
    assert response["Location"] == "/en/xep-hang/"  # the same page under /en/: the URL holds the language
    html = client.get(response["Location"]).content.decode()
    assert '<html lang="en">' in html
    assert "Rankings" in html
    assert "units with a score" in html
    assert "Red River Delta" in html  # region names come from the data's English names


def test_english_downloads_keep_the_same_keys(client):
    """A download's keys never change with the language (scripts read them); its notes are translated."""
    import json

    with translation.override("en"):
        url = reverse("dashboard:rankings")
    english = json.loads(client.get(url, {"year": 2023, "format": "json"}).content)
    vietnamese = json.loads(client.get(reverse("dashboard:rankings"), {"year": 2023, "format": "json"}).content)
    assert english["columns"] == vietnamese["columns"]
    assert english["columns"][:2] == ["unit_code", "era"]
    assert english["rows"] == vietnamese["rows"]
    assert english["metadata"]["coverage"].endswith("units with a score")


@override_settings(CCHC_DATASET="synthetic")
def test_synthetic_dataset_banner(client):
    html = client.get(reverse("dashboard:about")).content.decode()
    assert "Dữ liệu giả lập — không phải số liệu thật" in html


def test_no_banner_on_real_data(client):
    assert "Dữ liệu giả lập" not in client.get(reverse("dashboard:about")).content.decode()


def test_plotly_is_served_locally(client):
    html = client.get(reverse("dashboard:home")).content.decode()
    assert "/static/vendor/plotly/plotly-cchc.min.js" in html
    assert "cdn.plot.ly" not in html and "cdn." not in html


@pytest.mark.parametrize(
    "name,params",
    [
        ("dashboard:home", {}),
        ("dashboard:compare", {"p": ["quang-ninh-truoc-2025", "ha-noi-truoc-2025", "binh-duong", "tp-ho-chi-minh"]}),
        ("dashboard:map", {"year": 2023}),
        ("dashboard:about", {}),
    ],
)
def test_query_count_is_constant(client, officer_factory, django_assert_max_num_queries, name, params):
    with django_assert_max_num_queries(6):
        assert client.get(reverse(name), params).status_code == 200
    client.force_login(officer_factory(Province.objects.get(slug="binh-duong")))
    with django_assert_max_num_queries(10):  # + session, user, permissions
        assert client.get(reverse(name), params).status_code == 200


# The header of every page ----------------------------------------------------------


def test_the_header_offers_sign_in_with_a_way_back(client):
    html = client.get(reverse("dashboard:rankings")).content.decode()
    assert f'href="{reverse("login")}?next=/xep-hang/"' in html
    assert f'<a class="brand" href="{reverse("dashboard:home")}">' in html
    assert '<a href="/en/xep-hang/" hreflang="en" lang="en" rel="alternate">English</a>' in html
    assert f'<a href="{reverse("dashboard:rankings")}" aria-current="page">' in html


def test_a_signed_in_officer_sees_their_name_and_can_sign_out(client, officer_factory):
    officer = officer_factory(Province.objects.get(slug="quang-ninh-truoc-2025"))
    client.force_login(officer)
    html = client.get(reverse("dashboard:about")).content.decode()
    # the name is filled in after the page cache (dashboard/caching.py), in the element marked for it
    assert f'<a href="{reverse("dashboard:my_home")}" data-user-name>{officer.username}</a>' in html
    assert f'<form action="{reverse("logout")}" method="post"' in html
    assert f'href="{reverse("dashboard:about")}"' in html


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/xep-hang/?year=2023&lang=en", "/en/xep-hang/?year=2023"),
        ("/en/tinh/quang-ninh/?lang=vi", "/tinh/quang-ninh/"),
        ("/?lang=en", "/en/"),
    ],
)
def test_an_old_lang_link_opens_the_page_in_that_language(client, old, new):
    response = client.get(old)
    assert (response.status_code, response["Location"]) == (301, new)
    assert client.get(new).status_code == 200


def test_lang_is_left_alone_where_pages_have_one_address(admin_client, client):
    assert client.get("/api/v1/units?lang=en").status_code == 200
    response = admin_client.get("/admin/?lang=en")  # the admin has an address per language now
    assert response.status_code == 301 and response["Location"] == "/en/admin/"
    page = admin_client.get("/en/admin/").content.decode()
    assert 'lang="en"' in page and "Quản trị Chỉ số CCHC" not in page
    assert '<a href="/admin/" hreflang="vi"' in page  # and back to Vietnamese from every admin page
