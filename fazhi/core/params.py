"""Dates and times a request may pass, read the same way for the API and for the pages.

Python accepts years 1–9999 and UTC offsets up to a day, PostgreSQL offsets up to 16 hours and
SQLite only what converts to UTC; a filter day near either end overflows the moment a day is
added. So a request's day or time is read strictly (ISO 8601 text, not a number taken for a Unix
timestamp), every time is turned into UTC (any offset then reaches the database as +00:00), and
days are bounded to ``EARLIEST_DAY``–``LATEST_DAY``: refused with a Chinese message
(``parse_moment``, ``DayField``), or — for the lower bound of a list — moved into that range
(``parse_since``). The API's schemas use ``QueryDay`` and ``QuerySince``; the pages' forms use
``DayField``; a page reading a time itself calls ``parse_moment``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from django import forms
from django.utils import timezone
from pydantic import PlainValidator, WithJsonSchema

EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2199, 12, 31)
DAY_RANGE_TEXT = f"{EARLIEST_DAY:%Y-%m-%d} 至 {LATEST_DAY:%Y-%m-%d}"

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# ISO 8601 / RFC 3339 as Python reads it: a day, a time, an optional offset (or Z)
_MOMENT = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|z|[+-]\d{2}:?\d{2}(:?\d{2})?)?"
)


def parse_day(value: object) -> date:
    """``YYYY-MM-DD`` → the day (any year: looking up one day cannot overflow)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    text = value.strip() if isinstance(value, str) else ""
    if not _DAY.fullmatch(text):
        raise ValueError(f"日期格式有误：{_shown(value)}（应为 YYYY-MM-DD，如 2026-03-02）")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"日期不存在：{text}") from None


def day_in_range(day: date) -> date:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValueError(f"日期 {day:%Y-%m-%d} 超出范围（须在 {DAY_RANGE_TEXT} 之间）")
    return day


def parse_moment(value: object, *, days: bool = False) -> datetime:
    """An ISO 8601 time (without an offset: Beijing time; with ``days``, a bare day means its
    start) within the day range, in UTC. Any offset a time can be written with is fine: the
    database gets the instant as +00:00."""
    moment = _read_moment(value, days=days)
    if not EARLIEST_DAY <= moment.date() <= LATEST_DAY:
        raise ValueError(f"时间 {_shown(value)} 超出范围（须在 {DAY_RANGE_TEXT} 之间）")
    return clamp(moment)


def parse_since(value: object) -> datetime:
    """A lower bound ``since`` of a list: a day (its start) or a time, as ``parse_moment``
    reads them, but moved into the day range instead of refused: before 1900 means "from the
    start", after 2199 "nothing yet"."""
    return clamp(_read_moment(value, days=True))


def _read_moment(value: object, *, days: bool) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date) and days:
        return datetime.combine(value, time.min)
    text = value.strip() if isinstance(value, str) else ""
    if days and _DAY.fullmatch(text):
        return datetime.combine(parse_day(text), time.min)
    if _MOMENT.fullmatch(text):
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"时间不存在或时区偏移有误：{text}") from None
    raise ValueError(
        f"时间格式有误：{_shown(value)}（应为"
        + ("日期 YYYY-MM-DD 或 " if days else "")
        + "ISO 8601 时间，如 2026-03-02T08:00 或 2026-03-02T08:00+08:00）"
    )


def clamp(moment: datetime) -> datetime:
    """``moment`` (naive: Beijing time) in UTC, moved into the day range if it lies outside."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    # compared by the written day: a year in range cannot overflow whatever its offset
    if moment.date() < EARLIEST_DAY:
        moment = datetime.combine(EARLIEST_DAY, time.min, tzinfo=UTC)
    elif moment.date() > LATEST_DAY:
        moment = datetime.combine(LATEST_DAY, time.max, tzinfo=UTC)
    return moment.astimezone(UTC)


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"


# --- the API's query parameters (django-ninja / pydantic) --------------------------------------

QueryDay = Annotated[
    date,
    PlainValidator(parse_day),
    WithJsonSchema({"type": "string", "format": "date"}),
]
QuerySince = Annotated[
    datetime,
    PlainValidator(parse_since),
    WithJsonSchema(
        {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]}
    ),
]


# --- the pages' forms ---------------------------------------------------------------------------


class DayField(forms.DateField):
    """A filter day of a page: ``YYYY-MM-DD`` within the day range, else a Chinese error."""

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        try:
            return day_in_range(parse_day(value))
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None
