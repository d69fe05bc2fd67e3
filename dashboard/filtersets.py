"""FilterSets of the dashboard (NetBox style: one per model, every filter labelled, one ``search()``).

Choices (indices, years, regions, components) come from rows the page has already loaded, so
building and validating the form costs no query. django-filter drops invalid values silently;
the views check ``is_valid()`` and show ``form.errors`` instead.

The form is drawn by Django's widgets in ``templates/dashboard/includes/filter_form.html``
(``{% filter_form %}``).
"""

from __future__ import annotations

import django_filters
import django_filters.fields
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from provinces.lineage import named_q
from provinces.text import fold
from reports import tiers
from reports.models import Result

SORT_FIELDS = ["rank", "province", "score", "change"]


def sort_choices(components=()) -> list[tuple[str, str]]:
    """Every sortable column, ascending and descending ("-score")."""
    labels = {
        "rank": _("thứ hạng"),
        "province": _("tỉnh, thành phố"),
        "score": _("điểm"),
        "change": _("thay đổi điểm"),
    }
    up, down = str(_("%(col)s ↑")), str(_("%(col)s ↓"))  # translated once, not once per column
    choices = []
    for key in SORT_FIELDS:
        choices.append((key, up % {"col": labels[key]}))
        choices.append((f"-{key}", down % {"col": labels[key]}))
    for component in components:
        choices.append((f"c.{component['key']}", up % {"col": component["name"]}))
        choices.append((f"-c.{component['key']}", down % {"col": component["name"]}))
    return choices


def tier_choices(scheme=None) -> list[tuple[str, str]]:
    """Every tier by its canonical name; with the edition's ``scheme``, its published label beside it
    (“Nhóm 1 (cao nhất) — Nhóm A, từ 80% trở lên”)."""
    choices = []
    for value, name in tiers.tier_choices():
        band = tiers.band_of(scheme, int(value))
        if band:
            published = ", ".join(filter(None, [tiers.band_label(band), tiers.range_text(band)]))
            name = f"{name} — {published}"
        choices.append((value, name))
    return choices


class TierField(django_filters.fields.ChoiceField):
    """A tier (``reports/tiers.py``): the band's position in its edition's scheme, 1 = best, the same
    choice across schemes. A group written the old way (``?group=B``, ``nhóm 1``) is read as the tier
    every scheme gives that letter or number; any other text is an error shown on the form."""

    default_error_messages = {
        "invalid_choice": _("“%(value)s” không phải là một nhóm: chọn Nhóm 1 (cao nhất) đến Nhóm %(n)s."),
    }

    def to_python(self, value):
        value = super().to_python(value).strip()
        if value and value not in dict(self.choices):
            position = tiers.legacy_position(value)
            return str(position) if position else value
        return value

    def validate(self, value):
        try:
            super().validate(value)
        except forms.ValidationError:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value, "n": tiers.MAX_TIERS},
            ) from None


class TierFilter(django_filters.ChoiceFilter):
    field_class = TierField


class ResultFilterSet(django_filters.FilterSet):
    """Results of one edition: by index and year (which select the edition), region, group, search."""

    index = django_filters.ChoiceFilter(label=_("Chỉ số"), method="filter_index", empty_label=None)
    year = django_filters.ChoiceFilter(
        label=_("Năm kết quả"),
        method="filter_year",
        empty_label=None,
        error_messages={"invalid_choice": _("Không có kỳ công bố năm %(value)s cho chỉ số này.")},
    )
    region = django_filters.ChoiceFilter(label=_("Vùng"), method="filter_region", empty_label=_("Cả nước"))
    group = TierFilter(label=_("Nhóm"), method="filter_tier", empty_label=_("Mọi nhóm"))
    component = django_filters.ChoiceFilter(
        label=_("Xếp hạng theo chỉ số thành phần"), method="filter_noop", empty_label=_("Điểm tổng")
    )
    q = django_filters.CharFilter(label=_("Tìm tỉnh, thành phố"), method="search")
    sort = django_filters.ChoiceFilter(label=_("Sắp xếp"), method="filter_noop", empty_label=_("Mặc định"))
    page = django_filters.NumberFilter(
        label=_("Trang"), method="filter_noop", min_value=1, max_value=10_000, widget=forms.HiddenInput
    )

    class Meta:
        model = Result
        fields = ["index", "year", "region", "group", "component", "q", "sort", "page"]

    def __init__(
        self, data=None, queryset=None, *, indices=(), years=(), regions=(), components=(), scheme=None, **kwargs
    ):
        super().__init__(data, queryset, **kwargs)
        # The choices are the page's own (loaded rows), set on this request's form.
        fields = self.form.fields
        fields["index"].choices = [(i["code"], i["short_name"]) for i in indices]
        fields["year"].choices = [(str(y), str(y)) for y in years]
        fields["region"].choices = [(r["code"], r["name"]) for r in regions]
        fields["component"].choices = [(c["key"], c["name"]) for c in components]
        fields["sort"].choices = sort_choices(components)
        fields["group"].choices = tier_choices(scheme)

    def filter_index(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(edition__index__code=value)

    def filter_year(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(edition__year=int(value))

    def filter_tier(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """By tier across schemes: tier 1 is A of 2018 and “trên 80%” of 2012 alike (never by score)."""
        return queryset.filter(tier=int(value))

    def filter_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(province__region__code=value)

    def filter_noop(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Presentation choices (sort order, component to rank by) select nothing."""
        return queryset

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Diacritic-insensitive search over unit names and aliases ("ha noi" finds Hà Nội), former and
        current names leading across the 2025 merger (``provinces.lineage.named_q``)."""
        folded = fold(value)
        if not folded:
            return queryset
        return queryset.filter(named_q(folded))
