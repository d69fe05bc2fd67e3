"""Admin pieces for source articles: the intake form (paste or upload), and the curation actions.

``reports/admin.py`` wires them in: the article admin's "add" page is the intake form, and the
citation admin gets the confirm / reject actions.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.models import Citation, SourceArticle
from reports.visibility import viewer_of
from sources.intake import ingest_article, propose_citations
from sources.provenance import CurationError, FigureConflict, confirm, quote_in_context, reject

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
UPLOAD_SUFFIXES = (".txt", ".html", ".htm")


class ArticleIntakeForm(forms.Form):
    """An article as pasted text or an uploaded .txt/.html file, with what is known about it."""

    url = forms.URLField(label=gettext_lazy("Địa chỉ"), required=False, max_length=500, assume_scheme="https")
    title = forms.CharField(
        label=gettext_lazy("Tiêu đề"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Để trống: lấy dòng đầu của bài hoặc tiêu đề trang."),
    )
    publisher = forms.CharField(
        label=gettext_lazy("Cơ quan đăng"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Để trống: lấy tên miền của địa chỉ."),
    )
    published_on = forms.DateField(label=gettext_lazy("Ngày đăng"), required=False)
    text = forms.CharField(label=gettext_lazy("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 16}))
    file = forms.FileField(
        label=gettext_lazy("Hoặc tải tệp lên"),
        required=False,
        help_text=gettext_lazy("Tệp .txt hoặc .html; trang HTML được bỏ menu, bình chọn, tin khác…"),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        if not upload.name.lower().endswith(UPLOAD_SUFFIXES):
            raise forms.ValidationError(_("Chỉ nhận tệp .txt hoặc .html."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa 5 MB)."))
        raw = upload.read()
        try:
            content = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("Tệp phải được mã hoá UTF-8.")) from None
        return {"name": upload.name, "content": content}

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("file") and not self.errors.get("file"):
            raise forms.ValidationError(_("Dán nội dung bài viết hoặc tải tệp lên."))
        return data

    def ingest(self):
        """Store the article; returns ``(article, created)``."""
        data = self.cleaned_data
        details = {
            "url": data.get("url") or "",
            "title": data.get("title") or "",
            "publisher": data.get("publisher") or "",
            "published_on": data.get("published_on"),
        }
        upload = data.get("file")
        if (data.get("text") or "").strip():
            return ingest_article(text=data["text"], **details)
        if upload["name"].lower().endswith(".txt"):
            return ingest_article(text=upload["content"], **details)
        return ingest_article(html=upload["content"], **details)


def intake_view(model_admin, request):
    """The article admin's "add" page: paste or upload, stored once, read at once."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = ArticleIntakeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            article, created = form.ingest()
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            suggested = article.citations.suggested().count()
            if created:
                messages.success(
                    request,
                    _("Đã lưu bài viết “%(article)s”; %(n)s số liệu được đề xuất chờ duyệt.")
                    % {"article": article, "n": suggested},
                )
            else:
                messages.warning(request, _("Bài viết này đã có: “%(article)s”.") % {"article": article})
            return redirect(reverse("admin:reports_sourcearticle_bench", args=[article.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Thêm bài viết nguồn"),
        "opts": model_admin.model._meta,
        "form": form,
        "has_view_permission": model_admin.has_view_permission(request),
    }
    return TemplateResponse(request, "curation/intake.html", context)


# --- the curator's bench --------------------------------------------------------------------------------

BENCH_ACTIONS = ("confirm", "replace", "reject")


def bench_view(model_admin, request, pk):
    """One article's figures on one screen: each proposal with its sentence shown where it stands in the
    article, confirmed, confirmed over the stored figure, or rejected in one click, or opened to correct.

    The same rules as the citation list's actions (``sources.provenance``): a confirmation never overwrites
    a different stored figure unless asked to, by someone who may change results."""
    if not request.user.has_perm("reports.change_citation"):
        raise PermissionDenied
    article = get_object_or_404(SourceArticle, pk=pk)
    citations = viewer_of(request).citations(article.citations.all())
    if request.method == "POST":
        action, number = request.POST.get("action", ""), request.POST.get("citation", "")
        if action not in BENCH_ACTIONS or not number.isdigit():
            messages.error(request, _("Yêu cầu không hợp lệ: không có gì thay đổi."))
            return redirect(request.path)
        chosen = citations.filter(pk=int(number))
        if not chosen.exists():
            messages.error(request, _("Trích dẫn #%(n)s không thuộc bài viết này.") % {"n": number[:12]})
            return redirect(request.path)
        if action == "reject":
            reject_citations(model_admin, request, chosen)
        elif action == "replace":
            confirm_replacing(model_admin, request, chosen)
        else:
            confirm_citations(model_admin, request, chosen)
        return redirect(f"{request.path}#c-{int(number)}")
    rows = [
        {"citation": c, "context": quote_in_context(article.text, c.quote)}
        for c in citations.select_related("index", "province", "region", "component").order_by(
            "state", "index__order", "year", "province__name", "metric", "pk"
        )
    ]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Duyệt số liệu của bài viết"),
        "opts": model_admin.model._meta,
        "article": article,
        "rows": rows,
        "waiting": sum(row["citation"].state == Citation.State.SUGGESTED for row in rows),
        "may_replace": request.user.has_perm("reports.change_result"),
        "has_view_permission": model_admin.has_view_permission(request),
    }
    return TemplateResponse(request, "curation/bench.html", context)


# --- actions -------------------------------------------------------------------------------------------


@admin.action(description=gettext_lazy("Đọc lại bài viết (đề xuất số liệu mới)"), permissions=["change"])
def repropose_articles(model_admin, request, queryset):
    added = sum(len(propose_citations(article)) for article in queryset)
    model_admin.message_user(request, _("%(n)s đề xuất mới.") % {"n": added}, messages.SUCCESS)


def _review(model_admin, request, queryset, *, replace: bool):
    done, conflicts, errors = 0, [], []
    for citation in queryset.select_related("article", "index", "province"):
        try:
            confirm(citation, request.user, replace=replace)
            done += 1
        except FigureConflict as conflict:
            conflicts.append(f"#{citation.pk} {conflict}")
        except CurationError as error:
            errors.append(f"#{citation.pk}: {error}")
    if done:
        model_admin.message_user(request, _("Đã xác nhận %(n)s trích dẫn.") % {"n": done}, messages.SUCCESS)
    for line in conflicts:
        model_admin.message_user(
            request,
            _("Mâu thuẫn, chưa ghi đè — %(detail)s Dùng “Xác nhận và thay số liệu đã lưu” nếu nguồn này đúng.")
            % {"detail": line},
            messages.WARNING,
        )
    for line in errors:
        model_admin.message_user(request, _("Không xác nhận được %(detail)s") % {"detail": line}, messages.ERROR)


@admin.action(description=gettext_lazy("Xác nhận"), permissions=["change"])
def confirm_citations(model_admin, request, queryset):
    _review(model_admin, request, queryset, replace=False)


@admin.action(description=gettext_lazy("Xác nhận và thay số liệu đã lưu"), permissions=["change"])
def confirm_replacing(model_admin, request, queryset):
    if not request.user.has_perm("reports.change_result"):
        raise PermissionDenied
    _review(model_admin, request, queryset, replace=True)


@admin.action(description=gettext_lazy("Loại"), permissions=["change"])
def reject_citations(model_admin, request, queryset):
    done, errors = 0, []
    for citation in queryset:
        try:
            reject(citation, request.user)
            done += 1
        except CurationError as error:
            errors.append(f"#{citation.pk}: {error}")
    if done:
        model_admin.message_user(request, _("Đã loại %(n)s trích dẫn.") % {"n": done}, messages.SUCCESS)
    for line in errors:
        model_admin.message_user(request, line, messages.ERROR)
