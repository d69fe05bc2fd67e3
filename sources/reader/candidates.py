"""Every number of an article as a candidate figure, with what surrounds it.

An article is cut into sentences; each sentence records the places, years, index names and component names it
mentions. Every number (and every word that states a rank or a group without a number) becomes a
:class:`Mention` with its unit as written. Nothing is decided here: which mentions are figures, and whose, for
which year and index, is for the model (:mod:`sources.reader.decide`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sources.reader.gazetteer import Gazetteer, Place
from sources.reader.lexicon import (
    COMPONENT_RE,
    GROUP_RE,
    INDEX_WORDS,
    NUMBER_WORD_RE,
    NUMBER_WORDS,
    ORDINAL_RE,
    ORDINAL_WORDS,
    OTHER_ENTITY,
    RANK_PHRASES,
    YEAR_RE,
    indices_in_words,
    period_in,
)
from sources.reader.text import (
    _clauses,
    address_words,
    address_years,
    fold_aligned,
    language,
    number_value,
    paragraphs,
    sentences,
)

#: Numbers as candidates: unlike :data:`sources.reader.text.NUMBER`, the total after a slash ("34/63") counts.
_NUMBER = re.compile(r"(?<![\d])(?<!\d[.,])\d+(?:[.,]\d+)*(?![\d])")
_DATE = re.compile(
    r"(?<![\d])(?:\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}[-.]\d{1,2}[-.]\d{4}|(?<=quy )\d/\d{4}|\d{1,2}/(?:19|20)\d\d)(?![\d])"
)
_DAY_MONTH = re.compile(r"(?:ngay|hom|chieu|sang|toi|\()\s*(\d{1,2}/\d{1,2})(?![\d/])")

_UNITS = [
    ("of100", re.compile(r"^\s*/\s*100(?![\d])")),
    ("slash", re.compile(r"^\s*/\s*\d")),
    ("pct", re.compile(r"^\s*(?:%|percent|per ?cent|procent|процент)")),
    ("points", re.compile(r"^\s*(?:diem|points?|pts|punten|балл|点)(?![a-z])")),
    ("ordinal", re.compile(r"^(?:st|nd|rd|th|e|-?й|-?е|位)(?![a-z])")),
    (
        "places",
        re.compile(r"^\s*-?(?:bac|hang|places?|spots?|positions?|levels?|ranks?|notch(?:es)?|plaatsen|позици|мест)"),
    ),
    ("dossier", re.compile(r"^\s*(?:ho so|dossiers?|applications?|files?)(?![a-z])")),
    ("units", re.compile(r"^\s*(?:tinh|thanh pho|dia phuong|provinces?|localities|cities|don vi|units?|bo|ministr)")),
    ("time", re.compile(r"^\s*(?:nam|years?|lan|times?|thang|months?|ngay|days?|quy)(?![a-z])")),
    ("money", re.compile(r"^\s*(?:ty|trieu|nghin|billion|million|thousand|dong|vnd|usd|\$)(?![a-z])")),
    ("people", re.compile(r"^\s*(?:nguoi|people|persons?|can bo|cong chuc|phieu)(?![a-z])")),
    ("items", re.compile(r"^\s*(?:chi so|tieu chi|linh vuc|noi dung|indicators?|criteria|components?)(?![a-z])")),
]


@dataclass
class Year:
    value: int
    start: int
    end: int
    left: str  # folded text just before, for features
    right: str


@dataclass
class Sentence:
    text: str
    folded: str
    para: int
    heading: bool
    places: list[Place]  # provinces and other entities, in order
    regions: list[Place]
    years: list[Year]
    indices: list[tuple[int, str]]
    components: list[tuple[int, int, str]]
    clauses: list[tuple[int, int]]
    offset: int = 0  # position of the sentence's first character in the article's joined text

    def clause_of(self, pos: int) -> int:
        return next((i for i, (s, e) in enumerate(self.clauses) if s <= pos < e), len(self.clauses) - 1)


@dataclass
class Mention:
    sent: int
    start: int
    end: int
    kind: str  # num | phrase | group
    value: Decimal | str
    unit: str
    flags: set[str] = field(default_factory=set)
    phrase: str | None = None  # first | second | second_last | last for phrase ranks


@dataclass
class Address:
    """What the article's address (URL) names: provinces in its path and host, index names, years."""

    provinces: list[tuple[str, int]] = field(default_factory=list)
    host_provinces: list[tuple[str, int]] = field(default_factory=list)
    indices: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)


