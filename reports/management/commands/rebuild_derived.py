"""``manage.py rebuild_derived``: rebuild every edition's stored statistics and standings from its results."""

from django.core.management.base import BaseCommand

from reports.derived import refresh_all_statistics


class Command(BaseCommand):
    help = "Rebuild the derived tables (edition statistics and standings) of every edition from the results."

    def handle(self, *args, **options):
        self.stdout.write(self.style.SUCCESS(f"Rebuilt the derived rows of {refresh_all_statistics()} editions."))
