"""The hash-chained audit log: an untouched chain verifies; altered, deleted and truncated rows
are each found by ``verify_chain`` and by ``fazhi audit verify``."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection, connections
from django.db.models import F

from fazhi.core.audit import GENESIS_HASH, event_hash, verify_chain
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


# --- tampering: every kind, each found by verify_chain and by `fazhi audit verify` -------------
#
# Each case tampers with a chain of five rows as someone with write access to the database would:
# plain UPDATE/INSERT/DELETE statements on the two tables, never through record_audit.

FORGED = "f" * 64
FIELDS = ["seq", "at", "actor", "action", "target_type", "target_id", "remote_addr", "details",
          "prev_hash"]  # fmt: skip


def edit(seq: int, /, **changes: Any) -> None:
    assert AuditEvent.objects.filter(seq=seq).update(**changes) == 1


def rehashed(seq: int, **changes: Any) -> str:
    """The hash a forger computes for row ``seq`` with ``changes``."""
    values = {**AuditEvent.objects.values(*FIELDS).get(seq=seq), **changes}
    return event_hash(**values)


def forge(like: int, **changes: Any) -> None:
    """Insert a copy of row ``like`` with ``changes`` (its hash as given, or recomputed)."""
    values = {**AuditEvent.objects.values(*FIELDS, "hash").get(seq=like), **changes}
    if values["hash"] == "recompute":
        values["hash"] = event_hash(**{k: values[k] for k in FIELDS})
    AuditEvent.objects.create(**values)


def renumber(order: list[int]) -> None:
    """Give the rows now numbered ``order`` the numbers 1, 2, … (a reordering)."""
    AuditEvent.objects.filter(seq__in=order).update(seq=-F("seq"))
    for new, old in enumerate(order, start=1):
        edit(-old, seq=new)


def head_hash(seq: int) -> str:
    return AuditEvent.objects.get(seq=seq).hash


def later(seq: int, **delta: int) -> Any:
    return AuditEvent.objects.get(seq=seq).at + timedelta(**delta)


def append_after_deleting_the_last() -> None:
    AuditEvent.objects.filter(seq=5).delete()
    record_audit(LI, AuditAction.VIEW_CASE, target_type="case", target_id="C-1")


def insert_in_the_middle() -> None:
    # rows 3–5 become 4–6 (their stored hashes kept), a forged row 3 linked to row 2
    for seq in (5, 4, 3):
        edit(seq, seq=seq + 1)
    forge(2, seq=3, prev_hash=head_hash(2), actor="wang", hash="recompute")


TAMPERING: list[tuple[str, Callable[[], object], list[tuple[str, int | None]], str]] = [
    # (what, how, the problems found in seq order, a line of the report)
    ("action", lambda: edit(3, action="problem.dismiss"), [("altered", 3)],
     "序号 3 的内容与其哈希不符：记录被修改"),
    ("actor", lambda: edit(3, actor="wang"), [("altered", 3)], "序号 3 的内容与其哈希不符"),
    ("target type", lambda: edit(3, target_type="case"), [("altered", 3)], "序号 3 的内容"),
    ("target id", lambda: edit(3, target_id="PB-9"), [("altered", 3)], "序号 3 的内容"),
    ("remote address", lambda: edit(3, remote_addr="10.0.0.8"), [("altered", 3)], "序号 3 的内容"),
    ("details replaced", lambda: edit(3, details={"comment": "已撤回"}), [("altered", 3)],
     "序号 3 的内容"),
    ("details, one nested value", lambda: edit(3, details={
        **AuditEvent.objects.get(seq=3).details, "nested": {"b": [2, "二"], "a": None}}),
     [("altered", 3)], "序号 3 的内容"),
    ("time, by a microsecond", lambda: edit(3, at=later(3, microseconds=1)), [("altered", 3)],
     "序号 3 的内容"),
    ("seq", lambda: edit(3, seq=30),
     [("gap", 4), ("gap", 30), ("altered", 30), ("head", 5)], "序号 6–29 缺失"),
    ("prev_hash", lambda: edit(3, prev_hash=FORGED), [("link", 3), ("altered", 3)],
     "序号 3 的前一哈希与序号 2 的哈希不符：链条断裂"),
    ("hash", lambda: edit(3, hash=FORGED), [("altered", 3), ("link", 4)],
     "序号 4 的前一哈希与序号 3 的哈希不符"),
    ("edited, its hash recomputed",
     lambda: edit(3, actor="wang", hash=rehashed(3, actor="wang")), [("link", 4)],
     "序号 4 的前一哈希与序号 3 的哈希不符"),
    ("first row edited", lambda: edit(1, actor="wang"), [("altered", 1)], "序号 1 的内容"),
    ("first row edited, its hash recomputed",
     lambda: edit(1, actor="wang", hash=rehashed(1, actor="wang")), [("link", 2)],
     "序号 2 的前一哈希与序号 1 的哈希不符"),
    ("first row given a predecessor, its hash recomputed",
     lambda: edit(1, prev_hash=FORGED, hash=rehashed(1, prev_hash=FORGED)),
     [("link", 1), ("link", 2)], "序号 1 的前一哈希与起始值不符"),
    ("middle row deleted", lambda: AuditEvent.objects.filter(seq=3).delete(), [("gap", 4)],
     "序号 3 缺失：审计记录被删除（在序号 4 之前）"),
    ("first row deleted", lambda: AuditEvent.objects.filter(seq=1).delete(), [("gap", 2)],
     "序号 1 缺失"),
    ("first rows deleted", lambda: AuditEvent.objects.filter(seq__lte=2).delete(),
     [("gap", 3)], "序号 1–2 缺失"),
    ("last row deleted", lambda: AuditEvent.objects.filter(seq=5).delete(), [("head", 5)],
     "链头为序号 5，但最后一条记录为序号 4：末尾记录被删除"),
    ("last rows deleted", lambda: AuditEvent.objects.filter(seq__gte=4).delete(),
     [("head", 5)], "最后一条记录为序号 3：末尾记录被删除"),
    ("every row deleted", lambda: AuditEvent.objects.all().delete(), [("head", 5)],
     "末尾记录被删除"),
    ("last row deleted, then rows appended", append_after_deleting_the_last, [("gap", 6)],
     "序号 5 缺失"),
    ("head deleted", lambda: AuditHead.objects.all().delete(), [("head", None)],
     "链头记录缺失：无法确认末尾记录是否被删除"),
    ("last row and head deleted", lambda: (AuditEvent.objects.filter(seq=5).delete(),
                                           AuditHead.objects.all().delete()),
     [("head", None)], "链头记录缺失"),
    ("head hash altered", lambda: AuditHead.objects.update(hash=FORGED), [("head", 5)],
     "链头（序号 5）与最后一条记录（序号 5）不符：链头或末尾被改动"),
    ("head moved back a row", lambda: AuditHead.objects.update(seq=4, hash=head_hash(4)),
     [("head", 4)], "链头（序号 4）与最后一条记录（序号 5）不符"),
    ("head moved forward", lambda: AuditHead.objects.update(seq=7), [("head", 7)],
     "链头为序号 7，但最后一条记录为序号 5"),
    ("forged row appended", lambda: forge(5, seq=6, prev_hash=head_hash(5), hash=FORGED),
     [("altered", 6), ("head", 5)], "序号 6 的内容与其哈希不符"),
    ("forged row appended, its hash recomputed",
     lambda: forge(5, seq=6, prev_hash=head_hash(5), actor="wang", hash="recompute"),
     [("head", 5)], "链头（序号 5）与最后一条记录（序号 6）不符"),
    ("forged row inserted in the middle, its hash recomputed", insert_in_the_middle,
     [("link", 4), ("altered", 4), ("altered", 5), ("altered", 6), ("head", 5)],
     "序号 4 的前一哈希与序号 3 的哈希不符"),
    ("forged row before the first", lambda: forge(1, seq=0, hash="recompute"),
     [("order", 0)], "序号 0 不在链中（序号从 1 起）：记录被插入或序号被改动"),
    ("row duplicated", lambda: forge(3, seq=6), [("link", 6), ("altered", 6), ("head", 5)],
     "序号 6 的前一哈希与序号 5 的哈希不符"),
    ("row duplicated, relinked and rehashed",
     lambda: forge(3, seq=6, prev_hash=head_hash(5), hash="recompute"), [("head", 5)],
     "与最后一条记录（序号 6）不符"),
    ("two rows' seq swapped", lambda: renumber([1, 4, 3, 2, 5]),
     [("link", 2), ("altered", 2), ("link", 3), ("link", 4), ("altered", 4), ("link", 5)],
     "序号 2 的前一哈希与序号 1 的哈希不符"),
    ("rows reordered (the first moved to the end)", lambda: renumber([2, 3, 4, 5, 1]),
     [("link", 1), ("altered", 1), ("altered", 2), ("altered", 3), ("altered", 4), ("link", 5),
      ("altered", 5), ("head", 5)],
     "序号 1 的前一哈希与起始值不符"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("tamper", "problems", "line"),
    [pytest.param(how, problems, line, id=what) for what, how, problems, line in TAMPERING],
)
def test_every_kind_of_tampering_is_found(
    tamper: Callable[[], object], problems: list[tuple[str, int | None]], line: str
) -> None:
    # given an intact chain of five rows
    write_rows(5)
    assert verify_chain().ok
    # when it is tampered with
    tamper()
    # then verify_chain finds exactly these problems, reading in several chunks
    report = verify_chain(chunk_size=2)
    assert not report.ok
    assert kinds(report) == problems
    assert line in "\n".join(report.lines())
    # and `fazhi audit verify` says so and exits with status 1
    out = StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("audit", "verify", stdout=out)
    assert exc.value.code == 1
    assert "校验失败" in out.getvalue()
    assert line in out.getvalue()


def test_the_verify_command_passes_an_intact_chain() -> None:
    write_rows(3)
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "校验通过" in out.getvalue()


def test_a_truncation_that_also_moves_the_head_back_needs_the_head_written_down() -> None:
    # given a chain whose head (row 5) was written down outside the database
    write_rows(5)
    noted = AuditHead.objects.get()
    # when the last row is deleted and the head moved back to row 4
    AuditEvent.objects.filter(seq=5).delete()
    AuditHead.objects.update(seq=4, hash=head_hash(4))
    # then the chain itself is consistent (as any rebuilt chain would be) ...
    assert verify_chain().ok
    # ... but the row the written-down head names is gone (`fazhi audit row 5` exits 1)
    with pytest.raises(SystemExit) as exc:
        call_command("audit", "row", str(noted.seq), stdout=StringIO())
    assert exc.value.code == 1


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
