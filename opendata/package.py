"""The whole published dataset as a Frictionless data package: ``/api/v1/dataset.zip``.

Long-format CSVs with machine keys (regions, units, indices, components, editions, results,
component_scores, averages, citations), ``datapackage.json`` with a Table Schema per file (types, primary
and foreign keys), a README, the licence and ``CITATION.cff``. It is built as the *anonymous* viewer reads
the data (``reports.visibility.ANONYMOUS``): published editions only, never a draft figure. It is cached
per data version (``dashboard.caching.current_version``): a committed change to the data replaces the
version, and the next download rebuilds the archive.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import logging
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from dashboard.caching import current_version
from opendata import rows
from reports.visibility import ANONYMOUS, Viewer

log = logging.getLogger(__name__)

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
ROOT = Path(settings.BASE_DIR)

S, INT, N, B, D = "string", "integer", "number", "boolean", "date"

# name → (description, fields as (name, type, description), primary key, foreign keys)
TABLES: dict[str, tuple[str, list[tuple[str, str, str]], list[str], list[dict]]] = {
    "regions": (
        "The six socio-economic regions the Ministry averages over.",
        [("key", S, "region key"), ("name", S, ""), ("name_en", S, ""), ("order", INT, "")],
        ["key"],
        [],
    ),
    "units": (
        "Provincial-level units of both eras: 63 until 30 June 2025, 34 from 1 July 2025, with their lineage.",
        [
            ("key", S, "unit key (slug), unique across eras"),
            ("gso_code", S, "GSO code, unique within an era only"),
            ("era", INT, "63 or 34"),
            ("kind", S, "tinh (province) or thanh_pho (centrally-run city)"),
            ("name", S, ""),
            ("name_en", S, "name without diacritics / in English"),
            ("region", S, "region key"),
            ("valid_from", D, ""),
            ("valid_to", D, ""),
            ("successor", S, "key of the 2025 unit this unit was merged into"),
        ],
        ["key"],
        [
            {"fields": "region", "reference": {"resource": "regions", "fields": "key"}},
            {"fields": "successor", "reference": {"resource": "", "fields": "key"}},
        ],
    ),
    "indices": (
        "The indices and who publishes them.",
        [
            ("key", S, "index key"),
            ("name", S, ""),
            ("name_en", S, ""),
            ("short_name", S, ""),
            ("publisher", S, ""),
            ("scale_max", N, ""),
            ("unit", S, ""),
            ("higher_is_better", B, ""),
            ("first_year", INT, ""),
        ],
        ["key"],
        [],
    ),
    "components": (
        "Component indices of each framework (methodology), with their maximum points.",
        [
            ("index", S, "index key"),
            ("framework", INT, "first result year of the framework"),
            ("framework_last_year", INT, ""),
            ("framework_name", S, ""),
            ("key", S, "component key, unique within a framework"),
            ("name", S, ""),
            ("name_en", S, ""),
            ("max_points", N, "maximum points; empty when no source states it"),
            ("order", INT, ""),
            ("previous", S, "key of the matching component of the previous framework"),
        ],
        ["index", "framework", "key"],
        [{"fields": "index", "reference": {"resource": "indices", "fields": "key"}}],
    ),
    "editions": (
        "Published editions: one per index and result year.",
        [
            ("index", S, "index key"),
            ("year", INT, "year assessed (announced the year after)"),
            ("status", S, "always published in this package"),
            ("era", INT, "63 or 34: which units were assessed"),
            ("announced_on", D, ""),
            ("units_ranked", INT, ""),
            ("framework", INT, "first result year of the framework in force"),
            ("grouping", S, "groups as published that year"),
            ("units_with_score", INT, "coverage: units with a score in this dataset"),
            ("units_with_rank", INT, ""),
            ("units_with_result", INT, ""),
        ],
        ["index", "year"],
        [{"fields": "index", "reference": {"resource": "indices", "fields": "key"}}],
    ),
    "results": (
        "A unit's result in an edition: score, rank and group as published; the change on the previous edition.",
        [
            ("index", S, ""),
            ("year", INT, ""),
            ("unit", S, "unit key"),
            ("gso_code", S, ""),
            ("era", INT, ""),
            ("unit_name", S, ""),
            ("region", S, ""),
            ("score", N, "empty when the source states only a rank"),
            ("rank", INT, "rank as published"),
            ("group", S, ""),
            ("disputed", B, "sources disagree on this result"),
            ("score_change", N, "on the previous published edition"),
            ("rank_change", INT, "places gained, between rankings of the same size"),
            ("change_basis", S, "same_unit, predecessor, predecessors, reported or none"),
        ],
        ["index", "year", "unit"],
        [
            {"fields": ["index", "year"], "reference": {"resource": "editions", "fields": ["index", "year"]}},
            {"fields": "unit", "reference": {"resource": "units", "fields": "key"}},
        ],
    ),
    "component_scores": (
        "Component scores of results, one row per result and component.",
        [
            ("index", S, ""),
            ("year", INT, ""),
            ("unit", S, ""),
            ("framework", INT, ""),
            ("component", S, "component key"),
            ("score", N, ""),
            ("rank", INT, ""),
        ],
        ["index", "year", "unit", "component"],
        [
            {
                "fields": ["index", "year", "unit"],
                "reference": {"resource": "results", "fields": ["index", "year", "unit"]},
            },
            {
                "fields": ["index", "framework", "component"],
                "reference": {"resource": "components", "fields": ["index", "framework", "key"]},
            },
        ],
    ),
    "averages": (
        "National and regional averages: published where a source states one, else computed over the scores "
        "held (units says how many).",
        [
            ("index", S, ""),
            ("year", INT, ""),
            ("area", S, "national, or a region key"),
            ("region", S, ""),
            ("value", N, ""),
            ("kind", S, "published or computed"),
            ("units", INT, "units the value rests on"),
            ("units_total", INT, ""),
            ("complete", B, ""),
        ],
        ["index", "year", "area"],
        [
            {"fields": ["index", "year"], "reference": {"resource": "editions", "fields": ["index", "year"]}},
            {"fields": "region", "reference": {"resource": "regions", "fields": "key"}},
        ],
    ),
    "citations": (
        "Where each figure comes from: the article and the sentence stating it. Quotes remain their publishers' "
        "and are not covered by this package's licence.",
        [
            ("id", INT, ""),
            ("index", S, ""),
            ("year", INT, ""),
            ("unit", S, ""),
            ("region", S, ""),
            ("national", B, ""),
            ("metric", S, ""),
            ("component", S, ""),
            ("component_name", S, "the component as the source names it"),
            ("period", S, ""),
            ("value_number", N, ""),
            ("value_text", S, ""),
            ("quote", S, "the sentence as published (publisher's text)"),
            ("conflict", B, "differs from the stored figure or another source"),
            ("article_id", INT, ""),
            ("article_title", S, ""),
            ("article_url", S, ""),
            ("article_publisher", S, ""),
            ("article_published_on", D, ""),
        ],
        ["id"],
        [
            {"fields": "index", "reference": {"resource": "indices", "fields": "key"}},
            {"fields": "unit", "reference": {"resource": "units", "fields": "key"}},
            {"fields": "region", "reference": {"resource": "regions", "fields": "key"}},
        ],
    ),
}


def tables(viewer: Viewer = ANONYMOUS) -> dict[str, list[dict]]:
    """Every table's rows as ``viewer`` sees them (the package: anonymous)."""
    everything = rows.Filters()
    components = []
    indices = rows.index_rows(everything)
    for index in indices:
        for fw in index.pop("frameworks"):
            for c in fw["components"]:
                components.append(
                    {
                        "index": index["key"],
                        "framework": fw["first_year"],
                        "framework_last_year": fw["last_year"],
                        "framework_name": fw["name"],
                    }
                    | c
                )
    editions = []
    for e in rows.edition_rows(viewer, rows.editions_queryset(viewer, everything)):
        coverage = e.pop("coverage") or {}
        editions.append(e | {k: coverage.get(k) for k in ("units_with_score", "units_with_rank", "units_with_result")})
    citations = []
    for c in rows.citation_rows(rows.citations_queryset(viewer, everything)):
        article = c.pop("article")
        citations.append(c | {f"article_{k}": v for k, v in article.items()})
    return {
        "regions": rows.regions(),
        "units": rows.unit_rows(rows.units_queryset(everything)),
        "indices": indices,
        "components": components,
        "editions": editions,
        "results": rows.result_rows(viewer, rows.results_queryset(viewer, everything), with_components=False),
        "component_scores": rows.component_score_rows(viewer, everything),
        "averages": rows.average_rows(viewer, everything),
        "citations": citations,
    }


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.15g}"  # 86.98, 100 (stored with two places: no float noise at 15 digits)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def csv_text(name: str, data: list[dict]) -> str:
    _, fields, _, _ = TABLES[name]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f for f, _, _ in fields])
    for row in data:
        writer.writerow([_cell(row.get(f)) for f, _, _ in fields])
    return out.getvalue()


