"""Read the figures a news article states about provincial administrative-reform results.

The reader proposes; a curator decides. So it aims for precision first: a figure is proposed only when a
phrasing rule recognises it (a rank verb, a unit, a change verb ...), and its province, index and year are
taken from the text around it. Where the text does not say, the field is ``None`` rather than a guess.

How a sentence is read:

1. The text is split into paragraphs and sentences; hard line breaks inside a sentence are joined, because
   some sites wrap their text at a fixed width.
2. Every number is classified by the words around it (``đạt 81,20 điểm`` is a score, ``giảm 17 bậc`` a rank
   change, ``xếp thứ 34/63`` a rank out of a total ...). Phrases without a number also state ranks
   (``dẫn đầu`` is rank 1, ``xếp cuối`` is the last rank).
3. The figure is attributed to the province named nearest before it in its clause (clauses are split on
   ``;``), which is how lists such as ``Hải Phòng ... 92,59 điểm. Tiếp đó Đồng Nai 92,53`` are written; if the
   clause names none, to the province the paragraph is about.
4. Year and index come from the sentence, else from the paragraph, else from the article.

Nothing here touches the database: the gazetteer is built from the CSV files shipped with the project.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from provinces.text import fold, parse_number

__all__ = [
    "Proposal",
    "Gazetteer",
    "article_subject",
    "component_key",
    "gazetteer",
    "parse_article_file",
    "read_article",
]

BASE_DIR = Path(__file__).resolve().parent.parent  # the project root
PROVINCE_DATA = BASE_DIR / "provinces" / "data"
READER_DATA = Path(__file__).resolve().parent / "data"

INDICES = ("PAR_INDEX", "SIPAS", "PAPI", "PCI")
#: Result years up to 2024 were assessed for the 63 pre-merger units; from 2025 for the 34 merged ones.
LAST_YEAR_OF_63_UNITS = 2024
#: A rank out of another total ("1/6 tỉnh Bắc Trung Bộ") is a rank within a region, not the index's rank.
RANKED_TOTALS = {63, 34}

NATIONAL = "NATIONAL"


@dataclass(frozen=True)
class Proposal:
    """One figure the article states, as the reader understood it."""

    province: str | None
    index: str
    year: int | None
    metric: str
    value: Decimal | str
    quote: str
    component: str | None = None
    period: str | None = None

    def as_dict(self) -> dict:
        """JSON-ready form: numbers as numbers, groups as strings."""
        data = asdict(self)
        if isinstance(self.value, Decimal):
            data["value"] = int(self.value) if self.value == self.value.to_integral() else float(self.value)
        return data


# --------------------------------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------------------------------


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


def _clean(text: str) -> str:
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
    for block in re.split(r"\n\s*\n", _clean(text)):
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


# --------------------------------------------------------------------------------------------------------------
# Gazetteer
# --------------------------------------------------------------------------------------------------------------


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
    return re.sub(r"[^a-z0-9]", "", fold_aligned(_clean(name)))


def _names_re(names: list[str]) -> re.Pattern:
    """One regex for many names, longest first, as whole words of folded text; group 1 is the name."""
    ordered = sorted({fold_aligned(_clean(n.strip())) for n in names}, key=len, reverse=True)
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


# --------------------------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------------------------

NUM = r"\d+(?:[.,]\d+)*"

# Entities that are not provinces: figures next to them belong to ministries, banks, etc. "Bộ Nội vụ" is the
# ministry that announces the index, so a sentence naming it is still about the provinces.
_OTHER_ENTITY = re.compile(
    r"(?<![a-z])(?:bo (?!noi vu|chi so|phan)(?=\S)|ngan hang|ministry|ministries|state bank|the bank|bank of|sbv\b"
    r"|bo, co quan ngang bo|co quan ngang bo|government inspectorate|thanh tra chinh phu|so [a-z]+ - )"
)

_NATIONAL = re.compile(
    r"ca nuoc|toan quoc|national|nationwide|\b63 (?:tinh|dia phuong|localities|provinces)|cac tinh, thanh pho"
    r"|63/63|among (?:the )?\d+ localities"
)
_AVERAGE = re.compile(r"trung binh|average|binh quan")

_INDEX_WORDS = [
    ("SIPAS", re.compile(r"sipas|chi so hai long|satisfaction|muc do hai long|su hai long")),
    ("PAPI", re.compile(r"(?<![a-z])papi(?![a-z])|hieu qua quan tri va hanh chinh cong")),
    ("PCI", re.compile(r"(?<![a-z])pci(?![a-z])|nang luc canh tranh")),
    (
        "PAR_INDEX",
        re.compile(
            r"par ?index|par indext|chi so (?:cai cach hanh chinh|cchc)|chi so par|public administration reform"
            r"|\(par\)|chi so cai cach|cai cach hanh chinh \(par"
        ),
    ),
]
_ABOUT_PAR = re.compile(r"cai cach hanh chinh|cchc|administrative reform|administration reform|par index")

# Component indices: the eight areas of the provincial PAR INDEX under their successive names (Vietnamese and
# English), plus the SIPAS survey factors. The key lets names written differently meet.
_COMPONENTS = [
    ("chi_dao_dieu_hanh", r"chi dao,? dieu hanh|management of administrative reform|direction and administration"),
    (
        "the_che",
        r"xay dung va to chuc thuc hien van (?:ban|pham) (?:quy pham phap luat|qppl)|cai cach the che"
        r"|formulation and implementation of legal documents|institutional reform",
    ),
    ("thu_tuc", r"cai cach thu tuc hanh chinh|administrative procedure reform"),
    ("bo_may", r"cai cach to chuc bo may|reform of the administrative apparatus|administrative apparatus reform"),
    (
        "cong_vu",
        r"xay dung va nang cao chat luong doi ngu can bo|cai cach che do cong vu|civil service reform"
        r"|staff quality improvement",
    ),
    ("tai_chinh", r"cai cach tai chinh cong|doi moi co che (?:tai chinh|doi voi co quan)|public finance reform"),
    ("hien_dai_hoa", r"hien dai hoa (?:nen )?hanh chinh|chinh quyen dien tu|administrative modernization"),
    (
        "tac_dong",
        r"tac dong cua (?:cai cach hanh chinh|cchc)|(?:cai cach hanh chinh|cchc) den (?:nguoi dan|phat trien)"
        r"|tac dong den (?:phat trien|nguoi dan)",
    ),
    ("mot_cua", r"co che mot cua"),
    # Only as an item of a list ("...; public administration reform, ranked No20/63"): elsewhere the words name
    # the index itself.
    ("par_reform", r"(?:(?<=; )|(?<=: ))public administration reform(?=,)"),
]
_COMPONENT_RE = [(key, re.compile(pattern)) for key, pattern in _COMPONENTS]


def component_key(name: str | None) -> str | None:
    """A stable key for a component however the source names it (``None`` if it is not recognised)."""
    folded = fold_aligned(_clean(name or ""))
    # A bare name is not in a list, so the list-only pattern for "public administration reform" is loosened.
    for key, pattern in [*_COMPONENT_RE, ("par_reform", re.compile(r"^public administration reform"))]:
        if pattern.search(folded):
            return key
    return fold(name) or None


_ORDINALS = {
    "nhat": 1, "nhi": 2, "hai": 2, "ba": 3, "tu": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10,
}  # fmt: skip

_RANK_LEFT = re.compile(
    r"(?:(?:xep|dung|duoc xep|giu vung|duy tri|xuong|len|vuon len)(?: o| tai)?(?: (?:vi tri|vi thu|hang))?"
    r"(?: thu| so)?|vi tri(?: thu| so)?|vi thu|thu hang|ranked|ranking|rank|placed|(?:claimed|took|held) the"
    r"|was|came|finished|stood)\s*(?:no\.?\s*)?$"
)
_RANK_CLAUSE_START = re.compile(r"(?:^|[;,:]\s*|\bva\s+)thu\s*$")
_NOT_A_RANK_AFTER = re.compile(
    r"^\s*(?:(?:trong |tai |cua )?(?:khu vuc|vung|cum|khoi)|among (?:the )?(?:six|five|\d)|in the region"
    r"|(?:ve|trong) (?:so|nhom)|lan|nam lien|consecutive|time|years?|vi tri|tinh|dia phuong|don vi|places|provinces)"
)
_LEADER = re.compile(
    r"(?<![a-z])(?:dan dau|dung dau|xep dau|vi tri dau tien|vi tri so 1\b|a quan|quan quan|topped|tops\b|came first"
    r"|ranked (?:the )?first|ranked no\.? ?1\b|beats? \d+ others|(?:was|ranked) the best"
    r"|(?:was|named|as) (?:the )?best performer|first place|top spot|top position|ngoi vi quan quan)(?![a-z])"
)
_RUNNER_UP = re.compile(r"a quan|runner-up")
_LAST = re.compile(
    r"(?<![a-z])(?:xep cuoi(?: cung| bang)?|cuoi bang|dung cuoi|thap nhat|came last|ranked last"
    r"|bottom of the (?:table|list|ranking)|lowest (?:index|score|rank)|(?:the )?last place|last position"
    r"|vi tri cuoi cung)(?![a-z])"
)
_COUNT_BEFORE = re.compile(r"\b\d+\s+(?:tinh|vi tri|dia phuong|provinces|localities|don vi)\b[^;,]*$")
_THRESHOLD_LEFT = re.compile(
    r"(?:tren|duoi|tu|den|than|above|below|over|under|hon|khoang|around|gan|nearly|least|toi thieu|toi da|top"
    r"|muc|nhom [a-d]|dat chi so tren|tro len)\s*$"
)
_CHANGE_VERB = re.compile(
    r"(?P<verb>tang|giam|tut|vuot|increase of|decrease of|increased|increasing|climbing|climbed|rose|gained"
    r"|dropped|fell|falling|declined|decreased|lost|up|down|jumped|jumping|moved up|moved down|slipped|slid|len"
    r"|xuong|thap hon|cao hon)\s+(?:them\s+|duoc\s+|by\s+)?$"
)
_AND_CHANGE = re.compile(
    r"(?P<verb>tang|giam|tut|increase of|decrease of|increased|dropped)\s+" + NUM + r"\s*(?:diem|%)\s*(?:va|,|and)\s+$"
)
_NEGATIVE_VERBS = {
    "giam", "tut", "decrease of", "dropped", "fell", "falling", "declined", "decreased", "lost", "down",
    "moved down", "slipped", "slid", "xuong", "thap hon",
}  # fmt: skip
# "tăng một bậc", "jumped six places": small counts are often written as words.
_NUMBER_WORDS = {
    "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12,
}  # fmt: skip
_WORD_CHANGE = re.compile(
    r"(?<![a-z])(?P<verb>tang|giam|tut|len|xuong|jumped|climbed|rose|moved up|moved down|dropped|fell|slipped|up"
    r"|down)\s+(?:them\s+|duoc\s+|by\s+)?(?P<n>" + "|".join(_NUMBER_WORDS) + r")\s+(?:bac|hang|places?|spots?"
    r"|positions?|levels?|notches?)(?![a-z])"
)
_AFTER_CHANGE = re.compile(r"^\s*(?:places?|spots?|levels?|positions?|bac)\s+(?P<dir>up|higher|down|lower)(?![a-z])")
_SCORE_UNIT = re.compile(r"^\s*(?:/\s*100\s*)?(?:%\s*(?:diem)?|diem|percent|per ?cent|points?)(?![a-z])")
_DELTA_UNIT = re.compile(r"^\s*(?:%|diem|percentage points?|percent|per ?cent|points?)(?![a-z])")
_PLACE_UNIT = re.compile(r"^\s*(?:bac|hang|places?|levels?|positions?|spots?|vi tri|ranks?)(?![a-z])")
_SCORE_LEFT = re.compile(
    r"(?:dat(?: duoc)?(?: gia tri)?(?: ket qua)?(?: la)?|voi(?: ket qua)?(?: dat)?|voi chi so(?: la)?|chi so(?: la)?"
    r"|scored|score of|scoring|achieved an?|achieving|with|at|was|la|ty le|chiem ty le|ket qua la|standing at"
    r"|reached|reaching|obtained|index of)\s*$"
)
_ORDINAL_SUFFIX = re.compile(r"^(?:st|nd|rd|th)\b")
_OUT_OF = re.compile(
    r"^\s*(?:/\s*(?P<a>\d+)|(?:st|nd|rd|th)?\s*(?:position\s+|place\s+)?(?:out of|among(?:st)?(?: the)?) (?P<b>\d+)"
    r"|\s*trong (?:so )?(?P<c>\d+) (?:tinh|dia phuong))"
)
_GROUP = re.compile(
    r"(?:nam trong|thuoc|xep|duoc xep|vao|o|in|into|placed in|within)\s+(?:the\s+)?(?:nhom|group)\s+"
    r"(?P<g>[a-d]|\d|tot|kha|trung binh(?: thap| cao)?|yeu|xuat sac|rat tot)(?![a-z0-9])"
)
_GROUP_HEADER = re.compile(r"^\W*nhom (?P<g>[a-d])\s*[,:(]")
_MULTI_YEAR = re.compile(r"qua \d+ nam|trong \d+ nam|over \d+ years|giai doan|binh quan \d+ nam")
_GENERIC_SUBJECT = re.compile(
    r"(?:nhung|cac|moi) (?:tinh|dia phuong)(?! [A-Z])|tinh nao|(?:localities|provinces) (?:with|that|which)"
    r"|(?<![/\d])(?<!out of )(?<!trong )(?<!among )\d+ (?:tinh|dia phuong|localities|provinces|ministries|bo)\b"
)
_HOME_REF = re.compile(
    r"(?<![a-z])(?:cua tinh|tinh ta|toan tinh|tinh nha|cua huyen|huyen|the province|the city|the locality"
    r"|province's|city's|tinh(?! [A-Z])|thanh pho)(?![a-z])"
)

_DOSSIER_RULES = [
    ("dossier_received", re.compile(r"(?:tiep nhan|received?|nhan duoc)(?: tong (?:so|cong))?\s*$")),
    ("dossier_on_time", re.compile(r"(?:dung han|truoc han|dung va truoc han|truoc va dung han|on time)\s*$")),
    ("dossier_late", re.compile(r"(?:qua han|tre han|late)\s*$")),
    ("dossier_pending", re.compile(r"(?:dang giai quyet|dang xu ly|chua den han|pending)\s*$")),
    ("dossier_resolved", re.compile(r"(?:da giai quyet|giai quyet xong|resolved)\s*$")),
]
_DOSSIER_AFTER = [
    (
        "dossier_on_time",
        re.compile(
            r"^\s*ho so(?: tthc| thu tuc hanh chinh)?(?: \(tthc\))?\s*(?:duoc )?(?:giai quyet )?(?:dung|truoc) han"
        ),
    ),
    (
        "dossier_late",
        re.compile(r"^\s*ho so(?: tthc| thu tuc hanh chinh)?(?: \(tthc\))?\s*(?:bi )?(?:giai quyet )?(?:qua|tre) han"),
    ),
    (
        "dossier_pending",
        re.compile(
            r"^\s*ho so(?: tthc| thu tuc hanh chinh)?(?: \(tthc\))?\s*(?:dang giai quyet|dang xu ly|chua den han)"
        ),
    ),
]
_PERIOD = [
    (re.compile(r"quy (?P<q>1|2|3|4|i{1,3}|iv)\s*(?:/|nam\s+)(?P<y>\d{4})"), "Q"),
    (re.compile(r"6 thang dau nam (?P<y>\d{4})"), "H1"),
    (re.compile(r"9 thang dau nam (?P<y>\d{4})"), "9M"),
]
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}

_YEAR = re.compile(r"(?<![\d/.,])(20[0-3]\d)(?![\d/])")
_COMPARISON_LEFT = re.compile(r"(?:so voi|so|compared (?:to|with)|from|against|than|hon|voi)\s+(?:nam\s+|in\s+)?$")
_IGNORED_YEAR_LEFT = re.compile(
    r"(?:tu|den|giai doan|ke hoach|muc tieu|since|by|until|to|dau|cuoi|[-–])\s+(?:nam\s+)?$"
)
_INDEX_YEAR_LEFT = re.compile(
    r"(?:index|indext|sipas|papi|pci|\(par\)|par|chi so[^.;]{0,60}|xep hang[^.;]{0,30}|score|ranking|results?)"
    r"\s*(?:nam|in|of|for)?\s*$"
)
_INDEX_YEAR_RIGHT = re.compile(r"^(?:'s)?\s*(?:public administration|par|satisfaction|sipas|papi|pci|provincial)")
_LAST_YEAR_WORDS = re.compile(r"(?:chi so|index)[^.]{0,60}(?:nam truoc|nam ngoai|last year)")


# --------------------------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------------------------


@dataclass
class _Figure:
    metric: str  # score | score_delta | rank | rank_of | rank_delta | group | last | dossier_*
    value: Decimal | str | None
    start: int
    end: int
    explicit: bool = True  # a number was written, not inferred from a phrase
    rank_of: int | None = None
    forced_entity: str | None = None  # NATIONAL for "x% of surveyed people ..."
    forced_index: str | None = None
    attach_to: int | None = None  # position of the place a "... là X" phrase names


@dataclass
class _Context:
    """What the paragraph and the article have said so far."""

    article_year: int | None = None
    article_index: str | None = None
    article_subject: str | None = None  # GSO code (63 era)
    article_period: str | None = None
    about_par: bool = False
    para_year: int | None = None
    para_index: str | None = None
    para_topic: tuple[str, int] | None = None
    last_topic: tuple[str, int] | None = None
    published: date | None = None


def read_article(text: str, *, published: date | None = None, url: str | None = None) -> list[Proposal]:
    """Propose the figures ``text`` states. ``url`` is accepted for the caller's bookkeeping only: the reader
    must work from the text alone."""
    del url
    gaz = gazetteer()
    paras = paragraphs(text)
    ctx = _article_context(paras, gaz, published)
    proposals: list[Proposal] = []
    seen: set = set()
    for para in paras:
        ctx.para_year, ctx.para_index, ctx.para_topic = None, None, None
        for sentence in sentences(para):
            for proposal in _read_sentence(sentence, ctx, gaz):
                proposals.append(proposal)
    unique = []
    for proposal in _fill_article_year(proposals):
        key = (proposal.province, proposal.index, proposal.year, proposal.metric, proposal.period, proposal.value)
        if key not in seen:
            seen.add(key)
            unique.append(proposal)
    return unique


def _fill_article_year(proposals: list[Proposal]) -> list[Proposal]:
    """A headline rarely repeats the year ("Bạc Liêu được xếp nhóm tốt"). When every dated figure of the article
    is for one result year, an undated one is for that year too; when they disagree, it stays unknown."""
    years = {p.year for p in proposals if p.year is not None and not p.metric.startswith("dossier_")}
    if len(years) != 1:
        return proposals
    (year,) = years
    return [replace(p, year=year) if p.year is None and not p.metric.startswith("dossier_") else p for p in proposals]


def article_subject(text: str) -> str | None:
    """The province an article is about (63-unit name), or ``None`` if the text does not say."""
    gaz = gazetteer()
    ctx = _article_context(paragraphs(text), gaz, None)
    return gaz.units63[ctx.article_subject]["name"] if ctx.article_subject else None


def _article_context(paras: list[str], gaz: Gazetteer, published: date | None) -> _Context:
    ctx = _Context(published=published)
    whole = "\n".join(paras)
    folded = fold_aligned(whole)
    ctx.about_par = bool(_ABOUT_PAR.search(folded))

    # The result year: the year most often attached to an index name; ties go to the earliest.
    years = Counter()
    first_pos = {}
    for match in _YEAR.finditer(folded):
        left, right = folded[max(0, match.start() - 70) : match.start()], folded[match.end() : match.end() + 30]
        if _COMPARISON_LEFT.search(left) or _IGNORED_YEAR_LEFT.search(left):
            continue
        if _INDEX_YEAR_LEFT.search(left) or _INDEX_YEAR_RIGHT.search(right):
            y = int(match.group(1))
            years[y] += 1
            first_pos.setdefault(y, match.start())
    if years:
        ctx.article_year = max(years, key=lambda y: (years[y], -first_pos[y]))
    elif published and _LAST_YEAR_WORDS.search(folded):
        ctx.article_year = published.year - 1

    # The article's index is the one it names first.
    first_mentions = _index_mentions(folded)
    if first_mentions:
        ctx.article_index = first_mentions[0][1]

    # Subject: a newspaper byline, else the province (or district's province) named most often.
    for para in paras[:15]:
        byline = re.match(r"^\(?([A-ZĐ]{2,4})\)?\s*[-–—]", para)
        if byline and byline.group(1) in gaz.datelines:
            name = fold(gaz.datelines[byline.group(1)])
            ctx.article_subject = next(c for c, r in gaz.units63.items() if fold(r["name"]) == name)
            break
    if ctx.article_subject is None:
        counts = Counter(p.code for p in gaz.provinces_in(whole, folded) if p.era == 63)
        if counts:
            (top, n), *rest = counts.most_common()
            if not rest or n > rest[0][1]:
                ctx.article_subject = top

    for pattern, kind in _PERIOD:
        match = pattern.search(folded)
        if match:
            ctx.article_period = _period(match, kind)
            break
    return ctx


def _period(match: re.Match, kind: str) -> str:
    if kind == "Q":
        quarter = match.group("q")
        return f"{match.group('y')}-Q{_ROMAN.get(quarter, quarter)}"
    return f"{match.group('y')}-{kind}"


def _dateline_length(original: str) -> int:
    """Length of a leading dateline ("HÀ NỘI — ", "LSO-") whose place is not the subject."""
    match = re.match(r"^(?:[A-ZĐÀ-Ỹ][A-ZĐÀ-Ỹ .]{1,30}|\([A-ZĐ]{2,4}\))\s*[—–-]+\s*", original)
    if match and match.group(0).strip(" —–-").upper() == match.group(0).strip(" —–-"):
        return match.end()
    return 0


def _mask_appositions(folded: str, places: list[Place]) -> list[Place]:
    """Drop names inside an English apposition: in "Da Nang, the third city after Hanoi and HCMC, was fourth",
    the rank is Da Nang's, not Ho Chi Minh City's."""
    masked = [match.span() for match in re.finditer(r",\s+(?:the|a|an)\s+[^,;]*,", folded)]
    return [p for p in places if not any(s < p.start < e for s, e in masked)]


def _others_in(original: str, folded: str) -> list[Place]:
    # "Bộ Tư pháp" is a ministry, "bộ máy" and "cán bộ" are not: a single-word "bộ" must be capitalised.
    return [
        Place(m.start(), m.end(), "other")
        for m in _OTHER_ENTITY.finditer(folded)
        if not m.group(0).startswith(("bo ", "ngan hang")) or original[m.start()].isupper()
    ]


def _read_sentence(sentence: str, ctx: _Context, gaz: Gazetteer) -> list[Proposal]:
    folded = fold_aligned(sentence)
    skip = _dateline_length(sentence)
    places = [p for p in gaz.provinces_in(sentence, folded) if p.start >= skip]
    places = _mask_appositions(folded, places)
    others = [o for o in _others_in(sentence, folded) if not any(p.start <= o.start < p.end for p in places)]
    everyone = sorted(places + others, key=lambda p: p.start)

    year_here = _sentence_year(folded)
    index_here = _index_mentions(folded)
    figures = _figures(sentence, folded)

    found: list[tuple[Proposal, bool]] = []
    for clause_start, clause_end in _clauses(sentence):
        clause_figs = [f for f in figures if clause_start <= f.start < clause_end]
        if not clause_figs:
            continue
        clause_places = [p for p in everyone if clause_start <= p.start < clause_end]
        paired = _respectively(clause_figs, clause_places)
        for fig in clause_figs:
            proposal = _propose(
                fig, sentence, folded, (clause_start, clause_end), clause_places, everyone, paired, year_here,
                index_here, ctx, gaz,
            )  # fmt: skip
            if proposal:
                found.extend((p, fig.explicit) for p in proposal)
    proposals = _prefer_written_ranks(found)

    # What this sentence was about carries over to the next sentences of the paragraph ("The city ranked ...").
    subject = next((p for p in places if p.kind == "province"), None)
    if subject:
        ctx.para_topic = ctx.last_topic = (subject.code, subject.era)
    explicit_years = [y for y, _pos, kind in year_here if kind in ("plain", "index")]
    if explicit_years:
        ctx.para_year = explicit_years[-1]
    if index_here:
        ctx.para_index = index_here[-1][1]
    return proposals


def _prefer_written_ranks(found: list[tuple[Proposal, bool]]) -> list[Proposal]:
    """Where one sentence both writes a province's rank ("Quảng Ngãi xếp thứ 60") and implies one with a phrase
    ("4 tỉnh có chỉ số thấp nhất là Quảng Ngãi"), the written rank is what the sentence states."""
    written = {(p.province, p.index, p.metric) for p, explicit in found if explicit and p.metric == "rank"}
    return [p for p, explicit in found if explicit or (p.province, p.index, p.metric) not in written]


def _respectively(figs: list[_Figure], names: list[Place]) -> dict[int, Place]:
    """Pair "Tiền Giang và Kiên Giang ... 80,37% và 79,97%" in order: n names listed before n figures.
    Ministries and banks count as names ("The SBV and Da Nang scored 92.68 and 90.32 percent")."""
    paired: dict[int, Place] = {}
    by_metric: dict[str, list[_Figure]] = {}
    for fig in figs:
        by_metric.setdefault(fig.metric, []).append(fig)
    for group in by_metric.values():
        if len(group) < 2 or len(group) != len(names):
            continue
        if names[-1].end < group[0].start:
            for fig, place in zip(group, names, strict=True):
                paired[id(fig)] = place
    return paired


def _sentence_year(folded: str) -> list[tuple[int, int, str]]:
    """Years in the sentence with their role: index (attached to an index name), plain, comparison."""
    found = []
    for match in _YEAR.finditer(folded):
        left = folded[max(0, match.start() - 70) : match.start()]
        right = folded[match.end() : match.end() + 30]
        year = int(match.group(1))
        if re.match(r"^\s*[-–]\s*20\d\d", right) or _IGNORED_YEAR_LEFT.search(left):
            continue
        if _COMPARISON_LEFT.search(left):
            found.append((year, match.start(), "comparison"))
        elif _INDEX_YEAR_LEFT.search(left) or _INDEX_YEAR_RIGHT.search(right):
            found.append((year, match.start(), "index"))
        elif re.search(r"(?:^|\W)nam\s*$", left) or re.search(r"^\W*in\s*$", left):
            # Vietnamese "năm 2019" anywhere; English "In 2024," only at the start of a sentence, because a
            # mid-sentence "in 2016" is as often a side remark ("the number one locality in 2016").
            found.append((year, match.start(), "plain"))
    return found


def _index_mentions(folded: str) -> list[tuple[int, str]]:
    found = []
    for name, pattern in _INDEX_WORDS:
        found.extend((m.start(), name) for m in pattern.finditer(folded))
    return sorted(found)


def _figures(original: str, folded: str) -> list[_Figure]:
    figures: list[_Figure] = []
    for match in re.finditer(r"(?<![\d/])(?<!\d[.,])" + NUM + r"(?![\d])", folded):
        fig = _classify_number(original, folded, match)
        if fig:
            figures.append(fig)
    figures.extend(_phrase_ranks(folded))
    for match in _GROUP.finditer(folded):
        figures.append(_Figure("group", _group_value(original, match), match.start("g"), match.end("g")))
    header = _GROUP_HEADER.match(folded)
    if header:
        figures.append(_Figure("group_all", _group_value(original, header), header.start("g"), header.end("g")))
    return sorted(figures, key=lambda f: f.start)


def _group_value(original: str, match: re.Match) -> str:
    value = original[match.start("g") : match.end("g")]
    return value.upper() if len(value) == 1 else value.lower()


def _classify_number(original: str, folded: str, match: re.Match) -> _Figure | None:
    raw = match.group(0)
    start, end = match.span()
    left = folded[max(0, start - 60) : start]
    right = folded[end : end + 40]
    if re.match(r"^/\d{4}", right) or re.match(r"^[.,]\d", right):
        return None  # a date "quý 1/2023", or a number cut by the pattern
    if _YEAR.fullmatch(raw) and not _SCORE_UNIT.match(right):
        return None
    try:
        value = parse_number(raw)
    except ValueError:
        return None

    # Dossier counts: "tiếp nhận 113.905 hồ sơ", "15 hồ sơ TTHC giải quyết quá hạn".
    if re.match(r"^\s*ho so", right):
        for metric, pattern in _DOSSIER_RULES:
            if pattern.search(left[-30:]):
                return _Figure(metric, value, start, end)
        for metric, pattern in _DOSSIER_AFTER:
            if pattern.match(right):
                return _Figure(metric, value, start, end)
        return None
    for metric, pattern in _DOSSIER_RULES:
        if metric != "dossier_received" and pattern.search(left[-25:]) and re.search(r"ho so", left):
            if not _SCORE_UNIT.match(right):
                return _Figure(metric, value, start, end)

    # Changes: "tăng 4,35 điểm", "giảm 17 bậc", "tăng 3,3 điểm và 8 bậc", "climbing 10 places".
    change = _CHANGE_VERB.search(left) or _AND_CHANGE.search(left)
    after_change = _AFTER_CHANGE.match(right)
    if after_change and not change:
        sign = -1 if after_change.group("dir") in ("down", "lower") else 1
        return _Figure("rank_delta", sign * value, start, end)
    if change and change.group("verb") in ("cao hon", "thap hon") and not re.match(r"^\s*bac\s+so", right):
        return None  # "cao hơn 0,66% so với đơn vị xếp thứ 2": a gap to another province, not a change
    if change:
        sign = -1 if change.group("verb") in _NEGATIVE_VERBS else 1
        if _PLACE_UNIT.match(right):
            return _Figure("rank_delta", sign * value, start, end)
        if _DELTA_UNIT.match(right):
            return _Figure("score_delta", sign * value, start, end)
        return None

    # Ranks: "xếp thứ 34/63", "đứng thứ 51/63", "thứ 42 về ...", "ranked 17th", "ranked No4".
    ordinal_suffix = _ORDINAL_SUFFIX.match(right)
    rank_like = (
        _RANK_LEFT.search(left)
        or (
            re.search(r"(?:^|\W)(?:la|hang|xep hang)\s*$", left)
            and re.match(r"^\s*/\s*(?:63|34)\s+(?:tinh|dia phuong|don vi|provinces|localities|cities)", right)
        )
        or _RANK_CLAUSE_START.search(left)
        or (ordinal_suffix and re.search(r"(?:ranked|ranking|was|came|claimed the|took the|finished|to)\s*$", left))
    )
    if rank_like and value == value.to_integral() and not _SCORE_UNIT.match(right):
        rest = right[ordinal_suffix.end() :] if ordinal_suffix else right
        if _NOT_A_RANK_AFTER.match(rest) or re.match(r"^\s*(?:diem|%|percent|points?|ho so|ngay)", rest):
            return None
        if value < 1 or value > 100:
            return None
        out_of = _OUT_OF.match(right)
        total = None
        if out_of:
            total = int(out_of.group("a") or out_of.group("b") or out_of.group("c"))
            if total not in RANKED_TOTALS:
                return None  # "xếp thứ 1/6 tỉnh Bắc Trung Bộ": a rank within a region
        return _Figure("rank", value, start, end, rank_of=total)

    # Scores: "đạt 81,20 điểm", "85,30/100 điểm", "91,14%", "with 83.71", "(74,99 điểm)".
    if _THRESHOLD_LEFT.search(left) or re.match(
        r"^\s*(?:%|diem|points?)?\s*(?:tro len|tro xuong|and (?:more|above))", right
    ):
        return None
    if re.match(r"^\s*percentage points?", right):
        return None  # a difference without a change verb ("4.38 percentage points higher than ...")
    if re.match(
        r"^\s*(?:%|per ?cent|percent) of (?:the )?(?:surveyed |polled )?(?:people|citizens|respondents)", right
    ):
        return _Figure("average", value, start, end, forced_entity=NATIONAL, forced_index="SIPAS")
    scored = _SCORE_UNIT.match(right)
    fraction = re.match(r"^\s*/\s*(" + NUM + r")\s*(?:diem|points?)", right)
    if fraction and not scored:
        return _Figure("component_score_only", value, start, end)
    decimal_bare = ("," in raw or "." in raw) and (
        _SCORE_LEFT.search(left) or (left.endswith("(") and right.startswith(")"))
    )
    if re.match(r"^\s*(?:%|percent|per ?cent|diem|points?)?\s*(?:to|-|–|den)\s*\d", right):
        return None  # the lower end of a range ("67.68 to 70 percent")
    if re.search(r"\d\s*(?:%|percent)?\s*(?:to|-|–|den)\s*$", left):
        return None  # the upper end of a range
    if re.search(r"(?:so voi|compared (?:to|with)|than|from)\s+(?:nam\s+)?\d{4}\s*\(\s*$|last year's\s*$", left):
        return None  # the value of the year compared with: "tăng 2,58% so với năm 2022 (80,08%)"
    if re.search(r"khoang cach|chenh lech|cach biet|\bgap\b", folded[:start].split(";")[-1]):
        return None  # the gap between two provinces, not a score
    if scored or decimal_bare:
        if re.match(r"^\s*(?:/\s*100\s*)?(?:diem|points?)\s+(?:tieu chi|chi so)", right):
            return None
        return _Figure("score", value, start, end)
    return None


def _phrase_ranks(folded: str) -> list[_Figure]:
    """Ranks stated without a number: "dẫn đầu" is 1, "á quân" 2, "xếp cuối" is the last rank."""
    figures = []
    for pattern, kind in ((_LEADER, "first"), (_LAST, "last")):
        for match in pattern.finditer(folded):
            left = folded[max(0, match.start() - 30) : match.start()]
            right = folded[match.end() : match.end() + 40]
            if re.search(r"(?:to (?:retain|maintain|keep|reach|achieve)|aims?|target|muc tieu|phan dau)\W*$", left):
                continue  # an aim, not a result
            if kind == "last" and re.search(r"(?:tang|giam|muc tang|muc giam|increase|rise|growth)\s*$", left):
                continue  # "mức tăng thấp nhất": the smallest increase, not the last rank
            if _COUNT_BEFORE.search(left) or re.search(
                r"(?:nhung|among|one of|mot trong|cac|nhom|nguoi|cap|vai tro)\s*$", left
            ):
                continue  # "3 vị trí cuối bảng", "một trong những tỉnh dẫn đầu": a group, not a rank
            if re.match(
                r"^\s*(?:\d|thu\b|trong (?:khu vuc|vung)|khu vuc|among|in the region|the list of 18|ve (?:so|ty le))",
                right,
            ):
                continue
            value = 2 if _RUNNER_UP.match(match.group(0)) else 1
            fig = _Figure(
                "rank" if kind == "first" else "last", Decimal(value), match.start(), match.end(), explicit=False
            )
            named = re.match(r"^\s*(?:van |chinh )?(?:la|thuoc ve)\s+", right)
            if named:
                fig.attach_to = match.end() + named.end()
            figures.append(fig)
    for match in _WORD_CHANGE.finditer(folded):
        sign = -1 if match.group("verb") in _NEGATIVE_VERBS else 1
        value = Decimal(sign * _NUMBER_WORDS[match.group("n")])
        figures.append(_Figure("rank_delta", value, match.start("n"), match.end("n")))
    # Ordinal words: "vị trí thứ hai", "xếp thứ ba", "ranking third", "was fourth", "to number three".
    for match in re.finditer(
        r"(?:(?:xep|dung|vi tri|vi thu)(?: o)?(?: vi tri)? thu (?P<vn>nhat|nhi|hai|ba|tu|nam|sau|bay|tam|chin|muoi)"
        r"|(?:ranked|ranking|was|came|finished|placed|claimed the|took the|to number) (?P<en>first|second|third"
        r"|fourth|fifth|sixth|seventh|eighth|ninth|tenth|one|two|three|four|five|six|seven|eight|nine|ten))(?![a-z])",
        folded,
    ):
        right = folded[match.end() : match.end() + 40]
        if _NOT_A_RANK_AFTER.match(right) or re.match(r"^\s*(?:nam|lan|time|consecutive|year)", right):
            continue
        word = match.group("vn") or match.group("en")
        fig = _Figure(
            "rank", Decimal(_ORDINALS.get(word) or _NUMBER_WORDS[word]), match.start(), match.end(), explicit=True
        )
        out_of = _OUT_OF.match(right)
        if out_of:
            total = int(out_of.group("a") or out_of.group("b") or out_of.group("c"))
            if total not in RANKED_TOTALS:
                continue
            fig.rank_of = total
        named = re.match(r"^\s*(?:van |chinh )?la\s+", right)
        if named:
            fig.attach_to = match.end() + named.end()
        figures.append(fig)
    return figures


def _nearest_component(folded: str, clause: tuple[int, int], fig: _Figure) -> tuple[int, int] | None:
    """The component a figure is about: named before it in its clause, or right after it ("thứ 42 về ...")."""
    start, end = clause
    after = re.match(r"^\s*(?:ca nuoc |toan quoc )?(?:ve|in|for)\s+", folded[fig.end : end])
    best: tuple[int, int] | None = None
    for _key, pattern in _COMPONENT_RE:
        for match in pattern.finditer(folded, start, end):
            if after and 0 <= match.start() - (fig.end + after.end()) <= 12:
                return match.span()
            if match.end() <= fig.start and (best is None or match.start() > best[0]):
                best = match.span()
    if best is None:
        return None
    # An index name between the component and the figure starts a new subject.
    if re.search(r"chi so (?:cai cach hanh chinh|cchc)(?! thanh phan)|par index|sipas", folded[best[1] : fig.start]):
        return None
    return best


def _propose(fig, sentence, folded, clause, clause_places, everyone, paired, years, indices, ctx, gaz):
    """Turn one recognised figure into proposals (a rank may bring its total), or ``None`` when the text does
    not say whose figure it is."""
    quote = re.sub(r"\s+", " ", sentence).strip()

    # Index: named nearest the figure in its clause, else earlier in the sentence, paragraph, article.
    index = fig.forced_index
    if index is None:
        in_clause = [(abs(pos - fig.start), name) for pos, name in indices if clause[0] <= pos < clause[1]]
        before = [(fig.start - pos, name) for pos, name in indices if pos < fig.start]
        if in_clause:
            index = min(in_clause)[1]
        elif before:
            index = min(before)[1]
        else:
            index = ctx.para_index or ctx.article_index or ("PAR_INDEX" if ctx.about_par else None)
    if index is None:
        return None

    year = _figure_year(fig, years, ctx)
    component = None
    if fig.metric in ("score", "rank", "score_delta", "rank_delta", "component_score_only"):
        span = _nearest_component(folded, clause, fig)
        if span:
            component = sentence[span[0] : span[1]]
    if fig.metric == "component_score_only" and component is None:
        return None
    if fig.metric.startswith("dossier_"):
        period = _sentence_period(folded) or ctx.article_period
        province = _attribute(fig, clause, clause_places, everyone, paired, folded, ctx, dossier=True)
        if province == "other":
            return None
        if period:
            year = int(period[:4])  # counts are for the period, not for an index year
        return [
            Proposal(
                _province_name(province, year, gaz), "PAR_INDEX", year, fig.metric, fig.value, quote, period=period
            )
        ]

    # National and regional averages.
    region = next((r for r in gaz.regions_in(folded) if clause[0] <= r.start < clause[1]), None)
    clause_text = folded[clause[0] : clause[1]]
    is_average = fig.metric == "average" or (fig.metric == "score" and _AVERAGE.search(folded[clause[0] : fig.start]))
    if is_average and fig.forced_entity is None:
        if region and not any(p.kind == "province" for p in clause_places):
            return [Proposal(region.name, index, year, "average", fig.value, quote)]
        if _NATIONAL.search(clause_text) and not any(p.kind == "other" for p in clause_places):
            # "Hanoi's score exceeded the national average ..., which was 83.94%": the average is named after
            # the province, so the figure is the average's.
            average_at = max(m.start() for m in _AVERAGE.finditer(folded, clause[0], fig.start))
            if not any(p.kind == "province" and average_at < p.start < fig.start for p in clause_places):
                return [Proposal(NATIONAL, index, year, "average", fig.value, quote)]
        if fig.metric == "average":
            return None
    if _AVERAGE.search(folded[clause[0] : fig.start]) and _NATIONAL.search(clause_text) and not fig.forced_entity:
        return None  # "trung bình của cả nước đạt 85,11%, tăng 3,9%": a change of the average, not a province's
    if fig.forced_entity:
        if any(p.kind == "province" for p in clause_places):
            return None
        return [Proposal(fig.forced_entity, index, year, "average", fig.value, quote)]
    if _MULTI_YEAR.search(folded[clause[0] : fig.start]):
        return None

    if fig.metric == "group_all":
        provinces = [p for p in everyone if p.kind == "province"]
        return [
            Proposal(_province_name((p.code, p.era), year, gaz), index, year, "group", fig.value, quote)
            for p in provinces
        ]

    province = _attribute(fig, clause, clause_places, everyone, paired, folded, ctx)
    if province is None or province == "other":
        return None
    name = _province_name(province, year, gaz)

    if fig.metric == "score" and component is None and not (20 <= fig.value <= 100):
        return None
    if fig.metric == "component_score_only":
        return [Proposal(name, index, year, f"component_score:{component}", fig.value, quote, component=component)]
    if fig.metric == "last":
        total = _stated_total(folded) or (None if year is None else (63 if year <= LAST_YEAR_OF_63_UNITS else 34))
        if total is None or component:
            return None
        return [Proposal(name, index, year, "rank", Decimal(total), quote)]
    if fig.metric == "group":
        return [Proposal(name, index, year, "group", fig.value, quote)]

    metric = fig.metric
    if component:
        metric = {"score": "component_score", "rank": "component_rank"}.get(metric, f"component_{metric}")
        out = [Proposal(name, index, year, f"{metric}:{component}", fig.value, quote, component=component)]
        return out
    out = [Proposal(name, index, year, metric, fig.value, quote)]
    if fig.metric == "rank" and fig.rank_of:
        out.append(Proposal(name, index, year, "rank_of", Decimal(fig.rank_of), quote))
    return out


def _stated_total(folded: str) -> int | None:
    match = re.search(r"(?:trong|among|of|out of|/)\s*(63|34)\s*(?:tinh|dia phuong|localities|provinces)", folded)
    return int(match.group(1)) if match else None


def _sentence_period(folded: str) -> str | None:
    for pattern, kind in _PERIOD:
        match = pattern.search(folded)
        if match:
            return _period(match, kind)
    return None


def _figure_year(fig: _Figure, years: list[tuple[int, int, str]], ctx: _Context) -> int | None:
    """The result year: stated in the sentence, else implied by "so với năm X" (X + 1), else the paragraph's or
    the article's year. ``None`` when the text does not tell."""
    stated = [(y, pos) for y, pos, kind in years if kind in ("index", "plain")]
    before = [(y, pos) for y, pos in stated if pos < fig.start]
    if before:
        return max(before, key=lambda t: t[1])[0]
    if stated:
        return min(stated, key=lambda t: abs(t[1] - fig.start))[0]
    compared = [(y, pos) for y, pos, kind in years if kind == "comparison"]
    if compared:
        return min(compared, key=lambda t: abs(t[1] - fig.start))[0] + 1
    return ctx.para_year or ctx.article_year


