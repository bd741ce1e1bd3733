"""Time as whole seconds in Asia/Shanghai local time, and the legal periods the generator must
respect.

Times are plain ``int`` seconds since 2000-01-01 00:00 local time: the generator handles millions
of them, and integer arithmetic plus a per-day string cache is several times faster than
``datetime`` objects and their ``isoformat``.

Clean data is placed well inside every limit, so it needs no holiday calendar. Injected
violations must fire whatever reading a patrol engine takes of holiday roll-over and working-day
counting, so they are placed after the *latest* due time any reading gives (``latest_day_due``).
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar

MINUTE = 60
HOUR = 3600
DAY = 86400
EPOCH = dt.datetime(2000, 1, 1)
EPOCH_DATE = EPOCH.date()
TZ_SUFFIX = "+08:00"

_date_cache: dict[int, str] = {}
_workday_cache: dict[int, bool] = {}


def from_datetime(value: dt.datetime) -> int:
    """Seconds for an aware or naive (local) datetime."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone(dt.timedelta(hours=8))).replace(tzinfo=None)
    return int((value - EPOCH).total_seconds())


def parse_iso(text: str) -> int:
    return from_datetime(dt.datetime.fromisoformat(text))


def to_datetime(t: int) -> dt.datetime:
    return EPOCH + dt.timedelta(seconds=t)


def day_of(t: int) -> int:
    return t // DAY


def date_of(t: int) -> dt.date:
    return EPOCH_DATE + dt.timedelta(days=t // DAY)


def day_start(t: int) -> int:
    return t - t % DAY


def date_str(day: int) -> str:
    text = _date_cache.get(day)
    if text is None:
        text = (EPOCH_DATE + dt.timedelta(days=day)).isoformat()
        _date_cache[day] = text
    return text


def fmt(t: int | None) -> str | None:
    """ISO 8601 with the +08:00 offset, or None."""
    if t is None:
        return None
    day, rest = divmod(t, DAY)
    hour, rest = divmod(rest, HOUR)
    minute, second = divmod(rest, MINUTE)
    return f"{date_str(day)}T{hour:02d}:{minute:02d}:{second:02d}{TZ_SUFFIX}"


def fmt_date(day: int) -> str:
    return date_str(day)


def is_workday(day: int) -> bool:
    cached = _workday_cache.get(day)
    if cached is None:
        date = EPOCH_DATE + dt.timedelta(days=day)
        try:
            cached = bool(chinese_calendar.is_workday(date))
        except NotImplementedError:
            # Years the calendar does not know yet count weekends only, as rules.md says.
            cached = date.weekday() < 5
        _workday_cache[day] = cached
    return cached


def day_due(start: int, days: int, rollover: bool) -> int:
    """End of a day period: the starting day is not counted, the period ends at 24:00."""
    last = day_of(start) + days
    if rollover:
        while not is_workday(last):
            last += 1
    return (last + 1) * DAY


def workday_due(start: int, days: int) -> int:
    """End of a period counted in working days only (APL85, AEL69)."""
    day = day_of(start)
    counted = 0
    while counted < days:
        day += 1
        if is_workday(day):
            counted += 1
    return (day + 1) * DAY


def add_months(start: int, months: int) -> int:
    """24:00 of the same date ``months`` later, month-end clamped (SPC interpretation 202)."""
    date = date_of(start)
    month_index = date.month - 1 + months
    year, month = date.year + month_index // 12, month_index % 12 + 1
    last_of_month = _last_day(year, month)
    start_is_month_end = date.day == _last_day(date.year, date.month)
    day = last_of_month if start_is_month_end else min(date.day, last_of_month)
    target = dt.date(year, month, day)
    return ((target - EPOCH_DATE).days + 1) * DAY


def month_due(start: int, months: int, rollover: bool) -> int:
    end = add_months(start, months)
    if rollover:
        last = end // DAY - 1
        while not is_workday(last):
            last += 1
        end = (last + 1) * DAY
    return end


def latest_day_due(start: int, days: int) -> int:
    """The latest due time any reading of rules.md gives a day period: roll-over applied, and
    short periods counted in working days as APL/AEL count them."""
    rolled = day_due(start, days, rollover=True)
    if days <= 10:
        return max(rolled, workday_due(start, days))
    return rolled


def earliest_day_due(start: int, days: int) -> int:
    return day_due(start, days, rollover=False)


def _last_day(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (dt.date(year, month + 1, 1) - dt.timedelta(days=1)).day
