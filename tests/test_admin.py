"""The curators' admin: every page opens, searches ignore diacritics, computed columns cost no N+1."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags

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


def test_the_province_list_and_autocomplete_read_in_name_order(curator_client):
    """Current units first, then the pre-merger ones, each by name, as the model orders them."""
    listed = curator_client.get(_admin_url(Province, "changelist"), {"all": ""}).context["cl"].result_list
    names = [p.name for p in listed]
    assert names == list(Province.objects.order_by("-era", "name").values_list("name", flat=True))
    found = curator_client.get(
        reverse("admin:autocomplete"),
        {"term": "", "app_label": "reports", "model_name": "result", "field_name": "province"},
    ).json()["results"]
    assert [r["text"] for r in found] == [str(p) for p in Province.objects.order_by("-era", "name")[: len(found)]]


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
    request = RequestFactory().get("/")
    request.user = get_user_model().objects.get(username="quan.tri")
    annotated = model_admin.get_queryset(request).get(pk=result.pk)
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


# --- publishing: curators with reports.publish_edition only, and never without a date ----------------


@pytest.fixture
def draft_edition(real_data):
    from reports.models import Index, Status

    return Edition.objects.create(index=Index.objects.get(code="PAR_INDEX"), year=2011, units_ranked=63,
                                  status=Status.DRAFT)  # fmt: skip


def _staff(django_user_model, username, *groups):
    from django.contrib.auth.models import Group, Permission

    user = django_user_model.objects.create_user(username, password="mat-khau-dai-9", is_staff=True)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user, Permission


def test_a_curator_publishes_with_the_date(client, django_user_model, draft_edition):
    curator, _ = _staff(django_user_model, "bien.tap.vien", "Biên tập viên")
    client.force_login(curator)
    url = _admin_url(Edition, "changelist")
    response = client.post(
        url, {"action": "publish", "_selected_action": [draft_edition.pk], "announced_on": "2012-05-10"}
    )
    assert response.status_code == 302
    draft_edition.refresh_from_db()
    assert draft_edition.status == "published" and str(draft_edition.announced_on) == "2012-05-10"
    assert draft_edition.history.first().history_user == curator


def test_publishing_needs_an_announcement_date(client, django_user_model, draft_edition):
    curator, _ = _staff(django_user_model, "bien.tap.vien", "Biên tập viên")
    client.force_login(curator)
    client.post(_admin_url(Edition, "changelist"), {"action": "publish", "_selected_action": [draft_edition.pk]})
    draft_edition.refresh_from_db()
    assert draft_edition.status == "draft"
    data = {"index": draft_edition.index_id, "year": 2011, "status": "published", "units_ranked": 63,
            "results-TOTAL_FORMS": 0, "results-INITIAL_FORMS": 0}  # fmt: skip
    response = client.post(_admin_url(Edition, "change", draft_edition.pk), data)
    assert response.status_code == 200 and "Công bố cần có ngày công bố" in response.content.decode()
    draft_edition.refresh_from_db()
    assert draft_edition.status == "draft"


def test_a_curator_without_the_publish_permission_cannot_publish(client, django_user_model, draft_edition):
    editor, Permission = _staff(django_user_model, "bien.tap.han.che")
    editor.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="reports", codename__in=["view_edition", "change_edition"])
    )
    client.force_login(editor)
    response = client.post(
        _admin_url(Edition, "changelist"),
        {"action": "publish", "_selected_action": [draft_edition.pk], "announced_on": "2012-05-10"},
    )
    draft_edition.refresh_from_db()
    assert draft_edition.status == "draft"
    # the change form shows status read-only: posting it changes nothing
    data = {"index": draft_edition.index_id, "year": 2011, "status": "published", "announced_on": "2012-05-10",
            "units_ranked": 63, "results-TOTAL_FORMS": 0, "results-INITIAL_FORMS": 0}  # fmt: skip
    response = client.post(_admin_url(Edition, "change", draft_edition.pk), data)
    assert response.status_code in (200, 302)
    draft_edition.refresh_from_db()
    assert draft_edition.status == "draft"


# --- sign-in, sign-out, throttling, officers ------------------------------------------------------------


def test_sign_in_and_sign_out_pages_use_the_site_template(client, officer_factory, real_data):
    officer_factory(Province.objects.get(name="Cà Mau", era=63), username="can.bo.ca.mau")
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "registration/login.html" in [t.name for t in response.templates]
    assert "base.html" in [t.name for t in response.templates]
    response = client.post(reverse("login"), {"username": "can.bo.ca.mau", "password": "mat-khau-dai-9"})
    assert response.status_code == 302
    response = client.post(reverse("logout"))
    assert response.status_code == 200 and "registration/logged_out.html" in [t.name for t in response.templates]


def test_repeated_failed_sign_ins_are_throttled(client, officer_factory, real_data, settings):
    from django.core.cache import cache

    cache.clear()
    officer_factory(Province.objects.get(name="Cà Mau", era=63), username="can.bo.ca.mau")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": "can.bo.ca.mau", "password": "sai"})
        assert response.status_code == 200
    # locked: even the right password is refused, with a clear message
    response = client.post(reverse("login"), {"username": "can.bo.ca.mau", "password": "mat-khau-dai-9"})
    assert response.status_code == 200 and "thử lại sau 15 phút" in response.content.decode()
    # the admin's sign-in obeys the same lock
    response = client.post(reverse("admin:login"), {"username": "can.bo.ca.mau", "password": "mat-khau-dai-9"})
    assert response.status_code == 200
    # another user from the same address is not locked out
    officer_factory(Province.objects.get(name="Hà Giang", era=63), username="can.bo.ha.giang")
    response = client.post(reverse("login"), {"username": "can.bo.ha.giang", "password": "mat-khau-dai-9"})
    assert response.status_code == 302
    cache.clear()


def test_create_officer_links_a_user_to_a_province(real_data, django_user_model):
    from django.core.management import call_command

    call_command("create_officer", "can.bo.bac.lieu", "95", era=63, email="a@b.vn", password="mat-khau-dai-9")
    user = django_user_model.objects.get(username="can.bo.bac.lieu")
    # Bạc Liêu was merged into Cà Mau in 2025: its officer works for today's Cà Mau (provinces/accounts.py)
    assert (user.province.name, user.province.era) == ("Cà Mau", 34) and user.check_password("mat-khau-dai-9")
    assert list(user.groups.values_list("name", flat=True)) == ["Cán bộ tỉnh"]


def test_the_citation_list_shows_each_quote_and_finds_it_without_diacritics(admin_client, real_data):
    """A curator reviews citations from the list: each row shows its sentence, and "bac lieu" finds the
    sentences that say "Bạc Liêu" even when the citation's unit is another one."""
    from django.utils.html import escape

    from reports.models import Citation

    quoted = Citation.objects.filter(quote_search__contains="bac lieu").exclude(province__slug="bac-lieu").first()
    assert quoted is not None
    response = admin_client.get(reverse("admin:reports_citation_changelist"), {"q": "bac lieu", "all": ""})
    assert response.status_code == 200
    assert quoted in response.context["cl"].result_list
    assert escape(quoted.quote[:40]) in response.content.decode()