def address_of(url: str | None, gaz: Gazetteer) -> Address:
    host, segments = address_words(url)
    words = [w for segment in segments for w in segment]
    return Address(gaz.provinces_in_words(words), gaz.provinces_in_host(host[:-1]), indices_in_words(words),
                   address_years(segments))  # fmt: skip


@dataclass
class Document:
    sentences: list[Sentence]
    mentions: list[Mention]
    published: date | None
    lang: str
    index_years: Counter  # years attached to an index name anywhere in the article
    first_index: str | None
    index_counts: Counter
    subject: tuple[str, int] | None  # the province the article is about
    period: str | None
    # per sentence: the province the paragraph was about before it, the last named before it, the heading's
    topics: list[tuple | None] = field(default_factory=list)
    previous: list[tuple | None] = field(default_factory=list)
    heading_years: list[int | None] = field(default_factory=list)
    heading_index: list[str | None] = field(default_factory=list)
    para_years: list[int | None] = field(default_factory=list)
    para_index: list[str | None] = field(default_factory=list)
    last_years: list[int | None] = field(default_factory=list)  # the last year named before, anywhere
    last_index: list[str | None] = field(default_factory=list)
    address: Address = field(default_factory=Address)


def _is_heading(paragraph: str) -> bool:
    return len(paragraph) < 160 and not re.search(r"[.!?;]['\"”)]?\s*$", paragraph)


def analyse(text: str, gaz: Gazetteer, published: date | None = None, url: str | None = None) -> Document:
    sents: list[Sentence] = []
    paras = paragraphs(text)
    for p_index, para in enumerate(paras):
        heading = _is_heading(para)
        for sentence in sentences(para):
            sents.append(_sentence(sentence, p_index, heading, gaz))
    mentions = [m for i, s in enumerate(sents) for m in _mentions(i, s)]
    whole = fold_aligned("\n".join(paras))
    index_years: Counter = Counter()
    index_counts: Counter = Counter()
    first_index = None
    for s in sents:
        for _pos, name in s.indices:
            index_counts[name] += 1
            first_index = first_index or name
        for y in s.years:
            if s.indices and not re.search(r"(?:so voi|so|compared (?:to|with)|from|than|since|den|to)\s*$", y.left):
                index_years[y.value] += 1
    counts = Counter((p.code, p.era) for s in sents for p in s.places if p.kind == "province")
    subject = _byline(paras, gaz)
    if counts and subject is None:
        (top, n), *rest = counts.most_common()
        if not rest or n > rest[0][1]:
            subject = top
    doc = Document(
        sents, mentions, published, language(text), index_years, first_index, index_counts, subject, period_in(whole)
    )
    doc.address = address_of(url, gaz)
    _carry_context(doc)
    return doc


def _byline(paras: list[str], gaz: Gazetteer) -> tuple[str, int] | None:
    """A newspaper's byline code ("(LSO) -") names the province whose paper it is."""
    for para in paras[:15]:
        byline = re.match(r"^\(?([A-ZĐ]{2,4})\)?\s*[-–—]", para)
        if byline and byline.group(1) in gaz.datelines:
            places = gaz.provinces_in(gaz.datelines[byline.group(1)], fold_aligned(gaz.datelines[byline.group(1)]))
            if places:
                return places[0].code, places[0].era
    return None


