"""Words of the language the reader's features are made of: index names, component names, ordinals, number
words, and small lists of cue words (ranking, change, average, comparison ...) in Vietnamese and English.

These lists say what words *mean*; they do not decide anything. Which cue, at which distance, makes a number a
score or a rank is learned from labelled data (see :mod:`sources.reader.model`). All patterns work on folded text
(lower case, no diacritics, đ → d) as produced by :func:`sources.reader.text.fold_aligned`.
"""

from __future__ import annotations

import re

from provinces.text import fold

INDEX_WORDS = [
    (
        "SIPAS",
        re.compile(
            r"sipas|chi so hai long|satisfaction|muc do hai long|su hai long|burgertevredenheid|満足度|удовлетвор"
        ),
    ),
    ("PAPI", re.compile(r"(?<![a-z])papi(?![a-z])|hieu qua quan tri va hanh chinh cong|governance and public admin")),
    ("PCI", re.compile(r"(?<![a-z])pci(?![a-z])|nang luc canh tranh|competitiveness")),
    (
        "PAR_INDEX",
        re.compile(
            r"par[ -]?index|par indext|chi so (?:cai cach hanh chinh|cchc)|chi so par|public administration reform"
            r"|\(par\)|chi so cai cach|cai cach hanh chinh \(par|administrative reform index|par-index"
            r"|bestuurlijke hervorming|行政改革|реформ"
        ),
    ),
]
ABOUT_PAR = re.compile(r"cai cach hanh chinh|cchc|administrative reform|administration reform|par index|par\b")


def indices_in_words(words: list[str]) -> list[str]:
    """Index names an address's slug words write (``chi-so-cai-cach-hanh-chinh``, ``par-index``, ``sipas``,
    ``chi-so-hai-long``, ``papi``, ``pci``), in the order they come."""
    joined = " ".join(words)
    found = sorted((m.start(), name) for name, pattern in INDEX_WORDS for m in pattern.finditer(joined))
    return list(dict.fromkeys(name for _pos, name in found))


# The eight areas of the provincial PAR INDEX under their successive names, the survey parts of the 2022
# framework, and the old one-stop-shop area. The key lets names written differently meet.
COMPONENTS = [
    (
        "chi_dao_dieu_hanh",
        r"chi dao,? dieu hanh|management of administrative reform|direction and administration|leadership and direction"
        r"|administrative reform steering|steering and administration|cong tac chi dao",
    ),
    (
        "the_che",
        r"xay dung va to chuc thuc hien van (?:ban|pham) (?:quy pham phap luat|qppl)|cai cach the che"
        r"|van ban quy pham phap luat|formulation and implementation of legal documents|institutional reform"
        r"|legal documents",
    ),
    ("thu_tuc", r"cai cach thu tuc hanh chinh|administrative procedure(?:s)? reform|thu tuc hanh chinh"),
    (
        "bo_may",
        r"cai cach to chuc bo may|reform of the administrative apparatus|administrative apparatus reform"
        r"|organisational apparatus|organizational apparatus|to chuc bo may",
    ),
    (
        "cong_vu",
        r"xay dung va nang cao chat luong doi ngu can bo|cai cach che do cong vu|civil service reform"
        r"|staff quality improvement|civil servants? regime|doi ngu can bo",
    ),
    (
        "tai_chinh",
        r"cai cach tai chinh cong|doi moi co che (?:tai chinh|doi voi co quan)|public finance reform"
        r"|public financial reform|tai chinh cong",
    ),
    (
        "hien_dai_hoa",
        r"hien dai hoa (?:nen )?hanh chinh|chinh quyen dien tu|chinh phu so|chinh quyen so|administrative modernization"
        r"|administrative modernisation|e-government|digital government",
    ),
    (
        "tac_dong",
        r"tac dong cua (?:cai cach hanh chinh|cchc)|(?:cai cach hanh chinh|cchc) den (?:nguoi dan|phat trien)"
        r"|tac dong den (?:phat trien|nguoi dan)|impact of (?:administrative|public administration|par)"
        r"|socio-economic development",
    ),
    ("mot_cua", r"co che mot cua|one-stop"),
    ("tham_dinh", r"diem (?:dat duoc qua )?tham dinh|appraisal score"),
    ("dieu_tra_lanh_dao", r"dieu tra (?:xa hoi hoc )?(?:lay y kien )?lanh dao|leadership and management survey"),
    ("sipas_part", r"chi so hai long cua nguoi dan|hai long cua nguoi dan"),
]
COMPONENT_RE = [(key, re.compile(pattern)) for key, pattern in COMPONENTS]