def test_the_article_list_names_an_untitled_article_by_the_sentence_quoted_from_it(admin_client, real_data):
    """Most harvested articles have no page text and so no title: the curator's list shows what they say."""
    from django.utils.html import escape

    from reports.models import SourceArticle

    article = SourceArticle.objects.filter(title="", citations__isnull=False).distinct().first()
    assert article is not None
    first = article.citations.order_by("pk").first()
    response = admin_client.get(reverse("admin:reports_sourcearticle_changelist"), {"all": ""})
    page = response.content.decode()
    assert article in response.context["cl"].result_list
    assert escape(f"“{first.quote[:40]}") in page
    assert f">{article.url}</a>" not in page  # the address is no longer the row's name


def test_the_citation_list_names_its_columns_in_the_curators_language_and_keeps_rows_short(admin_client, real_data):
    """Every header is translated, and a source reads 'publisher · date', not the article's whole address."""
    from django.contrib.admin.templatetags.admin_list import result_headers
    from django.utils.html import escape

    from reports.models import Citation

    url = reverse("admin:reports_citation_changelist")
    citation = Citation.objects.exclude(article__publisher="").select_related("article").first()
    response = admin_client.get(url, {"all": ""})
    headers = [str(h["text"]) for h in result_headers(response.context["cl"])][1:]  # after the checkbox
    assert headers == ["loại số liệu", "giá trị", "chỉ số", "năm kết quả", "đơn vị", "trạng thái", "mâu thuẫn",
                       "trích dẫn", "nguồn"]  # fmt: skip
    page = response.content.decode()
    assert escape(citation.article.publisher) in page
    assert f">{citation.article.url}<" not in page
    english = admin_client.get(f"/en{url}", {"all": ""})
    english_headers = [str(h["text"]) for h in result_headers(english.context["cl"])][1:]
    assert "unit" in english_headers and "source" in english_headers


