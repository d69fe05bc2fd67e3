"""Who sees a draft edition's figures, asked of every URL of the site, for every persona.

The rule (issue "One house", encoded in ``reports.visibility.Viewer``):

======================================  =============  ================  ==================
persona                                 own drafts     others' drafts    draft averages
======================================  =============  ================  ==================
anonymous                               no             no                no
officer of a province (staff or not)    yes            no                no
officer of a 2025 unit                  predecessors'  no                no
ministry staff (view_draft_results)     yes            yes               yes
curator (staff, change permissions)     yes            yes               yes
======================================  =============  ================  ==================

A draft PAR INDEX edition (2011, a year with no real edition) holds results, component scores,
published national and regional averages and confirmed citations, each with a value found nowhere
else in the data. Every URL pattern of the whole URLconf (dashboard, admin, accounts, i18n) is
filled with sample arguments (a pattern the suite cannot fill fails it, so pages added later are
covered), with the query strings a page reads, every download format and a search, and requested
as each persona. Downloads are decoded (XLSX unzipped, JSON re-serialised). Each value must appear
nowhere a persona may not see it, and somewhere for every persona who may.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve

from provinces.models import Province
from reports.models import (
    Citation,
    ComponentScore,
    Edition,
    Index,
    Metric,
    PublishedAverage,
    Result,
    SourceArticle,
    Status,
)

pytestmark = pytest.mark.django_db

# Values chosen to occur nowhere in the real data (checked by the fixture).
OWN_SCORE, OWN_COMPONENT = "77.77", "9.19"  # Bạc Liêu, a 63-unit province merged into Cà Mau in 2025
OTHER_SCORE, OTHER_COMPONENT = "66.66", "8.18"  # Hà Nội
NATIONAL, REGIONAL = "71.17", "72.27"  # the draft's published averages
OWN = {OWN_SCORE, OWN_COMPONENT}
OTHERS = {OTHER_SCORE, OTHER_COMPONENT}
AVERAGES = {NATIONAL, REGIONAL}
FORMATS = ("csv", "xlsx", "json")


@dataclass
class Persona:
    name: str
    may_see: set[str]
    user: object = None


@pytest.fixture
def world(real_data, django_user_model):
    """The draft edition and one user per persona."""
    par = Index.objects.get(code="PAR_INDEX")
    framework = par.frameworks.get(first_year=2022)
    component = framework.components.get(key="procedures")
    secrets = [*OWN, *OTHERS, *AVERAGES]
    assert not Result.objects.filter(score__in=secrets).exists()
    assert not ComponentScore.objects.filter(score__in=secrets).exists()
    assert not PublishedAverage.objects.filter(value__in=secrets).exists()

    edition = Edition.objects.create(index=par, year=2011, status=Status.DRAFT, units_ranked=63, framework=framework)
    own = Province.objects.get(name="Bạc Liêu", era=63)
    other = Province.objects.get(name="Hà Nội", era=63)
    successor = own.successor
    article = SourceArticle.objects.create(
        url="https://example.org/ket-qua-2011", title="Kết quả Chỉ số CCHC 2011", publisher="Báo thử", text="…"
    )
    article.provinces.add(own, other)
    for province, score, part in ((own, OWN_SCORE, OWN_COMPONENT), (other, OTHER_SCORE, OTHER_COMPONENT)):
        result = Result.objects.create(edition=edition, province=province, score=score, rank=1 + (province == other))
        component_score = ComponentScore.objects.create(result=result, component=component, score=part)
        for metric, value, target in (
            (Metric.SCORE, score, {"result": result}),
            (Metric.COMPONENT_SCORE, part, {"component_score": component_score, "component": component}),
        ):
            Citation.objects.create(
                article=article, index=par, year=2011, province=province, metric=metric, value_number=value,
                quote=f"{province.name} đạt {value.replace('.', ',')} điểm", state=Citation.State.CONFIRMED, **target,
            )  # fmt: skip
    national = PublishedAverage.objects.create(edition=edition, region=None, value=NATIONAL)
    regional = PublishedAverage.objects.create(edition=edition, region=own.region, value=REGIONAL)
    for average, value in ((national, NATIONAL), (regional, REGIONAL)):
        Citation.objects.create(
            article=article, index=par, year=2011, is_national=average.region_id is None, region=average.region,
            metric=Metric.AVERAGE, value_number=value, average=average, state=Citation.State.CONFIRMED,
            quote=f"trung bình {value.replace('.', ',')} điểm",
        )  # fmt: skip

    def user(username, province=None, groups=(), staff=False, perms=()):
        u = django_user_model.objects.create_user(username, password="mat-khau-dai-9", province=province)
        u.is_staff = staff
        u.save()
        u.groups.add(*Group.objects.filter(name__in=groups))
        u.user_permissions.add(*(Permission.objects.get(codename=p) for p in perms))
        return u

    officers, ministry, curators = "Cán bộ tỉnh", "Cán bộ Bộ Nội vụ", "Biên tập viên"
    assert Group.objects.filter(name__in=[officers, ministry, curators]).count() == 3
    bac_ninh = Province.objects.get(name="Bắc Ninh", era=63)
    personas = [
        Persona("anonymous", set()),
        Persona("officer", OWN, user("can.bo.bac.lieu", own, [officers])),
        Persona("staff officer", OWN, user("can.bo.bac.lieu.2", own, [officers], staff=True)),
        Persona("successor officer", OWN, user("can.bo.ca.mau", successor, [officers])),
        Persona("other officer", set(), user("can.bo.bac.ninh", bac_ninh, [officers])),
        Persona("ministry", OWN | OTHERS | AVERAGES, user("bo.noi.vu", groups=[ministry])),
        Persona("curator", OWN | OTHERS | AVERAGES, user("bien.tap", groups=[curators], staff=True)),
        Persona("ministry officer", OWN | OTHERS | AVERAGES, user("ca.hai", own, [officers, ministry])),
    ]  # fmt: skip
    return {
        "edition": edition,
        "own": own,
        "other": other,
        "successor": successor,
        "article": article,
        "personas": personas,
    }


# -- every URL ------------------------------------------------------------------------------------


def _patterns(resolver=None, prefix=""):
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern), p


_ROUTE_ARG = re.compile(r"<(?:\w+:)?(\w+)>")
_REGEX_ARG = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def _admin_objects(route: str, world) -> list[str]:
    """The draft's rows of the model an admin route is about, else one row of it."""
    match = re.match(r"admin/(\w+)/(\w+)/", route)
    model = ContentType.objects.get(app_label=match[1], model=match[2]).model_class()
    ids = []
    for name in ("edition", "own", "other", "article"):
        if isinstance(world[name], model):
            ids.append(world[name].pk)
    edition = world["edition"]
    related = {
        Result: Result.objects.filter(edition=edition),
        ComponentScore: ComponentScore.objects.filter(result__edition=edition),
        PublishedAverage: PublishedAverage.objects.filter(edition=edition),
        Citation: Citation.objects.filter(year=2011, article=world["article"]),
    }
    if model in related:
        ids += list(related[model].values_list("pk", flat=True))
    if not ids:
        first = model._default_manager.order_by("pk").first()
        ids = [first.pk if first else 999999]
    return [str(i) for i in ids]


