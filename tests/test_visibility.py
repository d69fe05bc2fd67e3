"""No unpublished figure reaches someone who may not see it, through any page of the reports URLconf.

A draft edition holds a distinctive score (77.77) for one province (Bạc Liêu) and another (66.66) for a
second province (Cà Mau). Every URL of the ``reports`` app is requested — slugs, ids and formats filled
in, with query strings for that edition, each download format and a search — as:

- an anonymous visitor and another province's officer: 77.77 must appear nowhere;
- Bạc Liêu's officer and ministry staff: they may see it (and at least one page must show it);
- admin lists: officers who are not staff are sent to the admin's login.

The test is generic on purpose: pages added later are covered without editing it.
"""

from __future__ import annotations

import io
import itertools
import json
import re
import zipfile

import pytest
from django.contrib.auth.models import Group
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from provinces.models import Province
from reports.models import Edition, Index, Result, SourceArticle, Status
from reports.visibility import Viewer

pytestmark = pytest.mark.django_db

SECRET, OTHER_SECRET = "77.77", "66.66"
FORMATS = ["", "csv", "xlsx", "json", "geojson", "html"]


@pytest.fixture
def draft(real_data):
    """A draft PAR INDEX edition for a year with no real edition (2011), two provinces' results."""
    par = Index.objects.get(code="PAR_INDEX")
    edition = Edition.objects.create(index=par, year=2011, status=Status.DRAFT, units_ranked=63)
    bac_lieu = Province.objects.get(name="Bạc Liêu", era=63)
    ca_mau = Province.objects.get(name="Cà Mau", era=63)
    Result.objects.create(edition=edition, province=bac_lieu, score="77.77", rank=1, group="A")
    Result.objects.create(edition=edition, province=ca_mau, score="66.66", rank=2, group="B")
    return {"edition": edition, "own": bac_lieu, "other": ca_mau}


def _patterns(resolver, prefix=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p, prefix)
        elif isinstance(p, URLPattern) and p.name:
            yield p


def reports_urls(draft) -> list[str]:
    """Every URL of the reports app, its arguments filled with the draft's province, articles, edition."""
    article = SourceArticle.objects.filter(provinces=draft["own"]).first() or SourceArticle.objects.first()
    values = {
        "slug": [draft["own"].slug, draft["other"].slug],
        "pk": [article.pk if article else 1, draft["edition"].pk],
        "id": [draft["edition"].pk],
        "year": [2011],
        "index": ["PAR_INDEX"],
        "code": ["PAR_INDEX", draft["own"].code],
        "format": FORMATS[1:],
        "fmt": FORMATS[1:],
        "ext": FORMATS[1:],
    }
    queries = [
        "",
        "?index=PAR_INDEX&year=2011",
        f"?index=PAR_INDEX&year=2011&province={draft['own'].slug}",
        f"?provinces={draft['own'].slug},{draft['other'].slug}&index=PAR_INDEX",
        f"?a={draft['own'].slug}&b={draft['other'].slug}&index=PAR_INDEX&year=2011",
        "?q=bac+lieu",
        "?q=77",
        *[f"?index=PAR_INDEX&year=2011&format={f}" for f in FORMATS[1:]],
    ]
    urls = set()
    for pattern in _patterns(get_resolver("dashboard.urls")):
        converters = pattern.pattern.converters
        names = list(converters)
        choices = [values.get(name, ["1"]) for name in names]
        for combo in itertools.product(*choices):
            try:
                base = reverse(f"dashboard:{pattern.name}", kwargs=dict(zip(names, combo, strict=True)))
            except NoReverseMatch:
                continue
            for query in queries:
                urls.add(base + query)
    return sorted(urls)


# The still pictures of the charts (dashboard/sketch.py) place lines, shapes and bars with numbers such as
# x="77.770%" or "L177,77": pixels and percentages, not figures, and they would match any figure searched for.
# They are drawn from the chart's figure, which the page carries as JSON and which is searched, as is every
# number the picture writes as text (tick labels, values inside bars, tooltips).
GEOMETRY = re.compile(r'\s(?:d|x|y|cx|cy|r|x1|x2|y1|y2|width|height|viewBox|transform|style)="[^"]*"')


