"""Tiers as data (reports/tiers.py): each edition's groups as published, a result's tier from its published
label (never its score), the group filter by tier across schemes, the group map's discrete legend."""

from __future__ import annotations

import csv
import importlib
import json
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from curation.loading import DATA_DIR, FACT_FILES, load_facts
from dashboard.filtersets import ResultFilterSet
from reports import tiers
from reports.models import Edition, Result

pytestmark = pytest.mark.usefixtures("real_data")

# Labels a source states that are not among the groups published for that edition: stored as stated, no
# tier, listed by the loader. "nhóm khá" (2023) and "tốt" (2019) are a newspaper's words for editions
# published as letters A/B/C; which letter they mean is not stated, so no tier is guessed.
DELIBERATELY_UNMATCHED = {("PAR_INDEX", 2023, "nhóm khá"), ("PAR_INDEX", 2019, "tốt")}
ENGLISH_WORDS = re.compile(r"\b(poor|moderate|good|rather)\b", re.IGNORECASE)


@pytest.fixture(autouse=True)
def _fresh_pages():
    cache.clear()  # pages are cached per data version, which moves only on commit
    yield
    cache.clear()


def _published_group_labels():
    for path in FACT_FILES:
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if row["metric"] == "group":
                    yield row["index"], int(row["year"]), row["value"].strip()


def _edition(code: str, year: int) -> Edition:
    return Edition.objects.get(index__code=code, year=year, is_synthetic=False)


def _result(code: str, year: int, *, group: str, score=None, exclude=()) -> Result:
    """A result of a real edition given a published group (an existing unit's row, or a new one)."""
    edition = _edition(code, year)
    result = edition.results.exclude(pk__in=exclude).filter(group="").first()
    result.group = group
    if score is not None:
        result.score = score
    result.save()
    return result


# --- every published label has a tier ---------------------------------------------------------------


def test_every_published_group_label_maps_to_a_tier_of_its_editions_scheme():
    schemes = {
        (e["index"], e["year"]): e.get("group_scheme") or []
        for e in json.loads((DATA_DIR / "indices.json").read_text(encoding="utf-8"))["editions"]
    }
    labels = set(_published_group_labels())
    assert labels, "the shipped files state groups"
    unmatched = {label for label in labels if tiers.tier_of(schemes.get(label[:2]), label[2]) is None}
    assert unmatched == DELIBERATELY_UNMATCHED
    # and the stored results agree: every result whose label matches has that tier
    for code, year, label in labels - DELIBERATELY_UNMATCHED:
        stored = Result.objects.filter(edition__index__code=code, edition__year=year, group=label)
        assert stored.exists()
        assert set(stored.values_list("tier", flat=True)) == {tiers.tier_of(schemes[(code, year)], label)}


def test_the_published_labels_land_in_the_right_band():
    assert _edition("PAR_INDEX", 2012).results.filter(group__startswith="moderate").first().tier == 3
    assert _edition("PAR_INDEX", 2012).results.filter(group__startswith="poor").first().tier == 4
    assert _edition("PAR_INDEX", 2017).results.get(group="Nhóm 1 (từ 80% trở lên)").tier == 1
    assert set(_edition("PAR_INDEX", 2023).results.filter(group="B").values_list("tier", flat=True)) == {2}
    assert set(_edition("SIPAS", 2020).results.exclude(group="").values_list("tier", flat=True)) == {1}


def test_the_loader_reports_labels_without_a_tier_and_writes_nothing_the_second_time():
    report = load_facts()
    assert report.written == 0
    listed = " ".join(report.unmatched_groups)
    assert "'nhóm khá'" in listed and "'tốt'" in listed
    assert len(report.unmatched_groups) == 2
    assert "group without a tier" in str(report)


def test_label_key_folds_and_drops_nhom_group_and_brackets():
    assert tiers.label_key("Nhóm A") == tiers.label_key("group a") == tiers.label_key(" A ") == "a"
    assert tiers.label_key("moderate (67.68-70%)") == "moderate"
    assert tiers.label_key("Nhóm 1 (từ 80% trở lên)") == "1"
    assert tiers.label_key("NHÓM CAO NHẤT") == "cao nhat"
    assert tiers.label_key("") == ""


# --- never from a score -------------------------------------------------------------------------------


def test_a_result_with_a_score_and_no_group_has_no_tier():
    result = _edition("PAR_INDEX", 2018).results.filter(group="").first()
    result.score = Decimal("95.00")
    result.save()
    result.refresh_from_db()
    assert result.tier is None


def test_the_label_decides_not_the_score():
    result = _result("PAR_INDEX", 2018, group="B", score=Decimal("99.00"))  # a score of group A's range
    assert result.tier == 2
    result.score = Decimal("10.00")
    result.save()
    result.refresh_from_db()
    assert result.tier == 2
    result.group = ""
    result.save()
    result.refresh_from_db()
    assert result.tier is None


