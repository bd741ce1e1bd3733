"""Hand-made data for the report tests over the named bureau: findings, problems, disputes and a
published evaluation, dated inside the periods under test (never the generator's truth)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client, override_settings
from django.utils import timezone

SH = ZoneInfo("Asia/Shanghai")


def sh(y: int, mo: int, d: int, h: int = 10, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SH)


@pytest.fixture(autouse=True)
def report_dir(tmp_path: Path) -> Any:
    """Each test stores its reports in a folder of its own."""
    with override_settings(DATA_DIR=tmp_path / "data"):
        yield tmp_path / "data"


class World:
    def __init__(self, bureau: Any) -> None:
        from fazhi.patrol.models import Rule
        from fazhi.standards.models import Standard

        self.bureau = bureau
        self.rules = [
            Rule.objects.create(
                code=code, pack="test", name=name, kind="deadline", subject_type="case",
                check_name="test", default_severity=sev, basis="《公安机关办理行政案件程序规定》",
            )
            for code, name, sev in (("GF-T-01", "受案后未按时出具回执", "一般"),
                                    ("GF-T-02", "询问未同步录音录像", "较重"))
        ]  # fmt: skip
        self.standard = Standard.objects.create(
            code="BZ-T-01", title="询问应同步录音录像", category="执法办案",
            text="询问全程录音录像。",
            effective_from=sh(2020, 1, 1).date(),
        )  # fmt: skip
        self.standard.rules.add(self.rules[1])
        self.n = 0

    def _id(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}-{self.n:04d}"

    def finding(self, unit: str, at: datetime, *, rule: int = 0, status: str = "violation",
                due_at: datetime | None = None, officer: str | None = None) -> Any:  # fmt: skip
        from fazhi.patrol.models import Finding

        r = self.rules[rule]
        return Finding.objects.create(
            rule=r, subject_type="case", subject_id=self._id("S"), status=status,
            severity=r.default_severity, unit=self.bureau.units[unit],
            officer=self.bureau.officers[officer] if officer else None, due_at=due_at,
            first_seen_at=at, last_changed_at=at, digest="x",
            facts=[{"field": "case.id", "label": "案件", "value": "A-1"}],
            explanation="受案后未在规定期限内出具回执。",
        )  # fmt: skip

    def problem(self, unit: str, at: datetime, *, status: str = "open", rule: int = 1,
                due_at: datetime | None = None, officer: str = "zhang") -> Any:  # fmt: skip
        from fazhi.rectification.models import Problem

        f = self.finding(unit, at, rule=rule, officer=officer)
        return Problem.objects.create(
            finding=f, rule=f.rule, unit=f.unit, officer=f.officer, severity=f.severity,
            status=status, source="auto", due_at=due_at or at + timedelta(days=3),
            created_at=at, created_by="system",
            finished_at=at + timedelta(hours=5) if status == "closed" else None,
        )  # fmt: skip

    def dispute(self, unit: str, at: datetime, colour: str) -> Any:
        from fazhi.disputes.models import Dispute
        from fazhi.records import models as m

        incident = m.Incident.objects.create(
            id=self._id("J"), received_at=at, source="110", category="纠纷",
            unit=self.bureau.units[unit], address="城南路1号", description="邻里纠纷",
        )  # fmt: skip
        return Dispute.objects.create(
            incident=incident, unit=incident.unit, dispute_type="邻里", colour=colour,
            score=80 if colour == "红" else 10, created_at=at, graded_at=at,
            red_since=at if colour == "红" else None,
        )  # fmt: skip


@pytest.fixture
def world(bureau: Any) -> World:
    return World(bureau)


@pytest.fixture
def system() -> Any:
    from fazhi.core.services import system_user

    return system_user()


def client_of(bureau: Any, name: str) -> Client:
    c = Client()
    c.force_login(bureau.users[name])
    return c


def now() -> datetime:
    return timezone.now()