def _carry_context(doc: Document) -> None:
    topic = previous = None
    heading_year = heading_index = None
    para_year = para_index = None
    last_year = last_index = None
    current_para = -1
    for s in doc.sentences:
        if s.para != current_para:
            current_para, topic, para_year, para_index = s.para, None, None, None
        doc.topics.append(topic)
        doc.previous.append(previous)
        doc.heading_years.append(heading_year)
        doc.heading_index.append(heading_index)
        doc.para_years.append(para_year)
        doc.para_index.append(para_index)
        doc.last_years.append(last_year)
        doc.last_index.append(last_index)
        provinces = [p for p in s.places if p.kind == "province"]
        if provinces:
            topic = previous = (provinces[0].code, provinces[0].era)
        plain_years = [
            y.value for y in s.years if not re.search(r"(?:so voi|so|compared (?:to|with)|from)\s*$", y.left)
        ]
        if plain_years:
            para_year = last_year = plain_years[0]
        if s.indices:
            para_index = last_index = s.indices[-1][1]
        if s.heading:
            if plain_years:
                heading_year = plain_years[0]
            if s.indices:
                heading_index = s.indices[0][1]


def _sentence(text: str, para: int, heading: bool, gaz: Gazetteer) -> Sentence:
    folded = fold_aligned(text)
    provinces = gaz.provinces_in(text, folded)
    others = [
        Place(m.start(), m.end(), "other")
        for m in OTHER_ENTITY.finditer(folded)
        if (not m.group(0).startswith(("bo ", "ngan hang")) or text[m.start()].isupper())
        and not any(p.start <= m.start() < p.end for p in provinces)
    ]
    years = [
        Year(
            int(m.group(1)),
            m.start(1),
            m.end(1),
            folded[max(0, m.start() - 40) : m.start()],
            folded[m.end() : m.end() + 25],
        )
        for m in YEAR_RE.finditer(folded)
        if 2005 <= int(m.group(1)) <= 2035
    ]
    indices = sorted((m.start(), name) for name, pattern in INDEX_WORDS for m in pattern.finditer(folded))
    components = sorted((m.start(), m.end(), key) for key, pattern in COMPONENT_RE for m in pattern.finditer(folded))
    return Sentence(
        text,
        folded,
        para,
        heading,
        sorted(provinces + others, key=lambda p: p.start),
        gaz.regions_in(folded),
        years,
        indices,
        components,
        _clauses(text),
    )


#: An ordinal that counts times, years in a row or meetings is not a rank ("năm thứ 4 liên tiếp", "lần thứ 2",
#: "Phiên họp thứ 4", "for the fourth consecutive year", "the second time").
_TIMES_LEFT = re.compile(r"(?:nam|lan|phien hop|phien|ky hop|dot|khoa)\s+(?:thu\s+)?$")
_TIMES_RIGHT = re.compile(r"^(?:st|nd|rd|th)?\s*(?:consecutive|straight|successive|time|year in a row|lien tiep)")


def _counts_times(folded: str, start: int, end: int) -> bool:
    return bool(_TIMES_LEFT.search(folded[max(0, start - 20) : start]) or _TIMES_RIGHT.match(folded[end : end + 20]))


def _is_date(raw: str) -> bool:
    """Day and month as a calendar has them: "(57/63)" is a rank, not a date."""
    parts = re.split(r"[/.-]", raw)
    if len(parts) >= 2 and len(parts[1]) <= 2 and len(parts[0]) <= 2:
        return 1 <= int(parts[0]) <= 31 and 1 <= int(parts[1]) <= 12
    return True


