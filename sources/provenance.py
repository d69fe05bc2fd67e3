"""Provenance: a curator confirms a suggested citation (creating or filling the figure it states, and
making the citation that figure's source) or rejects it.

A confirmation never overwrites a different stored value: it raises :class:`FigureConflict` and keeps
the citation flagged, until the curator confirms again with ``replace=True``, a change then recorded
in the figure's history. Sources that disagree are kept and flagged, never averaged or dropped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from provinces.models import Era
from provinces.text import fold
from reports.models import (
    Citation,
    Component,
    ComponentScore,
    DossierStat,
    Edition,
    Framework,
    Metric,
    PublishedAverage,
    Result,
    Status,
)

CENT = Decimal("0.01")
UNITS_PER_ERA = {Era.UNITS_63: 63, Era.UNITS_34: 34}

RESULT_FIELDS = {
    Metric.SCORE: "score",
    Metric.RANK: "rank",
    Metric.GROUP: "group",
    Metric.SCORE_DELTA: "reported_score_delta",
    Metric.RANK_DELTA: "reported_rank_delta",
}
COMPONENT_FIELDS = {Metric.COMPONENT_SCORE: "score", Metric.COMPONENT_RANK: "rank"}
DOSSIER_FIELDS = {
    Metric.DOSSIER_RECEIVED: "received",
    Metric.DOSSIER_ON_TIME: "on_time",
    Metric.DOSSIER_LATE: "late",
    Metric.DOSSIER_PENDING: "pending",
}
INTEGER_FIELDS = {"rank", "reported_rank_delta", "units_ranked", "received", "on_time", "late", "pending"}
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


class ComponentNames:
    """Matches a component as a source names it to the framework's component (folded, aliases, prefix)."""

    def __init__(self):
        self._by_framework: dict[int, list[tuple[str, Component]]] = defaultdict(list)
        for component in Component.objects.all():
            for name in [component.name, *component.aliases.splitlines()]:
                if name.strip():
                    self._by_framework[component.framework_id].append((_component_key(name), component))

    def match(self, framework_id: int | None, name: str) -> Component | None:
        key = _component_key(name)
        candidates = self._by_framework.get(framework_id, [])
        exact = {c for k, c in candidates if k == key}
        if len(exact) == 1:
            return exact.pop()
        return None


def _component_key(name: str) -> str:
    name = re.sub(r"\(.*?\)", "", name)  # translations or notes in brackets: "(public finance reform)"
    return re.sub(r"[^0-9a-z]+", " ", fold(name)).strip()