# Django and django-simple-history ship no Vietnamese for these; locale/vi carries it
ADMIN_ENGLISH = ["Show counts", "Model name", "Add link", "Skip to main content", "Toggle theme", "Changed by",
                 "Change reason", "Comment", "Choose a date", "Reset password", "Raw passwords", "Created", "None",
                 "Whether the user will be able"]  # fmt: skip


def test_every_admin_screen_history_included_speaks_vietnamese(admin_client, real_data):
    for model in admin.site._registry:
        urls = [_admin_url(model, "changelist"), _admin_url(model, "add")]
        obj = model._default_manager.first()
        if obj is not None:
            urls += [_admin_url(model, view, obj.pk) for view in ("change", "history", "delete")]
        for url in urls:
            response = admin_client.get(url)
            assert response.status_code == 200, url
            text = strip_tags(re.sub(r"<(script|style|svg)\b.*?</\1>", "", response.content.decode(), flags=re.S))
            assert not [phrase for phrase in ADMIN_ENGLISH if re.search(rf"(?<![\w.]){phrase}\b", text)], url
    english = admin_client.get("/en" + _admin_url(Result, "history", Result.objects.first().pk)).content.decode()
    assert "Changed by" in english and "Người sửa" not in english


def test_the_history_page_writes_a_missing_value_as_a_dash(admin_client, real_data):
    result = Result.objects.filter(rank__isnull=True).first()
    result.rank = 7
    result.save()  # an edit with no reason given
    page = admin_client.get(_admin_url(Result, "history", result.pk)).content.decode()
    assert re.search(r"<strong>Thứ hạng:</strong>\s*—\s*&nbsp;&rarr;&nbsp;&nbsp;7", page)
    assert "None" not in strip_tags(page)
    assert result.history.first().history_change_reason == ""


def test_a_link_typed_without_its_scheme_is_stored_as_https(admin_user, real_data):
    """As on the intake form: 'baoquangninh.vn/…' means the https page (Django would prefix http)."""
    from reports.models import SourceArticle

    request = RequestFactory().get("/admin/")
    request.user = admin_user
    article = SourceArticle.objects.first()
    model_admin = admin.site.get_model_admin(SourceArticle)
    form_class = model_admin.get_form(request, article)
    data = {"url": "baoquangninh.vn/chi-so-cai-cach-hanh-chinh", "language": "vi", "title": "Tiêu đề"}
    form = form_class(data=data, instance=article)
    form.is_valid()
    assert form.cleaned_data["url"] == "https://baoquangninh.vn/chi-so-cai-cach-hanh-chinh"
