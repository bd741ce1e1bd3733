"""The time limits of the service desk (办理时限), read from the settings and counted in working
time on China's calendar (``chinese_calendar`` overlaid by the holiday notices the patrol uses):

- ``N工作日``: to 24:00 of the N-th working day after the day of filing (that day not counted,
  as the legal periods count days);
- ``N工作小时``: N hours of office time (``SERVICE_DESK_OFFICE_HOURS`` of working days): a
  request filed on a Friday evening with 4 working hours is due on Monday at 12:30.

The warning goes out ``SERVICE_DESK_WARN_FRACTION`` of the limit's calendar span before the due
time (at least one hour).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings

from fazhi.core.timezones import SHANGHAI
from fazhi.patrol.periods import HolidayCalendar, add_working_days, end_of_day, is_workday

_LIMIT = re.compile(r"^\s*(\d+)\s*(工作日|工作小时)\s*$")
MIN_LEAD = timedelta(hours=1)


class LimitError(ValueError):
    """A time limit in the settings that cannot be read."""


@dataclass(frozen=True)
class Limit:
    amount: int
    hours: bool  # working hours (True) or working days

    def __str__(self) -> str:
        return f"{self.amount}{'工作小时' if self.hours else '工作日'}"

    @classmethod
    def parse(cls, text: str) -> Limit:
        found = _LIMIT.match(text or "")
        if found is None or int(found.group(1)) < 1:
            raise LimitError(f"办理时限“{text}”应写作“N工作日”或“N工作小时”（N≥1）")
        return cls(int(found.group(1)), found.group(2) == "工作小时")


def limit_of(kind: str) -> Limit:
    """The configured limit of a request kind (a kind without one is a settings error)."""
    limits: dict[str, str] = settings.SERVICE_DESK_LIMITS
    if kind not in limits:
        raise LimitError(f"SERVICE_DESK_LIMITS 没有事项 {kind} 的办理时限")
    return Limit.parse(limits[kind])


def office_hours() -> tuple[time, time]:
    start, end = (time.fromisoformat(t) for t in settings.SERVICE_DESK_OFFICE_HOURS)
    if start >= end:
        raise LimitError("SERVICE_DESK_OFFICE_HOURS 的上班时间应早于下班时间")
    return start, end


def due_time(start: datetime, limit: Limit, calendar: HolidayCalendar | None = None) -> datetime:
    """When a request filed at ``start`` must be done."""
    local = start.astimezone(SHANGHAI)
    if not limit.hours:
        return end_of_day(add_working_days(local.date(), limit.amount, calendar))
    opens, closes = office_hours()
    left = timedelta(hours=limit.amount)
    day = local.date()
    moment = local
    # at most a few weeks of days: a long holiday is the longest run without office time
    for _ in range(366):
        if is_workday(day, calendar):
            begin = max(moment, datetime.combine(day, opens, SHANGHAI))
            end = datetime.combine(day, closes, SHANGHAI)
            if begin < end:
                if end - begin >= left:
                    return begin + left
                left -= end - begin
        day += timedelta(days=1)
        moment = datetime.combine(day, time(0), SHANGHAI)
    raise LimitError(f"自{local:%Y-%m-%d}起一年内没有足够的工作时间，节假日日历数据有误")


def warning_lead(filed_at: datetime, due_at: datetime) -> timedelta:
    fraction = float(settings.SERVICE_DESK_WARN_FRACTION)
    return max((due_at - filed_at) * fraction, MIN_LEAD)
