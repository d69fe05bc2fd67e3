"""Load what the product ships in ``reports/data``: indices and frameworks, real published figures
with their sources, and the seed articles.

Every figure arrives as a :class:`~reports.models.Citation` (the sentence that states it) and,
where it is a result, an average or a component score, as that stored figure too. Where sources
disagree, the value stated by more sources is stored and every citation is kept; the figure is
flagged ``disputed`` and the dissenting citations ``conflict`` — and when sources are evenly
split nothing is picked at all. Loading is idempotent: rows are matched on natural keys and
saved only when something changed, so a second run writes nothing (not even history).
"""

from __future__ import annotations

import csv
import datetime
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from provinces.models import Era, Gazetteer, Province, Region
from provinces.text import fold, title_from_text
from reports import tiers
from reports.derived import statistics_deferred
from reports.models import (
    Citation,
    Component,
    ComponentScore,
    Edition,
    Framework,
    Index,
    Metric,
    PublishedAverage,
    Result,
    SourceArticle,
    Status,
)
from sources.intake import first_date, parse_article_file, publisher_of
from sources.provenance import ComponentNames, comparable

DATA_DIR = Path(settings.BASE_DIR) / "reports" / "data"
FACT_FILES = [DATA_DIR / "par_facts.csv", DATA_DIR / "labels" / "seed_labels.csv"]
UNITS_PER_ERA = {Era.UNITS_63: 63, Era.UNITS_34: 34}
RESULT_FIELDS = {
    Metric.SCORE: "score",
    Metric.RANK: "rank",
    Metric.GROUP: "group",
    Metric.SCORE_DELTA: "reported_score_delta",
    Metric.RANK_DELTA: "reported_rank_delta",
}
CENT = Decimal("0.01")


def _save_if_changed(obj, values: dict) -> bool:
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save()
    return bool(changed)


# --- indices, frameworks, components ---------------------------------------------------------


@transaction.atomic
def load_indices() -> dict[str, int]:
    spec = json.loads((DATA_DIR / "indices.json").read_text(encoding="utf-8"))
    counts = Counter()
    for data in spec["indices"]:
        fields = {
            k: data[k]
            for k in (
                "name",
                "name_en",
                "short_name",
                "publisher",
                "description",
                "description_en",
                "unit",
                "higher_is_better",
                "first_year",
                "order",
            )
        }
        fields["scale_max"] = Decimal(str(data["scale_max"]))
        index = Index.objects.filter(code=data["code"]).first() or Index(code=data["code"])
        if index.pk is None:
            for k, v in fields.items():
                setattr(index, k, v)
            index.save()
        else:
            _save_if_changed(index, fields)
        counts["indices"] += 1
        previous_components: dict[str, Component] = {}
        for fw in data["frameworks"]:
            framework, _ = Framework.objects.get_or_create(
                index=index,
                first_year=fw["first_year"],
                defaults={"name": fw["name"], "legal_reference": fw["legal_reference"], "last_year": fw["last_year"]},
            )
            _save_if_changed(
                framework, {"name": fw["name"], "legal_reference": fw["legal_reference"], "last_year": fw["last_year"]}
            )
            counts["frameworks"] += 1
            components = {}
            for order, comp in enumerate(fw["components"], start=1):
                values = {
                    "name": comp["name"],
                    "name_en": comp.get("name_en", ""),
                    "order": order,
                    "max_points": Decimal(str(comp["max_points"])) if comp.get("max_points") is not None else None,
                    "previous": previous_components.get(comp.get("previous", "")),
                    "aliases": "\n".join(comp.get("aliases", [])),
                }
                component, created = Component.objects.get_or_create(
                    framework=framework, key=comp["key"], defaults=values
                )
                if not created:
                    _save_if_changed(component, values)
                components[comp["key"]] = component
                counts["components"] += 1
            previous_components = components
    return dict(counts)


# --- articles -------------------------------------------------------------------------------------


