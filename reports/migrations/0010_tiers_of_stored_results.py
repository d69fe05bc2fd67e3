"""Tiers for the results already stored: the published schemes of the real editions (a frozen copy of
reports/data/indices.json at this migration) and each result's tier from its published group label.

The matching is a frozen copy of ``reports.tiers.tier_of`` (migrations import no application code): labels
folded (no diacritics, no case), without a leading "nhóm"/"group" or a trailing bracket. Never a score.
"""

import re
import unicodedata

from django.db import migrations

SCHEMES = {'PAR_INDEX:2015': [{'position': 1, 'label': 'Nhóm A', 'label_en': 'Group A', 'lower': 90},
                    {'position': 2, 'label': 'Nhóm B', 'label_en': 'Group B', 'lower': 80, 'upper': 90},
                    {'position': 3, 'label': 'Nhóm C', 'label_en': 'Group C', 'lower': 70, 'upper': 80}],
 'PAR_INDEX:2016': [{'position': 1,
                     'label': 'Nhóm A',
                     'label_en': 'Group A',
                     'lower': 90,
                     'range': 'trên 90%',
                     'range_en': 'above 90%'},
                    {'position': 2, 'label': 'Nhóm B', 'label_en': 'Group B'},
                    {'position': 3, 'label': 'Nhóm C', 'label_en': 'Group C'},
                    {'position': 4, 'label': 'Nhóm D', 'label_en': 'Group D', 'upper': 70}],
 'PAR_INDEX:2017': [{'position': 1, 'label': 'Nhóm 1', 'label_en': 'Group 1', 'lower': 80}],
 'PAR_INDEX:2012': [{'position': 1,
                     'label': 'tốt',
                     'label_en': 'good',
                     'aliases': ['above 80%', 'over 80%', 'trên 80%'],
                     'lower': 80,
                     'range': 'trên 80%',
                     'range_en': 'above 80%'},
                    {'position': 2,
                     'label': 'khá',
                     'label_en': 'rather good',
                     'aliases': ['70-80%', '70–80%'],
                     'lower': 70,
                     'upper': 80,
                     'range': '70–80%',
                     'range_en': '70–80%'},
                    {'position': 3,
                     'label': 'trung bình',
                     'label_en': 'moderate',
                     'lower': 67.68,
                     'upper': 70,
                     'range': '67,68–70%',
                     'range_en': '67.68–70%'},
                    {'position': 4,
                     'label': 'kém',
                     'label_en': 'poor',
                     'lower': 62.58,
                     'upper': 67.68,
                     'range': '62,58–67,68%',
                     'range_en': '62.58–67.68%'}],
 'PAR_INDEX:2018': [{'position': 1, 'label': 'Nhóm A', 'label_en': 'Group A', 'lower': 80},
                    {'position': 2, 'label': 'Nhóm B', 'label_en': 'Group B', 'lower': 75, 'upper': 80},
                    {'position': 3, 'label': 'Nhóm C', 'label_en': 'Group C', 'lower': 70, 'upper': 75},
                    {'position': 4, 'label': 'Nhóm D', 'label_en': 'Group D', 'upper': 70}],
 'PAR_INDEX:2019': [{'position': 1, 'label': 'Nhóm A', 'label_en': 'Group A'},
                    {'position': 2, 'label': 'Nhóm B', 'label_en': 'Group B', 'lower': 80, 'upper': 90}],
 'PAR_INDEX:2020': [{'position': 1, 'label': 'Nhóm A', 'label_en': 'Group A'},
                    {'position': 2, 'label': 'Nhóm B', 'label_en': 'Group B'},
                    {'position': 3, 'label': 'Nhóm C', 'label_en': 'Group C'}],
 'PAR_INDEX:2021': [{'position': 1, 'label': 'Nhóm A', 'label_en': 'Group A'},
                    {'position': 2, 'label': 'Nhóm B', 'label_en': 'Group B'}],
 'PAR_INDEX:2022': [{'position': 1, 'label': 'Nhóm A', 'label_en': 'Group A', 'lower': 90}],
 'PAR_INDEX:2023': [{'position': 1, 'label': 'Nhóm A', 'label_en': 'Group A', 'lower': 90},
                    {'position': 2, 'label': 'Nhóm B', 'label_en': 'Group B', 'lower': 80, 'upper': 90}],
 'PAR_INDEX:2024': [{'position': 1, 'label': 'Nhóm A', 'label_en': 'Group A'}],
 'SIPAS:2020': [{'position': 1, 'label': 'nhóm cao nhất', 'label_en': 'highest group'}]}

_PREFIX = re.compile(r"^(?:thuoc\s+|the\s+)?(?:nhom|group)\s+")
_SUFFIX = re.compile(r"\s+(?:group|nhom)$")
_BRACKET = re.compile(r"\s*\([^)]*\)\s*$")
_EDGES = " .,:;-–—\"'“”"


def _fold(text):
    text = unicodedata.normalize("NFD", str(text or ""))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").replace("đ", "d").replace("Đ", "D")
    return re.sub(r"\s+", " ", text.lower()).strip()


def _key(text):
    key = _BRACKET.sub("", _fold(text).strip(_EDGES)).strip(_EDGES)
    return _SUFFIX.sub("", _PREFIX.sub("", key)).strip(_EDGES)


def _tier(scheme, group):
    key = _key(group)
    if not key:
        return None
    for band in scheme:
        names = [band.get("label"), band.get("label_en"), *(band.get("aliases") or [])]
        if key in {_key(n) for n in names}:
            return band["position"]
    return None


def forwards(apps, schema_editor):
    Edition = apps.get_model("reports", "Edition")
    Result = apps.get_model("reports", "Result")
    for edition in Edition.objects.filter(is_synthetic=False).select_related("index"):
        scheme = SCHEMES.get(f"{edition.index.code}:{edition.year}")
        if scheme and not edition.group_scheme:
            edition.group_scheme = scheme
            edition.save(update_fields=["group_scheme"])
    for edition in Edition.objects.exclude(group_scheme__isnull=True):
        changed = []
        for result in Result.objects.filter(edition=edition).exclude(group=""):
            result.tier = _tier(edition.group_scheme, result.group)
            if result.tier is not None:
                changed.append(result)
        Result.objects.bulk_update(changed, ["tier"])


class Migration(migrations.Migration):
    dependencies = [("reports", "0009_tiers")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