def test_an_unknown_label_keeps_an_empty_tier():
    assert _result("PAR_INDEX", 2018, group="xuất sắc").tier is None
    assert tiers.unmatched(Result.objects.filter(group="xuất sắc").select_related("edition"))


def test_a_scheme_change_recomputes_the_editions_tiers():
    edition = _edition("PAR_INDEX", 2023)
    result = edition.results.get(group="nhóm khá")
    assert result.tier is None
    scheme = edition.group_scheme
    scheme[1]["aliases"] = ["nhóm khá"]  # a curator records that this source's "khá" is B
    edition.group_scheme = scheme
    edition.save()
    result.refresh_from_db()
    assert result.tier == 2


def test_a_malformed_scheme_is_refused_by_the_admins_validation():
    edition = _edition("PAR_INDEX", 2018)
    edition.group_scheme = [{"position": 1, "label": "A"}, {"position": 1, "label": "B", "aliases": ["a"]}]
    with pytest.raises(ValidationError) as error:
        edition.full_clean()
    assert "group_scheme" in error.value.message_dict
    assert tiers.validate_scheme([{"position": 9, "label": "Z"}])
    assert tiers.validate_scheme([{"position": 1, "label": "A", "lower": 90, "upper": 80}])
    assert not tiers.validate_scheme(_edition("PAR_INDEX", 2012).group_scheme)
    assert not tiers.validate_scheme(None)


def test_the_data_migration_agrees_with_the_rule():
    migration = importlib.import_module("reports.migrations.0010_tiers_of_stored_results")
    expected = dict(Result.objects.filter(edition__is_synthetic=False).values_list("pk", "tier"))
    Edition.objects.filter(is_synthetic=False).update(group_scheme=None)
    Result.objects.update(tier=None)
    migration.forwards(apps, None)
    assert dict(Result.objects.filter(edition__is_synthetic=False).values_list("pk", "tier")) == expected
    assert any(expected.values())


# --- the group filter: by tier across schemes ----------------------------------------------------------


def _filterset(params):
    return ResultFilterSet(params, Result.objects.filter(edition__is_synthetic=False), indices=(), years=())


def test_a_filter_by_tier_1_finds_the_best_band_of_every_scheme():
    a_2018 = _result("PAR_INDEX", 2018, group="A")
    top_2012 = _result("PAR_INDEX", 2012, group="above 80%")
    b_2018 = _result("PAR_INDEX", 2018, group="B", exclude=[a_2018.pk])
    fs = _filterset({"group": "1"})
    assert fs.is_valid(), fs.errors
    found = set(fs.qs.values_list("pk", flat=True))
    assert {a_2018.pk, top_2012.pk} <= found
    assert b_2018.pk not in found
    assert set(fs.qs.values_list("tier", flat=True)) == {1}
    # "Nhóm 1" of 2017, A of 2015 and SIPAS's "nhóm cao nhất" are tier 1 too
    groups = set(fs.qs.values_list("group", flat=True))
    assert {"A", "above 80%", "Nhóm 1 (từ 80% trở lên)", "nhóm cao nhất"} <= groups


def test_tier_3_is_c_in_a_3_band_and_a_4_band_scheme_and_tier_4_only_in_4_band_ones():
    c_2015 = _result("PAR_INDEX", 2015, group="C")
    c_2018 = _result("PAR_INDEX", 2018, group="Nhóm C")
    third = set(_filterset({"group": "3"}).qs.values_list("pk", flat=True))
    assert {c_2015.pk, c_2018.pk} <= third
    fourth = _filterset({"group": "4"}).qs
    assert fourth.exists()
    assert set(fourth.values_list("edition__year", flat=True)) <= {2012, 2016, 2018}


@pytest.mark.parametrize(("written", "tier"), [("a", "1"), ("B", "2"), ("nhóm b", "2"), ("Nhóm 1", "1")])
def test_old_group_links_by_letter_or_number_still_work(written, tier):
    fs = _filterset({"group": written})
    assert fs.is_valid(), fs.errors
    assert fs.form.cleaned_data["group"] == tier


@pytest.mark.parametrize("value", ["khá", "poor", "9", "0", "E", "null"])
def test_other_group_values_are_errors_not_dropped(value):
    fs = _filterset({"group": value})
    assert not fs.is_valid()
    assert "group" in fs.errors
    assert value in str(fs.errors["group"])


