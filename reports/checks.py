"""Data check: every stored link is http(s). ``manage.py check --database default`` runs it (and CI does,
through tests/test_security_links.py); rows written before the rule, or by raw SQL, show up here."""

from __future__ import annotations

from django.core import checks
from django.db import connections


@checks.register(checks.Tags.database)
def stored_links_are_http(app_configs=None, databases=None, **kwargs):
    if not databases:
        return []
    from provinces.inputs import is_http_url
    from reports.models import SourceArticle

    errors = []
    for database in databases:
        if SourceArticle._meta.db_table not in connections[database].introspection.table_names():
            continue  # `migrate` runs the database checks before it creates the tables: nothing is stored yet
        rows = SourceArticle.objects.using(database).exclude(url="").values_list("pk", "url")
        for pk, url in rows.iterator():
            if not is_http_url(url):
                errors.append(
                    checks.Error(
                        f"source article #{pk} has a link that is not http(s): {url[:80]!r}",
                        hint="Correct or clear the address in the admin (Bài viết nguồn).",
                        obj=f"SourceArticle #{pk}",
                        id="reports.E001",
                    )
                )
    return errors
