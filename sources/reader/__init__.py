"""Read the figures a news article states about provincial administrative-reform results.

The reader proposes; a curator decides. Every number of the article is a candidate (:mod:`.candidates`); what
it is, whose it is, and for which result year and index are decided by small logistic models learned from
labelled articles (:mod:`.features`, :mod:`.decide`, weights in ``sources/data/reader_weights.json``, trained by
``manage.py train_reader``). Rules are kept for facts of the language only: number formats, names and their
spellings (:mod:`.gazetteer`), dates, and what words mean (:mod:`.lexicon`). See docs/READER.md.
"""

from __future__ import annotations

from datetime import date

from sources.reader.candidates import analyse
from sources.reader.decide import Proposal, read_text
from sources.reader.gazetteer import NATIONAL, Gazetteer, gazetteer
from sources.reader.lexicon import component_key
from sources.reader.text import paragraphs, parse_article_file, sentences

__all__ = [
    "NATIONAL",
    "Gazetteer",
    "Proposal",
    "article_subject",
    "component_key",
    "gazetteer",
    "paragraphs",
    "parse_article_file",
    "read_article",
    "sentences",
]


def read_article(text: str, *, published: date | None = None, url: str | None = None) -> list[Proposal]:
    """Propose the figures ``text`` states. The publication date and the article's address (``url``: the
    province, index and year its slug names) are read as part of the document."""
    return read_text(text, published, url=url)


def article_subject(text: str) -> str | None:
    """The province an article is about (63-unit name), or ``None`` if the text does not say."""
    gaz = gazetteer()
    doc = analyse(text, gaz)
    if doc.subject is None:
        return None
    code, era = doc.subject
    return gaz.name(code, era, None) if era == 63 else gaz.units34[code]["name"]
