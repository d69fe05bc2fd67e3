"""Prepared queries (reports/prepared.py): the SQL Django compiled for a shape, re-bound to new values.

What a page relies on: the rows are exactly the ORM's, for every value and every kind of visitor; a
shape compiles once; and a builder that would give other SQL for another value is never run with
the wrong SQL (it is refused, or caught by the check the test suite turns on).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.test import override_settings

from dashboard import pages
from dashboard.prepared import PreparedMismatch, prepared
from provinces.models import Province
from reports.models import Edition, Result, Status

pytestmark = pytest.mark.django_db


@prepared("edition_ids")
def results_of(user, *, edition_ids):
    return Result.objects.visible_to(user).filter(edition__in=edition_ids).order_by("pk").values_list("pk", "score")


@pytest.fixture
def draft(real_data):
    """A draft edition (2011) holding Bạc Liêu's result: only its officer and ministry staff may see it."""
    edition = Edition.objects.create(
        index=Edition.objects.first().index, year=2011, status=Status.DRAFT, units_ranked=63
    )
    own = Province.objects.get(name="Bạc Liêu", era=63)
    Result.objects.create(edition=edition, province=own, score="77.77", rank=1)
    return edition, own


def test_the_rows_are_the_orms_for_every_edition(real_data):
    visitor = AnonymousUser()
    for edition in Edition.objects.all():
        expected = list(
            Result.objects.visible_to(visitor)
            .filter(edition__in=[edition.pk])
            .order_by("pk")
            .values_list("pk", "score")
        )
        assert results_of(visitor, edition_ids=[edition.pk]) == expected


def test_scores_come_back_as_the_orm_converts_them(real_data):
    edition = Edition.objects.filter(results__score__isnull=False).first()
    rows = results_of(AnonymousUser(), edition_ids=[edition.pk])
    scores = [score for _pk, score in rows if score is not None]
    assert scores and all(isinstance(s, Decimal) for s in scores)
    assert scores == [r.score for r in Result.objects.filter(edition=edition, score__isnull=False).order_by("pk")]


def test_decimals_read_again_keep_the_places_the_orm_gives(real_data):
    """A score read a second time (from the column's memo of converted floats) is the same Decimal, to
    the same places ("80.00", not "80"), as the ORM's; a corrected score is read as corrected."""
    edition = Edition.objects.filter(results__score__isnull=False).first()
    results = list(Result.objects.filter(edition=edition).order_by("pk")[:4])
    for result, score in zip(results, ["81.20", "80", "0", "99.99"], strict=True):
        result.score = Decimal(score)
        result.save()
    visitor = AnonymousUser()

    def as_text(rows):
        return [(pk, str(score)) for pk, score in rows]

    expected = as_text(Result.objects.filter(edition=edition).order_by("pk").values_list("pk", "score"))
    assert as_text(results_of(visitor, edition_ids=[edition.pk])) == expected
    assert as_text(results_of(visitor, edition_ids=[edition.pk])) == expected
    assert [score for _pk, score in expected[:4]] == ["81.20", "80.00", "0.00", "99.99"]

    results[0].score = Decimal("81.25")
    results[0].save()
    assert results_of(visitor, edition_ids=[edition.pk])[0] == (results[0].pk, Decimal("81.25"))


def test_a_shape_compiles_once_and_each_call_is_one_query(real_data, django_assert_num_queries):
    first, second = Edition.objects.order_by("pk")[:2]
    results_of.shapes.clear()
    results_of(AnonymousUser(), edition_ids=[first.pk])
    with django_assert_num_queries(1):
        rows = results_of(AnonymousUser(), edition_ids=[second.pk])
    assert {pk for pk, _ in rows} == set(Result.objects.filter(edition=second).values_list("pk", flat=True))
    assert len(results_of.shapes) == 1  # same shape: one id
    results_of(AnonymousUser(), edition_ids=[first.pk, second.pk])
    assert len(results_of.shapes) == 2  # two ids: another shape


def test_duplicate_ids_do_not_change_the_rows(real_data):
    edition = Edition.objects.first()
    assert results_of(AnonymousUser(), edition_ids=[edition.pk, edition.pk]) == results_of(
        AnonymousUser(), edition_ids=[edition.pk]
    )


def test_an_empty_list_runs_no_query(real_data, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert results_of(AnonymousUser(), edition_ids=[]) == []


def test_each_visitor_gets_the_rows_their_visibility_allows(draft, officer_factory, ministry_user):
    edition, own = draft
    other = Province.objects.get(name="Cà Mau", era=63)
    seen = {
        "visitor": results_of(AnonymousUser(), edition_ids=[edition.pk]),
        "own officer": results_of(officer_factory(own), edition_ids=[edition.pk]),
        "other officer": results_of(officer_factory(other), edition_ids=[edition.pk]),
        "ministry": results_of(ministry_user, edition_ids=[edition.pk]),
    }
    assert seen["visitor"] == [] and seen["other officer"] == []
    assert [score for _pk, score in seen["own officer"]] == [Decimal("77.77")]
    assert seen["ministry"] == seen["own officer"]


def test_model_instances_keep_their_joined_rows(real_data):
    """``select_related`` and annotations work as through the ORM (the editions every page reads)."""
    editions = pages.visible_editions(AnonymousUser(), with_framework=True)
    expected = list(Edition.objects.published().real().select_related("index", "framework"))
    assert {e.pk for e in editions} == {e.pk for e in expected}
    by_pk = {e.pk: e for e in expected}
    for edition in editions:
        assert edition.index.code == by_pk[edition.pk].index.code
        assert edition.framework_id == by_pk[edition.pk].framework_id


def test_a_builder_branching_on_a_bound_value_is_caught_by_the_check(real_data):
    @prepared("slug")
    def units(user, *, slug):
        if slug == "ha-noi":  # wrong: a bound value must not change the query
            return Province.objects.filter(Q(slug=slug) | Q(successor__slug=slug)).values_list("pk")
        return Province.objects.filter(slug=slug).values_list("pk")

    units(None, slug="hai-phong")
    with override_settings(CCHC_CHECK_PREPARED=True), pytest.raises(PreparedMismatch):
        units(None, slug="ha-noi")


def test_a_value_written_into_the_sql_text_is_never_prepared(real_data):
    @prepared("year")
    def editions_after(user, *, year):
        # A value inside the SQL text, not a parameter: the two stand-ins give two SQL strings.
        return Edition.objects.filter(pk__in=RawSQL(f"SELECT id FROM reports_edition WHERE year > {int(year)}", []))

    found = {}
    for year in (2015, 2020):
        found[year] = {e.pk for e in editions_after(None, year=year)}
        assert found[year] == set(Edition.objects.filter(year__gt=year).values_list("pk", flat=True))
    assert found[2015] != found[2020]