def component_key(name: str | None) -> str | None:
    """A stable key for a component however the source names it (``None`` if it is not recognised)."""
    folded = fold(name or "")
    for key, pattern in COMPONENT_RE:
        if pattern.search(folded):
            return key
    if re.search(r"^public administration reform", folded):
        return "par_reform"
    return folded or None


ORDINAL_WORDS = {
    "nhat": 1, "nhi": 2, "hai": 2, "ba": 3, "tu": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10,
}  # fmt: skip
NUMBER_WORDS = {
    "mot": 1, "hai": 2, "ba": 3, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
}  # fmt: skip
# Ordinal words only count after "thứ" (Vietnamese) or as English ordinals.
ORDINAL_RE = re.compile(
    r"(?<![a-z])(?:thu (?P<vn>nhat|nhi|hai|ba|tu|nam|sau|bay|tam|chin|muoi)"
    r"|(?P<en>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth))(?![a-z])"
)
NUMBER_WORD_RE = re.compile(
    r"(?<![a-z])(?:(?P<pre>number|no\.?|so)\s+)?(?P<w>" + "|".join(NUMBER_WORDS) + r")"
    r"(?:[\s-]+(?=bac|hang|places?|spots?|positions?|levels?|notch|ranks?)|(?(pre)(?![a-z])|(?!)))"
)

# Words that state a rank without a number; the value they imply.
RANK_PHRASES = [
    (
        "first",
        re.compile(
            # "người đứng đầu" is the head of an agency, a person
            r"(?<![a-z])(?:dan dau|(?<!nguoi )dung dau|xep dau|vi tri dau tien|quan quan|top(?:ped|s)?|led"
            # "tăng cao nhất", "the highest increase": the largest change, not a rank
            r"|leads?|leading|highest(?! (?:increase|growth|rise|gain|decrease|drop))|the best|best performer"
            r"|number one|no\.? ?1\b|first place|hang dau|(?<!tang )(?<!giam )cao nhat"
            r"|headed by|トップ|1位)(?![a-z])"
        ),
    ),
    ("second", re.compile(r"(?<![a-z])(?:a quan|runner-up|runner up|2位)(?![a-z])")),
    (
        "second_last",
        re.compile(
            r"(?<![a-z])(?:ap chot|ke cuoi|second (?:from|to) (?:the )?(?:last|bottom)|second-lowest|ワースト2位)"
        ),
    ),
    (
        "last",
        re.compile(
            # "last year", "the last 4 years": time, not a rank
            r"(?<![a-z])(?:xep cuoi|cuoi bang|dung cuoi|cuoi cung|(?<!tang )(?<!giam )thap nhat"
            r"|last(?! ?(?:years?|months?|weeks?|decades?|times?|few|several|\d))|lowest|bottom|worst|最下位)(?![a-z])"
        ),
    ),
]

# Group labels as published: "nhóm B", "group A", "nhóm tốt", "nhóm khá".
GROUP_RE = re.compile(
    r"(?<![a-z])(?:nhom|group|category|band)\s+(?P<g>[a-d]|tot|kha|trung binh(?: thap| cao)?|yeu|xuat sac|rat tot"
    r"|(?:cao|thap) nhat)"
    r"(?![a-z0-9])|(?<![a-z])(?P<g2>tot|kha|trung binh|yeu|xuat sac)\s+nhom"
    r"|(?<![a-z0-9])(?P<g3>[a-d])\s+group(?![a-z])"
)

