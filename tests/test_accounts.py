"""Accounts without a shell: roles created by a command and in the admin, and officers of merged units moved.

The rule is ``provinces/accounts.py``: an officer is attached to a unit in force (a merged unit leads to its
successor); only a superuser creates ministry staff and curators; a moved officer is told once, at sign-in.
"""

from __future__ import annotations

import importlib
import io

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.urls import reverse

from provinces.models import Province
from reports.visibility import Viewer

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-dai-9"


@pytest.fixture
def ca_mau_2025(real_data):
    return Province.objects.get(slug="ca-mau", era=34)


@pytest.fixture
def bac_lieu_63(real_data):
    return Province.objects.get(slug__startswith="bac-lieu", era=63)


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def test_each_role_gets_its_group_staff_status_and_unit(django_user_model, ca_mau_2025):
    run("create_account", "officer", "can.bo.ca.mau", "ca-mau", password=PASSWORD)
    run("create_account", "ministry", "bo.noi.vu.1", password=PASSWORD, email="a@moha.gov.vn")
    run("create_account", "curator", "bien.tap.1", password=PASSWORD)
    accounts = {
        u.username: (list(u.groups.values_list("name", flat=True)), u.is_staff, u.province_id, u.has_usable_password())
        for u in django_user_model.objects.filter(username__in=["can.bo.ca.mau", "bo.noi.vu.1", "bien.tap.1"])
    }
    assert accounts == {
        "can.bo.ca.mau": (["Cán bộ tỉnh"], False, ca_mau_2025.pk, True),
        "bo.noi.vu.1": (["Cán bộ Bộ Nội vụ"], True, None, True),
        "bien.tap.1": (["Biên tập viên"], True, None, True),
    }
    ministry = django_user_model.objects.get(username="bo.noi.vu.1")
    assert Viewer.of(ministry).sees_drafts and ministry.email == "a@moha.gov.vn"
    assert ministry.check_password(PASSWORD)


def test_an_officer_named_for_a_merged_unit_is_attached_to_its_successor(django_user_model, bac_lieu_63, ca_mau_2025):
    out = run("create_officer", "can.bo.bac.lieu", "95", era=63, password=PASSWORD)
    user = django_user_model.objects.get(username="can.bo.bac.lieu")
    assert user.province == ca_mau_2025
    assert "merged into Cà Mau" in out
    # and sees the drafts of both units it was formed from, its own included
    assert {bac_lieu_63.pk, ca_mau_2025.pk} <= Viewer.of(user).province_ids


