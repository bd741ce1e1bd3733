"""PostgreSQL trigram (pg_trgm) indexes for the search box: LIKE 'ab%' and LIKE '%abc%' on the
fields search/kinds.py matches use them instead of reading the whole table. They belong to the
records' tables but are created here, by the app that needs them, and only on
PostgreSQL: SQLite has no trigram indexes and scans (docs/search.md, "Speed").

pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it. Its
trigrams of Chinese text need a UTF-8 character type (C.UTF-8, zh_CN.UTF-8); under plain C the
indexes still answer correctly but cannot narrow a Chinese query."""

from __future__ import annotations

from typing import Any

from django.db import migrations

# (app, model, field): the fields kinds.py matches by start or substring (a problem is matched
# through its case's, rule's and officer's tables)
FIELDS = [
    ("records", "case", "id"),
    ("records", "case", "cause"),
    ("records", "incident", "id"),
    ("records", "incident", "address"),
    ("records", "incident", "reporter_name"),
    ("records", "person", "name"),
    ("records", "officer", "id"),
    ("records", "officer", "name"),
]


def _indexes(apps: Any) -> list[tuple[str, str, str]]:
    out = []
    for app, model, field in FIELDS:
        meta = apps.get_model(app, model)._meta
        table = meta.db_table
        column = meta.get_field(field).column
        out.append((f"search_trgm_{table}_{column}"[:63], table, column))
    return out


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in _indexes(apps):
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} "
            f"USING gin ({quote(column)} gin_trgm_ops)"
        )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in _indexes(apps):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [("records", "0004_act_lookup_by_case_and_property")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
