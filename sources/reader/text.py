"""Facts of the language the reader relies on: cleaning, folding, paragraphs, sentences, numbers, article files.

Nothing here knows about phrasings of results; it only knows how Vietnamese and English text is written.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlsplit

from provinces.text import parse_number


def fold_aligned(text: str) -> str:
    """Fold ``text`` character by character so that positions in the result are positions in ``text``.

    :func:`provinces.text.fold` collapses whitespace, which would shift offsets; the reader needs to cut
    quotes and measure distances in the original text.
    """
    out = []
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0]
        if ch in "đĐ":
            base = "d"
        low = base.lower()
        out.append(low if len(low) == 1 else base)
    return "".join(out)


def clean_text(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    return text.replace("\u00a0", " ").replace("\u2019", "'").replace("\u200b", "")


_SENTENCE_END = re.compile(r"(?:[.!?…:;]['\"”)]?|\s\|)$")


def paragraphs(text: str) -> list[str]:
    """Split on blank lines; join wrapped lines inside a paragraph.

    A line that does not end a sentence is a wrapped line (``Lao Cai ranked 21st,\\nincreasing ...``) and is
    joined to the next; a line that ends with a full stop, or a short heading line, stays on its own so that
    menu items and titles do not run into the text.
    """
    result = []
    for block in re.split(r"\n\s*\n", clean_text(text)):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        current = ""
        for line in lines:
            if current and not _SENTENCE_END.search(current) and _continues(current, line):
                current += " " + line
            else:
                if current:
                    result.append(current)
                current = line
        if current:
            result.append(current)
    return result


def _continues(previous: str, line: str) -> bool:
    # A wrapped line starts in lower case, or the previous line was cut mid-phrase (ends in a word that cannot
    # end a heading such as "of", "the", a comma, or a bare first name of a two-word place).
    if line[:1].islower() or line[:1].isdigit():
        return True
    return bool(re.search(r"(,|\b(of|the|and|in|with|at|to|Quang|was|by|for)|\b\w{1,3})$", previous))


_ABBREVIATIONS = re.compile(r"(?:\b(?:TP|Tp|ThS|TS|PGS|GS|Mr|Mrs|Ms|Dr|St|No|Q|H|TX)|\b[A-ZĐ])\.$")


def sentences(paragraph: str) -> list[str]:
    """Split a paragraph into sentences at ``.!?`` followed by a space and a capital or a digit."""
    parts, start = [], 0
    # A full stop followed by a capital starts a sentence; so does one glued to the next word after a lower-case
    # word ("chủ trì Hội nghị.Theo kết quả"), which pages that lost their spacing produce.
    for match in re.finditer(
        r"[.!?]+['\"”)]?\s+(?=[A-ZĐÀ-Ỹ0-9\"“(\-–])|(?<=[a-zà-ỹ]{2})\.(?=[A-ZĐÀ-Ỹ][a-zà-ỹ])", paragraph
    ):
        candidate = paragraph[start : match.start() + 1]
        if _ABBREVIATIONS.search(candidate.rstrip()):
            continue
        parts.append(paragraph[start : match.end()].strip())
        start = match.end()
    parts.append(paragraph[start:].strip())
    return [p for p in parts if p]


def _clauses(sentence: str) -> list[tuple[int, int]]:
    """Spans of the ``;``-separated clauses of a sentence, ignoring ``;`` inside parentheses."""
    spans, depth, start = [], 0, 0
    for i, ch in enumerate(sentence):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == ";" and depth == 0:
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(sentence)))
    return spans


def parse_article_file(path: str | Path) -> tuple[str, str | None, date | None]:
    """Read an article file: optional ``URL:`` and ``DATE:`` header lines, a blank line, then the text."""
    raw = Path(path).read_text(encoding="utf-8")
    url, published = None, None
    lines = raw.split("\n")
    body_start = 0
    for i, line in enumerate(lines[:5]):
        header = re.match(r"^(URL|DATE):\s*(.*)$", line.strip())
        if not header:
            break
        key, value = header.group(1), header.group(2).strip()
        if key == "URL":
            url = value or None
        elif value:
            try:
                published = datetime.strptime(value[:10], "%Y-%m-%d").date()
            except ValueError:
                published = None
        body_start = i + 1
    text = "\n".join(lines[body_start:]).lstrip("\n")
    return text, url, published


#: A number as written: "81,20", "113.905", "7.25", "2024". Digits glued to letters ("No4") still count.
NUMBER = re.compile(r"(?<![\d/])(?<!\d[.,])\d+(?:[.,]\d+)*(?![\d])")


def number_value(raw: str) -> Decimal | None:
    """The value of a written number: decimal comma (81,20), thousands dot (113.905), English decimals (7.25)."""
    try:
        return parse_number(raw)
    except (ValueError, ArithmeticError):
        return None


def tokens(folded: str) -> list[tuple[int, int, str]]:
    """Word and punctuation tokens of folded text with their spans."""
    return [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"[a-z0-9]+|[^\sa-z0-9]", folded)]


def language(text: str) -> str:
    """``vi``, ``en`` or ``other`` (machine-translated copies in Japanese, Dutch, Russian ...)."""
    sample = unicodedata.normalize("NFC", text[:3000])
    letters = [c for c in sample if c.isalpha()]
    if not letters:
        return "other"
    viet = sum(1 for c in letters if c in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĂÂĐÊÔƠƯ")
    if viet / len(letters) > 0.02:
        return "vi"
    ascii_share = sum(1 for c in letters if c.isascii()) / len(letters)
    if ascii_share < 0.9:
        return "other"
    words = set(re.findall(r"[a-z]+", sample.lower()))
    english = len(words & {"the", "of", "and", "in", "to", "with", "was", "province", "ranked", "index", "points"})
    return "en" if english >= 2 else "other"


def address_words(url: str | None) -> tuple[list[str], list[list[str]]]:
    """An article's address as words: the host's labels (``baoquangninh``, ``vn``) and each path segment's folded
    words, the file extension and the query left out (``/quang-ngai-tut-hang-chi-so-sipas.html`` →
    ``["quang", "ngai", "tut", "hang", "chi", "so", "sipas"]``; ``Đà_Nẵng`` and ``da%20nang`` → ``["da", "nang"]``)."""
    if not url:
        return [], []
    parts = urlsplit(url.strip() if "//" in url else "//" + url.strip())
    host = [label for label in parts.netloc.lower().split(":")[0].split(".") if label]
    segments = []
    for segment in unquote(parts.path).split("/"):
        segment = re.sub(r"\.(?:html?|aspx?|php|vnp|vna|epi|ldo|amp|htm|jsp|cms|chn)$", "", segment, flags=re.I)
        words = re.findall(r"[a-z0-9]+", fold_aligned(clean_text(segment)))
        if words:
            segments.append(words)
    return host, segments


def address_years(segments: list[list[str]]) -> list[int]:
    """Years 2010–2030 written as words of a slug (``par-index-2023-quang-ninh``); a path segment of digits only
    (``/2021/06/``, ``/202304/``) is a filing date, not a year the article speaks of."""
    years = []
    for words in segments:
        if not any(w.isalpha() for w in words):
            continue
        years += [int(w) for w in words if len(w) == 4 and w.isdigit() and 2010 <= int(w) <= 2030]
    return list(dict.fromkeys(years))
