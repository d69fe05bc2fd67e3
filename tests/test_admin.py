"""The curators' admin: every page opens, searches ignore diacritics, computed columns cost no N+1."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from provinces.models import Province
from reports.models import Edition, Result

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator_client(client, django_user_model, real_data):
    user = django_user_model.objects.create_superuser("quan.tri", "qt@example.org", "mat-khau-dai-9")
    client.force_login(user)
    return client


def _admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_registered_model_lists_adds_and_changes(curator_client):
    for model in admin.site._registry:
        if model._meta.app_label not in ("provinces", "reports"):
            continue
        assert curator_client.get(_admin_url(model, "changelist")).status_code == 200, model
        assert curator_client.get(_admin_url(model, "add")).status_code == 200, model
        obj = model._default_manager.first()
        if obj is not None:
            assert curator_client.get(_admin_url(model, "change", obj.pk)).status_code == 200, model
            assert curator_client.get(_admin_url(model, "history", obj.pk)).status_code == 200, model


def test_all_required_models_are_registered():
    names = {m._meta.label for m in admin.site._registry}
    for label in [
        "provinces.Region", "provinces.Province", "provinces.User", "reports.Index", "reports.Framework",
        "reports.Component", "reports.Edition", "reports.Result", "reports.ComponentScore",
        "reports.PublishedAverage", "reports.DossierStat", "reports.SourceArticle", "reports.Citation",
    ]:  # fmt: skip
        assert label in names


def test_province_search_finds_bac_lieu_without_diacritics(curator_client):
    response = curator_client.get(_admin_url(Province, "changelist"), {"q": "Bac Lieu"})
    names = [p.name for p in response.context["cl"].result_list]
    assert "Bạc Liêu" in names
    response = curator_client.get(_admin_url(Province, "changelist"), {"q": "tp.hcm"})
    assert any("Hồ Chí Minh" in p.name for p in response.context["cl"].result_list)


def test_result_search_through_province_name_ignores_diacritics(curator_client):
    expected = Result.objects.filter(province__name="Quảng Ninh").count()
    assert expected
    response = curator_client.get(_admin_url(Result, "changelist"), {"q": "quang ninh"})
    found = {r.province.name for r in response.context["cl"].result_list}
    assert found == {"Quảng Ninh"}
    assert response.context["cl"].result_count == expected


def test_autocomplete_finds_provinces_without_diacritics(curator_client):
    response = curator_client.get(
        reverse("admin:autocomplete"),
        {"term": "da nang", "app_label": "reports", "model_name": "result", "field_name": "province"},
    )
    assert response.status_code == 200
    assert any("Đà Nẵng" in r["text"] for r in response.json()["results"])


def test_result_list_shows_change_on_previous_year_in_a_fixed_number_of_queries(curator_client):
    url = _admin_url(Result, "changelist")
    curator_client.get(url)
    with CaptureQueriesContext(connection) as small:
        curator_client.get(url, {"edition__year__exact": 2013})
    with CaptureQueriesContext(connection) as big:
        response = curator_client.get(url)
    assert len(response.context["cl"].result_list) > 20
    # session, user, count, total count, the page (with annotations), filters: no query per row
    assert len(big.captured_queries) <= len(small.captured_queries) + 2
    assert "so với năm trước" in response.content.decode().lower() or "change" in response.content.decode()


def test_result_change_column_uses_figures(curator_client):
    result = (
        Result.objects.filter(score__isnull=False, edition__year=2018, province__name="Quảng Ninh")
        .select_related("edition", "province")
        .first()
    )
    previous = Result.objects.filter(
        province=result.province, edition__index=result.edition.index, edition__year=2017
    ).first()
    model_admin = admin.site._registry[Result]
    annotated = model_admin.get_queryset(None).get(pk=result.pk)
    shown = model_admin.change(annotated)
    if previous is not None and previous.score is not None:
        assert f"{result.score - previous.score:+}" in shown
    else:
        assert shown  # "—" or a reported change


def test_edition_list_shows_coverage_in_a_fixed_number_of_queries(curator_client):
    url = _admin_url(Edition, "changelist")
    with CaptureQueriesContext(connection) as queries:
        response = curator_client.get(url)
    assert len(queries.captured_queries) <= 12
    body = response.content.decode()
    edition = Edition.objects.filter(year=2018, index__code="PAR_INDEX").first()
    with_score = edition.results.filter(score__isnull=False).count()
    assert f"{with_score}/{edition.units_ranked}" in body


def test_component_score_list_shows_percent_of_max(curator_client):
    response = curator_client.get(reverse("admin:reports_componentscore_changelist"))
    assert response.status_code == 200


def test_province_page_shows_lineage_both_ways(curator_client):
    old = Province.objects.filter(successor__isnull=False).select_related("successor").first()
    response = curator_client.get(_admin_url(Province, "change", old.successor.pk))
    assert old.name in response.content.decode()  # predecessor inline
    response = curator_client.get(_admin_url(Province, "change", old.pk))
    assert str(old.successor.pk) in response.content.decode()


def test_admin_requires_staff(client, officer_factory, real_data):
    officer = officer_factory(Province.objects.get(slug__startswith="bac-lieu", era=63))
    client.force_login(officer)
    response = client.get(_admin_url(Result, "changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
