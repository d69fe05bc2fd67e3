"""Article search: a folded copy of each article's title and text (the SQLite fallback), and on
PostgreSQL the ``unaccent`` extension that full-text search runs through."""

import re
import unicodedata

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations, models


def fold(text):
    # A frozen copy of provinces.text.fold as it was when this migration was written: migrations
    # never import live application code, which may change after them.
    if not text:
        return ""
    text = unicodedata.normalize("NFD", str(text))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d").replace("Đ", "D")
    return re.sub(r"\s+", " ", text.lower()).strip()


def fill_search_text(apps, schema_editor):
    SourceArticle = apps.get_model("reports", "SourceArticle")
    for article in SourceArticle.objects.only("pk", "title", "publisher", "text").iterator():
        folded = fold(f"{article.title}\n{article.publisher}\n{article.text}")
        SourceArticle.objects.filter(pk=article.pk).update(search_text=folded)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_publish_permission"),
    ]

    operations = [
        migrations.AddField(
            model_name="sourcearticle",
            name="search_text",
            field=models.TextField(blank=True, editable=False, verbose_name="nội dung để tìm kiếm"),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        # PostgreSQL only (the operation does nothing on other databases): search_articles uses unaccent().
        UnaccentExtension(),
    ]
