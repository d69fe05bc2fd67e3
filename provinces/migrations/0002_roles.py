"""Roles as groups with permissions: ministry staff, provincial officers, curators.

- "Cán bộ Bộ Nội vụ" (ministry staff): view every model, drafts included (reports.view_draft_results).
- "Cán bộ tỉnh" (provincial officers): view permissions; which drafts they see comes from their
  province (User.province), through Edition/Result.visible_to.
- "Biên tập viên" (curators): add/change/delete/view on the reports models and provinces' aliases,
  plus reports.publish_edition. Curators also need ``is_staff`` to open the admin.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MINISTRY, OFFICERS, CURATORS = "Cán bộ Bộ Nội vụ", "Cán bộ tỉnh", "Biên tập viên"

REPORTS_MODELS = [
    "index", "framework", "component", "edition", "result", "componentscore",
    "publishedaverage", "dossierstat", "sourcearticle", "citation",
]
HISTORY_MODELS = [
    "historicaledition", "historicalresult", "historicalcomponentscore", "historicalpublishedaverage",
    "historicaldossierstat", "historicalsourcearticle", "historicalcitation",
]
PROVINCE_MODELS = ["region", "province", "provincealias"]


def _perms(Permission, app, models, actions):
    codenames = [f"{a}_{m}" for m in models for a in actions]
    return list(Permission.objects.filter(content_type__app_label=app, codename__in=codenames))


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrate; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    view_all = (
        _perms(Permission, "reports", REPORTS_MODELS + HISTORY_MODELS, ["view"])
        + _perms(Permission, "provinces", PROVINCE_MODELS, ["view"])
    )
    ministry, _ = Group.objects.get_or_create(name=MINISTRY)
    ministry.permissions.add(*view_all, Permission.objects.get(content_type__app_label="reports",
                                                                 codename="view_draft_results"))
    officers, _ = Group.objects.get_or_create(name=OFFICERS)
    officers.permissions.add(*view_all)
    curators, _ = Group.objects.get_or_create(name=CURATORS)
    curators.permissions.add(
        *view_all,
        *_perms(Permission, "reports", REPORTS_MODELS, ["add", "change", "delete"]),
        *_perms(Permission, "provinces", ["provincealias"], ["add", "change", "delete"]),
        *_perms(Permission, "provinces", ["province"], ["change"]),
        Permission.objects.get(content_type__app_label="reports", codename="publish_edition"),
        Permission.objects.get(content_type__app_label="reports", codename="view_draft_results"),
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[MINISTRY, OFFICERS, CURATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("provinces", "0001_initial"),
        ("reports", "0003_publish_permission"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
