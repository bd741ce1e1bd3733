"""The hash-chained audit log: an untouched chain verifies; altered, deleted and truncated rows
are each found by ``verify_chain`` and by ``fazhi audit verify``."""

from __future__ import annotations

import importlib
import json
import threading
from io import StringIO
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection, connections

from fazhi.core.audit import GENESIS_HASH, verify_chain
from fazhi.core.audit_actions import AuditAction
from fazhi.core.models import AuditEvent, AuditHead
from fazhi.core.services import record_audit

pytestmark = pytest.mark.django_db

# record_audit needs only the login name: an unsaved user is enough here
LI = User(username="li")


def write_rows(count: int = 5) -> list[AuditEvent]:
    return [
        record_audit(
            LI,
            AuditAction.RECTIFICATION_PUSH,
            target_type="problem",
            target_id=f"PB-{i}",
            remote_addr="10.0.0.7",
            details={
                "comment": f"第 {i} 条：请于三日内整改",
                "n": i,
                "ratio": 0.5,
                "big": 1e20,
                "whole": 2.0,
                "nested": {"b": [1, "二"], "a": None},
            },
        )
        for i in range(1, count + 1)
    ]


def raw(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def json_param() -> str:
    return "%s::jsonb" if connection.vendor == "postgresql" else "%s"


def kinds(report: object) -> list[tuple[str, int | None]]:
    return [(p.kind, p.seq) for p in report.problems]  # type: ignore[attr-defined]


def test_rows_are_chained_gaplessly_from_the_genesis_hash() -> None:
    rows = write_rows(3)
    assert [r.seq for r in rows] == [1, 2, 3]
    assert rows[0].prev_hash == GENESIS_HASH
    assert rows[1].prev_hash == rows[0].hash
    assert rows[2].prev_hash == rows[1].hash
    head = AuditHead.objects.get()
    assert (head.seq, head.hash) == (3, rows[2].hash)


def test_untouched_chain_verifies() -> None:
    write_rows(5)
    report = verify_chain(chunk_size=2)  # several chunks
    assert report.ok, report.lines()
    assert (report.rows, report.first_seq, report.last_seq, report.head_seq) == (5, 1, 5, 5)


def test_empty_log_verifies() -> None:
    assert verify_chain().ok


def test_details_altered_by_sql_are_detected() -> None:
    write_rows(5)
    raw(
        f"UPDATE core_auditevent SET details = {json_param()} WHERE seq = 3",
        [json.dumps({"comment": "已撤回"})],
    )
    report = verify_chain()
    assert not report.ok
    assert kinds(report) == [("altered", 3)]
    assert "序号 3 的内容与其哈希不符" in "\n".join(report.lines())


def test_actor_altered_by_sql_is_detected() -> None:
    write_rows(5)
    raw("UPDATE core_auditevent SET actor = %s WHERE seq = 2", ["wang"])
    assert kinds(verify_chain()) == [("altered", 2)]


def test_altered_row_with_a_recomputed_hash_breaks_the_next_link() -> None:
    # given a forger who changes row 2 and also recomputes its hash
    write_rows(4)
    from fazhi.core.audit import event_hash

    row = AuditEvent.objects.get(seq=2)
    forged = event_hash(
        seq=2, at=row.at, actor="wang", action=row.action, target_type=row.target_type,
        target_id=row.target_id, remote_addr=row.remote_addr, details=row.details,
        prev_hash=row.prev_hash,
    )  # fmt: skip
    raw("UPDATE core_auditevent SET actor = %s, hash = %s WHERE seq = 2", ["wang", forged])
    # then row 2 looks fine, but row 3 no longer points at it
    assert kinds(verify_chain()) == [("link", 3)]


def test_deleting_a_middle_row_is_detected() -> None:
    write_rows(5)
    raw("DELETE FROM core_auditevent WHERE seq = 3", [])
    report = verify_chain()
    assert kinds(report) == [("gap", 4)]
    assert "序号 3 缺失" in "\n".join(report.lines())


def test_deleting_the_first_rows_is_detected() -> None:
    write_rows(5)
    raw("DELETE FROM core_auditevent WHERE seq <= 2", [])
    assert kinds(verify_chain()) == [("gap", 3)]


def test_deleting_the_last_row_is_detected() -> None:
    write_rows(5)
    raw("DELETE FROM core_auditevent WHERE seq = 5", [])
    report = verify_chain()
    assert kinds(report) == [("head", 5)]
    assert "末尾记录被删除" in "\n".join(report.lines())


def test_deleted_last_row_stays_detected_after_new_rows_are_appended() -> None:
    write_rows(5)
    raw("DELETE FROM core_auditevent WHERE seq = 5", [])
    record_audit(LI, AuditAction.VIEW_CASE, target_type="case", target_id="C-1")
    report = verify_chain()
    assert kinds(report) == [("gap", 6)]


def test_a_missing_head_row_is_reported() -> None:
    write_rows(2)
    raw("DELETE FROM core_audithead", [])
    assert kinds(verify_chain()) == [("head", None)]


def test_record_audit_costs_three_queries(django_assert_num_queries) -> None:
    # given a chain with a head
    record_audit(LI, AuditAction.VIEW_WORKBENCH)
    # then each further row: read (and lock) the head, insert the row, move the head
    with django_assert_num_queries(3):
        record_audit(LI, AuditAction.VIEW_CASE, target_type="case", target_id="C-1")


def test_details_read_back_hash_the_same() -> None:
    # dates, decimals and numbers come back from the JSON column in another form; the chain must
    # still verify
    import datetime as dt
    from decimal import Decimal

    details = {"when": dt.date(2026, 11, 1), "amount": Decimal("12.50"),
               "f": 1e-7, "i": 2**60, "s": "引号\"<>&"}  # fmt: skip
    record_audit(LI, AuditAction.PATROL_RUN, details=details)
    assert verify_chain().ok


def test_the_migration_chains_rows_written_before_the_chain() -> None:
    # given rows from before the chain (no seq or hash yet), in the order they were written
    write_rows(3)
    for i, row in enumerate(AuditEvent.objects.order_by("seq")):
        raw("UPDATE core_auditevent SET seq = %s, prev_hash = '', hash = '' WHERE id = %s",
            [-1 - i, row.pk])  # fmt: skip
    raw("DELETE FROM core_audithead", [])
    assert not verify_chain().ok
    # when the data migration runs
    migration = importlib.import_module("fazhi.core.migrations.0003_audit_chain")
    # (it only needs the editor's connection; SQLite refuses a real editor inside a test's atomic)
    migration.chain_existing_rows(apps, SimpleNamespace(connection=connection))
    # then they form a valid chain in their original order
    report = verify_chain()
    assert report.ok, report.lines()
    assert list(AuditEvent.objects.order_by("seq").values_list("target_id", flat=True)) == [
        "PB-1", "PB-2", "PB-3",
    ]  # fmt: skip


def test_verify_command_reports_in_chinese_and_exits_1_on_tampering() -> None:
    write_rows(3)
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "校验通过" in out.getvalue()
    raw("DELETE FROM core_auditevent WHERE seq = 2", [])
    out = StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("audit", "verify", stdout=out)
    assert exc.value.code == 1
    assert "校验失败" in out.getvalue()
    assert "序号 2 缺失" in out.getvalue()


def test_head_command_prints_the_head_hash() -> None:
    rows = write_rows(2)
    out = StringIO()
    call_command("audit", "head", stdout=out)
    assert "序号 2" in out.getvalue()
    assert rows[-1].hash in out.getvalue()


def test_row_command_prints_a_rows_hash_for_comparing_with_a_notarised_head() -> None:
    rows = write_rows(3)
    out = StringIO()
    call_command("audit", "row", "2", stdout=out)
    assert "序号 2" in out.getvalue()
    assert rows[1].hash in out.getvalue()
    # the action named in Chinese beside the value stored (and hashed)
    assert "推送整改（rectification.push）" in out.getvalue()
    with pytest.raises(SystemExit):
        call_command("audit", "row", "9", stdout=StringIO())


@pytest.mark.parametrize("seq", ["9", "0", "-1", "99999999999999999999", "abc", "²"])
def test_row_command_fails_in_chinese_for_a_row_that_does_not_exist(seq: str) -> None:
    # given a chain of three rows
    write_rows(3)
    out, err = StringIO(), StringIO()
    # when a row that is not there (or no row number at all) is asked for
    with pytest.raises(SystemExit) as exc:
        call_command("audit", "row", seq, stdout=out, stderr=err)
    # then the command fails with a Chinese message on stderr, printing nothing as a result
    assert exc.value.code in (1, 2)
    assert "序号" in err.getvalue()
    assert out.getvalue() == ""


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("with_head", [True, False], ids=["head", "fresh-database"])
def test_concurrent_appends_form_one_valid_chain(with_head: bool) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises all writers)")
    # given a chain with a head row (or a flushed database without one: the writers race to
    # create it), and eight writers released at once
    AuditHead.objects.all().delete()
    if with_head:
        record_audit(User(username="system"), AuditAction.PATROL_RUN)
    writers, per_writer = 8, 15
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            barrier.wait()
            for i in range(per_writer):
                record_audit(
                    User(username=f"user{n}"),
                    AuditAction.VIEW_CASE,
                    target_type="case",
                    target_id=f"C-{n}-{i}",
                )
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then every row is there, numbered without gaps, and the chain verifies
    assert not errors, errors
    report = verify_chain()
    assert report.ok, report.lines()
    assert report.rows == int(with_head) + writers * per_writer
    assert report.last_seq == report.rows
