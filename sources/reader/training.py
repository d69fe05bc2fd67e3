"""Learn the reader's weights from labelled documents (``manage.py train_reader``).

Each label is aligned with the candidate in its quote that writes its value (a number, a rank word, a group
label); that candidate is a positive example of the label's metric, owner, year and index, the other options of
the same candidate are negatives, and candidates no label claims are examples of "not a figure". Four logistic
regressions (scikit-learn, fixed seed, deterministic solver) are fitted and written as plain JSON.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

from provinces.text import fold
from sources.reader.candidates import Document as Analysed
from sources.reader.candidates import Mention, analyse
from sources.reader.dataset import Document, Label, squash
from sources.reader.decide import allowed_owners, owner_name
from sources.reader.features import (
    COMPONENT_BASES,
    component_features,
    index_options,
    metric_features,
    owner_features,
    owner_options,
    year_options,
)
from sources.reader.gazetteer import gazetteer
from sources.reader.text import clean_text

SEED = 0
#: Quotes of par_facts.csv list the figures the harvest recorded, not always every figure a quote states: a
#: candidate no label claims there is weaker evidence of "not a figure" than in a completely labelled article.
UNCLAIMED_WEIGHT_IN_QUOTES = 0.5
THRESHOLDS = {"metric": 0.5, "owner": 0.3, "component": 0.5, "group": 0.35}
C = {"metric": 0.5, "owner": 1.0, "year": 8.0, "index": 2.0, "component": 1.0}  # chosen by CV


def base_metric(metric: str) -> str:
    return metric.split(":", 1)[0]


def whole_metric(metric: str) -> str:
    """What the metric model learns: a component's score or rank is a score or rank (the component model tells
    which)."""
    metric = base_metric(metric)
    return metric.removeprefix("component_") if metric.removeprefix("component_") in COMPONENT_BASES else metric


def _phrase_values(m: Mention) -> set[Decimal]:
    return {
        "first": {Decimal(1)},
        "second": {Decimal(2)},
        "last": {Decimal(63), Decimal(34)},
        "second_last": {Decimal(62), Decimal(33)},
    }[m.phrase]


def group_value(value) -> str:
    """A group label without the word for group: "nhóm khá" is "khá"."""
    return re.sub(r"^(?:nhom|group)\s+", "", fold(str(value)).strip())


def _compatible(m: Mention, label: Label) -> bool:
    metric = base_metric(label.metric)
    if metric == "group":
        return m.kind == "group" and group_value(m.value) == group_value(label.value)
    if not isinstance(label.value, Decimal):
        return False
    if m.kind == "phrase":
        return metric in ("rank", "component_rank") and label.value in _phrase_values(m)
    return m.kind == "num" and abs(abs(m.value) - abs(label.value)) <= Decimal("0.005")


_PREFERRED_UNITS = {
    "rank": {"slash", "ordinal", "ordinal_word", "none"},
    "component_rank": {"slash", "ordinal", "ordinal_word", "none"},
    "rank_of": {"after_slash"},
    "score": {"pct", "points", "of100", "slash"},
    "average": {"pct", "points"},
    "component_score": {"slash", "points", "pct"},
    "score_delta": {"pct", "points"},
    "rank_delta": {"places"},
    "component_rank_delta": {"places"},
}


def _preference(m: Mention, label: Label, k: int) -> tuple:
    metric = base_metric(label.metric)
    good = (
        m.unit in _PREFERRED_UNITS.get(metric, set())
        or (metric == "rank_of" and "out_of" in m.flags)
        or ("rank" in metric and "ordinal_left" in m.flags)
        or (metric in ("rank", "component_rank") and m.kind == "phrase")
    )
    return (not good, m.kind != "num", k)


def align(doc: Analysed, labels: list[Label], also: dict[int, list[Label]] | None = None) -> dict[int, Label]:
    """Which candidate (index into ``doc.mentions``) states which label; ``also`` collects the further provinces
    of a group label that one group word states for several."""
    claimed: dict[int, Label] = {}
    also = {} if also is None else also
    sentence_texts = [squash(s.text) for s in doc.sentences]
    for label in labels:
        quote = squash(clean_text(label.quote))  # as the analysed text was cleaned (’ → ')
        in_quote = {i for i, t in enumerate(sentence_texts) if t and (t in quote or quote in t)}
        candidates = [
            k for k, m in enumerate(doc.mentions) if m.sent in in_quote and k not in claimed and _compatible(m, label)
        ]
        if not candidates:
            if base_metric(label.metric) == "group":
                # One group label can be several provinces' ("nhóm A gồm Quảng Ninh và Hải Phòng").
                shared = [k for k, m in enumerate(doc.mentions) if m.sent in in_quote and k in claimed
                          and _compatible(m, label) and base_metric(claimed[k].metric) == "group"]  # fmt: skip
                if shared:
                    also.setdefault(shared[0], []).append(label)
            continue
        claimed[min(candidates, key=lambda k, label=label: _preference(doc.mentions[k], label, k))] = label
    return claimed


def examples(doc: Document, analysed: Analysed | None = None) -> dict[str, list]:
    """Training rows ``(features, target, weight)`` for the four models."""
    gaz = gazetteer()
    analysed = analysed or analyse(doc.text, gaz, doc.published, doc.url)
    shared: dict[int, list[Label]] = {}
    claimed = align(analysed, doc.labels, shared)
    quote_doc = doc.source.startswith("http") and bool(doc.quotes) and not doc.name.endswith(".txt")
    rows: dict[str, list] = {"metric": [], "owner": [], "year": [], "index": [], "component": []}
    for k, m in enumerate(analysed.mentions):
        label = claimed.get(k)
        target = whole_metric(label.metric) if label else "none"
        weight = UNCLAIMED_WEIGHT_IN_QUOTES if (label is None and quote_doc) else 1.0
        rows["metric"].append((metric_features(analysed, m), target, weight))
        if label is None:
            continue
        if target in COMPONENT_BASES:
            is_component = int(label.metric.startswith("component_"))
            rows["component"].append((component_features(analysed, m), is_component, 1.0))
        owners = {fold(x.province or "") for x in [label, *shared.get(k, [])]}
        for o in allowed_owners(owner_options(analysed, m), target):
            name = owner_name(o, label.year, gaz)
            rows["owner"].append((owner_features(analysed, m, o, target), int(fold(name) in owners), 1.0))
        if target.startswith("dossier"):
            continue
        years = year_options(analysed, m, target)
        if label.year in years:
            for year, feats in years.items():
                rows["year"].append((feats, int(year == label.year), 1.0))
        for name, feats in index_options(analysed, m).items():
            rows["index"].append((feats, int(name == label.index), 1.0))
    return rows


def fit(documents: list[Document], analysed: list[Analysed] | None = None) -> dict:
    """Fit the four models; the result is what ``reader_weights.json`` holds."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows: dict[str, list] = {"metric": [], "owner": [], "year": [], "index": [], "component": []}
    for n, doc in enumerate(documents):
        for name, items in examples(doc, analysed[n] if analysed else None).items():
            rows[name].extend(items)
    out: dict = {"thresholds": dict(THRESHOLDS), "trained_on": len(documents)}
    for name, items in rows.items():
        vectorizer = DictVectorizer(sort=True)
        x = vectorizer.fit_transform([features for features, _t, _w in items])
        y = [target for _f, target, _w in items]
        weights = [w for _f, _t, w in items]
        model = LogisticRegression(C=C[name], max_iter=3000, random_state=SEED, solver="lbfgs")
        model.fit(x, y, sample_weight=weights)
        names = vectorizer.get_feature_names_out()
        coef = {}
        for j, feature in enumerate(names):
            column = [round(float(model.coef_[i][j]), 3) for i in range(model.coef_.shape[0])]
            if any(abs(w) >= 0.005 for w in column):
                coef[str(feature)] = column
        out[name] = {
            "classes": [c if isinstance(c, str) else int(c) for c in model.classes_],
            "intercept": [round(float(b), 4) for b in model.intercept_],
            "coef": coef,
        }
    return out


def dumps(weights: dict) -> str:
    return json.dumps(weights, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
