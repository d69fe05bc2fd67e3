"""The open dataset's rows, as plain dicts with stable ASCII keys: what the API pages and the data package write.

Every queryset of editions, results, component scores, averages and citations goes through the
``Viewer`` (``reports.visibility``); the data package asks as the anonymous viewer, so it holds
published figures only. Averages and coverage come from ``reports.figures`` over the stored statistics
(``dashboard.queries``), exactly as the pages show them. Numbers leave as ``float`` (JSON numbers,
``86.98`` and never ``"86.9800000000000"``); a missing figure is ``None``, never 0.

Each function reads a bounded number of queries whatever the size of the data: the ones named in its
docstring (``tests/test_api.py`` counts them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import F, Q, QuerySet

from dashboard.queries import regions_by_era
from provinces.models import Era, Province, Region
from reports import figures
from reports.models import Component, Edition, Framework, Index
from reports.visibility import Viewer


class BadFilter(ValueError):
    """A filter naming something that does not exist: the API answers 400 with this message."""


def number(value) -> float | None:
    """A stored decimal as a JSON number (two places as stored), None when missing."""
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


@dataclass(frozen=True)
class Filters:
    """The filters of the pages: index code, result year, region code, unit slug (each optional)."""

    index: str | None = None
    year: int | None = None
    region: str | None = None
    province: str | None = None

    def check(self) -> None:
        """Refuse a filter naming nothing known (one query per filter given)."""
        if self.index and not Index.objects.filter(code=self.index).exists():
            raise BadFilter(f"unknown index {self.index!r}")
        if self.region and not Region.objects.filter(code=self.region).exists():
            raise BadFilter(f"unknown region {self.region!r}")
        if self.province and not Province.objects.in_dataset().filter(slug=self.province).exists():
            raise BadFilter(f"unknown province {self.province!r}")

    def on_editions(self, prefix: str = "") -> Q:
        q = Q()
        if self.index:
            q &= Q(**{f"{prefix}index__code": self.index})
        if self.year is not None:
            q &= Q(**{f"{prefix}year": self.year})
        return q


def _in_dataset(prefix: str) -> Q:
    """Rows of editions of the dataset this site shows (``Edition.objects.in_dataset``)."""
    return Q(**{f"{prefix}is_synthetic": settings.CCHC_DATASET == "synthetic"})


# --------------------------------------------------------------------------- units, regions, indices


def regions() -> list[dict]:
    """Every region. One query."""
    return [
        {"key": r.code, "name": r.name, "name_en": r.name_en, "order": r.order}
        for r in Region.objects.order_by("order", "code")
    ]


UNIT_FIELDS = (
    "pk",
    "slug",
    "code",
    "era",
    "kind",
    "name",
    "name_en",
    "region__code",
    "valid_from",
    "valid_to",
    "successor__slug",
)


def units_queryset(filters: Filters, era: int | None = None) -> QuerySet:
    units = Province.objects.in_dataset()
    if era is not None:
        units = units.filter(era=era)
    if filters.region:
        units = units.filter(region__code=filters.region)
    if filters.province:
        units = units.filter(slug=filters.province)
    return units.order_by("-era", "code", "slug")


def unit_rows(units: QuerySet) -> list[dict]:
    """Units with their lineage: the successor, and the predecessors (units merged into them). Two queries."""
    found = list(units.values_list(*UNIT_FIELDS))
    predecessors: dict[int, list[str]] = defaultdict(list)
    ids = [row[0] for row in found]
    if ids:
        merged = Province.objects.filter(successor_id__in=ids).order_by("code", "slug")
        for successor_id, slug in merged.values_list("successor_id", "slug"):
            predecessors[successor_id].append(slug)
    return [
        {
            "key": slug,
            "gso_code": code,
            "era": era,
            "kind": kind,
            "name": name,
            "name_en": name_en,
            "region": region,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "successor": successor,
            "predecessors": predecessors.get(pk, []),
        }
        for pk, slug, code, era, kind, name, name_en, region, valid_from, valid_to, successor in found
    ]


def index_rows(filters: Filters) -> list[dict]:
    """Indices with their frameworks and components (maxima). Three queries."""
    indices = Index.objects.order_by("order", "code")
    if filters.index:
        indices = indices.filter(code=filters.index)
    indices = list(indices)
    frameworks = defaultdict(list)
    framework_rows = Framework.objects.filter(index__in=indices).order_by("index_id", "first_year")
    for fw in framework_rows.values("pk", "index_id", "name", "legal_reference", "first_year", "last_year"):
        fw["components"] = []
        frameworks[fw["index_id"]].append(fw)
    by_framework = {fw["pk"]: fw for rows in frameworks.values() for fw in rows}
    components = Component.objects.filter(framework_id__in=list(by_framework)).order_by("framework_id", "order", "pk")
    for c in components.values("framework_id", "key", "name", "name_en", "max_points", "order", "previous__key"):
        by_framework[c["framework_id"]]["components"].append(
            {
                "key": c["key"],
                "name": c["name"],
                "name_en": c["name_en"],
                "max_points": number(c["max_points"]),
                "order": c["order"],
                "previous": c["previous__key"],
            }
        )
    return [
        {
            "key": index.code,
            "name": index.name,
            "name_en": index.name_en,
            "short_name": index.short_name,
            "publisher": index.publisher,
            "scale_max": number(index.scale_max),
            "unit": index.unit,
            "higher_is_better": index.higher_is_better,
            "first_year": index.first_year,
            "frameworks": [
                {
                    "name": fw["name"],
                    "legal_reference": fw["legal_reference"],
                    "first_year": fw["first_year"],
                    "last_year": fw["last_year"],
                    "components": fw["components"],
                }
                for fw in frameworks.get(index.pk, [])
            ],
        }
        for index in indices
    ]


# --------------------------------------------------------------------------- editions


def editions_queryset(viewer: Viewer, filters: Filters) -> QuerySet:
    """The editions ``viewer`` may open (published; a draft where they see one of its results)."""
    editions = viewer.editions().in_dataset().filter(filters.on_editions())
    if filters.province:
        # editions holding a result of the unit that the viewer sees
        editions = editions.filter(pk__in=viewer.results().filter(province__slug=filters.province).values("edition"))
    return editions.order_by("index__order", "index__code", "-year")


EDITION_FIELDS = (
    "pk",
    "index__code",
    "year",
    "status",
    "announced_on",
    "units_ranked",
    "framework__first_year",
    "grouping",
)


def edition_rows(viewer: Viewer, editions: QuerySet) -> list[dict]:
    """Editions with their coverage, from the stored statistics, for those the viewer sees whole (of a
    draft seen in part, the coverage is a statistic of the draft: None). Two queries."""
    found = list(editions.values_list(*EDITION_FIELDS))
    whole = [row[0] for row in found if viewer.sees_whole(Edition(status=row[3]))]
    stats = {}
    if whole:
        rows = viewer.statistics().filter(edition_id__in=whole, component__isnull=True, region__isnull=True)
        for edition_id, held, with_result, with_rank in rows.values_list(
            "edition_id", "units_held", "units_with_result", "units_with_rank"
        ):
            stats[edition_id] = (held, with_result, with_rank)
    out = []
    for pk, index, year, status, announced_on, units_ranked, framework, grouping in found:
        coverage = None
        if pk in whole:
            held, with_result, with_rank = stats.get(pk, (0, 0, 0))
            coverage = {
                "units_with_score": held,
                "units_with_rank": with_rank,
                "units_with_result": with_result,
                "units_total": units_ranked,
                "complete": held == units_ranked,
            }
        out.append(
            {
                "index": index,
                "year": year,
                "status": status,
                "era": Era.of_year(year).value,
                "announced_on": announced_on,
                "units_ranked": units_ranked,
                "framework": framework,
                "grouping": grouping,
                "coverage": coverage,
            }
        )
    return out


# --------------------------------------------------------------------------- results


def results_queryset(viewer: Viewer, filters: Filters) -> QuerySet:
    results = viewer.results().filter(_in_dataset("edition__"), filters.on_editions("edition__"))
    if filters.region:
        results = results.filter(province__region__code=filters.region)
    if filters.province:
        results = results.filter(province__slug=filters.province)
    # an edition's rows as a ranking reads: published rank, then score, then name (missing figures last)
    return results.order_by(
        "edition__index__order", "edition__index__code", "-edition__year",
        F("rank").asc(nulls_last=True), F("score").desc(nulls_last=True), "province__name", "pk",
    )  # fmt: skip


RESULT_FIELDS = (
    "pk",
    "edition__index__code",
    "edition__year",
    "edition__status",
    "edition__framework__first_year",
    "province__slug",
    "province__code",
    "province__era",
    "province__name",
    "province__region__code",
    "score",
    "rank",
    "group",
    "disputed",
    # the stored change on the previous published edition (reports.figures, via reports.derived)
    "standing__score_change",
    "standing__rank_change",
    "standing__change_basis",
)


def result_rows(viewer: Viewer, results: QuerySet, with_components: bool = True) -> list[dict]:
    """Results with their component scores (the viewer's rows only). Two queries (one without components)."""
    found = list(results.values_list(*RESULT_FIELDS))
    components: dict[int, list[dict]] = defaultdict(list)
    if with_components and found:
        scores = viewer.component_scores().filter(result_id__in=[row[0] for row in found])
        scores = scores.order_by("result_id", "component__order", "pk")
        for result_id, key, score, rank, max_points in scores.values_list(
            "result_id", "component__key", "score", "rank", "component__max_points"
        ):
            components[result_id].append(
                {
                    "key": key,
                    "score": number(score),
                    "rank": rank,
                    "max_points": number(max_points),
                    "percent_of_max": number(figures.percent_of_max(score, max_points)),
                }
            )
    out = []
    for row in found:
        (pk, index, year, status, framework, slug, code, era, name, region, score, rank, group, disputed) = row[:14]
        score_change, rank_change, basis = row[14:]
        out.append(
            {
                "index": index,
                "year": year,
                "status": status,
                "framework": framework,
                "unit": slug,
                "gso_code": code,
                "era": era,
                "unit_name": name,
                "region": region,
                "score": number(score),
                "rank": rank,
                "group": group,
                "disputed": disputed,
                "score_change": number(score_change),
                "rank_change": rank_change,
                "change_basis": basis or "none",
                "components": components.get(pk, []) if with_components else [],
                "_pk": pk,
            }
        )
    return out


def component_score_rows(viewer: Viewer, filters: Filters) -> list[dict]:
    """Every component score the viewer sees, long format (the data package). One query."""
    scores = viewer.component_scores().filter(
        _in_dataset("result__edition__"), filters.on_editions("result__edition__")
    )
    scores = scores.order_by(
        "result__edition__index__order", "result__edition__index__code", "-result__edition__year",
        "result__province__slug", "component__order",
    )  # fmt: skip
    return [
        {
            "index": index,
            "year": year,
            "unit": unit,
            "framework": framework,
            "component": key,
            "score": number(score),
            "rank": rank,
        }
        for index, year, unit, framework, key, score, rank in scores.values_list(
            "result__edition__index__code",
            "result__edition__year",
            "result__province__slug",
            "component__framework__first_year",
            "component__key",
            "score",
            "rank",
        )
    ]


# --------------------------------------------------------------------------- averages


def average_rows(viewer: Viewer, filters: Filters) -> list[dict]:
    """National and regional averages of the editions the viewer sees whole: published where a source
    states one, else computed over the scores held with the units they rest on (``figures.average_from_totals``
    on the stored statistics, as the pages do). Four queries."""
    editions = [
        e
        for e in viewer.editions().in_dataset().filter(filters.on_editions()).select_related("index")
        if viewer.sees_whole(e)
    ]
    editions.sort(key=lambda e: (e.index.order, e.index.code, -e.year))
    ids = [e.pk for e in editions]
    if not ids:
        return []
    stated = {(a.edition_id, a.region_id): a.value for a in viewer.averages().filter(edition_id__in=ids)}
    held = {
        (edition_id, region_id): (total, count)
        for edition_id, region_id, total, count in viewer.statistics()
        .filter(edition_id__in=ids, component__isnull=True)
        .values_list("edition_id", "region_id", "total", "units_held")
    }
    regions = regions_by_era()
    out = []
    for edition in editions:
        areas = [(None, None, edition.units_ranked)] + [(r.pk, r.code, r.unit_count) for r in regions[edition.era]]
        for region_id, code, units_total in areas:
            if filters.region and code != filters.region:
                continue
            average = figures.average_from_totals(
                stated.get((edition.pk, region_id)), *held.get((edition.pk, region_id), (None, 0)), units_total
            )
            if average.kind == "missing":
                continue
            out.append(
                {
                    "index": edition.index.code,
                    "year": edition.year,
                    "area": code or "national",
                    "region": code,
                    "value": number(average.value),
                    "kind": average.kind,
                    "units": average.units,
                    "units_total": average.units_total,
                    "complete": average.is_complete,
                }
            )
    return out


# --------------------------------------------------------------------------- citations


def citations_queryset(viewer: Viewer, filters: Filters) -> QuerySet:
    citations = viewer.citations().filter(
        Q(province__isnull=True) | Q(province__in=Province.objects.in_dataset().values("pk"))
    )
    if filters.index:
        citations = citations.filter(index__code=filters.index)
    if filters.year is not None:
        citations = citations.filter(year=filters.year)
    if filters.region:
        citations = citations.filter(Q(region__code=filters.region) | Q(province__region__code=filters.region))
    if filters.province:
        citations = citations.filter(province__slug=filters.province)
    return citations.order_by("index__order", "index__code", F("year").desc(nulls_last=True), "pk")


CITATION_FIELDS = (
    "pk",
    "index__code",
    "year",
    "province__slug",
    "region__code",
    "is_national",
    "metric",
    "component__key",
    "component_name",
    "period",
    "value_number",
    "value_text",
    "quote",
    "state",
    "conflict",
    "article_id",
    "article__title",
    "article__url",
    "article__publisher",
    "article__published_on",
)


def citation_rows(citations: QuerySet) -> list[dict]:
    """Citations with their article (title, URL, publisher, date) and quote. One query."""
    out = []
    for row in citations.values_list(*CITATION_FIELDS):
        pk, index, year, unit, region, national, metric, component, component_name, period = row[:10]
        value_number, value_text, quote, state, conflict = row[10:15]
        article_id, title, url, publisher, published_on = row[15:]
        out.append(
            {
                "id": pk,
                "index": index,
                "year": year,
                "unit": unit,
                "region": region,
                "national": national,
                "metric": metric,
                "component": component,
                "component_name": component_name,
                "period": period,
                "value_number": number(value_number),
                "value_text": value_text,
                "quote": quote,
                "state": state,
                "conflict": conflict,
                "article": {
                    "id": article_id,
                    "title": title,
                    "url": url,
                    "publisher": publisher,
                    "published_on": published_on,
                },
            }
        )
    return out
