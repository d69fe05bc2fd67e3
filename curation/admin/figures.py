"""Admin for curators: indices, frameworks, editions and their results, sources and citations.

The admin is staff-only; curators see every edition, drafts included (it is where drafts are made).
Computed columns (change on the previous year, percent of a component's maximum, coverage) come
from ``reports.figures`` over annotations, so a list page costs a fixed number of queries.
Only users with ``reports.publish_edition`` change an edition's status; publishing needs a date.
Every model with history uses ``base.HistoryAdmin`` (who, when, why, before and after).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, Subquery
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from curation import imports
from curation.admin.base import FoldedSearchMixin, HistoryAdmin, ViewerInlineRowsMixin, ViewerRowsMixin
from curation.intake import (
    bench_view,
    confirm_citations,
    confirm_replacing,
    intake_view,
    reject_citations,
    repropose_articles,
)
from dashboard.templatetags.cchc import stated
from provinces.text import or_dash
from reports import figures
from reports.models import (
    Citation,
    Component,
    ComponentScore,
    DossierStat,
    Edition,
    Framework,
    Index,
    PublishedAverage,
    Result,
    SourceArticle,
    Status,
)
from reports.visibility import viewer_of

# --- indices and frameworks -----------------------------------------------------------------------


@admin.register(Index)
class IndexAdmin(ViewerRowsMixin, admin.ModelAdmin):
    list_display = ["short_name", "code", "name", "publisher", "scale_max", "higher_is_better", "first_year"]
    search_fields = ["code", "name", "name_en", "short_name"]


class ComponentInline(ViewerInlineRowsMixin, admin.TabularInline):
    model = Component
    fields = ["order", "key", "name", "name_en", "max_points", "previous"]
    autocomplete_fields = ["previous"]
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(ViewerRowsMixin, admin.ModelAdmin):
    list_display = ["__str__", "index", "name", "first_year", "last_year", "component_count"]
    list_filter = ["index"]
    search_fields = ["name", "legal_reference", "index__short_name"]
    list_select_related = ["index"]
    inlines = [ComponentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_components=Count("components"))

    @admin.display(description=_("số chỉ số thành phần"), ordering="_components")
    def component_count(self, obj):
        return obj._components


@admin.register(Component)
class ComponentAdmin(ViewerRowsMixin, admin.ModelAdmin):
    list_display = ["name", "key", "framework", "max_points", "order", "previous"]
    list_filter = ["framework__index", "framework"]
    search_fields = ["name", "name_en", "key", "aliases"]
    list_select_related = ["framework__index", "previous"]
    autocomplete_fields = ["previous"]


# --- editions: status, publishing, coverage, import -------------------------------------------------


class ResultInline(ViewerInlineRowsMixin, admin.TabularInline):
    model = Result
    fields = ["province", "score", "rank", "group", "disputed"]
    autocomplete_fields = ["province"]
    show_change_link = True
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("province", "edition__index")


class PublishActionForm(ActionForm):
    announced_on = forms.DateField(
        label=_("Ngày công bố"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Cho hành động “Công bố”; để trống để dùng ngày đã lưu."),
    )


class EditionForm(forms.ModelForm):
    class Meta:
        model = Edition
        fields = [
            "index",
            "year",
            "framework",
            "status",
            "announced_on",
            "units_ranked",
            "grouping",
            "is_synthetic",
            "notes",
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Status.PUBLISHED and not cleaned.get("announced_on"):
            raise forms.ValidationError({"announced_on": gettext("Công bố cần có ngày công bố.")})
        return cleaned


def can_publish(user) -> bool:
    return user.has_perm("reports.publish_edition")


@admin.register(Edition)
class EditionAdmin(ViewerRowsMixin, HistoryAdmin):
    form = EditionForm
    action_form = PublishActionForm
    list_display = ["__str__", "index", "year", "status", "announced_on", "units_ranked", "coverage", "is_synthetic"]
    list_filter = ["index", "status", "year", "is_synthetic"]
    search_fields = ["index__short_name", "index__code", "year"]
    list_select_related = ["index", "framework__index"]
    inlines = [ResultInline]
    actions = ["publish", "unpublish"]
    change_list_template = "admin/reports/edition/change_list.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _with_score=Count("results", filter=Q(results__score__isnull=False)),
                _with_rank=Count("results", filter=Q(results__rank__isnull=False)),
                _with_any=Count("results"),
            )
        )

    @admin.display(description=_("độ phủ"), ordering="_with_score")
    def coverage(self, obj):
        if not hasattr(obj, "_with_score"):
            return figures.coverage(obj, obj.results.all())
        return figures.Coverage(obj._with_score, obj._with_rank, obj._with_any, obj.units_ranked)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not can_publish(request.user):
            readonly.append("status")
        return readonly

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not can_publish(request.user):
            actions.pop("publish", None)
            actions.pop("unpublish", None)
        return actions

    @admin.action(description=_("Công bố các kỳ đã chọn (cần ngày công bố)"))
    def publish(self, request, queryset):
        if not can_publish(request.user):
            raise PermissionDenied
        date = request.POST.get("announced_on") or None
        if date:
            date = forms.DateField().clean(date)
        done, missing = 0, []
        for edition in queryset:
            announced_on = date or edition.announced_on
            if not announced_on:
                missing.append(str(edition))
                continue
            if edition.status != Status.PUBLISHED or edition.announced_on != announced_on:
                edition.status, edition.announced_on = Status.PUBLISHED, announced_on
                edition.save(update_fields=["status", "announced_on"])  # one history row each
                done += 1
        if done:
            self.message_user(request, gettext("Đã công bố %(n)s kỳ.") % {"n": done}, messages.SUCCESS)
        if missing:
            self.message_user(
                request,
                gettext("Chưa công bố (thiếu ngày công bố): %(names)s") % {"names": ", ".join(missing)},
                messages.ERROR,
            )

    @admin.action(description=_("Chuyển về dự thảo"))
    def unpublish(self, request, queryset):
        if not can_publish(request.user):
            raise PermissionDenied
        n = 0
        for edition in queryset.filter(status=Status.PUBLISHED):
            edition.status = Status.DRAFT
            edition.save(update_fields=["status"])
            n += 1
        self.message_user(request, gettext("Đã chuyển %(n)s kỳ về dự thảo.") % {"n": n}, messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        if change and "status" in form.changed_data and not can_publish(request.user):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    # -- import of an official table: upload → dry run with every row's outcome → apply -------------

    def get_urls(self):
        urls = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="reports_edition_import",
            )
        ]
        return urls + super().get_urls()

    def import_view(self, request):
        if not (request.user.has_perm("reports.add_result") and request.user.has_perm("reports.change_result")):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": _("Nhập bảng kết quả")}
        if request.method == "POST" and "apply" in request.POST:
            form = imports.ImportForm(request.POST)
            if form.is_valid():
                token = form.cleaned_data["token"]
                try:
                    data, filename = imports.unstash(token, request.user)
                except imports.ImportFileError as error:
                    report = imports.ImportReport(
                        index=form.cleaned_data["index"], year=form.cleaned_data["year"], file_errors=[str(error)]
                    )
                else:
                    report = imports.validate(
                        data, filename, index=form.cleaned_data["index"], year=form.cleaned_data["year"]
                    )
                if report.ok:
                    imports.apply(report, user=request.user)
                    imports.unstash_done(token)
                    self.message_user(request, report.summary(), messages.SUCCESS)
                    return redirect(reverse("admin:reports_edition_changelist"))
                context.update(form=imports.UploadForm(), report=report)
                return TemplateResponse(request, "admin/reports/import.html", context)
        form = imports.UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read(imports.MAX_FILE_BYTES + 1)
            report = imports.validate(
                data, upload.name, index=form.cleaned_data["index"], year=form.cleaned_data["year"]
            )
            context["report"] = report
            if report.ok:
                context["apply_form"] = imports.ImportForm(
                    initial={
                        "token": imports.stash(data, upload.name, request.user),
                        "index": form.cleaned_data["index"].pk,
                        "year": form.cleaned_data["year"],
                    }
                )
        context["form"] = form
        return TemplateResponse(request, "admin/reports/import.html", context)


# --- results and component scores -------------------------------------------------------------------


class ComponentScoreInline(ViewerInlineRowsMixin, admin.TabularInline):
    model = ComponentScore
    fields = ["component", "score", "rank", "percent_of_max"]
    readonly_fields = ["percent_of_max"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("component")

    @admin.display(description=_("% điểm tối đa"))
    def percent_of_max(self, obj):
        value = figures.percent_of_max(obj.score, obj.component.max_points) if obj.pk else None
        return or_dash(value)  # a read-only field would print None as 'None'

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "component":
            kwargs["queryset"] = Component.objects.select_related("framework__index")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CitationInline(ViewerInlineRowsMixin, admin.StackedInline):
    model = Citation
    fk_name = "result"
    fields = ["article", "metric", "value_number", "value_text", "quote", "state", "conflict"]
    autocomplete_fields = ["article"]
    extra = 0


def _previous(field: str):
    """The same unit's ``field`` in the previous edition of the same index (one correlated subquery)."""
    return Subquery(
        Result.objects.filter(
            province_id=OuterRef("province_id"),
            edition__index_id=OuterRef("edition__index_id"),
            edition__year=OuterRef("edition__year") - 1,
            edition__is_synthetic=OuterRef("edition__is_synthetic"),
        )
        .order_by()  # a sliced subquery keeps Result's ordering, and its joins, otherwise
        .values(field)[:1]
    )