@transaction.atomic
def load_articles() -> dict[str, SourceArticle]:
    """The twelve stored article texts and the five seeds; returns them keyed as the label files cite them."""
    by_source: dict[str, SourceArticle] = {}
    for path in sorted((DATA_DIR / "articles").glob("*.txt")):
        text, url, published = parse_article_file(path)
        article = _upsert_article(url=url, text=text, published_on=published, title="")
        by_source[url] = article
    for path in sorted((DATA_DIR / "seeds").glob("*.txt")):
        text, url, published = parse_article_file(path)
        title = title_from_text(text)  # a seed's first line can be a dateline or a section name
        article = _upsert_article(url=url, text=text, published_on=published or first_date(text), title=title)
        by_source[f"seed:{path.name}"] = article
    return by_source


def _upsert_article(*, url: str, text: str, published_on, title: str) -> SourceArticle:
    from provinces.text import text_fingerprint

    article = None
    if url:
        article = SourceArticle.objects.filter(url=url).first()
    if article is None and text:
        article = SourceArticle.objects.filter(fingerprint=text_fingerprint(text)).first()
    values = {
        "url": url,
        "text": text,
        "title": title or (article.title if article else ""),
        "publisher": publisher_of(url) if url else (article.publisher if article else ""),
        "language": "en" if url and "/en" in url or "english" in url else "vi",
    }
    if published_on:
        values["published_on"] = published_on
    if article is None:
        return SourceArticle.objects.create(**values)
    _save_if_changed(article, values)
    return article


# --- figures --------------------------------------------------------------------------------------


@dataclass
class Fact:
    """One row of a label file: a figure as one source states it."""

    index: Index
    year: int
    province: Province | None
    region: Region | None
    is_national: bool
    metric: str
    component_name: str
    value_number: Decimal | None
    value_text: str
    quote: str
    article: SourceArticle
    period: str = ""
    component: Component | None = None
    citation: Citation | None = field(default=None, repr=False)

    @property
    def value(self):
        return self.value_number if self.value_number is not None else self.value_text

    @property
    def comparable(self):
        return comparable(self.value)


@dataclass
class LoadReport:
    editions: int = 0
    results: int = 0
    citations: int = 0
    disputed: int = 0
    written: int = 0
    skipped: list[str] = field(default_factory=list)
    # published group labels that match no band of their edition's scheme: stored, tier left empty
    unmatched_groups: list[str] = field(default_factory=list)

    def write(self, obj, model, identity: dict, values: dict):
        """Create the row, or save it only where ``values`` changed; counts the rows written."""
        if obj is None:
            self.written += 1
            return model.objects.create(**identity, **values)
        self.written += _save_if_changed(obj, values)
        return obj

    def __str__(self) -> str:
        lines = [
            f"{self.editions} editions, {self.results} results, {self.citations} citations, "
            f"{self.disputed} disputed figures, {self.written} rows written"
        ]
        lines += [f"  skipped: {reason}" for reason in self.skipped]
        lines += [f"  group without a tier: {label}" for label in self.unmatched_groups]
        return "\n".join(lines)


def _read_facts(paths, articles, gazetteer, regions, indices) -> tuple[list[Fact], list[str]]:
    facts, skipped = [], []
    for path in paths:
        if not path.exists():
            continue
        with open(path, encoding="utf-8", newline="") as fh:
            for line_no, row in enumerate(csv.DictReader(fh), start=2):
                where = f"{path.name}:{line_no}"
                index = indices.get(row["index"])
                if index is None:
                    skipped.append(f"{where}: unknown index {row['index']!r}")
                    continue
                year = int(row["year"])
                metric, _, component_name = row["metric"].partition(":")
                if metric not in Metric.values:
                    skipped.append(f"{where}: unknown metric {row['metric']!r}")
                    continue
                name = row["province"].strip()
                province = region = None
                is_national = name == "NATIONAL"
                if name and not is_national:
                    region = regions.get(fold(name))
                    if region is None:
                        province = gazetteer.resolve(name, year=year)
                        if province is None:
                            skipped.append(f"{where}: no single unit named {name!r} in {year}")
                            continue
                article = articles.get(row["source_url"])
                if article is None:
                    url = row["source_url"]
                    article = _upsert_article(
                        url=url,
                        text="",
                        title="",
                        published_on=(datetime.date.fromisoformat(row["published"]) if row.get("published") else None),
                    )
                    articles[url] = article
                value_number, value_text = None, ""
                if metric == Metric.GROUP:
                    value_text = row["value"].strip()
                else:
                    value_number = Decimal(row["value"])
                facts.append(
                    Fact(
                        index,
                        year,
                        province,
                        region,
                        is_national,
                        metric,
                        component_name.strip(),
                        value_number,
                        value_text,
                        row["quote"].strip(),
                        article,
                        period=row.get("period", "") or "",
                    )
                )
    return facts, skipped


