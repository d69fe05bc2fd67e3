"""Indices, their frameworks and components, yearly editions, results and their sources.

Figures that can be derived (deltas, averages, percent of a component's maximum, ranks
from scores) are not stored here; ``reports.figures`` computes them. The one exception is
:class:`EditionStatistic`, a derived summary rebuilt from the results on every change. What is stored is what
a source states, each figure traceable to a :class:`Citation`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from provinces.models import Era, Province, Region
from provinces.text import fold, or_dash, text_fingerprint, title_from_text
from reports import tiers

SCORE_DIGITS = {"max_digits": 6, "decimal_places": 2}

# Stored links are http(s) only (never javascript:, data: …); rendered through provinces.inputs.safe_url.
HTTP_URL = URLValidator(schemes=["http", "https"])


class Index(models.Model):
    """A published provincial index: PAR INDEX, SIPAS, and others such as PAPI or PCI."""

    code = models.SlugField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200)
    short_name = models.CharField(_("tên ngắn"), max_length=40)
    publisher = models.CharField(_("cơ quan công bố"), max_length=200)
    description = models.TextField(_("đo lường gì"), blank=True)
    description_en = models.TextField(_("đo lường gì (tiếng Anh)"), blank=True)
    scale_max = models.DecimalField(_("thang điểm tối đa"), default=Decimal(100), **SCORE_DIGITS)
    unit = models.CharField(_("đơn vị"), max_length=16, default="điểm")
    higher_is_better = models.BooleanField(_("điểm cao hơn là tốt hơn"), default=True)
    first_year = models.PositiveSmallIntegerField(_("năm kết quả đầu tiên"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("chỉ số")
        verbose_name_plural = _("chỉ số")

    def __str__(self) -> str:
        return self.short_name


class Framework(models.Model):
    """A methodology of an index, in force for a span of result years, with its own components."""

    index = models.ForeignKey(Index, verbose_name=_("chỉ số"), on_delete=models.CASCADE, related_name="frameworks")
    name = models.CharField(_("tên"), max_length=200)
    legal_reference = models.CharField(_("văn bản quy định"), max_length=300, blank=True)
    first_year = models.PositiveSmallIntegerField(_("áp dụng từ năm kết quả"))
    last_year = models.PositiveSmallIntegerField(_("áp dụng đến năm kết quả"), null=True, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["index", "first_year"]
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["index", "first_year"], name="framework_unique_start"),
            models.CheckConstraint(
                condition=Q(last_year__isnull=True) | Q(last_year__gte=models.F("first_year")),
                name="framework_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        end = self.last_year or "…"
        return f"{self.index.short_name} {self.first_year}–{end}"

    def covers(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)


class Component(models.Model):
    """A component index (chỉ số thành phần) of one framework, with its maximum points."""

    framework = models.ForeignKey(
        Framework, verbose_name=_("bộ tiêu chí"), on_delete=models.CASCADE, related_name="components"
    )
    key = models.SlugField(_("mã"), max_length=40)
    name = models.CharField(_("tên"), max_length=300)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=300, blank=True)
    max_points = models.DecimalField(
        _("điểm tối đa"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Để trống khi chưa có nguồn công bố điểm tối đa."),
        **SCORE_DIGITS,
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("tương ứng ở bộ tiêu chí trước"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_versions",
        help_text=_("Chỉ so sánh qua các bộ tiêu chí khi có liên kết này."),
    )
    aliases = models.TextField(
        _("tên gọi khác"), blank=True, help_text=_("Mỗi dòng một tên mà nguồn tin dùng cho chỉ số thành phần này.")
    )

    class Meta:
        ordering = ["framework", "order"]
        verbose_name = _("chỉ số thành phần")
        verbose_name_plural = _("chỉ số thành phần")
        constraints = [
            models.UniqueConstraint(fields=["framework", "key"], name="component_key_unique_per_framework"),
            models.CheckConstraint(
                condition=Q(max_points__isnull=True) | Q(max_points__gt=0), name="component_max_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    PUBLISHED = "published", _("Đã công bố")


class EditionQuerySet(models.QuerySet):
    def published(self) -> EditionQuerySet:
        return self.filter(status=Status.PUBLISHED)

    def real(self) -> EditionQuerySet:
        return self.filter(is_synthetic=False)

    def in_dataset(self) -> EditionQuerySet:
        """The editions this site shows: real ones, or only synthetic ones when ``CCHC_DATASET=synthetic``.

        A site never shows both, so synthetic figures cannot mix into real ones.
        """
        return self.filter(is_synthetic=settings.CCHC_DATASET == "synthetic")


class Edition(models.Model):
    """One yearly publication of an index: the results of ``year``, announced later."""

    index = models.ForeignKey(Index, verbose_name=_("chỉ số"), on_delete=models.PROTECT, related_name="editions")
    year = models.PositiveSmallIntegerField(
        _("năm kết quả"),
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("Năm được đánh giá, không phải năm công bố: Chỉ số CCHC 2019 công bố năm 2020."),
    )
    framework = models.ForeignKey(
        Framework, verbose_name=_("bộ tiêu chí"), on_delete=models.PROTECT, null=True, blank=True
    )
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    announced_on = models.DateField(
        _("ngày công bố"), null=True, blank=True, help_text=_("Để trống khi chưa có nguồn nêu ngày công bố.")
    )
    units_ranked = models.PositiveSmallIntegerField(
        _("số đơn vị được xếp hạng"), validators=[MinValueValidator(1)], help_text=_("63 đến 2024, 34 từ 2025.")
    )
    grouping = models.TextField(
        _("cách phân nhóm"), blank=True, help_text=_("Các nhóm như đã công bố năm đó, ví dụ nhóm A ≥ 90%.")
    )
    # null, no default: SQLite adds the column in place instead of rebuilding the table (which would drop
    # the cross-table triggers of migration 0002). Empty (None or []) means no scheme is published.
    group_scheme = models.JSONField(
        _("thang nhóm"),
        null=True,
        blank=True,
        help_text=_(
            "Các nhóm như đã công bố, nhóm tốt nhất trước: "
            '[{"position": 1, "label": "Nhóm A", "label_en": "Group A", "aliases": [], "lower": 90, "upper": null}]. '
            "Kết quả được xếp bậc theo tên nhóm đã công bố, không theo điểm (reports/tiers.py)."
        ),
    )
    is_synthetic = models.BooleanField(_("dữ liệu giả lập"), default=False)
    notes = models.TextField(_("ghi chú"), blank=True)

    objects = EditionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["index", "-year"]
        verbose_name = _("kỳ công bố")
        verbose_name_plural = _("kỳ công bố")
        permissions = [
            ("view_draft_results", _("Xem kết quả dự thảo của mọi tỉnh")),
            ("publish_edition", _("Công bố kỳ công bố (chuyển dự thảo thành đã công bố)")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["index", "year", "is_synthetic"], name="edition_unique_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.index.short_name} {self.year}"

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        scheme = tiers.scheme_snapshot(self.group_scheme)
        update_fields = kwargs.get("update_fields")
        if (
            not adding
            and getattr(self, "_loaded_scheme", None) != scheme
            and (update_fields is None or "group_scheme" in update_fields)
        ):
            tiers.refresh_edition(self)  # the scheme changed: its results' tiers follow their labels
        self._loaded_scheme = scheme

    def get_absolute_url(self) -> str:
        return reverse("dashboard:rankings") + f"?index={self.index.code}&year={self.year}"

    @classmethod
    def from_db(cls, db, field_names, values):
        edition = super().from_db(db, field_names, values)
        if "group_scheme" in edition.__dict__:  # not deferred: what a save compares with
            edition._loaded_scheme = tiers.scheme_snapshot(edition.__dict__["group_scheme"])
        return edition

    @property
    def era(self) -> Era:
        return Era.of_year(self.year)

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    def clean(self) -> None:
        errors = tiers.validate_scheme(self.group_scheme)
        if errors:
            raise ValidationError({"group_scheme": errors})
        if self.framework_id and self.framework.index_id != self.index_id:
            raise ValidationError({"framework": _("Bộ tiêu chí thuộc chỉ số khác.")})
        if self.framework_id and not self.framework.covers(self.year):
            raise ValidationError({"framework": _("Bộ tiêu chí không áp dụng cho năm này.")})


class ResultQuerySet(models.QuerySet):
    def published(self) -> ResultQuerySet:
        return self.filter(edition__status=Status.PUBLISHED)


class Result(models.Model):
    """A unit's result in one edition: total score, rank and group as published."""

    edition = models.ForeignKey(Edition, verbose_name=_("kỳ công bố"), on_delete=models.CASCADE, related_name="results")
    province = models.ForeignKey(
        Province, verbose_name=_("tỉnh, thành phố"), on_delete=models.PROTECT, related_name="results"
    )
    score = models.DecimalField(
        _("điểm"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Trên thang 100 (điểm hoặc %). Để trống khi nguồn chỉ nêu thứ hạng."),
        **SCORE_DIGITS,
    )
    rank = models.PositiveSmallIntegerField(_("thứ hạng"), null=True, blank=True, validators=[MinValueValidator(1)])
    group = models.CharField(_("nhóm"), max_length=80, blank=True, help_text=_("Như đã công bố, ví dụ B, nhóm tốt."))
    # The position of the published group in its edition's scheme (1 = best), from the label only, never
    # from the score; empty when the label matches no band (reports/tiers.py). Derived: no history.
    tier = models.PositiveSmallIntegerField(
        _("bậc nhóm"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Vị trí của nhóm đã công bố trong thang nhóm của kỳ (1 = cao nhất), theo tên nhóm, không theo điểm."
        ),
    )
    # Deltas as a source states them; used only where the previous result itself is not held.
    reported_score_delta = models.DecimalField(_("tăng/giảm điểm (theo nguồn)"), null=True, blank=True, **SCORE_DIGITS)
    reported_rank_delta = models.SmallIntegerField(_("tăng/giảm bậc (theo nguồn)"), null=True, blank=True)
    disputed = models.BooleanField(
        _("nguồn mâu thuẫn"), default=False, help_text=_("Các nguồn nêu số liệu khác nhau; cần biên tập viên xem lại.")
    )

    objects = ResultQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["tier"])

    class Meta:
        ordering = ["edition", "rank", "province__name"]
        verbose_name = _("kết quả")
        verbose_name_plural = _("kết quả")
        constraints = [
            models.UniqueConstraint(fields=["edition", "province"], name="result_unique_per_edition"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)),
                name="result_score_within_scale",
                violation_error_message=_("Điểm phải nằm trong thang 0–100."),
            ),
            models.CheckConstraint(
                condition=Q(rank__isnull=True) | Q(rank__gte=1),
                name="result_rank_positive",
                violation_error_message=_("Thứ hạng bắt đầu từ 1."),
            ),
        ]
        indexes = [
            # rankings of one edition, ordered by rank
            models.Index(fields=["edition", "rank"], name="result_edition_rank"),
            # averages of an edition (national, and regional through the unit): Sum/Count read from the index
            models.Index(fields=["edition", "score", "province"], name="result_edition_score"),
        ]

    def __str__(self) -> str:
        return f"{self.province.name} — {self.edition}"

    def save(self, *args, **kwargs):
        # the tier follows the published label on every save (admin, import, confirmation, loader)
        self.tier = tiers.tier_of(self.edition.group_scheme, self.group) if self.edition_id else None
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "tier"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        if self.edition_id and self.province_id:
            if not self.province.existed_in(self.edition.year):
                errors["province"] = _("%(province)s không tồn tại trong năm %(year)s.") % {
                    "province": self.province,
                    "year": self.edition.year,
                }
            if self.rank and self.rank > self.edition.units_ranked:
                errors["rank"] = _("Thứ hạng vượt quá số đơn vị được xếp hạng (%(n)s).") % {
                    "n": self.edition.units_ranked
                }
            if self.score is not None and self.score > self.edition.index.scale_max:
                errors["score"] = _("Điểm vượt thang điểm của chỉ số.")
        if errors:
            raise ValidationError(errors)