# Cue words, by meaning. Features record which meanings appear near a number and how near.
CUES = {
    "rank": r"xep|dung|hang|thu hang|vi tri|vi thu|rank(?:ed|ing|s)?|place[ds]?|position|plaats|stood|came|finished",
    "up": r"tang|len|vuon len|thang|up|rose|rise|gain(?:ed|ing)?|climb(?:ed|ing)?|jump(?:ed|ing)?|increase[ds]?"
    r"|increasing|improv(?:ed|ing)|higher|surged?",
    "down": r"giam|tut|xuong|down|drop(?:ped)?|fell|fall(?:ing)?|lost|los(?:e|ing)|slip(?:ped)?|slid|declin(?:ed|e)"
    r"|decrease[ds]?|lower|thap hon",
    "score": r"dat|diem|score[ds]?|scoring|reach(?:ed|ing)?|achiev(?:ed|ing)|was|is|stood at|with|voi|ket qua|point",
    "average": r"trung binh|binh quan|average|median|gemiddeld|平均",
    "national": r"ca nuoc|toan quoc|national|nationwide|country|63 tinh|cac tinh|provinces and cities",
    "region": r"khu vuc|vung|region|regional|mien|cum thi dua",
    "compare": r"so voi|so|compared|than|from|against|ahead of|behind|sau|truoc|hon|followed",
    "between": r"khoang cach|chenh lech|gap|difference|cach biet",
    "band": r"tu|den|duoi|tren|between|above|below|over|under|from|to|at least|it nhat|tro len",
    "group": r"nhom|group|band|category|loai",
    "target": r"muc tieu|phan dau|target|aim|ke hoach|plan|goal",
    "dossier": r"ho so|dossiers?|applications?|tthc",
    "survey": r"phieu|khao sat|survey|nguoi dan|respondents?|y kien",
    "other_stat": r"tang truong|growth|gdp|grdp|von|capital|turnout|ty dong|billion|million|trieu|nguoi|people",
    "component": r"chi so thanh phan|component|linh vuc|tieu chi|criteria|indicators?|sub-index",
    "respectively": r"lan luot|respectively|tuong ung",
    "time": r"nam|year|quy|quarter|thang|month|ngay|day|lan|times?|consecutive|lien tiep",
}
CUE_RE = {name: re.compile(r"(?<![a-z])(?:" + pattern + r")(?![a-z])") for name, pattern in CUES.items()}

DOSSIER_KINDS = {
    "dossier_received": re.compile(r"tiep nhan|received?|nhan duoc|tong so"),
    "dossier_on_time": re.compile(r"dung han|truoc han|on time|dung va truoc han"),
    "dossier_late": re.compile(r"qua han|tre han|late|overdue"),
    "dossier_pending": re.compile(r"dang giai quyet|dang xu ly|chua den han|pending"),
}

YEAR_RE = re.compile(r"(?<![\d/.,])((?:19|20)[0-3]\d)(?![\d/])")
PERIODS = [
    (re.compile(r"quy (?P<q>1|2|3|4|i{1,3}|iv)\s*(?:/|nam\s+)(?P<y>\d{4})"), "Q"),
    (re.compile(r"(?P<q>first|second|third|fourth) quarter of (?P<y>\d{4})"), "Q"),
    (re.compile(r"6 thang dau nam (?P<y>\d{4})"), "H1"),
    (re.compile(r"9 thang dau nam (?P<y>\d{4})"), "9M"),
]
_QUARTERS = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "first": "1", "second": "2", "third": "3", "fourth": "4"}


def period_in(folded: str) -> str | None:
    """The reporting period a text names: ``2023-Q1``, ``2023-H1``, ``2023-9M``."""
    for pattern, kind in PERIODS:
        match = pattern.search(folded)
        if match:
            if kind == "Q":
                quarter = match.group("q")
                return f"{match.group('y')}-Q{_QUARTERS.get(quarter, quarter)}"
            return f"{match.group('y')}-{kind}"
    return None


# Entities that are not provinces: figures next to them belong to ministries or banks. "Bộ Nội vụ" is the ministry
# that announces the index, so it is not one of them.
OTHER_ENTITY = re.compile(
    r"(?<![a-z])(?:bo (?!noi vu|chi so|phan|may)(?=\S)|ngan hang|ministry|ministries|state bank|the bank|bank of|sbv\b"
    r"|co quan ngang bo|government inspectorate|thanh tra chinh phu)"
)