def _edition_for(index: Index, year: int, edition_specs: dict, frameworks) -> tuple[Edition, bool]:
    spec = edition_specs.get((index.code, year), {})
    framework = next((f for f in frameworks if f.index_id == index.pk and f.covers(year)), None)
    values = {
        "framework": framework,
        "units_ranked": UNITS_PER_ERA[Era.of_year(year)],
        "status": Status.PUBLISHED,
        "announced_on": datetime.date.fromisoformat(spec["announced_on"]) if spec.get("announced_on") else None,
        "grouping": spec.get("grouping", ""),
        "group_scheme": spec.get("group_scheme") or None,  # None: no scheme published (as the migration leaves it)
    }
    edition = Edition.objects.filter(index=index, year=year, is_synthetic=False).first()
    if edition is None:
        return Edition.objects.create(index=index, year=year, **values), True
    return edition, _save_if_changed(edition, values)


def _settle(facts: list[Fact]):
    """The value to store for one figure and whether sources disagree about it.

    The value stated by more distinct articles wins; an even split stores nothing.
    """
    votes = Counter()
    articles_by_value = defaultdict(set)
    for fact in facts:
        articles_by_value[fact.comparable].add(fact.article.pk)
    for value, arts in articles_by_value.items():
        votes[value] = len(arts)
    ranked = votes.most_common()
    disputed = len(ranked) > 1
    if disputed and ranked[0][1] == ranked[1][1]:
        return None, True
    winner = ranked[0][0]
    return next(f.value for f in facts if f.comparable == winner), disputed


@transaction.atomic
@statistics_deferred()
def load_facts(paths=None) -> LoadReport:
    """Load label files (par_facts.csv format) as editions, results, averages, component scores and citations."""
    paths = FACT_FILES if paths is None else paths
    report = LoadReport()
    articles = load_articles()
    gazetteer = Gazetteer(Province.objects.real())
    regions = {fold(r.name): r for r in Region.objects.all()}
    indices = {i.code: i for i in Index.objects.all()}
    frameworks = list(Framework.objects.all())
    components = ComponentNames()
    spec = json.loads((DATA_DIR / "indices.json").read_text(encoding="utf-8"))
    edition_specs = {(e["index"], e["year"]): e for e in spec["editions"]}

    facts, report.skipped = _read_facts(paths, articles, gazetteer, regions, indices)
    editions: dict[tuple[int, int], Edition] = {}
    for fact in facts:
        key = (fact.index.pk, fact.year)
        if key not in editions:
            editions[key], written = _edition_for(fact.index, fact.year, edition_specs, frameworks)
            report.written += written
    report.editions = len(editions)

    results = _load_results(facts, editions, report)
    averages = _load_averages(facts, editions, report)
    scores = _load_component_scores(facts, editions, results, components, report)
    _load_citations(facts, editions, results, averages, scores, report)
    _link_article_provinces(facts)
    return report


