"""Features of a candidate figure: what a number is (metric), whose it is (owner), for which result year and index.

Each function returns a sparse ``{name: value}`` dict; the weights that turn them into decisions are learned by
``manage.py train_reader`` (:mod:`sources.reader.training`) and shipped in ``sources/data/reader_weights.json``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from sources.reader.candidates import Document, Mention
from sources.reader.lexicon import CUE_RE

_WORD = re.compile(r"[a-z0-9]+|[%/():;,\-–+]")

METRICS = (
    "none", "score", "rank", "rank_of", "score_delta", "rank_delta", "average", "median", "group",
    "component_score", "component_rank", "component_score_delta", "component_rank_delta",
    "dossier_received", "dossier_on_time", "dossier_late", "dossier_pending",
)  # fmt: skip
INDICES = ("PAR_INDEX", "SIPAS", "PAPI", "PCI")


def coarse(metric: str) -> str:
    if metric.startswith("dossier"):
        return "dossier"
    if metric in ("average", "median"):
        return "average"
    return metric.replace("component_", "c_")


def _words(text: str) -> list[str]:
    return [w if not w.isdigit() else "<n>" for w in _WORD.findall(text)]


def _bucket(n: int, edges=(0, 1, 3, 6, 12)) -> str:
    for edge in edges:
        if n <= edge:
            return str(edge)
    return "more"


def _value_bucket(value) -> str:
    if not isinstance(value, Decimal):
        return "text"
    v = abs(value)
    integral = v == v.to_integral()
    size = "<=10" if v <= 10 else "<=20" if v <= 20 else "<=34" if v <= 34 else "<=63" if v <= 63 else "<=100"
    if v > 100:
        size = ">100"
    return f"{size}:{'int' if integral else 'dec'}"


_LEAD_CUES = ("rank", "score", "group", "region", "national", "component", "average", "up", "down")


def metric_features(doc: Document, m: Mention) -> dict[str, float]:
    s = doc.sentences[m.sent]
    f = s.folded
    out: dict[str, float] = {"bias": 1.0, "kind=" + m.kind: 1.0, "unit=" + m.unit: 1.0, "lang=" + doc.lang: 1.0}
    for flag in m.flags:
        out["flag=" + flag] = 1.0
        out[f"unit={m.unit}&flag={flag}"] = 1.0
    vb = _value_bucket(m.value)
    out["value=" + vb] = 1.0
    out[f"unit={m.unit}&value={vb}"] = 1.0
    if isinstance(m.value, Decimal) and m.value in (63, 34):
        out["value=total"] = 1.0
    left_text = f[max(0, m.start - 80) : m.start]
    right_text = f[m.end : m.end + 50]
    left = _words(left_text)[-7:]
    right = _words(right_text)[:5]
    for k, w in enumerate(reversed(left[-3:]), 1):
        out[f"l{k}={w}"] = 1.0
    for k, w in enumerate(right[:3], 1):
        out[f"r{k}={w}"] = 1.0
    if len(left) >= 2:
        out[f"l21={left[-2]}_{left[-1]}"] = 1.0
    if len(right) >= 2:
        out[f"r12={right[0]}_{right[1]}"] = 1.0
    for w in left:
        out["lw=" + w] = 1.0
    for w in right:
        out["rw=" + w] = 1.0
    clause_start, clause_end = s.clauses[s.clause_of(m.start)]
    clause_left = f[clause_start : m.start]
    near_left = f[max(0, m.start - 22) : m.start]
    for name, pattern in CUE_RE.items():
        if pattern.search(near_left):
            out["cueL1:" + name] = 1.0
            out[f"u={m.unit}&cueL1:{name}"] = 1.0
        elif pattern.search(left_text):
            out["cueL:" + name] = 1.0
        if pattern.search(clause_left):
            out["cueC:" + name] = 1.0
        if pattern.search(right_text[:30]):
            out["cueR:" + name] = 1.0
            out[f"u={m.unit}&cueR:{name}"] = 1.0
    comp_before = [c for c in s.components if c[1] <= m.start and c[0] >= clause_start]
    index_between = comp_before and any(comp_before[-1][1] <= pos < m.start for pos, _n in s.indices)
    if comp_before and not index_between:
        out["comp_before"] = 1.0
        out[f"comp_before&u={m.unit}"] = 1.0
    if any(0 <= c[0] - m.end <= 40 for c in s.components):
        out["comp_after"] = 1.0
    if s.components and s.components[0][0] <= 3:
        out["comp_head"] = 1.0
    if s.components:
        out["comp_sent"] = 1.0
    if any(clause_start <= pos < m.start for pos, _n in s.indices):
        out["index_before_in_clause"] = 1.0
    if not s.indices:
        out["no_index_in_sentence"] = 1.0
    provinces = [p for p in s.places if p.kind == "province"]
    out["n_provinces=" + _bucket(len(provinces), (0, 1, 2, 4))] = 1.0
    if any(0 <= m.start - p.end <= 25 for p in provinces):
        out["province_just_before"] = 1.0
    # An item of an enumerated list ("Nhóm rất thấp … gồm các tỉnh: Bạc Liêu đứng hạng 59, …"): what its lead-in,
    # the sentence's text before the colon, speaks of.
    colon = f.rfind(":", 0, m.start)
    if colon > 0:
        out["after_colon"] = 1.0
        for name in _LEAD_CUES:
            if CUE_RE[name].search(f[:colon]):
                out[f"lead:{name}&u={m.unit}"] = 1.0
    if any(p.kind == "other" and 0 <= m.start - p.end <= 60 for p in s.places):
        out["other_entity_before"] = 1.0
    # Whose name is nearest: a ministry's or bank's figure is not a province's.
    named_before = max((p for p in s.places if p.end <= m.start), key=lambda p: p.end, default=None)
    named_after = min((p for p in s.places if p.start >= m.end), key=lambda p: p.start, default=None)
    if named_before is not None:
        out["nearest_named_before=" + named_before.kind] = 1.0
    if named_after is not None and named_after.start - m.end <= 30:
        out["nearest_named_after=" + named_after.kind] = 1.0
    if s.regions:
        out["region_in_sentence"] = 1.0
    if any(0 <= m.start - y.end <= 12 for y in s.years):
        out["year_just_before"] = 1.0
    if s.heading:
        out["heading"] = 1.0
    in_sentence = [x for x in doc.mentions if x.sent == m.sent]
    k = in_sentence.index(m)
    if k > 0 and m.start - in_sentence[k - 1].end <= 25:
        prev = in_sentence[k - 1]
        out["prev_unit=" + prev.unit] = 1.0
        out[f"prev_unit={prev.unit}&unit={m.unit}"] = 1.0
        for flag in prev.flags:
            out[f"prev_flag={flag}&unit={m.unit}"] = 1.0
    if k + 1 < len(in_sentence) and in_sentence[k + 1].start - m.end <= 25:
        nxt = in_sentence[k + 1]
        out[f"next_unit={nxt.unit}&unit={m.unit}"] = 1.0
    same = [x for x in doc.mentions if x.sent == m.sent and x.unit == m.unit]
    out["same_unit_in_sentence=" + _bucket(len(same), (1, 2, 4))] = 1.0
    if m.kind == "phrase":
        out["phrase=" + m.phrase] = 1.0
        for w in left[-2:]:
            out[f"phrase&l={w}"] = 1.0
        for w in right[:2]:
            out[f"phrase&r={w}"] = 1.0
    if doc.period:
        out["article_has_period"] = 1.0
    return out


#: Figures that may be a component's rather than the whole index's; a second model decides which.
COMPONENT_BASES = ("score", "rank", "score_delta", "rank_delta")
_COMPONENT_WORD = re.compile(r"thanh phan|linh vuc|component|sub-?(?:index|criteria|component)|criteri|tieu chi")


def component_features(doc: Document, m: Mention) -> dict[str, float]:
    """Is a score, rank or change a component index's (a component named in its clause, a list of components)?"""
    s = doc.sentences[m.sent]
    f = s.folded
    clause_start, clause_end = s.clauses[s.clause_of(m.start)]
    out: dict[str, float] = {"bias": 1.0, "unit=" + m.unit: 1.0, "lang=" + doc.lang: 1.0}
    before = [c for c in s.components if c[1] <= m.start]
    if before:
        gap = m.start - before[-1][1]
        out["comp_before_gap=" + _bucket(gap, (3, 10, 25, 50, 100))] = 1.0
        if before[-1][0] >= clause_start:
            out["comp_before_in_clause"] = 1.0
        if any(before[-1][1] <= pos < m.start for pos, _n in s.indices):
            out["index_between_comp_and_number"] = 1.0
    after = [c for c in s.components if c[0] >= m.end]
    if after:
        out["comp_after_gap=" + _bucket(after[0][0] - m.end, (3, 10, 25, 50, 100))] = 1.0
        if after[0][0] < clause_end:
            out["comp_after_in_clause"] = 1.0
    out["n_comp=" + _bucket(len({c[2] for c in s.components}), (0, 1, 2, 4))] = 1.0
    if s.components and s.components[0][0] <= 25:
        out["comp_head"] = 1.0
    if any(clause_start <= pos < m.start for pos, _n in s.indices):
        out["index_before_in_clause"] = 1.0
    if not s.indices:
        out["no_index_in_sentence"] = 1.0
    if _COMPONENT_WORD.search(f):
        out["component_word"] = 1.0
    if _COMPONENT_WORD.search(f[clause_start : m.start]):
        out["component_word_in_clause"] = 1.0
    if re.match(r"^\s*[-+•*]|^\s*[a-h0-9][.)]\s", s.text):
        out["list_item"] = 1.0
    for k in range(m.sent - 1, max(-1, m.sent - 3), -1):
        previous = doc.sentences[k]
        if previous.para == s.para or previous.heading:
            if previous.components:
                out[f"comp_in_previous_{m.sent - k}"] = 1.0
            if _COMPONENT_WORD.search(previous.folded):
                out["component_word_before"] = 1.0
    for pattern_name, pattern in (("rank", CUE_RE["rank"]), ("score", CUE_RE["score"])):
        if pattern.search(f[max(0, m.start - 22) : m.start]):
            out[f"cueL1:{pattern_name}&comp={bool(before)}"] = 1.0
    return out