def comparable(value):
    """A stored or stated value in the form two sources are compared in: numbers to the cent, text folded."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, Decimal, float)):
        return Decimal(str(value)).quantize(CENT)
    return fold(str(value))


@dataclass
class StoredFigure:
    """The figure a citation is about, as stored now (``value`` None when nothing is stored)."""

    value: object = None
    links: dict = field(default_factory=dict)


def stored_figure(citation: Citation) -> StoredFigure:
    """Look up the stored figure a citation states (real editions only), without creating anything."""
    figure = StoredFigure(links={"result": None, "component_score": None, "average": None, "dossier_stat": None})
    metric = citation.metric
    if metric in DOSSIER_FIELDS:
        period = _QUARTER.match(citation.period or "")
        if citation.province_id and period:
            stat = DossierStat.objects.filter(
                province_id=citation.province_id, year=int(period[1]), quarter=int(period[2])
            ).first()
            if stat is not None:
                figure.links["dossier_stat"] = stat
                figure.value = getattr(stat, DOSSIER_FIELDS[metric])
        return figure
    if citation.year is None:
        return figure
    edition = Edition.objects.filter(index_id=citation.index_id, year=citation.year, is_synthetic=False).first()
    if edition is None:
        return figure
    if metric in (Metric.AVERAGE, Metric.MEDIAN):
        if citation.is_national or citation.region_id:
            average = PublishedAverage.objects.filter(
                edition=edition, region_id=citation.region_id, statistic=_statistic(metric)
            ).first()
            if average is not None:
                figure.links["average"] = average
                figure.value = average.value
        return figure
    if not citation.province_id:
        return figure
    result = Result.objects.filter(edition=edition, province_id=citation.province_id).first()
    if result is None:
        return figure
    figure.links["result"] = result
    if metric in RESULT_FIELDS:
        figure.value = getattr(result, RESULT_FIELDS[metric])
    elif metric == Metric.RANK_OF:
        figure.value = edition.units_ranked
    elif metric in COMPONENT_FIELDS and citation.component_id:
        score = ComponentScore.objects.filter(result=result, component_id=citation.component_id).first()
        if score is not None:
            figure.links["component_score"] = score
            figure.value = getattr(score, COMPONENT_FIELDS[metric])
    return figure


def contradicts(citation: Citation, stored_value) -> bool:
    stored = comparable(stored_value)
    return stored is not None and stored != comparable(citation.value)


# --------------------------------------------------------------------------------------------------
# Curation
# --------------------------------------------------------------------------------------------------


class CurationError(ValueError):
    """A citation that cannot be confirmed as it stands (missing province, year, unknown component …)."""


class FigureConflict(CurationError):
    """The citation states a value different from the stored one; nothing was overwritten."""

    def __init__(self, citation: Citation, stored_value):
        self.citation = citation
        self.stored_value = stored_value
        super().__init__(
            _("%(figure)s: nguồn nêu %(stated)s, số liệu đã lưu là %(stored)s. Chưa ghi đè.")
            % {"figure": citation.get_metric_display(), "stated": citation.value, "stored": stored_value}
        )


def _edition(citation: Citation) -> Edition:
    """The real edition of the citation's index and year; created as a draft when there is none."""
    edition = Edition.objects.filter(index_id=citation.index_id, year=citation.year, is_synthetic=False).first()
    if edition is not None:
        return edition
    framework = next((f for f in Framework.objects.filter(index_id=citation.index_id) if f.covers(citation.year)), None)
    units = UNITS_PER_ERA[Era.of_year(citation.year)]
    if citation.metric == Metric.RANK_OF and citation.value_number:
        units = int(citation.value_number)
    edition = Edition(
        index_id=citation.index_id, year=citation.year, framework=framework, units_ranked=units, status=Status.DRAFT
    )
    edition._change_reason = _reason(citation)
    edition.save()
    return edition


def _reason(citation: Citation) -> str:
    return (_("Trích dẫn #%(pk)s: %(article)s") % {"pk": citation.pk, "article": citation.article})[:100]


def _value_for(field_name: str, citation: Citation):
    if field_name in INTEGER_FIELDS:
        if citation.value_number is None or citation.value_number != citation.value_number.to_integral():
            raise CurationError(_("Giá trị phải là số nguyên."))
        return int(citation.value_number)
    if field_name == "group":
        return citation.value_text or str(citation.value)
    if citation.value_number is None:
        raise CurationError(_("Giá trị phải là số."))
    return citation.value_number


def _put(obj, field_name: str, citation: Citation, *, replace: bool) -> None:
    """Set ``obj.field_name`` to the citation's value: fill an empty field, never overwrite silently."""
    value = _value_for(field_name, citation)
    stored = comparable(getattr(obj, field_name))
    if stored is not None and stored != comparable(value):
        if not replace:
            raise FigureConflict(citation, getattr(obj, field_name))
    elif stored is not None and obj.pk is not None:
        return  # already stored as stated: nothing to write, no history row
    setattr(obj, field_name, value)
    obj._change_reason = _reason(citation)
    obj.full_clean(validate_unique=False, validate_constraints=False)
    obj.save()


def _require(condition, message) -> None:
    if not condition:
        raise CurationError(message)