@admin.register(Result)
class ResultAdmin(ViewerRowsMixin, FoldedSearchMixin, HistoryAdmin):
    list_display = ["province", "edition", "status", "score", "rank", "group", "change", "disputed"]
    list_filter = ["edition__index", "edition__year", "edition__status", "province__region", "disputed"]
    search_fields = ["province__name", "province__name_en", "group"]
    folded_search_fields = ("province__search_text",)
    autocomplete_fields = ["province"]
    list_select_related = ["province", "edition__index"]
    readonly_fields = ["change"]
    inlines = [ComponentScoreInline, CitationInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _prev_score=_previous("score"),
                _prev_rank=_previous("rank"),
                _prev_units=_previous("edition__units_ranked"),
            )
        )

    @admin.display(description=_("trạng thái"), ordering="edition__status")
    def status(self, obj):
        return obj.edition.get_status_display()

    @admin.display(description=_("so với năm trước"))
    def change(self, obj):
        """Score and rank change on the unit's own previous result (merged units: see the province page)."""
        if obj.pk is None or not hasattr(obj, "_prev_units"):
            return "—"
        previous = ()
        if obj._prev_units is not None:
            previous = (
                figures.PreviousResult(
                    obj.province.name, obj.province.slug, obj._prev_score, obj._prev_rank, obj._prev_units, False
                ),
            )
        change = figures.change_between(obj, previous, obj.edition.units_ranked)
        parts = []
        if change.score_delta is not None:
            parts.append(f"{change.score_delta:+}")
        if change.rank_delta is not None:
            parts.append(gettext("%(n)+d bậc") % {"n": change.rank_delta})
        return " / ".join(parts) or "—"


