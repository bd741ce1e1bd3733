"""Hand-made data for the evaluation tests: the named bureau of ``fazhi/conftest.py``, a rule,
and builders for the records and problems an indicator counts (never the generator's truth)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

SH = ZoneInfo("Asia/Shanghai")
# October 2026 is the month under test; its scores are computed on 10 November.
AS_OF = datetime(2026, 11, 10, 12, 0, tzinfo=SH)


def sh(y: int, mo: int, d: int, h: int = 10, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SH)


class World:
    """Builders over the bureau: cases (workload), problems, reviews, complaints, events."""

    def __init__(self, bureau: Any) -> None:
        from fazhi.patrol.models import PatrolRun, Rule

        self.bureau = bureau
        self.rule = Rule.objects.create(
            code="GF-T-01", pack="test", name="受案后未按时出具回执", kind="deadline",
            subject_type="case", check_name="test", default_severity="一般",
            basis="《公安机关办理行政案件程序规定》第六十一条",
        )  # fmt: skip
        self.other_rule = Rule.objects.create(
            code="GF-T-02", pack="test", name="询问未同步录音录像", kind="condition",
            subject_type="transcript", check_name="test", default_severity="较重",
            basis="《公安机关办理刑事案件程序规定》第二百零八条",
        )  # fmt: skip
        # the patrol has looked at October: problems are "imported"
        PatrolRun.objects.create(
            as_of=sh(2026, 11, 1), mode="full", actor="system", watermark=sh(2026, 11, 1),
            started_at=sh(2026, 11, 1),
        )  # fmt: skip
        self.n = 0

    def _id(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}-{self.n:04d}"

    def cases(self, unit: str, count: int, at: datetime, lead: str | None = None) -> list[Any]:
        from fazhi.records import models as m

        officer = self.bureau.officers[lead] if lead else None
        return m.Case.objects.bulk_create(
            [
                m.Case(
                    id=self._id("C"),
                    kind="行政",
                    cause="殴打他人",
                    unit=self.bureau.units[unit],
                    lead_officer=officer,
                    accepted_at=at,
                    status="受案",
                )
                for _ in range(count)
            ]
        )

    def problem(
        self,
        officer: str | None = "zhang",
        *,
        act_at: datetime,
        found_at: datetime | None = None,
        severity: str = "一般",
        unit: str | None = None,
        rule: Any = None,
        due_at: datetime | None = None,
        fixed_at: datetime | None = None,
        late: bool = False,
        status: str = "open",
    ) -> Any:
        """A problem whose finding's act happened at ``act_at`` (a missed deadline), found and
        pushed at ``found_at``, due for rectification at ``due_at`` and fixed at ``fixed_at``
        (by default an hour after it was found: on time; ``late`` leaves it unfixed)."""
        from fazhi.patrol.models import Finding
        from fazhi.rectification.models import Problem

        off = self.bureau.officers[officer] if officer else None
        unit_obj = self.bureau.units[unit or "south"] if off is None else off.unit
        if unit:
            unit_obj = self.bureau.units[unit]
        found = found_at or act_at + timedelta(days=1)
        if fixed_at is None and not late:
            fixed_at = found + timedelta(hours=1)
        finding = Finding.objects.create(
            rule=rule or self.rule, subject_type="case", subject_id=self._id("S"),
            status="violation", severity=severity, unit=unit_obj, officer=off,
            trigger_at=act_at - timedelta(days=1), due_at=act_at, first_seen_at=found, digest="x",
        )  # fmt: skip
        return Problem.objects.create(
            finding=finding, rule=finding.rule, unit=unit_obj, officer=off, severity=severity,
            status=status, source="auto", due_at=due_at or found + timedelta(days=3),
            created_at=found, created_by="system", fixed_at=fixed_at,
        )  # fmt: skip


@pytest.fixture
def world(bureau: Any) -> World:
    return World(bureau)


@pytest.fixture
def system() -> Any:
    from fazhi.core.services import system_user

    return system_user()


@pytest.fixture
def evaluate(system: Any) -> Callable[..., Any]:
    """``evaluate(month="2026-10", as_of=AS_OF)``: the month computed by the system account,
    returned as the CLI's report dict."""
    from fazhi.evaluation.services import compute_month, parse_month, report

    def run(month: str = "2026-10", as_of: datetime = AS_OF, **kw: Any) -> dict[str, Any]:
        return report(compute_month(parse_month(month), actor=system, as_of=as_of, **kw))

    return run


def unit_row(data: dict[str, Any], unit_id: str) -> dict[str, Any]:
    return next(u for u in data["units"] if u["unit_id"] == unit_id)


def officer_row(data: dict[str, Any], officer_id: str, key: str = "officers") -> dict[str, Any]:
    return next(o for o in data[key] if o["officer_id"] == officer_id)
