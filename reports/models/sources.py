"""Where a figure comes from: quarterly dossier counts, the articles that state figures, and each
citation (the sentence, what it states, and the stored figure it supports)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from provinces.models import Province, Region
from provinces.text import fold, or_dash, text_fingerprint, title_from_text

from .indices import Component, Index
from .results import ComponentScore, PublishedAverage, Result

# Stored links are http(s) only (never javascript:, data: …); rendered through provinces.inputs.safe_url.
HTTP_URL = URLValidator(schemes=["http", "https"])

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
