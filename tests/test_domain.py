"""The domain's facts, enforced by the database: eras and lineage, one result per unit and edition,
scores within scales and maxima, ranks within the units ranked, units only in years they existed."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from provinces.models import Era, Gazetteer, Province
from reports.models import Component, ComponentScore, Edition, Index, Result, Status

pytestmark = pytest.mark.django_db


def unit(name: str, era: int) -> Province:
    return Province.objects.get(name=name, era=era)


def draft_edition(year: int, index_code: str = "PAR_INDEX") -> Edition:
    index = Index.objects.get(code=index_code)
    framework = index.frameworks.filter(first_year__lte=year).order_by("-first_year").first()
    return Edition.objects.create(
        index=index,
        year=year,
        framework=framework,
        units_ranked=63 if year < 2025 else 34,
        status=Status.DRAFT,
        is_synthetic=True,
    )


def rejected(**create):
    """The database refuses the row (and the transaction stays usable)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Result.objects.create(**create)
    return True


class TestProvincesOfBothEras:
    def test_the_reference_holds_63_units_before_the_merger_and_34_after(self):
        assert Province.objects.real().filter(era=Era.UNITS_63).count() == 63
        assert Province.objects.real().filter(era=Era.UNITS_34).count() == 34

    def test_code_24_is_two_different_units(self):
        before, after = Province.objects.get(era=63, code="24"), Province.objects.get(era=34, code="24")
        assert before.name == "Bắc Giang"
        assert after.name == "Bắc Ninh"
        assert before.pk != after.pk

    def test_a_code_is_unique_only_within_its_era(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            Province.objects.create(code="24", name="X", name_en="X", slug="x-24", era=Era.UNITS_34)

    def test_lineage_runs_both_ways(self):
        bac_giang = unit("Bắc Giang", 63)
        bac_ninh_63 = unit("Bắc Ninh", 63)
        bac_ninh_34 = unit("Bắc Ninh", 34)
        assert bac_giang.successor == bac_ninh_34
        assert bac_ninh_63.successor == bac_ninh_34
        assert set(bac_ninh_34.predecessors.all()) == {bac_giang, bac_ninh_63}

    def test_every_pre_merger_unit_has_a_successor_and_every_new_unit_a_predecessor(self):
        assert not Province.objects.real().filter(era=63, successor__isnull=True).exists()
        assert all(p.predecessors.exists() for p in Province.objects.real().filter(era=34))
        assert Province.objects.real().filter(era=34, predecessors__isnull=False).distinct().count() == 34

    def test_ho_chi_minh_city_was_formed_from_three_units(self):
        hcmc = Province.objects.get(era=34, code="79")
        assert {p.name for p in hcmc.predecessors.all()} == {"TP. Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"}

    def test_units_exist_only_in_their_era(self):
        assert unit("Bạc Liêu", 63).existed_in(2024)
        assert not unit("Bạc Liêu", 63).existed_in(2025)
        assert unit("Cà Mau", 34).existed_in(2025)
        assert not unit("Cà Mau", 34).existed_in(2024)
        assert Province.objects.real().existing_in(2024).count() == 63
        assert Province.objects.real().existing_in(2025).count() == 34

    def test_slugs_tell_eras_apart_where_names_repeat(self):
        assert unit("Bắc Ninh", 34).slug == "bac-ninh"
        assert unit("Bắc Ninh", 63).slug == "bac-ninh-truoc-2025"
        assert unit("Bạc Liêu", 63).slug == "bac-lieu"

    def test_search_ignores_diacritics_and_finds_aliases(self):
        assert list(Province.objects.search("Bac Lieu")) == [unit("Bạc Liêu", 63)]
        assert unit("TP. Hồ Chí Minh", 63) in Province.objects.search("tp.hcm")
        assert unit("Đắk Lắk", 63) in Province.objects.search("Đăk Lăk")

    def test_the_gazetteer_resolves_names_in_the_era_of_the_year(self):
        gazetteer = Gazetteer(Province.objects.real())
        assert gazetteer.resolve("Bắc Ninh", year=2020) == unit("Bắc Ninh", 63)
        assert gazetteer.resolve("bac ninh", year=2025) == unit("Bắc Ninh", 34)
        assert gazetteer.resolve("Thừa Thiên - Huế", year=2015) == unit("Thừa Thiên Huế", 63)
        assert gazetteer.resolve("Ba Ria – Vung Tau", year=2012) == unit("Bà Rịa - Vũng Tàu", 63)
        assert gazetteer.resolve("Bắc Ninh") is None  # two eras, no year: ambiguous, not a guess
        assert gazetteer.resolve("Atlantis", year=2020) is None


class TestResultRules:
    def test_one_result_per_province_per_edition(self):
        edition = draft_edition(2011)
        Result.objects.create(edition=edition, province=unit("Bạc Liêu", 63), score=Decimal("70"))
        assert rejected(edition=edition, province=unit("Bạc Liêu", 63), score=Decimal("71"))

    @pytest.mark.parametrize("score", [Decimal("-0.01"), Decimal("100.01")])
    def test_a_score_stays_within_the_scale(self, score):
        assert rejected(edition=draft_edition(2011), province=unit("Bạc Liêu", 63), score=score)

    def test_a_rank_is_between_1_and_the_units_ranked(self):
        edition = draft_edition(2011)
        assert rejected(edition=edition, province=unit("Bạc Liêu", 63), rank=0)
        assert rejected(edition=edition, province=unit("Bạc Liêu", 63), rank=64)
        Result.objects.create(edition=edition, province=unit("Bạc Liêu", 63), rank=63)

    def test_a_province_appears_only_in_editions_of_years_it_existed(self):
        edition_2025, edition_2011 = draft_edition(2025), draft_edition(2011)
        assert rejected(edition=edition_2025, province=unit("Bạc Liêu", 63), score=Decimal("80"))
        assert rejected(edition=edition_2011, province=unit("Cà Mau", 34), score=Decimal("80"))
        Result.objects.create(edition=edition_2025, province=unit("Cà Mau", 34), score=Decimal("80"))

    def test_the_year_rule_also_holds_for_updates_and_bulk_writes(self):
        edition = draft_edition(2011)
        result = Result.objects.create(edition=edition, province=unit("Bạc Liêu", 63), rank=40)
        with pytest.raises(IntegrityError), transaction.atomic():
            Result.objects.filter(pk=result.pk).update(province=unit("Cà Mau", 34))
        with pytest.raises(IntegrityError), transaction.atomic():
            Result.objects.bulk_create([Result(edition=edition, province=unit("Cà Mau", 34))])
        with pytest.raises(IntegrityError), transaction.atomic():
            Edition.objects.filter(pk=edition.pk).update(units_ranked=34)  # would strand rank 40

    def test_model_validation_explains_the_same_rules(self):
        from django.core.exceptions import ValidationError

        result = Result(edition=draft_edition(2025), province=unit("Bạc Liêu", 63), rank=35)
        with pytest.raises(ValidationError) as error:
            result.full_clean()
        assert set(error.value.message_dict) >= {"province", "rank"}


class TestComponentScoreRules:
    def setup_method(self):
        self.edition = draft_edition(2024)
        self.result = Result.objects.create(edition=self.edition, province=unit("Sơn La", 63), score=Decimal("85"))
        self.civil_service = self.edition.framework.components.get(key="civil_service")  # max 15

    def test_one_score_per_component_per_result(self):
        ComponentScore.objects.create(result=self.result, component=self.civil_service, score=Decimal("14.23"))
        with pytest.raises(IntegrityError), transaction.atomic():
            ComponentScore.objects.create(result=self.result, component=self.civil_service, score=Decimal("14"))

    def test_a_component_score_cannot_exceed_the_components_maximum(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            ComponentScore.objects.create(result=self.result, component=self.civil_service, score=Decimal("15.01"))
        ComponentScore.objects.create(result=self.result, component=self.civil_service, score=Decimal("15"))

    def test_a_component_of_another_framework_is_refused(self):
        older = Component.objects.get(framework__first_year=2017, framework__index__code="PAR_INDEX", key="impact")
        with pytest.raises(IntegrityError), transaction.atomic():
            ComponentScore.objects.create(result=self.result, component=older, score=Decimal("5"))

    def test_frameworks_link_comparable_components_across_methodology_changes(self):
        institutions = self.edition.framework.components.get(key="institutions")
        assert institutions.previous.key == "legal"
        assert institutions.previous.framework.first_year == 2017