def descriptor(created: datetime.datetime) -> dict:
    """``datapackage.json``: the package, its licence and sources, a Table Schema per file."""
    resources = []
    for name, (description, fields, primary_key, foreign_keys) in TABLES.items():
        schema = {
            "fields": [
                {"name": f, "type": t} | ({"description": d} if d else {})
                | ({"constraints": {"required": True}} if f in primary_key else {})
                for f, t, d in fields
            ],
            "primaryKey": primary_key,
            "missingValues": [""],
        }  # fmt: skip
        if foreign_keys:
            schema["foreignKeys"] = foreign_keys
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": description,
                "schema": schema,
            }
        )
    return {
        "name": "cchc-provincial-indices",
        "title": "Provincial administrative-reform indices of Viet Nam (PAR INDEX, SIPAS)",
        "description": (
            "Results of Vietnamese provinces in the PAR INDEX (Chỉ số CCHC) and SIPAS as published by the Ministry "
            "of Home Affairs (Bộ Nội vụ), compiled from cited articles and reports; published editions only."
        ),
        "version": "1.0.0",
        "created": created.replace(microsecond=0).isoformat(),
        "keywords": ["Viet Nam", "public administration reform", "PAR INDEX", "SIPAS", "provinces"],
        "licenses": [{"name": "CC-BY-4.0", "path": LICENCE_URL, "title": "Creative Commons Attribution 4.0"}],
        "sources": [{"title": "Bộ Nội vụ (Ministry of Home Affairs of Viet Nam), publisher of the indices"}],
        "contributors": [{"title": "CCHC dashboard contributors", "role": "author"}],
        "resources": resources,
    }


