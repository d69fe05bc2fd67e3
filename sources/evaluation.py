"""Score the article reader against figures people read out of the same texts.

Two honest estimates, Vietnamese, English and other languages apart (``manage.py reader_score --split``):

- ``test``: the sources of rows 650–775 of ``par_facts.csv``, labelled completely (every figure each quote
  states, ``reports/data/labels/test_labels.csv``), read with the shipped weights, which never saw them.
- ``cv``: 5-fold cross-validation over the training documents, folds grouped by source and near-duplicate quote;
  each fold is read with weights trained on the other four. The training quotes list the figures the harvest
  recorded, not always every figure they state, so precision here is a lower bound.

A proposal matches a label when province, index, result year and metric agree (components compared by the area
they name, however it is spelled) and the values are equal (numbers within 0.005, groups by folded text); dossier
counts match on province (empty when the text names none), period, metric and value. Each label matches at most
one proposal. Labels cover the PAR INDEX and SIPAS only, so PAPI and PCI proposals are counted apart.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from provinces.text import fold
from sources.reader.candidates import analyse
from sources.reader.dataset import Document, Label, folds, test_documents, training_documents
from sources.reader.decide import Model, Proposal, read_document, shipped_model
from sources.reader.gazetteer import gazetteer
from sources.reader.lexicon import component_key
from sources.reader.training import base_metric, fit, group_value

SCORED_INDICES = {"PAR_INDEX", "SIPAS"}
TOLERANCE = Decimal("0.005")


@dataclass
class Score:
    proposals: int = 0
    labels: int = 0
    matched: int = 0
    matched_open: int = 0  # also counting proposals that left the province or year empty where the rest agrees

    @property
    def precision_open(self) -> float | None:
        return self.matched_open / self.proposals if self.proposals else None

    @property
    def recall_open(self) -> float | None:
        return self.matched_open / self.labels if self.labels else None

    @property
    def precision(self) -> float | None:
        return self.matched / self.proposals if self.proposals else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.labels if self.labels else None

    def as_dict(self) -> dict:
        r = lambda v: None if v is None else round(v, 3)  # noqa: E731
        return {
            "proposals": self.proposals,
            "labels": self.labels,
            "matched": self.matched,
            "precision": r(self.precision),
            "recall": r(self.recall),
            "matched_open": self.matched_open,
            "precision_open": r(self.precision_open),
            "recall_open": r(self.recall_open),
        }


@dataclass
class Report:
    by_lang: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    by_metric: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    overall: Score = field(default_factory=Score)
    documents: int = 0
    unscored_proposals: int = 0
    misses: list[tuple[str, Label]] = field(default_factory=list)
    false_positives: list[tuple[str, Proposal]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "documents": self.documents,
            "unscored_proposals": self.unscored_proposals,
            "overall": self.overall.as_dict(),
            "by_language": {k: s.as_dict() for k, s in sorted(self.by_lang.items())},
            "by_metric": {k: s.as_dict() for k, s in sorted(self.by_metric.items())},
        }


def _component(metric: str) -> str | None:
    return component_key(metric.split(":", 1)[1]) if ":" in metric else None


def matches(proposal: Proposal, label: Label, *, open_fields: bool = False) -> bool:
    """With ``open_fields``, a province or year the reader left empty (for the curator) does not disagree."""
    if open_fields:
        proposal = replace(
            proposal,
            province=label.province if proposal.province is None else proposal.province,
            year=label.year if proposal.year is None else proposal.year,
        )
    if base_metric(proposal.metric) != base_metric(label.metric):
        return False
    if proposal.metric.startswith("dossier_"):
        if (proposal.province, proposal.period) != (label.province, label.period):
            return False
    elif (proposal.province, proposal.index, proposal.year) != (label.province, label.index, label.year):
        return False
    if _component(proposal.metric) != _component(label.metric):
        return False
    if isinstance(proposal.value, Decimal) and isinstance(label.value, Decimal):
        return abs(proposal.value - label.value) <= TOLERANCE
    return group_value(proposal.value) == group_value(label.value)


def distinct_labels(labels: list[Label]) -> list[Label]:
    """One label per figure: a document may state a figure in several sentences (each labelled, so that each is
    learned), but the reader proposes each figure once."""
    seen: dict[tuple, Label] = {}
    for label in labels:
        value = label.value.normalize() if isinstance(label.value, Decimal) else fold(str(label.value))
        key = (label.province, label.index, label.year, base_metric(label.metric), _component(label.metric))
        seen.setdefault((*key, label.period, value), label)
    return list(seen.values())


def score_document(report: Report, doc: Document, proposals: list[Proposal]) -> None:
    report.documents += 1
    scored = [p for p in proposals if p.index in SCORED_INDICES or p.metric.startswith("dossier_")]
    report.unscored_proposals += len(proposals) - len(scored)
    labels = distinct_labels(doc.labels)
    unmatched = list(labels)
    open_unmatched = list(labels)
    lang = report.by_lang[doc.lang]
    for proposal in scored:
        metric = base_metric(proposal.metric)
        hit = next((label for label in unmatched if matches(proposal, label)), None)
        open_hit = next((label for label in open_unmatched if matches(proposal, label, open_fields=True)), None)
        for score in (report.by_metric[metric], report.overall, lang):
            score.proposals += 1
            score.matched += bool(hit)
            score.matched_open += bool(open_hit)
        if hit:
            unmatched.remove(hit)
        else:
            report.false_positives.append((doc.name, proposal))
        if open_hit:
            open_unmatched.remove(open_hit)
    for label in labels:
        for score in (report.by_metric[base_metric(label.metric)], report.overall, lang):
            score.labels += 1
    report.misses.extend((doc.name, label) for label in unmatched)


def evaluate_test(model: Model | None = None) -> Report:
    """The held-out test split read with the shipped weights."""
    gaz = gazetteer()
    model = model or shipped_model()
    report = Report()
    for doc in test_documents():
        score_document(report, doc, read_document(analyse(doc.text, gaz, doc.published, doc.url), model, gaz))
    return report


def evaluate_cv(k: int = 5) -> Report:
    """Grouped k-fold cross-validation over the training documents."""
    gaz = gazetteer()
    documents = training_documents()
    analysed = [analyse(doc.text, gaz, doc.published, doc.url) for doc in documents]
    fold_of = folds(documents, k)
    report = Report()
    for f in range(k):
        train = [n for n in range(len(documents)) if fold_of[n] != f]
        model = Model.from_dict(fit([documents[n] for n in train], [analysed[n] for n in train]))
        for n in range(len(documents)):
            if fold_of[n] == f:
                score_document(report, documents[n], read_document(analysed[n], model, gaz))
    return report


def format_report(report: Report, *, details: bool = False) -> str:
    def pct(value: float | None) -> str:
        return "   -  " if value is None else f"{value:6.1%}"

    def line(name: str, s: Score) -> str:
        return (
            f"{name:<24}{s.proposals:>9}{s.labels:>8}{s.matched:>9}{pct(s.precision):>11}{pct(s.recall):>9}"
            f"{s.matched_open:>9}{pct(s.precision_open):>11}{pct(s.recall_open):>9}"
        )

    lines = [
        f"{report.documents} documents; {report.unscored_proposals} PAPI/PCI proposals not scored.",
        "",
        "Strict: province, year, index, metric and value all agree. Open: a province or year the reader left empty",
        "for the curator (the text does not state it) is not counted against it.",
        "",
        f"{'':<24}{'proposed':>9}{'labels':>8}{'matched':>9}{'precision':>11}{'recall':>9}"
        f"{'open':>9}{'precision':>11}{'recall':>9}",
    ]
    lines += [line(f"language {lang}", s) for lang, s in sorted(report.by_lang.items())]
    lines.append("")
    lines += [line(metric, s) for metric, s in sorted(report.by_metric.items())]
    lines.append(line("overall", report.overall))
    if details:
        lines += ["", "Missed labels:"]
        lines += [f"  {doc}: {m.province} {m.index} {m.year} {m.metric} = {m.value}" for doc, m in report.misses]
        lines += ["", "Proposals without a label:"]
        lines += [
            f"  {doc}: {p.province} {p.index} {p.year} {p.metric} = {p.value} | {p.quote[:140]}"
            for doc, p in report.false_positives
        ]
    return "\n".join(lines)
