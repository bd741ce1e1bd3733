"""The ledger pages: scoped by unit, the export, the case ledger with its chain."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from fazhi.core.models import AuditEvent
from fazhi.custody.tests.test_ledger import event, item, move, sh
from fazhi.records import models as m


@pytest.fixture
def store(bureau: Any) -> Any:
    case = m.Case.objects.create(
        id="C-1", kind="刑事", cause="盗窃", unit=bureau.units["south"],
        lead_officer=bureau.officers["zhang"], accepted_at=sh(2026, 9, 1, 9), status="立案",
    )  # fmt: skip
    p = item(case, "P1", sh(2026, 9, 2, 10), location="A区-01-02")
    event(case, "E1", "财物入库", sh(2026, 9, 2, 12), p)
    move(p, "L1", "入库", sh(2026, 9, 2, 12))
    move(p, "L2", "调用", sh(2026, 9, 4, 9), due_back_at=sh(2026, 9, 7, 9))
    return bureau


def client(bureau: Any, who: str) -> Client:
    c = Client()
    c.force_login(bureau.users[who])
    return c


def test_the_ledger_is_scoped_by_unit(store) -> None:
    mine = client(store, "li").get("/custody/").content.decode()
    assert "物品P1" in mine
    assert "调用中" in mine
    assert "A区-01-02" in mine
    assert "物品P1" not in client(store, "wang").get("/custody/").content.decode()


def test_the_case_ledger_shows_the_chain_and_the_overdue_loan(store) -> None:
    page = client(store, "li").get("/custody/case/C-1/").content.decode()
    assert "调用逾期未归还" in page
    assert "2026-09-07 09:00" in page
    assert client(store, "wang").get("/custody/case/C-1/").status_code == 404


def test_differences_and_deposits_render(store) -> None:
    li = client(store, "li")
    assert "调用逾期未归还" in li.get("/custody/differences/").content.decode()
    assert li.get("/custody/deposits/").status_code == 200


def test_the_export_writes_the_register_and_is_audited(store) -> None:
    response = client(store, "li").get("/custody/export.xlsx")
    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    ws = load_workbook(io.BytesIO(data)).active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "编号"
    assert (rows[1][0], rows[1][10]) == ("P1", "调用中")
    row = AuditEvent.objects.filter(action="export.custody").get()
    assert row.details["count"] == 1


def test_the_register_filters_by_where_the_chain_leaves_the_item(store) -> None:
    li = client(store, "li")
    assert "物品P1" in li.get("/custody/?place=调用中").content.decode()
    assert "物品P1" not in li.get("/custody/?place=在库").content.decode()
    assert "物品P1" not in li.get("/custody/?place=无流转记录").content.decode()
