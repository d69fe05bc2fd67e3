"""``manage.py bootstrap``: migrate, then load the reference map, indices and real figures. Idempotent."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from curation.loading import load_facts, load_indices
from provinces.reference import load_reference
from reports.derived import refresh_all_statistics


class Command(BaseCommand):
    help = "Migrate the database and load regions, provinces (63 + 34), indices and the real published figures."

    def add_arguments(self, parser):
        parser.add_argument("--no-migrate", action="store_true", help="Skip migrate (the schema is current).")

    def handle(self, *args, **options):
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=max(0, options["verbosity"] - 1))
        reference = load_reference()
        self.stdout.write(f"Reference: {reference['regions']} regions, {reference['provinces']} provinces")
        indices = load_indices()
        self.stdout.write(
            f"Indices: {indices.get('indices', 0)} indices, {indices.get('frameworks', 0)} frameworks, "
            f"{indices.get('components', 0)} components"
        )
        report = load_facts()
        self.stdout.write(f"Figures: {report}")
        # derived rows: rebuilt in full, so a database migrated from an older version gets them too
        self.stdout.write(f"Statistics: {refresh_all_statistics()} editions")
        self.stdout.write(self.style.SUCCESS("Bootstrap complete."))
