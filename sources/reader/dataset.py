"""The labelled documents the reader learns from and is scored on, and how they are split.

- **Test split**: the sources of rows 650–775 of ``par_facts.csv`` (added after the reader's first version). Their
  quotes were labelled completely — every figure each states — in ``reports/data/labels/test_labels.csv``
  (guide: docs/LABELLING.md). Nothing is tuned on them: training and cross-validation never see them.
- **Training set**: the other sources of ``par_facts.csv`` (their quotes, which list the figures the harvest
  recorded), the stored articles and the seed articles (``reader_seed_labels.csv``), completed by
  ``train_completions.csv``: the figures those texts state that the harvest did not record (``note=completed``),
  so that they are not learned as "not a figure".
- **Groups** for cross-validation: documents from one source, or sharing a near-duplicate quote (one sentence
  syndicated by several papers), are always in the same fold.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from provinces.text import fold
from sources.reader.text import clean_text, language, parse_article_file

DATA = Path(__file__).resolve().parent.parent.parent / "reports" / "data"
#: The 775-row harvest (rows 650–775 new), the same file the loader reads.
FACTS = DATA / "par_facts.csv"
TEST_LABELS = DATA / "labels" / "test_labels.csv"
SEED_LABELS = DATA / "labels" / "reader_seed_labels.csv"
COMPLETIONS = DATA / "labels" / "train_completions.csv"
#: The first data row (1-based, header not counted) of the December 2026 harvest: the test split's sources.
FIRST_TEST_ROW = 650


@dataclass
class Label:
    province: str | None
    index: str
    year: int | None
    metric: str
    value: Decimal | str
    quote: str
    period: str | None = None


@dataclass
class Document:
    name: str
    text: str
    published: date | None
    labels: list[Label]
    source: str
    lang: str = ""
    group: int = 0
    excluded: int = 0  # labels whose quote is not in the stored (truncated) text
    quotes: list[str] = field(default_factory=list)
    url: str | None = None  # the article's address, read like its publication date


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _value(raw: str) -> Decimal | str:
    try:
        return Decimal(raw)
    except InvalidOperation:
        return raw


def label_from_row(row: dict) -> Label:
    return Label(
        province=row["province"] or None,
        index=row["index"],
        year=int(row["year"]) if row.get("year") else None,
        metric=row["metric"],
        value=_value(row["value"]),
        quote=row["quote"],
        period=row.get("period") or None,
    )


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _published(rows: list[dict]) -> date | None:
    dates = [row["published"] for row in rows if row.get("published")]
    return date.fromisoformat(dates[0]) if dates else None


def test_sources(facts: list[dict] | None = None) -> set[str]:
    facts = _read(FACTS) if facts is None else facts
    return {row["source_url"] for row in facts[FIRST_TEST_ROW - 1 :]}


def _quote_document(url: str, rows: list[dict]) -> Document:
    quotes = list(dict.fromkeys(squash(row["quote"]) for row in rows))
    text = "\n\n".join(quotes)
    labels = [label_from_row(row) for row in rows]
    return Document(url, text, _published(rows), labels, url, language(text), quotes=quotes, url=url)


def training_documents() -> list[Document]:
    facts = _read(FACTS)
    held_out = test_sources(facts)
    completions: dict[str, list[dict]] = defaultdict(list)
    for row in _read(COMPLETIONS):
        if row["source_url"] in held_out:
            raise ValueError(f"a training completion names a test source: {row['source_url']}")
        completions[row["source_url"]].append(row)
    documents = []
    article_urls = set()
    for path in sorted((DATA / "articles").glob("*.txt")):
        text, url, published = parse_article_file(path)
        article_urls.add(url)
        if url in held_out:
            continue
        rows = [row for row in facts if row["source_url"] == url] + completions[url]
        documents.append(_article_document(path.name, text, published, rows, url, url))
    seed_rows = _read(SEED_LABELS)
    for path in sorted((DATA / "seeds").glob("*.txt")):
        text, url, published = parse_article_file(path)
        rows = [row for row in seed_rows if row["source_url"] == f"seed:{path.name}"] + completions[f"seed:{path.name}"]
        documents.append(_article_document(path.name, text, published, rows, f"seed:{path.name}", url))
    by_source: dict[str, list[dict]] = defaultdict(list)
    for row in facts[: FIRST_TEST_ROW - 1]:
        if row["source_url"] not in held_out and row["source_url"] not in article_urls:
            by_source[row["source_url"]].append(row)
    documents += [_quote_document(url, rows + completions[url]) for url, rows in by_source.items()]
    _assign_groups(documents)
    return documents


def test_documents() -> list[Document]:
    by_source: dict[str, list[dict]] = defaultdict(list)
    for row in _read(TEST_LABELS):
        by_source[row["source_url"]].append(row)
    return [_quote_document(url, rows) for url, rows in by_source.items()]


def _article_document(name: str, text: str, published, rows: list[dict], source: str, url: str | None) -> Document:
    # Pages are stored cut short: a label whose quote is not in the text cannot be read from it.
    squashed = squash(clean_text(text))
    readable = [row for row in rows if squash(clean_text(row["quote"])) in squashed]
    labels = [label_from_row(row) for row in readable]
    quotes = list(dict.fromkeys(squash(row["quote"]) for row in readable))
    return Document(name, text, published, labels, source, language(text), excluded=len(rows) - len(readable),
                    quotes=quotes, url=url)  # fmt: skip


def _shingles(text: str) -> set[str]:
    words = fold(text).split()
    return {" ".join(words[i : i + 4]) for i in range(max(1, len(words) - 3))}


def _assign_groups(documents: list[Document]) -> None:
    """Union documents that share a near-duplicate quote (4-word shingles, Jaccard ≥ 0.5)."""
    parent = list(range(len(documents)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    quote_sets = [[(q, _shingles(q)) for q in doc.quotes] for doc in documents]
    by_shingle: dict[str, set[int]] = defaultdict(set)
    for i, quotes in enumerate(quote_sets):
        for _q, sh in quotes:
            for s in sh:
                by_shingle[s].add(i)
    for i, quotes in enumerate(quote_sets):
        for _q, sh in quotes:
            neighbours = set().union(*(by_shingle[s] for s in sh)) - {i} if sh else set()
            for j in neighbours:
                if find(i) == find(j):
                    continue
                if any(len(sh & other) / len(sh | other) >= 0.5 for _q2, other in quote_sets[j]):
                    parent[find(i)] = find(j)
    roots = {}
    for i, doc in enumerate(documents):
        doc.group = roots.setdefault(find(i), len(roots))


def folds(documents: list[Document], k: int = 5) -> list[int]:
    """A fold for each document, whole groups at a time, balanced by text length (deterministic; not by label
    count, so that completing a document's labels does not move documents between folds)."""
    sizes: dict[int, int] = defaultdict(int)
    for doc in documents:
        sizes[doc.group] += len(doc.text)
    load = [0] * k
    fold_of_group = {}
    for group in sorted(sizes, key=lambda g: (-sizes[g], g)):
        target = min(range(k), key=lambda f: (load[f], f))
        fold_of_group[group] = target
        load[target] += sizes[group]
    return [fold_of_group[doc.group] for doc in documents]