@pytest.mark.parametrize(
    ("args", "options", "message"),
    [
        (("officer", "x.1"), {"password": PASSWORD}, "cần một tỉnh"),
        (("ministry", "x.2", "ca-mau"), {"password": PASSWORD}, "không gắn với tỉnh"),
        (("officer", "x.3", "khong-co-tinh-nay"), {"password": PASSWORD}, "no province with slug"),
        (("officer", "x.4", "ca-mau"), {"password": "123"}, "quá ngắn"),
        (("officer", "x.5", "ca-mau"), {}, "give --password"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_creates_nobody(
    django_user_model, ca_mau_2025, monkeypatch, args, options, message
):
    monkeypatch.delenv("ACCOUNT_PASSWORD", raising=False)
    before = django_user_model.objects.count()
    with pytest.raises(CommandError, match=message):
        run("create_account", *args, **options)
    assert django_user_model.objects.count() == before


def admin_add(client, role, username, province=None):
    data = {"username": username, "password1": PASSWORD, "password2": PASSWORD, "usable_password": "true", "role": role}
    if province is not None:
        data["province"] = province.pk
    return client.post(reverse("admin:provinces_user_add"), data)


def test_a_superuser_creates_ministry_staff_and_officers_in_the_admin(
    client, django_user_model, bac_lieu_63, ca_mau_2025
):
    client.force_login(django_user_model.objects.create_superuser("quan.tri", password=PASSWORD))
    assert admin_add(client, "ministry", "bo.noi.vu.2").status_code == 302
    assert admin_add(client, "officer", "can.bo.bac.lieu.2", bac_lieu_63).status_code == 302
    ministry = django_user_model.objects.get(username="bo.noi.vu.2")
    officer = django_user_model.objects.get(username="can.bo.bac.lieu.2")
    assert (ministry.is_staff, list(ministry.groups.values_list("name", flat=True))) == (True, ["Cán bộ Bộ Nội vụ"])
    assert (officer.is_staff, officer.province, list(officer.groups.values_list("name", flat=True))) == (
        False,
        ca_mau_2025,
        ["Cán bộ tỉnh"],
    )


def test_only_a_superuser_creates_ministry_staff_or_curators(client, django_user_model, ca_mau_2025):
    manager = django_user_model.objects.create_user("quan.ly", password=PASSWORD, is_staff=True)
    manager.user_permissions.add(*Permission.objects.filter(codename__in=["add_user", "change_user", "view_user"]))
    client.force_login(manager)
    for role in ("ministry", "curator"):
        response = admin_add(client, role, f"nguoi.{role}")
        assert response.status_code == 200
        assert "Chỉ quản trị viên cấp cao" in response.content.decode()
        assert not django_user_model.objects.filter(username=f"nguoi.{role}").exists()
    assert admin_add(client, "officer", "can.bo.moi", ca_mau_2025).status_code == 302
    assert django_user_model.objects.get(username="can.bo.moi").province == ca_mau_2025


def test_the_data_migration_moves_officers_of_merged_units_and_only_them(
    django_user_model, officer_factory, bac_lieu_63, ca_mau_2025
):
    hanoi_63 = Province.objects.get(slug__startswith="ha-noi", era=63)
    moved = officer_factory(bac_lieu_63, username="can.bo.bac.lieu.cu")
    kept = officer_factory(ca_mau_2025, username="can.bo.ca.mau.moi")
    migration = importlib.import_module("provinces.migrations.0004_move_officers_to_successors")
    migration.move(apps, None)
    moved.refresh_from_db()
    kept.refresh_from_db()
    assert (moved.province, moved.moved_from, moved.move_notice_due) == (ca_mau_2025, bac_lieu_63, True)
    assert (kept.province, kept.moved_from, kept.move_notice_due) == (ca_mau_2025, None, False)
    assert hanoi_63.successor_id is not None  # every pre-2025 unit has a successor: none is left behind
    assert not django_user_model.objects.filter(province__era=63).exists()
    migration.move_back(apps, None)
    moved.refresh_from_db()
    assert (moved.province, moved.moved_from, moved.move_notice_due) == (bac_lieu_63, None, False)


def test_a_moved_officer_is_told_once_at_the_next_sign_in(client, officer_factory, bac_lieu_63, ca_mau_2025):
    officer = officer_factory(ca_mau_2025, username="can.bo.da.chuyen")
    officer.moved_from, officer.move_notice_due = bac_lieu_63, True
    officer.save()
    response = client.post(
        reverse("login"), {"username": "can.bo.da.chuyen", "password": PASSWORD, "next": "/xep-hang/"}, follow=True
    )
    page = response.content.decode()
    assert response.redirect_chain[0][0].startswith(reverse("dashboard:moved"))
    assert "Bạc Liêu đã hợp nhất vào Cà Mau" in page and 'href="/xep-hang/"' in page
    assert "no-cache" in response.headers["Cache-Control"]
    client.logout()
    again = client.post(reverse("login"), {"username": "can.bo.da.chuyen", "password": PASSWORD, "next": "/xep-hang/"})
    assert again.status_code == 302 and again.url == "/xep-hang/"


def test_the_notice_page_never_sends_anyone_off_site(client, officer_factory, bac_lieu_63, ca_mau_2025):
    officer = officer_factory(ca_mau_2025, username="can.bo.chuyen.2")
    officer.moved_from, officer.move_notice_due = bac_lieu_63, True
    officer.save()
    client.force_login(officer)
    response = client.get(reverse("dashboard:moved"), {"next": "https://evil.example/"})
    assert response.context["next_url"] == reverse("dashboard:my_home")
    assert 'href="https://evil.example/"' not in response.content.decode()