def confirm(citation: Citation, user, *, replace: bool = False) -> Citation:
    """Confirm a citation: create or fill the figure it states and make the citation its provenance.

    A figure that already holds a different value is not changed: :class:`FigureConflict` is raised
    and the citation stays suggested, flagged ``conflict`` (the flag is kept although the confirmation
    is not). With ``replace=True`` the stored value is replaced (the figure's history records the change
    and the citation behind it), and the confirmed citations that stated the old value are flagged.
    """
    try:
        with transaction.atomic():
            Citation.objects.select_for_update().filter(pk=citation.pk).exists()
            citation.refresh_from_db()
            if citation.state == Citation.State.CONFIRMED and not replace:
                return citation
            links = _store_figure(citation, replace=replace)
            for name, value in links.items():
                setattr(citation, name, value)
            citation.state = Citation.State.CONFIRMED
            citation.conflict = False
            citation.reviewed_by = user if getattr(user, "is_authenticated", False) else None
            citation.reviewed_at = timezone.now()
            citation._change_reason = _("Xác nhận") + (" (" + _("thay số liệu đã lưu") + ")" if replace else "")
            citation.save()
            if replace:
                _flag_dissent(citation)
            if citation.province_id:
                citation.article.provinces.add(citation.province_id)
    except FigureConflict:
        citation.refresh_from_db()
        if not citation.conflict:
            citation.conflict = True
            citation.save(update_fields=["conflict"])
        raise
    except ValidationError as error:
        citation.refresh_from_db()
        raise CurationError("; ".join(error.messages)) from error
    return citation


def _store_figure(citation: Citation, *, replace: bool) -> dict:
    """Create or fill the stored figure of ``citation``; returns the links the citation gets."""
    metric = citation.metric
    links = {"result": None, "component_score": None, "average": None, "dossier_stat": None}
    if metric in DOSSIER_FIELDS:
        period = _QUARTER.match(citation.period or "")
        _require(citation.province_id, _("Chưa xác định tỉnh, thành phố."))
        _require(period, _("Kỳ phải có dạng NĂM-Q1 … NĂM-Q4."))
        stat = DossierStat.objects.filter(
            province_id=citation.province_id, year=int(period[1]), quarter=int(period[2])
        ).first() or DossierStat(
            province_id=citation.province_id, year=int(period[1]), quarter=int(period[2]), article=citation.article
        )
        _put(stat, DOSSIER_FIELDS[metric], citation, replace=replace)
        links["dossier_stat"] = stat
        return links

    _require(citation.year, _("Chưa xác định năm kết quả."))
    if metric in (Metric.AVERAGE, Metric.MEDIAN):
        _require(citation.is_national or citation.region_id, _("Trung bình của cả nước hay của vùng nào?"))
        edition = _edition(citation)
        statistic = _statistic(metric)
        average = PublishedAverage.objects.filter(
            edition=edition, region_id=citation.region_id, statistic=statistic
        ).first()
        if average is None:
            average = PublishedAverage(
                edition=edition, region_id=citation.region_id, statistic=statistic, value=citation.value_number
            )
        _put(average, "value", citation, replace=replace)
        links["average"] = average
        return links

    _require(citation.province_id, _("Chưa xác định tỉnh, thành phố."))
    _require(
        citation.province.existed_in(citation.year),
        _("%(province)s không tồn tại trong năm %(year)s.") % {"province": citation.province, "year": citation.year},
    )
    if metric in (Metric.COMPONENT_SCORE_DELTA, Metric.COMPONENT_RANK_DELTA):
        # Deltas of components are not stored; the citation is provenance of the result, if there is one.
        edition = Edition.objects.filter(index_id=citation.index_id, year=citation.year, is_synthetic=False).first()
        links["result"] = Result.objects.filter(edition=edition, province_id=citation.province_id).first()
        return links
    edition = _edition(citation)
    result = Result.objects.filter(edition=edition, province_id=citation.province_id).first()
    if result is None:
        result = Result(edition=edition, province_id=citation.province_id)
        result._change_reason = _reason(citation)
        if metric not in RESULT_FIELDS:
            result.save()
    links["result"] = result
    if metric in RESULT_FIELDS:
        _put(result, RESULT_FIELDS[metric], citation, replace=replace)
    elif metric == Metric.RANK_OF:
        _put(edition, "units_ranked", citation, replace=replace)
    elif metric in COMPONENT_FIELDS:
        if citation.component_id is None:
            citation.component = ComponentNames().match(edition.framework_id, citation.component_name)
        _require(
            citation.component_id, _("Không nhận ra chỉ số thành phần “%(name)s”.") % {"name": citation.component_name}
        )
        score = ComponentScore.objects.filter(result=result, component_id=citation.component_id).first()
        score = score or ComponentScore(result=result, component_id=citation.component_id)
        _put(score, COMPONENT_FIELDS[metric], citation, replace=replace)
        links["component_score"] = score
    return links


