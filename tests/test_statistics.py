"""Stored edition statistics and standings: always what the results say, after every way results are written.

Pages read averages, leaders' scores and the yearly distribution from ``EditionStatistic`` rows
instead of aggregating every unit; a stale row would show a wrong average. So each write path is
checked against a fresh aggregate of the results themselves. The stored standings (effective rank,
score change on the previous published edition, sort positions) are checked against
``figures.changes_for`` and ``figures.effective_ranks`` over the whole edition now.
"""

from __future__ import annotations

import statistics as pystats
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count, Max, Min, Sum
from django.urls import reverse

from curation import imports, synthetic
from provinces.models import Province, Region
from provinces.text import fold
from reports import figures
from reports.derived import quartiles, refresh_statistics, statistics_deferred
from reports.models import ComponentScore, Edition, EditionStatistic, Index, Result, Standing, Status

pytestmark = pytest.mark.django_db
FULL_CSV = Path(__file__).parent / "data" / "imports" / "synthetic_par_2023_full_63_components.csv"


def aggregate(*group: str) -> dict:
    """Count, sum, lowest and highest score of the results, grouped by edition and ``group``."""
    rows = (
        Result.objects.values("edition_id", *group)
        .order_by()
        .annotate(n=Count("score"), total=Sum("score"), low=Min("score"), high=Max("score"))
    )
    return {
        (row["edition_id"], *(row[g] for g in group)): (row["n"], row["total"], row["low"], row["high"]) for row in rows
    }


def assert_statistics_match_results() -> None:
    """Every edition's stored national and regional totals equal an aggregate of its results now."""
    national = aggregate()
    regional = aggregate("province__region_id")
    stored = {
        (s.edition_id, s.region_id): (s.units_held, s.total, s.lowest, s.highest)
        for s in EditionStatistic.objects.filter(component__isnull=True)
    }
    for (edition_id,), held in national.items():
        assert stored.get((edition_id, None)) == held, edition_id
    for (edition_id, region_id), held in regional.items():
        if region_id is not None:
            assert stored.get((edition_id, region_id)) == held, (edition_id, region_id)
    assert {e for e, _r in stored} <= set(Edition.objects.values_list("pk", flat=True))
    parts = {
        (row["result__edition_id"], row["component_id"]): (row["n"], row["total"], row["high"])
        for row in ComponentScore.objects.values("result__edition_id", "component_id")
        .order_by()
        .annotate(n=Count("score"), total=Sum("score"), high=Max("score"))
    }
    stored_parts = {
        (s.edition_id, s.component_id): (s.units_held, s.total, s.highest)
        for s in EditionStatistic.objects.filter(component__isnull=False, region__isnull=True)
    }
    assert stored_parts == parts
    assert_standings_match_results()


def assert_standings_match_results() -> None:
    """Every result's stored standing is what the figures give over its whole edition now: its effective
    rank, its score change on the previous year's edition when that is published, its place in the
    order pages read an edition in; and each edition's coverage counts and groups."""
    editions = list(Edition.objects.select_related("index"))
    for edition in editions:
        current = list(
            Result.objects.filter(edition=edition).select_related("province").order_by(*figures.RESULT_ORDER)
        )
        previous = next(
            (
                e
                for e in editions
                if (e.index_id, e.year, e.is_synthetic, e.status)
                == (edition.index_id, edition.year - 1, edition.is_synthetic, Status.PUBLISHED)
            ),
            None,
        )
        before = (
            list(
                Result.objects.filter(edition=previous)
                .select_related("province", "edition")
                .order_by(*figures.RESULT_ORDER)
            )
            if previous
            else []
        )
        changes = figures.changes_for(current, edition, before)
        ranks = figures.effective_ranks(edition, current, edition.index.higher_is_better)
        expected = [(r.pk, ranks[r.pk], changes[r.pk], place) for place, r in enumerate(current, start=1)]
        stored = [
            (
                s.result_id,
                s.rank,
                figures.stored_change(s.score_change, s.rank_change, s.change_basis, s.previous),
                s.position,
            )
            for s in Standing.objects.filter(edition=edition).order_by("position")
        ]
        # the whole change, with the prior results it was measured on, as a page shows it
        assert stored == expected, edition
        if current:
            total = national(edition)
            assert total.units_with_result == len(current)
            assert total.units_with_rank == sum(r.rank is not None for r in current)
            assert total.groups == sorted({r.group for r in current if r.group}, key=fold)
    assert Standing.objects.count() == Result.objects.count()


def national(edition: Edition) -> EditionStatistic:
    return EditionStatistic.objects.get(edition=edition, region__isnull=True, component__isnull=True)


def test_the_loaded_real_figures_have_matching_statistics(real_data):
    assert EditionStatistic.objects.exists()
    assert_statistics_match_results()


def test_a_curator_correcting_a_score_updates_the_average_at_once(real_data):
    result = Result.objects.filter(score__isnull=False, edition__is_synthetic=False).first()
    before = national(result.edition)
    result.score += Decimal("1.50")
    result.save()
    after = national(result.edition)
    assert after.total == before.total + Decimal("1.50")
    assert after.units_held == before.units_held
    assert_statistics_match_results()


