"""Vietnamese text rules shared by search, matching and imports.

Everything that compares names goes through :func:`fold`, so "Bac Lieu", "Bạc Liêu" and
"BẠC LIÊU" meet in one place; everything that reads a figure written by a person goes
through :func:`parse_number`, so "81,20", "113.905" and "90,09%" mean what a Vietnamese
reader means by them.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from decimal import Decimal, InvalidOperation

__all__ = ["fold", "or_dash", "parse_number", "slugify_vi", "text_fingerprint", "title_from_text"]

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str | None) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics (đ → d), collapsing whitespace.

    Punctuation is kept so that callers can still split on it; use :func:`slugify_vi` for
    a punctuation-free key.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFD", str(text))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", text.lower()).strip()


def slugify_vi(text: str | None) -> str:
    """ASCII slug of a Vietnamese name: ``"Bà Rịa - Vũng Tàu"`` → ``"ba-ria-vung-tau"``."""
    return _NOT_WORD.sub("-", fold(text)).strip("-")


_NUMBER = re.compile(r"^[+\-−–]?\d[\d.,\s]*%?$")


def parse_number(raw: str | int | float | Decimal | None) -> Decimal | None:
    """Read a number as written in Vietnamese (or English) text.

    - ``"81,20"`` → 81.20 (decimal comma)
    - ``"113.905"`` → 113905 (a dot followed by exactly three digits groups thousands)
    - ``"1.234,5"`` → 1234.5, ``"1,234.5"`` → 1234.5 (both separators: the last one is decimal)
    - ``"90,09%"`` → 90.09 (a percent sign is dropped; the scale is the caller's business)
    - ``"81.20"`` → 81.20 (a dot followed by other than three digits is decimal)
    - ``"−17"`` (Unicode minus) → -17

    Returns ``None`` for blank input and raises ``ValueError`` for anything that is not a number,
    so an import can report the cell instead of storing a guess.
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ValueError(f"not a number: {raw!r}")
    if isinstance(raw, (int, Decimal)):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(str(raw))
    text = str(raw).strip().replace("\u00a0", " ")
    if not text:
        return None
    if not _NUMBER.match(text):
        raise ValueError(f"not a number: {raw!r}")
    sign = ""
    if text[0] in "+-−–":
        sign = "-" if text[0] != "+" else ""
        text = text[1:]
    text = text.rstrip("%").replace(" ", "")
    if "," in text and "." in text:
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        text = text.replace(group_sep, "").replace(decimal_sep, ".")
    elif "," in text:
        parts = text.split(",")
        if len(parts) > 2:  # 1,234,567: English thousands
            text = "".join(parts)
        else:
            text = text.replace(",", ".")
    elif "." in text:
        parts = text.split(".")
        if len(parts) > 2 or (len(parts) == 2 and len(parts[1]) == 3):
            text = "".join(parts)  # 113.905 or 1.234.567: Vietnamese thousands
    try:
        return Decimal(sign + text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above rules this out
        raise ValueError(f"not a number: {raw!r}") from exc


def or_dash(value) -> str:
    """A missing value is written '—', never 'None' (English on a Vietnamese page) nor 0."""
    return "—" if value is None or value == "" else str(value)


def text_fingerprint(text: str) -> str:
    """A hash of an article's words, so the same article pasted twice is stored once."""
    normalized = " ".join((text or "").split()).lower()
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


TITLE_LENGTH = 200
_DATE = re.compile(r"\b\d{1,2}[/-]\d{1,2}[/-]\d{2,4}\b")
#: A scraped page's furniture that reads like a sentence: polls, visit counters, font-size links.
_FURNITURE_LINE = re.compile(r"\b(?:binh chon|thong ke truy cap|luot (?:nguoi )?truy cap|luot xem|co chu)\b")


def title_from_text(text: str | None) -> str:
    """An article's headline from its own text: the first line that reads like one, cut at a word under 200
    characters ("…" marks the cut).

    Pasted and scraped articles start with their headline, sometimes after a dateline ("Thứ hai, 19/10/2020"),
    a section name in capitals ("TIẾP DÂN, GIẢI QUYẾT KN - TC") or a page's poll and visit counter ("0 người đã
    tham gia bình chọn"): those lines, and lines under 15 characters, are passed over. A kicker ending in a
    colon ("Họp Ban Chỉ đạo cải cách hành chính tỉnh:") runs on into the line under it, the headline proper."""
    lines = [line for line in (_SPACES.sub(" ", raw).strip() for raw in (text or "").splitlines()) if line]
    for k, line in enumerate(lines):
        if len(line) < 15 or line.upper() == line or (len(line) < 40 and _DATE.search(line)):
            continue
        if _FURNITURE_LINE.search(fold(line)):
            continue
        if line.endswith(":") and k + 1 < len(lines):
            line = f"{line} {lines[k + 1]}"
        if len(line) <= TITLE_LENGTH:
            return line
        return line[: TITLE_LENGTH - 1].rsplit(" ", 1)[0].rstrip(" ,;:–-") + "…"
    return ""
