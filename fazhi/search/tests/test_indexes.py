"""The search app's migration: trigram indexes on PostgreSQL, none elsewhere."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

INDEXES = {
    "search_trgm_records_case_id",
    "search_trgm_records_case_cause",
    "search_trgm_records_incident_id",
    "search_trgm_records_incident_address",
    "search_trgm_records_incident_reporter_name",
    "search_trgm_records_person_name",
    "search_trgm_records_officer_id",
    "search_trgm_records_officer_name",
}


def test_the_trigram_indexes_exist_on_postgresql_only() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'search_trgm_%%'"
            )
            found = dict(cursor.fetchall())
            assert set(found) == INDEXES
            assert all("USING gin" in d and "gin_trgm_ops" in d for d in found.values())
        else:
            tables = connection.introspection.table_names(cursor)
            names = {
                name
                for table in tables
                for name in connection.introspection.get_constraints(cursor, table)
            }
            assert not {n for n in names if n.startswith("search_trgm_")}


ID_INDEXES = {
    "search_trgm_records_case_id",
    "search_trgm_records_incident_id",
    "search_trgm_records_officer_id",
}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
def test_the_id_trigram_indexes_are_on_the_capitals_so_a_key_lookup_never_takes_them() -> None:
    # given the search app's indexes
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'search_trgm_%%'"
        )
        found = dict(cursor.fetchall())
    # then each id index is on upper(id), an expression no `id IN (…)` of the patrol names
    # (on the plain column pg_trgm answered `id = ANY` and the planner took it: 5.9 s for a
    # month's incidents of a demo county instead of 1.4 ms)
    for name in ID_INDEXES:
        assert "upper((id)::text)" in found[name], found[name]
    assert all("upper(" not in d for n, d in found.items() if n not in ID_INDEXES)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
def test_a_part_of_a_number_typed_in_the_search_box_uses_the_capitals_index() -> None:
    # given the search box's match for part of a 警情编号, typed in small letters
    from fazhi.records import models as m
    from fazhi.search.kinds import Terms

    queryset = m.Incident.objects.filter(Terms.read("j00132").matches("id"))
    # when PostgreSQL plans it with table scans priced out
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # then the expression the search writes is the one indexed
    assert "search_trgm_records_incident_id" in plan, plan
