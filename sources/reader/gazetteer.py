"""Names of places as the text writes them: provinces of both eras, districts, regions; diacritics optional."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sources.reader.text import clean_text, fold_aligned

BASE_DIR = Path(__file__).resolve().parent.parent.parent  # the project root
PROVINCE_DATA = BASE_DIR / "provinces" / "data"
READER_DATA = BASE_DIR / "sources" / "data"
#: Result years up to 2024 were assessed for the 63 pre-merger units; from 2025 for the 34 merged ones.
LAST_YEAR_OF_63_UNITS = 2024
NATIONAL = "NATIONAL"


@dataclass
class Place:
    """A name found in a sentence."""

    start: int
    end: int
    kind: str  # province | other | national | region
    code: str | None = None  # GSO code of the 63-unit era for provinces
    era: int | None = None
    name: str | None = None  # for regions and "other"


def _alias_pattern(alias: str) -> str:
    folded = fold_aligned(alias.strip())
    pieces = []
    for ch in folded:
        if ch in " -–—":
            pieces.append(r"[\s\-–—]*")
        elif ch == ".":
            pieces.append(r"\.?\s*")
        else:
            pieces.append(re.escape(ch))
    pattern = "".join(pieces)
    pattern = re.sub(r"(\[\\s\\-–—\]\*)+", r"[\\s\\-–—]*", pattern)
    return pattern


def _name_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold_aligned(clean_text(name)))


def _names_re(names: list[str]) -> re.Pattern:
    """One regex for many names, longest first, as whole words of folded text; group 1 is the name."""
    ordered = sorted({fold_aligned(clean_text(n.strip())) for n in names}, key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(" + "|".join(_alias_pattern(n) for n in ordered) + r")(?![a-z0-9])")


def _read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


class Gazetteer:
    """Province, district and region names of both eras, matched diacritic-insensitively."""

    def __init__(self) -> None:
        self.units63 = {row["code"]: row for row in _read_csv(PROVINCE_DATA / "provinces_63.csv")}
        self.units34 = {row["code"]: row for row in _read_csv(PROVINCE_DATA / "provinces_34.csv")}
        self.regions = sorted({row["region"] for row in self.units63.values()})

        # alias key -> (era, code); the key ignores case, diacritics, spaces, dashes and dots.
        aliases: dict[str, tuple[int, str]] = {}
        spellings: list[str] = []

        def add(alias: str, era: int, code: str) -> None:
            key = _name_key(alias)
            if len(key) >= 3 and key not in aliases:
                aliases[key] = (era, code)
                spellings.append(alias)

        for code, row in self.units63.items():
            for name in (row["name"], row["name_en"]):
                add(name, 63, code)
                add(re.sub(r"^(TP\.|Thành phố)\s*", "", name), 63, code)
        for path in (PROVINCE_DATA / "aliases.csv", READER_DATA / "reader_aliases.csv"):
            for row in _read_csv(path):
                add(row["alias"], int(row["era"]), row["code"])
        for code, row in self.units34.items():
            # Most 34-unit names are also 63-unit names, already added; the era is chosen from the result year.
            for name in (row["name"], row["name_en"]):
                add(name, 34, code)
        self._aliases = aliases
        self._province_re = _names_re(spellings)

        # Districts need their kind word in front ("huyện Bố Trạch"): bare district names collide with common
        # words and with names of other places. A district named like a province ("thành phố Bắc Ninh") is read
        # as the province.
        by_name63 = {_name_key(row["name"]): code for code, row in self.units63.items()}
        self._districts: dict[str, str] = {}
        for row in _read_csv(READER_DATA / "districts.csv"):
            bare = re.sub(r"^(Quận|Huyện|Thị xã|Thành phố)\s+", "", row["district"])
            key = _name_key(bare)
            if key not in aliases and key not in self._districts:
                self._districts[key] = by_name63[_name_key(row["province"])]
        district_names = sorted(
            {
                re.sub(r"^(Quận|Huyện|Thị xã|Thành phố)\s+", "", r["district"])
                for r in _read_csv(READER_DATA / "districts.csv")
            }
        )
        self._district_re = re.compile(
            r"(?<![a-z0-9])(?:huyen|quan|thi xa|thanh pho|tp\.?|h\.|tx\.?)\s*"
            + _names_re([d for d in district_names if _name_key(d) in self._districts]).pattern
        )
        self._region_re = _names_re(self.regions)
        self._regions = {_name_key(r): r for r in self.regions}
        self.datelines = {row["code"]: row["province"] for row in _read_csv(READER_DATA / "datelines.csv")}

    def provinces_in(self, original: str, folded: str) -> list[Place]:
        """Province and district mentions (longest spelling first) that are capitalised in the original."""
        found: list[Place] = []
        taken = [False] * len(folded)
        for match in self._district_re.finditer(folded):
            s, e = match.span(1)
            code = self._districts.get(_name_key(match.group(1)))
            if code and original[s].isupper():
                found.append(Place(match.start(), e, "province", code, 63))
                taken[match.start() : e] = [True] * (e - match.start())
        pos = 0
        while match := self._province_re.search(folded, pos):
            s, e = match.span(1)
            if not (original[s].isupper() or original[s].isdigit()):
                # "thành phố Hải Phòng" in lower case: the kind word is not part of the name; look again inside.
                pos = s + 1
                continue
            pos = e
            hit = self._aliases.get(_name_key(match.group(1)))
            if hit and not any(taken[s:e]):
                found.append(Place(s, e, "province", *self._to63(*hit)))
        return sorted(found, key=lambda p: p.start)

    def provinces_in_words(self, words: list[str]) -> list[tuple[str, int]]:
        """Provinces an address's slug names, written without diacritics and joined or cut by hyphens as slugs
        write them (``quang-ngai``, ``hanoi``, ``ba-ria-vung-tau``, ``tp-hcm``/``tphcm``, ``thua-thien-hue``):
        the longest run of up to five words whose letters are a known name, left to right, without overlaps."""
        found: list[tuple[str, int]] = []
        i = 0
        while i < len(words):
            for n in range(min(5, len(words) - i), 0, -1):
                hit = self._aliases.get("".join(words[i : i + n]))
                if hit and not words[i].isdigit():
                    found.append(self._to63(*hit))
                    i += n
                    break
            else:
                i += 1
        return list(dict.fromkeys(found))

    def provinces_in_host(self, labels: list[str]) -> list[tuple[str, int]]:
        """Provinces a host name begins or ends with (``baoquangninh``, ``hanoitimes``, ``laocai.gov.vn``):
        names of five letters or more, the longest first."""
        found = []
        for label in labels:
            keys = [k for k in self._aliases if len(k) >= 5 and (label.startswith(k) or label.endswith(k))]
            if keys:
                found.append(self._to63(*self._aliases[max(keys, key=len)]))
        return list(dict.fromkeys(found))

    def _to63(self, era: int, code: str) -> tuple[str, int]:
        """Resolve a 34-unit alias to the 63-unit of the same name where there is one (Huế → Thừa Thiên Huế)."""
        if era == 34:
            name = _name_key(self.units34[code]["name"])
            for code63, row in self.units63.items():
                if _name_key(row["name"]).endswith(name):
                    return code63, 63
        return code, era

    def regions_in(self, folded: str) -> list[Place]:
        return [
            Place(m.start(1), m.end(1), "region", name=self._regions[_name_key(m.group(1))])
            for m in self._region_re.finditer(folded)
        ]

    def name(self, code: str, era: int, year: int | None) -> str:
        """Canonical name of a unit for a result year (63 names up to 2024, 34 names from 2025)."""
        if era == 34:
            return self.units34[code]["name"]
        if year is not None and year > LAST_YEAR_OF_63_UNITS:
            return self.units34[self.units63[code]["successor_code"]]["name"]
        return self.units63[code]["name"]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return Gazetteer()
