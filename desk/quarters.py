"""A province's quarterly procedure figures on its desk (``/ban-lam-viec/<slug>/quy/``, ``desk:quarters``).

Who may do what (the rows themselves are filtered by ``reports.visibility.Viewer.dossier_stats``):

- open the page: the province's officers (a 2025 unit's officer also its predecessors' pages), ministry
  staff and curators (:meth:`Viewer.sees_desk_of`); anonymous visitors are sent to sign in, anyone
  else gets a 403;
- enter a quarter: the province's own officers and curators (:func:`may_submit`). An entry is
  *submitted*; a curator confirms it in the admin (``curation/admin/figures.py``), and only then is
  it public. A submitted quarter may be replaced by a new entry; a confirmed one never through this
  form (a curator corrects it in the admin, where its history is kept).

The form reads counts as people write them in Vietnamese (``113.905`` → 113905, ``provinces.text``) and
refuses, with a message and without writing anything: negative or fractional counts, a quarter that
has not begun yet or when the unit did not exist, a quarter whose resolved and pending dossiers exceed
those received (``DossierStat`` says why ``on_time + late + pending <= received``), an entry with no
count or no source, and a confirmed quarter.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from dashboard.charts import PALETTE, as_float, base_layout, with_legend
from dashboard.pages.province import quarter_label, quarter_rows
from provinces.inputs import validate_http_url
from provinces.lineage import predecessor_ids
from provinces.models import Province
from provinces.text import parse_number
from reports.models import DossierStat, SourceArticle
from reports.visibility import Viewer, viewer_of

COUNTS = ("received", "on_time", "late", "pending")
FIRST_YEAR = 2000  # no portal reported quarterly dossier figures before this


class CountField(forms.CharField):
    """A count of dossiers as a person writes it: ``113.905``, ``113905`` or ``113 905``; blank is
    "not stated" (None), never 0."""

    def widget_attrs(self, widget):
        # "decimal", not "numeric": a phone's keypad then has the dot that groups thousands
        return {**super().widget_attrs(widget), "inputmode": "decimal"}

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            number = parse_number(value)
        except ValueError:
            raise forms.ValidationError(
                _("“%(value)s” không phải là một số. Ghi số hồ sơ, ví dụ 113.905.") % {"value": value}
            ) from None
        if number < 0:
            raise forms.ValidationError(_("Số hồ sơ không được âm."))
        if number != number.to_integral_value():
            raise forms.ValidationError(_("Số hồ sơ phải là số nguyên (dấu chấm ngăn cách hàng nghìn: 113.905)."))
        return int(number)


class QuarterForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Năm"), min_value=FIRST_YEAR)
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("Quý"), choices=[(q, q) for q in range(1, 5)], coerce=int, empty_value=None
    )
    received = CountField(label=gettext_lazy("Hồ sơ tiếp nhận"), required=False)
    on_time = CountField(label=gettext_lazy("Giải quyết đúng hạn"), required=False)
    late = CountField(label=gettext_lazy("Giải quyết trễ hạn"), required=False)
    pending = CountField(label=gettext_lazy("Đang giải quyết"), required=False)
    source_url = forms.URLField(
        label=gettext_lazy("Địa chỉ nguồn (http:// hoặc https://)"),
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[validate_http_url],
    )
    article = forms.ModelChoiceField(
        label=gettext_lazy("hoặc bài viết nguồn đã lưu"), queryset=SourceArticle.objects.none(), required=False
    )
    note = forms.CharField(label=gettext_lazy("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(
        self, *args, province: Province, units: list[int] | None = None, today: datetime.date | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.province = province
        self.today = today or timezone.localdate()
        # a hint for the browser only: a later year gets the form's own message ("not begun yet")
        self.fields["year"].widget.attrs["max"] = self.today.year
        # the articles stored about this unit (or the units it was formed from)
        units = units or [province.pk, *predecessor_ids(province.pk)]
        self.fields["article"].queryset = (
            SourceArticle.objects.filter(provinces__in=units).distinct().order_by("-published_on", "title")
        )

    def clean(self):
        data = super().clean()
        year, quarter = data.get("year"), data.get("quarter")
        if year is not None and quarter is not None:
            first_day = datetime.date(year, 3 * quarter - 2, 1)
            last_day = _quarter_end(year, quarter)
            if first_day > self.today:
                self.add_error("quarter", _("Quý %(quarter)s/%(year)s chưa bắt đầu.") % data)
            elif (self.province.valid_from and last_day < self.province.valid_from) or (
                self.province.valid_to and first_day > self.province.valid_to
            ):
                self.add_error(
                    "year",
                    _("%(province)s không tồn tại trong quý %(quarter)s/%(year)s.")
                    % {"province": self.province.name, **data},
                )
        counts = {name: data.get(name) for name in COUNTS}
        if not self.errors and all(value is None for value in counts.values()):
            raise forms.ValidationError(_("Nhập ít nhất một số liệu của quý."))
        given = [counts[name] for name in ("on_time", "late", "pending") if counts[name] is not None]
        if counts["received"] is not None and sum(given) > counts["received"]:
            raise forms.ValidationError(
                _(
                    "Số hồ sơ đúng hạn, trễ hạn và đang giải quyết cộng lại (%(total)s) vượt quá số hồ sơ "
                    "tiếp nhận (%(received)s)."
                )
                % {"total": sum(given), "received": counts["received"]}
            )
        if not data.get("source_url") and not data.get("article") and "source_url" not in self.errors:
            self.add_error("source_url", _("Ghi nguồn của số liệu: địa chỉ một trang, hoặc chọn một bài viết đã lưu."))
        return data


def _quarter_end(year: int, quarter: int) -> datetime.date:
    if quarter == 4:
        return datetime.date(year, 12, 31)
    return datetime.date(year, 3 * quarter + 1, 1) - datetime.timedelta(days=1)


def may_submit(user, viewer: Viewer, province: Province) -> bool:
    """The province's own officers (not their predecessors' or successors'), and curators who may add figures."""
    if not user.is_authenticated:
        return False
    if user.province_id == province.pk:
        return True
    return viewer.is_curator and user.has_perm("reports.add_dossierstat")


