"""Map and compare pages stay the same size however many units the data holds.

The map draws (and tabulates) only the units it has a shape for and says how many others the
edition holds; the compare page lists only the units being compared, adds one by its typed name
(diacritics optional), and loads its suggestions from a separate list of units.
"""

from __future__ import annotations

import json
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from curation import synthetic
from dashboard import queries
from dashboard.pages import compare
from provinces.models import Era, Province
from reports import figures
from reports.models import Edition, Result

pytestmark = pytest.mark.usefixtures("real_data")

MAP = reverse("dashboard:map")
COMPARE = reverse("dashboard:compare")
UNITS = reverse("dashboard:units")


def chart(response, chart_id):
    html = response.content.decode()
    marker = f'<script id="{chart_id}-data" type="application/json">'
    start = html.index(marker) + len(marker)
    return json.loads(html[start : html.index("</script>", start)])


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


@pytest.fixture
def twice_the_units(settings):
    """The synthetic dataset with a copy of every unit: 126 + 68 units, the copies without a shape."""
    settings.CCHC_DATASET = "synthetic"
    synthetic.generate(scale=2)


# Map -------------------------------------------------------------------------


def test_the_shapes_are_the_63_provinces_of_the_geojson():
    codes = queries.shape_codes()
    assert len(codes) == 63
    assert "01" in codes and codes == queries.shape_codes()


def test_with_real_data_every_unit_is_drawn_and_nothing_is_said_about_shapes(client):
    response = client.get(MAP, {"year": 2023})
    edition = Edition.objects.in_dataset().get(index__code="PAR_INDEX", year=2023)
    assert len(response.context["rows"]) == Result.objects.filter(edition=edition).count()
    assert response.context["undrawn"] == 0
    assert 'id="map-undrawn"' not in response.content.decode()


def test_the_map_lists_only_the_units_it_can_draw_and_counts_the_others(client, twice_the_units):
    response = client.get(MAP, {"index": "PAR_INDEX", "year": 2024})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 63
    assert not any(r["slug"].startswith("gia-lap") for r in rows)
    assert set(chart(response, "map-chart")["data"][0]["locations"]) <= queries.shape_codes()
    # coverage still counts the whole edition
    assert response.context["coverage"].with_any == 126
    assert response.context["coverage"].units_total == 126
    assert response.context["undrawn"] == 63
    html = response.content.decode()
    note = html[html.index('id="map-undrawn"') :]
    note = note[: note.index("</p>")]
    assert "63 đơn vị" in note
    link = reverse("dashboard:rankings") + "?index=PAR_INDEX&amp;year=2024"
    assert link in note
    assert html.count("gia-lap-") == 0


def test_a_merged_unit_is_drawn_when_its_predecessors_have_shapes(client, twice_the_units):
    response = client.get(MAP, {"index": "PAR_INDEX", "year": 2025})
    rows = response.context["rows"]
    assert len(rows) == 34
    assert all(r["era"] == Era.UNITS_34 and not r["slug"].startswith("gia-lap") for r in rows)
    assert response.context["undrawn"] == 34
    assert set(chart(response, "map-chart")["data"][0]["locations"]) <= queries.shape_codes()


def test_a_single_unit_without_a_shape_is_counted_not_drawn(client, settings):
    settings.CCHC_DATASET = "synthetic"
    synthetic.generate(scale=1)
    edition = Edition.objects.in_dataset().get(index__code="PAR_INDEX", year=2024, is_synthetic=True)
    unit = Province.objects.create(
        code="G9999", name="Tỉnh không bản đồ", name_en="Shapeless", slug="khong-ban-do", era=63, is_synthetic=True
    )
    Result.objects.create(edition=edition, province=unit, score=50)
    response = client.get(MAP, {"index": "PAR_INDEX", "year": 2024})
    assert response.context["undrawn"] == 1
    assert "khong-ban-do" not in response.content.decode()
    assert response.context["coverage"].with_any == 64


def test_ranks_computed_from_scores_are_ranks_in_the_whole_edition(client, twice_the_units):
    edition = Edition.objects.in_dataset().get(index__code="PAR_INDEX", year=2024)
    Result.objects.filter(edition=edition).update(rank=None)
    held = list(Result.objects.filter(edition=edition).select_related("province"))
    expected = figures.ranks_from_scores({r.province.slug: r.score for r in held}, True)
    rows = client.get(MAP, {"index": "PAR_INDEX", "year": 2024}).context["rows"]
    assert rows and all(r["rank"] == expected[r["slug"]] for r in rows)


def test_the_map_reads_the_same_number_of_queries_at_any_scale(client, settings, django_assert_max_num_queries):
    settings.CCHC_DATASET = "synthetic"
    synthetic.generate(scale=2)
    for year in (2024, 2025):
        with django_assert_max_num_queries(5):
            assert client.get(MAP, {"index": "PAR_INDEX", "year": year}).status_code == 200


