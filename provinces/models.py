"""Regions, provincial units of both eras, their lineage and the names they go by.

A GSO code alone never identifies a unit: code 24 was Bắc Giang until 30 June 2025 and is
Bắc Ninh from 1 July 2025. Identity is the unit with its validity dates; the code is an
attribute, unique only within an era.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .text import fold

MERGER_DATE = datetime.date(2025, 7, 1)


class Era(models.IntegerChoices):
    """The two administrative maps the indices have been published on."""

    UNITS_63 = 63, _("63 tỉnh, thành phố (đến 30/6/2025)")
    UNITS_34 = 34, _("34 tỉnh, thành phố (từ 1/7/2025)")

    @classmethod
    def of_year(cls, year: int) -> Era:
        """The era a result year was assessed in: units existing on 31 December of that year."""
        return cls.UNITS_34 if datetime.date(year, 12, 31) >= MERGER_DATE else cls.UNITS_63


class Region(models.Model):
    """One of the six socio-economic regions MOHA averages in its PAR INDEX reports."""

    code = models.SlugField(_("mã"), max_length=64, unique=True)
    name = models.CharField(_("tên"), max_length=100, unique=True)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=100)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("vùng")
        verbose_name_plural = _("vùng")

    def __str__(self) -> str:
        return self.name


NAME_SEPARATOR = " | "  # between the folded names in Province.search_text


def whole_name_q(folded: str) -> models.Q:
    """Units one of whose names (folded) is exactly ``folded``: "ha noi" is Hà Nội's name, "ha" is none's."""
    sep = NAME_SEPARATOR
    return (
        models.Q(search_text=folded)
        | models.Q(search_text__startswith=folded + sep)
        | models.Q(search_text__endswith=sep + folded)
        | models.Q(search_text__contains=sep + folded + sep)
    )


class ProvinceQuerySet(models.QuerySet):
    def of_era(self, era: int) -> ProvinceQuerySet:
        return self.filter(era=era)

    def existing_in(self, year: int) -> ProvinceQuerySet:
        """Units assessed for ``year``: in force on 31 December of that year."""
        last_day = datetime.date(year, 12, 31)
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=last_day),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=last_day),
        )

    def real(self) -> ProvinceQuerySet:
        return self.filter(is_synthetic=False)

    def in_dataset(self) -> ProvinceQuerySet:
        """Real units, plus the synthetic ones when the site shows the synthetic dataset."""
        if settings.CCHC_DATASET == "synthetic":
            return self
        return self.filter(is_synthetic=False)

    def search(self, text: str) -> ProvinceQuerySet:
        """Diacritic-insensitive search over names and aliases ("bac lieu" finds Bạc Liêu)."""
        folded = fold(text)
        if not folded:
            return self
        return self.filter(search_text__contains=folded)


class Province(models.Model):
    """A provincial-level unit (tỉnh or thành phố trực thuộc Trung ương) with its validity dates."""

    class Kind(models.TextChoices):
        PROVINCE = "tinh", _("Tỉnh")
        CITY = "thanh_pho", _("Thành phố trực thuộc Trung ương")

    code = models.CharField(
        _("mã GSO"), max_length=8, help_text=_("Duy nhất trong một thời kỳ, không giữa hai thời kỳ.")
    )
    name = models.CharField(_("tên"), max_length=100)
    name_en = models.CharField(_("tên không dấu / tiếng Anh"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices, default=Kind.PROVINCE)
    era = models.PositiveSmallIntegerField(_("thời kỳ"), choices=Era.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("vùng"), on_delete=models.PROTECT, related_name="provinces", null=True, blank=True
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị kế thừa"),
        on_delete=models.PROTECT,
        related_name="predecessors",
        null=True,
        blank=True,
        help_text=_("Đơn vị hành chính mà tỉnh này sáp nhập vào từ 1/7/2025."),
    )
    is_synthetic = models.BooleanField(
        _("dữ liệu giả lập"), default=False, help_text=_("Đơn vị tạo ra cho kiểm thử hiệu năng, không có thật.")
    )
    # Folded name + aliases, so that search and matching are diacritic-insensitive on every
    # database without extensions.
    search_text = models.TextField(_("chuỗi tìm kiếm"), blank=True, editable=False)

    objects = ProvinceQuerySet.as_manager()

    class Meta:
        ordering = ["-era", "name"]
        verbose_name = _("tỉnh, thành phố")
        verbose_name_plural = _("tỉnh, thành phố")
        constraints = [
            models.UniqueConstraint(fields=["era", "code"], name="province_code_unique_per_era"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="province_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        if self.era == Era.UNITS_63 and not self.is_synthetic:
            return f"{self.name} ({_('trước 2025')})"
        return self.name

    def save(self, *args, **kwargs):
        self.refresh_search_text()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("dashboard:province", args=[self.slug])

    def existed_in(self, year: int) -> bool:
        last_day = datetime.date(year, 12, 31)
        return (self.valid_from is None or self.valid_from <= last_day) and (
            self.valid_to is None or self.valid_to >= last_day
        )

    def refresh_search_text(self, aliases: list[str] | None = None) -> None:
        if aliases is None:
            aliases = list(self.aliases.values_list("name", flat=True)) if self.pk else []
        names = [self.name, self.name_en, self.code, *aliases]
        self.search_text = NAME_SEPARATOR.join(dict.fromkeys(fold(n) for n in names if n))


class ProvinceAlias(models.Model):
    """Another name a unit goes by in text ("TP.HCM", "Thừa Thiên - Huế", "Đăk Lăk")."""

    province = models.ForeignKey(Province, verbose_name=_("tỉnh"), on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("tên gọi khác"), max_length=100)
    folded = models.CharField(_("dạng không dấu"), max_length=100, editable=False, db_index=True)

    class Meta:
        ordering = ["province", "name"]
        verbose_name = _("tên gọi khác")
        verbose_name_plural = _("tên gọi khác")
        constraints = [models.UniqueConstraint(fields=["province", "folded"], name="alias_unique_per_province")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.folded = fold(self.name)
        super().save(*args, **kwargs)
        self.province.save(update_fields=["search_text"])


class User(AbstractUser):
    """A person who signs in. A provincial officer is a user linked to one province."""

    province = models.ForeignKey(
        Province,
        verbose_name=_("tỉnh, thành phố phụ trách"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="officers",
        help_text=_("Cán bộ của một tỉnh: xem được kết quả dự thảo của riêng tỉnh này."),
    )
    # Set when the account was moved from a unit merged in 2025 to its successor (provinces/accounts.py).
    moved_from = models.ForeignKey(
        Province,
        verbose_name=_("chuyển từ đơn vị"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    move_notice_due = models.BooleanField(_("chưa báo việc chuyển đơn vị"), default=False, editable=False)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")


class Gazetteer:
    """Every name a unit goes by, folded, per era: the one place names in text and files are resolved.

    Built with two queries and kept in memory, because imports and article reading resolve
    hundreds of names at a time.
    """

    def __init__(self, provinces=None):
        self._names: dict[tuple[int, str], set[Province]] = {}
        provinces = Province.objects.all() if provinces is None else provinces
        units = list(provinces.select_related("region"))
        by_id = {p.pk: p for p in units}
        for unit in units:
            for name in (unit.name, unit.name_en, unit.slug):
                self._add(unit, name)
        for alias in ProvinceAlias.objects.filter(province__in=units).only("province_id", "name"):
            self._add(by_id[alias.province_id], alias.name)

    def _add(self, unit: Province, name: str) -> None:
        self._names.setdefault((unit.era, fold(name)), set()).add(unit)

    def lookup(self, name: str, year: int | None = None, era: int | None = None) -> list[Province]:
        """All units called ``name`` in the era of ``year`` (or both eras); several means ambiguous."""
        key = fold(name).replace("–", "-")
        eras = [era] if era else [Era.of_year(year)] if year else [Era.UNITS_63, Era.UNITS_34]
        found: set[Province] = set()
        for e in eras:
            found |= self._names.get((e, key), set())
            found |= self._names.get((e, key.replace(" - ", "-")), set())
            found |= self._names.get((e, key.replace("-", " - ")), set())
        return sorted(found, key=lambda p: (p.era, p.name))

    def resolve(self, name: str, year: int | None = None, era: int | None = None) -> Province | None:
        """The single unit called ``name`` then, or None when unknown or ambiguous."""
        found = self.lookup(name, year=year, era=era)
        return found[0] if len(found) == 1 else None