# ------------------------------------------------------------------------------------------------------------------
# Owners
# ------------------------------------------------------------------------------------------------------------------


@dataclass
class Owner:
    key: tuple  # ("province", code, era) | ("national",) | ("region", name)
    source: str  # sentence | topic | previous | subject | national | region
    starts: tuple[int, ...] = ()  # where the sentence names it


def owner_options(doc: Document, m: Mention) -> list[Owner]:
    s = doc.sentences[m.sent]
    options: dict[tuple, Owner] = {}
    for p in s.places:
        if p.kind == "province":
            key = ("province", p.code, p.era)
            prev = options.get(key)
            options[key] = Owner(key, "sentence", (prev.starts if prev else ()) + (p.start,))
    for source, value in (("topic", doc.topics[m.sent]), ("previous", doc.previous[m.sent]), ("subject", doc.subject)):
        if value and ("province", *value) not in options:
            options[("province", *value)] = Owner(("province", *value), source)
    for source, values in (("address", doc.address.provinces), ("host", doc.address.host_provinces)):
        for value in values:
            options.setdefault(("province", *value), Owner(("province", *value), source))
    options[("national",)] = Owner(("national",), "national")
    for r in s.regions:
        options.setdefault(("region", r.name), Owner(("region", r.name), "region", (r.start,)))
    return list(options.values())