def _flag_dissent(citation: Citation) -> None:
    """After a replacement, confirmed citations of the same figure stating another value are conflicts."""
    same_figure = Citation.objects.confirmed().filter(
        index_id=citation.index_id,
        year=citation.year,
        province_id=citation.province_id,
        region_id=citation.region_id,
        is_national=citation.is_national,
        metric=citation.metric,
        component_id=citation.component_id,
        period=citation.period,
    )
    for other in same_figure.exclude(pk=citation.pk):
        disagrees = comparable(other.value) != comparable(citation.value)
        if other.conflict != disagrees:
            other.conflict = disagrees
            other.save(update_fields=["conflict"])


@transaction.atomic
def reject(citation: Citation, user) -> Citation:
    """Reject a proposal: it stays stored (and is not proposed again) but supports no figure.

    A confirmed citation is not rejected here: the figure it supports would lose its provenance silently.
    """
    citation.refresh_from_db()
    if citation.state == Citation.State.CONFIRMED:
        raise CurationError(_("Trích dẫn đã xác nhận; hãy sửa số liệu trước khi loại."))
    citation.state = Citation.State.REJECTED
    citation.reviewed_by = user if getattr(user, "is_authenticated", False) else None
    citation.reviewed_at = timezone.now()
    citation._change_reason = _("Loại")
    citation.save()
    return citation


def _statistic(metric: str) -> str:
    """The stated statistic a citation of ``metric`` is the source of: a median is never an average."""
    return PublishedAverage.Statistic.MEDIAN if metric == Metric.MEDIAN else PublishedAverage.Statistic.MEAN


# --- where a quote sits in its article ------------------------------------------------------------------------

CONTEXT_REACH = 300  # characters of the article shown before and after a quote on the curator's bench


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` stands in ``text`` (start, end), also when the line breaks and spaces differ."""
    quote = (quote or "").strip()
    if not quote or not text:
        return None
    start = text.find(quote)
    if start >= 0:
        return start, start + len(quote)
    match = re.search(r"\s+".join(re.escape(w) for w in quote.split()), text)
    return (match.start(), match.end()) if match else None


def quote_in_context(text: str, quote: str) -> tuple[str, str, str] | None:
    """The quote with the text around it in its paragraph (at most CONTEXT_REACH characters each side, cut at
    a sentence or a word): (before, quote, after); None when the article's text does not hold the quote."""
    found = find_quote(text, quote)
    if found is None:
        return None
    start, end = found
    begin = max(text.rfind("\n", 0, start) + 1, start - CONTEXT_REACH)
    if begin > 0 and text[begin - 1] != "\n":  # cut inside the paragraph: start at a sentence, or a word
        sentence, word = text.find(". ", begin, start), text.find(" ", begin, start)
        begin = sentence + 2 if sentence >= 0 else word + 1 if word >= 0 else start
    stop = text.find("\n", end)
    stop = min(stop if stop >= 0 else len(text), end + CONTEXT_REACH)
    if stop < len(text) and text[stop] != "\n":  # end at a sentence, or a word
        sentence, word = text.rfind(". ", end, stop), text.rfind(" ", end, stop)
        stop = sentence + 1 if sentence >= 0 else word if word >= 0 else end
    return text[begin:start].lstrip(), text[start:end], text[end:stop].rstrip()