# Compare: the page ---------------------------------------------------------------


def test_the_compare_page_lists_only_the_units_compared(client, twice_the_units):
    response = client.get(COMPARE, {"p": ["ha-giang", "ha-noi"]})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<select name="p"' not in html
    assert 'name="p" value="ha-giang" checked' in html and 'name="p" value="ha-noi" checked' in html
    assert "gia-lap-" not in html and "bac-lieu" not in html
    assert "Hà Nội" in html
    assert reverse("dashboard:units") in html  # where the suggestions come from
    assert "js/compare" in html


def test_each_unit_compared_can_be_removed(client):
    response = client.get(COMPARE, {"p": ["ha-giang", "ha-noi"], "index": "PAR_INDEX"})
    remove = {u["slug"]: u["remove_url"] for u in response.context["units"]}
    assert query_of(remove["ha-giang"]) == {"p": ["ha-noi"], "index": ["PAR_INDEX"]}
    assert query_of(remove["ha-noi"]) == {"p": ["ha-giang"], "index": ["PAR_INDEX"]}


# Compare: adding a unit by name ------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("Bac Lieu", "bac-lieu"),
        ("  bạc liêu ", "bac-lieu"),
        ("BAC LIEU", "bac-lieu"),
        ("Ha Noi", "ha-noi"),  # the current Hà Nội, as the suggestions label it
        ("Hà Nội (trước 2025)", "ha-noi-truoc-2025"),
        ("Ha Noi (truoc 2025)", "ha-noi-truoc-2025"),
        ("tphcm", "tp-ho-chi-minh"),  # an alias
        ("Thua Thien Hue", "thua-thien-hue"),
        ("ha-giang", "ha-giang"),  # a slug
    ],
)
def test_a_typed_name_adds_its_unit_to_those_compared(client, typed, slug):
    response = client.get(COMPARE, {"p": "quang-ninh-truoc-2025", "index": "PAR_INDEX", "them": typed})
    assert response.status_code == 302
    assert query_of(response["Location"]) == {"p": ["quang-ninh-truoc-2025", slug], "index": ["PAR_INDEX"]}


def test_the_added_unit_is_then_compared(client):
    response = client.get(COMPARE, {"p": "ha-giang", "them": "Bac Lieu"}, follow=True)
    assert [u["slug"] for u in response.context["units"]] == ["ha-giang", "bac-lieu"]
    assert len(response.context["score_chart"]["data"]) == 2


def test_a_unit_already_compared_is_not_added_twice(client):
    response = client.get(COMPARE, {"p": ["bac-lieu", "ha-giang"], "them": "Bac Lieu"})
    assert query_of(response["Location"])["p"] == ["bac-lieu", "ha-giang"]


