"""Load the reference map shipped in ``provinces/data``: regions, both eras of units, lineage, aliases.

Idempotent: every row is matched on its natural key (region code; era + GSO code) and
updated in place, so running it twice changes nothing.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable
from pathlib import Path

from django.db import transaction

from .models import MERGER_DATE, Era, Province, ProvinceAlias, Region
from .text import fold, slugify_vi

DATA_DIR = Path(__file__).resolve().parent / "data"
LAST_DAY_OF_63 = MERGER_DATE - datetime.timedelta(days=1)


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _slugs(rows_63: Iterable[dict], rows_34: Iterable[dict]) -> dict[tuple[int, str], str]:
    """A unit keeps its plain slug unless a unit of the other era has the same name."""
    names_34 = {fold(r["name"]) for r in rows_34}
    slugs = {(Era.UNITS_34, r["code"]): slugify_vi(r["name"]) for r in rows_34}
    for r in rows_63:
        base = slugify_vi(r["name"])
        slugs[(Era.UNITS_63, r["code"])] = f"{base}-truoc-2025" if fold(r["name"]) in names_34 else base
    return slugs


@transaction.atomic
def load_reference() -> dict[str, int]:
    """Create or update regions, the 63 + 34 units with lineage, and their aliases."""
    regions = {}
    for row in _rows("regions.csv"):
        region, _ = Region.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "name_en": row["name_en"], "order": int(row["order"])}
        )
        regions[row["name"]] = region

    rows_63, rows_34 = _rows("provinces_63.csv"), _rows("provinces_34.csv")
    slugs = _slugs(rows_63, rows_34)
    by_code_34: dict[str, Province] = {}
    region_of_63 = {r["code"]: r["region"] for r in rows_63}
    name_of_63 = {r["code"]: fold(r["name"]) for r in rows_63}
    for row in rows_34:
        predecessors = row["predecessor_codes"].split(";")
        # The merged unit sits in the region of its namesake predecessor (Tây Ninh ← Tây Ninh + Long An),
        # else of the first one listed; the ministry has published no regions for the 34-unit map yet.
        namesake = next((c for c in predecessors if name_of_63[c] == fold(row["name"])), predecessors[0])
        by_code_34[row["code"]] = _upsert_province(
            row,
            era=Era.UNITS_34,
            slug=slugs[(Era.UNITS_34, row["code"])],
            region=regions[region_of_63[namesake]],
            valid_from=datetime.date.fromisoformat(row["valid_from"]),
            valid_to=None,
            successor=None,
        )
    for row in rows_63:
        _upsert_province(
            row,
            era=Era.UNITS_63,
            slug=slugs[(Era.UNITS_63, row["code"])],
            region=regions[row["region"]],
            valid_from=None,
            valid_to=LAST_DAY_OF_63,
            successor=by_code_34[row["successor_code"]],
        )

    provinces = {(p.era, p.code): p for p in Province.objects.real()}
    for row in _rows("aliases.csv"):
        province = provinces[(int(row["era"]), row["code"])]
        if fold(row["alias"]) in {fold(province.name), fold(province.name_en)}:
            continue
        alias, created = ProvinceAlias.objects.get_or_create(
            province=province, folded=fold(row["alias"]), defaults={"name": row["alias"]}
        )
        if created:
            alias.save()  # refreshes the province's search text
    return {"regions": len(regions), "provinces": len(provinces)}


def _upsert_province(row: dict, *, era: int, **fields) -> Province:
    defaults = {"name": row["name"], "name_en": row["name_en"], "kind": row["kind"], **fields}
    try:
        province = Province.objects.get(era=era, code=row["code"])
    except Province.DoesNotExist:
        return Province.objects.create(era=era, code=row["code"], **defaults)
    changed = [name for name, value in defaults.items() if getattr(province, name) != value]
    if changed:
        for name in changed:
            setattr(province, name, defaults[name])
        province.save()
    return province