def owner_features(doc: Document, m: Mention, o: Owner, metric: str) -> dict[str, float]:
    s = doc.sentences[m.sent]
    f = s.folded
    c = coarse(metric)
    out: dict[str, float] = {"bias": 1.0, "src=" + o.source: 1.0, f"src={o.source}&c={c}": 1.0}
    provinces = [p for p in s.places if p.kind == "province"]
    clause = s.clause_of(m.start)
    if o.source == "sentence":
        before = [p for p in o.starts if p < m.start]
        after = [p for p in o.starts if p >= m.end]
        if before:
            pos = before[-1]
            between = f[pos : m.start]
            n_words = len(_words(between))
            others = [p for p in provinces if pos < p.start < m.start and ("province", p.code, p.era) != o.key]
            n_mentions = sum(1 for x in doc.mentions if x.sent == m.sent and pos < x.start < m.start)
            same_metric_between = sum(
                1 for x in doc.mentions if x.sent == m.sent and pos < x.start < m.start and x.unit == m.unit
            )
            out["before_dist=" + _bucket(n_words, (2, 5, 10, 20, 35))] = 1.0
            out[f"before_dist={_bucket(n_words, (2, 5, 10, 20, 35))}&c={c}"] = 1.0
            out["before_others=" + _bucket(len(others), (0, 1, 2))] = 1.0
            out[f"before_others={_bucket(len(others), (0, 1))}&c={c}"] = 1.0
            out["before_nums=" + _bucket(n_mentions, (0, 1, 2, 4))] = 1.0
            out["before_same_unit=" + _bucket(same_metric_between, (0, 1, 2))] = 1.0
            if ";" in between:
                out["before_semicolon"] = 1.0
            if s.clause_of(pos) == clause:
                out["before_same_clause"] = 1.0
            if not others:
                out["nearest_before"] = 1.0
                out[f"nearest_before&c={c}"] = 1.0
            if re.search(r"\(", between) and not re.search(r"\)", between):
                out["owner_outside_open_paren"] = 1.0
            for name in ("compare", "average", "national", "region", "respectively"):
                if CUE_RE[name].search(between):
                    out["between_cue:" + name] = 1.0
                    out[f"between_cue:{name}&c={c}"] = 1.0
        if after:
            pos = after[0]
            between = f[m.end : pos]
            n_words = len(_words(between))
            others = [p for p in provinces if m.end <= p.start < pos]
            out["after_dist=" + _bucket(n_words, (2, 5, 10, 20, 35))] = 1.0
            out[f"after_dist={_bucket(n_words, (2, 5, 10))}&c={c}"] = 1.0
            if not others:
                out["nearest_after"] = 1.0
                out[f"nearest_after&c={c}"] = 1.0
            if ";" in between:
                out["after_semicolon"] = 1.0
            if not before:
                out[f"only_after&c={c}"] = 1.0
        first = min(o.starts)
        prev_words = _words(f[max(0, first - 25) : first])[-2:]
        for w in prev_words:
            out["owner_prev=" + w] = 1.0
        if prev_words:
            out[f"owner_prev1={prev_words[-1]}&c={c}"] = 1.0
        next_words = _words(f[first : first + 60])[:8]
        for w in next_words[-4:]:
            out["owner_next=" + w] = 1.0
        if provinces and ("province", provinces[0].code, provinces[0].era) == o.key:
            out["sentence_subject"] = 1.0
        # "A và B ... lần lượt 80,37% và 79,97%": the k-th name with the k-th figure of the same unit.
        names = []
        for p in provinces:
            if ("province", p.code, p.era) not in names:
                names.append(("province", p.code, p.era))
        same = [x for x in doc.mentions if x.sent == m.sent and x.unit == m.unit and x.kind == m.kind]
        if len(same) == len(names) >= 2 and names.index(o.key) == same.index(m):
            out["respective_order"] = 1.0
        if len(provinces) == 1:
            out["only_province"] = 1.0
    else:
        if not provinces:
            out[f"no_province_in_sentence&src={o.source}"] = 1.0
            out[f"no_province_in_sentence&src={o.source}&c={c}"] = 1.0
        if o.source == "national":
            clause_text = f[slice(*s.clauses[clause])]
            for name in ("national", "average", "region"):
                if CUE_RE[name].search(clause_text):
                    out[f"nat_clause_{name}&c={c}"] = 1.0
                if CUE_RE[name].search(f[max(0, m.start - 50) : m.start]):
                    out[f"nat_left_{name}&c={c}"] = 1.0
            if provinces:
                out["nat_with_province"] = 1.0
        if o.source == "region":
            pos = o.starts[0]
            out["region_before" if pos < m.start else "region_after"] = 1.0
            if CUE_RE["average"].search(f[max(0, m.start - 60) : m.start]):
                out["region_average_near"] = 1.0
        if o.source in ("topic", "previous", "subject", "address", "host"):
            if re.search(r"(?<![a-z])(?:tinh|thanh pho|the province|the city|it|its|province's|city's|huyen)(?![a-z])",
                         f[: m.start]):  # fmt: skip
                out[f"home_reference&src={o.source}"] = 1.0
            if doc.subject and o.key[1:] == doc.subject:
                out["is_subject"] = 1.0
    if any(p.kind == "other" for p in s.places):
        out["other_entity_in_sentence"] = 1.0
    for name, values in (("address", doc.address.provinces), ("host", doc.address.host_provinces)):
        if o.key[0] == "province" and o.key[1:] in values:  # the article's address names this province
            out[f"in_{name}&src={o.source}"] = 1.0
            out[f"in_{name}&provinces={_bucket(len(provinces), (0, 1))}&c={c}"] = 1.0
    return out


