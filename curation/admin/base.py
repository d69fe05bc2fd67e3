"""What every admin screen shares: rows filtered by the viewer, diacritic-insensitive search, the history page."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from provinces.text import fold
from reports.visibility import viewer_of


class ViewerInlineRowsMixin:
    """An inline shows only the rows the viewer may see (its permissions follow the parent's)."""

    def get_queryset(self, request):
        return viewer_of(request).admin_rows(super().get_queryset(request))


class ViewerRowsMixin:
    """Every list, change, delete and history screen shows only the rows ``reports.visibility`` allows:
    all of them to ministry staff and curators, an officer with staff status their own province's
    rows (read-only, as the officers' group holds view permissions only), nothing to anyone else."""

    def get_queryset(self, request):
        return viewer_of(request).admin_rows(super().get_queryset(request))

    def _allows(self, request, obj) -> bool:
        viewer = viewer_of(request)
        return obj is None or viewer.sees_drafts or viewer.admin_rows(self.model.objects.filter(pk=obj.pk)).exists()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._allows(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._allows(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._allows(request, obj)


class FoldedSearchMixin:
    """Adds a diacritic-insensitive match of the folded term on ``folded_search_fields``.

    Django's ``search_fields`` compare the raw term with ``icontains``, which misses "Bac Lieu" for
    "Bạc Liêu". The folded fields (``search_text`` or ``province__search_text``) already hold the
    folded names, so folding the term is enough; results are ORed with the ordinary search.
    """

    folded_search_fields: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        folded = fold(search_term)
        if folded and self.folded_search_fields:
            condition = Q()
            for field in self.folded_search_fields:
                condition |= Q(**{f"{field}__contains": folded})
            found = found | queryset.filter(condition)
        return found, may_have_duplicates


class WrittenChanges(HistoricalRecordContextHelper):
    """Before and after of an edit with a missing value written '—', as the pages write it, not 'None'."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        return "—" if value is None or value == "" else value


class HistoryAdmin(SimpleHistoryAdmin):
    """Who changed what, when and why, with before and after (django-simple-history's history page).

    A link typed without its scheme is taken as https, as on the intake form (Django 5 would prefix http)."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_historical_record_context_helper(self, request, historical_record):
        return WrittenChanges(self.model, historical_record)