def test_adding_and_deleting_a_result_changes_the_count_of_units_held(real_data):
    edition = Edition.objects.filter(is_synthetic=False, year=2015).first()
    held = national(edition).units_held
    unit = Province.objects.filter(era=63).exclude(results__edition=edition).first()
    added = Result.objects.create(edition=edition, province=unit, score=Decimal("70.00"))
    assert national(edition).units_held == held + 1
    added.delete()
    assert national(edition).units_held == held
    assert_statistics_match_results()


def test_moving_a_unit_to_another_region_moves_its_scores_between_regional_statistics(real_data):
    result = Result.objects.filter(score__isnull=False, province__region__isnull=False).select_related("province")[0]
    unit = result.province
    old_region = unit.region
    new_region = Region.objects.exclude(pk=old_region.pk).first()
    unit.region = new_region
    unit.save()
    assert_statistics_match_results()
    moved = EditionStatistic.objects.get(edition=result.edition, region=new_region, component__isnull=True)
    assert moved.units_held >= 1


def test_deleting_an_edition_takes_its_statistics_with_it(real_data):
    edition = Edition.objects.filter(is_synthetic=False).first()
    edition.delete()
    assert not EditionStatistic.objects.filter(edition_id=edition.pk).exists()
    assert_statistics_match_results()


def test_an_import_and_a_synthetic_panel_leave_matching_statistics(real_data, settings):
    call_command("import_results", str(FULL_CSV), index="PAR_INDEX", year=2023, synthetic=True)
    assert_statistics_match_results()
    imported = Edition.objects.get(index__code="PAR_INDEX", year=2023, is_synthetic=True)
    assert national(imported).units_held == 63
    synthetic.generate(scale=1)
    assert_statistics_match_results()
    synthetic.remove()
    assert not EditionStatistic.objects.filter(edition__is_synthetic=True).exists()
    assert_statistics_match_results()


def test_a_component_score_changed_alone_updates_its_component_statistics(real_data):
    call_command("import_results", str(FULL_CSV), index="PAR_INDEX", year=2023, synthetic=True)
    part = ComponentScore.objects.filter(result__edition__is_synthetic=True, score__gt=1).first()
    part.score -= Decimal("1.00")
    part.save()
    assert_statistics_match_results()
    part.delete()
    assert_statistics_match_results()


def test_writes_inside_a_deferred_block_are_summarised_once_at_its_end(real_data):
    edition = Edition.objects.filter(is_synthetic=False, year=2015).first()
    units = list(Province.objects.filter(era=63).exclude(results__edition=edition)[:3])
    with statistics_deferred():
        for unit in units:
            Result.objects.create(edition=edition, province=unit, score=Decimal("60.00"))
        stale = national(edition).units_held
    assert national(edition).units_held == stale + 3
    assert_statistics_match_results()


def test_a_failed_import_leaves_the_statistics_as_they_were(real_data):
    par = Index.objects.get(code="PAR_INDEX")
    before = list(EditionStatistic.objects.order_by("pk").values())
    report = imports.validate("Tỉnh;Điểm\nAtlantis;81,20\n".encode(), "x.csv", index=par, year=2011)
    assert not report.ok
    with pytest.raises(ValueError):
        imports.apply(report)
    assert list(EditionStatistic.objects.order_by("pk").values()) == before


@pytest.mark.parametrize("scores", [[1], [1, 2], [3, 1, 2], [10, 20, 30, 40], [5, 7, 7, 8, 13, 21, 34]])
def test_quartiles_are_the_inclusive_linear_ones_spreadsheets_use(scores):
    values = sorted(Decimal(s) for s in scores)
    if len(values) == 1:
        expected = [values[0]] * 3
    else:
        cuts = pystats.quantiles(map(float, values), n=4, method="inclusive")
        expected = [Decimal(str(round(q, 2))) for q in cuts]
    assert [q.normalize() for q in quartiles(values)] == [e.normalize() for e in expected]


def test_refreshing_is_idempotent(real_data):
    edition_ids = list(Edition.objects.values_list("pk", flat=True))
    fields = ("edition_id", "region_id", "component_id", "units_held", "total", "median")
    before = sorted(map(str, EditionStatistic.objects.values_list(*fields)))
    refresh_statistics(edition_ids)
    after = sorted(map(str, EditionStatistic.objects.values_list(*fields)))
    assert before == after


def test_leaders_are_named_in_alphabetical_order_and_the_rest_counted(real_data, settings, client):
    settings.CCHC_DATASET = "synthetic"
    synthetic.generate(scale=1)  # synthetic scores tie at the components' maxima
    tied = (
        EditionStatistic.objects.filter(component__isnull=False, region__isnull=True, leaders_count__gt=3)
        .select_related("edition", "component")
        .first()
    )
    assert tied is not None
    holders = ComponentScore.objects.filter(
        result__edition=tied.edition, component=tied.component, score=tied.highest
    ).values_list("result__province__name", flat=True)
    assert tied.leaders_count == len(holders)
    assert tied.leaders == sorted(holders, key=fold)[:3]