def _text_of(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":  # an XLSX (zip of XML): read every part
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as z:
                return " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        except zipfile.BadZipFile:
            pass
    text = GEOMETRY.sub("", body.decode("utf-8", "replace"))
    if "json" in response.get("Content-Type", ""):
        try:
            text += json.dumps(json.loads(text))  # floats as 77.77 however they were written
        except ValueError:
            pass
    return text


def _shows(text: str, figure: str) -> bool:
    return figure in text or figure.replace(".", ",") in text


def _get_all(client, urls):
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code == 200:
            yield url, _text_of(response)


def test_the_draft_is_hidden_by_the_shared_querysets(draft, officer_factory, ministry_user, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    edition = draft["edition"]
    other_officer = officer_factory(draft["other"])
    own_officer = officer_factory(draft["own"])
    assert not Viewer.of(AnonymousUser()).results().filter(edition=edition).exists()
    assert not Viewer.of(AnonymousUser()).editions().filter(pk=edition.pk).exists()
    assert list(Viewer.of(own_officer).results().filter(edition=edition)) == [
        Result.objects.get(edition=edition, province=draft["own"])
    ]
    assert not Viewer.of(other_officer).results().filter(edition=edition, province=draft["own"]).exists()
    assert Viewer.of(ministry_user).results().filter(edition=edition).count() == 2


def test_no_page_shows_a_draft_to_an_anonymous_visitor(client, draft):
    for url, text in _get_all(client, reports_urls(draft)):
        assert not _shows(text, SECRET), url
        assert not _shows(text, OTHER_SECRET), url


def test_no_page_shows_a_draft_to_another_provinces_officer(client, draft, officer_factory):
    client.force_login(officer_factory(draft["other"]))
    seen_own = False
    for url, text in _get_all(client, reports_urls(draft)):
        assert not _shows(text, SECRET), url
        seen_own |= _shows(text, OTHER_SECRET)
    assert seen_own, "an officer sees their own province's draft somewhere"


def test_the_provinces_officer_and_ministry_staff_see_the_draft(client, draft, officer_factory, ministry_user):
    client.force_login(officer_factory(draft["own"]))
    assert any(_shows(text, SECRET) for _, text in _get_all(client, reports_urls(draft)))
    client.force_login(ministry_user)
    assert any(_shows(text, SECRET) for _, text in _get_all(client, reports_urls(draft)))


def test_ministry_group_from_the_roles_migration_sees_drafts(draft, django_user_model):
    user = django_user_model.objects.create_user("vu.ccHC", password="mat-khau-dai-9")
    user.groups.add(Group.objects.get(name="Cán bộ Bộ Nội vụ"))
    assert Viewer.of(user).results().filter(edition=draft["edition"]).count() == 2
    officer = django_user_model.objects.create_user("can.bo", password="mat-khau-dai-9", province=draft["other"])
    officer.groups.add(Group.objects.get(name="Cán bộ tỉnh"))
    assert Viewer.of(officer).results().filter(edition=draft["edition"]).count() == 1


@pytest.mark.parametrize("who", ["anonymous", "other", "own"])
def test_admin_lists_send_non_staff_to_login(client, draft, officer_factory, who):
    if who != "anonymous":
        client.force_login(officer_factory(draft[who]))
    for name in ["reports_result", "reports_edition", "reports_componentscore", "reports_citation"]:
        for url in [reverse(f"admin:{name}_changelist"), reverse(f"admin:{name}_changelist") + "?q=bac+lieu"]:
            response = client.get(url)
            assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    response = client.get(
        reverse("admin:reports_result_change", args=[Result.objects.filter(edition=draft["edition"]).first().pk])
    )
    assert response.status_code == 302
