import re
import unicodedata

from django.db import migrations, models


# Frozen copies of provinces.text.fold and title_from_text as they are today: a migration never imports live code.
def fold(text):
    text = unicodedata.normalize("NFD", str(text or ""))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").replace("đ", "d").replace("Đ", "D")
    return re.sub(r"\s+", " ", text.lower()).strip()


def title_from_text(text):
    for line in (text or "").splitlines():
        line = re.sub(r"\s+", " ", line).strip()
        if len(line) < 15 or line.upper() == line or (len(line) < 40 and DATE.search(line)):
            continue
        if len(line) <= 200:
            return line
        return line[:199].rsplit(" ", 1)[0].rstrip(" ,;:–-") + "…"
    return ""


DATE = re.compile(r"\b\d{1,2}[/-]\d{1,2}[/-]\d{2,4}\b")


def fill(apps, schema_editor):
    """Folded quotes for the article search, and a headline from its own text for an article stored without
    a title (the model's save does both from now on)."""
    Citation = apps.get_model("reports", "Citation")
    SourceArticle = apps.get_model("reports", "SourceArticle")
    for pk, quote in Citation.objects.values_list("pk", "quote").iterator():
        Citation.objects.filter(pk=pk).update(quote_search=fold(quote))
    for article in SourceArticle.objects.filter(title="").exclude(text=""):
        title = title_from_text(article.text)
        search_text = fold(f"{title}\n{article.publisher}\n{article.text}")
        SourceArticle.objects.filter(pk=article.pk).update(title=title, search_text=search_text)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0014_standing_change_basis_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="citation",
            name="quote_search",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
