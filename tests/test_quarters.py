"""Quarterly procedure figures (issue 18): an officer enters a quarter on their desk, it is *submitted*
(seen by the province and the ministry only) until a curator confirms it in the admin, then public.

Every step goes through the real pages: the desk's form (POST), the admin's "Xác nhận" action (POST),
the public province page (with its page cache on), the review list. Values are chosen to occur
nowhere in the shipped data (checked), so "not on the page" means the figure did not leak.
"""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from provinces.models import Province
from reports.models import Citation, DossierStat, Edition, Index, Metric, Result, SourceArticle, Status
from reports.visibility import ANONYMOUS, Viewer

pytestmark = pytest.mark.django_db

SOURCE = "https://dichvucong.example.vn/bao-cao-quy-4-2025"
# A quarter entered the Vietnamese way: 113.905 is one hundred and thirteen thousand nine hundred and five.
ENTRY = {
    "year": "2025",
    "quarter": "4",
    "received": "113.905",
    "on_time": "98.765",
    "late": "1.234",
    "pending": "13.906",
    "source_url": SOURCE,
    "note": "Theo báo cáo của Văn phòng UBND tỉnh",
}
SHOWN = "113.905"  # how the page writes 113905 in Vietnamese


@pytest.fixture(autouse=True)
def page_cache(settings):
    # Tests run inside a transaction, where the page cache is bypassed unless told otherwise: turned on,
    # so that a cached public page is part of what must never show a submitted quarter.
    settings.CCHC_CACHE_IN_TRANSACTIONS = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def units(real_data):
    assert not DossierStat.objects.filter(received=113905).exists()
    return {
        "ca_mau": Province.objects.get(slug="ca-mau"),  # formed 1/7/2025 from Cà Mau and Bạc Liêu
        "bac_lieu": Province.objects.get(slug="bac-lieu"),
        "ha_noi": Province.objects.get(slug="ha-noi"),
    }


@pytest.fixture
def curator(django_user_model):
    user = django_user_model.objects.create_user("bien.tap.quy", password="mat-khau-dai-9", is_staff=True)
    user.groups.add(Group.objects.get(name="Biên tập viên"))
    return user


@pytest.fixture
def ministry(ministry_user):
    ministry_user.groups.add(Group.objects.get(name="Cán bộ Bộ Nội vụ"))
    return ministry_user


def desk_url(province: Province) -> str:
    return reverse("desk:quarters", args=[province.slug])


def public_url(province: Province) -> str:
    return reverse("dashboard:province", args=[province.slug])


def shows(response, text: str = SHOWN) -> bool:
    """Whether the page's quarterly table states ``text`` (not the form's example, nor anything else)."""
    page = response.content.decode()
    if 'id="quarters-table"' not in page:
        return False
    table = page[page.index('id="quarters-table"') :]
    return text in table[: table.index("</table>")]


def confirm_in_admin(client, curator, stats) -> None:
    client.force_login(curator)
    response = client.post(
        reverse("admin:reports_dossierstat_changelist"),
        {"action": "confirm_quarters", "_selected_action": [s.pk for s in stats]},
    )
    assert response.status_code == 302


def test_a_quarter_is_submitted_seen_by_its_province_and_the_ministry_then_public_once_confirmed(
    client, units, officer_factory, ministry, curator, django_capture_on_commit_callbacks
):
    ca_mau, ha_noi = units["ca_mau"], units["ha_noi"]
    officer = officer_factory(ca_mau)
    other_officer = officer_factory(ha_noi)
    assert not shows(client.get(public_url(ca_mau)))  # cached from now on, for anonymous visitors

    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):  # the test's transaction stands in for a commit
        response = client.post(desk_url(ca_mau), ENTRY)
    assert response.status_code == 302 and response.url == desk_url(ca_mau)
    stat = DossierStat.objects.get(province=ca_mau, year=2025, quarter=4)
    assert (stat.received, stat.on_time, stat.late, stat.pending) == (113905, 98765, 1234, 13906)
    assert stat.status == DossierStat.State.SUBMITTED
    assert (stat.submitted_by, stat.source_url, stat.confirmed_by) == (officer, SOURCE, None)
    assert stat.submitted_at is not None and stat.note == ENTRY["note"]

    desk = client.get(response.url)  # the redirect's page: the figures, their state and the message
    page = desk.content.decode()
    assert desk.status_code == 200 and SHOWN in page and "Chờ xác nhận" in page and SOURCE in page
    assert "Đã gửi số liệu quý Q4/2025" in page
    assert "no-cache" in desk["Cache-Control"] or "max-age=0" in desk["Cache-Control"]
    assert not shows(client.get(public_url(ca_mau)))  # the officer's own public page: confirmed only

    client.force_login(ministry)
    assert shows(client.get(desk_url(ca_mau)))
    client.force_login(other_officer)
    assert client.get(desk_url(ca_mau)).status_code == 403
    assert not shows(client.get(public_url(ca_mau)))
    client.logout()
    assert not shows(client.get(public_url(ca_mau)))
    signin = client.get(desk_url(ca_mau))
    assert signin.status_code == 302 and signin.url.startswith(reverse("login"))

    with django_capture_on_commit_callbacks(execute=True):
        confirm_in_admin(client, curator, [stat])
    stat.refresh_from_db()
    assert stat.status == DossierStat.State.CONFIRMED and stat.confirmed_by == curator
    assert stat.confirmed_at is not None
    assert stat.history.first().confirmed_by_id == curator.pk  # the history says who confirmed
    client.logout()
    public = client.get(public_url(ca_mau))
    assert shows(public) and SOURCE in public.content.decode()
    client.force_login(other_officer)
    assert shows(client.get(public_url(ca_mau)))
    assert shows(client.get("/en" + public_url(ca_mau)), "113,905")  # in English, English separators


