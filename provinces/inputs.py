"""Checks on text that comes from outside (query strings, imported cells, uploaded files, stored links).

One place decides, so SQLite and PostgreSQL see the same refusals: PostgreSQL rejects a NUL in text
with a server error, SQLite stores it; both are refused here before any query is built.

- :func:`control_characters` finds C0/C1 control characters (NUL included); article text may keep
  tab, CR and LF (``allow_layout=True``).
- :func:`formula_like` is true of a text a spreadsheet would run (``= + - @`` or tab/CR first, OWASP's
  CSV-injection list); :func:`escape_formula` prefixes such a text with a single quote for a download.
- :func:`is_http_url` / :func:`safe_url` / :func:`validate_http_url`: stored links are http or https,
  nothing else (no ``javascript:``, ``data:``, ``vbscript:`` …); :func:`safe_url` is the one helper every
  rendering of a stored link goes through.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_EXCEPT_LAYOUT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
URL_SCHEMES = ("http", "https")


def control_characters(text: str, *, allow_layout: bool = False) -> list[str]:
    """The distinct control characters in ``text`` as ``U+0000``-style names (empty: none)."""
    pattern = _CONTROL_EXCEPT_LAYOUT if allow_layout else _CONTROL
    return sorted({f"U+{ord(c):04X}" for c in pattern.findall(text or "")})


def formula_like(value) -> bool:
    """A text a spreadsheet would read as a formula (or a DDE command)."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def escape_formula(value):
    """``value`` safe to write into a CSV/XLSX text cell: formula-like text gets a leading ``'``."""
    return "'" + value if formula_like(value) else value


def is_http_url(url: str) -> bool:
    """An absolute http(s) address with a host, and nothing a browser would read otherwise."""
    if not isinstance(url, str) or not url or url != url.strip() or control_characters(url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in URL_SCHEMES and bool(parts.netloc) and "\\" not in parts.netloc


def safe_url(url) -> str:
    """``url`` if it is a http(s) address, else ``""``: the one helper that renders stored links."""
    return url if is_http_url(url) else ""


def validate_http_url(url: str) -> None:
    """Model/form validator: only http and https addresses are stored."""
    if url and not is_http_url(url):
        raise ValidationError(_("Chỉ nhận địa chỉ http:// hoặc https://."), code="url_scheme")
