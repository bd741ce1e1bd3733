"""The id columns' trigram indexes (案件编号, 警情编号, 警号) move onto ``upper(id)``.

A trigram index on the plain column also answers ``id = ANY(…)`` (pg_trgm serves equality), and
the planner chose it for the patrol's ``id IN (…)`` lists: FZX ids share long prefixes
(``Q001-J00…``), so every id's trigrams matched nearly the whole table and one incremental
query over a month's 1,233 incidents of a demo county took 5.9 s instead of 1.4 ms. An index on
the expression is used only by what names the expression: the search box, which matches ids in
capitals (search/kinds.py), and never by a lookup on the key."""

from __future__ import annotations

from typing import Any

from django.db import migrations

IDS = [("records", "case", "id"), ("records", "incident", "id"), ("records", "officer", "id")]


def _indexes(apps: Any) -> list[tuple[str, str, str]]:
    out = []
    for app, model, field in IDS:
        meta = apps.get_model(app, model)._meta
        column = meta.get_field(field).column
        out.append((f"search_trgm_{meta.db_table}_{column}"[:63], meta.db_table, column))
    return out


def _rebuild(apps: Any, schema_editor: Any, expression: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for name, table, column in _indexes(apps):
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(name)}")
        schema_editor.execute(
            f"CREATE INDEX {quote(name)} ON {quote(table)} "
            f"USING gin ({expression.format(quote(column))} gin_trgm_ops)"
        )


def forwards(apps: Any, schema_editor: Any) -> None:
    _rebuild(apps, schema_editor, "upper({})")


def backwards(apps: Any, schema_editor: Any) -> None:
    _rebuild(apps, schema_editor, "{}")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_trigram_indexes")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