def _load_results(facts, editions, report) -> dict[tuple[int, int], Result]:
    grouped = defaultdict(lambda: defaultdict(list))
    for fact in facts:
        if fact.province and fact.metric in RESULT_FIELDS:
            grouped[(fact.index.pk, fact.year, fact.province.pk)][fact.metric].append(fact)
        elif fact.province and fact.metric in (Metric.RANK_OF, Metric.COMPONENT_SCORE, Metric.COMPONENT_RANK):
            grouped[(fact.index.pk, fact.year, fact.province.pk)]  # a result exists even if only parts are stated
    results = {}
    existing = {
        (r.edition_id, r.province_id): r
        for r in Result.objects.filter(edition__is_synthetic=False).select_related("edition")
    }
    for (index_id, year, province_id), by_metric in grouped.items():
        edition = editions[(index_id, year)]
        values = {
            "score": None,
            "rank": None,
            "group": "",
            "reported_score_delta": None,
            "reported_rank_delta": None,
            "disputed": False,
        }
        for metric, metric_facts in by_metric.items():
            value, disputed = _settle(metric_facts)
            if metric == Metric.RANK and value is not None and value > edition.units_ranked:
                report.skipped.append(f"{edition} {metric_facts[0].province}: rank {value} > {edition.units_ranked}")
                value = None
            field_name = RESULT_FIELDS[metric]
            if metric in (Metric.RANK, Metric.RANK_DELTA) and value is not None:
                value = int(value)
            values[field_name] = value if value is not None else values[field_name]
            values["disputed"] |= disputed
            report.disputed += disputed
        # the tier from the published label in the edition's scheme, never from the score
        values["tier"] = tiers.tier_of(edition.group_scheme, values["group"])
        if values["group"] and values["tier"] is None:
            report.unmatched_groups.append(f"{edition} {by_metric[Metric.GROUP][0].province}: {values['group']!r}")
        results[(edition.pk, province_id)] = report.write(
            existing.get((edition.pk, province_id)), Result, {"edition": edition, "province_id": province_id}, values
        )
    report.results = len(results)
    return results


STATISTICS = {Metric.AVERAGE: PublishedAverage.Statistic.MEAN, Metric.MEDIAN: PublishedAverage.Statistic.MEDIAN}


def _load_averages(facts, editions, report) -> dict:
    """Stated national and regional means and medians. Where sources disagree the row is disputed and
    lists every stated value; with as many sources on each side it stores no value (never a mean of ours)."""
    grouped = defaultdict(list)
    for fact in facts:
        if fact.metric in STATISTICS and (fact.is_national or fact.region):
            key = (fact.index.pk, fact.year, fact.region.pk if fact.region else None, STATISTICS[fact.metric])
            grouped[key].append(fact)
    averages = {}
    for (index_id, year, region_id, statistic), group in grouped.items():
        edition = editions[(index_id, year)]
        value, disputed = _settle(group)
        report.disputed += disputed
        stated = "; ".join(sorted({f"{f.value:.2f}" for f in group})) if disputed else ""
        average = PublishedAverage.objects.filter(edition=edition, region_id=region_id, statistic=statistic).first()
        averages[(edition.pk, region_id, statistic)] = report.write(
            average,
            PublishedAverage,
            {"edition": edition, "region_id": region_id, "statistic": statistic},
            {"value": value, "disputed": disputed, "stated": stated},
        )
    return averages


def _load_component_scores(facts, editions, results, components, report) -> dict:
    grouped = defaultdict(lambda: defaultdict(list))
    for fact in facts:
        if fact.province and fact.metric in (Metric.COMPONENT_SCORE, Metric.COMPONENT_RANK):
            edition = editions[(fact.index.pk, fact.year)]
            fact.component = components.match(edition.framework_id, fact.component_name)
            if fact.component:
                grouped[(edition.pk, fact.province.pk, fact.component.pk)][fact.metric].append(fact)
        elif fact.metric.startswith("component_"):
            edition = editions[(fact.index.pk, fact.year)]
            fact.component = components.match(edition.framework_id, fact.component_name)
    scores = {}
    existing = {(s.result_id, s.component_id): s for s in ComponentScore.objects.all()}
    for (edition_id, province_id, component_id), by_metric in grouped.items():
        result = results[(edition_id, province_id)]
        values = {"score": None, "rank": None}
        for metric, metric_facts in by_metric.items():
            value, disputed = _settle(metric_facts)
            report.disputed += disputed
            component = metric_facts[0].component
            if (
                metric == Metric.COMPONENT_SCORE
                and value is not None
                and component.max_points is not None
                and value > component.max_points
            ):
                report.skipped.append(f"{result}: {component.key} {value} above its maximum {component.max_points}")
                value = None
            values["score" if metric == Metric.COMPONENT_SCORE else "rank"] = (
                int(value) if metric == Metric.COMPONENT_RANK and value is not None else value
            )
        scores[(result.pk, component_id)] = report.write(
            existing.get((result.pk, component_id)),
            ComponentScore,
            {"result": result, "component_id": component_id},
            values,
        )
    return scores


