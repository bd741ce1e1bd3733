"""The rectification step of ``fazhi tick``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User

from fazhi.rectification.services.creation import create_problems_from_findings
from fazhi.rectification.services.escalation import escalate_problems
from fazhi.rectification.services.interviews import interview_reminders


def tick_rectification(now: datetime, actor: User) -> dict[str, Any]:
    """``fazhi tick`` step: new problems from findings, escalations, 约谈提醒 (each safe twice)."""
    return {
        **create_problems_from_findings(now, actor),
        **escalate_problems(now, actor),
        **interview_reminders(now, actor),
    }