# ------------------------------------------------------------------------------------------------------------------
# Result years and indices
# ------------------------------------------------------------------------------------------------------------------

_CMP_LEFT = re.compile(r"(?:so voi|so|compared (?:to|with)|from|than|against|over|vs\.?|hon|voi)\s+(?:nam\s+|in\s+)?$")
#: Words for the year before the one spoken of (a fact of the language, not of any article).
_LAST_YEAR = re.compile(
    r"(?<![a-z])(?:last year|previous year|the year before|nam truoc|nam ngoai|nam lien truoc)(?![a-z])"
)
_RANGE_LEFT = re.compile(
    r"(?:giai doan|tu nam|since|by|until|den nam|den|muc tieu|ke hoach|dau|cuoi|[-–])\s*(?:nam\s+)?$"
)
_INDEX_LEFT = re.compile(
    r"(?:index|indext|sipas|papi|pci|par|chi so[^.;]{0,50}|results?|score|ranking)\s*(?:nam|in|of|for)?\s*$"
)


def year_options(doc: Document, m: Mention, metric: str = "") -> dict[int, dict[str, float]]:
    """Candidate result years, each with the features of every way the text suggests it. A change is stated
    against the previous year ("tăng 3 bậc so với năm 2022" is 2023's), a level right after a year is that year's
    ("so với năm 2022 (84,25%)")."""
    s = doc.sentences[m.sent]
    kind = "delta" if metric.endswith("_delta") else "level"
    options: dict[int, dict[str, float]] = {}

    def add(year: int, name: str) -> None:
        options.setdefault(year, {"bias": 1.0})[name] = 1.0

    nearest_before = max((y for y in s.years if y.end <= m.start), key=lambda y: y.start, default=None)
    nearest_after = min((y for y in s.years if y.start >= m.end), key=lambda y: y.start, default=None)
    for y in s.years:
        side = "before" if y.end <= m.start else "after"
        role = "plain"
        if _CMP_LEFT.search(y.left):
            role = "cmp"
            add(y.value + 1, "cmp_plus1_" + side)
            add(y.value + 1, f"cmp_plus1_{side}&{kind}")
            add(y.value, f"cmp_self_{side}&{kind}")
            apart = "same_clause" if s.clause_of(y.start) == s.clause_of(m.start) else "clause_apart"
            add(y.value, f"cmp_self_{side}&{kind}&{apart}")
            add(y.value + 1, f"cmp_plus1_{side}&{kind}&{apart}")
        elif _RANGE_LEFT.search(y.left) or re.match(r"^\s*[-–]\s*\d{4}", y.right):
            role = "range"
        elif _INDEX_LEFT.search(y.left) or re.match(
            r"^(?:'s)?\s*(?:public administration|par|sipas|papi|pci)", y.right
        ):
            role = "index"
        elif re.search(r"(?:nam|in|of|trong)\s*$", y.left):
            role = "nam"
        add(y.value, f"sent_{role}_{side}")
        if 0 <= m.start - y.end <= 8:
            add(y.value, f"adjacent_{role}&{kind}")
        if 0 <= y.start - m.end <= 14:
            add(y.value, f"adjacent_after_{role}&{kind}")
        if _in_parens(s.text, y.start) != _in_parens(s.text, m.start):
            add(y.value, "parenthesis_apart")
        if y is nearest_before or y is nearest_after:
            add(y.value, f"nearest_{role}_{side}")
        if s.clause_of(y.start) == s.clause_of(m.start):
            add(y.value, f"same_clause_{role}")
        if re.search(r"(?:nam (?:nay|qua)|this year|last year)", s.folded):
            add(y.value, "sentence_says_this_last_year")
    if doc.para_years[m.sent]:
        add(doc.para_years[m.sent], "para")
    if doc.last_years[m.sent]:
        add(doc.last_years[m.sent], "last_named_before")
    if doc.heading_years[m.sent]:
        add(doc.heading_years[m.sent], "heading")
    if doc.index_years:
        top = max(doc.index_years, key=lambda y: (doc.index_years[y], -y))
        add(top, "article_top")
        for year in doc.index_years:
            add(year, "article_index_year")
    for year in _compared_years(doc):
        add(year + 1, f"article_cmp_plus1&{kind}")
    if doc.published:
        add(doc.published.year - 1, "pub_minus_1")
        add(doc.published.year, "pub_same")
    near = s.folded[max(0, m.start - 30) : m.end + 30]
    if _LAST_YEAR.search(near):
        for year, feats in list(options.items()):
            for name in [k for k in feats if k != "bias"]:
                add(year - 1, "last_year_of&" + name)
    own = any(not _CMP_LEFT.search(y.left) and not _RANGE_LEFT.search(y.left) for y in s.years)
    for year, feats in options.items():
        if own:
            # The sentence names its own year: what the article or its date suggests counts for less.
            for name in [k for k in feats if not k.startswith(("sent_", "nearest_", "same_clause_", "cmp_plus1"))]:
                feats["own_year&" + name] = 1.0
        if doc.published:
            gap = doc.published.year - year
            feats["pub_gap=" + ("neg" if gap < 0 else str(min(gap, 4)))] = 1.0
        if year < 2012:
            feats["before_2012"] = 1.0
        if len(options) == 1:
            feats["only_option"] = 1.0
        if own:
            feats[
                "own_year&pub_gap=" + ("neg" if not doc.published else str(min(max(doc.published.year - year, -1), 4)))
            ] = 1.0
    return options