def _samples(arg: str, route: str, world) -> list[str]:
    if arg == "object_id" and route.startswith("admin/r/"):
        return [str(world["edition"].results.get(province=world["own"]).pk)]
    if arg == "object_id":
        return _admin_objects(route, world)
    samples = {
        "slug": [world["own"].slug, world["other"].slug, world["successor"].slug],
        "pk": [str(world["article"].pk)],
        "content_type_id": [str(ContentType.objects.get_for_model(Result).pk)],
        "app_label": ["reports", "provinces"],
        "url": ["khong-co-trang-nay/"],
        "id": [str(world["personas"][1].user.pk)],  # a user's password form
        "uidb64": ["MQ"],
        "token": ["set-password"],
        # the embeddable charts (dashboard/embeds.py): every page and chart name, and some that are none
        "page": ["tong-quan", "xep-hang", "ban-do", "so-sanh", "khong-co"],
        "chart": ["diem", "hang", "ban-do", "phan-bo", "thanh-phan"],
    }
    if arg not in samples:
        pytest.fail(f"no sample value for <{arg}> in the URL pattern {route!r}: add one to tests/test_personas.py")
    return samples[arg]


# The query strings of the dashboard's pages: the draft year, each download, each filter, a search.
DRAFT = "?index=PAR_INDEX&year=2011"
QUERIES = {
    "dashboard:rankings": [
        DRAFT,
        *(f"{DRAFT}&format={f}" for f in FORMATS),
        f"{DRAFT}&region={{region}}",
        f"{DRAFT}&sort=score",
        f"{DRAFT}&component=procedures",
        f"{DRAFT}&component=procedures&format=csv",
        f"{DRAFT}&q=bac+lieu",
    ],
    "dashboard:home": ["", "?index=PAR_INDEX", *(f"?index=PAR_INDEX&format={f}" for f in FORMATS)],
    "dashboard:province": ["", "?index=PAR_INDEX", *(f"?index=PAR_INDEX&format={f}" for f in FORMATS)],
    "dashboard:compare": [
        "?p={own}&p={other}&index=PAR_INDEX&year=2011",
        "?them=bac+lieu&index=PAR_INDEX",
        *(f"?p={{own}}&p={{other}}&index=PAR_INDEX&year=2011&format={f}" for f in FORMATS),
    ],
    "dashboard:map": [DRAFT, f"{DRAFT}&by=group", *(f"{DRAFT}&format={f}" for f in FORMATS)],
    # embeds are built as the anonymous viewer, whoever asks: no draft for anyone
    "dashboard:embed": [DRAFT, "?p={own}&p={other}&index=PAR_INDEX&year=2011"],
    "dashboard:embed_province": ["", "?index=PAR_INDEX"],
    "dashboard:articles": ["", "?year=2011", "?q=bac+lieu", "?province={own}"],
    "admin:reports_result_changelist": ["", "?q=bac+lieu", "?edition__year=2011"],
    "admin:reports_citation_changelist": ["", "?q=77"],
    # the officer's desk: the trend with the region's peers, the printed profile of the draft year
    "desk:home": ["", "?q=bac+lieu"],
    "desk:unit": ["", "?peers=1"],
    "desk:profile": ["", "?year=2011"],
}


