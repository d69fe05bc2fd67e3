"""FilterSets of the dashboard (NetBox style: one per model, every filter labelled, one ``search()``).

Choices (indices, years, regions, components) come from rows the page has already loaded, so
building and validating the form costs no query. django-filter drops invalid values silently;
the views check ``is_valid()`` and show ``form.errors`` instead.

The form's widgets write their HTML in Python: Django renders a widget through templates (one
include per ``<option>``), which took ~2.4 ms of the rankings page for its ~60 options.
"""

from __future__ import annotations

from html import escape

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.safestring import SafeData, SafeString
from django.utils.translation import gettext_lazy as _

from provinces.text import fold

from .models import Result

SORT_FIELDS = ["rank", "province", "score", "change"]


def _text(value) -> str:
    """``{{ value }}`` or ``{{ value|stringformat:'s' }}``: escaped unless already safe."""
    return value if isinstance(value, SafeData) else escape(str(value))


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: an attribute set to False left out, one set to True bare."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class PlainSelect(forms.Select):
    """``forms.Select`` with the HTML of django/forms/widgets/select.html, written without templates."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        html = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                html.append(f'\n  <optgroup label="{_text(group_name)}">')
            html.extend(
                f'\n  <option value="{_text(o["value"])}"{_attrs(o["attrs"]) if o["attrs"] else ""}>'
                f"{_text(o['label'])}</option>\n"
                for o in options
            )
            if group_name:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return SafeString("".join(html))


class PlainInputMixin:
    """django/forms/widgets/input.html, written without templates."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
        return SafeString(
            f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
        )


class PlainTextInput(PlainInputMixin, forms.TextInput):
    pass


class PlainHiddenInput(PlainInputMixin, forms.HiddenInput):
    pass


def sort_choices(components=()) -> list[tuple[str, str]]:
    """Every sortable column, ascending and descending ("-score")."""
    labels = {
        "rank": _("thứ hạng"),
        "province": _("tỉnh, thành phố"),
        "score": _("điểm"),
        "change": _("thay đổi điểm"),
    }
    choices = []
    for key in SORT_FIELDS:
        choices.append((key, _("%(col)s ↑") % {"col": labels[key]}))
        choices.append((f"-{key}", _("%(col)s ↓") % {"col": labels[key]}))
    for component in components:
        choices.append((f"c.{component['key']}", _("%(col)s ↑") % {"col": component["name"]}))
        choices.append((f"-c.{component['key']}", _("%(col)s ↓") % {"col": component["name"]}))
    return choices


class ResultFilterSet(django_filters.FilterSet):
    """Results of one edition: by index and year (which select the edition), region, group, search."""

    index = django_filters.ChoiceFilter(label=_("Chỉ số"), method="filter_index", empty_label=None, widget=PlainSelect)
    year = django_filters.ChoiceFilter(
        label=_("Năm kết quả"), method="filter_year", empty_label=None, widget=PlainSelect
    )
    region = django_filters.ChoiceFilter(
        label=_("Vùng"), method="filter_region", empty_label=_("Cả nước"), widget=PlainSelect
    )
    group = django_filters.CharFilter(label=_("Nhóm"), field_name="group", lookup_expr="iexact", widget=PlainTextInput)
    component = django_filters.ChoiceFilter(
        label=_("Xếp hạng theo chỉ số thành phần"), method="filter_noop", empty_label=_("Điểm tổng"), widget=PlainSelect
    )
    q = django_filters.CharFilter(label=_("Tìm tỉnh, thành phố"), method="search", widget=PlainTextInput)
    sort = django_filters.ChoiceFilter(
        label=_("Sắp xếp"), method="filter_noop", empty_label=_("Mặc định"), widget=PlainSelect
    )
    page = django_filters.NumberFilter(label=_("Trang"), method="filter_noop", min_value=1, max_value=10_000)

    class Meta:
        model = Result
        fields = ["index", "year", "region", "group", "component", "q", "sort", "page"]

    def __init__(self, data=None, queryset=None, *, indices=(), years=(), regions=(), components=(), **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["index"].extra["choices"] = [(i["code"], i["short_name"]) for i in indices]
        self.filters["year"].extra["choices"] = [(str(y), str(y)) for y in years]
        self.filters["region"].extra["choices"] = [(r["code"], r["name"]) for r in regions]
        self.filters["component"].extra["choices"] = [(c["key"], c["name"]) for c in components]
        self.filters["sort"].extra["choices"] = sort_choices(components)
        self.form.fields["page"].widget = PlainHiddenInput()
        self.form.fields["group"].widget.attrs.update({"list": "groups-held", "autocomplete": "off"})
        self.form.fields["year"].error_messages["invalid_choice"] = _(
            "Không có kỳ công bố năm %(value)s cho chỉ số này."
        )

    def filter_index(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(edition__index__code=value)

    def filter_year(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(edition__year=int(value))

    def filter_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(province__region__code=value)

    def filter_noop(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Presentation choices (sort order, component to rank by) select nothing."""
        return queryset

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Diacritic-insensitive search over unit names and aliases ("ha noi" finds Hà Nội)."""
        folded = fold(value)
        if not folded:
            return queryset
        return queryset.filter(province__search_text__contains=folded)
