"""Help complete the reader's training labels (docs/LABELLING.md): list the numbers of each training document that
no label claims, and turn hand-written label lines into rows of reports/data/labels/train_completions.csv.

    .venv/bin/python tools/reader_unlabelled.py list [vi|en|other] > /tmp/unlabelled.txt
    .venv/bin/python tools/reader_unlabelled.py build SPEC >> reports/data/labels/train_completions.csv

A SPEC line is ``D<doc> q<quote>|s<sentence> index,year,province,metric,value[,period]`` — the document and quote
(quote documents) or sentence (stored articles and seeds) numbers printed by ``list``. The labelling itself is a
person's reading of the text; this only finds the numbers and copies the quote and the source into the row.
"""

import csv
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc_site.settings")

import django  # noqa: E402

django.setup()

from sources.reader.candidates import analyse  # noqa: E402
from sources.reader.dataset import squash, training_documents  # noqa: E402
from sources.reader.gazetteer import gazetteer  # noqa: E402
from sources.reader.text import clean_text  # noqa: E402
from sources.reader.training import align  # noqa: E402


def _units(doc, analysed):
    """(key, quote text, sentence indices) for each quote (quote documents) or sentence (articles)."""
    if doc.source.startswith("http") and not doc.name.endswith(".txt"):
        units = []
        for q, raw in enumerate(doc.quotes):
            quote = squash(clean_text(raw))
            sents = {i for i, s in enumerate(analysed.sentences) if squash(s.text) and squash(s.text) in quote}
            units.append((f"q{q}", quote, sents))  # noqa: PERF401
        return units
    return [(f"s{i}", squash(s.text), {i}) for i, s in enumerate(analysed.sentences)]


def listing(lang: str | None) -> None:
    gaz = gazetteer()
    for d, doc in enumerate(training_documents()):
        if lang and doc.lang != lang:
            continue
        analysed = analyse(doc.text, gaz, doc.published)
        claimed = align(analysed, doc.labels)
        print(f"== D{d} {doc.lang} {doc.source} published={doc.published}")
        for key, quote, sents in _units(doc, analysed):
            free = [
                f"{m.value}({m.unit})" for k, m in enumerate(analysed.mentions) if m.sent in sents and k not in claimed
            ]
            has = [
                f"{lab.index} {lab.year} {lab.province} {lab.metric}={lab.value}"
                for lab in doc.labels
                if (q := squash(clean_text(lab.quote))) == quote
                or (key[0] == "s" and quote and (quote in q or q in quote))
            ]
            if not free and not has:
                continue
            print(f" [{key}] {quote}")
            for h in has:
                print(f"    has: {h}")
            if free:
                print(f"    free: {' '.join(free)}")


def build(spec: str) -> None:
    gaz = gazetteer()
    documents = training_documents()
    out = csv.writer(sys.stdout, lineterminator="\n")
    for line in open(spec, encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        head, key, fields = line.split(" ", 2)
        doc = documents[int(head[1:])]
        units = {k: q for k, q, _s in _units(doc, analyse(doc.text, gaz, doc.published))}
        quote = units[key]
        index, year, province, metric, value, *rest = next(csv.reader([fields]))
        published = doc.published.isoformat() if doc.published else ""
        out.writerow([index, year, province, metric, value, doc.source, published, quote, rest[0] if rest else "",
                      "completed"])  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "list":
        listing(sys.argv[2] if len(sys.argv) > 2 else None)
    elif len(sys.argv) == 3 and sys.argv[1] == "build":
        build(sys.argv[2])
    else:
        sys.exit(__doc__)