_POSITIONAL = re.compile(r"\((?!\?)[^)]*\)")


def _history_samples(route: str, world) -> list[tuple[str, str]]:
    """(object id, history id) pairs for django-simple-history's ``<object>/history/<version>/``."""
    match = re.match(r"admin/(\w+)/(\w+)/", route)
    model = ContentType.objects.get(app_label=match[1], model=match[2]).model_class()
    pairs = []
    for object_id in _admin_objects(route, world):
        version = model.history.filter(id=object_id).order_by("-history_id").first()
        pairs.append((object_id, str(version.history_id if version else 999999)))
    return pairs


def _fill(route: str, world) -> list[str]:
    """The sample URLs of one pattern: every argument replaced by each of its sample values."""
    template = re.sub(r"(^|/)\^", r"\1", route).replace("$", "")
    if _POSITIONAL.search(template):
        assert len(_POSITIONAL.findall(template)) == 2 and "/history/" in template, f"no samples for {route!r}"
        return [_POSITIONAL.sub("{}", template).format(*pair) for pair in _history_samples(route, world)]
    bases = [template]
    regex_args = _REGEX_ARG.findall(template)
    for arg in regex_args + _ROUTE_ARG.findall(_REGEX_ARG.sub("", template)):
        pattern = _REGEX_ARG if arg in regex_args else _ROUTE_ARG
        bases = [
            pattern.sub(lambda m, a=arg, v=v: v if m[1] == a else m[0], base)
            for base in bases
            for v in _samples(arg, route, world)
        ]
    return bases


def every_url(world) -> list[str]:
    fill = {"own": world["own"].slug, "other": world["other"].slug, "region": world["own"].region.code}
    urls = set()
    for route, pattern in _patterns():
        for base in _fill(route, world):
            url = "/" + base
            match = resolve(url)
            # (or an earlier pattern with the same route shadows it, as the throttled sign-in does)
            reached = match.func == pattern.callback or match.route == route
            assert reached, f"sample {url} does not reach the pattern {route!r}"
            for query in QUERIES.get(match.view_name, [""]):
                urls.add(url + query.format(**fill))
    return sorted(urls)


def _text_of(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":  # an XLSX: every part of the archive
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            return " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    text = body.decode("utf-8", "replace")
    if "json" in response.get("Content-Type", ""):
        text += json.dumps(json.loads(text))  # numbers as 77.77 however they were written
    return text


def _shown(text: str, values: set[str]) -> set[str]:
    """The values a text states, as 77.77 or 77,77 (not as digits inside a longer number, like a map coordinate)."""
    return {v for v in values if re.search(rf"(?<![\d.,]){v.replace('.', '[.,]')}(?!\d)", text)}


def test_every_persona_sees_exactly_the_draft_figures_the_rule_allows(world):
    urls = every_url(world)
    assert any(u.startswith("/admin/reports/result/") for u in urls) and any("format=xlsx" in u for u in urls)
    secrets = OWN | OTHERS | AVERAGES
    for persona in world["personas"]:
        client = Client()
        if persona.user:
            client.force_login(persona.user)
        seen: dict[str, list[str]] = {}
        for url in urls:
            response = client.get(url)
            assert response.status_code < 500, (persona.name, url)
            if response.status_code == 200:
                for value in _shown(_text_of(response), secrets):
                    seen.setdefault(value, []).append(url)
        leaked = {v: where[:3] for v, where in seen.items() if v not in persona.may_see}
        assert not leaked, f"{persona.name} sees draft figures they may not: {leaked}"
        missing = persona.may_see - set(seen)
        assert not missing, f"{persona.name} never sees draft figures they may: {missing}"


def test_a_staff_officer_cannot_change_their_own_draft_in_the_admin(client, world):
    officer = next(p for p in world["personas"] if p.name == "staff officer").user
    client.force_login(officer)
    result = world["edition"].results.get(province=world["own"])
    url = f"/admin/reports/result/{result.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and OWN_SCORE in page.content.decode().replace(",", ".")
    assert client.post(url, {"score": "99.99"}).status_code == 403
    result.refresh_from_db()
    assert str(result.score) == OWN_SCORE
    other = world["edition"].results.get(province=world["other"])
    assert client.get(f"/admin/reports/result/{other.pk}/change/").status_code in (302, 404)
