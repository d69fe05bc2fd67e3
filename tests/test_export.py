"""export_data then restore_data into an emptied database gives back every row, id and link."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from provinces.models import Province
from reports.management.commands.export_data import MODELS
from reports.models import Edition, Index, Result, SourceArticle, Status

pytestmark = pytest.mark.django_db


def everything() -> dict:
    rows = {label: list(apps.get_model(label)._default_manager.order_by("pk").values()) for label in MODELS}
    rows["article_provinces"] = sorted(
        SourceArticle.provinces.through.objects.values_list("sourcearticle_id", "province_id")
    )
    return rows


def empty_the_database() -> None:
    for label in reversed(MODELS):
        model = apps.get_model(label)
        if label == "provinces.Province":
            model.objects.update(successor=None)
        model._default_manager.all().delete()


def test_export_then_restore_loses_nothing(real_data, tmp_path, officer_factory):
    # a draft with a curated edit, so not only what the loader writes is exercised
    edition = Edition.objects.create(index=Index.objects.get(code="PAR_INDEX"), year=2011, units_ranked=63)
    Result.objects.create(edition=edition, province=Province.objects.get(name="Bạc Liêu", era=63), score="77.77")
    officer = officer_factory(Province.objects.get(name="Cà Mau", era=63))
    before = everything()
    assert all(before[label] for label in MODELS if label != "reports.DossierStat")

    call_command("export_data", str(tmp_path), with_users=True)
    empty_the_database()
    assert not Result.objects.exists()
    call_command("restore_data", str(tmp_path))

    after = everything()
    for key in before:
        for a, b in zip(after[key], before[key], strict=True):
            assert a == b, key
    assert Edition.objects.get(pk=edition.pk).status == Status.DRAFT
    officer.refresh_from_db()
    assert officer.province.name == "Cà Mau"
    # new rows get fresh ids after the restore (sequences reset)
    Result.objects.create(edition=edition, province=Province.objects.get(name="Cà Mau", era=63), score="1")


def test_restore_refuses_a_database_that_is_not_empty(real_data, tmp_path):
    call_command("export_data", str(tmp_path))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore_data", str(tmp_path))
