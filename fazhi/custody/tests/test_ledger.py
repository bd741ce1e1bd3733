"""The property and deposit ledgers: reconciliation on hand-written cases (each difference, and
its edge), and on a generated county (every injected gap of GF-CW-01, 03, 04 and 05's missing
入库 is found)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from fazhi.core.timezones import SHANGHAI
from fazhi.custody import ledger
from fazhi.records import models as m


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


AS_OF = sh(2026, 10, 20)


@pytest.fixture
def case(bureau: Any) -> m.Case:
    return m.Case.objects.create(
        id="C-1", kind="刑事", cause="盗窃", unit=bureau.units["south"],
        lead_officer=bureau.officers["zhang"], accepted_at=sh(2026, 9, 1, 9), status="立案",
    )  # fmt: skip


def item(case: m.Case, pk: str, seized: datetime, **kw: Any) -> m.Property:
    kw.setdefault("status", "在库")
    return m.Property.objects.create(
        id=pk, case=case, name=f"物品{pk}", category="其他", quantity=1, seized_at=seized, **kw
    )


def event(case: m.Case, pk: str, kind: str, at: datetime, prop: m.Property) -> m.Event:
    return m.Event.objects.create(id=pk, kind=kind, at=at, case=case, property=prop)


def move(prop: m.Property, pk: str, kind: str, at: datetime, **kw: Any) -> m.PropertyMovement:
    return m.PropertyMovement.objects.create(id=pk, property=prop, kind=kind, at=at, **kw)


def reconcile() -> ledger.Reconciliation:
    return ledger.reconcile(
        m.Property.objects.all(), m.PropertyMovement.objects.all(), m.Event.objects.all(), AS_OF
    )


def found(rec: ledger.Reconciliation) -> dict[str, set[str]]:
    return {
        key: {d.record_id or d.property_id for d in rows} for key, rows in rec.lists.items() if rows
    }


def test_a_clean_chain_has_no_difference(case) -> None:
    # given an item seized, stored 5 h later (event and movement 10 min apart), borrowed and
    # brought back in time, then returned to its owner (event and movement)
    p = item(case, "P1", sh(2026, 9, 2, 10))
    event(case, "E1", "财物入库", sh(2026, 9, 2, 15), p)
    move(p, "L1", "入库", sh(2026, 9, 2, 15, 10))
    move(p, "L2", "调用", sh(2026, 9, 4, 9), due_back_at=sh(2026, 9, 7, 9))
    move(p, "L3", "归还", sh(2026, 9, 7, 9))
    event(case, "E2", "财物返还", sh(2026, 9, 20, 10), p)
    move(p, "L4", "返还", sh(2026, 9, 20, 10))
    # when reconciled / then nothing
    rec = reconcile()
    assert rec.count == 0, found(rec)


def test_each_difference_on_its_own_item(case) -> None:
    # P1: the custodian recorded 入库 but the case has no 财物入库 (movement without event), and
    #     it was stored 30 h after seizure (not stored within 24 h)
    p1 = item(case, "P1", sh(2026, 9, 2, 10))
    move(p1, "L1", "入库", sh(2026, 9, 3, 16))
    # P2: a 财物处置 in the case, nothing in the chain (event without movement); stored in time
    p2 = item(case, "P2", sh(2026, 9, 2, 10), status="已销毁")
    event(case, "E2", "财物入库", sh(2026, 9, 2, 12), p2)
    move(p2, "L2", "入库", sh(2026, 9, 2, 12))
    event(case, "E3", "财物处置", sh(2026, 9, 30, 10), p2)
    # P3: borrowed with a return date and brought back an hour late; P4 borrowed without a date
    #     on Monday 09-07 and never back (7 days end with 09-14)
    p3 = item(case, "P3", sh(2026, 9, 2, 10))
    event(case, "E4", "财物入库", sh(2026, 9, 2, 12), p3)
    move(p3, "L3", "入库", sh(2026, 9, 2, 12))
    move(p3, "L4", "调用", sh(2026, 9, 4, 9), due_back_at=sh(2026, 9, 7, 9))
    move(p3, "L5", "归还", sh(2026, 9, 7, 10))
    p4 = item(case, "P4", sh(2026, 9, 2, 10))
    event(case, "E5", "财物入库", sh(2026, 9, 2, 12), p4)
    move(p4, "L6", "入库", sh(2026, 9, 2, 12))
    move(p4, "L7", "调用", sh(2026, 9, 7, 9))
    # P5: found unrelated on 09-07 and never returned
    p5 = item(case, "P5", sh(2026, 9, 2, 10), unrelated=True, unrelated_at=sh(2026, 9, 7, 10))
    event(case, "E6", "财物入库", sh(2026, 9, 2, 12), p5)
    move(p5, "L8", "入库", sh(2026, 9, 2, 12))
    # when reconciled
    rec = reconcile()
    # then each is listed where it belongs, and nowhere else
    assert found(rec) == {
        "movement_without_event": {"L1"},
        "event_without_movement": {"E3"},
        "not_stored": {"P1"},
        "borrow_overdue": {"L4", "L7"},
        "unrelated_not_returned": {"P5"},
    }
    by_id = {d.record_id: d for d in rec.lists["borrow_overdue"]}
    assert (by_id["L4"].due, by_id["L4"].done) == (sh(2026, 9, 7, 9), sh(2026, 9, 7, 10))
    assert by_id["L7"].due == sh(2026, 9, 15)
    assert by_id["L7"].done is None


def test_edges_of_the_limits(case) -> None:
    # stored exactly 24 h after seizure; brought back exactly at the date; an unrelated item
    # found Tuesday 09-29 and returned 10-08 (3 days roll over the National Day holiday); an
    # event and a movement 23 h apart still match
    p1 = item(case, "P1", sh(2026, 9, 2, 10))
    event(case, "E1", "财物入库", sh(2026, 9, 3, 10), p1)
    move(p1, "L1", "入库", sh(2026, 9, 2, 11))
    move(p1, "L2", "调用", sh(2026, 9, 4, 9), due_back_at=sh(2026, 9, 7, 9))
    move(p1, "L3", "归还", sh(2026, 9, 7, 9))
    p2 = item(case, "P2", sh(2026, 9, 20, 10), unrelated=True, unrelated_at=sh(2026, 9, 29, 10))
    event(case, "E2", "财物入库", sh(2026, 9, 20, 12), p2)
    move(p2, "L4", "入库", sh(2026, 9, 20, 12))
    move(p2, "L5", "返还", sh(2026, 10, 8, 20))
    event(case, "E3", "财物返还", sh(2026, 10, 8, 20), p2)
    # and one stored (event and movement) exactly 24 h after its seizure
    p3 = item(case, "P3", sh(2026, 9, 2, 10))
    event(case, "E4", "财物入库", sh(2026, 9, 3, 10), p3)
    move(p3, "L6", "入库", sh(2026, 9, 3, 10))
    rec = reconcile()
    assert rec.count == 0, found(rec)


def test_a_store_without_movements_says_so(case) -> None:
    # given a bureau on FZX v1.0: events only
    p = item(case, "P1", sh(2026, 9, 2, 10))
    event(case, "E1", "财物入库", sh(2026, 9, 2, 12), p)
    rec = reconcile()
    # then the chain is not reconciled (no 750 "events without movement"), and it says why
    assert rec.has_movements is False
    assert rec.count == 0


def test_deposit_ledger(case, bureau) -> None:
    person = m.Person.objects.create(id="S-1", case=case, name="马六", role="犯罪嫌疑人")
    other = m.Person.objects.create(id="S-2", case=case, name="牛七", role="犯罪嫌疑人")

    def bail(pk: str, who: m.Person, amount: int, ended: datetime | None) -> m.Measure:
        return m.Measure.objects.create(
            id=pk, case=case, person=who, kind="取保候审", started_at=sh(2026, 9, 3, 10),
            ended_at=ended, deposit_amount=Decimal(amount),
        )  # fmt: skip

    bail("B1", person, 3000, sh(2026, 10, 1, 10))  # returned
    m.Event.objects.create(
        id="E1", kind="退还保证金", at=sh(2026, 10, 2), case=case, measure_id="B1"
    )
    bail("B2", other, 5000, sh(2026, 10, 1, 10))  # ended, still held: a difference
    b3 = bail("B3", person, 2000, None)  # confiscated
    m.Event.objects.create(id="E2", kind="没收保证金", at=sh(2026, 9, 20), case=case, measure=b3)
    # a 退还保证金 for a measure without deposit
    m.Measure.objects.create(
        id="B4", case=case, person=other, kind="监视居住", started_at=sh(2026, 9, 3, 10)
    )
    m.Event.objects.create(
        id="E3", kind="退还保证金", at=sh(2026, 10, 2), case=case, measure_id="B4"
    )
    rows = ledger.deposits(m.Measure.objects.all(), AS_OF)
    totals = ledger.deposit_totals(rows)[""]
    got = (totals.count, totals.received, totals.returned, totals.confiscated, totals.outstanding)
    assert got == (3, Decimal(10000), Decimal(3000), Decimal(2000), Decimal(5000))
    diffs = ledger.deposit_differences(rows, m.Event.objects.all(), AS_OF)
    assert [r.pk for r in diffs["held_after_end"]] == ["B2"]
    assert [r.pk for r in diffs["event_without_deposit"]] == ["E3"]
    assert list(diffs["returned_and_confiscated"]) == []
    # within the 3 days after the end it is not yet a difference
    early = ledger.deposits(m.Measure.objects.all(), sh(2026, 10, 3))
    held = ledger.deposit_differences(early, m.Event.objects.all(), sh(2026, 10, 3))
    assert list(held["held_after_end"]) == []


def test_the_generated_countys_injected_gaps_are_found(tmp_path, db) -> None:
    # given a generated small county imported, with its truth
    import io
    import json

    from django.core.management import call_command

    from fazhi.core.services import system_user
    from fazhi.exchange.services import import_bundle
    from fazhi.synth.services import truth_path

    out = tmp_path / "county.jsonl"
    call_command(
        "generate", "--scale", "demo", "--seed", "3", "--out", str(out), stdout=io.StringIO()
    )
    assert import_bundle([out], actor=system_user()).ok
    lines = truth_path(out).read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    truth = [json.loads(line) for line in lines[1:]]
    as_of = datetime.fromisoformat(header["as_of"])
    # when reconciled at the generator's as_of, everything listed
    rec = ledger.reconcile(
        m.Property.objects.all(), m.PropertyMovement.objects.all(), m.Event.objects.all(),
        as_of, limit=None,
    )  # fmt: skip
    got = found(rec)

    def injected(rule: str) -> set[str]:
        return {r["subject_id"] for r in truth if r["rule"] == rule}

    # then every item never stored in 24 h (GF-CW-01), every loan not back (GF-CW-03), every
    # unrelated item not returned (GF-CW-04) is listed
    assert injected("GF-CW-01")
    assert injected("GF-CW-01") <= got.get("not_stored", set())
    assert injected("GF-CW-03")
    assert injected("GF-CW-03") <= got.get("borrow_overdue", set())
    assert injected("GF-CW-04") <= got.get("unrelated_not_returned", set())
    # and the 财物入库 events whose 入库 the chain lacks (GF-CW-05 no_store) are listed
    no_store = {r["subject_id"] for r in truth if r["rule"] == "GF-CW-05"}
    lonely_props = {d.property_id for d in rec.lists.get("event_without_movement", [])}
    moved = dict(
        m.PropertyMovement.objects.filter(pk__in=no_store).values_list("pk", "property_id")
    )
    wrong_first = {
        pid for pk, pid in moved.items()
        if not m.PropertyMovement.objects.filter(property_id=pid, kind="入库").exists()
    }  # fmt: skip
    assert wrong_first
    assert wrong_first <= lonely_props