def _attribute(fig, clause, clause_places, everyone, paired, folded, ctx, dossier=False):
    """The province a figure belongs to: (code, era), "other" for a ministry or bank, or None."""
    if id(fig) in paired:
        place = paired[id(fig)]
        return "other" if place.kind == "other" else (place.code, place.era)
    if fig.attach_to is not None:
        named = next(
            (
                p
                for p in everyone
                if p.start == fig.attach_to or (p.start > fig.attach_to and p.start - fig.attach_to <= 6)
            ),
            None,
        )
        if named:
            return "other" if named.kind == "other" else (named.code, named.era)
    before = [p for p in clause_places if p.start < fig.start]
    after = [p for p in clause_places if p.start >= fig.end]
    clause_left = folded[clause[0] : fig.start]
    if not _names_a_province(everyone) and _GENERIC_SUBJECT.search(folded[: fig.start]):
        return None  # "Những tỉnh có Chỉ số ... được xếp vào nhóm A": a rule about provinces in general
    if before:
        nearest = before[-1]
        return "other" if nearest.kind == "other" else (nearest.code, nearest.era)
    if re.search(r"(?:^|\W)(?:the (?:province|city)|tinh|thanh pho|huyen)\W", clause_left) and (
        ctx.para_topic or ctx.last_topic
    ):
        return ctx.para_topic or ctx.last_topic
    if after:
        nearest = after[0]
        return "other" if nearest.kind == "other" else (nearest.code, nearest.era)
    sentence_before = [p for p in everyone if p.start < clause[0]]
    if sentence_before:
        nearest = sentence_before[-1]
        return "other" if nearest.kind == "other" else (nearest.code, nearest.era)
    if any(p.kind == "other" for p in everyone):
        return "other"
    if ctx.para_topic:
        return ctx.para_topic
    if _HOME_REF.search(folded) or (not dossier and ctx.last_topic):
        # A sentence that names no place continues the story of the last province named ("- Chỉ số thành phần
        # Cải cách thể chế xếp 55/63"), or, failing that, of the province the whole article is about.
        if ctx.last_topic:
            return ctx.last_topic
        if ctx.article_subject:
            return (ctx.article_subject, 63)
    return "unknown" if dossier else None


def _names_a_province(everyone: list[Place]) -> bool:
    return any(p.kind == "province" for p in everyone)


def _province_name(province, year, gaz: Gazetteer) -> str | None:
    if province in (None, "unknown"):
        return None
    code, era = province
    return gaz.name(code, era, year)


# --------------------------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------------------------


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
