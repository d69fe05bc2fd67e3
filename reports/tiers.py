"""Tiers: an edition's published groups (nhóm) as ordered bands, the one rule for colour, legend and filter.

Each edition publishes its own grouping, and the groupings changed over time: 2012 had four bands named
by words (tốt / khá / trung bình / kém, “trên 80%” … “62,58–67,68%”), 2015 three letters (A ≥ 90, B 80–90,
C 70–80), 2016 four letters with D < 70, 2017 numbered groups (“Nhóm 1: từ 80% trở lên”), 2018 four letters
on other thresholds (A ≥ 80, B 75–80, C 70–75, D < 70). The edition stores its scheme as published
(``Edition.group_scheme``, a list of bands)::

    [{"position": 1, "label": "Nhóm A", "label_en": "Group A", "aliases": ["above 90%"],
      "lower": 90, "upper": null, "range": "", "range_en": ""}, ...]

``position`` is the band's place in its edition's scheme, 1 = best; ``label`` the published Vietnamese name
(``label_en`` the English one, shown only on English pages); ``aliases`` other ways sources write the same
band (an English article's “moderate”); ``lower``/``upper`` the thresholds where published (lower
inclusive, upper exclusive: the ministry's “từ … đến dưới …”), ``range``/``range_en`` the thresholds in
words where the published wording is not that (“trên 80%”). A scheme may list only the bands a source
names (2022: only “Nhóm A ≥ 90%” is sourced); nothing is filled in by guess.

A result's **tier** (``Result.tier``) is the position of the band its *published label* matches: labels
are compared folded (``provinces.text.fold``: no diacritics, no case), without a leading “nhóm”/“group”
and a trailing bracket (“moderate (67.68-70%)” → “moderate”, “Nhóm 1 (từ 80% trở lên)” → “1”). The tier is
**never derived from a score**: a result with a score and no group has no tier, and a label that matches
no band of its edition keeps an empty tier and is reported (``unmatched``; the loader prints it).

Comparing schemes: the canonical tiers (“Nhóm 1 (cao nhất)”, “Nhóm 2”, …) are positions, not score
bands. Tier 1 is the best band of every scheme (A of 2018, “trên 80%” of 2012, A of 2015); tier 3 is C in
both 2015 (70–80) and 2018 (70–75) although the thresholds differ; and the lowest band of a 3-band scheme
(C) is tier 3, not tier 4 — filtering by tier 4 finds only 4-band editions. The legend always shows each
band's published label and thresholds next to the tier number, so the position is never read as a score.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from provinces.text import fold

MAX_TIERS = 4
TIER_NAMES = {1: _("Nhóm 1 (cao nhất)"), 2: _("Nhóm 2"), 3: _("Nhóm 3"), 4: _("Nhóm 4")}
BAND_KEYS = {"position", "label", "label_en", "aliases", "lower", "upper", "range", "range_en"}

_PREFIX = re.compile(r"^(?:thuoc\s+|the\s+)?(?:nhom|group)\s+")
_SUFFIX = re.compile(r"\s+(?:group|nhom)$")
_BRACKET = re.compile(r"\s*\([^)]*\)\s*$")
_EDGES = " .,:;-–—\"'“”"


def label_key(text: str | None) -> str:
    """How a group label is compared: folded, no leading “nhóm”/“group”, no trailing bracket.

    ``"Nhóm A"``, ``"A"``, ``"group A"`` → ``"a"``; ``"moderate (67.68-70%)"`` → ``"moderate"``.
    """
    key = fold(text).strip(_EDGES)
    key = _BRACKET.sub("", key).strip(_EDGES)
    key = _PREFIX.sub("", key)
    key = _SUFFIX.sub("", key)
    return key.strip(_EDGES)


def bands(scheme) -> list[dict]:
    """The scheme's bands in order, best first (an empty or malformed scheme has none)."""
    if not isinstance(scheme, list):
        return []
    return sorted((b for b in scheme if isinstance(b, dict) and isinstance(b.get("position"), int)), key=_position)


def _position(band: dict) -> int:
    return band["position"]


def _keys(band: dict) -> set[str]:
    names = [band.get("label"), band.get("label_en"), *(band.get("aliases") or [])]
    return {k for k in (label_key(n) for n in names) if k}


def tier_of(scheme, group: str | None) -> int | None:
    """The position of the band whose label or alias ``group`` is, in this scheme; None when none is.

    Reads the label only: a score never enters (a result with a score and no group has no tier).
    """
    key = label_key(group)
    if not key:
        return None
    for band in bands(scheme):
        if key in _keys(band):
            return band["position"]
    return None


def validate_scheme(scheme) -> list[str]:
    """What is wrong with a scheme (empty when nothing): the messages the admin shows."""
    if scheme in (None, "", []):
        return []
    if not isinstance(scheme, list) or not all(isinstance(b, dict) for b in scheme):
        return [str(_("Thang nhóm phải là một danh sách các nhóm."))]
    errors, seen_positions, seen_keys = [], set(), {}
    for band in scheme:
        position = band.get("position")
        if not isinstance(position, int) or not 1 <= position <= MAX_TIERS:
            errors.append(str(_("Vị trí nhóm phải là số nguyên từ 1 đến %(n)s.") % {"n": MAX_TIERS}))
            continue
        if position in seen_positions:
            errors.append(str(_("Hai nhóm cùng vị trí %(p)s.") % {"p": position}))
        seen_positions.add(position)
        if not str(band.get("label") or "").strip():
            errors.append(str(_("Nhóm ở vị trí %(p)s chưa có tên như đã công bố.") % {"p": position}))
        unknown = set(band) - BAND_KEYS
        if unknown:
            errors.append(str(_("Trường không rõ: %(f)s.") % {"f": ", ".join(sorted(unknown))}))
        for key in _keys(band):
            other = seen_keys.setdefault(key, position)
            if other != position:
                errors.append(
                    str(_("Tên “%(k)s” thuộc hai nhóm (%(a)s và %(b)s).") % {"k": key, "a": other, "b": position})
                )
        lower, upper = band.get("lower"), band.get("upper")
        for value in (lower, upper):
            if value is not None and (not isinstance(value, int | float) or not 0 <= value <= 100):
                errors.append(str(_("Ngưỡng phải là số từ 0 đến 100.")))
        if isinstance(lower, int | float) and isinstance(upper, int | float) and lower >= upper:
            errors.append(str(_("Ngưỡng dưới phải nhỏ hơn ngưỡng trên (nhóm %(p)s).") % {"p": position}))
    return errors