def _compared_years(doc: Document) -> set[int]:
    """The years the article compares with anywhere ("so với năm 2014", "compared to 2022"): a change or a result
    elsewhere in the article is then likely the next year's."""
    cached = doc.__dict__.get("_compared_years")
    if cached is None:
        cached = {y.value for s in doc.sentences for y in s.years if _CMP_LEFT.search(y.left)}
        doc.__dict__["_compared_years"] = cached
    return cached


def _in_parens(text: str, pos: int) -> int:
    """The start of the parenthesis ``pos`` is in, or -1."""
    opened = text.rfind("(", 0, pos)
    return opened if opened >= 0 and text.find(")", opened, pos) < 0 else -1


def index_options(doc: Document, m: Mention) -> dict[str, dict[str, float]]:
    s = doc.sentences[m.sent]
    clause = s.clause_of(m.start)
    out = {name: {"bias": 1.0, "opt=" + name: 1.0} for name in INDICES}
    before = [(pos, n) for pos, n in s.indices if pos < m.start]
    after = [(pos, n) for pos, n in s.indices if pos >= m.end]
    if before:
        pos, name = before[-1]
        out[name]["nearest_before"] = 1.0
        out[name]["nearest_before_dist=" + _bucket(len(_words(s.folded[pos : m.start])), (3, 8, 16, 30))] = 1.0
        if s.clause_of(pos) == clause:
            out[name]["nearest_before_same_clause"] = 1.0
    for _pos, name in before:
        out[name]["in_sentence_before"] = 1.0
    if after:
        pos, name = after[0]
        out[name]["nearest_after"] = 1.0
        out[name]["nearest_after_dist=" + _bucket(len(_words(s.folded[m.end : pos])), (3, 8, 16, 30))] = 1.0
        if s.clause_of(pos) == clause:
            out[name]["nearest_after_same_clause"] = 1.0
        if not before:
            out[name]["only_after"] = 1.0
    for source, name in (
        ("para", doc.para_index[m.sent]),
        ("heading", doc.heading_index[m.sent]),
        ("article_first", doc.first_index),
        ("last_named_before", doc.last_index[m.sent]),
    ):
        if name:
            out[name][source] = 1.0
    if doc.index_counts:
        top = doc.index_counts.most_common(1)[0][0]
        out[top]["article_most"] = 1.0
    if not s.indices:
        for name in INDICES:
            out[name]["no_index_in_sentence&opt=" + name] = 1.0
    if not doc.index_counts:
        for name in INDICES:
            out[name]["no_index_anywhere&opt=" + name] = 1.0
    return out