def test_the_province_page_names_three_leaders_and_counts_the_others(real_data, settings, client):
    settings.CCHC_DATASET = "synthetic"
    synthetic.generate(scale=1)
    unit = Province.objects.filter(results__edition__year=2024, results__edition__is_synthetic=True).first()
    response = client.get(reverse("dashboard:province", args=[unit.slug]))
    tied = [g for g in response.context["gaps"] if g.other_leaders]
    assert tied, "the synthetic panel ties at the maxima"
    for gap in tied:
        assert len(gap.leaders) == 3
        assert f"{', '.join(gap.leaders)} và {gap.other_leaders} đơn vị khác" in response.content.decode()


def test_the_overview_distribution_reads_the_stored_spread_of_every_year(real_data, client):
    response = client.get(reverse("dashboard:home"))
    rows = {d["year"]: d for d in response.context["distribution"]}
    traces = response.context["distribution_chart"]["data"]
    box = next((t for t in traces if t["type"] == "box"), {"x": [], "median": []})
    points = next((t for t in traces if t["type"] == "scatter"), {"x": [], "y": []})
    for edition in Edition.objects.filter(index__code="PAR_INDEX", is_synthetic=False, status="published"):
        scores = sorted(edition.results.exclude(score=None).values_list("score", flat=True))
        row = rows[edition.year]
        assert row["units"] == len(scores)
        if scores:
            assert (row["min"], row["max"]) == (scores[0], scores[-1])
            assert row["median"] == quartiles(scores)[1]
            label = f"{edition.year} ({len(scores)}/{edition.units_ranked})"
            if figures.enough_units(len(scores), edition.units_ranked):
                assert box["median"][box["x"].index(label)] == float(row["median"])
            else:  # too few units for a box: the units themselves, as points
                assert label not in box["x"]
                drawn = sorted(y for x, y in zip(points["x"], points["y"], strict=True) if x == label)
                assert drawn == sorted(float(s) for s in scores)


def test_an_import_asks_no_query_per_component_score_to_find_its_edition(real_data):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    par = Index.objects.get(code="PAR_INDEX")
    report = imports.validate(FULL_CSV.read_bytes(), FULL_CSV.name, index=par, year=2023, synthetic=True)
    with CaptureQueriesContext(connection) as queries:
        imports.apply(report)
    lookups = [
        q["sql"] for q in queries if q["sql"].startswith('SELECT "reports_result"."edition_id" AS "edition_id" FROM')
    ]
    assert lookups == []
    assert_statistics_match_results()


def changes_of(edition: Edition) -> dict[int, Decimal | None]:
    return dict(Standing.objects.filter(edition=edition).values_list("result_id", "score_change"))


def test_publishing_or_withdrawing_last_year_changes_this_year_s_stored_changes(real_data):
    edition = Edition.objects.real().get(index__code="PAR_INDEX", year=2024)
    previous = Edition.objects.real().get(index__code="PAR_INDEX", year=2023)
    compared = changes_of(edition)
    assert any(change is not None for change in compared.values())
    previous.status = Status.DRAFT
    previous.save(update_fields=["status"])  # the admin's "unpublish"
    assert changes_of(edition) != compared
    assert_statistics_match_results()
    previous.status = Status.PUBLISHED
    previous.save(update_fields=["status"])
    assert changes_of(edition) == compared


def test_moving_or_deleting_an_edition_updates_the_year_that_followed_it(real_data):
    edition = Edition.objects.real().get(index__code="PAR_INDEX", year=2024)
    previous = Edition.objects.real().get(index__code="PAR_INDEX", year=2023)
    compared = changes_of(edition)
    previous.year = 2011  # a curator's typo: 2024 no longer has a previous year
    previous.save()
    assert changes_of(edition) != compared
    assert_statistics_match_results()
    previous.year = 2023
    previous.save()
    assert changes_of(edition) == compared
    previous.delete()
    assert_statistics_match_results()


def test_a_corrected_score_moves_the_next_year_s_change(real_data):
    result = Result.objects.filter(edition__year=2023, edition__is_synthetic=False, score__isnull=False).first()
    result.score -= Decimal("2.00")
    result.save()
    assert_statistics_match_results()


def test_which_way_an_index_ranks_recomputes_its_ranks(real_data, settings):
    settings.CCHC_DATASET = "synthetic"
    synthetic.generate(scale=1)
    edition = Edition.objects.filter(is_synthetic=True, index__code="PAR_INDEX").order_by("-year").first()
    Result.objects.filter(edition=edition).update(rank=None)  # no signal: refreshed below
    refresh_statistics([edition.pk])
    best = Standing.objects.get(edition=edition, rank=1).result
    index = edition.index
    index.higher_is_better = False
    index.save()
    assert Standing.objects.get(result=best).rank != 1
    assert_statistics_match_results()
