"""The problem ledger export (整改台账 .xlsx): the list's filters and data scope, text kept as text,
and every export audited with its row count."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from fazhi.core.models import AuditEvent
from fazhi.rectification.services.creation import push_problem
from fazhi.rectification.services.transitions import submit_fix
from fazhi.rectification.tests.conftest import T0

pytestmark = pytest.mark.django_db


def export_rows(client: Client, query: str = "") -> list[tuple[Any, ...]]:
    response = client.get(f"/problems/export.xlsx{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


def signed_in(bureau: Any, name: str) -> Client:
    client = Client()
    client.force_login(bureau.users[name])
    return client


@pytest.fixture
def ledger(bureau: Any, make_finding: Any) -> dict[str, Any]:
    # given two problems in 城南 (张伟's, one of them fixed and waiting for review) and one in
    # 城北 (赵强's)
    south = push_problem(make_finding("zhang"), actor=bureau.users["li"], now=T0)
    fixed = push_problem(make_finding("zhang"), actor=bureau.users["li"], now=T0)
    submit_fix(fixed, actor=bureau.users["zhang"], comment="已补开回执", now=T0)
    north = push_problem(make_finding("zhao"), actor=bureau.users["wang"], now=T0)
    return {"south": south, "fixed": fixed, "north": north}


def test_a_legal_officer_exports_his_units_open_problems(bureau: Any, ledger: Any) -> None:
    rows = export_rows(signed_in(bureau, "li"))
    # then the sheet holds a header and 城南's two unfinished problems, not 城北's
    assert rows[0][:3] == ("编号", "规则", "规则名称")
    assert sorted(r[0] for r in rows[1:]) == sorted([ledger["south"].pk, ledger["fixed"].pk])
    assert {r[6] for r in rows[1:]} == {"城南派出所"}
    # people by name and 警号, never by login name; the finding's subject by its Chinese type
    assert {r[7] for r in rows[1:]} == {"张伟（O-001）"}
    assert {r[13] for r in rows[1:]} == {"李娜（O-003）"}  # pushed by li
    assert {r[17] for r in rows[1:]} <= {"强制措施", "案件", "执法行为", "笔录", "文书", "人员"}
    # and the export is in the audit log with its row count
    event = AuditEvent.objects.get(actor="li", action="export.problems")
    assert event.details["count"] == 2


def test_the_export_applies_the_list_filters(bureau: Any, ledger: Any) -> None:
    rows = export_rows(signed_in(bureau, "li"), "?status=fixed")
    assert [r[0] for r in rows[1:]] == [ledger["fixed"].pk]
    assert rows[1][4] == "已整改待审核"
    event = AuditEvent.objects.get(actor="li", action="export.problems")
    assert event.details["filters"] == {"status": "fixed"}


def test_an_officer_exports_only_his_own_problems(bureau: Any, ledger: Any) -> None:
    rows = export_rows(signed_in(bureau, "zhao"))
    assert [r[0] for r in rows[1:]] == [ledger["north"].pk]


def test_the_bureau_sees_every_unit_and_overdue_is_marked(bureau: Any, ledger: Any) -> None:
    rows = export_rows(signed_in(bureau, "wu"))
    assert len(rows) == 4
    # the problems were due days after T0 (2026-03); today they are long overdue, unless fixed
    overdue = {r[0]: r[11] for r in rows[1:]}
    assert overdue[ledger["south"].pk] == "是"
    assert overdue[ledger["fixed"].pk] == "否"


def test_a_formula_like_name_stays_text(bureau: Any, ledger: Any) -> None:
    bureau.officers["zhang"].name = '=HYPERLINK("http://x","点我")'
    bureau.officers["zhang"].save()
    client = signed_in(bureau, "li")
    response = client.get("/problems/export.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active  # type: ignore[attr-defined]
    assert sheet is not None
    cell = sheet.cell(row=2, column=8)
    assert cell.value == '=HYPERLINK("http://x","点我")（O-001）'
    assert cell.data_type == "s"


def test_the_ledger_has_an_auto_filter_over_its_rows(bureau: Any, ledger: Any) -> None:
    # given 城南's two problems / when li exports / then the header filters every row
    response = signed_in(bureau, "li").get("/problems/export.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active  # type: ignore[attr-defined]
    assert sheet is not None
    assert sheet.auto_filter.ref == "A1:S3"


def test_the_export_needs_sign_in(ledger: Any) -> None:
    response = Client().get("/problems/export.xlsx")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert not AuditEvent.objects.filter(action="export.problems").exists()


def test_the_list_links_to_the_export_with_its_filters(bureau: Any, ledger: Any) -> None:
    page = signed_in(bureau, "li").get("/problems/?status=fixed&overdue=1").content.decode()
    assert 'href="/problems/export.xlsx?status=fixed&amp;overdue=1"' in page
