"""The synthetic panel: complete, deterministic, within the maxima, never mixed with real rows, removable."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command

from curation import synthetic
from provinces.models import Era, Province
from reports.models import Component, ComponentScore, Edition, Result

pytestmark = pytest.mark.django_db


def real_snapshot():
    return (
        sorted(Province.objects.real().values_list("pk", "slug", "successor_id", "valid_from", "valid_to")),
        sorted(Edition.objects.real().values_list("pk", "index_id", "year", "status", "units_ranked")),
        sorted(Result.objects.filter(edition__is_synthetic=False).values_list("pk", "province_id", "score", "rank")),
        sorted(ComponentScore.objects.filter(result__edition__is_synthetic=False).values_list("pk", "score")),
        sorted(Component.objects.values_list("pk", "max_points")),
    )


def synthetic_rows():
    return list(
        Result.objects.filter(edition__is_synthetic=True)
        .order_by("edition__index__code", "edition__year", "province__slug")
        .values_list("edition__index__code", "edition__year", "province__slug", "score", "rank")
    )


def test_generate_is_complete_and_marked():
    summary = synthetic.generate(scale=1)
    editions = Edition.objects.filter(is_synthetic=True)
    par_years = sorted(editions.filter(index__code="PAR_INDEX").values_list("year", flat=True))
    assert par_years == list(range(2012, 2026))
    assert sorted(editions.filter(index__code="SIPAS").values_list("year", flat=True)) == list(range(2017, 2026))
    assert summary.provinces == 0  # scale 1 reuses the real units
    for edition in editions:
        assert edition.status == "published"
        expected = 34 if edition.year == 2025 else 63
        assert edition.units_ranked == expected
        units = set(edition.results.values_list("province_id", flat=True))
        assert units == set(Province.objects.real().filter(era=Era.of_year(edition.year)).values_list("pk", flat=True))
        assert edition.framework is not None and edition.framework.covers(edition.year)
        assert "giả lập" in edition.notes
    par = editions.get(index__code="PAR_INDEX", year=2020)
    assert ComponentScore.objects.filter(result__edition=par).count() == 63 * 8


def test_scores_within_caps_and_ranks_consistent():
    synthetic.generate(scale=1)
    for edition in Edition.objects.filter(is_synthetic=True).select_related("index", "framework"):
        components = list(edition.framework.components.all())
        caps = synthetic.synthetic_caps(components, edition.index.scale_max, edition.index.code == "PAR_INDEX")
        if edition.index.code == "PAR_INDEX":
            assert sum(caps.values()) <= Decimal(100)
        for component in components:
            if component.max_points is not None:
                assert caps[component.pk] == component.max_points
        results = list(edition.results.order_by("rank", "pk"))
        assert [r.rank for r in results][0] == 1
        assert all(0 <= r.score <= 100 for r in results)
        for better, worse in zip(results, results[1:], strict=False):
            assert better.score >= worse.score
            assert (better.rank == worse.rank) == (better.score == worse.score)
        assert max(r.rank for r in results) <= edition.units_ranked
        scores = defaultdict(list)
        for cs in ComponentScore.objects.filter(result__edition=edition):
            assert 0 <= cs.score <= caps[cs.component_id]
            scores[cs.result_id].append(cs.score)
        if edition.index.code == "PAR_INDEX":
            assert all(sum(scores[r.pk]) == r.score for r in results)


def test_deterministic():
    synthetic.generate(scale=1, seed=7)
    first = synthetic_rows()
    synthetic.generate(scale=1, seed=7)
    assert synthetic_rows() == first
    synthetic.generate(scale=1, seed=8)
    assert synthetic_rows() != first


def test_scale_adds_synthetic_units_with_lineage():
    synthetic.generate(scale=2)
    fake = Province.objects.filter(is_synthetic=True)
    assert fake.filter(era=63).count() == 63 and fake.filter(era=34).count() == 34
    for unit in fake.filter(era=63).select_related("successor"):
        assert unit.name.startswith("Tỉnh giả lập ")
        assert unit.successor.is_synthetic and unit.successor.era == 34
        assert unit.existed_in(2024) and not unit.existed_in(2025)
        assert unit.region_id
    for unit in fake.filter(era=34):
        assert unit.predecessors.exists()
        assert unit.existed_in(2025) and not unit.existed_in(2024)
    assert Edition.objects.get(is_synthetic=True, index__code="PAR_INDEX", year=2024).units_ranked == 126
    assert Edition.objects.get(is_synthetic=True, index__code="PAR_INDEX", year=2025).units_ranked == 68
    assert Province.objects.filter(search_text__contains="tinh gia lap 0001").exists()


def test_never_touches_real_rows_and_removal_is_complete(settings):
    before = real_snapshot()
    call_command("generate_synthetic", "--scale", "2", verbosity=0)
    settings.CCHC_DATASET = "real"
    assert not Edition.objects.in_dataset().filter(is_synthetic=True).exists()
    assert not Province.objects.in_dataset().filter(is_synthetic=True).exists()
    settings.CCHC_DATASET = "synthetic"
    assert not Edition.objects.in_dataset().filter(is_synthetic=False).exists()
    assert real_snapshot() == before
    call_command("remove_synthetic", verbosity=0)
    assert not Edition.objects.filter(is_synthetic=True).exists()
    assert not Province.objects.filter(is_synthetic=True).exists()
    assert not Result.objects.filter(edition__is_synthetic=True).exists()
    assert real_snapshot() == before


def test_generate_replaces_previous_panel():
    synthetic.generate(scale=2)
    synthetic.generate(scale=1)
    assert not Province.objects.filter(is_synthetic=True).exists()
    assert Edition.objects.filter(is_synthetic=True).count() == 23
