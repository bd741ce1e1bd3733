"""The reconciliation stored per patrol run: the tick's step stores exactly what ``reconcile``
finds at the run's moment, once per run; the 核对差异 page reads it within the viewer's scope, in
a number of queries that does not grow with the differences."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fazhi.core.models import AuditEvent
from fazhi.core.services import system_user
from fazhi.custody import ledger
from fazhi.custody.models import Reconciled, StoredDifference
from fazhi.custody.services import refresh_differences
from fazhi.custody.tests.test_ledger import AS_OF, event, item, move, sh
from fazhi.patrol.models import PatrolRun, RunMode
from fazhi.records import models as m

pytestmark = pytest.mark.django_db


def patrol_run(as_of: Any = AS_OF) -> PatrolRun:
    """A finished patrol run at ``as_of`` (what ``run_patrol`` leaves; its findings do not
    matter here)."""
    return PatrolRun.objects.create(
        as_of=as_of, finished_at=as_of, mode=RunMode.FULL, actor="system", watermark=as_of
    )


def gaps(case: m.Case, prefix: str, n: int) -> None:
    """``n`` items of ``case`` stored by the custodian 30 h after seizure with no 财物入库 in
    the case: each is a 有流转记录无执法记录 and a 未在24小时内入库."""
    for i in range(n):
        p = item(case, f"{prefix}{i}", sh(2026, 9, 2, 10))
        move(p, f"{prefix}L{i}", "入库", sh(2026, 9, 3, 16))


@pytest.fixture
def cases(bureau: Any) -> dict[str, m.Case]:
    out = {}
    for key, pk, unit, lead in (
        ("south", "C-1", "south", "zhang"),
        ("north", "C-2", "north", "zhao"),
    ):
        out[key] = m.Case.objects.create(
            id=pk, kind="刑事", cause="盗窃", unit=bureau.units[unit],
            lead_officer=bureau.officers[lead], accepted_at=sh(2026, 9, 1, 9), status="立案",
        )  # fmt: skip
    return out


def client(bureau: Any, who: str) -> Client:
    c = Client()
    c.force_login(bureau.users[who])
    return c


def test_the_tick_stores_the_runs_reconciliation_once(cases) -> None:
    # given a 城南 item borrowed and never back, one unrelated and kept, a 城北 gap, and a
    # finished patrol run at AS_OF
    p = item(cases["south"], "P1", sh(2026, 9, 2, 10))
    event(cases["south"], "E1", "财物入库", sh(2026, 9, 2, 12), p)
    move(p, "L1", "入库", sh(2026, 9, 2, 12))
    move(p, "L2", "调用", sh(2026, 9, 7, 9))
    kept = item(
        cases["south"], "P2", sh(2026, 9, 2, 10), unrelated=True, unrelated_at=sh(2026, 9, 7, 10)
    )
    event(cases["south"], "E2", "财物入库", sh(2026, 9, 2, 12), kept)
    move(kept, "L3", "入库", sh(2026, 9, 2, 12))
    gaps(cases["north"], "N", 1)
    run = patrol_run()
    # when the tick's step runs
    result = refresh_differences(sh(2026, 10, 20, 1), system_user())
    # then every difference reconcile finds at the run's moment is stored, with its unit
    live = ledger.reconcile(
        m.Property.objects.all(), m.PropertyMovement.objects.all(), m.Event.objects.all(), AS_OF,
        limit=None,
    )  # fmt: skip
    stored = Reconciled.objects.get()
    assert (stored.patrol_run, stored.as_of, stored.total, result["stored"]) == (
        run.pk, AS_OF, live.count, 4,
    )  # fmt: skip
    assert sorted(
        StoredDifference.objects.values_list("kind", "record_id", "property_id", "unit_id", "due")
    ) == sorted(
        (d.kind, d.record_id, d.property_id, d.unit_id, d.due)
        for rows in live.lists.values()
        for d in rows
    )
    assert {d.kind for d in StoredDifference.objects.all()} == {
        "borrow_overdue", "unrelated_not_returned", "movement_without_event", "not_stored",
    }  # fmt: skip
    audit = AuditEvent.objects.filter(action="custody.refresh").get()
    assert (audit.target_id, audit.details["patrol_run"]) == (str(stored.pk), run.pk)
    # when the tick runs again before another patrol / then nothing is stored or audited again
    assert refresh_differences(sh(2026, 10, 20, 2), system_user())["stored"] is None
    assert AuditEvent.objects.filter(action="custody.refresh").count() == 1
    # when the next run finds one more gap / then it replaces the previous run's differences
    gaps(cases["south"], "S", 1)
    patrol_run(sh(2026, 10, 21))
    assert refresh_differences(sh(2026, 10, 21, 1), system_user())["stored"] == 6
    assert Reconciled.objects.get().as_of == sh(2026, 10, 21)
    assert StoredDifference.objects.count() == 6


def test_no_patrol_run_nothing_stored(cases) -> None:
    gaps(cases["south"], "S", 1)
    assert refresh_differences(sh(2026, 10, 20, 1), system_user()) == {"stored": None}
    assert not Reconciled.objects.exists()


def test_the_page_reads_the_stored_run_within_the_scope(bureau, cases) -> None:
    # given a gap in each station, reconciled at the patrol run
    gaps(cases["south"], "S", 1)
    gaps(cases["north"], "N", 1)
    patrol_run()
    refresh_differences(sh(2026, 10, 20, 1), system_user())
    # and a gap recorded after the run (the next run will find it)
    gaps(cases["south"], "LATE", 1)
    # when 城南's 法制员 opens the page / then his station's run-time differences, as of the run
    page = client(bureau, "li").get("/custody/differences/").content.decode()
    assert "物品S0" in page
    assert "物品N0" not in page
    assert "物品LATE0" not in page
    assert "截至 2026-10-20 00:00" in page
    assert "按最近一次巡查的时点核对" in page
    # 城北's 法制员 his own; 张伟 (民警) his own case's; 赵强 not 城南's
    assert "物品N0" in client(bureau, "wang").get("/custody/differences/").content.decode()
    assert "物品S0" in client(bureau, "zhang").get("/custody/differences/").content.decode()
    assert "物品S0" not in client(bureau, "zhao").get("/custody/differences/").content.decode()


def test_the_stored_page_queries_do_not_grow(bureau, cases) -> None:
    li = client(bureau, "li")
    li.get("/custody/")  # the first request after signing in also refreshes the session

    def count() -> int:
        StoredDifference.objects.all().delete()
        Reconciled.objects.all().delete()
        patrol_run()
        refresh_differences(sh(2026, 10, 20, 1), system_user())
        with CaptureQueriesContext(connection) as ctx:
            response = li.get("/custody/differences/")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    gaps(cases["south"], "A", 2)
    few = count()
    gaps(cases["south"], "B", 18)
    many = count()
    assert StoredDifference.objects.filter(unit_id="U-CN").count() == 40
    assert many == few
