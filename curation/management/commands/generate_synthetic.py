"""``manage.py generate_synthetic [--scale N] [--seed S] [--remove]``: the synthetic panel (curation.synthetic)."""

import time

from django.core.management.base import BaseCommand, CommandError

from curation import synthetic


class Command(BaseCommand):
    help = (
        "Replace the synthetic panel (editions marked is_synthetic, shown only when CCHC_DATASET=synthetic): "
        "every unit, every year 2012–2025 in its era, 8 components, SIPAS. --scale N multiplies the units. "
        "--remove deletes every synthetic row and nothing else."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="Units × N (extra synthetic units). Default 1.")
        parser.add_argument("--seed", type=int, default=synthetic.DEFAULT_SEED, help="Random seed (deterministic).")
        parser.add_argument("--remove", action="store_true", help="Only delete the synthetic rows.")

    def handle(self, *args, **options):
        started = time.perf_counter()
        if options["remove"]:
            summary = synthetic.remove()
            self.stdout.write(self.style.SUCCESS(f"Removed {summary}."))
            return
        if options["scale"] < 1:
            raise CommandError("--scale must be at least 1")
        summary = synthetic.generate(scale=options["scale"], seed=options["seed"])
        self.stdout.write(
            self.style.SUCCESS(f"Generated {summary} in {time.perf_counter() - started:.1f} s (synthetic, never real).")
        )
        self.stdout.write("Serve it with CCHC_DATASET=synthetic; remove it with `manage.py remove_synthetic`.")
