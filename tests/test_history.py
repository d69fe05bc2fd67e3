"""Every change to editions, results, component scores, articles and citations is recorded: who, when, before, after."""

from __future__ import annotations

import pytest
from django.urls import reverse

from curation import imports
from provinces.models import Province
from reports.models import Citation, ComponentScore, Edition, Index, Result, SourceArticle

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator(client, django_user_model, real_data):
    user = django_user_model.objects.create_superuser("bien.tap", "bt@example.org", "mat-khau-dai-9")
    client.force_login(user)
    return user


def test_an_admin_edit_of_a_result_records_who_before_and_after(client, curator):
    result = Result.objects.filter(score__isnull=False).select_related("edition").first()
    old_score = result.score
    url = reverse("admin:reports_result_change", args=[result.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"score": "12.34", "component_scores-TOTAL_FORMS": 0, "component_scores-INITIAL_FORMS": 0,
                 "citations-TOTAL_FORMS": 0, "citations-INITIAL_FORMS": 0})  # fmt: skip
    # keep existing inline rows untouched by sending them back as they are
    for prefix, related in (("component_scores", result.component_scores.all()), ("citations", result.citations.all())):
        data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = related.count()
        for i, obj in enumerate(related):
            data[f"{prefix}-{i}-id"] = obj.pk
            data[f"{prefix}-{i}-result"] = result.pk
            for field in ("component", "score", "rank", "article", "metric", "value_number", "value_text", "quote",
                          "state", "conflict"):  # fmt: skip
                if hasattr(obj, field):
                    value = (
                        getattr(obj, f"{field}_id", None) if field in ("component", "article") else getattr(obj, field)
                    )
                    if value is None or value is False:
                        continue
                    data[f"{prefix}-{i}-{field}"] = "on" if value is True else value
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    latest, previous = result.history.all()[:2]
    assert latest.history_user == curator and latest.history_type == "~"
    assert str(latest.score) == "12.34" and previous.score == old_score
    delta = latest.diff_against(previous)
    assert [c.field for c in delta.changes] == ["score"]
    # visible in the admin
    response = client.get(reverse("admin:reports_result_history", args=[result.pk]))
    assert response.status_code == 200 and "12.34" in response.content.decode()


def test_each_audited_model_records_create_change_delete(curator):
    article = SourceArticle.objects.create(url="https://example.org/bai", title="Bài", text="nội dung riêng")
    citation = Citation.objects.create(article=article, index=Index.objects.get(code="PAR_INDEX"), metric="score",
                                       value_number="80.00", quote="đạt 80 điểm")  # fmt: skip
    edition = Edition.objects.create(index=Index.objects.get(code="PAR_INDEX"), year=2011, units_ranked=63)
    result = Result.objects.create(edition=edition, province=Province.objects.get(name="Cà Mau", era=63), score=70)
    for obj in (article, citation, edition, result):
        obj.save()
        assert list(obj.history.values_list("history_type", flat=True)) == ["~", "+"], type(obj)
    pk = result.pk
    result.delete()
    assert Result.history.filter(id=pk).first().history_type == "-"
    article.provinces.add(Province.objects.get(name="Cà Mau", era=63))
    assert article.history.count() >= 2


def test_imports_write_history_for_every_row(curator):
    from pathlib import Path

    data = (Path(__file__).parent / "data/imports/synthetic_par_2023_full_63_components.csv").read_bytes()
    par = Index.objects.get(code="PAR_INDEX")
    imports.apply(imports.validate(data, "t.csv", index=par, year=2023, synthetic=True), user=curator)
    edition = Edition.objects.get(index=par, year=2023, is_synthetic=True)
    assert Result.history.filter(edition_id=edition.pk, history_user=curator).count() == 63
    assert ComponentScore.history.filter(history_user=curator).count() == 63 * 8
    assert edition.history.first().history_user == curator