@admin.register(ComponentScore)
class ComponentScoreAdmin(ViewerRowsMixin, FoldedSearchMixin, HistoryAdmin):
    list_display = ["result", "component", "score", "max_points", "percent_of_max", "rank"]
    list_filter = ["result__edition__index", "result__edition__year", "result__edition__status", "component__key"]
    search_fields = ["result__province__name", "component__name"]
    folded_search_fields = ("result__province__search_text",)
    list_select_related = ["result__province", "result__edition__index", "component"]
    raw_id_fields = ["result"]

    @admin.display(description=_("điểm tối đa"))
    def max_points(self, obj):
        return obj.component.max_points

    @admin.display(description=_("% điểm tối đa"))
    def percent_of_max(self, obj):
        return figures.percent_of_max(obj.score, obj.component.max_points)


@admin.register(PublishedAverage)
class PublishedAverageAdmin(ViewerRowsMixin, HistoryAdmin):
    list_display = ["edition", "region", "value", "disputed"]
    list_filter = ["edition__index", "edition__year", "region", "disputed"]
    list_select_related = ["edition__index", "region"]


@admin.action(description=_("Xác nhận"), permissions=["change"])
def confirm_quarters(modeladmin, request, queryset):
    """Confirm submitted quarters: from now on they are public (reports.visibility). One save per row,
    not ``update()``: the history records who confirmed, and the page cache learns of the change."""
    now = timezone.now()
    confirmed = 0
    for stat in queryset.filter(status=DossierStat.State.SUBMITTED).select_related("province"):
        stat.status = DossierStat.State.CONFIRMED
        stat.confirmed_by, stat.confirmed_at = request.user, now
        stat.save()
        confirmed += 1
    modeladmin.message_user(request, gettext("Đã xác nhận %(count)s quý.") % {"count": confirmed}, messages.SUCCESS)


@admin.register(DossierStat)
class DossierStatAdmin(ViewerRowsMixin, FoldedSearchMixin, HistoryAdmin):
    """Quarterly dossier figures: officers enter them on their desk (desk/quarters.py) as *submitted*;
    curators confirm them here (the action, or the status field), which makes them public."""

    list_display = ["province", "year", "quarter", "received", "on_time", "late", "pending", "status", "article"]
    list_filter = ["status", "year", "quarter", "province__region"]
    search_fields = ["province__name"]
    folded_search_fields = ("province__search_text",)
    autocomplete_fields = ["province", "article"]
    list_select_related = ["province", "article"]
    readonly_fields = ["submitted_by", "submitted_at", "confirmed_by", "confirmed_at"]
    actions = [confirm_quarters]

    def save_model(self, request, obj, form, change):
        # confirmed through the form's status field: record who and when, as the action does
        if obj.status == DossierStat.State.CONFIRMED and obj.confirmed_by_id is None:
            obj.confirmed_by, obj.confirmed_at = request.user, timezone.now()
        elif obj.status == DossierStat.State.SUBMITTED:
            obj.confirmed_by = obj.confirmed_at = None
        super().save_model(request, obj, form, change)


