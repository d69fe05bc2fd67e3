"""Create (or update) an account with a role: a provincial officer, ministry staff or a curator.

    manage.py create_account ROLE USERNAME [PROVINCE] [--era 63|34] [--email E] [--password P]

ROLE is ``officer`` (needs PROVINCE), ``ministry`` or ``curator``. PROVINCE is a slug (``ca-mau``) or a GSO
code with ``--era``; a unit merged in 2025 leads to its successor, and the command says so. The password
comes from ``--password`` or the ``ACCOUNT_PASSWORD`` environment variable. Who may create which role, and
what each role gets, is ``provinces/accounts.py``; this command runs as the server's operator.
"""

from __future__ import annotations

import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from provinces.accounts import ROLES, create_account
from provinces.models import Province


def find_unit(province: str | None, era: int | None) -> Province | None:
    if not province:
        return None
    unit = Province.objects.filter(slug=province).select_related("successor").first()
    if unit is None:
        if era is None:
            raise CommandError(f"no province with slug {province!r} (a GSO code needs --era 63 or 34)")
        unit = Province.objects.filter(code=province, era=era).select_related("successor").first()
        if unit is None:
            raise CommandError(f"no province with code {province!r} in era {era}")
    return unit


def make_account(command: BaseCommand, role_code: str, username: str, province, era, email, password, env: str):
    password = password or os.environ.get(env) or os.environ.get("ACCOUNT_PASSWORD")
    if not password:
        raise CommandError(f"give --password or set {env}")
    role = ROLES[role_code]
    unit = find_unit(province, era)
    try:
        user = create_account(role, username, password, email=email, province=unit)
    except ValidationError as exc:
        raise CommandError("; ".join(exc.messages)) from exc
    if unit is not None and user.province_id != unit.pk:
        new = user.province.name
        command.stdout.write(f"{unit.name} was merged into {new} on 1 July 2025: the account is attached to {new}.")
    where = f" of {user.province.name} ({user.province.slug})" if user.province_id else ""
    command.stdout.write(command.style.SUCCESS(f"{username}: {role.code}{where}"))
    return user


class Command(BaseCommand):
    help = "Create an account: a provincial officer, ministry staff (sees drafts, read-only admin) or a curator."

    def add_arguments(self, parser):
        parser.add_argument("role", choices=sorted(ROLES))
        parser.add_argument("username")
        parser.add_argument("province", nargs="?", help="officers: province slug, or GSO code together with --era")
        parser.add_argument("--era", type=int, choices=[63, 34], help="era of a GSO code")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="default: the ACCOUNT_PASSWORD environment variable")

    def handle(self, *args, role, username, province, era, email, password, **options):
        make_account(self, role, username, province, era, email, password, "ACCOUNT_PASSWORD")
