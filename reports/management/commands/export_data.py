"""Export the whole curated database to JSON files, one per model: ``manage.py export_data DIR``.

Rows keep their ids, so every foreign key (lineage, citations to results …) survives as is; many-to-many
links (articles ↔ provinces) travel inside their model. ``restore_data DIR`` reads the files back into an
empty database. Users are exported only with ``--with-users`` (province links, groups by name; password
hashes included, so guard the files); change history is not exported.
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


class FullPrecisionEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts datetimes to milliseconds; a restore must give back the exact value."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        return super().default(o)


def file_name(label: str) -> str:
    return label.lower().replace(".", "_") + ".json"


class Command(BaseCommand):
    help = "Export the curated database (provinces, indices, editions, results, sources …) to JSON files in DIR."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--with-users", action="store_true", help="also export groups and users")

    def handle(self, *args, directory: Path, with_users: bool, **options):
        directory.mkdir(parents=True, exist_ok=True)
        labels = MODELS + (USER_MODELS if with_users else [])
        for label in labels:
            model = apps.get_model(label)
            rows = model._default_manager.order_by("pk")
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
