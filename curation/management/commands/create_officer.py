"""Create (or update) a provincial officer: ``create_account officer`` under its old name.

    manage.py create_officer USERNAME PROVINCE [--era 63|34] [--email E] [--password P]

PROVINCE is a slug (``ca-mau``) or a GSO code with ``--era`` (codes are reused across eras); a unit merged
in 2025 leads to its successor. The password comes from ``--password`` or ``OFFICER_PASSWORD``.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from .create_account import make_account


class Command(BaseCommand):
    help = "Create a provincial officer (sees published results and the drafts of their own province)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("province", help="province slug, or GSO code together with --era")
        parser.add_argument("--era", type=int, choices=[63, 34], help="era of a GSO code")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="default: the OFFICER_PASSWORD environment variable")

    def handle(self, *args, username, province, era, email, password, **options):
        make_account(self, "officer", username, province, era, email, password, "OFFICER_PASSWORD")
