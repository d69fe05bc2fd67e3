"""Officers of a unit merged on 1 July 2025 move to the successor unit and are told so at their next sign-in.

Written against the historical models only (no application code), so it runs the same on any later code.
Reversible: a moved account goes back to the unit it came from.
"""

from django.db import migrations


def move(apps, schema_editor):
    User = apps.get_model("provinces", "User")
    for user in User.objects.filter(province__successor__isnull=False).select_related("province"):
        user.moved_from_id = user.province_id
        user.province_id = user.province.successor_id
        user.move_notice_due = True
        user.save(update_fields=["moved_from", "province", "move_notice_due"])


def move_back(apps, schema_editor):
    User = apps.get_model("provinces", "User")
    for user in User.objects.filter(moved_from__isnull=False):
        user.province_id = user.moved_from_id
        user.moved_from_id = None
        user.move_notice_due = False
        user.save(update_fields=["moved_from", "province", "move_notice_due"])


class Migration(migrations.Migration):
    dependencies = [("provinces", "0003_user_moved_from")]

    operations = [migrations.RunPython(move, move_back)]
