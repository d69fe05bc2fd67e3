"""What each unit scored in an edition: results, component scores, published averages, and the
figures derived from them (``EditionStatistic``, ``Standing``), rebuilt on every write."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from provinces.models import Province, Region
from provinces.text import or_dash
from reports import tiers

from .indices import SCORE_DIGITS, Component, Edition, Status


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
