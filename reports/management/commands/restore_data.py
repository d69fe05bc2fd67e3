"""Restore an ``export_data`` directory into an empty database: ``manage.py restore_data DIR``.

All or nothing, in one transaction. Rows are saved raw (no ``save()`` side effects, so stored search
text and fingerprints are kept exactly); provinces are saved before their successors are linked, and
the database's id sequences are reset afterwards (PostgreSQL).
"""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction

from .export_data import MODELS, USER_MODELS, file_name


class Command(BaseCommand):
    help = "Restore the JSON files written by export_data into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory: Path, **options):
        labels = [label for label in MODELS + USER_MODELS if (directory / file_name(label)).exists()]
        missing = [label for label in MODELS if label not in labels]
        if missing:
            raise CommandError(f"missing files for: {', '.join(missing)}")
        for label in MODELS:
            if apps.get_model(label)._default_manager.exists():
                raise CommandError(f"the database is not empty ({label}); restore needs an empty database")
        with transaction.atomic():
            for label in labels:
                model = apps.get_model(label)
                with open(directory / file_name(label), encoding="utf-8") as stream:
                    objects = list(serializers.deserialize("json", stream))
                if label == "provinces.Province":
                    successors = {o.object.pk: o.object.successor_id for o in objects}
                    for o in objects:
                        o.object.successor_id = None
                        o.save()
                    for pk, successor_id in successors.items():
                        if successor_id:
                            model._default_manager.filter(pk=pk).update(successor_id=successor_id)
                elif label == "provinces.User":
                    existing = set(model._default_manager.values_list("username", flat=True))
                    for o in objects:
                        if o.object.username not in existing:
                            o.save()
                        else:  # an account that already exists here keeps its password; relink its province
                            model._default_manager.filter(username=o.object.username).update(
                                province_id=o.object.province_id
                            )
                else:
                    for o in objects:
                        o.save()
                self.stdout.write(f"{label}: {len(objects)}")
            sql = connection.ops.sequence_reset_sql(no_style(), [apps.get_model(label) for label in MODELS])
            with connection.cursor() as cursor:
                for statement in sql:
                    cursor.execute(statement)
