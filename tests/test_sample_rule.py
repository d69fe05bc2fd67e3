"""Statistics that know their sample: a computed average or distribution is drawn only on enough units."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from reports import figures
from reports.figures import Average
from reports.models import Edition, PublishedAverage, Result

pytestmark = pytest.mark.django_db


def test_two_thirds_of_the_units_ranked_is_enough():
    assert figures.enough_units(42, 63) and not figures.enough_units(41, 63)
    assert figures.enough_units(23, 34) and not figures.enough_units(22, 34)
    assert not figures.enough_units(0, 0)
    assert Average(Decimal("80"), "published", 63, 63).is_drawable
    assert not Average(Decimal("79.76"), "computed", 1, 63).is_drawable


def test_a_change_of_averages_is_like_with_like():
    published = Average(Decimal("88.37"), "published", 63, 63)
    four_units = Average(Decimal("90.11"), "computed", 4, 63)
    whole = Average(Decimal("86.50"), "computed", 63, 63)
    assert figures.average_change(published, Average(Decimal("86.98"), "published", 63, 63)) == Decimal("1.39")
    assert figures.average_change(four_units, published) is None
    assert figures.average_change(whole, published) is None
    assert figures.average_change(whole, Average(Decimal("85.00"), "computed", 63, 63)) == Decimal("1.50")


def test_the_overview_draws_thin_years_as_labelled_units_never_as_boxes(real_data, client):
    traces = client.get(reverse("dashboard:home")).context["distribution_chart"]["data"]
    boxes = [t for t in traces if t["type"] == "box"]
    points = next(t for t in traces if t["type"] == "scatter")
    # public sources name a handful of units a year: no year of the real data is enough for a box
    assert not boxes
    scored = Result.objects.filter(
        edition__index__code="PAR_INDEX", edition__status="published", edition__is_synthetic=False, score__isnull=False
    )
    assert len(points["y"]) == scored.count()
    assert set(points["text"]) == set(scored.values_list("province__name", flat=True))


def test_a_computed_mean_of_one_unit_is_not_drawn_as_the_national_average(real_data, client):
    sipas = Edition.objects.filter(index__code="SIPAS", status="published", is_synthetic=False)
    edition = next(e for e in sipas if not PublishedAverage.objects.filter(edition=e, region=None).exists())
    response = client.get(reverse("dashboard:rankings"), {"index": "SIPAS", "year": edition.year})
    layout = response.context["chart"]["layout"]
    assert not layout.get("shapes"), "a line named as an average over too few units"
    assert not any("TB" in a["text"] for a in layout.get("annotations", []))


def test_the_province_chart_keeps_published_and_computed_averages_apart(real_data, client):
    response = client.get(reverse("dashboard:province", args=["quang-ninh"]))
    names = [t["name"] for t in response.context["score_chart"]["data"]]
    averages = [n for n in names if n.startswith("Trung bình")]
    assert averages and all("đã công bố" in n or "tính từ" in n for n in averages)
    for trace in response.context["score_chart"]["data"]:
        if "tính từ" in trace["name"]:
            assert all("/" in t for t in trace["text"] if t)  # a computed average says its coverage