def _english() -> bool:
    return (get_language() or "vi").startswith("en")


def tier_name(position: int | None) -> str:
    """The canonical name of a tier, the same across schemes: “Nhóm 1 (cao nhất)”, “Nhóm 2”, …"""
    return str(TIER_NAMES.get(position, "")) if position else ""


def tier_choices() -> list[tuple[str, str]]:
    return [(str(p), tier_name(p)) for p in range(1, MAX_TIERS + 1)]


def band_of(scheme, position: int | None) -> dict | None:
    return next((b for b in bands(scheme) if b["position"] == position), None) if position else None


def _percent(value, english: bool) -> str:
    text = f"{Decimal(str(value)).normalize():f}"
    return text if english else text.replace(".", ",")


def range_text(band: dict) -> str:
    """The band's thresholds in words, as published or from ``lower``/``upper``; empty when unpublished."""
    english = _english()
    written = band.get("range_en" if english else "range")
    if written:
        return written
    lower, upper = band.get("lower"), band.get("upper")
    if lower is not None and upper is not None:
        pattern = "%(a)s%% to under %(b)s%%" if english else "từ %(a)s%% đến dưới %(b)s%%"
    elif lower is not None:
        pattern = "%(a)s%% and above" if english else "từ %(a)s%% trở lên"
    elif upper is not None:
        pattern = "under %(b)s%%" if english else "dưới %(b)s%%"
    else:
        return ""
    return pattern % {
        "a": _percent(lower, english) if lower is not None else "",
        "b": _percent(upper, english) if upper is not None else "",
    }


def band_label(band: dict) -> str:
    """The band's published label in the page's language (the Vietnamese one on Vietnamese pages)."""
    if _english():
        return band.get("label_en") or band.get("label") or ""
    return band.get("label") or ""


def display_group(scheme, tier: int | None, group: str) -> str:
    """What a page shows for a result's group: its band's published label in the page's language, or,
    for a label that matches no band, the label as stored. Tables, downloads and the map use this."""
    band = band_of(scheme, tier)
    return band_label(band) if band else group


def legend(scheme, counts: dict[int, int] | None = None) -> list[dict]:
    """One entry per band of the scheme, best first: tier number and canonical name, published label,
    thresholds in words, and how many of the rows shown are in it."""
    counts = counts or {}
    return [
        {
            "tier": b["position"],
            "name": tier_name(b["position"]),
            "label": band_label(b),
            "range": range_text(b),
            "count": counts.get(b["position"], 0),
        }
        for b in bands(scheme)
    ]


def legacy_position(text: str | None) -> int | None:
    """The tier of a group filter written the old way (free text), where every scheme agrees on it:
    a letter (“A”, “nhóm b”) or number (“Nhóm 1”) is the same position in every scheme that uses it.
    Words (“khá”, “tốt”) are not: they mean different bands in different schemes, so they are refused."""
    key = label_key(text)
    if len(key) == 1 and key in "abcd"[:MAX_TIERS]:
        return "abcd".index(key) + 1
    if key.isdigit() and 1 <= int(key) <= MAX_TIERS:
        return int(key)
    if key == "cao nhat":
        return 1
    return None


def unmatched(results: Iterable) -> list[tuple]:
    """(edition, label) of every result whose published group matches no band of its edition's scheme."""
    seen = []
    for r in results:
        if r.group and r.tier is None and (r.edition, r.group) not in seen:
            seen.append((r.edition, r.group))
    return seen


def import_notes(edition, group: str) -> list[str]:
    """What an import's preview says about a group label: nothing when it matches a band of the edition's
    scheme (or the edition has none yet), otherwise that it is stored as written without a tier."""
    scheme = edition.group_scheme if edition is not None else None
    if not group or not bands(scheme) or tier_of(scheme, group) is not None:
        return []
    return [str(_("Nhóm “%(g)s” không có trong các nhóm đã công bố của kỳ: lưu như ghi, chưa xếp bậc.") % {"g": group})]


def scheme_snapshot(scheme) -> str:
    """A scheme as text, to tell whether a save changed it (a list edited in place compares equal to itself)."""
    return json.dumps(scheme or [], sort_keys=True, ensure_ascii=False)


def refresh_edition(edition) -> list[str]:
    """Recompute the tiers of an edition's results from their labels (its scheme changed); returns the
    labels no band matches. Tiers are derived: written without history rows."""
    changed, missing = [], []
    for result in edition.results.only("pk", "group", "tier"):
        tier = tier_of(edition.group_scheme, result.group)
        if result.group and tier is None and result.group not in missing:
            missing.append(result.group)
        if tier != result.tier:
            result.tier = tier
            changed.append(result)
    edition.results.model.objects.bulk_update(changed, ["tier"])
    return missing