def test_the_desk_table_and_chart_show_each_quarter_with_a_dash_for_missing_figures(
    client, units, officer_factory, django_assert_max_num_queries
):
    ca_mau = units["ca_mau"]
    DossierStat.objects.create(
        province=ca_mau, year=2025, quarter=3, received=50000, on_time=45000, late=5000, pending=None,
        source_url=SOURCE, status=DossierStat.State.CONFIRMED,
    )  # fmt: skip
    DossierStat.objects.create(province=ca_mau, year=2025, quarter=4, received=60001, source_url=SOURCE)
    client.force_login(officer_factory(ca_mau))
    # session, user, permission check, the unit, its quarters, its predecessors, the form's articles
    with django_assert_max_num_queries(8):
        response = client.get(desk_url(ca_mau))
    rows = response.context["rows"]
    assert [r["label"] for r in rows] == ["Q3/2025", "Q4/2025"]
    assert [str(r["rate"]) for r in rows] == ["90.00", "None"]  # 45000 / (45000 + 5000); none without late
    page = response.content.decode()
    table = page[page.index('id="quarters-table"') :]
    q4 = table[table.index("Q4/2025") : table.index("</tr>", table.index("Q4/2025"))]
    assert "60.001" in q4 and q4.count("—") == 4  # on time, late, pending, rate: a dash, never 0
    assert not re.search(r">\s*0\s*<", q4)
    figure = json.loads(re.search(r'id="quarters-chart-data"[^>]*>(.*?)</script>', page, re.S)[1])
    bars = {t["name"]: t["y"] for t in figure["data"] if t["type"] == "bar"}
    assert bars == {"Đúng hạn": [45000, None], "Trễ hạn": [5000, None], "Đang giải quyết": [None, None]}
    assert figure["layout"]["barmode"] == "stack" and figure["layout"]["yaxis"]["rangemode"] == "tozero"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"received": "-5"}, "Số hồ sơ không được âm."),
        ({"on_time": "1,5"}, "Số hồ sơ phải là số nguyên"),
        ({"late": "nhiều"}, "không phải là một số"),
        ({"pending": "20.000"}, "vượt quá số hồ sơ tiếp nhận"),  # 98.765 + 1.234 + 20.000 > 113.905
        ({"source_url": ""}, "Ghi nguồn của số liệu"),
        ({"source_url": "javascript:alert(1)"}, "Chỉ nhận địa chỉ http:// hoặc https://."),
        ({"received": "", "on_time": "", "late": "", "pending": ""}, "Nhập ít nhất một số liệu của quý."),
        ({"quarter": "5"}, "Quý"),
        ({"year": "2024", "quarter": "1"}, "Cà Mau không tồn tại trong quý 1/2024."),  # the 34-unit Cà Mau
        ("next quarter", "chưa bắt đầu"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(client, units, officer_factory, change, message):
    ca_mau = units["ca_mau"]
    if change == "next quarter":
        today = timezone.localdate()
        quarter = (today.month - 1) // 3 + 1
        year, quarter = (today.year + 1, 1) if quarter == 4 else (today.year, quarter + 1)
        change = {"year": str(year), "quarter": str(quarter)}
    existing = DossierStat.objects.create(province=ca_mau, year=2025, quarter=4, received=7, source_url=SOURCE)
    before = list(DossierStat.objects.values())
    client.force_login(officer_factory(ca_mau))
    response = client.post(desk_url(ca_mau), {**ENTRY, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(DossierStat.objects.values()) == before
    existing.refresh_from_db()
    assert existing.received == 7


def test_numbers_are_read_the_vietnamese_way(client, units, officer_factory):
    ca_mau = units["ca_mau"]
    client.force_login(officer_factory(ca_mau))
    entry = {**ENTRY, "received": "113 905", "on_time": "98765", "late": "1.234", "pending": ""}
    assert client.post(desk_url(ca_mau), entry).status_code == 302
    stat = DossierStat.objects.get(province=ca_mau, year=2025, quarter=4)
    assert (stat.received, stat.on_time, stat.late, stat.pending) == (113905, 98765, 1234, None)


def test_a_submitted_quarter_is_replaced_and_a_confirmed_one_never_overwritten(client, units, officer_factory):
    ca_mau = units["ca_mau"]
    client.force_login(officer_factory(ca_mau))
    assert client.post(desk_url(ca_mau), ENTRY).status_code == 302
    assert client.post(desk_url(ca_mau), {**ENTRY, "received": "120.000"}).status_code == 302
    stat = DossierStat.objects.get(province=ca_mau, year=2025, quarter=4)  # still one row
    assert stat.received == 120000 and stat.status == DossierStat.State.SUBMITTED

    DossierStat.objects.filter(pk=stat.pk).update(status=DossierStat.State.CONFIRMED)
    response = client.post(desk_url(ca_mau), {**ENTRY, "received": "130.000"})
    assert response.status_code == 400 and "đã được xác nhận: không thể ghi đè" in response.content.decode()
    stat.refresh_from_db()
    assert stat.received == 120000 and stat.status == DossierStat.State.CONFIRMED


def test_only_the_provinces_own_officers_and_curators_may_submit(client, units, officer_factory, ministry, curator):
    ca_mau, bac_lieu = units["ca_mau"], units["bac_lieu"]
    for user in (officer_factory(units["ha_noi"]), ministry):
        client.force_login(user)
        assert client.post(desk_url(ca_mau), ENTRY).status_code == 403
    # the 2025 unit's officer opens their predecessor's desk but does not write for a unit not theirs
    client.force_login(officer_factory(ca_mau))
    assert client.get(desk_url(bac_lieu)).status_code == 200
    assert client.post(desk_url(bac_lieu), {**ENTRY, "year": "2024"}).status_code == 403
    assert not DossierStat.objects.exists()
    # the predecessor's officer may not open the successor's desk
    client.force_login(officer_factory(bac_lieu))
    assert client.get(desk_url(ca_mau)).status_code == 403
    # a curator enters a quarter too: submitted like any other, confirmed in the admin
    client.force_login(curator)
    assert client.post(desk_url(ca_mau), ENTRY).status_code == 302
    assert DossierStat.objects.get().status == DossierStat.State.SUBMITTED


def test_the_viewer_rule_for_quarters(units, officer_factory, ministry, curator):
    ca_mau, bac_lieu, ha_noi = units["ca_mau"], units["bac_lieu"], units["ha_noi"]
    rows = {
        "bac_lieu_submitted": DossierStat.objects.create(province=bac_lieu, year=2024, quarter=2, received=1),
        "ha_noi_submitted": DossierStat.objects.create(province=ha_noi, year=2025, quarter=4, received=2),
        "ha_noi_confirmed": DossierStat.objects.create(
            province=ha_noi, year=2025, quarter=3, received=3, status=DossierStat.State.CONFIRMED
        ),
    }
    article = SourceArticle.objects.create(url="https://example.org/quy", title="Quý", text="…")
    citation = Citation.objects.create(
        article=article, index=Index.objects.get(code="PAR_INDEX"), province=ha_noi, period="2025-Q4",
        metric=Metric.DOSSIER_RECEIVED, value_number=2,
        dossier_stat=rows["ha_noi_submitted"], state=Citation.State.CONFIRMED, quote="tiếp nhận 2 hồ sơ",
    )  # fmt: skip

    def seen(viewer: Viewer) -> set[str]:
        ids = set(viewer.dossier_stats().values_list("pk", flat=True))
        return {name for name, row in rows.items() if row.pk in ids}

    assert seen(ANONYMOUS) == {"ha_noi_confirmed"}
    assert seen(Viewer.of(officer_factory(ha_noi))) == {"ha_noi_submitted", "ha_noi_confirmed"}
    assert seen(Viewer.of(officer_factory(ca_mau))) == {"bac_lieu_submitted", "ha_noi_confirmed"}
    assert seen(Viewer.of(officer_factory(bac_lieu))) == {"bac_lieu_submitted", "ha_noi_confirmed"}
    assert seen(Viewer.of(ministry)) == seen(Viewer.of(curator)) == set(rows)
    # a citation of a submitted quarter is as hidden as the quarter
    assert not ANONYMOUS.citations().filter(pk=citation.pk).exists()
    assert Viewer.of(officer_factory(ha_noi, "can.bo.ha.noi.2")).citations().filter(pk=citation.pk).exists()


def test_a_quarter_confirmed_or_set_back_in_the_admin_records_who_did_it(client, units, curator):
    stat = DossierStat.objects.create(province=units["ha_noi"], year=2025, quarter=4, received=5)
    client.force_login(curator)
    url = reverse("admin:reports_dossierstat_change", args=[stat.pk])
    form = {"province": stat.province_id, "year": 2025, "quarter": 4, "received": 5, "status": "confirmed"}
    assert client.post(url, form).status_code == 302
    stat.refresh_from_db()
    assert stat.status == DossierStat.State.CONFIRMED and stat.confirmed_by == curator
    assert client.post(url, {**form, "status": "submitted"}).status_code == 302
    stat.refresh_from_db()
    assert (stat.status, stat.confirmed_by, stat.confirmed_at) == (DossierStat.State.SUBMITTED, None, None)
    filtered = client.get(reverse("admin:reports_dossierstat_changelist") + "?status__exact=submitted")
    assert filtered.status_code == 200 and list(filtered.context["cl"].result_list) == [stat]


def test_a_staff_officer_sees_their_quarters_in_the_admin_but_cannot_confirm(client, units, officer_factory):
    officer = officer_factory(units["ha_noi"])
    officer.is_staff = True
    officer.save()
    officer.groups.add(Group.objects.get(name="Cán bộ tỉnh"))
    own = DossierStat.objects.create(province=units["ha_noi"], year=2025, quarter=4, received=5)
    other = DossierStat.objects.create(province=units["ca_mau"], year=2025, quarter=4, received=6)
    client.force_login(officer)
    listed = client.get(reverse("admin:reports_dossierstat_changelist"))
    assert list(listed.context["cl"].result_list) == [own]
    client.post(
        reverse("admin:reports_dossierstat_changelist"),
        {"action": "confirm_quarters", "_selected_action": [own.pk, other.pk]},
    )
    assert not DossierStat.objects.filter(status=DossierStat.State.CONFIRMED).exists()


def test_the_review_list_names_exactly_the_provinces_awaiting_review(
    client, units, officer_factory, ministry, curator, django_assert_max_num_queries
):
    ca_mau, bac_lieu, ha_noi = units["ca_mau"], units["bac_lieu"], units["ha_noi"]
    par = Index.objects.get(code="PAR_INDEX")
    draft = Edition.objects.create(index=par, year=2011, status=Status.DRAFT, units_ranked=63)
    for name in ("Hà Nội", "Bạc Liêu", "Sơn La"):
        Result.objects.create(edition=draft, province=Province.objects.get(name=name, era=63), score=50)
    DossierStat.objects.create(province=ca_mau, year=2025, quarter=4, received=1)
    DossierStat.objects.create(province=ca_mau, year=2025, quarter=3, received=1)
    DossierStat.objects.create(province=bac_lieu, year=2024, quarter=1, received=1)
    DossierStat.objects.create(province=ha_noi, year=2025, quarter=3, received=1, status=DossierStat.State.CONFIRMED)

    # computed here from the rows, not by the page's query
    expected: dict[int, list[int]] = {}
    for province_id in Result.objects.filter(edition__status=Status.DRAFT).values_list("province_id", flat=True):
        expected.setdefault(province_id, [0, 0])[0] += 1
    for stat in DossierStat.objects.all():
        if stat.status == DossierStat.State.SUBMITTED:
            expected.setdefault(stat.province_id, [0, 0])[1] += 1
    assert len(expected) == 4 and ha_noi.pk not in expected

    client.force_login(ministry)
    with django_assert_max_num_queries(4):  # session, user, permission check, the list
        response = client.get(reverse("desk:review"))
    listed = {r["province"].pk: [r["draft_results"], r["submitted_quarters"]] for r in response.context["rows"]}
    assert listed == expected
    page = response.content.decode()
    assert page.count('<th scope="row">') == 4 and desk_url(ca_mau) in page
    assert "/admin/" not in page  # ministry staff without staff status: no links into the admin
    # a curator's links open the admin lists filtered to the province's rows awaiting review
    client.force_login(curator)
    response = client.get(reverse("desk:review"))
    assert {r["province"].pk for r in response.context["rows"]} == set(expected)
    row = next(r for r in response.context["rows"] if r["province"] == ca_mau)
    admin_list = client.get(row["quarters_admin_url"])
    assert admin_list.status_code == 200
    assert {s.quarter for s in admin_list.context["cl"].result_list} == {3, 4}
    row = next(r for r in response.context["rows"] if r["province"] == bac_lieu)
    results = client.get(row["results_url"])
    assert results.status_code == 200 and [r.province for r in results.context["cl"].result_list] == [bac_lieu]

    client.force_login(officer_factory(ca_mau))
    assert client.get(reverse("desk:review")).status_code == 403
    client.logout()
    assert client.get(reverse("desk:review")).url.startswith(reverse("login"))


def test_the_on_time_rate_rests_on_resolved_dossiers_only():
    assert DossierStat(on_time=98765, late=1234, pending=13906).on_time_rate == Decimal("98.77")  # 98765 / 99999
    assert DossierStat(on_time=0, late=0).on_time_rate is None  # nothing resolved: no rate, not 0 %
    assert DossierStat(on_time=10).on_time_rate is None


def test_the_quarter_end_and_start_bound_a_unit_validity(units):
    from desk.quarters import QuarterForm

    today = datetime.date(2025, 8, 15)
    bac_lieu = units["bac_lieu"]  # until 30/6/2025
    data = {**ENTRY, "year": "2025"}
    assert QuarterForm({**data, "quarter": "2"}, province=bac_lieu, today=today).is_valid()
    assert not QuarterForm({**data, "quarter": "3"}, province=bac_lieu, today=today).is_valid()
    assert QuarterForm({**data, "quarter": "3"}, province=units["ca_mau"], today=today).is_valid()
    assert not QuarterForm({**data, "quarter": "4"}, province=units["ca_mau"], today=today).is_valid()


def test_a_submitted_quarter_reaches_no_url_of_a_persona_who_may_not_see_it(units):
    """The persona sweep of tests/test_personas.py, asked about a submitted quarter: every URL pattern
    of the site (pages, downloads, API, admin), as the personas who may not see it and those who may."""
    from django.test import Client

    from tests.test_personas import _text_of, every_url

    own, other = Province.objects.get(name="Bạc Liêu", era=63), Province.objects.get(name="Hà Nội", era=63)
    DossierStat.objects.create(province=own, year=2024, quarter=2, received=987654, source_url=SOURCE)
    world = _sweep_world(own, other)
    secret = re.compile(r"(?<![\d.,])987[.,]?654(?![\d])")
    for persona in world["personas"]:
        name, user, may_see = persona.name, persona.user, bool(persona.may_see)
        client = Client()
        if user:
            client.force_login(user)
        seen = []
        for url in every_url(world):
            response = client.get(url)
            assert response.status_code < 500, (name, url)
            if response.status_code == 200 and secret.search(_text_of(response)):
                seen.append(url)
        if may_see:
            assert any(u.startswith("/ban-lam-viec/") for u in seen), name
        else:
            assert not seen, f"{name} sees a submitted quarter: {seen[:3]}"


def _sweep_world(own, other):
    from django.contrib.auth import get_user_model

    from tests.test_personas import Persona

    User = get_user_model()
    article = SourceArticle.objects.create(url="https://example.org/quy-sweep", title="Quý", text="…")
    edition = Edition.objects.filter(status=Status.PUBLISHED, results__province=own).order_by("pk").first()
    ministry = User.objects.create_user("bo.sweep", password="mat-khau-dai-9")
    ministry.groups.add(Group.objects.get(name="Cán bộ Bộ Nội vụ"))
    personas = [
        Persona("anonymous", set()),
        Persona("other officer", set(), User.objects.create_user("cb.ha.noi.sweep", province=other)),
        Persona("successor officer", {"q"}, User.objects.create_user("cb.ca.mau.sweep", province=own.successor)),
        Persona("ministry", {"q"}, ministry),
    ]
    return {"edition": edition, "own": own, "other": other, "successor": own.successor, "article": article,
            "personas": personas}  # fmt: skip
