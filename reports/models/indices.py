"""What is measured and when: indices, their frameworks and components, and the yearly editions."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from provinces.models import Era
from reports import tiers

SCORE_DIGITS = {"max_digits": 6, "decimal_places": 2}


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
