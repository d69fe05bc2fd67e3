"""A deterministic synthetic panel for load and scale tests, kept apart from the real figures.

What it writes (``generate``), all marked synthetic:

- ``Edition(is_synthetic=True, status=published)`` for PAR INDEX every year 2012–2025 and SIPAS
  every year from its first (2017) to 2025, each with ``units_ranked`` = units of the year's era × scale;
- a ``Result`` for every unit of the era in every such edition (63 units for 2012–2024, 34 for 2025),
  and a ``ComponentScore`` for every component of the edition's framework;
- for ``scale`` N > 1, (N − 1) × (63 + 34) extra ``Province(is_synthetic=True)`` rows named
  "Tỉnh giả lập 0001" …, each copy of a real unit's region, validity dates and lineage (a synthetic
  63-era unit's successor is the synthetic 34-era copy of the real unit's successor).

The real 63 + 34 units are reused as they are (they are real reference data, not figures); every
synthetic *figure* lives in a synthetic edition, which a site shows only when ``CCHC_DATASET=synthetic``
(and then with a banner), never next to real editions.

Component maxima: most real ``Component.max_points`` are not published (null). Synthetic scores use a
*synthetic cap* per component, computed here and never written to the database: the published maximum
where there is one, otherwise an equal share of what the published maxima leave of the index's scale
(PAR INDEX: 100 points over 8 components), rounded down to 0.01 so the caps never sum above the scale.
A PAR INDEX total is the sum of its component scores; a SIPAS total (a percentage) is their mean.

Scores are drawn from ``random.Random`` seeded with a string of (seed, unit slug, index, year), so
the same seed gives the same figures whatever the order of generation or the database.

Rows are written with ``bulk_create``: no ``simple_history`` records are made for synthetic rows (their
history is of no interest and would double the write time); ``remove`` deletes the rows with raw
deletes for the same reason, then bumps the cache version so no page keeps showing them.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.db import transaction

from provinces.models import MERGER_DATE, Era, Province
from provinces.text import fold
from reports import tiers
from reports.derived import refresh_statistics
from reports.models import Component, ComponentScore, Edition, Framework, Index, Result, Status

FIRST_YEAR = 2012
LAST_YEAR = 2025
# the grouping of the synthetic editions (``_group``), as a scheme so that their results have tiers
GROUP_SCHEME = [
    {"position": 1, "label": "Nhóm A", "label_en": "Group A", "lower": 90},
    {"position": 2, "label": "Nhóm B", "label_en": "Group B", "lower": 80, "upper": 90},
    {"position": 3, "label": "Nhóm C", "label_en": "Group C", "lower": 70, "upper": 80},
    {"position": 4, "label": "Nhóm D", "label_en": "Group D", "upper": 70},
]
INDEX_CODES = ("PAR_INDEX", "SIPAS")
DEFAULT_SEED = 2012
CENT = Decimal("0.01")
LAST_DAY_63 = MERGER_DATE - datetime.timedelta(days=1)


@dataclass
class Summary:
    provinces: int = 0
    editions: int = 0
    results: int = 0
    component_scores: int = 0

    def __str__(self) -> str:
        return (
            f"{self.provinces} synthetic units, {self.editions} editions, {self.results} results, "
            f"{self.component_scores} component scores"
        )


def synthetic_caps(components: list[Component], scale_max: Decimal, summed: bool) -> dict[int, Decimal]:
    """The cap each component's synthetic score stays within (see the module docstring).

    ``summed``: the index total is the sum of its components (PAR INDEX); otherwise every component
    is on the index's own scale (SIPAS percentages).
    """
    if not summed:
        return {c.pk: c.max_points or scale_max for c in components}
    known = sum((c.max_points for c in components if c.max_points), Decimal(0))
    unknown = [c for c in components if not c.max_points]
    share = ((scale_max - known) / len(unknown)).quantize(CENT, rounding=ROUND_DOWN) if unknown else Decimal(0)
    return {c.pk: c.max_points or share for c in components}


def _cents(value: float) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_DOWN)


def _competition_ranks(values: dict[int, Decimal]) -> dict[int, int]:
    """Ranks 1, 2, 2, 4 … by value, highest first."""
    ranks: dict[int, int] = {}
    previous, previous_rank = None, 0
    for position, (key, value) in enumerate(sorted(values.items(), key=lambda kv: (-kv[1], kv[0])), start=1):
        rank = previous_rank if value == previous else position
        ranks[key] = rank
        previous, previous_rank = value, rank
    return ranks


def synthetic_units_exist() -> bool:
    return Province.objects.filter(is_synthetic=True).exists()


def _make_units(scale: int) -> dict[int, list[Province]]:
    """Units per era: the real ones, plus (scale − 1) synthetic copies of each."""
    real63 = list(Province.objects.real().filter(era=Era.UNITS_63).order_by("code", "pk"))
    real34 = list(Province.objects.real().filter(era=Era.UNITS_34).order_by("code", "pk"))
    units = {Era.UNITS_63: list(real63), Era.UNITS_34: list(real34)}
    number = 0
    for copy in range(1, scale):
        copies34: dict[int, Province] = {}
        new34 = []
        for unit in real34:
            number += 1
            p = _synthetic_unit(number, Era.UNITS_34, unit, copy)
            p.valid_from, p.valid_to = MERGER_DATE, None
            copies34[unit.pk] = p
            new34.append(p)
        Province.objects.bulk_create(new34)
        new63 = []
        for unit in real63:
            number += 1
            p = _synthetic_unit(number, Era.UNITS_63, unit, copy)
            p.valid_from, p.valid_to = None, LAST_DAY_63
            p.successor = copies34.get(unit.successor_id)
            new63.append(p)
        Province.objects.bulk_create(new63)
        units[Era.UNITS_34] += new34
        units[Era.UNITS_63] += new63
    return units


def _synthetic_unit(number: int, era: int, model: Province, copy: int) -> Province:
    name = f"Tỉnh giả lập {number:04d}"
    code = f"G{number:04d}"
    return Province(
        code=code,
        name=name,
        name_en=f"Synthetic province {number:04d}",
        slug=f"gia-lap-{era}-{number:04d}",
        kind=Province.Kind.PROVINCE,
        era=era,
        region_id=model.region_id,
        is_synthetic=True,
        search_text=" | ".join(dict.fromkeys([fold(name), fold(f"Synthetic province {number:04d}"), fold(code)])),
    )


def _abilities(units: dict[int, list[Province]], seed: int) -> dict[int, float]:
    """A latent quality per unit in [0.6, 0.92]; a 34-era unit inherits its predecessors' mean."""
    ability = {u.pk: random.Random(f"{seed}:unit:{u.slug}").uniform(0.6, 0.92) for u in units[Era.UNITS_63]}
    predecessors: dict[int, list[float]] = defaultdict(list)
    for u in units[Era.UNITS_63]:
        if u.successor_id:
            predecessors[u.successor_id].append(ability[u.pk])
    for u in units[Era.UNITS_34]:
        inherited = predecessors.get(u.pk)
        own = random.Random(f"{seed}:unit:{u.slug}").uniform(0.6, 0.92)
        ability[u.pk] = sum(inherited) / len(inherited) if inherited else own
    return ability


