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