class ConfirmedQuarter(Exception):
    """The quarter is confirmed: the form never overwrites it."""


def submit(form: QuarterForm, user) -> DossierStat:
    """Store the form's quarter as *submitted*; raises :class:`ConfirmedQuarter` if it is confirmed
    (checked under a row lock, so a curator's confirmation in between is never overwritten)."""
    data = form.cleaned_data
    with transaction.atomic():
        stat = (
            DossierStat.objects.select_for_update()
            .filter(province=form.province, year=data["year"], quarter=data["quarter"])
            .first()
        ) or DossierStat(province=form.province, year=data["year"], quarter=data["quarter"])
        if stat.is_confirmed:
            raise ConfirmedQuarter
        for name in (*COUNTS, "source_url", "article", "note"):
            setattr(stat, name, data[name])
        stat.status = DossierStat.State.SUBMITTED
        stat.submitted_by, stat.submitted_at = user, timezone.now()
        stat.confirmed_by = stat.confirmed_at = None
        stat.save()
    return stat


# -- the page ------------------------------------------------------------------------------------


def quarters_chart(rows: list[dict]) -> dict:
    """Dossiers per quarter as stacked bars from zero (on time, late, pending: parts of those received),
    received as a marker, the on-time rate on its own axis (0–100 %). A missing count draws nothing."""
    labels = [r["label"] for r in rows]
    data = []
    parts = (("on_time", _("Đúng hạn")), ("late", _("Trễ hạn")), ("pending", _("Đang giải quyết")))
    for i, (name, title) in enumerate(parts):
        data.append(
            {
                "type": "bar",
                "name": title,
                "x": labels,
                "y": [getattr(r["stat"], name) for r in rows],
                "marker": {"color": PALETTE[i]},
                "hovertemplate": f"%{{x}}<br>{title}: %{{y:,d}}<extra></extra>",
            }
        )
    received = _("Tiếp nhận")
    data.append(
        {
            "type": "scatter",
            "mode": "markers",
            "name": received,
            "x": labels,
            "y": [r["stat"].received for r in rows],
            "marker": {"color": PALETTE[7], "symbol": "line-ew-open", "size": 28, "line": {"width": 3}},
            "hovertemplate": f"%{{x}}<br>{received}: %{{y:,d}}<extra></extra>",
        }
    )
    rate = _("Tỉ lệ đúng hạn (%)")
    data.append(
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": rate,
            "x": labels,
            "y": [as_float(r["rate"]) for r in rows],
            "yaxis": "y2",
            "line": {"color": PALETTE[5], "dash": "dot"},
            "marker": {"symbol": "diamond"},
            "connectgaps": False,
            "hovertemplate": f"%{{x}}<br>{rate}: %{{y:.2f}}<extra></extra>",
        }
    )
    layout = with_legend(
        360,
        len(data),
        barmode="stack",
        xaxis={"type": "category", "title": {"text": _("Quý")}},
        yaxis={"rangemode": "tozero", "tickformat": ",d", "title": {"text": _("Số hồ sơ")}},
        yaxis2={"overlaying": "y", "side": "right", "range": [0, 100], "title": {"text": rate}, "showgrid": False},
    )
    layout["margin"] = layout["margin"] | {"r": 60}
    return {"data": data, "layout": layout} if rows else {"data": [], "layout": base_layout()}


def quarters_context(province: Province, predecessors: list[Province], viewer: Viewer, form) -> dict:
    """Everything the page shows: one query (the quarters with their sources), and the form's articles."""
    stats = viewer.dossier_stats().filter(province=province).select_related("article", "submitted_by")
    rows = quarter_rows(stats)
    return {
        "province": province,
        "rows": rows,
        "chart": quarters_chart(rows),
        "form": form,
        "predecessors": [p for p in predecessors if viewer.sees_desk_of(p.pk)],
        "successor": province.successor if viewer.sees_desk_of(province.successor_id) else None,
        "sees_review": viewer.sees_drafts,
    }


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def quarters_page(request: HttpRequest, slug: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    province = get_object_or_404(Province.objects.in_dataset().select_related("successor"), slug=slug)
    viewer = viewer_of(request)
    if not viewer.sees_desk_of(province.pk):
        raise PermissionDenied
    allowed = may_submit(request.user, viewer, province)
    predecessors = list(Province.objects.filter(successor=province).order_by("name"))  # provinces.lineage
    units = [province.pk, *(p.pk for p in predecessors)]
    form = QuarterForm(province=province, units=units) if allowed else None
    status = 200
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied
        form = QuarterForm(request.POST, province=province, units=units)
        if form.is_valid():
            try:
                stat = submit(form, request.user)
            except ConfirmedQuarter:
                form.add_error(
                    None,
                    _("Quý %(quarter)s/%(year)s đã được xác nhận: không thể ghi đè. Đề nghị biên tập viên sửa.")
                    % form.cleaned_data,
                )
            else:
                messages.success(
                    request,
                    _("Đã gửi số liệu quý %(label)s. Số liệu chờ biên tập viên xác nhận trước khi công bố.")
                    % {"label": quarter_label(stat.year, stat.quarter)},
                )
                return redirect(reverse("desk:quarters", args=[province.slug]))
        status = 400
    context = quarters_context(province, predecessors, viewer, form)
    return render(request, "desk/quarters.html", context, status=status)
