"""The derived tables: ``EditionStatistic`` and ``Standing``, never edited, never cited.

Rebuilt from the results by the same functions the pages' rules use (``reports.figures``) on every
save or delete that changes what they summarise (signals connected by ``ReportsConfig.ready``), once
at the end of a ``statistics_deferred`` block for bulk writers, and in full by ``manage.py bootstrap``
and ``manage.py rebuild_derived``. Like NetBox's cable paths: derived data kept apart from the models
that feed it, with a command to rebuild it.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import ContextDecorator
from decimal import Decimal

from django.db.models import Q

from provinces.text import fold

from .figures import (
    RESULT_ORDER,
    _round,
    biggest_movers,
    change_record,
    changes_for,
    effective_ranks,
    sort_rows,
)
from .models import Edition, Result, Status

# --------------------------------------------------------------------------- stored edition statistics
# The one derived summary that is stored (models.EditionStatistic): rebuilt from the results whenever
# they change, so pages read a few rows per edition instead of aggregating every unit.

_pending = threading.local()  # editions whose statistics wait for the end of a statistics_deferred block


def _deferred() -> list[set[int]]:
    if not hasattr(_pending, "stack"):
        _pending.stack = []
    return _pending.stack


def quartiles(scores: Sequence[Decimal]) -> tuple[Decimal, Decimal, Decimal]:
    """Lower quartile, median and upper quartile of sorted ``scores`` (linear interpolation, as
    spreadsheets' QUARTILE.INC and Plotly's box plots compute them), rounded to two places."""

    def at(fraction: Decimal) -> Decimal:
        position = (len(scores) - 1) * fraction
        low = int(position)
        high = min(low + 1, len(scores) - 1)
        return _round(scores[low] + (scores[high] - scores[low]) * (position - low))

    return at(Decimal("0.25")), at(Decimal("0.5")), at(Decimal("0.75"))


LEADERS_NAMED = 3  # leaders named on a page; the others are counted


def refresh_statistics(edition_ids: Iterable[int]) -> None:
    """Rebuild the EditionStatistic rows of these editions from their results (three queries per call)."""
    from django.db import transaction

    from .models import ComponentScore, EditionStatistic

    edition_ids = sorted(set(edition_ids))
    if not edition_ids:
        return
    if _deferred():
        _deferred()[-1].update(edition_ids)
        return
    groups: dict[tuple[int, int | None, int | None], list[tuple[Decimal, str]]] = defaultdict(list)

    def add(edition_id, region_id, component_id, score, name):
        keys = [(edition_id, None, component_id)] + ([(edition_id, region_id, component_id)] if region_id else [])
        for key in keys:
            held = groups[key]  # a group with no score held still gets its row (units_held = 0)
            if score is not None:
                held.append((score, name))

    with_result: dict[int, int] = defaultdict(int)
    with_rank: dict[int, int] = defaultdict(int)
    groups_held: dict[int, set[str]] = defaultdict(set)
    totals = Result.objects.filter(edition_id__in=edition_ids).values_list(
        "edition_id", "province__region_id", "score", "province__name", "rank", "group"
    )
    for edition_id, region_id, score, name, rank, group in totals:
        add(edition_id, region_id, None, score, name)
        with_result[edition_id] += 1
        with_rank[edition_id] += rank is not None
        if group:
            groups_held[edition_id].add(group)
    parts = ComponentScore.objects.filter(result__edition_id__in=edition_ids).values_list(
        "result__edition_id", "result__province__region_id", "component_id", "score", "result__province__name"
    )
    for edition_id, region_id, component_id, score, name in parts:
        add(edition_id, region_id, component_id, score, name)
    rows = []
    for (edition_id, region_id, component_id), held in groups.items():
        scores = sorted(score for score, _name in held)
        q1, median, q3 = quartiles(scores) if scores else (None, None, None)
        leaders = sorted((name for score, name in held if score == scores[-1]), key=fold) if scores else []
        national_total = region_id is None and component_id is None
        rows.append(
            EditionStatistic(
                edition_id=edition_id,
                region_id=region_id,
                component_id=component_id,
                units_held=len(scores),
                total=sum(scores) if scores else None,
                lowest=scores[0] if scores else None,
                lower_quartile=q1,
                median=median,
                upper_quartile=q3,
                highest=scores[-1] if scores else None,
                leaders=leaders[:LEADERS_NAMED],
                leaders_count=len(leaders),
                units_with_result=with_result[edition_id] if national_total else 0,
                units_with_rank=with_rank[edition_id] if national_total else 0,
                groups=sorted(groups_held[edition_id], key=fold) if national_total else [],
            )
        )
    with transaction.atomic():
        EditionStatistic.objects.filter(edition_id__in=edition_ids).delete()
        EditionStatistic.objects.bulk_create(rows)
        refresh_standings(edition_ids)


def _neighbours(editions, step: int) -> Q:
    """Editions a year after (``step`` 1) or before (-1) these, of the same index and dataset."""
    condition = Q(pk__in=[])
    for edition in editions:
        condition |= Q(index_id=edition.index_id, year=edition.year + step, is_synthetic=edition.is_synthetic)
    return condition


def refresh_standings(edition_ids: Iterable[int]) -> None:
    """Rebuild the Standing rows of these editions and of the editions a year after them (which compare
    with them), with the figures every page computes: ``effective_ranks``, ``changes_for`` on the
    previous edition when it is published, ``biggest_movers`` and the rankings' default order, all over
    the edition's results in RESULT_ORDER."""
    from .models import Standing

    named = list(Edition.objects.filter(pk__in=edition_ids).only("index_id", "year", "is_synthetic"))
    editions = list(
        Edition.objects.filter(Q(pk__in=edition_ids) | _neighbours(named, 1)).select_related("index").distinct()
    )
    if not editions:
        return
    previous = {
        (e.index_id, e.year, e.is_synthetic): e
        for e in Edition.objects.filter(_neighbours(editions, -1), status=Status.PUBLISHED)
    }
    results: dict[int, list[Result]] = defaultdict(list)
    for result in Result.objects.filter(edition__in=editions).select_related("province").order_by(*RESULT_ORDER):
        results[result.edition_id].append(result)
    priors: dict[int, list[Result]] = defaultdict(list)
    # In RESULT_ORDER, as a page reads them: a merged unit lists its predecessors in that order.
    prior_results = Result.objects.filter(edition__in=list(previous.values())).select_related("province", "edition")
    for result in prior_results.order_by(*RESULT_ORDER):
        priors[result.edition_id].append(result)
    rows = []
    for edition in editions:
        held = results[edition.pk]
        before = previous.get((edition.index_id, edition.year - 1, edition.is_synthetic))
        changes = changes_for(held, edition, priors[before.pk] if before else [])
        ranks = effective_ranks(edition, held, edition.index.higher_is_better)
        names = sorted({fold(r.province.name) for r in held})
        name_position = {name: place for place, name in enumerate(names, start=1)}
        rows_held = [{"id": r.pk, "rank": ranks[r.pk], "score_delta": changes[r.pk].score_delta} for r in held]
        gains, losses = biggest_movers(rows_held, len(rows_held))
        rank_position = {row["id"]: place for place, row in enumerate(sort_rows(rows_held, "rank"), start=1)}
        gain = {row["id"]: place for place, row in enumerate(gains, start=1)}
        loss = {row["id"]: place for place, row in enumerate(losses, start=1)}
        for position, result in enumerate(held, start=1):
            change = changes[result.pk]
            rank_change, basis, prior = change_record(change)
            rows.append(
                Standing(
                    result_id=result.pk,
                    edition_id=edition.pk,
                    rank=ranks[result.pk],
                    score_change=change.score_delta,
                    rank_change=rank_change,
                    change_basis=basis,
                    previous=prior,
                    position=position,
                    name_position=name_position[fold(result.province.name)],
                    rank_position=rank_position[result.pk],
                    gain=gain.get(result.pk),
                    loss=loss.get(result.pk),
                )
            )
    Standing.objects.filter(edition__in=editions).delete()
    Standing.objects.bulk_create(rows, batch_size=2000)


