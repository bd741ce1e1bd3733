"""An import is one transaction: interrupted or failing anywhere, it leaves the store as it was."""

from __future__ import annotations

import pytest
from django.db import connection

from fazhi.core.models import AuditEvent
from fazhi.exchange import services, staging
from fazhi.exchange.services import import_bundle
from fazhi.exchange.tests.conftest import store_snapshot


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

    def write_then_fail(self, cursor, table, stamp):
        if table.rtype == "incident":
            raise OSError("disk full")
        written.append(table.rtype)
        return real(self, cursor, table, stamp)

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
