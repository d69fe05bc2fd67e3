"""Rules that span tables, enforced by the database itself.

A CHECK constraint sees one row, but these facts join two: a result's province must have
existed in the edition's year, its rank cannot exceed the number of units ranked, and a
component score belongs to the edition's framework and stays within the component's
maximum. Triggers keep them true for every writer (admin, imports, bulk loads, raw SQL),
on SQLite and PostgreSQL alike.
"""

from django.db import migrations

RULES = {
    "result_province_existed": (
        "reports_result",
        "INSERT OR UPDATE",
        """EXISTS (SELECT 1 FROM reports_edition e JOIN provinces_province p ON p.id = NEW.province_id
            WHERE e.id = NEW.edition_id
              AND ((p.valid_from IS NOT NULL AND p.valid_from > {last_day})
                OR (p.valid_to IS NOT NULL AND p.valid_to < {last_day})))""",
        "result: the province did not exist in the year of the edition",
    ),
    "result_rank_within_units": (
        "reports_result",
        "INSERT OR UPDATE",
        """NEW.rank IS NOT NULL AND EXISTS (SELECT 1 FROM reports_edition e
            WHERE e.id = NEW.edition_id AND NEW.rank > e.units_ranked)""",
        "result: rank exceeds the number of units ranked",
    ),
    "component_score_in_framework": (
        "reports_componentscore",
        "INSERT OR UPDATE",
        """EXISTS (SELECT 1 FROM reports_result r JOIN reports_edition e ON e.id = r.edition_id
            JOIN reports_component c ON c.id = NEW.component_id
            WHERE r.id = NEW.result_id AND (e.framework_id IS NULL OR c.framework_id <> e.framework_id))""",
        "component score: the component is not in the framework of the edition",
    ),
    "component_score_within_max": (
        "reports_componentscore",
        "INSERT OR UPDATE",
        """NEW.score IS NOT NULL AND EXISTS (SELECT 1 FROM reports_component c
            WHERE c.id = NEW.component_id AND c.max_points IS NOT NULL AND NEW.score > c.max_points)""",
        "component score: above the maximum points of the component",
    ),
    "edition_keeps_results_valid": (
        "reports_edition",
        "UPDATE",
        """EXISTS (SELECT 1 FROM reports_result r JOIN provinces_province p ON p.id = r.province_id
            WHERE r.edition_id = NEW.id AND (r.rank > NEW.units_ranked
              OR (p.valid_from IS NOT NULL AND p.valid_from > {new_last_day})
              OR (p.valid_to IS NOT NULL AND p.valid_to < {new_last_day})))""",
        "edition: a result would break its year or units ranked",
    ),
}

SQLITE_LAST_DAY = "(e.year || '-12-31')"
SQLITE_NEW_LAST_DAY = "(NEW.year || '-12-31')"
PG_LAST_DAY = "make_date(e.year, 12, 31)"
PG_NEW_LAST_DAY = "make_date(NEW.year, 12, 31)"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for name, (table, events, condition, message) in RULES.items():
        if vendor == "sqlite":
            cond = condition.format(last_day=SQLITE_LAST_DAY, new_last_day=SQLITE_NEW_LAST_DAY)
            for event in events.split(" OR "):
                schema_editor.execute(
                    f"CREATE TRIGGER {name}_{event.lower()} BEFORE {event} ON {table} FOR EACH ROW "
                    f"WHEN {cond} BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {message}'); END"
                )
        elif vendor == "postgresql":
            cond = condition.format(last_day=PG_LAST_DAY, new_last_day=PG_NEW_LAST_DAY)
            schema_editor.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
                f"IF {cond} THEN RAISE EXCEPTION '{message}' USING ERRCODE = 'check_violation'; END IF; "
                f"RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE {events} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()"
            )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for name, (table, events, _condition, _message) in RULES.items():
        if vendor == "sqlite":
            for event in events.split(" OR "):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_{event.lower()}")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("provinces", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
