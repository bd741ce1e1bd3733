"""Due dates and escalation levels in working days (the holiday calendar of ``patrol.periods``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from fazhi.core.timezones import SHANGHAI
from fazhi.patrol.periods import HolidayCalendar, add_working_days, end_of_day
from fazhi.rectification.models import Level, RectificationPolicy


def due_at_for(
    start: datetime, severity: str, policy: RectificationPolicy, calendar: HolidayCalendar
) -> datetime:
    """End (24:00) of the N-th working day after ``start``'s day, N by severity."""
    day = timezone.localtime(start, SHANGHAI).date()
    return end_of_day(add_working_days(day, policy.due_days(severity), calendar))


def level_reached_at(
    due_at: datetime, level: int, interval: int, calendar: HolidayCalendar
) -> datetime:
    """The moment after which an unfixed problem stands at ``level`` (2..5): level 2 right
    after its due time, each further level ``interval`` working days later (end of that day)."""
    if level <= 2:
        return due_at
    due_day = (timezone.localtime(due_at, SHANGHAI) - timedelta(microseconds=1)).date()
    return end_of_day(add_working_days(due_day, (level - 2) * interval, calendar))


def target_level(due_at: datetime, now: datetime, interval: int, calendar: HolidayCalendar) -> int:
    level: int = Level.OFFICER
    for candidate in range(Level.LEGAL_OFFICER, Level.CHIEF + 1):
        if now > level_reached_at(due_at, candidate, interval, calendar):
            level = candidate
        else:
            break
    return level
