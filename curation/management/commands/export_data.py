"""Export the whole curated database to JSON files, one per model: ``manage.py export_data DIR``.

Rows keep their ids, so every foreign key (lineage, citations to results …) survives as is; many-to-many
links (articles ↔ provinces) travel inside their model. ``restore_data DIR`` reads the files back into an
empty database. Users are exported only with ``--with-users`` (province links, groups by name; password
hashes included, so guard the files).

The change history (django-simple-history) is exported too, one file per historical model
(``reports_historicalresult.json`` …, and the articles' province links in
``reports_historicalsourcearticle_provinces.json``): every record keeps its ``history_id``, its full-precision
``history_date``, ``history_type``, ``history_change_reason`` and the before/after values. ``history_user_id``
is kept only with ``--with-users`` (it then points at the exported user); without it, it is written as null,
so a restore without users keeps every record but not who made it.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder

# In dependency order: restore reads them in this order.
MODELS = [
    "provinces.Region",
    "provinces.Province",
    "provinces.ProvinceAlias",
    "reports.Index",
    "reports.Framework",
    "reports.Component",
    "reports.Edition",
    "reports.Result",
    "reports.ComponentScore",
    "reports.PublishedAverage",
    "reports.SourceArticle",
    "reports.DossierStat",
    "reports.Citation",
]
USER_MODELS = ["provinces.User"]  # groups by name (natural keys); the groups come from a migration
# The django-simple-history tables, restored after the curated rows and the users (each m2m history after
# its historical model). tests/test_export.py checks that no historical model of the project is missing.
HISTORY_MODELS = [
    "reports.HistoricalEdition",
    "reports.HistoricalResult",
    "reports.HistoricalComponentScore",
    "reports.HistoricalPublishedAverage",
    "reports.HistoricalSourceArticle",
    "reports.HistoricalSourceArticle_provinces",
    "reports.HistoricalDossierStat",
    "reports.HistoricalCitation",
]


class FullPrecisionEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts datetimes to milliseconds; a restore must give back the exact value."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        return super().default(o)


def file_name(label: str) -> str:
    return label.lower().replace(".", "_") + ".json"


def without_history_user(rows):
    """Historical rows with ``history_user_id`` set to null (the users are not in the export)."""
    for row in rows.iterator():
        row.history_user_id = None
        yield row


class Command(BaseCommand):
    help = "Export the curated database (provinces, indices, editions, results, sources …) to JSON files in DIR."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--with-users", action="store_true", help="also export groups and users")

    def handle(self, *args, directory: Path, with_users: bool, **options):
        directory.mkdir(parents=True, exist_ok=True)
        labels = MODELS + (USER_MODELS if with_users else []) + HISTORY_MODELS
        for label in labels:
            model = apps.get_model(label)
            rows = model._default_manager.order_by("pk")
            if not with_users and any(f.name == "history_user" for f in model._meta.fields):
                rows = without_history_user(rows)
            with open(directory / file_name(label), "w", encoding="utf-8") as out:
                serializers.serialize(
                    "json",
                    rows,
                    indent=1,
                    stream=out,
                    ensure_ascii=False,
                    cls=FullPrecisionEncoder,
                    use_natural_foreign_keys=label in USER_MODELS,
                )
            self.stdout.write(f"{label}: {model._default_manager.count()}")
