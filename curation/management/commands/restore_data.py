"""Restore an ``export_data`` directory into an empty database: ``manage.py restore_data DIR``.

All or nothing, in one transaction. Rows are saved raw (no ``save()`` side effects, so stored search
text and fingerprints are kept exactly); provinces are saved before their successors are linked, and
the database's id sequences are reset afterwards (PostgreSQL), history tables included.

The change history is restored after the curated rows and the users, exactly as exported: restoring the
curated rows records no history of its own (raw saves make none; the articles' province links are set
with ``skip_history_when_saving``, and anything recorded all the same is deleted before the exported
history is loaded). A history user whose account already existed here (kept, not overwritten) is relinked
to that account. An export made before the history was exported restores without history.
"""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction

from curation.management.commands.export_data import HISTORY_MODELS, MODELS, USER_MODELS, file_name
from reports.derived import statistics_deferred


class Command(BaseCommand):
    help = "Restore the JSON files written by export_data into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory: Path, **options):
        labels = [label for label in MODELS + USER_MODELS if (directory / file_name(label)).exists()]
        missing = [label for label in MODELS if label not in labels]
        if missing:
            raise CommandError(f"missing files for: {', '.join(missing)}")
        history_labels = [label for label in HISTORY_MODELS if (directory / file_name(label)).exists()]
        if not history_labels:
            self.stderr.write("no change history in this export: the history tables stay empty")
        elif len(history_labels) < len(HISTORY_MODELS):
            missing = [label for label in HISTORY_MODELS if label not in history_labels]
            raise CommandError(f"missing history files for: {', '.join(missing)}")
        for label in MODELS + HISTORY_MODELS:
            if apps.get_model(label)._default_manager.exists():
                raise CommandError(f"the database is not empty ({label}); restore needs an empty database")
        user_ids = {}  # exported user id -> id here, for accounts that already existed
        with transaction.atomic(), statistics_deferred():
            for label in labels:
                model = apps.get_model(label)
                objects = self.read(directory, label)
                for o in objects:
                    o.object.skip_history_when_saving = True  # m2m links would otherwise record a change
                if label == "provinces.Province":
                    successors = {o.object.pk: o.object.successor_id for o in objects}
                    for o in objects:
                        o.object.successor_id = None
                        o.save()
                    for pk, successor_id in successors.items():
                        if successor_id:
                            model._default_manager.filter(pk=pk).update(successor_id=successor_id)
                elif label == "provinces.User":
                    existing = dict(model._default_manager.values_list("username", "pk"))
                    for o in objects:
                        if o.object.username not in existing:
                            o.save()
                        else:  # an account that already exists here keeps its password; relink its province
                            model._default_manager.filter(username=o.object.username).update(
                                province_id=o.object.province_id
                            )
                            user_ids[o.object.pk] = existing[o.object.username]
                else:
                    for o in objects:
                        o.save()
                self.stdout.write(f"{label}: {len(objects)}")
            # the history tables were empty: whatever is in them now was recorded by this restore
            for label in reversed(HISTORY_MODELS):
                apps.get_model(label)._default_manager.all().delete()
            for label in history_labels:
                objects = self.read(directory, label)
                for o in objects:
                    user_id = getattr(o.object, "history_user_id", None)
                    if user_id in user_ids:
                        o.object.history_user_id = user_ids[user_id]
                    o.save()
                self.stdout.write(f"{label}: {len(objects)}")
            models = [apps.get_model(label) for label in MODELS + HISTORY_MODELS]
            sql = connection.ops.sequence_reset_sql(no_style(), models)
            with connection.cursor() as cursor:
                for statement in sql:
                    cursor.execute(statement)

    @staticmethod
    def read(directory: Path, label: str) -> list:
        with open(directory / file_name(label), encoding="utf-8") as stream:
            return list(serializers.deserialize("json", stream))