class statistics_deferred(ContextDecorator):
    """Within this block, edition statistics are rebuilt once at the end rather than on every save.

    For commands that write many results at once (loads, imports, restores, the synthetic panel).
    """

    def __enter__(self):
        _deferred().append(set())
        return self

    def __exit__(self, exc_type, exc, tb):
        pending = _deferred().pop()
        if exc_type is None:
            refresh_statistics(pending)
        return False


def refresh_all_statistics() -> int:
    """Rebuild the statistics of every edition (``manage.py bootstrap`` and after a restore)."""
    ids = list(Edition.objects.values_list("pk", flat=True))
    refresh_statistics(ids)
    return len(ids)


def _origin_model(origin):
    """The model a delete started from (``post_delete``'s ``origin``: an instance or a queryset)."""
    return getattr(origin, "model", None) or type(origin)


def _result_changed(sender, instance, origin=None, **kwargs) -> None:
    if origin is not None and _origin_model(origin) is Edition:
        return  # the edition goes too, with its statistics
    refresh_statistics([instance.edition_id])


def _component_score_changed(sender, instance, origin=None, **kwargs) -> None:
    if origin is not None and _origin_model(origin) is not sender:
        return  # deleted with its result or edition: that delete refreshes (or removes) the statistics
    if sender.result.is_cached(instance):  # imports and the admin hold the result: no query per score
        edition_id = instance.result.edition_id
    else:
        edition_id = Result.objects.filter(pk=instance.result_id).values_list("edition_id", flat=True).first()
    if edition_id is not None:
        refresh_statistics([edition_id])


