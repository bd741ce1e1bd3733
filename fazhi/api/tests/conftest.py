"""Fixtures for the API tests: the named bureau's records (a case with persons, findings,
problems, a daily sheet, a dispute) and clients signed in by session or by token."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=SH)
DAY = date(2026, 3, 2)
ID_NUMBER = "110101199001011237"
PHONE = "13812345678"


def sh(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SH)


@pytest.fixture
def rule(db: Any) -> Any:
    from fazhi.patrol.models import Rule

    return Rule.objects.create(
        code="GF-T-01", pack="test", name="受案后未按时出具回执", kind="deadline",
        subject_type="case", check_name="test", default_severity="一般",
        basis="《公安机关办理行政案件程序规定》第六十一条", help_text="测试规则",
        defaults={"limit": "24h"},
    )  # fmt: skip


@pytest.fixture
def cases(bureau: Any) -> dict[str, Any]:
    """C-S1: 城南, led by 张伟, with a person (身份证号, phone) and a measure; C-N1: 城北, 赵强."""
    from fazhi.records import models as m

    out = {}
    for key, pk, unit, officer in (("south", "C-S1", "south", "zhang"),
                                   ("north", "C-N1", "north", "zhao")):  # fmt: skip
        cs = m.Case.objects.create(
            id=pk, kind="行政", cause="殴打他人", unit=bureau.units[unit],
            lead_officer=bureau.officers[officer], accepted_at=sh(2026, 2, 27, 9), status="受案",
        )  # fmt: skip
        person = m.Person.objects.create(
            id=f"{pk}-P1", case=cs, name="王某", id_number=ID_NUMBER, phone=PHONE,
            role="违法行为人",
        )  # fmt: skip
        m.Measure.objects.create(
            id=f"{pk}-M1", case=cs, person=person, kind="传唤", started_at=sh(2026, 2, 27, 10)
        )
        out[key] = cs
    return out


@pytest.fixture
def make_finding(bureau: Any, rule: Any) -> Callable[..., Any]:
    """``make_finding(officer="zhang", status="violation", case=None)``."""
    from fazhi.patrol.models import Finding

    counter = {"n": 0}

    def make(
        officer: str | None = "zhang",
        status: str = "violation",
        severity: str = "一般",
        unit: str | None = None,
        is_open: bool = True,
        case: Any = None,
        **kw: Any,
    ) -> Any:
        counter["n"] += 1
        off = bureau.officers[officer] if officer else None
        unit_obj = bureau.units[unit] if unit else (off.unit if off else bureau.units["south"])
        return Finding.objects.create(
            rule=rule, subject_type="case",
            subject_id=f"C-{counter['n']:03d}",
            status=status, severity=severity, unit=unit_obj, officer=off, case=case,
            trigger_at=sh(2026, 2, 27, 9), due_at=sh(2026, 2, 28, 9),
            facts=[{"field": "case.accepted_at", "label": "受案时间", "value": "2026-02-27 09:00"}],
            explanation="受案后24小时内应出具受案回执；至巡查时未出具。",
            is_open=is_open, first_seen_at=T0, digest="x", **kw,
        )  # fmt: skip

    return make


@pytest.fixture
def problem(make_finding: Callable[..., Any], cases: dict[str, Any], bureau: Any) -> Any:
    """An open problem of 张伟 (城南) about case C-S1, pushed by 李娜 at T0."""
    from fazhi.rectification.services.creation import push_problem

    return push_problem(
        make_finding("zhang", case=cases["south"]),
        actor=bureau.users["li"],
        comment="请整改",
        now=T0,
    )


@pytest.fixture
def north_problem(make_finding: Callable[..., Any], cases: dict[str, Any], bureau: Any) -> Any:
    from fazhi.rectification.services.creation import push_problem

    return push_problem(
        make_finding("zhao", case=cases["north"]),
        actor=bureau.users["wang"],
        comment="请整改",
        now=T0,
    )


@pytest.fixture
def sheets(bureau: Any) -> dict[str, Any]:
    from fazhi.dailycheck.models import DailyAnswer, DailySheet

    out = {}
    for key in ("south", "north"):
        sheet = DailySheet.objects.create(unit=bureau.units[key], day=DAY)
        DailyAnswer.objects.create(
            sheet=sheet, code="Q01", count=1,
            records=[{"type": "incident", "id": f"J-{key}", "label": "纠纷警情"}],
        )  # fmt: skip
        DailyAnswer.objects.create(sheet=sheet, code="Q02", count=0)
        out[key] = sheet
    return out


@pytest.fixture
def disputes(bureau: Any) -> dict[str, Any]:
    from fazhi.disputes.models import Dispute, Party
    from fazhi.records import models as m

    out = {}
    for key, officer in (("south", "zhang"), ("north", "zhao")):
        incident = m.Incident.objects.create(
            id=f"J-{key}", received_at=sh(2026, 3, 1, 9), source="110", category="纠纷",
            unit=bureau.units[key], address="幸福路12号", description="邻里纠纷",
            reporter_name="王某", reporter_phone=PHONE, dispute_type="邻里",
        )  # fmt: skip
        dispute = Dispute.objects.create(
            incident=incident, unit=bureau.units[key], officer=bureau.officers[officer],
            dispute_type="邻里", colour="红", score=60,
            reasons=[{"factor": "weapon", "points": 30, "reason": "扬言持刀"}],
            created_at=sh(2026, 3, 1, 10), graded_at=sh(2026, 3, 1, 10),
        )  # fmt: skip
        Party.objects.create(
            dispute=dispute, name="王某", phone=PHONE, id_number=ID_NUMBER, source="报警人"
        )
        out[key] = dispute
    return out


@pytest.fixture
def as_user(bureau: Any) -> Callable[[str], Client]:
    """``as_user("li")``: a client signed in (session) as that user."""

    def make(name: str) -> Client:
        client = Client()
        client.force_login(bureau.users[name])
        return client

    return make


@pytest.fixture
def token_for(bureau: Any) -> Callable[[str], str]:
    """``token_for("zhou")``: a fresh clear API key of that user."""
    from fazhi.api.services import create_token

    def make(name: str, label: str = "集成") -> str:
        return create_token(bureau.users[name], actor=bureau.users["admin"], name=label)

    return make


def bearer(key: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def reports(bureau: Any, tmp_path: Any) -> Any:
    """The 2 March 2026 日巡查 of the whole bureau, of 城南 and of 城北, issued by the system
    account (the tick's actor) and stored in the test's own folder."""
    from django.test import override_settings

    from fazhi.core.services import system_user
    from fazhi.reports.services import generate_report

    with override_settings(DATA_DIR=tmp_path / "data"):
        yield {
            key: generate_report(
                actor=system_user(),
                kind="daily",
                period="2026-03-02",
                unit_id=unit,
                now=sh(2026, 3, 3, 8),
            )
            for key, unit in (("bureau", None), ("south", "U-CN"), ("north", "U-CB"))
        }