# --- sources ----------------------------------------------------------------------------------------


class ArticleCitationInline(ViewerInlineRowsMixin, admin.TabularInline):
    model = Citation
    fk_name = "article"
    fields = ["index", "year", "province", "metric", "value_number", "value_text", "state", "conflict", "result"]
    autocomplete_fields = ["province", "result"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("index", "province", "result__province")


@admin.register(SourceArticle)
class SourceArticleAdmin(ViewerRowsMixin, FoldedSearchMixin, HistoryAdmin):
    list_display = ["headline", "publisher", "published_on", "language", "citation_count", "bench_link"]
    list_filter = ["language", "publisher"]
    search_fields = ["title", "url", "publisher"]
    folded_search_fields = ("search_text", "provinces__search_text")
    autocomplete_fields = ["provinces"]
    date_hierarchy = "published_on"
    inlines = [ArticleCitationInline]
    actions = [repropose_articles]

    def add_view(self, request, form_url="", extra_context=None):
        return intake_view(self, request)  # paste or upload; stored once, read at once (reports/sources.py)

    def get_urls(self):
        bench = path("<int:pk>/duyet/", self.admin_site.admin_view(self.bench), name="reports_sourcearticle_bench")
        return [bench, *super().get_urls()]

    def bench(self, request, pk):
        return bench_view(self, request, pk)

    @admin.display(description=_("duyệt số liệu"))
    def bench_link(self, obj):
        url = reverse("admin:reports_sourcearticle_bench", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Duyệt"))

    def get_queryset(self, request):
        # the first sentence quoted from the article that this curator may see (drafts stay with their viewers)
        allowed = viewer_of(request).admin_rows(Citation.objects.exclude(state=Citation.State.REJECTED))
        quotes = Citation.objects.filter(article=OuterRef("pk"), pk__in=allowed.values("pk")).order_by("pk")
        first_quote = Subquery(quotes.values("quote")[:1])
        return super().get_queryset(request).annotate(_citations=Count("citations"), _first_quote=first_quote)

    @admin.display(description=_("bài viết"), ordering="title")
    def headline(self, obj):
        """Its title; an article stored without one (a harvested quote, no page text) by the sentence quoted from
        it, as the public list names it, and only then by its address."""
        if obj.title:
            return obj.title
        if obj._first_quote:
            return f"“{Truncator(obj._first_quote).chars(140)}”"
        return Truncator(obj.url).chars(90) or str(obj.pk)

    @admin.display(description=_("số trích dẫn"), ordering="_citations")
    def citation_count(self, obj):
        return obj._citations


@admin.register(Citation)
class CitationAdmin(ViewerRowsMixin, FoldedSearchMixin, HistoryAdmin):
    list_display = [
        "metric",
        "value_stated",
        "index",
        "year",
        "unit",
        "state",
        "conflict",
        "quote_excerpt",
        "source",
    ]
    list_filter = ["index", "year", "state", "conflict", "metric", "province__region"]
    search_fields = ["quote", "province__name", "article__title", "component_name"]
    folded_search_fields = ("province__search_text", "quote_search")
    list_select_related = ["index", "province", "region", "article"]
    autocomplete_fields = ["article", "province", "result"]
    raw_id_fields = ["component_score", "average", "dossier_stat"]
    readonly_fields = ["reviewed_by", "reviewed_at"]
    actions = [confirm_citations, confirm_replacing, reject_citations]

    @admin.display(description=_("giá trị"), ordering="value_number")
    def value_stated(self, obj):
        """A rank as a whole number (5, not 5,00), a score with two decimals, a group as written."""
        return stated(obj.value, obj.metric)

    @admin.display(description=_("đơn vị"), ordering="province__name")
    def unit(self, obj):
        return obj.subject

    @admin.display(description=_("nguồn"), ordering="article__published_on")
    def source(self, obj):
        """Publisher and date, short: the full address made every row several lines tall."""
        article = obj.article
        when = date_format(article.published_on, "SHORT_DATE_FORMAT") if article.published_on else ""
        return " · ".join(part for part in (article.publisher or Truncator(article.url).chars(40), when) if part)

    @admin.display(description=_("trích dẫn"))
    def quote_excerpt(self, obj):
        """The sentence that states the figure, so a curator reviews the list without opening each row."""
        return Truncator(obj.quote).chars(160)