def _load_citations(facts, editions, results, averages, scores, report) -> None:
    existing = {_citation_key(c): c for c in Citation.objects.filter(state=Citation.State.CONFIRMED)}
    for fact in facts:
        edition = editions[(fact.index.pk, fact.year)]
        result = results.get((edition.pk, fact.province.pk)) if fact.province else None
        stored = None
        links = {"result": None, "average": None, "component_score": None}
        if result and fact.metric in RESULT_FIELDS:
            links["result"] = result
            stored = getattr(result, RESULT_FIELDS[fact.metric])
        elif result and fact.metric == Metric.RANK_OF:
            links["result"] = result
            stored = edition.units_ranked
        elif result and fact.component and fact.metric in (Metric.COMPONENT_SCORE, Metric.COMPONENT_RANK):
            links["result"] = result
            score = scores.get((result.pk, fact.component.pk))
            links["component_score"] = score
            stored = getattr(score, "score" if fact.metric == Metric.COMPONENT_SCORE else "rank", None)
        elif result:
            links["result"] = result  # deltas of components: provenance of the result, no stored field
        elif fact.metric in STATISTICS:
            region_id = fact.region.pk if fact.region else None
            links["average"] = averages.get((edition.pk, region_id, STATISTICS[fact.metric]))
            stored = links["average"].value if links["average"] else None
        conflict = stored is not None and comparable(stored) != fact.comparable
        conflict |= stored is None and fact.metric in RESULT_FIELDS and result is not None and result.disputed
        conflict |= stored is None and links["average"] is not None and links["average"].disputed
        values = {
            "quote": fact.quote,
            "component": fact.component,
            "conflict": conflict,
            "state": Citation.State.CONFIRMED,
            **links,
        }
        key = (
            fact.article.pk,
            fact.index.pk,
            fact.year,
            fact.province.pk if fact.province else None,
            fact.region.pk if fact.region else None,
            fact.is_national,
            fact.metric,
            fact.component_name,
            fact.period,
            fact.value_number,
            fact.value_text,
        )
        identity = {
            "article": fact.article,
            "index": fact.index,
            "year": fact.year,
            "province": fact.province,
            "region": fact.region,
            "is_national": fact.is_national,
            "metric": fact.metric,
            "component_name": fact.component_name,
            "period": fact.period,
            "value_number": fact.value_number,
            "value_text": fact.value_text,
        }
        fact.citation = existing[key] = report.write(existing.get(key), Citation, identity, values)
    report.citations = len({f.citation.pk for f in facts})


def _citation_key(c: Citation):
    return (
        c.article_id,
        c.index_id,
        c.year,
        c.province_id,
        c.region_id,
        c.is_national,
        c.metric,
        c.component_name,
        c.period,
        c.value_number,
        c.value_text,
    )


def _link_article_provinces(facts) -> None:
    wanted = defaultdict(set)
    for fact in facts:
        if fact.province:
            wanted[fact.article.pk].add(fact.province.pk)
    through = SourceArticle.provinces.through
    have = set(through.objects.values_list("sourcearticle_id", "province_id"))
    new = [through(sourcearticle_id=a, province_id=p) for a, ps in wanted.items() for p in ps if (a, p) not in have]
    through.objects.bulk_create(new)
