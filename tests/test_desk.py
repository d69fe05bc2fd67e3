"""The officer's desk (``desk/``): who opens which desk, drafts never crossing units, the points lost
checked against figures computed here from the rows themselves, the printable profile, a query budget.

The expected gaps are computed in this file with plain Python over ``ComponentScore`` rows (not
through ``desk.gaps`` nor the stored statistics the desk reads), on the complete synthetic panel and
on the real, partial figures.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse

from curation import synthetic
from provinces.models import Province
from reports.models import Component, ComponentScore, Edition, Framework, Index, Result, Status

pytestmark = pytest.mark.django_db

OWN_DRAFT, OWN_DRAFT_PART = "77.77", "9.19"  # values found nowhere in the real data (checked below)
OTHER_DRAFT, OTHER_DRAFT_PART = "66.66", "8.18"


def shown(html: str, value: str) -> bool:
    """Whether a page states ``value`` (77.77 or 77,77), not as digits inside a longer number."""
    return re.search(rf"(?<![\d.,]){value.replace('.', '[.,]')}(?!\d)", html) is not None


def desk_url(slug: str, name: str = "desk:unit") -> str:
    return reverse(name, args=[slug])


@pytest.fixture
def draft_2025(real_data):
    """A draft PAR INDEX 2025 edition with a result and a component score for Cà Mau and Hà Nội."""
    secrets = [OWN_DRAFT, OWN_DRAFT_PART, OTHER_DRAFT, OTHER_DRAFT_PART]
    assert not Result.objects.filter(score__in=secrets).exists()
    assert not ComponentScore.objects.filter(score__in=secrets).exists()
    par = Index.objects.get(code="PAR_INDEX")
    framework = par.frameworks.get(first_year=2022)
    procedures = framework.components.get(key="procedures")
    edition = Edition.objects.create(index=par, year=2025, status=Status.DRAFT, units_ranked=34, framework=framework)
    units = {}
    for slug, score, part, rank in (
        ("ca-mau", OWN_DRAFT, OWN_DRAFT_PART, 1),
        ("ha-noi", OTHER_DRAFT, OTHER_DRAFT_PART, 2),
    ):
        unit = Province.objects.get(slug=slug)
        result = Result.objects.create(edition=edition, province=unit, score=score, rank=rank)
        ComponentScore.objects.create(result=result, component=procedures, score=part)
        units[slug] = unit
    return units


# -- who opens which desk ----------------------------------------------------------------------


def test_an_officer_sees_their_own_desk_with_their_draft_marked_as_such(client, officer_factory, draft_2025):
    client.force_login(officer_factory(draft_2025["ca-mau"]))
    response = client.get(desk_url("ca-mau"))
    assert response.status_code == 200
    html = response.content.decode()
    assert shown(html, OWN_DRAFT) and shown(html, OWN_DRAFT_PART)
    assert "DỰ THẢO" in html
    draft = response.context["latest"][0]["draft"]
    assert draft["edition"].year == 2025 and str(draft["score"]) == OWN_DRAFT
    # another province's draft number appears nowhere, nor a statistic of the draft
    assert not shown(html, OTHER_DRAFT) and not shown(html, OTHER_DRAFT_PART)
    assert response.context["gaps"]["draft"]["rows"]
    assert all(g.leader_score is None and g.national is None for g in response.context["gaps"]["draft"]["rows"])


def test_an_officer_is_refused_another_units_desk_with_a_reason(client, officer_factory, draft_2025):
    client.force_login(officer_factory(draft_2025["ca-mau"]))
    for name in ("desk:unit", "desk:profile"):
        response = client.get(desk_url("ha-noi", name))
        assert response.status_code == 403
        html = response.content.decode()
        assert "chỉ mở được bàn làm việc của đơn vị mình" in html
        assert not shown(html, OTHER_DRAFT)
    # a predecessor's desk opens (its drafts are this officer's too: Viewer.sees_desk_of), another's does not
    assert client.get(desk_url("bac-lieu")).status_code == 200


def test_an_officer_lands_on_their_desk_and_the_desks_list_sends_them_there(client, officer_factory, real_data):
    unit = Province.objects.get(slug="son-la")
    client.force_login(officer_factory(unit))
    assert client.get(reverse("dashboard:my_home")).url == desk_url("son-la")
    assert client.get(reverse("desk:home")).url == desk_url("son-la")


def test_ministry_staff_open_every_desk_with_every_draft(client, ministry_user, draft_2025):
    client.force_login(ministry_user)
    listing = client.get(reverse("desk:home"))
    assert listing.status_code == 200
    slugs = {u.slug for era in listing.context["eras"] for u in era["units"]}
    assert {"ca-mau", "ha-noi", "bac-lieu"} <= slugs and len(slugs) == Province.objects.real().count()
    for slug, value in (("ca-mau", OWN_DRAFT), ("ha-noi", OTHER_DRAFT)):
        response = client.get(desk_url(slug))
        assert response.status_code == 200 and shown(response.content.decode(), value)


def test_the_desks_list_is_searched_without_diacritics(client, ministry_user, real_data):
    client.force_login(ministry_user)
    response = client.get(reverse("desk:home"), {"q": "bac lieu"})
    assert [u.slug for era in response.context["eras"] for u in era["units"]] == ["bac-lieu"]
    too_long = client.get(reverse("desk:home"), {"q": "x" * 101})
    assert too_long.status_code == 400 and "quá dài" in too_long.content.decode()


def test_a_signed_in_user_without_a_unit_is_told_why(client, django_user_model, real_data):
    client.force_login(django_user_model.objects.create_user("khach", password="mat-khau-dai-9"))
    response = client.get(reverse("desk:home"))
    assert response.status_code == 403 and "chưa gắn với tỉnh" in response.content.decode()


@pytest.mark.parametrize("name", ["desk:home", "desk:unit", "desk:profile"])
def test_anonymous_visitors_are_sent_to_sign_in(client, real_data, name):
    url = reverse(name) if name == "desk:home" else desk_url("ca-mau", name)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login")) and "next=" in response.url


def test_desks_are_never_kept_by_a_shared_cache(client, officer_factory, real_data):
    client.force_login(officer_factory(Province.objects.get(slug="son-la")))
    for url in (desk_url("son-la"), desk_url("son-la", "desk:profile"), reverse("desk:home")):
        cache_control = client.get(url)["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, url


def test_an_officer_of_a_2025_unit_sees_the_predecessors_published_history(client, officer_factory, real_data):
    client.force_login(officer_factory(Province.objects.get(slug="ca-mau")))
    response = client.get(desk_url("ca-mau"))
    html = response.content.decode()
    names = {s["name"] for s in response.context["trend"]["series"]}
    assert {"Bạc Liêu (tiền thân)", "Cà Mau (tiền thân)"} <= names
    published = Result.objects.filter(
        province__slug="bac-lieu", edition__status=Status.PUBLISHED, edition__index__code="PAR_INDEX"
    ).exclude(score=None)
    assert published.exists()
    for result in published:
        assert shown(html, f"{result.score:.2f}"), result


def test_the_desk_in_english(client, officer_factory, real_data):
    client.force_login(officer_factory(Province.objects.get(slug="son-la")))
    response = client.get("/en" + desk_url("son-la"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html and "Where the points are lost" in html


# -- where the points are lost ------------------------------------------------------------------


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def expected_gaps(edition: Edition, slug: str) -> dict[str, dict]:
    """The gaps of ``slug`` in ``edition``, computed here from the component score rows."""
    rows = list(
        ComponentScore.objects.filter(result__edition=edition, score__isnull=False).values_list(
            "component__key", "score", "result__province__slug", "result__province__region_id"
        )
    )
    unit = Province.objects.get(slug=slug)
    region_units = Province.objects.filter(region_id=unit.region_id, era=edition.era).count()
    by_key: dict[str, list] = defaultdict(list)
    for key, score, unit_slug, region_id in rows:
        by_key[key].append((score, unit_slug, region_id))
    out = {}
    for component in Component.objects.filter(framework=edition.framework):
        held = by_key.get(component.key, [])
        own = next((s for s, u, _r in held if u == slug), None)
        regional = [s for s, _u, r in held if r == unit.region_id]
        out[component.key] = {
            "score": own,
            "max": component.max_points,
            "gain": component.max_points - own if component.max_points is not None and own is not None else None,
            "leader": max((s for s, _u, _r in held), default=None),
            "n": len(held),
            "national": _round(sum(s for s, _u, _r in held) / len(held)) if held else None,
            "regional": _round(sum(regional) / len(regional)) if regional else None,
            "regional_n": len(regional),
            "region_units": region_units,
        }
    return out


@pytest.fixture
def synthetic_panel(real_data, settings):
    settings.CCHC_DATASET = "synthetic"
    synthetic.generate(scale=1)


def test_points_lost_match_the_rows_on_the_complete_synthetic_panel(client, officer_factory, synthetic_panel):
    slug = "son-la"
    client.force_login(officer_factory(Province.objects.get(slug=slug)))
    response = client.get(desk_url(slug))
    assert response.status_code == 200
    gaps = response.context["gaps"]
    edition = Edition.objects.get(index__code="PAR_INDEX", year=2025, is_synthetic=True)
    assert gaps["edition"] == edition
    expected = expected_gaps(edition, slug)
    listed = gaps["rows"] + gaps["no_max"]
    assert {g.key for g in listed} == set(expected) and not gaps["missing"]
    for gap in listed:
        want = expected[gap.key]
        assert (gap.score, gap.max_points, gap.gain) == (want["score"], want["max"], want["gain"]), gap.key
        assert (gap.leader_score, gap.units_held) == (want["leader"], want["n"]), gap.key
        assert gap.national.value == want["national"] and gap.national.is_drawable, gap.key
        assert gap.regional.value == want["regional"] and gap.regional.units == want["regional_n"], gap.key
        assert gap.regional.units_total == want["region_units"], gap.key
    # with a maximum: sorted by the points that could be gained; without one: listed apart
    gains = [g.gain for g in gaps["rows"]]
    assert gains == sorted(gains, reverse=True) and all(g is not None for g in gains)
    no_max = {k for k, w in expected.items() if w["max"] is None}
    assert {g.key for g in gaps["no_max"]} == no_max and no_max
    # the previous year's score is Sơn La's own 2024 score (the same place before the reorganisation)
    previous = ComponentScore.objects.get(
        result__edition__year=2024,
        result__edition__is_synthetic=True,
        result__edition__index__code="PAR_INDEX",
        result__province__slug="son-la-truoc-2025",
        component__key=gaps["rows"][0].key,
    )
    assert [score for _name, score in gaps["rows"][0].previous] == [previous.score]
    html = response.content.decode()
    top = gaps["rows"][0]
    assert shown(html, f"{top.gain:.2f}") and shown(html, f"{expected[top.key]['national']:.2f}")


def test_points_lost_on_partial_real_figures_say_what_is_missing(client, officer_factory, real_data):
    """Sơn La 2024: four components hold a figure (of Sơn La alone), four none: the gaps of the four,
    no average drawn on 1 unit of 63, and the four others named with where their figures come from."""
    slug = "son-la"
    client.force_login(officer_factory(Province.objects.get(slug=slug)))
    response = client.get(desk_url(slug))
    gaps = response.context["gaps"]
    edition = Edition.objects.get(index__code="PAR_INDEX", year=2024, is_synthetic=False)
    assert gaps["edition"] == edition
    expected = expected_gaps(edition, "son-la-truoc-2025")
    held = {k for k, w in expected.items() if w["score"] is not None}
    assert {g.key for g in gaps["rows"]} == {k for k in held if expected[k]["max"] is not None}
    assert {g.key for g in gaps["missing"]} == set(expected) - held and gaps["missing"]
    for gap in gaps["rows"]:
        want = expected[gap.key]
        assert (gap.score, gap.gain, gap.leader_score, gap.units_held) == (
            want["score"],
            want["gain"],
            want["leader"],
            want["n"],
        )
        assert not gap.national.is_drawable and gap.national.units == want["n"] and gap.national.units_total == 63
    assert [g.gain for g in gaps["rows"]] == sorted((g.gain for g in gaps["rows"]), reverse=True)
    html = response.content.decode()
    assert "phụ lục báo cáo đầy đủ của Bộ Nội vụ" in html
    assert f"chưa đủ đơn vị để tính trung bình ({expected['impact']['n']}/63" in html
    # Sơn La's figures are the only ones: it is not named as the leader "among 1/63"
    assert all(g.alone for g in gaps["rows"]) and "chỉ đơn vị này có số liệu (1/63)" in html
    assert "trong 1/63 đơn vị có số liệu" not in html


def test_a_latest_result_without_a_score_says_so_beside_its_rank(client, officer_factory, real_data):
    """Sơn La's PAR INDEX 2024 is known by its rank (12/63) only: the card's headline says there is no score."""
    client.force_login(officer_factory(Province.objects.get(slug="son-la")))
    html = client.get(desk_url("son-la")).content.decode()
    card = html.split("PAR INDEX 2024", 1)[1].split("</div>", 1)[0]
    assert 'class="value"><span class="missing">—</span> <small class="muted">chưa có điểm</small>' in card
    assert "hạng 12/63" in card


def test_a_draft_shows_only_the_units_own_component_figures(client, officer_factory, draft_2025):
    client.force_login(officer_factory(draft_2025["ca-mau"]))
    draft = client.get(desk_url("ca-mau")).context["gaps"]["draft"]
    procedures = next(g for g in draft["rows"] if g.key == "procedures")
    assert str(procedures.score) == OWN_DRAFT_PART
    assert procedures.gain == Component.objects.get(framework__first_year=2022, key="procedures").max_points - Decimal(
        OWN_DRAFT_PART
    )


# -- the trend, the articles, the profile --------------------------------------------------------


def test_peers_of_the_region_join_the_chart_on_request(client, officer_factory, real_data):
    unit = Province.objects.get(slug="son-la")
    client.force_login(officer_factory(unit))
    plain = client.get(desk_url("son-la")).context["trend"]
    with_peers = client.get(desk_url("son-la"), {"peers": "1"}).context["trend"]
    peers = {s["name"] for s in with_peers["peer_series"]}
    region_units = set(
        Province.objects.filter(region=unit.region, results__edition__index__code="PAR_INDEX")
        .exclude(pk__in=[unit.pk, *Province.objects.filter(successor=unit).values_list("pk", flat=True)])
        .values_list("name", flat=True)
    )
    assert peers == region_units and peers
    assert len(with_peers["score_chart"]["data"]) == len(plain["score_chart"]["data"]) + len(peers)


def test_articles_list_the_figures_they_support(client, officer_factory, real_data):
    client.force_login(officer_factory(Province.objects.get(slug="son-la")))
    articles = client.get(desk_url("son-la")).context["articles"]
    assert articles["rows"]
    dates = [a["published_on"] for a in articles["rows"] if a["published_on"]]
    assert dates == sorted(dates, reverse=True)
    assert any(a["confirmed"] for a in articles["rows"])


def test_the_profile_states_the_years_figures_and_their_sources(client, officer_factory, real_data):
    client.force_login(officer_factory(Province.objects.get(slug="son-la")))
    response = client.get(desk_url("son-la", "desk:profile"), {"year": "2024"})
    assert response.status_code == 200
    html = response.content.decode()
    result = Result.objects.get(
        province__slug="son-la-truoc-2025", edition__year=2024, edition__index__code="PAR_INDEX"
    )
    assert result.score is None and result.rank  # the sources name its rank only: no score is shown
    assert f"{result.rank}/63" in html and "chưa có số liệu" in html
    assert "12,75" in html  # a component score (procedures)
    cited = set(
        result.citations.filter(state="confirmed").exclude(article__url="").values_list("article__url", flat=True)
    )
    assert cited and all(url in html for url in cited)
    assert "css/print.css" in html  # the A4 print stylesheet (drawn and counted in tests/browser/test_desk.py)


@pytest.mark.parametrize(("year", "message"), [("20x4", "không hợp lệ"), ("1999", "chưa có kết quả năm 1999")])
def test_a_bad_profile_year_is_refused_with_a_reason(client, officer_factory, real_data, year, message):
    client.force_login(officer_factory(Province.objects.get(slug="son-la")))
    response = client.get(desk_url("son-la", "desk:profile"), {"year": year})
    assert response.status_code == 400 and message in response.content.decode().lower()


def test_the_desk_reads_a_bounded_number_of_queries(
    client, officer_factory, synthetic_panel, django_assert_max_num_queries
):
    client.force_login(officer_factory(Province.objects.get(slug="ca-mau")))
    client.get(desk_url("ca-mau"))  # the session and the user's first reads
    with django_assert_max_num_queries(30):
        assert client.get(desk_url("ca-mau"), {"peers": "1"}).status_code == 200


def test_the_current_framework_is_the_latest(real_data):
    from desk.gaps import current_framework

    assert current_framework() == Framework.objects.filter(index__code="PAR_INDEX").order_by("first_year").last()