README = """# Provincial administrative-reform indices of Viet Nam — data package

The published results of Vietnamese provinces in the **PAR INDEX** (Chỉ số cải cách hành chính, 0–100) and
**SIPAS** (satisfaction with public administrative services), as compiled by the CCHC dashboard from the
articles and reports that state them. Published editions only: no draft figure is ever included.

Built {created} (data version {version}). A Frictionless data package: `datapackage.json` describes every
file (field types, primary and foreign keys); check it with `frictionless validate datapackage.json`.

## Files (long format, UTF-8, machine keys)

{files}

Units are keyed by a slug (`units.key`), unique across both eras: the 63 provinces and cities until
30 June 2025 and the 34 units from 1 July 2025 (`era`); a GSO code alone is unique only within an era.
`units.successor` links a pre-2025 unit to the unit it was merged into. An edition is (`index`, `year`),
`year` being the year assessed. Missing figures are empty cells, never 0. An average's `kind` says whether a
source states it (`published`) or it is the mean of the scores held (`computed`, resting on `units` of
`units_total` units: not the national average unless complete).

## Licence

The compiled figures are licensed under **Creative Commons Attribution 4.0 International (CC BY 4.0)**,
{licence_url}. Attribution: the indices are published by the **Ministry of Home Affairs of Viet Nam (Bộ Nội
vụ)**; credit it as the publisher of the indices, and this compilation as below.

Quotes (`citations.quote`) and article titles remain their publishers' (named in `article_publisher`, with
the article's URL): they are reproduced and credited as quotations, not relicensed under CC BY 4.0.

## How to cite

CCHC dashboard contributors. *Provincial administrative-reform indices of Viet Nam (PAR INDEX, SIPAS)*,
data package, version {version}, compiled from figures published by the Ministry of Home Affairs of Viet Nam
(Bộ Nội vụ). CC BY 4.0. See CITATION.cff. When you use a figure, cite its source article as well
(`citations.csv`).
"""

