"""The period of a report, parsed from what a user or the CLI writes: ``2026-10-08`` (a day),
``2026-W41`` (an ISO week, Monday to Sunday), ``2026-10`` (a month), ``2026-Q3`` (a quarter).
Bounds are Beijing days; ``start``/``end`` as aware datetimes, ``end`` exclusive."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from fazhi.core.errors import DomainError
from fazhi.core.timezones import SHANGHAI
from fazhi.reports.error_codes import ErrorCode

DAILY, WEEKLY, MONTHLY, QUARTERLY = "daily", "weekly", "monthly", "quarterly"

EXAMPLES = {DAILY: "2026-10-08", WEEKLY: "2026-W41", MONTHLY: "2026-10", QUARTERLY: "2026-Q3"}
_PATTERNS = {
    DAILY: re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    WEEKLY: re.compile(r"^(\d{4})-W(\d{1,2})$"),
    MONTHLY: re.compile(r"^(\d{4})-(\d{1,2})$"),
    QUARTERLY: re.compile(r"^(\d{4})-Q([1-4])$"),
}
KIND_NAMES = {DAILY: "日巡查", WEEKLY: "周通报", MONTHLY: "月考评", QUARTERLY: "季分析"}


class ReportError(DomainError, ValueError):
    """A refused report: a bad period, kind, unit or format (the message is Chinese)."""


@dataclass(frozen=True)
class Period:
    kind: str
    key: str  # as written: 2026-10-08, 2026-W41, 2026-10, 2026-Q3
    first: date
    last: date  # inclusive

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, SHANGHAI)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time.min, SHANGHAI)

    @property
    def label(self) -> str:
        """The period in the words of a 公文: 2026年10月8日, 2026年第41周（10月5日至10月11日）…"""
        f, la = self.first, self.last
        if self.kind == DAILY:
            return f"{f.year}年{f.month}月{f.day}日"
        if self.kind == WEEKLY:
            week = f.isocalendar().week
            days = f"{f.month}月{f.day}日至{la.month}月{la.day}日"
            return f"{f.isocalendar().year}年第{week}周（{days}）"
        if self.kind == MONTHLY:
            return f"{f.year}年{f.month}月"
        return f"{f.year}年第{(f.month - 1) // 3 + 1}季度"

    def months(self) -> list[date]:
        """The first days of the months the period covers (a quarter: three)."""
        out, d = [], self.first.replace(day=1)
        while d <= self.last:
            out.append(d)
            d = (d + timedelta(days=32)).replace(day=1)
        return out

    def previous(self) -> Period:
        return period_containing(self.kind, self.first - timedelta(days=1))


def _bad(kind: str, text: str, why: str) -> ReportError:
    name = KIND_NAMES.get(kind, "报告")
    return ReportError(
        ErrorCode.PERIOD_INVALID,
        f"{name}的期间“{text}”有误：{why}（应写作 {EXAMPLES.get(kind, '')}）",
        field="period",
    )


def parse_period(kind: str, text: str) -> Period:
    """``text`` as the period of a ``kind`` report; a Chinese ``ReportError`` otherwise."""
    if kind not in _PATTERNS:
        raise ReportError(ErrorCode.KIND_INVALID, f"报告种类“{kind}”有误：应为日、周、月或季报告")
    text = (text or "").strip()
    match = _PATTERNS[kind].match(text)
    if not match:
        raise _bad(kind, text, "格式不符")
    year, n = int(match.group(1)), int(match.group(2))
    if not 2000 <= year <= 2100:
        raise _bad(kind, text, "年份超出范围")
    try:
        if kind == DAILY:
            first = last = date(year, n, int(match.group(3)))
        elif kind == WEEKLY:
            first = date.fromisocalendar(year, n, 1)
            last = first + timedelta(days=6)
        elif kind == MONTHLY:
            first = date(year, n, 1)
            last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        else:
            first = date(year, 3 * n - 2, 1)
            last = (date(year, 3 * n, 1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    except ValueError:
        raise _bad(kind, text, "没有这一天、这一周或这个月") from None
    key = {
        DAILY: f"{first:%Y-%m-%d}",
        WEEKLY: f"{year}-W{n:02d}",
        MONTHLY: f"{first:%Y-%m}",
        QUARTERLY: f"{year}-Q{n}",
    }[kind]
    return Period(kind, key, first, last)


def period_containing(kind: str, day: date) -> Period:
    if kind == DAILY:
        return parse_period(kind, f"{day:%Y-%m-%d}")
    if kind == WEEKLY:
        iso = day.isocalendar()
        return parse_period(kind, f"{iso.year}-W{iso.week:02d}")
    if kind == MONTHLY:
        return parse_period(kind, f"{day:%Y-%m}")
    return parse_period(kind, f"{day.year}-Q{(day.month - 1) // 3 + 1}")


def as_of(period: Period, now: datetime | None = None) -> datetime:
    """The moment a report of ``period`` describes: the period's end, or now while it runs."""
    now = now or timezone.now()
    return min(now, period.end)
