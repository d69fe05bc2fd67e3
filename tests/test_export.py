"""export_data then restore_data into an emptied database gives back every row, id and link."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from simple_history.models import HistoricalChanges

from curation.management.commands.export_data import HISTORY_MODELS, MODELS
from provinces.models import Province
from reports.models import Citation, Edition, Index, Result, SourceArticle, Status
from tests.test_statistics import assert_statistics_match_results

pytestmark = pytest.mark.django_db


def everything() -> dict:
    rows = {label: list(apps.get_model(label)._default_manager.order_by("pk").values()) for label in MODELS}
    rows["article_provinces"] = sorted(
        SourceArticle.provinces.through.objects.values_list("sourcearticle_id", "province_id")
    )
    return rows


def history() -> dict:
    return {label: list(apps.get_model(label)._default_manager.order_by("pk").values()) for label in HISTORY_MODELS}


def empty_the_database(history_too: bool = True) -> None:
    for label in reversed(MODELS):
        model = apps.get_model(label)
        if label == "provinces.Province":
            model.objects.update(successor=None)
        model._default_manager.all().delete()
    for label in reversed(HISTORY_MODELS if history_too else []):  # the deletions above were recorded
        apps.get_model(label)._default_manager.all().delete()


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
    assert_statistics_match_results()  # derived rows are rebuilt, not exported
    officer.refresh_from_db()
    assert officer.province.name == "Cà Mau"
    # new rows get fresh ids after the restore (sequences reset)
    Result.objects.create(edition=edition, province=Province.objects.get(name="Cà Mau", era=63), score="1")


def test_restore_refuses_a_database_that_is_not_empty(real_data, tmp_path):
    call_command("export_data", str(tmp_path))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore_data", str(tmp_path))


def test_every_historical_model_is_exported():
    historical = {m._meta.label for m in apps.get_models() if issubclass(m, HistoricalChanges)}
    assert historical == set(HISTORY_MODELS)


def tracked_changes(user) -> dict:
    """Two edits of a result's score by ``user``, a citation deleted, an article linked to one more province."""
    result = Result.objects.filter(score__isnull=False).order_by("pk").first()
    for score in ("12.34", "56.78"):
        result.score = score
        result._history_user = user
        result._change_reason = f"sửa điểm {score}"
        result.save()
    citation = Citation.objects.order_by("pk").first()
    citation._history_user = user
    citation_id = citation.pk
    citation.delete()
    article = SourceArticle.objects.order_by("pk").first()
    article._history_user = user
    article.provinces.add(Province.objects.exclude(articles=article).first())
    return {"result": result, "citation_id": citation_id, "article": article}


@pytest.mark.parametrize("with_users", [True, False])
def test_the_change_history_comes_back_exactly(real_data, tmp_path, django_user_model, with_users):
    user = django_user_model.objects.create_user("bien.tap", password="mat-khau-dai-9")
    changed = tracked_changes(user)
    result, citation_id = changed["result"], changed["citation_id"]
    before = history()
    edits = list(result.history.order_by("history_id"))[-2:]
    assert [(h.history_type, str(h.score), h.history_user_id) for h in edits] == [
        ("~", "12.34", user.pk),
        ("~", "56.78", user.pk),
    ]
    assert Citation.history.filter(id=citation_id, history_type="-").exists()
    assert before["reports.HistoricalSourceArticle_provinces"]

    call_command("export_data", str(tmp_path), with_users=with_users)
    assert (tmp_path / "reports_historicalresult.json").exists()
    empty_the_database()
    assert not any(history().values())
    call_command("restore_data", str(tmp_path))

    after = history()
    for label in HISTORY_MODELS:
        expected = before[label]
        if not with_users and "history_user_id" in (expected[0] if expected else {}):
            expected = [{**row, "history_user_id": None} for row in expected]
        assert after[label] == expected, label  # no more, no less: ids, dates, types, reasons, values, users
    restored = list(result.history.order_by("history_id"))[-2:]
    assert [(h.history_type, str(h.score), h.history_change_reason) for h in restored] == [
        ("~", "12.34", "sửa điểm 12.34"),
        ("~", "56.78", "sửa điểm 56.78"),
    ]
    assert [h.history_date for h in restored] == [h.history_date for h in edits]
    assert [h.history_user_id for h in restored] == [user.pk if with_users else None] * 2
    assert str(restored[1].prev_record.score) == "12.34"  # before/after of the last edit
    assert Citation.history.filter(id=citation_id, history_type="-").exists()

    # a new edit after the restore adds exactly one history record, with a fresh id
    top = max(row["history_id"] for row in after["reports.HistoricalResult"])
    result = Result.objects.get(pk=result.pk)
    result.score = "99.99"
    result.save()
    assert Result.history.count() == len(after["reports.HistoricalResult"]) + 1
    latest = result.history.latest()
    assert latest.history_id > top and latest.history_type == "~" and str(latest.score) == "99.99"
    assert str(latest.prev_record.score) == "56.78"


def test_restore_refuses_when_history_is_left(real_data, tmp_path):
    call_command("export_data", str(tmp_path))
    empty_the_database(history_too=False)  # the deletions were recorded: that history would clash
    assert Result.history.exists()
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore_data", str(tmp_path))


def test_history_follows_an_account_that_already_existed_under_another_id(real_data, tmp_path, django_user_model):
    user = django_user_model.objects.create_user("bien.tap", password="mat-khau-dai-9")
    result = tracked_changes(user)["result"]
    call_command("export_data", str(tmp_path), with_users=True)
    empty_the_database()
    user.delete()
    here = django_user_model.objects.create_user("bien.tap", password="mat-khau-khac-9")
    assert here.pk != user.pk
    call_command("restore_data", str(tmp_path))
    assert [h.history_user_id for h in result.history.order_by("history_id")][-2:] == [here.pk, here.pk]