LICENCE_TEXT = f"""Compiled figures (every CSV file of this package except the quoted text noted below):

  Creative Commons Attribution 4.0 International (CC BY 4.0)
  {LICENCE_URL}
  Full legal code: https://creativecommons.org/licenses/by/4.0/legalcode

  Attribution: indices published by the Ministry of Home Affairs of Viet Nam (Bộ Nội vụ);
  compiled by the CCHC dashboard contributors.

Quoted text (citations.quote) and article titles are their publishers' (citations.article_publisher,
citations.article_url). They are reproduced as credited quotations and are NOT licensed under CC BY 4.0.
"""


def build(viewer: Viewer = ANONYMOUS, version: str = "", changed_at: float | None = None) -> bytes:
    """The ZIP archive of the data package as ``viewer`` (anonymous) sees the data."""
    created = datetime.datetime.fromtimestamp(changed_at or 0, tz=datetime.UTC) if changed_at else None
    created = created or datetime.datetime.now(tz=datetime.UTC)
    data = tables(viewer)
    files = "\n".join(f"- `{name}.csv` — {TABLES[name][0]} ({len(data[name])} rows)" for name in TABLES)
    stamp = created.astimezone(datetime.UTC).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:

        def write(name: str, text: str) -> None:
            info = zipfile.ZipInfo(name, date_time=max(stamp, (1980, 1, 1, 0, 0, 0)))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))

        write("datapackage.json", json.dumps(descriptor(created), ensure_ascii=False, indent=2) + "\n")
        for name in TABLES:
            write(f"{name}.csv", csv_text(name, data[name]))
        readme = README.format(
            created=created.date().isoformat(), version=version or "-", files=files, licence_url=LICENCE_URL
        )
        write("README.md", readme)
        write("LICENSE.txt", LICENCE_TEXT)
        citation = ROOT / "CITATION.cff"
        if citation.exists():
            write("CITATION.cff", citation.read_text(encoding="utf-8"))
    return out.getvalue()


def _cache_usable() -> bool:
    """As for pages (``dashboard.caching``): a request inside an open transaction may read rows never
    committed, so it neither reads nor stores the cached archive."""
    return not connection.in_atomic_block or getattr(settings, "CCHC_CACHE_IN_TRANSACTIONS", False)


def cached_archive() -> tuple[bytes, str, float]:
    """(archive, version token, time of the data's last change), rebuilt once per data version."""
    token, changed_at = current_version()
    key = f"cchc:dataset:{settings.CCHC_DATASET}:{token}"
    if _cache_usable():
        try:
            body = cache.get(key)
        except Exception:
            log.exception("cache unreachable: data package rebuilt")
            body = None
        if body is not None:
            return body, token, changed_at
    body = build(ANONYMOUS, token, changed_at)
    if _cache_usable():
        try:
            cache.set(key, body, 24 * 3600)
        except Exception:
            log.exception("cache unreachable: data package not stored")
    return body, token, changed_at


def dataset_response(request) -> HttpResponse:
    """The archive, with an ETag of the data version (a matching If-None-Match gets a 304)."""
    token, changed_at = current_version()
    etag = f'"dataset-{settings.CCHC_DATASET}-{token}"'
    not_modified = get_conditional_response(request, etag=etag, last_modified=int(changed_at))
    if not_modified is not None:
        return not_modified
    body, token, changed_at = cached_archive()
    response = HttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="cchc-dataset.zip"'
    response["ETag"] = f'"dataset-{settings.CCHC_DATASET}-{token}"'
    response["Last-Modified"] = http_date(int(changed_at))
    response["Cache-Control"] = "public, no-cache"
    return response
