"""Pages any cache can serve: every public page, asked anonymously in either language, sets no cookie, says
``public`` with ``s-maxage`` ≤ 60 and ``stale-while-revalidate`` ≤ 30, varies on ``Cookie`` alone and has
an ETag that a conditional GET turns into a 304; HEAD answers like GET without a body; anything asked with a
session is ``private``; two officers of one province share one cached page, each with their own name."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, reverse

from dashboard import urls as dashboard_urls
from provinces.models import Province
from reports.models import Result, SourceArticle, Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.CCHC_CACHE_IN_TRANSACTIONS = True  # tests run in a transaction, where the cache is bypassed
    cache.clear()
    yield
    cache.clear()


def cached_patterns() -> list[URLPattern]:
    """Every dashboard URL wrapped by ``cached_page``: the pages a shared cache may keep."""
    return [p for p in dashboard_urls.urlpatterns if hasattr(p.callback, "cache_params")]


def public_urls() -> list[str]:
    """One URL per cached page (arguments filled with real rows), in Vietnamese and in English."""
    edition = (
        Result.objects.filter(edition__status=Status.PUBLISHED, edition__is_synthetic=False)
        .select_related("edition__index")
        .order_by("-edition__year")
        .first()
        .edition
    )
    samples = {
        "slug": Province.objects.real().get(slug="quang-ninh").slug,
        "pk": SourceArticle.objects.order_by("pk").first().pk,
        # embeds (dashboard/embeds.py): the rankings chart, and the province's score chart
        "page": "xep-hang",
        "chart": "diem",
    }
    queries = {"rankings": f"?index={edition.index.code}&year={edition.year}", "compare": "?p=quang-ninh"}
    urls = []
    for pattern in cached_patterns():
        kwargs = {name: samples[name] for name in pattern.pattern.converters if name not in pattern.default_args}
        for prefix in ("", "/en"):
            path = reverse(f"dashboard:{pattern.name}", kwargs=kwargs)
            if prefix:
                path = path if path.startswith("/en/") else prefix + path
            urls.append(path + queries.get(pattern.name, ""))
    return urls


def directives(response) -> dict[str, str | None]:
    parts = [p.strip() for p in response["Cache-Control"].split(",")]
    return {p.split("=")[0].lower(): (p.split("=", 1)[1] if "=" in p else None) for p in parts}


def test_every_public_page_is_shareable_without_a_cookie(real_data):
    urls = public_urls()
    assert len(urls) == 2 * len(cached_patterns()) and any(u.startswith("/en/") for u in urls)
    for url in urls:
        client = Client()
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies and not client.cookies, (url, list(response.cookies))
        cc = directives(response)
        assert "public" in cc and "private" not in cc and "no-cache" not in cc, (url, response["Cache-Control"])
        assert 0 < int(cc["s-maxage"]) <= 60 and 0 < int(cc["stale-while-revalidate"]) <= 30, url
        assert cc.get("max-age") == "0", url  # browsers revalidate (cheap 304s); proxies keep it a minute
        assert response["Vary"] == "Cookie", (url, response["Vary"])  # not Accept-Language: the URL says it
        assert response["ETag"].startswith('W/"'), url
        assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304, url
        assert b'name="csrfmiddlewaretoken"' not in response.content, url


def test_head_answers_like_get_without_a_body_and_other_methods_are_refused(real_data):
    client = Client()
    for url in public_urls():
        cache.clear()  # HEAD first, on a cold cache: the view itself answers it
        head = client.head(url)
        assert head.status_code == 200 and head.content == b"", url
        got = client.get(url)
        assert head["ETag"] == got["ETag"] and head["Content-Type"] == got["Content-Type"], url
        assert client.post(url).status_code == 405, url


def test_a_session_makes_the_page_private(real_data, ministry_user, settings):
    url = reverse("dashboard:about")
    anonymous_with_session = Client()
    anonymous_with_session.cookies[settings.SESSION_COOKIE_NAME] = "stale-or-foreign-session"
    response = anonymous_with_session.get(url)
    assert directives(response).keys() >= {"private", "no-cache"} and "public" not in directives(response)
    signed_in = Client()
    signed_in.force_login(ministry_user)
    response = signed_in.get(url)
    assert "private" in directives(response) and "s-maxage" not in directives(response)
    assert response["Vary"] == "Cookie"
    # the public copy of the same page is still shareable: nothing of the session leaked into it
    assert "public" in directives(Client().get(url))


def test_search_results_are_not_kept_by_shared_caches(real_data):
    response = Client().get(reverse("dashboard:articles") + "?q=ninh")
    assert response.status_code == 200 and "private" in directives(response)


def test_officers_of_one_province_share_one_cached_page_each_with_their_own_name(real_data, officer_factory):
    result = (
        Result.objects.filter(edition__status=Status.PUBLISHED, edition__is_synthetic=False, score__isnull=False)
        .select_related("province")
        .order_by("-edition__year", "province__code")
        .first()
    )
    province = result.province
    first = officer_factory(province, "can.bo.mot")
    second = officer_factory(province, "can.bo.hai")
    url = reverse("dashboard:province", args=[province.slug])
    one, two = Client(), Client()
    one.force_login(first)
    two.force_login(second)
    page_one = one.get(url, follow=True)  # a pre-2025 unit's page moves to its successor's
    url = page_one.request["PATH_INFO"]
    assert page_one.status_code == 200 and "can.bo.mot" in page_one.content.decode()
    # A change without a signal leaves the cached page as it was: the second officer's page below comes from
    # the cache only if it does not show this score.
    assert (
        f"{result.score}" in page_one.content.decode()
        or f"{result.score}".replace(".", ",") in page_one.content.decode()
    )
    Result.objects.filter(pk=result.pk).update(score=Decimal("12.34"))
    page_two = two.get(url)
    text = page_two.content.decode()
    assert "12.34" not in text and "12,34" not in text, "the second officer's page was not served from the cache"
    assert page_two["ETag"] == page_one["ETag"]
    assert re.search(r"data-user-name>can\.bo\.hai<", text) and "can.bo.mot" not in text
    assert "__cchc_" not in text  # no placeholder left for the visitor to see
    # and on the next hit the first officer gets their own name back
    again = one.get(url).content.decode()
    assert "can.bo.mot" in again and "can.bo.hai" not in again


def test_a_signed_in_user_who_sees_what_the_public_sees_shares_no_page_with_the_public(real_data, django_user_model):
    user = django_user_model.objects.create_user("ban.doc", password="mat-khau-dai-9")  # no province, no rights
    url = reverse("dashboard:about")
    signed_in = Client()
    signed_in.force_login(user)
    assert "ban.doc" in signed_in.get(url).content.decode()
    anonymous = Client().get(url)
    text = anonymous.content.decode()
    assert "data-user-name" not in text and "csrfmiddlewaretoken" not in text  # the signed-in header did not leak
    assert not anonymous.cookies and "public" in directives(anonymous)


def test_a_curator_and_a_ministry_analyst_get_different_pages(real_data, ministry_user, django_user_model):
    curator = django_user_model.objects.create_user("bien.tap", password="mat-khau-dai-9", is_staff=True)
    curator.user_permissions.add(Permission.objects.get(codename="view_draft_results"))
    url = reverse("dashboard:about")
    etags = set()
    for user in (ministry_user, curator):
        client = Client()
        client.force_login(user)
        etags.add(client.get(url)["ETag"])
    assert len(etags) == 2  # the curator's pages also show the reader's suggestions


def test_the_map_geojson_is_a_hashed_static_file(real_data, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    page = Client().get(reverse("dashboard:map")).content.decode()
    found = re.search(r'data-geojson="([^"]+)"', page)
    assert found, "the map page names no GeoJSON"
    url = found[1]
    assert re.fullmatch(rf"{settings.STATIC_URL if settings.STATIC_URL.startswith('/') else '/' + settings.STATIC_URL}"
                        r"data/vn_provinces_63\.[0-9a-f]{12}\.geojson", url), url  # fmt: skip
    served = tmp_path / url.split("/static/", 1)[1]
    assert served.read_bytes()[:1] == b"{"


def test_a_page_asked_under_another_name_carries_its_own_absolute_links(client, settings):
    """Embed codes and language alternates are absolute: the cached copy made for one host name is not
    served under another."""
    settings.ALLOWED_HOSTS = ["cchc.example.org", "mirror.example.net"]
    url = reverse("dashboard:province", args=["quang-ninh"])
    first = client.get(url, HTTP_HOST="cchc.example.org").content.decode()
    second = client.get(url, HTTP_HOST="mirror.example.net").content.decode()
    assert "http://cchc.example.org/" in first
    assert "http://mirror.example.net/" in second and "cchc.example.org" not in second
