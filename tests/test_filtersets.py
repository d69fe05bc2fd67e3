"""ResultFilterSet: one test per filter (NetBox style), on the results of one edition."""

from __future__ import annotations

import pytest

from dashboard.filtersets import ResultFilterSet
from reports.models import Result

pytestmark = pytest.mark.usefixtures("real_data")

REGIONS = [{"code": "dong-bang-song-hong", "name": "ĐBSH"}, {"code": "tay-nguyen", "name": "TN"}]
INDICES = [{"code": "PAR_INDEX", "short_name": "PAR INDEX"}, {"code": "SIPAS", "short_name": "SIPAS"}]


def filterset(params):
    queryset = Result.objects.filter(edition__is_synthetic=False)
    return ResultFilterSet(
        {"index": "PAR_INDEX", "year": "2023", **params},
        queryset,
        indices=INDICES,
        years=[2023, 2024],
        regions=REGIONS,
        components=[{"key": "procedures", "name": "TTHC"}],
    )


def expected(**filters):
    return Result.objects.filter(edition__index__code="PAR_INDEX", edition__year=2023, **filters).count()


def test_index_and_year():
    fs = filterset({})
    assert fs.is_valid()
    assert fs.qs.count() == expected()


def test_index_sipas():
    fs = filterset({"index": "SIPAS"})
    assert fs.qs.count() == Result.objects.filter(edition__index__code="SIPAS", edition__year=2023).count()


def test_region():
    assert filterset({"region": "dong-bang-song-hong"}).qs.count() == expected(
        province__region__code="dong-bang-song-hong"
    )


def test_group():
    assert filterset({"group": "a"}).qs.count() == expected(group__iexact="A")


def test_search_folds_diacritics():
    assert filterset({"q": "hai phong"}).qs.count() == 1
    assert filterset({"q": "Hải Phòng"}).qs.count() == 1


def test_blank_search_returns_the_queryset_unchanged():
    assert filterset({"q": "  "}).qs.count() == expected()


def test_component_and_sort_select_nothing():
    assert filterset({"component": "procedures", "sort": "-c.procedures"}).qs.count() == expected()


@pytest.mark.parametrize(
    "params", [{"year": "abc"}, {"year": "1990"}, {"region": "x"}, {"index": "X"}, {"sort": "bad"}]
)
def test_invalid_values_are_form_errors(params):
    fs = filterset(params)
    assert not fs.is_valid()
    assert fs.form.errors


def test_every_filter_is_labelled():
    fs = filterset({})
    for name, field in fs.form.fields.items():
        assert field.label, name
