"""Page cache and conditional GET: invalidated by a curator's change, 304s, never shared across visibility."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from dashboard.caching import CSRF_PLACEHOLDER, bump_version
from provinces.models import Province
from reports.models import Edition, Index, Result, Status
from reports.visibility import Viewer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    # Tests run inside a transaction, where the cache is bypassed by default (see reports/caching.py).
    settings.CCHC_CACHE_IN_TRANSACTIONS = True
    cache.clear()
    yield
    cache.clear()


def rankings_url(edition: Edition) -> str:
    return reverse("dashboard:rankings") + f"?index={edition.index.code}&year={edition.year}"


def without_csrf(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def shows(response, value: str) -> bool:
    text = response.content.decode()
    return value in text or value.replace(".", ",") in text


@pytest.fixture
def published_result():
    return (
        Result.objects.filter(
            edition__status=Status.PUBLISHED,
            edition__is_synthetic=False,
            edition__index__code="PAR_INDEX",
            score__isnull=False,
        )
        .select_related("edition__index", "province")
        .order_by("-edition__year", "rank")
        .first()
    )


def test_curator_change_invalidates_page(client, published_result, django_capture_on_commit_callbacks):
    url = rankings_url(published_result.edition)
    first = client.get(url)
    assert first.status_code == 200
    assert not shows(first, "12.34")
    assert without_csrf(client.get(url)) == without_csrf(first)
    Result.objects.filter(pk=published_result.pk).update(score=Decimal("12.34"))  # no signal: cache kept
    assert not shows(client.get(url), "12.34")  # proves the page is served from the cache
    published_result.score = Decimal("12.34")
    with django_capture_on_commit_callbacks(execute=True):  # the test's transaction stands in for a commit
        published_result.save()  # what the admin does: post_save schedules a new data version
    assert shows(client.get(url), "12.34")


def test_conditional_get(client, published_result, django_capture_on_commit_callbacks):
    url = rankings_url(published_result.edition)
    response = client.get(url)
    etag = response["ETag"]
    assert etag and response["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304
    published_result.rank = (published_result.rank or 1) + 1
    with django_capture_on_commit_callbacks(execute=True):
        published_result.save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_download_has_etag_and_304(client, published_result):
    url = rankings_url(published_result.edition) + "&format=csv"
    response = client.get(url)
    assert response.status_code == 200 and response["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_drafts_never_served_across_visibility(client, ministry_user, officer_factory):
    index = Index.objects.get(code="PAR_INDEX")
    province = Province.objects.real().filter(era=34).order_by("code").first()
    other = Province.objects.real().filter(era=34).order_by("code").last()
    edition = Edition.objects.create(index=index, year=2026, status=Status.DRAFT, units_ranked=34)
    Result.objects.create(edition=edition, province=province, score=Decimal("77.71"), rank=1)
    url = rankings_url(edition)

    client.force_login(ministry_user)
    ministry = client.get(url)
    assert ministry.status_code == 200 and shows(ministry, "77.71")
    client.logout()
    anonymous = client.get(url)
    assert not shows(anonymous, "77.71")
    client.force_login(officer_factory(other))
    assert not shows(client.get(url), "77.71")
    client.force_login(officer_factory(province))
    assert shows(client.get(url), "77.71")
    etags = set()
    for user in (ministry_user, None):
        client.logout()
        if user:
            client.force_login(user)
        etags.add(client.get(reverse("dashboard:home"))["ETag"])
    assert len(etags) == 2


def test_visibility_classes(ministry_user, officer_factory, django_user_model):
    province = Province.objects.real().filter(era=34).first()
    units = sorted([province.pk, *Province.objects.filter(successor=province).values_list("pk", flat=True)])
    assert Viewer.of(None).audience == "public"
    assert Viewer.of(ministry_user).audience == "ministry"
    # an officer of a 2025 unit sees its predecessors' drafts too: the audience names every unit
    assert Viewer.of(officer_factory(province)).audience == "officer-" + "-".join(map(str, units))
    assert Viewer.of(django_user_model.objects.create_user("x", password="p-a-s-s-9")).audience == "public"


def test_csrf_token_not_shared_between_visitors(client, published_result):
    url = rankings_url(published_result.edition)
    client.get(url)
    other = client.__class__()
    body = other.get(url).content.decode()
    assert CSRF_PLACEHOLDER not in body


def test_bypassed_inside_transactions_by_default(client, settings, published_result):
    settings.CCHC_CACHE_IN_TRANSACTIONS = False
    url = rankings_url(published_result.edition)
    client.get(url)
    Result.objects.filter(pk=published_result.pk).update(score=Decimal("12.34"))  # no signal
    assert shows(client.get(url), "12.34")


def test_bump_changes_version():
    from dashboard.caching import current_version

    before = current_version()
    bump_version()
    assert current_version() != before


def test_a_deploy_of_new_code_starts_new_pages_without_a_data_change(client, published_result, monkeypatch):
    """Redis outlives the processes: a page cached by the old code must not be served by the new one."""
    from dashboard import caching

    url = rankings_url(published_result.edition)
    monkeypatch.setattr(caching, "release", lambda: ("old-code", 0.0))
    first = client.get(url)
    Result.objects.filter(pk=published_result.pk).update(score=Decimal("12.34"))  # no signal: cache kept
    assert not shows(client.get(url), "12.34")
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    monkeypatch.setattr(caching, "release", lambda: ("new-code", 2e9))
    after = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200 and after["ETag"] != first["ETag"]
    assert shows(after, "12.34")  # rendered again, by the new code
    assert after["Last-Modified"] == "Wed, 18 May 2033 03:33:20 GMT"  # never older than the code


def test_the_code_fingerprint_follows_every_file_under_its_folders(tmp_path):
    import os

    from dashboard.caching import code_fingerprint

    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "page.html"
    page.write_text("<p>một</p>")
    (tmp_path / "templates" / "__pycache__").mkdir()
    roots = [tmp_path / "templates", tmp_path / "absent"]
    first = code_fingerprint(roots)
    assert code_fingerprint(roots) == first  # the same files, the same release
    (tmp_path / "templates" / "__pycache__" / "x.pyc").write_bytes(b"0")
    assert code_fingerprint(roots) == first  # compiled bytecode is not code that changed
    os.utime(page, ns=(1_900_000_000_000_000_000, 1_900_000_000_000_000_000))
    touched = code_fingerprint(roots)
    assert touched[0] != first[0] and touched[1] == 1_900_000_000
    (tmp_path / "templates" / "new.html").write_text("<p>hai</p>")
    assert code_fingerprint(roots)[0] != touched[0]
