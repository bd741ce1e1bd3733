"""Fixtures for the rectification tests: a rule, findings of the named bureau's officers, a
fixed clock (attachments go to the temporary MEDIA_ROOT of ``fazhi/conftest.py``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from fazhi.rectification.tests import samples

SH = ZoneInfo("Asia/Shanghai")
# Monday 2 March 2026, 10:00: three working days later is Thursday 5 March (end of day).
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=SH)
DUE0 = datetime(2026, 3, 6, 0, 0, tzinfo=SH)
# a genuine one-page PDF: uploads are checked by parsing them, not by their first bytes
PDF = samples.pdf()


def sh(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SH)


@pytest.fixture
def rule(db: Any) -> Any:
    from fazhi.patrol.models import Rule

    return Rule.objects.create(
        code="GF-T-01",
        pack="test",
        name="受案后未按时出具回执",
        kind="deadline",
        subject_type="case",
        check_name="test",
        default_severity="一般",
        basis="《公安机关办理行政案件程序规定》第六十一条",
        help_text="测试规则",
    )


@pytest.fixture
def make_finding(bureau: Any, rule: Any) -> Callable[..., Any]:
    """``make_finding(officer="zhang", status="violation", subject="C-1")``."""
    from fazhi.patrol.models import Finding

    counter = {"n": 0}

    def make(
        officer: str | None = "zhang",
        status: str = "violation",
        subject: str | None = None,
        severity: str = "一般",
        unit: str | None = None,
        is_open: bool = True,
        **kw: Any,
    ) -> Any:
        counter["n"] += 1
        off = bureau.officers[officer] if officer else None
        unit_obj = bureau.units[unit] if unit else (off.unit if off else bureau.units["south"])
        return Finding.objects.create(
            rule=kw.pop("rule_obj", rule),
            subject_type="case",
            subject_id=subject or f"C-{counter['n']:03d}",
            status=status,
            severity=severity,
            unit=unit_obj,
            officer=off,
            trigger_at=sh(2026, 2, 27, 9, 0),
            due_at=sh(2026, 2, 28, 9, 0),
            facts=[{"field": "case.accepted_at", "label": "受案时间", "value": "2026-02-27 09:00"}],
            explanation="受案后24小时内应出具受案回执；至巡查时未出具。",
            is_open=is_open,
            first_seen_at=T0,
            digest="x",
            **kw,
        )

    return make


@pytest.fixture
def problem(make_finding: Callable[..., Any], bureau: Any) -> Any:
    """An open problem of 张伟 (城南), pushed by 李娜 at T0."""
    from fazhi.rectification.services.creation import push_problem

    return push_problem(make_finding("zhang"), actor=bureau.users["li"], comment="请整改", now=T0)


def upload(name: str = "整改报告.pdf", content: bytes = PDF) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)
