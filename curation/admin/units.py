"""Admin for regions, provincial units (both eras, lineage both ways), their aliases and users.

Searches are diacritic-insensitive: the term is folded and matched against ``Province.search_text``
(folded name, English name, code and aliases), so "Bac Lieu" finds Bạc Liêu. Other admins reuse
``base.FoldedSearchMixin`` to search their province through the same folded text.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from provinces.accounts import ROLES, assign_role, may_create, unit_in_force
from provinces.auth import ThrottledAdminAuthenticationForm
from provinces.models import Province, ProvinceAlias, Region, User

from .base import FoldedSearchMixin, ViewerRowsMixin

# Repeated failed sign-ins are throttled on the admin's own login page too.
admin.site.login_form = ThrottledAdminAuthenticationForm
admin.site.site_header = _("Quản trị Chỉ số CCHC cấp tỉnh")
admin.site.site_title = _("Quản trị Chỉ số CCHC")


@admin.register(Region)
class RegionAdmin(ViewerRowsMixin, admin.ModelAdmin):
    list_display = ["name", "name_en", "code", "order", "unit_count"]
    search_fields = ["name", "name_en", "code"]
    ordering = ["order"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_unit_count=Count("provinces"))

    @admin.display(description=_("số đơn vị"), ordering="_unit_count")
    def unit_count(self, obj):
        return obj._unit_count


class ProvinceAliasInline(admin.TabularInline):
    model = ProvinceAlias
    extra = 1
    fields = ["name", "folded"]
    readonly_fields = ["folded"]


class PredecessorInline(admin.TabularInline):
    """The units merged into this one (lineage read backwards); edited on each predecessor."""

    model = Province
    fk_name = "successor"
    verbose_name = _("đơn vị tiền thân")
    verbose_name_plural = _("đơn vị tiền thân")
    fields = ["name", "code", "era", "valid_to"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Province)
class ProvinceAdmin(ViewerRowsMixin, FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "code", "era", "kind", "region", "valid_from", "valid_to", "successor", "predecessor_count"]
    list_filter = ["era", "region", "kind", "is_synthetic"]
    search_fields = ["name", "name_en", "code", "slug"]
    folded_search_fields = ("search_text",)
    autocomplete_fields = ["successor"]
    readonly_fields = ["search_text"]
    list_select_related = ["region", "successor"]
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [ProvinceAliasInline, PredecessorInline]
    # stated here because the count below groups the query, and Django drops Meta.ordering from a grouped
    # query: the list and the autocomplete came back in no order
    ordering = ["-era", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_predecessors=Count("predecessors"))

    @admin.display(description=_("số đơn vị tiền thân"), ordering="_predecessors")
    def predecessor_count(self, obj):
        return obj._predecessors

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # aliases edited inline: keep the folded search text in step (deleted aliases included)
        form.instance.save()


@admin.register(ProvinceAlias)
class ProvinceAliasAdmin(ViewerRowsMixin, FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "folded", "province"]
    list_filter = ["province__era"]
    search_fields = ["name", "folded"]
    folded_search_fields = ("folded", "province__search_text")
    autocomplete_fields = ["province"]
    list_select_related = ["province"]


class AccountCreationForm(AdminUserCreationForm):
    """The admin's "add user" with a role (provinces/accounts.py): an officer needs a unit in force; only a
    superuser may create ministry staff and curators."""

    actor = None  # the signed-in user, set by UserAdmin.get_form
    role = forms.ChoiceField(label=_("vai trò"), choices=[(r.code, r.label) for r in ROLES.values()])

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "province")

    def clean(self):
        cleaned = super().clean()
        role = ROLES.get(cleaned.get("role"))
        if role is None:
            return cleaned
        if not may_create(self.actor, role):
            raise ValidationError(_("Chỉ quản trị viên cấp cao tạo được tài khoản %(role)s.") % {"role": role.label})
        try:
            cleaned["province"] = unit_in_force(role, cleaned.get("province"))
        except ValidationError as exc:
            self.add_error("province", exc)
        return cleaned


@admin.register(User)
class UserAdmin(FoldedSearchMixin, BaseUserAdmin):
    list_display = ["username", "email", "province", "is_staff", "is_active", "role_names"]
    list_filter = [*BaseUserAdmin.list_filter, "province__era"]
    folded_search_fields = ("province__search_text",)
    autocomplete_fields = ["province"]
    list_select_related = ["province"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Tỉnh, thành phố phụ trách"), {"fields": ["province"]}),
    ]
    add_form = AccountCreationForm
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("Vai trò và tỉnh, thành phố phụ trách"), {"fields": ["role", "province"]}),
    ]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None:  # the add form checks the role against who is creating it
            form = type(form.__name__, (form,), {"actor": request.user})
        return form

    def save_model(self, request, obj, form, change):
        role = ROLES.get(form.cleaned_data.get("role")) if not change else None
        if role is not None:
            obj.province = form.cleaned_data["province"]
            obj.is_staff = obj.is_staff or role.is_staff
        super().save_model(request, obj, form, change)
        if role is not None:
            assign_role(obj, role)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("vai trò"))
    def role_names(self, obj):
        return ", ".join(g.name for g in obj.groups.all())
