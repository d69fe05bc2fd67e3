"""History records written without a reason hold "" instead of NULL (the history page printed NULL as 'None');
new records get "" from the receiver in reports/apps.py."""

from django.db import migrations


def blank_reasons(apps, schema_editor):
    for model in apps.get_app_config("reports").get_models():
        if any(field.name == "history_change_reason" for field in model._meta.get_fields()):
            model.objects.filter(history_change_reason__isnull=True).update(history_change_reason="")


class Migration(migrations.Migration):
    dependencies = [("reports", "0015_article_titles_and_quote_search")]

    operations = [migrations.RunPython(blank_reasons, migrations.RunPython.noop)]