class ComponentScore(models.Model):
    """A result's score on one component of the edition's framework."""

    result = models.ForeignKey(
        Result, verbose_name=_("kết quả"), on_delete=models.CASCADE, related_name="component_scores"
    )
    component = models.ForeignKey(
        Component, verbose_name=_("chỉ số thành phần"), on_delete=models.PROTECT, related_name="scores"
    )
    score = models.DecimalField(_("điểm"), null=True, blank=True, validators=[MinValueValidator(0)], **SCORE_DIGITS)
    rank = models.PositiveSmallIntegerField(_("thứ hạng"), null=True, blank=True, validators=[MinValueValidator(1)])

    history = HistoricalRecords()

    class Meta:
        ordering = ["result", "component__order"]
        verbose_name = _("điểm chỉ số thành phần")
        verbose_name_plural = _("điểm chỉ số thành phần")
        constraints = [
            models.UniqueConstraint(fields=["result", "component"], name="component_score_unique_per_result"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0),
                name="component_score_not_negative",
            ),
            models.CheckConstraint(condition=Q(rank__isnull=True) | Q(rank__gte=1), name="component_rank_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.component} — {or_dash(self.score)}"

    def clean(self) -> None:
        if not (self.component_id and self.result_id):
            return
        if self.component.framework_id != self.result.edition.framework_id:
            raise ValidationError({"component": _("Chỉ số thành phần không thuộc bộ tiêu chí của kỳ này.")})
        if self.score is not None and self.component.max_points is not None and self.score > self.component.max_points:
            raise ValidationError(
                {
                    "score": _("Điểm vượt điểm tối đa %(max)s của chỉ số thành phần.")
                    % {"max": self.component.max_points}
                }
            )


class PublishedAverage(models.Model):
    """A statistic a source states for an edition: national (no region) or regional; a mean (the usual
    "điểm trung bình") or, where a source says so, a median, which is never shown as an average.

    When sources disagree the row is ``disputed`` and ``stated`` lists every value they give; with as
    many sources on each side ``value`` stays empty: the pages show the stated values, flagged, and
    never replace them by a mean computed from the units held.
    """

    class Statistic(models.TextChoices):
        MEAN = "mean", _("trung bình")
        MEDIAN = "median", _("trung vị")

    edition = models.ForeignKey(
        Edition, verbose_name=_("kỳ công bố"), on_delete=models.CASCADE, related_name="averages"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("vùng"), on_delete=models.PROTECT, null=True, blank=True, help_text=_("Trống: cả nước.")
    )
    statistic = models.CharField(_("thống kê"), max_length=8, choices=Statistic.choices, default=Statistic.MEAN)
    value = models.DecimalField(
        _("giá trị"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Trống khi các nguồn nêu số khác nhau, ngang số nguồn."),
        **SCORE_DIGITS,
    )
    disputed = models.BooleanField(_("nguồn mâu thuẫn"), default=False)
    stated = models.CharField(
        _("các giá trị nguồn nêu"),
        max_length=200,
        blank=True,
        help_text=_("Khi các nguồn mâu thuẫn, ví dụ 86.82; 87.72."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["edition", "region__order", "statistic"]
        verbose_name = _("trung bình đã công bố")
        verbose_name_plural = _("trung bình đã công bố")
        constraints = [
            models.UniqueConstraint(fields=["edition", "region", "statistic"], name="average_unique_per_region"),
            models.UniqueConstraint(
                fields=["edition", "statistic"], condition=Q(region__isnull=True), name="average_unique_national"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | (Q(value__gte=0) & Q(value__lte=100)), name="average_within_scale"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(stated=""), name="average_has_a_value_or_stated_values"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition} — {self.region or _('cả nước')}: {or_dash(self.value or self.stated)}"


class EditionStatistic(models.Model):
    """How an edition's scores are spread, derived from its results: never edited, never cited.

    One row per edition for the total score (``component`` empty) and per component, for the whole
    country (``region`` empty) and per region of the units. Pages read averages, the leaders and
    the yearly distribution from these few rows instead of aggregating every result of an edition,
    so they cost the same however many units an edition ranks. ``reports.derived.refresh_statistics``
    rebuilds an edition's rows whenever one of its results, component scores or units changes.

    They cover every result of the edition, drafts included: a page uses them only for someone who
    may see the whole edition (see ``dashboard.pages.visible_editions``).
    """

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="statistics")
    region = models.ForeignKey(Region, on_delete=models.CASCADE, null=True, blank=True)
    component = models.ForeignKey(Component, on_delete=models.CASCADE, null=True, blank=True)
    units_held = models.PositiveIntegerField(_("số đơn vị có điểm"))
    total = models.DecimalField(_("tổng điểm"), max_digits=12, decimal_places=2, null=True)
    lowest = models.DecimalField(_("thấp nhất"), null=True, **SCORE_DIGITS)
    lower_quartile = models.DecimalField(_("tứ phân vị dưới"), null=True, **SCORE_DIGITS)
    median = models.DecimalField(_("trung vị"), null=True, **SCORE_DIGITS)
    upper_quartile = models.DecimalField(_("tứ phân vị trên"), null=True, **SCORE_DIGITS)
    highest = models.DecimalField(_("cao nhất"), null=True, **SCORE_DIGITS)
    # Who holds the highest score: the first names in Vietnamese alphabetical order, and how many
    # there are in all (synthetic panels tie at the maxima by the hundred).
    leaders = models.JSONField(_("đơn vị dẫn đầu"), default=list)
    leaders_count = models.PositiveIntegerField(_("số đơn vị dẫn đầu"), default=0)
    # Of the total score's rows only: how many units have a result and a published rank (the
    # coverage every page states) and the groups published that year, in Vietnamese order.
    units_with_result = models.PositiveIntegerField(_("số đơn vị có kết quả"), default=0)
    units_with_rank = models.PositiveIntegerField(_("số đơn vị có thứ hạng"), default=0)
    groups = models.JSONField(_("các nhóm"), default=list)

    class Meta:
        verbose_name = _("thống kê kỳ công bố")
        verbose_name_plural = _("thống kê kỳ công bố")
        indexes = [models.Index(fields=["edition", "component", "region"], name="statistic_edition")]

    def __str__(self) -> str:
        return f"{self.edition_id}/{self.region_id or '-'}/{self.component_id or '-'}: {self.units_held}"


class Standing(models.Model):
    """Where a result stands in its edition, derived like EditionStatistic: never edited, never cited.

    ``rank`` is the effective rank (``figures.effective_ranks``: published, else computed from complete
    scores), ``score_change`` the score change on the previous edition (``figures.changes_for``, on
    the previous year's edition when it is published, as every visitor sees it). ``position`` is the
    result's place in the order pages read an edition in (``figures.RESULT_ORDER``) and
    ``name_position`` its unit's place by folded name, so that a page can sort and cut one page of a
    large edition in SQL with the same ties as a Python sort of the whole edition; ``rank_position``
    its place in the rankings' default order (effective rank, ties and unranked units in that order).
    ``gain`` and ``loss`` number the biggest score gains and losses (from 1): the rankings read one
    page, and the overview its first few leaders and movers, by index. ``rank_change``,
    ``change_basis`` and ``previous`` complete the change (``figures.Change``: the prior results it was
    measured on, as ``figures.change_record`` writes them), so that a page of rows needs no read of
    the previous edition.

    ``derived.refresh_statistics`` rebuilds an edition's rows with its statistics and those of the
    edition a year later, which compares with it. A page uses them only for someone who sees both
    editions whole (``dashboard.pages.standings_apply``).
    """

    result = models.OneToOneField(Result, on_delete=models.CASCADE, primary_key=True, related_name="standing")
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="standings")
    rank = models.PositiveIntegerField(_("thứ hạng"), null=True)
    score_change = models.DecimalField(_("tăng/giảm điểm"), null=True, **SCORE_DIGITS)
    position = models.PositiveIntegerField(_("thứ tự trong kỳ"))
    name_position = models.PositiveIntegerField(_("thứ tự theo tên"))
    rank_position = models.PositiveIntegerField(_("thứ tự xếp hạng"))
    gain = models.PositiveIntegerField(_("thứ tự tăng điểm"), null=True)
    loss = models.PositiveIntegerField(_("thứ tự giảm điểm"), null=True)
    rank_change = models.IntegerField(_("tăng/giảm hạng"), null=True)
    change_basis = models.CharField(_("căn cứ so sánh"), max_length=24, default="none")
    previous = models.JSONField(_("kết quả kỳ trước"), default=list)

    class Meta:
        verbose_name = _("vị trí trong kỳ công bố")
        verbose_name_plural = _("vị trí trong kỳ công bố")
        indexes = [
            models.Index(fields=["edition", "position"], name="standing_edition_position"),
            # the rankings' default order, read one page at a time
            models.Index(fields=["edition", "rank_position"], name="standing_edition_rank_position"),
        ]

    def __str__(self) -> str:
        return f"{self.result_id}: {or_dash(self.rank)} ({or_dash(self.score_change)})"


OPTIONAL = {"null": True, "blank": True}  # a link that may be absent


class DossierStat(models.Model):
    """Administrative-procedure dossiers (hồ sơ TTHC) a province reports for a quarter.

    ``received`` is every dossier the province handled in the quarter (those carried over from the
    previous quarter included, as the public-service portal counts them), so a quarter is consistent
    when ``on_time + late + pending <= received`` (dossiers withdrawn or returned make up the rest).
    An officer's entry is *submitted*, public once a curator confirms it (``Viewer.dossier_stats``);
    every new row starts submitted, whoever writes it: deny by default.
    """

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Chờ xác nhận")
        CONFIRMED = "confirmed", _("Đã xác nhận")

    province = models.ForeignKey(
        Province, verbose_name=_("tỉnh, thành phố"), on_delete=models.PROTECT, related_name="dossier_stats"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    quarter = models.PositiveSmallIntegerField(_("quý"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    received = models.PositiveIntegerField(_("tiếp nhận"), null=True, blank=True)
    on_time = models.PositiveIntegerField(_("giải quyết đúng hạn"), null=True, blank=True)
    late = models.PositiveIntegerField(_("trễ hạn"), null=True, blank=True)
    pending = models.PositiveIntegerField(_("đang giải quyết"), null=True, blank=True)
    article = models.ForeignKey(
        "SourceArticle", verbose_name=_("nguồn"), on_delete=models.SET_NULL, null=True, blank=True
    )
    source_url = models.URLField(_("địa chỉ nguồn"), max_length=500, blank=True, validators=[HTTP_URL])
    note = models.TextField(_("ghi chú"), blank=True)
    status = models.CharField(_("trạng thái"), max_length=16, choices=State.choices, default=State.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, "+", verbose_name=_("người gửi"), **OPTIONAL
    )
    submitted_at = models.DateTimeField(_("ngày gửi"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, "+", verbose_name=_("người xác nhận"), **OPTIONAL
    )
    confirmed_at = models.DateTimeField(_("ngày xác nhận"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["province", "-year", "-quarter"]
        verbose_name = _("số liệu hồ sơ TTHC theo quý")
        verbose_name_plural = _("số liệu hồ sơ TTHC theo quý")
        constraints = [
            models.UniqueConstraint(fields=["province", "year", "quarter"], name="dossier_unique_per_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="dossier_quarter_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.province.name} Q{self.quarter}/{self.year}"

    def save(self, *args, **kwargs):
        if self.source_url:
            HTTP_URL(self.source_url)  # every write path, not only forms (as SourceArticle.url)
        super().save(*args, **kwargs)

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.State.CONFIRMED

    @property
    def on_time_rate(self) -> Decimal | None:
        """Percent of the dossiers *resolved* in the quarter that were resolved on time:
        ``100 * on_time / (on_time + late)``. Pending dossiers are not in it (they are neither on
        time nor late yet). ``None`` when either count is missing or nothing was resolved: never 0."""
        if self.on_time is None or self.late is None or self.on_time + self.late == 0:
            return None
        return (Decimal(100) * self.on_time / (self.on_time + self.late)).quantize(Decimal("0.01"))


class SourceArticle(models.Model):
    """A news article or report that states figures, stored with its full text."""

    url = models.URLField(_("địa chỉ"), max_length=500, blank=True, validators=[HTTP_URL])
    title = models.CharField(_("tiêu đề"), max_length=500, blank=True)
    publisher = models.CharField(_("cơ quan đăng"), max_length=200, blank=True)
    published_on = models.DateField(_("ngày đăng"), null=True, blank=True)
    language = models.CharField(_("ngôn ngữ"), max_length=8, default="vi")
    text = models.TextField(_("nội dung"), blank=True)
    fingerprint = models.CharField(_("dấu vân tay nội dung"), max_length=64, editable=False)
    # title and text folded (no diacritics, lower case): the SQLite fallback of sources.intake.search_articles
    search_text = models.TextField(_("nội dung để tìm kiếm"), blank=True, editable=False)
    provinces = models.ManyToManyField(Province, verbose_name=_("tỉnh, thành phố"), blank=True, related_name="articles")
    added_at = models.DateTimeField(_("ngày thêm"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[provinces], excluded_fields=["search_text"])

    class Meta:
        ordering = ["-published_on", "title"]
        verbose_name = _("bài viết nguồn")
        verbose_name_plural = _("bài viết nguồn")
        constraints = [
            models.UniqueConstraint(fields=["url"], condition=~Q(url=""), name="article_url_unique"),
            models.UniqueConstraint(fields=["fingerprint"], condition=~Q(fingerprint=""), name="article_text_unique"),
        ]

    def __str__(self) -> str:
        return self.title or self.url or f"#{self.pk}"

    def save(self, *args, **kwargs):
        if self.url:
            HTTP_URL(self.url)  # every write path, not only forms: a link is http(s) or nothing is stored
        self.fingerprint = text_fingerprint(self.text) if self.text.strip() else ""
        self.title = self.title or title_from_text(self.text)  # listed by its own headline, not its URL
        self.search_text = fold(f"{self.title}\n{self.publisher}\n{self.text}")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "fingerprint", "title", "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("dashboard:article", args=[self.pk])


class Metric(models.TextChoices):
    """What a stated figure is (the metric names of par_facts.csv)."""

    SCORE = "score", _("Điểm")
    RANK = "rank", _("Thứ hạng")
    RANK_OF = "rank_of", _("Số đơn vị xếp hạng")
    SCORE_DELTA = "score_delta", _("Tăng/giảm điểm")
    RANK_DELTA = "rank_delta", _("Tăng/giảm bậc")
    GROUP = "group", _("Nhóm")
    AVERAGE = "average", _("Trung bình")
    MEDIAN = "median", _("Trung vị")
    COMPONENT_SCORE = "component_score", _("Điểm chỉ số thành phần")
    COMPONENT_RANK = "component_rank", _("Thứ hạng chỉ số thành phần")
    COMPONENT_SCORE_DELTA = "component_score_delta", _("Tăng/giảm điểm chỉ số thành phần")
    COMPONENT_RANK_DELTA = "component_rank_delta", _("Tăng/giảm bậc chỉ số thành phần")
    DOSSIER_RECEIVED = "dossier_received", _("Hồ sơ tiếp nhận")
    DOSSIER_ON_TIME = "dossier_on_time", _("Hồ sơ giải quyết đúng hạn")
    DOSSIER_LATE = "dossier_late", _("Hồ sơ trễ hạn")
    DOSSIER_PENDING = "dossier_pending", _("Hồ sơ đang giải quyết")


class CitationQuerySet(models.QuerySet):
    def confirmed(self) -> CitationQuerySet:
        return self.filter(state=Citation.State.CONFIRMED)

    def suggested(self) -> CitationQuerySet:
        return self.filter(state=Citation.State.SUGGESTED)

    def conflicts(self) -> CitationQuerySet:
        return self.filter(conflict=True).exclude(state=Citation.State.REJECTED)


class Citation(models.Model):
    """A figure as one article states it, with the sentence that states it.

    A confirmed citation is the provenance of the stored figure it points to; a suggested one
    is the reader's proposal awaiting a curator. Citations that disagree with the stored
    figure are kept and flagged, never averaged or silently dropped.
    """

    class State(models.TextChoices):
        SUGGESTED = "suggested", _("Đề xuất")
        CONFIRMED = "confirmed", _("Đã xác nhận")
        REJECTED = "rejected", _("Đã loại")

    article = models.ForeignKey(
        SourceArticle, verbose_name=_("bài viết"), on_delete=models.CASCADE, related_name="citations"
    )
    index = models.ForeignKey(Index, verbose_name=_("chỉ số"), on_delete=models.PROTECT, related_name="citations")
    year = models.PositiveSmallIntegerField(_("năm kết quả"), null=True, blank=True)
    province = models.ForeignKey(
        Province,
        verbose_name=_("tỉnh, thành phố"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="citations",
    )
    region = models.ForeignKey(Region, verbose_name=_("vùng"), on_delete=models.PROTECT, null=True, blank=True)
    is_national = models.BooleanField(_("cả nước"), default=False)
    metric = models.CharField(_("loại số liệu"), max_length=32, choices=Metric.choices)
    component_name = models.CharField(_("chỉ số thành phần (như nguồn gọi)"), max_length=300, blank=True)
    component = models.ForeignKey(
        Component, verbose_name=_("chỉ số thành phần"), on_delete=models.SET_NULL, null=True, blank=True
    )
    period = models.CharField(_("kỳ"), max_length=16, blank=True, help_text=_("Ví dụ 2023-Q1 cho số liệu theo quý."))
    value_number = models.DecimalField(_("giá trị số"), max_digits=14, decimal_places=2, null=True, blank=True)
    value_text = models.CharField(_("giá trị chữ"), max_length=120, blank=True)
    quote = models.TextField(_("trích dẫn"))
    quote_search = models.TextField(blank=True, editable=False)  # folded: articles are found by their quotes
    state = models.CharField(_("trạng thái"), max_length=16, choices=State.choices, default=State.SUGGESTED)
    conflict = models.BooleanField(
        _("mâu thuẫn"), default=False, help_text=_("Khác với số liệu đã lưu hoặc với nguồn khác.")
    )
    result = models.ForeignKey(
        Result, verbose_name=_("kết quả"), on_delete=models.SET_NULL, null=True, blank=True, related_name="citations"
    )
    component_score = models.ForeignKey(
        ComponentScore,
        verbose_name=_("điểm thành phần"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="citations",
    )
    average = models.ForeignKey(
        PublishedAverage,
        verbose_name=_("trung bình"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="citations",
    )
    dossier_stat = models.ForeignKey(
        DossierStat,
        verbose_name=_("hồ sơ TTHC"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="citations",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người duyệt"), on_delete=models.SET_NULL, null=True, blank=True
    )
    reviewed_at = models.DateTimeField(_("ngày duyệt"), null=True, blank=True)

    objects = CitationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["quote_search"])

    class Meta:
        ordering = ["index", "year", "province__name", "metric"]
        verbose_name = _("trích dẫn số liệu")
        verbose_name_plural = _("trích dẫn số liệu")
        constraints = [
            models.CheckConstraint(
                condition=Q(value_number__isnull=False) | ~Q(value_text=""), name="citation_has_value"
            ),
        ]
        indexes = [
            # a result's provenance on the province and rankings pages
            models.Index(fields=["result", "state"], name="citation_result_state"),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} {or_dash(self.value)}: {self.quote[:60]}"

    def save(self, *args, **kwargs):
        self.quote_search = fold(self.quote)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "quote_search"}
        super().save(*args, **kwargs)

    @property
    def value(self):
        return self.value_number if self.value_number is not None else self.value_text

    @property
    def subject(self) -> str:
        if self.province_id:
            return self.province.name
        if self.region_id:
            return self.region.name
        return str(_("Cả nước")) if self.is_national else "—"