def test_the_group_choices_name_tiers_and_with_a_scheme_its_published_labels():
    plain = dict(_filterset({}).form.fields["group"].choices)
    assert plain["1"] == "Nhóm 1 (cao nhất)" and plain["4"] == "Nhóm 4"
    fs = ResultFilterSet({}, Result.objects.none(), scheme=_edition("PAR_INDEX", 2018).group_scheme)
    labelled = dict(fs.form.fields["group"].choices)
    assert labelled["1"] == "Nhóm 1 (cao nhất) — Nhóm A, từ 80% trở lên"
    assert labelled["2"] == "Nhóm 2 — Nhóm B, từ 75% đến dưới 80%"


def test_the_rankings_page_filters_by_tier_and_shows_errors(client):
    url = reverse("dashboard:rankings")
    rows = client.get(url, {"year": 2023, "group": "1"}).context["rows"]
    assert rows and {r["group"] for r in rows} == {"Nhóm A"}  # the band's published label
    response = client.get(url, {"year": 2023, "group": "khá"})
    assert response.context["form"].errors["group"]
    assert "khá" in response.content.decode()


# --- the group map: discrete, labelled legend -------------------------------------------------------


def test_the_group_map_has_a_discrete_labelled_legend(client):
    response = client.get(reverse("dashboard:map"), {"year": 2012, "by": "group"})
    trace = response.context["chart"]["data"][0]
    assert trace["showscale"] is False and "colorbar" not in trace
    assert set(trace["z"]) <= {0, 1, 2, 3, 4} and all(isinstance(z, int) for z in trace["z"])
    # flat bands: each tier is one colour
    scale = trace["colorscale"]
    assert all(scale[i][1] == scale[i + 1][1] for i in range(0, len(scale), 2))
    legend = response.context["legend"]["tiers"]
    assert [(t["tier"], t["label"], t["range"]) for t in legend] == [
        (1, "tốt", "trên 80%"),
        (2, "khá", "70–80%"),
        (3, "trung bình", "67,68–70%"),
        (4, "kém", "62,58–67,68%"),
    ]
    assert len({t["colour"] for t in legend}) == 4
    html = response.content.decode()
    assert 'id="tier-legend"' in html
    for t in legend:  # a number and a label per tier, not a colour alone
        assert f'data-tier="{t["tier"]}"' in html and t["label"] in html
    # the hover text names the tier and the published label
    assert any(text.split(": ", 1)[1].startswith("Nhóm 3 · trung bình") for text in trace["text"])


def test_the_group_map_lists_labels_without_a_tier_apart(client):
    response = client.get(reverse("dashboard:map"), {"year": 2023, "by": "group"})
    legend = response.context["legend"]
    assert [u["label"] for u in legend["untiered"]] == ["nhóm khá"]
    assert 0 in response.context["chart"]["data"][0]["z"]
    assert 'data-tier="none"' in response.content.decode()


def test_no_english_word_on_a_vietnamese_map_page(client):
    html = client.get(reverse("dashboard:map"), {"year": 2012, "by": "group"}).content.decode()
    assert not ENGLISH_WORDS.findall(html)


def test_the_english_map_page_shows_the_english_labels(client):
    with translation.override("en"):  # the language is in the URL (/en/…)
        url = reverse("dashboard:map")
    response = client.get(url, {"year": 2012, "by": "group"})
    legend = response.context["legend"]["tiers"]
    assert [t["label"] for t in legend] == ["good", "rather good", "moderate", "poor"]
    assert legend[0]["name"] == "Tier 1 (highest)" and legend[0]["range"] == "above 80%"
    assert "Legend: the groups of 2012" in response.content.decode()


def test_display_group_shows_the_band_label_in_the_pages_language():
    scheme = _edition("PAR_INDEX", 2012).group_scheme
    with translation.override("vi"):
        assert tiers.display_group(scheme, 4, "poor (62.58-67.68%)") == "kém"
        assert tiers.display_group(scheme, None, "nhóm khá") == "nhóm khá"
    with translation.override("en"):
        assert tiers.display_group(scheme, 4, "poor (62.58-67.68%)") == "poor"


def test_no_english_word_on_the_vietnamese_rankings_page(client):
    html = client.get(reverse("dashboard:rankings"), {"year": 2012}).content.decode()
    # what sources state stays in their words (an English article's quote and stated label)
    html = re.sub(r'<details class="sources">.*?</details>\s*</li>\s*</ul>\s*</details>', "", html, flags=re.S)
    assert not ENGLISH_WORDS.findall(html)


def test_an_import_preview_notes_a_label_without_a_tier():
    edition = _edition("PAR_INDEX", 2023)
    assert tiers.import_notes(edition, "B") == []
    assert "xuất sắc" in tiers.import_notes(edition, "xuất sắc")[0]
    assert tiers.import_notes(_edition("PAR_INDEX", 2013), "B") == []  # no scheme published: nothing to say
    assert tiers.import_notes(None, "B") == []