def _province_changed(sender, instance, raw=False, **kwargs) -> None:
    # a unit's region decides which regional statistics its results count in
    refresh_statistics(Result.objects.filter(province_id=instance.pk).values_list("edition_id", flat=True))


def _edition_moving(sender, instance, raw=False, **kwargs) -> None:
    # A changed year, index or dataset leaves the edition that followed it without its comparison.
    if instance.pk is None or raw:
        return
    was = Edition.objects.filter(pk=instance.pk).only("index_id", "year", "is_synthetic").first()
    moved = was is not None and (was.index_id, was.year, was.is_synthetic) != (
        instance.index_id,
        instance.year,
        instance.is_synthetic,
    )
    followers = Edition.objects.filter(_neighbours([was], 1)).values_list("pk", flat=True) if moved else []
    instance._followers = list(followers)


def _edition_changed(sender, instance, raw=False, **kwargs) -> None:
    # Its status decides whether the next edition compares with it; its units ranked, its own ranks.
    refresh_statistics([instance.pk, *getattr(instance, "_followers", ())])


def _edition_deleted(sender, instance, **kwargs) -> None:
    refresh_statistics(Edition.objects.filter(_neighbours([instance], 1)).values_list("pk", flat=True))


def _index_changed(sender, instance, raw=False, **kwargs) -> None:
    # whether a higher score is better decides the ranks computed from scores
    refresh_statistics(Edition.objects.filter(index_id=instance.pk).values_list("pk", flat=True))


def connect_statistics_signals() -> None:
    from django.db.models.signals import post_delete, post_save, pre_save

    from provinces.models import Province

    from .models import ComponentScore, Index

    for model, handler in ((Result, _result_changed), (ComponentScore, _component_score_changed)):
        post_save.connect(handler, sender=model, dispatch_uid=f"cchc-statistics-{model.__name__}-save")
        post_delete.connect(handler, sender=model, dispatch_uid=f"cchc-statistics-{model.__name__}-delete")
    post_save.connect(_province_changed, sender=Province, dispatch_uid="cchc-statistics-province-save")
    pre_save.connect(_edition_moving, sender=Edition, dispatch_uid="cchc-statistics-edition-moving")
    post_save.connect(_edition_changed, sender=Edition, dispatch_uid="cchc-statistics-edition-save")
    post_delete.connect(_edition_deleted, sender=Edition, dispatch_uid="cchc-statistics-edition-delete")
    post_save.connect(_index_changed, sender=Index, dispatch_uid="cchc-statistics-index-save")
