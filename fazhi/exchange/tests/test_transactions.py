"""An import is one transaction: interrupted or failing anywhere, it leaves the store as it was."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection

from fazhi.core.models import AuditEvent
from fazhi.exchange import services, staging
from fazhi.exchange.services import import_bundle
from fazhi.exchange.tests.conftest import CLEAN_FILE, store_snapshot


def stage_tables() -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname LIKE 'pg_temp%%' "
                "AND tablename LIKE %s",
                [staging.STAGE_PREFIX + "%"],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_temp_master WHERE type = 'table' AND name LIKE %s",
                [staging.STAGE_PREFIX + "%"],
            )
        return [row[0] for row in cursor.fetchall()]


def grown(clean: list[dict], copies: int) -> list[dict]:
    """The example plus copies of its incidents under new ids: a bundle of several batches."""
    incidents = [r for r in clean if r["type"] == "incident"]
    extra = [{**r, "id": f"{r['id']}-{n}"} for n in range(copies) for r in incidents]
    return clean + extra


@pytest.mark.django_db(transaction=True)
def test_ctrl_c_during_an_import_leaves_the_store_as_it_was(clean, bundle, changed, monkeypatch):
    # given a stored example, and a bigger bundle that changes records and adds many
    import_bundle([bundle(clean)])
    before = store_snapshot(stamps=True)
    audits = AuditEvent.objects.count()
    records = grown(changed(clean, "C-OK", status="移送审查起诉"), copies=40)
    monkeypatch.setattr(services, "BATCH_SIZE", 10)
    calls = []

    def interrupt(done: int) -> None:
        calls.append(done)
        if len(calls) == 3:  # several batches are already in the stage tables by now
            raise KeyboardInterrupt

    # when the import is interrupted half way through reading
    with pytest.raises(KeyboardInterrupt):
        import_bundle([bundle(records)], progress=interrupt)
    # then the store, the audit log and the connection are as before
    assert calls == [10, 20, 30]
    assert store_snapshot(stamps=True) == before
    assert AuditEvent.objects.count() == audits
    assert stage_tables() == []
    # and the next import works
    assert import_bundle([bundle(records)]).ok


@pytest.mark.django_db(transaction=True)
def test_a_failure_while_writing_leaves_no_partially_written_records(
    clean, bundle, changed, monkeypatch
):
    # given a stored example
    import_bundle([bundle(clean)])
    before = store_snapshot(stamps=True)
    # and a writer that fails after the units, officers and venues are written
    real = staging.Staging._write
    written: list[str] = []

    def write_then_fail(self, cursor, table, *args):
        if table.rtype == "incident":
            raise OSError("disk full")
        written.append(table.rtype)
        return real(self, cursor, table, *args)

    monkeypatch.setattr(staging.Staging, "_write", write_then_fail)
    records = changed(grown(clean, copies=5), "U1", name="城南派出所（新址）")
    # when the import fails at the incidents
    with pytest.raises(OSError, match="disk full"):
        import_bundle([bundle(records)])
    # then what was already written is rolled back too
    assert written == ["unit", "officer", "venue"]
    assert store_snapshot(stamps=True) == before
    assert stage_tables() == []


@pytest.mark.django_db
def test_the_stage_tables_are_gone_after_an_import(clean, bundle) -> None:
    # given a successful import, then no temporary table of it is left on the connection
    assert import_bundle([bundle(clean)]).ok
    assert stage_tables() == []


@pytest.mark.django_db
def test_a_large_bundle_is_read_in_batches_and_reported(clean, bundle, monkeypatch) -> None:
    # given a bundle of several batches
    monkeypatch.setattr(services, "BATCH_SIZE", 7)
    records = grown(clean, copies=3)
    seen: list[int] = []
    # when imported with a progress callback
    report = import_bundle([bundle(records)], progress=seen.append)
    # then progress grows batch by batch and ends with the total, given twice
    assert report.ok
    assert seen == [*range(7, len(records), 7), len(records), len(records)]
    assert report.created["incident"] == 2 + 6


def index_definitions() -> dict[str, str]:
    """Every index (and on PostgreSQL foreign key) of the record tables, by name: what a bulk
    load drops and puts back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'records_%%' "
                "UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'f' AND conrelid::regclass::text LIKE 'records_%%'"
            )
        else:
            cursor.execute(
                "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name LIKE 'records_%'"
            )
        return dict(cursor.fetchall())


@pytest.mark.django_db
def test_a_bulk_load_rebuilds_every_index_it_dropped(clean, bundle, monkeypatch) -> None:
    # given an empty store, and a threshold low enough that every table is bulk-loaded
    monkeypatch.setattr(staging, "BULK_LOAD_MIN_ROWS", 1)
    indexes = index_definitions()
    # when the example is imported
    report = import_bundle([bundle(clean)])
    # then the records are all there, and so is every index, as it was
    assert report.ok
    assert sum(report.created.values()) == 48
    assert index_definitions() == indexes
    # and a re-import over the loaded store is incremental (no index dropped)
    again = import_bundle([bundle(clean)])
    assert sum(again.unchanged.values()) == 48
    assert index_definitions() == indexes


@pytest.mark.django_db(transaction=True)
def test_a_failed_bulk_load_keeps_the_indexes(clean, bundle, monkeypatch) -> None:
    # given a bulk load that fails after dropping the indexes of the incident table
    monkeypatch.setattr(staging, "BULK_LOAD_MIN_ROWS", 1)
    indexes = index_definitions()
    real = staging.Staging._suspend

    def drop_then_fail(self, cursor, tables):
        dropped = real(self, cursor, tables)
        if "records_incident" in tables:
            raise RuntimeError("power cut")
        return dropped

    monkeypatch.setattr(staging.Staging, "_suspend", drop_then_fail)
    with pytest.raises(RuntimeError):
        import_bundle([bundle(clean)])
    # then the store is empty and every index is still there
    assert all(not rows for rows in store_snapshot().values())
    assert index_definitions() == indexes


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("bulk", [False, True], ids=["incremental", "bulk"])
def test_the_database_still_refuses_a_dangling_reference_the_checks_missed(
    clean, bundle, changed, monkeypatch, bulk
) -> None:
    # given reference checks that (wrongly) find nothing, and a case naming a missing unit
    monkeypatch.setattr(staging.Staging, "reference_problems", lambda self, **kw: [])
    if bulk:
        monkeypatch.setattr(staging, "BULK_LOAD_MIN_ROWS", 1)
    records = changed(clean, "C-OK", unit_id="U9")
    # when imported, the database's own foreign keys stop the commit
    with pytest.raises(IntegrityError):
        import_bundle([bundle(records)])
    # and nothing is stored
    assert all(not rows for rows in store_snapshot().values())


@pytest.mark.django_db
def test_a_large_import_refreshes_the_planner_statistics(monkeypatch, tmp_path) -> None:
    # given a threshold low enough for the clean cases to cross it
    from django.db import connection

    from fazhi.exchange import services

    monkeypatch.setattr(services, "ANALYZE_THRESHOLD", 10)
    bundle = tmp_path / "clean.jsonl"
    bundle.write_text(CLEAN_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    # when it is imported
    assert services.import_bundle([bundle]).ok
    # then the database has statistics for the record tables
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'records_event'")
        else:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_user_tables "
                "WHERE relname = 'records_event' AND last_analyze IS NOT NULL"
            )
        assert cursor.fetchone()[0] >= 1