def generate(scale: int = 1, seed: int = DEFAULT_SEED) -> Summary:
    """Replace any synthetic panel with a fresh one of ``scale`` × the real number of units."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    summary = Summary()
    with transaction.atomic():
        remove(bump=False)
        units = _make_units(scale)
        summary.provinces = Province.objects.filter(is_synthetic=True).count()
        ability = _abilities(units, seed)
        indices = {i.code: i for i in Index.objects.filter(code__in=INDEX_CODES)}
        frameworks = list(Framework.objects.filter(index__in=indices.values()).prefetch_related("components"))
        for code in INDEX_CODES:
            index = indices.get(code)
            if index is None:
                continue
            summed = code == "PAR_INDEX"
            first = max(FIRST_YEAR, index.first_year or FIRST_YEAR)
            for year in range(first, LAST_YEAR + 1):
                framework = next((f for f in frameworks if f.index_id == index.pk and f.covers(year)), None)
                era = Era.of_year(year)
                era_units = units[era]
                edition = Edition.objects.create(
                    index=index,
                    year=year,
                    framework=framework,
                    status=Status.PUBLISHED,
                    announced_on=datetime.date(year + 1, 4, 15),
                    units_ranked=len(era_units),
                    is_synthetic=True,
                    group_scheme=GROUP_SCHEME,
                    notes=f"Dữ liệu giả lập (--scale {scale} --seed {seed}), không phải số liệu thật.",
                )
                summary.editions += 1
                components = sorted(framework.components.all(), key=lambda c: c.order) if framework else []
                caps = synthetic_caps(components, index.scale_max, summed)
                r, c = _edition_rows(edition, index, era_units, components, caps, ability, seed, summed)
                summary.results += r
                summary.component_scores += c
        # bulk_create sends no signals: the statistics of the new editions are built here
        refresh_statistics(Edition.objects.filter(is_synthetic=True).values_list("pk", flat=True))
    _bump()
    return summary


def _edition_rows(edition, index, era_units, components, caps, ability, seed, summed) -> tuple[int, int]:
    year = edition.year
    totals: dict[int, Decimal] = {}
    parts: dict[int, dict[int, Decimal]] = {}
    for unit in era_units:
        rng = random.Random(f"{seed}:{index.code}:{year}:{unit.slug}")
        level = ability[unit.pk] + 0.006 * (year - FIRST_YEAR) + rng.gauss(0, 0.03)
        scores = {}
        for component in components:
            fraction = min(1.0, max(0.2, level + rng.gauss(0, 0.06)))
            scores[component.pk] = min(caps[component.pk], _cents(fraction * float(caps[component.pk])))
        if scores:
            total = sum(scores.values(), Decimal(0)) if summed else sum(scores.values()) / len(scores)
        else:
            total = Decimal(min(1.0, max(0.2, level)) * float(index.scale_max))
        totals[unit.pk] = min(index.scale_max, Decimal(total).quantize(CENT, rounding=ROUND_DOWN))
        parts[unit.pk] = scores
    ranks = _competition_ranks(totals)
    results = [
        Result(
            edition=edition, province=unit, score=totals[u], rank=ranks[u], group=g, tier=tiers.tier_of(GROUP_SCHEME, g)
        )
        for unit in era_units
        if (u := unit.pk)
        if (g := _group(totals[u]))  # the tier from the label, as for every result
    ]
    Result.objects.bulk_create(results, batch_size=2000)
    if not components:
        return len(results), 0
    if results[0].pk is None:  # backends that do not return ids from bulk_create
        by_unit = dict(Result.objects.filter(edition=edition).values_list("province_id", "pk"))
    else:
        by_unit = {r.province_id: r.pk for r in results}
    rows = []
    for component in components:
        component_ranks = _competition_ranks({u: parts[u][component.pk] for u in parts})
        for unit_pk, scores in parts.items():
            rows.append(
                ComponentScore(
                    result_id=by_unit[unit_pk],
                    component=component,
                    score=scores[component.pk],
                    rank=component_ranks[unit_pk],
                )
            )
    ComponentScore.objects.bulk_create(rows, batch_size=5000)
    return len(results), len(rows)


def _group(score: Decimal) -> str:
    """A synthetic grouping in the style of recent editions (A ≥ 90, B ≥ 80, C ≥ 70, D below)."""
    for threshold, label in ((90, "A"), (80, "B"), (70, "C")):
        if score >= threshold:
            return label
    return "D"


def remove(bump: bool = True) -> Summary:
    """Delete exactly the synthetic rows: synthetic editions with their results, and synthetic units.

    Real rows are never touched: results are deleted only through synthetic editions or synthetic
    units (which exist in no real edition), and units only where ``is_synthetic`` is set.
    """
    summary = Summary()
    with transaction.atomic():
        editions = Edition.objects.filter(is_synthetic=True)
        synthetic_units = Province.objects.filter(is_synthetic=True)
        results = Result.objects.filter(edition__in=editions) | Result.objects.filter(province__in=synthetic_units)
        result_ids = list(results.values_list("pk", flat=True))
        edition_ids = list(editions.values_list("pk", flat=True))
        unit_ids = list(synthetic_units.values_list("pk", flat=True))
        # Anything a curator may have attached to synthetic rows in the admin goes with them.
        from reports.models import Citation, DossierStat, EditionStatistic, PublishedAverage, Standing

        Citation.objects.filter(result_id__in=result_ids).update(result=None, component_score=None)
        Citation.objects.filter(province_id__in=unit_ids).delete()
        PublishedAverage.objects.filter(edition_id__in=edition_ids).delete()
        DossierStat.objects.filter(province_id__in=unit_ids).delete()
        for chunk in _chunks(result_ids, 5000):
            _raw_delete(Standing.objects.filter(result_id__in=chunk))
            summary.component_scores += _raw_delete(ComponentScore.objects.filter(result_id__in=chunk))
            summary.results += _raw_delete(Result.objects.filter(pk__in=chunk))
        _raw_delete(EditionStatistic.objects.filter(edition_id__in=edition_ids))
        summary.editions = _raw_delete(Edition.objects.filter(pk__in=edition_ids))
        # 63-era units first: they point at their 34-era successors (PROTECT).
        Province.objects.filter(pk__in=unit_ids).update(successor=None)
        from provinces.models import ProvinceAlias

        ProvinceAlias.objects.filter(province_id__in=unit_ids).delete()
        summary.provinces = _raw_delete(Province.objects.filter(pk__in=unit_ids))
        # History of synthetic rows (only exists if someone edited them in the admin).
        Edition.history.model.objects.filter(id__in=edition_ids).delete()
        Result.history.model.objects.filter(id__in=result_ids).delete()
    if bump:
        _bump()
    return summary


def _raw_delete(queryset) -> int:
    # No signals, no cascade collection: the order above deletes children first.
    return queryset._raw_delete(queryset.db) or 0


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _bump() -> None:
    from dashboard.caching import bump_version

    bump_version()
