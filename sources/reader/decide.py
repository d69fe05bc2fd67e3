"""From candidates to proposals: the learned weights decide what each number is, whose, for which year and index.

The weights are plain JSON (``sources/data/reader_weights.json``) written by ``manage.py train_reader``; scoring
is a dot product, so reading needs neither scikit-learn nor numpy.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from sources.reader.candidates import Document, Mention, analyse
from sources.reader.features import (
    COMPONENT_BASES,
    METRICS,
    Owner,
    component_features,
    index_options,
    metric_features,
    owner_features,
    owner_options,
    year_options,
)
from sources.reader.gazetteer import LAST_YEAR_OF_63_UNITS, NATIONAL, Gazetteer, gazetteer
from sources.reader.lexicon import CUE_RE, period_in

WEIGHTS = Path(__file__).resolve().parent.parent / "data" / "reader_weights.json"


@dataclass(frozen=True)
class Proposal:
    """One figure the article states, as the reader understood it."""

    province: str | None
    index: str
    year: int | None
    metric: str
    value: Decimal | str
    quote: str
    component: str | None = None
    period: str | None = None
    confidence: float | None = None

    def as_dict(self) -> dict:
        """JSON-ready form: numbers as numbers, groups as strings."""
        data = asdict(self)
        if isinstance(self.value, Decimal):
            data["value"] = int(self.value) if self.value == self.value.to_integral() else float(self.value)
        return data


class Linear:
    """A logistic model stored as ``{"classes": [...], "intercept": [...], "coef": {feature: [...]}}``."""

    def __init__(self, spec: dict) -> None:
        self.classes = spec["classes"]
        self.intercept = spec["intercept"]
        self.coef = spec["coef"]

    def proba(self, features: dict[str, float]) -> dict[str, float]:
        z = list(self.intercept)
        for name, value in features.items():
            weights = self.coef.get(name)
            if weights:
                for k, w in enumerate(weights):
                    z[k] += w * value
        if len(self.classes) == 2 and len(z) == 1:
            p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z[0]))))
            return {self.classes[0]: 1 - p, self.classes[1]: p}
        top = max(z)
        exps = [math.exp(v - top) for v in z]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=True)}

    def positive(self, features: dict[str, float]) -> float:
        return self.proba(features)[self.classes[-1]]


@dataclass
class Model:
    metric: Linear
    owner: Linear
    year: Linear
    index: Linear
    thresholds: dict
    component: Linear | None = None

    @classmethod
    def from_dict(cls, data: dict) -> Model:
        return cls(
            Linear(data["metric"]),
            Linear(data["owner"]),
            Linear(data["year"]),
            Linear(data["index"]),
            data.get("thresholds", {}),
            Linear(data["component"]) if "component" in data else None,
        )


@lru_cache(maxsize=1)
def shipped_model() -> Model:
    return Model.from_dict(json.loads(WEIGHTS.read_text(encoding="utf-8")))


def read_document(doc: Document, model: Model, gaz: Gazetteer) -> list[Proposal]:
    proposals: list[Proposal] = []
    seen: set = set()
    threshold = model.thresholds.get("metric", 0.5)
    for m in doc.mentions:
        probs = model.metric.proba(metric_features(doc, m))
        metric = max(probs, key=probs.get)
        if m.kind == "group":  # a group word is a group or nothing: its own threshold
            metric = "group" if probs.get("group", 0.0) >= model.thresholds.get("group", threshold) else "none"
        if metric == "none":
            continue
        if m.kind == "group" and metric != "group" or m.kind != "group" and metric == "group":
            continue
        if m.kind != "group" and probs[metric] < threshold:
            continue
        confidence = probs[metric]
        if metric in COMPONENT_BASES and model.component is not None:
            if model.component.positive(component_features(doc, m)) >= model.thresholds.get("component", 0.5):
                metric = "component_" + metric
        for proposal in _assemble(doc, m, metric, confidence, model, gaz):
            key = (proposal.province, proposal.index, proposal.year, proposal.metric, proposal.period, proposal.value)
            if key not in seen:
                seen.add(key)
                proposals.append(proposal)
    return proposals


def read_text(text: str, published: date | None, model: Model | None = None, url: str | None = None) -> list[Proposal]:
    gaz = gazetteer()
    return read_document(analyse(text, gaz, published, url), model or shipped_model(), gaz)


def allowed_owners(options: list[Owner], metric: str) -> list[Owner]:
    if metric in ("average", "median"):
        return [o for o in options if o.key[0] in ("national", "region")]
    return [o for o in options if o.key[0] == "province"]


def _assemble(doc: Document, m: Mention, metric: str, confidence: float, model: Model, gaz: Gazetteer):
    s = doc.sentences[m.sent]
    quote = re.sub(r"\s+", " ", s.text).strip()
    owners = allowed_owners(owner_options(doc, m), metric)
    scored = sorted(((model.owner.positive(owner_features(doc, m, o, metric)), o) for o in owners),
                    key=lambda t: -t[0])  # fmt: skip
    owner_threshold = model.thresholds.get("owner", 0.5)
    if metric.startswith("dossier_"):
        period = period_in(s.folded) or doc.period
        province = None
        if scored and scored[0][0] >= owner_threshold:
            province = scored[0][1]
        year = int(period[:4]) if period else None
        name = owner_name(province, year, gaz) if province else None
        return [Proposal(name, "PAR_INDEX", year, metric, m.value, quote, period=period, confidence=confidence)]
    named = any(p.kind == "province" for sent in doc.sentences for p in sent.places)
    if not owners and not named:
        scored = [(1.0, None)]  # the article names no province: the curator fills it in
    elif not scored or scored[0][0] < owner_threshold:
        if named or not any(o.source in ("address", "host") for o in owners):
            return []
        scored = [(1.0, None)]  # only the address names a province, and weakly: the curator decides
    if metric == "group":
        chosen = [o for p, o in scored if p >= owner_threshold and o and o.source == "sentence"] or [scored[0][1]]
    else:
        chosen = [scored[0][1]]

    years = year_options(doc, m, metric)
    year = None
    if years:
        year = max(years, key=lambda y: (model.year.positive(years[y]), y))
    indices = index_options(doc, m)
    index = max(indices, key=lambda n: model.index.positive(indices[n]))

    value = _value(doc, m, metric, year)
    if value is None:
        return []
    component = None
    out_metric = metric
    if metric.startswith("component_"):
        component = _component_name(doc, m)
        if component is None:
            return []
        out_metric = f"{metric}:{component}"
    return [
        Proposal(owner_name(o, year, gaz), index, year, out_metric, value, quote, component, confidence=confidence)
        for o in chosen
    ]


def owner_name(owner: Owner | None, year: int | None, gaz: Gazetteer) -> str | None:
    if owner is None:
        return None
    if owner.key[0] == "national":
        return NATIONAL
    if owner.key[0] == "region":
        return owner.key[1]
    _kind, code, era = owner.key
    return gaz.name(code, era, year)


def _value(doc: Document, m: Mention, metric: str, year: int | None):
    if m.kind == "group":
        return m.value
    if m.kind == "phrase":
        total = 63 if year is None or year <= LAST_YEAR_OF_63_UNITS else 34
        return Decimal({"first": 1, "second": 2, "last": total, "second_last": total - 1}[m.phrase])
    value = m.value
    if metric.endswith("_delta"):
        f = doc.sentences[m.sent].folded
        left = f[max(0, m.start - 40) : m.start]
        right = f[m.end : m.end + 30]
        ups = [x.end() for x in CUE_RE["up"].finditer(left)]
        downs = [x.end() for x in CUE_RE["down"].finditer(left)]
        negative = bool(downs) and (not ups or max(downs) > max(ups))
        if re.match(r"^\s*(?:%|diem|points?|percent)?\s*(?:bac|places?|spots?|positions?|levels?)?\s*(?:down|lower)",
                    right):  # fmt: skip
            negative = True
        if "minus" in m.flags:
            negative = True
        value = -abs(value) if negative else abs(value)
    return value


def _component_name(doc: Document, m: Mention) -> str | None:
    s = doc.sentences[m.sent]
    before = [c for c in s.components if c[1] <= m.start]
    after = [c for c in s.components if c[0] >= m.end]
    chosen = before[-1] if before else (after[0] if after else None)
    if chosen is None:
        for k in range(m.sent - 1, max(-1, m.sent - 3), -1):
            previous = doc.sentences[k]
            if previous.components and (previous.heading or previous.para == s.para):
                chosen = previous.components[-1]
                return previous.text[chosen[0] : chosen[1]]
        return None
    return s.text[chosen[0] : chosen[1]]


__all__ = ["METRICS", "Model", "Proposal", "read_document", "read_text", "shipped_model"]
