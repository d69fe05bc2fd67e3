"""Create (or update) a provincial officer: a user linked to one province, in the officers' group.

    manage.py create_officer USERNAME PROVINCE [--era 63|34] [--email E] [--password P]

PROVINCE is a slug (``bac-lieu``) or a GSO code with ``--era`` (codes are reused across eras). The
password comes from ``--password`` or the ``OFFICER_PASSWORD`` environment variable.
"""

from __future__ import annotations

import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from provinces.models import Province

OFFICERS_GROUP = "Cán bộ tỉnh"


class Command(BaseCommand):
    help = "Create a provincial officer (sees published results and the drafts of their own province)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("province", help="province slug, or GSO code together with --era")
        parser.add_argument("--era", type=int, choices=[63, 34], help="era of a GSO code")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="default: the OFFICER_PASSWORD environment variable")

    def handle(self, *args, username, province, era, email, password, **options):
        password = password or os.environ.get("OFFICER_PASSWORD")
        if not password:
            raise CommandError("give --password or set OFFICER_PASSWORD")
        unit = Province.objects.filter(slug=province).first()
        if unit is None:
            if era is None:
                raise CommandError(f"no province with slug {province!r} (a GSO code needs --era 63 or 34)")
            unit = Province.objects.filter(code=province, era=era).first()
            if unit is None:
                raise CommandError(f"no province with code {province!r} in era {era}")
        User = get_user_model()
        user = User.objects.filter(username=username).first() or User(username=username)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        user.email = email or user.email
        user.province = unit
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=OFFICERS_GROUP))
        self.stdout.write(self.style.SUCCESS(f"{username}: officer of {unit.name} ({unit.slug})"))