def test_an_unknown_name_says_so_and_keeps_the_selection(client):
    response = client.get(COMPARE, {"p": ["ha-giang", "bac-lieu"], "them": "Atlantis"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Không tìm thấy tỉnh, thành phố nào tên “Atlantis”" in html
    assert 'role="alert"' in html and 'value="Atlantis"' in html
    assert [u["slug"] for u in response.context["units"]] == ["ha-giang", "bac-lieu"]


def test_an_ambiguous_name_offers_the_units_it_matches(client):
    response = client.get(COMPARE, {"p": "ha-giang", "them": "Quang"})
    assert response.status_code == 200
    assert "Có nhiều đơn vị khớp với “Quang”" in response.content.decode()
    suggestions = response.context["suggestions"]
    assert 1 < len(suggestions) <= compare.MAX_SUGGESTIONS
    assert all("Quang" in s["label"] or "Quảng" in s["label"] for s in suggestions)
    assert suggestions[0]["label"].startswith("Quảng")  # names starting with the text come first
    assert all(query_of(s["url"])["p"][0] == "ha-giang" and len(query_of(s["url"])["p"]) == 2 for s in suggestions)


def test_a_name_is_not_added_past_six_units(client):
    six = list(Province.objects.real().filter(era=63).order_by("code").values_list("slug", flat=True)[:6])
    response = client.get(COMPARE, {"p": six, "them": "Bac Lieu"})
    assert response.status_code == 200
    assert "Đã chọn đủ 6 đơn vị" in response.content.decode()
    assert len(response.context["units"]) == 6


@pytest.mark.parametrize("typed", ["%", "_", "()", "(trước 2025)", "'; drop table x", "x" * 500])
def test_odd_input_is_never_a_server_error(client, typed):
    response = client.get(COMPARE, {"p": "ha-giang", "them": typed})
    if len(typed) > 200:  # refused before the view (cchc_site/middleware.py), with a message
        assert response.status_code == 400 and "tối đa 200" in response.content.decode()
        return
    assert response.status_code in (200, 302)


def test_names_are_resolved_in_this_sites_dataset_only(client, settings):
    synthetic.generate(scale=2)
    response = client.get(COMPARE, {"them": "Tỉnh giả lập 0001"})
    assert response.status_code == 200
    assert "Không tìm thấy" in response.content.decode()
    settings.CCHC_DATASET = "synthetic"
    response = client.get(COMPARE, {"them": "Tinh gia lap 0001"})
    assert response.status_code == 302


def test_in_english_the_pre_2025_suffix_is_understood(client):
    with translation.override("en"):
        url = reverse("dashboard:compare")
    response = client.get(url, {"them": "Ha Noi (before 2025)"})
    assert query_of(response["Location"])["p"] == ["ha-noi-truoc-2025"]


def test_adding_by_name_costs_a_bounded_number_of_queries(client, twice_the_units, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert client.get(COMPARE, {"them": "Bac Lieu"}).status_code == 302
    with django_assert_max_num_queries(6):
        assert client.get(COMPARE, {"p": "ha-giang", "them": "Quang"}).status_code == 200


# Compare: the list of units behind the suggestions ----------------------------------------


def test_the_units_list_holds_every_unit_of_this_sites_dataset_only(client):
    synthetic.generate(scale=2)
    response = client.get(UNITS)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    units = response.json()["units"]
    assert len(units) == Province.objects.real().count() == 97
    assert not any(u["slug"].startswith("gia-lap") for u in units)
    labels = {u["slug"]: u["label"] for u in units}
    assert labels["bac-lieu"] == "Bạc Liêu (trước 2025)"
    assert labels["ha-noi"] == "Hà Nội"
    assert len(set(labels.values())) == len(labels)  # every label names one unit


def test_the_synthetic_site_lists_its_synthetic_units(client, twice_the_units):
    units = client.get(UNITS).json()["units"]
    assert len(units) == Province.objects.count() == 2 * 97
    assert {"slug": "gia-lap-63-0035", "label": "Tỉnh giả lập 0035"} in units


def test_every_label_listed_resolves_to_its_own_unit(client):
    for unit in client.get(UNITS).json()["units"]:
        found, _candidates = compare.resolve_unit(unit["label"])
        assert found is not None and found["slug"] == unit["slug"], unit


def test_english_labels_resolve_too(client):
    with translation.override("en"):
        units = client.get(reverse("dashboard:units")).json()["units"]
    assert {"slug": "bac-lieu", "label": "Bạc Liêu (before 2025)"} in units
    with translation.override("en"):
        for unit in units:
            found, _candidates = compare.resolve_unit(unit["label"])
            assert found is not None and found["slug"] == unit["slug"], unit


def test_two_units_of_the_same_name_are_told_apart_in_the_table_and_the_chart(client):
    response = client.get(reverse("dashboard:compare"), {"p": ["quang-ninh", "quang-ninh-truoc-2025"]})
    html = response.content.decode()
    assert ">Quảng Ninh</a></th>" in html
    assert ">Quảng Ninh (trước 2025)</a></th>" in html
    names = [trace["name"] for trace in response.context["score_chart"]["data"]]
    assert names == ["Quảng Ninh", "Quảng Ninh (trước 2025)"]


def test_a_unit_without_results_offers_its_predecessors_to_add(client):
    # the units formed on 1 July 2025 from several provinces have no real results yet (a unit that
    # kept its territory, like Quảng Ninh, continues its predecessor's series instead)
    response = client.get(reverse("dashboard:compare"), {"p": ["hai-phong", "ha-noi-truoc-2025"]})
    html = response.content.decode()
    assert "Hải Phòng chưa có kết quả của chỉ số này" in html
    offered = response.context["units"][0]["predecessors"]
    assert [p["label"] for p in offered] == ["Hải Dương (trước 2025)", "Hải Phòng (trước 2025)"]
    assert parse_qs(urlsplit(offered[0]["add_url"]).query)["p"] == ["hai-phong", "ha-noi-truoc-2025", "hai-duong"]
    assert response.context["units"][1]["predecessors"] == []  # a unit with results offers nothing


def test_the_predecessors_note_in_english(client):
    with translation.override("en"):
        response = client.get(reverse("dashboard:compare"), {"p": ["hai-phong"]}, HTTP_ACCEPT_LANGUAGE="en")
    assert "has no results for this index yet" in response.content.decode()


def test_typing_an_unmerged_province_adds_the_unit_with_its_whole_series(client):
    """One place, one series: "Hà Nội" is today's unit, and its results since 2012 come with it."""
    response = client.get(COMPARE, {"p": "quang-ninh", "them": "Hà Nội"})
    location = response["Location"]
    assert query_of(location)["p"] == ["quang-ninh", "ha-noi"]
    units = {u["slug"]: u for u in client.get(location).context["units"]}
    assert 2023 in units["quang-ninh"]["by_year"] and units["ha-noi"]["by_year"]
    assert units["quang-ninh"]["by_year"][2023].score == Decimal("92.18")
