"""``manage.py remove_synthetic``: delete every synthetic row (editions, results, scores, units), nothing real."""

from django.core.management.base import BaseCommand

from curation import synthetic


class Command(BaseCommand):
    help = "Delete the synthetic panel: editions and units marked is_synthetic, with their results. Real rows stay."

    def handle(self, *args, **options):
        summary = synthetic.remove()
        self.stdout.write(self.style.SUCCESS(f"Removed {summary}."))
