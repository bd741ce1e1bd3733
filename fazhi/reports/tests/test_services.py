"""Who may generate and download which reports (refused users called directly), the audit rows,
the schedule of the tick by the clock, and the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from docx import Document

from fazhi.core.models import AuditEvent
from fazhi.reports import services
from fazhi.reports.models import Report

from .conftest import sh

NOW = sh(2026, 10, 12, 9)


@pytest.mark.parametrize("who", ["zhou", "wu", "admin"])
def test_the_bureau_roles_generate_the_bureau_report(world: Any, bureau: Any, who: str) -> None:
    report = services.generate_report(actor=bureau.users[who], kind="daily",
                                      period="2026-10-11", now=NOW)  # fmt: skip
    assert report.unit_id is None
    assert report.generated_by == who
    event = AuditEvent.objects.filter(action="report.generate").latest("pk")
    assert event.target_id == str(report.pk)
    assert event.actor == who


@pytest.mark.parametrize("who", ["sun", "li"])
def test_a_unit_leader_or_legal_officer_gets_his_units_report(
    world: Any, bureau: Any, who: str
) -> None:
    report = services.generate_report(actor=bureau.users[who], kind="weekly",
                                      period="2026-W41", unit_id="U-CN", now=NOW)  # fmt: skip
    assert report.unit_id == "U-CN"


@pytest.mark.parametrize(
    ("who", "unit"),
    [("sun", None), ("li", None), ("li", "U-CB"), ("wang", "U-CN"), ("zhang", "U-CN"),
     ("zhang", None)],
)  # fmt: skip
def test_refused_users_generate_nothing(
    world: Any, bureau: Any, who: str, unit: str | None
) -> None:
    # given a user without the unit (or the bureau) in his scope / when he asks / then refused
    with pytest.raises(PermissionDenied):
        services.generate_report(actor=bureau.users[who], kind="daily", period="2026-10-11",
                                 unit_id=unit, now=NOW)  # fmt: skip
    assert not Report.objects.exists()


def test_download_is_audited_and_refused_out_of_scope(world: Any, bureau: Any, system: Any) -> None:
    report = services.generate_report(actor=system, kind="daily", period="2026-10-11",
                                      unit_id="U-CN", now=NOW)  # fmt: skip
    path, name = services.open_report(report, "docx", actor=bureau.users["sun"])
    assert path.is_file()
    assert name.endswith(".docx")
    event = AuditEvent.objects.filter(action="report.download").latest("pk")
    assert (event.actor, event.target_id, event.details["format"]) == (
        "sun",
        str(report.pk),
        "docx",
    )
    for who in ("wang", "zhang"):
        with pytest.raises(PermissionDenied):
            services.open_report(report, "xlsx", actor=bureau.users[who])
    bureau_report = services.generate_report(actor=system, kind="daily", period="2026-10-11",
                                             now=NOW)  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.open_report(bureau_report, "docx", actor=bureau.users["sun"])


def _issued(now: Any, system: Any) -> list[tuple[str, str]]:
    services.tick_reports(now, system)
    return sorted(Report.objects.filter(scheduled=True).values_list("kind", "period"))


def test_the_tick_issues_each_report_on_its_schedule(
    world: Any, system: Any, settings: Any
) -> None:
    settings.REPORT_UNITS = False  # the clock alone: the bureau's reports
    # given Monday 5 October 2026 (the first Monday of Q4) before 08:00: only September's
    # 月考评, due since the 3rd and not yet issued (a missed tick catches up)
    assert _issued(sh(2026, 10, 5, 7, 59), system) == [("monthly", "2026-09")]
    # at 08:00: yesterday's 日巡查, last week's 周通报 and the third quarter's 季分析 (the 5th)
    assert _issued(sh(2026, 10, 5, 8, 0), system) == [
        ("daily", "2026-10-04"), ("monthly", "2026-09"), ("quarterly", "2026-Q3"),
        ("weekly", "2026-W40"),
    ]  # fmt: skip
    # repeated within the day: nothing twice
    assert Report.objects.count() == 4
    services.tick_reports(sh(2026, 10, 5, 12), system)
    assert Report.objects.count() == 4
    # Tuesday 08:00: only the new day
    assert ("daily", "2026-10-05") in _issued(sh(2026, 10, 6, 8, 1), system)
    assert Report.objects.count() == 5


def test_the_schedule_can_be_switched_off(world: Any, system: Any, settings: Any) -> None:
    settings.REPORT_SCHEDULE = False
    assert _issued(sh(2026, 10, 5, 9), system) == []


def test_the_schedule_waits_for_the_third_and_the_fifth(world: Any, system: Any) -> None:
    # Friday 2 October 2026, 09:00: the day and the week (due since Monday), not yet the month
    # (the 3rd) nor the quarter (the 5th)
    assert [k for k, _ in services.due_periods(sh(2026, 10, 2, 9))] == ["daily", "weekly"]
    assert [k for k, _ in services.due_periods(sh(2026, 10, 3, 9))] == [
        "daily",
        "weekly",
        "monthly",
    ]
    assert [k for k, _ in services.due_periods(sh(2026, 10, 5, 9))][-1] == "quarterly"


def test_the_cli_writes_the_docx_and_the_xlsx(world: Any, tmp_path: Path) -> None:
    out = tmp_path / "周通报.docx"
    call_command("report", "weekly", "--period", "2026-W41", "--out", str(out))
    assert "示公法〔" in "".join(p.text for p in Document(str(out)).paragraphs)
    sheet = tmp_path / "q.xlsx"
    call_command("report", "quarterly", "--period", "2026-Q3", "--out", str(sheet),
                 "--unit", "U-CN")  # fmt: skip
    assert sheet.read_bytes()[:2] == b"PK"
    assert Report.objects.filter(unit_id="U-CN", kind="quarterly").exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["daily", "--period", "2026-10-32", "--out", "x.docx"], "没有这一天"),
        (["weekly", "--period", "2026-41", "--out", "x.docx"], "2026-W41"),
        (["monthly", "--period", "2026-10", "--out", "x.pdf"], ".docx 或 .xlsx"),
        (["daily", "--period", "2026-10-08", "--out", "x.docx", "--unit", "U-NONE"], "不存在"),
    ],
)
def test_the_cli_refuses_in_chinese(
    world: Any, args: list[str], words: str, tmp_path: Path
) -> None:
    args = [a if a not in ("x.docx", "x.pdf") else str(tmp_path / a) for a in args]
    with pytest.raises(CommandError) as exc:
        call_command("report", *args)
    assert words in str(exc.value)


# --- each reading unit's reports on the schedule ---------------------------------------------


def test_the_units_issued_for_are_those_whose_own_users_read_reports(bureau: Any) -> None:
    from fazhi.reports.permissions import reading_units

    # given 城南 (孙军, 李娜, 陈刚, 刘洋) and 城北 (王芳) with unit readers; the 法制大队's 周敏
    # and the county's 吴军 read the bureau's reports; 民警 read none
    assert reading_units() == ["U-CB", "U-CN"]
    # when 城北's only reader leaves: no report is issued for 城北 any more
    wang = bureau.users["wang"]
    wang.is_active = False
    wang.save(update_fields=["is_active"])
    assert reading_units() == ["U-CN"]


def _texts(report: Report) -> str:
    from openpyxl import load_workbook

    root = services.report_root()
    docx = " ".join(p.text for p in Document(str(root / report.docx_path)).paragraphs)
    tables = " ".join(
        c.text for t in Document(str(root / report.docx_path)).tables for r in t.rows
        for c in r.cells
    )  # fmt: skip
    book = load_workbook(root / report.xlsx_path, read_only=True)
    cells = " ".join(
        str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
        if v is not None
    )  # fmt: skip
    return f"{docx} {tables} {cells}"


def test_the_tick_issues_each_reading_units_report_with_its_units_data_only(
    world: Any, bureau: Any, system: Any, settings: Any
) -> None:
    from django.test import Client

    # given three findings of 城南 and two of 城北 first seen on 30 September, and the 周通报 not
    # yet due on a Thursday (issued on Sundays here): only the day's report is due
    settings.REPORT_WEEKDAY = 7
    for hour in (9, 10, 11):
        world.finding("south", sh(2026, 9, 30, hour))
    for hour in (9, 10):
        world.finding("north", sh(2026, 9, 30, hour), rule=1)
    # when the tick runs on Thursday 1 October at 08:00
    result = services.tick_reports(sh(2026, 10, 1, 8), system)
    # then it issues the bureau's 日巡查 and one for each unit whose users read reports
    issued = {r.unit_id: r for r in Report.objects.filter(scheduled=True)}
    assert set(issued) == {None, "U-CN", "U-CB"}
    assert {r.kind for r in issued.values()} == {"daily"}
    assert {r.period for r in issued.values()} == {"2026-09-30"}
    assert len(result["issued"]) == 3
    assert result["units"] == 2
    # each unit's report holds its own unit's numbers only; the bureau's holds both
    assert issued["U-CN"].summary["findings"] == 3
    assert issued["U-CB"].summary["findings"] == 2
    assert issued[None].summary["findings"] == 5
    south, north = _texts(issued["U-CN"]), _texts(issued["U-CB"])
    assert "城南派出所" in south
    assert "城北派出所" not in south
    assert "城北派出所" in north
    assert "城南派出所" not in north
    # and a repeated tick issues nothing twice
    assert services.tick_reports(sh(2026, 10, 1, 9), system)["issued"] == []
    assert Report.objects.count() == 3
    # 城北's 法制员 cannot fetch 城南's report: refused by the service, 404 on the page and the API
    with pytest.raises(PermissionDenied):
        services.open_report(issued["U-CN"], "docx", actor=bureau.users["wang"])
    client = Client()
    client.force_login(bureau.users["wang"])
    pk = issued["U-CN"].pk
    assert client.get(f"/reports/docx/{pk}/").status_code == 404
    assert client.get(f"/api/v1/reports/{pk}/files/docx").status_code == 404
    assert [r["id"] for r in client.get("/api/v1/reports").json()["items"]] == [issued["U-CB"].pk]
    # while 城南's 所队长 fetches it
    sun = Client()
    sun.force_login(bureau.users["sun"])
    assert sun.get(f"/reports/docx/{pk}/").status_code == 200


def test_the_unit_reports_can_be_left_to_the_bureau(world: Any, system: Any, settings: Any) -> None:
    settings.REPORT_WEEKDAY = 7
    settings.REPORT_UNITS = False
    services.tick_reports(sh(2026, 10, 1, 8), system)
    assert list(Report.objects.values_list("unit_id", flat=True)) == [None]