def _mentions(i: int, s: Sentence) -> list[Mention]:
    folded = s.folded
    blocked = [m.span() for m in _DATE.finditer(folded) if _is_date(m.group(0))]
    blocked += [m.span(1) for m in _DAY_MONTH.finditer(folded) if _is_date(m.group(1))]
    found: list[Mention] = []
    for match in _NUMBER.finditer(folded):
        start, end = match.span()
        if any(a <= start < b for a, b in blocked):
            continue
        raw = match.group(0)
        if re.search(r"\d\.\d{3}$", raw) and re.match(r"^\.\d", folded[end : end + 2]):
            continue
        if raw.endswith((".", ",")):
            continue
        is_year = YEAR_RE.fullmatch(raw) and 2005 <= int(raw) <= 2035
        right = folded[end : end + 30]
        unit, flags = _unit(folded, start, end)
        if is_year and unit not in ("pct", "points"):
            continue
        if re.match(r"^[a-z]{2,}", right) and unit != "ordinal":
            continue  # part of a code or name ("766/QĐ", "covid19")
        value = number_value(raw)
        if value is None or (unit in ("ordinal", "none") and _counts_times(folded, start, end)):
            continue
        found.append(Mention(i, start, end, "num", value, unit, flags))
    for match in ORDINAL_RE.finditer(folded):
        word = match.group("vn") or match.group("en")
        start, end = match.span("vn") if match.group("vn") else match.span("en")
        if _counts_times(folded, match.start(), end):
            continue
        found.append(Mention(i, start, end, "num", Decimal(ORDINAL_WORDS[word]), "ordinal_word", {"word"}))
    for match in NUMBER_WORD_RE.finditer(folded):
        if any(m.start <= match.start("w") < m.end for m in found):
            continue
        unit = "ordinal_word" if match.group("pre") else "places"
        found.append(Mention(i, *match.span("w"), "num", Decimal(NUMBER_WORDS[match.group("w")]), unit, {"word"}))
    for kind, pattern in RANK_PHRASES:
        for match in pattern.finditer(folded):
            if any(m.start <= match.start() < m.end for m in found if m.kind == "phrase"):
                continue
            found.append(Mention(i, match.start(), match.end(), "phrase", kind, "phrase_" + kind, set(), phrase=kind))
    for match in GROUP_RE.finditer(folded):
        key = next(k for k in ("g", "g2", "g3") if match.group(k))
        raw = s.text[match.start(key) : match.end(key)]
        value = raw.upper() if len(raw) == 1 else raw.lower()
        found.append(Mention(i, match.start(key), match.end(key), "group", value, "group", set()))
    return sorted(found, key=lambda m: m.start)


def _unit(folded: str, start: int, end: int) -> tuple[str, set[str]]:
    right = folded[end : end + 30]
    left = folded[max(0, start - 30) : start]
    flags: set[str] = set()
    unit = "none"
    for name, pattern in _UNITS:
        if pattern.match(right):
            unit = name
            break
    out_of_max = re.match(
        r"^\s*(?:out of|tren|of a maximum of|of the maximum of)\s*(\d+(?:[.,]\d+)?)\s*(?:diem|points?)", right
    )
    if unit == "none" and out_of_max:
        unit = "of100" if out_of_max.group(1) == "100" else "slash"
        flags.update({"slash_points", "slash_total_other"} if unit == "slash" else set())
        return unit, flags
    if unit == "slash":
        total = re.match(r"^\s*/\s*(\d+)", right)
        flags.add("slash_total_" + ("ranked" if total.group(1) in ("63", "34") else "other"))
        after = folded[end + total.end() : end + total.end() + 20]
        if re.match(r"^\s*(?:diem|points?)", after):
            flags.add("slash_points")
    if re.search(r"/\s*$", left):
        unit = "after_slash"
        before = re.search(r"(\d+(?:[.,]\d+)?)\s*/\s*$", left)
        if before and re.search(r"[.,]", before.group(1)):
            flags.add("after_decimal")
    if re.search(r"(?:out of|among(?:st)?|of|trong (?:tong so )?|tren|van de|parmi les|из)\s*(?:the\s+)?$", left):
        flags.add("out_of")
    if re.search(r"(?:thu|so|no\.?|hang|#)\s*$", left):
        flags.add("ordinal_left")
    if re.search(r"\(\s*$", left):
        flags.add("paren_open")
    if re.search(r"^\s*\)", right):
        flags.add("paren_close")
    if re.search(r"\d\s*(?:%|diem|points?|percent)?\s*(?:-|–|den|to|toi)\s*$", left):
        flags.add("range_end")
    if re.match(r"^\s*(?:%|diem|points?|percent)?\s*(?:-|–|den|to|toi)\s*\d", right):
        flags.add("range_start")
    if re.search(r"[+]\s*$", left):
        flags.add("plus")
    if re.search(r"[-−]\s*$", left) and not re.search(r"\d\s*[-−]\s*$", left):
        flags.add("minus")
    return unit, flags


def clause_bounds(s: Sentence, pos: int) -> tuple[int, int]:
    return s.clauses[s.clause_of(pos)]
