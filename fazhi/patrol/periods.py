"""期间计算: the one module that turns a start time and a legal period into a due time.

Every deadline rule of the patrol uses it, so that a period is counted the same way everywhere
and every finding can say how its due time was computed (spec/rules.md, "How periods are
counted"). The clauses and where they come from:

- Hours: from the exact recorded time, ``start + N h``; never rolled over. CPL105 says the
  starting hour is not counted; rules.md deliberately counts from the recorded minute instead,
  the stricter reading (counting from the next full hour would grant up to 59 minutes more).
- Days: the starting day is not counted (CPL105, APR35); a period of N days ends at 24:00 of
  the N-th day after the starting day.
- Months: to 24:00 of the same date N months later; when that date does not exist, or the
  period starts on the last day of a month, to the last day of the target month; half a month
  is 15 days (SPC interpretation of the CPL, 2021, art. 202).
- Working days: APL's 2/3/5/7-day periods (APL85) and AEL periods of 10 days or less (AEL69)
  count working days only; a make-up working day (调休) counts, a holiday or weekend does not.
- Holiday roll-over (day and month periods): a period whose last day is a public holiday or
  rest day ends at 24:00 of the next working day (CPL105, APR35) — except while the person's
  liberty is restricted (custody), where the period ends on its last day regardless.

All computation happens in Asia/Shanghai. 24:00 of a day is represented as 00:00 of the next
day (an aware datetime), and printed as "24:00" of the day itself in explanations.

The module is pure (no database access) except ``HolidayCalendar.from_database``, which reads
the administrator-entered 国务院办公厅 holiday notices (``fazhi.patrol.calendar_models``).
"""

from __future__ import annotations

import calendar as _gregorian
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache
from typing import Any

import chinese_calendar

from fazhi.core.timezones import SHANGHAI

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

# SPC interpretation 2021 art. 202: "半个月一律按十五日计算".
HALF_MONTH_DAYS = 15

# Warning lead defaults (rules.md, "How a rule reports").
DEFAULT_LEAD_FRACTION = 0.25
HOUR_MIN_LEAD = timedelta(hours=2)
DAY_MIN_LEAD = timedelta(days=1)
DAY_MAX_LEAD = timedelta(days=7)

# Safety net for hand-entered calendars: no real calendar has a run of rest days this long, so
# a longer one means a wrong notice, and looping on would hide it.
_MAX_REST_RUN = 60

BASIS_DAYS = "CPL105、APR35"
BASIS_MONTHS = "最高人民法院关于适用刑事诉讼法的解释（2021）第202条"
BASIS_WORKING_DAYS = "APL85、AEL69"
BASIS_ROLL_OVER = "CPL105、APR35"


class Unit(StrEnum):
    HOURS = "hours"
    DAYS = "days"
    WORKING_DAYS = "working_days"
    MONTHS = "months"

    @property
    def label(self) -> str:
        """The Chinese unit word used after the amount: 24小时, 3日, 5个工作日, 2个月."""
        return _UNIT_LABELS[self]


_UNIT_LABELS = {
    Unit.HOURS: "小时",
    Unit.DAYS: "日",
    Unit.WORKING_DAYS: "个工作日",
    Unit.MONTHS: "个月",
}


class PeriodError(ValueError):
    """A period that the law does not know (zero, negative, half an hour …)."""


@dataclass(frozen=True)
class Period:
    """A legal period: an amount and a unit.

    ``amount`` is a positive integer; only months may be given in halves
    (``Decimal("0.5")``, ``Decimal("1.5")``), because half a month is a legal unit of its own
    (15 days, SPC interpretation 2021 art. 202). An integral Decimal is normalised to int, so
    ``Period(Decimal(2), Unit.MONTHS) == Period(2, Unit.MONTHS)``.
    """

    amount: int | Decimal
    unit: Unit

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit", Unit(self.unit))
        amount = self.amount
        if isinstance(amount, bool) or not isinstance(amount, int | Decimal):
            raise PeriodError(f"期间数额应为整数（或以月计算时的半月），而不是{amount!r}")
        if isinstance(amount, Decimal):
            if not amount.is_finite():
                raise PeriodError(f"期间数额无效：{amount}")
            if amount == amount.to_integral_value():
                object.__setattr__(self, "amount", int(amount))
            elif self.unit is not Unit.MONTHS or (amount * 2) != (amount * 2).to_integral_value():
                raise PeriodError(f"只有以月计算的期间可以含半个月，{amount}{self.unit.label}无效")
        if self.amount <= 0:
            raise PeriodError(f"期间必须大于零，而不是{self.amount}{self.unit.label}")

    @classmethod
    def hours(cls, amount: int) -> Period:
        return cls(amount, Unit.HOURS)

    @classmethod
    def days(cls, amount: int) -> Period:
        return cls(amount, Unit.DAYS)

    @classmethod
    def working_days(cls, amount: int) -> Period:
        return cls(amount, Unit.WORKING_DAYS)

    @classmethod
    def months(cls, amount: int | Decimal) -> Period:
        return cls(amount, Unit.MONTHS)

    @classmethod
    def half_month(cls) -> Period:
        return cls(Decimal("0.5"), Unit.MONTHS)

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read the Chinese form that ``str()`` writes (also 天 for 日, 工作日, 半个月, 1个半月).

        Rule settings are edited by legal officers in Chinese; this keeps them in that form.
        """
        s = re.sub(r"\s+", "", text)
        if s in {"半个月", "半月"}:
            return cls.half_month()
        m = re.fullmatch(r"(\d+)个半月", s)
        if m:
            return cls(Decimal(m.group(1)) + Decimal("0.5"), Unit.MONTHS)
        m = re.fullmatch(r"(\d+(?:\.\d+)?)(小时|个工作日|工作日|日|天|个月|月)", s)
        if not m:
            raise PeriodError(f"无法识别的期间：“{text}”（示例：24小时、3日、5个工作日、2个月）")
        unit = {
            "小时": Unit.HOURS,
            "个工作日": Unit.WORKING_DAYS,
            "工作日": Unit.WORKING_DAYS,
            "日": Unit.DAYS,
            "天": Unit.DAYS,
            "个月": Unit.MONTHS,
            "月": Unit.MONTHS,
        }[m.group(2)]
        try:
            amount = Decimal(m.group(1))
        except InvalidOperation:  # pragma: no cover - the regex admits only numbers
            raise PeriodError(f"无法识别的期间：“{text}”") from None
        return cls(amount, unit)

    @property
    def whole_months(self) -> int:
        """Months period: the whole months (1 for 1.5个月)."""
        return int(self.amount)

    @property
    def has_half_month(self) -> bool:
        return self.amount != int(self.amount)

    def __str__(self) -> str:
        if self.has_half_month:
            whole = self.whole_months
            return f"{whole}个半月" if whole else "半个月"
        return f"{self.amount}{self.unit.label}"


# ---------------------------------------------------------------------------------------------
# Holidays
# ---------------------------------------------------------------------------------------------

_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


@lru_cache(maxsize=32768)
def _package_day(day: date) -> tuple[bool, str | None] | None:
    """(is working day, Chinese holiday name) per chinese_calendar, None for a year it lacks.

    Cached per date: the package's own look-up recomputes its year range on every call, and the
    rule engine asks for the same few hundred dates over and over when it builds calendars.
    """
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    return (not on_holiday, _HOLIDAY_NAMES.get(name, name) if name else None)


@lru_cache(maxsize=512)
def _package_knows(year: int) -> bool:
    return _package_day(date(year, 1, 1)) is not None


def package_years() -> tuple[int, int]:
    """First and last year that chinese_calendar has the State Council's arrangements for."""
    years = [d.year for d in chinese_calendar.holidays]
    return min(years), max(years)


class NoticeError(ValueError):
    """A holiday notice file that cannot be loaded; ``problems`` lists every reason in Chinese."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("节假日安排通知有误：\n" + "\n".join(f"- {p}" for p in problems))


_NOTICE_KEYS = {"year", "title", "number", "rest_days", "work_days"}


@dataclass(frozen=True)
class HolidayNoticeData:
    """One year's 国务院办公厅 holiday notice as data: the days it makes rest or working days.

    A notice is the complete arrangement of its year: a day it does not list is a working day
    Monday to Friday and a rest day at the weekend. It may list a day of the neighbouring year
    (the 2012 notice made Saturday 2011-12-31 a working day), so dates in the December before and
    the January after are accepted.
    """

    year: int
    title: str
    number: str = ""
    rest_days: frozenset[date] = frozenset()
    work_days: frozenset[date] = frozenset()

    @classmethod
    def from_json(cls, obj: Any) -> HolidayNoticeData:
        """Validate a parsed JSON notice; raises NoticeError naming every problem at once."""
        if not isinstance(obj, dict):
            raise NoticeError(['文件内容应为一个JSON对象，例如 {"year": 2027, ...}'])
        problems: list[str] = []
        unknown = sorted(set(obj) - _NOTICE_KEYS)
        if unknown:
            problems.append(
                f"未知字段：{', '.join(unknown)}（可用字段：{', '.join(sorted(_NOTICE_KEYS))}）"
            )
        year = obj.get("year")
        if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
            problems.append(f"year 应为2000至2100之间的整数年份，而不是 {year!r}")
            year = None
        title = obj.get("title")
        if not isinstance(title, str) or not title.strip():
            problems.append(
                "title（通知标题）必填，例如“国务院办公厅关于2027年部分节假日安排的通知”"
            )
            title = ""
        elif len(title.strip()) > 200:
            problems.append("title（通知标题）不能超过200字")
        number = obj.get("number", "")
        if number is None:
            number = ""
        if not isinstance(number, str) or len(number.strip()) > 100:
            problems.append("number（文号）应为不超过100字的文本，例如“国办发明电〔2026〕1号”")
            number = ""
        rest = _read_dates(obj.get("rest_days"), "rest_days", "休息日", problems, required=True)
        work = _read_dates(
            obj.get("work_days", []), "work_days", "工作日", problems, required=False
        )
        both = sorted(rest & work)
        if both:
            problems.append("以下日期同时列为休息日和工作日：" + "、".join(map(str, both)))
        if year is not None:
            lo, hi = date(year - 1, 12, 1), date(year + 1, 1, 31)
            outside = sorted(d for d in rest | work if not lo <= d <= hi)
            if outside:
                problems.append(
                    f"以下日期不在{year}年度通知的范围内（{lo}至{hi}）："
                    + "、".join(map(str, outside))
                )
        if problems:
            raise NoticeError(problems)
        assert year is not None
        return cls(year, title.strip(), number.strip(), frozenset(rest), frozenset(work))

    def warnings(self) -> list[str]:
        """Things that are legal but usually a typo, for the loader to show."""
        notes: list[str] = []
        if str(self.year) not in self.title:
            notes.append(f"通知标题中没有年份{self.year}，请核对是否选错了通知")
        for d in sorted(self.work_days):
            if d.weekday() < 5:
                notes.append(
                    f"调休上班日{d}（{WEEKDAYS[d.weekday()]}）本来就是工作日；"
                    "通知中的调休上班日通常为周六或周日，请核对"
                )
        return notes


def _read_dates(
    raw: Any, key: str, label: str, problems: list[str], *, required: bool
) -> set[date]:
    if raw is None and not required:
        return set()
    if not isinstance(raw, list) or (required and not raw):
        problems.append(
            f'{key}（{label}）应为日期列表，如 ["2027-10-01", ...]'
            + ("，且不能为空" if required else "")
        )
        return set()
    seen: set[date] = set()
    for i, item in enumerate(raw, start=1):
        try:
            if not isinstance(item, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", item):
                raise ValueError
            d = date.fromisoformat(item)
        except ValueError:
            problems.append(f"{key} 第{i}项 {item!r} 不是有效日期（格式应为YYYY-MM-DD）")
            continue
        if d in seen:
            problems.append(f"{key} 中日期{d}重复")
        seen.add(d)
    return seen


@dataclass(frozen=True)
class _ListedDay:
    workday: bool
    source: str  # title of the notice that lists the day


class HolidayCalendar:
    """Which days are working days: chinese_calendar, overlaid by administrator notices.

    For a day, in this order: a notice that lists the day (a notice of the day's own year wins
    over a neighbouring year's); else, for a year with a notice, the plain week (the notice is the
    year's complete arrangement); else chinese_calendar; else — a year nobody knows — the plain
    week, and ``knows(year)`` is False so that callers record and report the guess.
    """

    def __init__(
        self, notices: Iterable[HolidayNoticeData] = (), *, use_package: bool = True
    ) -> None:
        self._use_package = use_package
        self._notice_titles: dict[int, str] = {}
        self._listed: dict[date, _ListedDay] = {}
        notices = list(notices)
        for notice in notices:
            if notice.year in self._notice_titles:
                raise ValueError(f"{notice.year}年有两份节假日安排通知")
            self._notice_titles[notice.year] = notice.title
        # Neighbouring-year entries first, so the day's own year's notice overwrites them.
        for own_year in (False, True):
            for notice in notices:
                for days, workday in ((notice.rest_days, False), (notice.work_days, True)):
                    for d in days:
                        if (d.year == notice.year) is own_year:
                            self._listed[d] = _ListedDay(workday, notice.title)

    @classmethod
    def from_database(cls) -> HolidayCalendar:
        """The package overlaid by every notice in the database, loaded now (two queries)."""
        from fazhi.patrol.calendar_models import HolidayNotice

        return cls(HolidayNotice.all_as_data())

    def knows(self, year: int) -> bool:
        """Whether the year's official holidays are known (else it is counted by weekends)."""
        return year in self._notice_titles or (self._use_package and _package_knows(year))

    def knows_day(self, day: date) -> bool:
        return day in self._listed or self.knows(day.year)

    def source(self, year: int) -> str:
        """Where the year's arrangement comes from, in Chinese; "" for an unknown year."""
        if year in self._notice_titles:
            return f"《{self._notice_titles[year]}》"
        if self._use_package and _package_knows(year):
            # the package's version belongs to the administrator (``holiday_notice list``), not
            # to the explanation every officer reads
            return f"国务院办公厅{year}年节假日安排（系统内置）"
        return ""

    def unknown_years(self, first: int, last: int) -> list[int]:
        return [y for y in range(first, last + 1) if not self.knows(y)]

    def is_workday(self, day: date) -> bool:
        listed = self._listed.get(day)
        if listed is not None:
            return listed.workday
        if day.year not in self._notice_titles and self._use_package:
            status = _package_day(day)
            if status is not None:
                return status[0]
        return day.weekday() < 5

    def describe(self, day: date) -> str:
        """A day's kind in the words of an explanation: 工作日, 法定节假日（国庆节）, …"""
        weekend = day.weekday() >= 5
        workday = self.is_workday(day)
        listed = self._listed.get(day)
        if listed is not None:
            if workday:
                kind = "调休工作日" if weekend else "工作日"
            else:
                kind = "休息日" if weekend else "法定节假日"
            return f"{kind}（据《{listed.source}》）"
        name = None
        if day.year not in self._notice_titles and self._use_package:
            status = _package_day(day)
            name = status[1] if status is not None else None
        if workday:
            if weekend:
                return f"调休工作日（{name}调休）" if name else "调休工作日"
            return "工作日"
        if name:
            return f"法定节假日（{name}）"
        return "休息日（周末）" if weekend else "法定节假日"


_DEFAULT_CALENDAR = HolidayCalendar()


def default_calendar() -> HolidayCalendar:
    """chinese_calendar alone; the patrol passes ``HolidayCalendar.from_database()`` instead."""
    return _DEFAULT_CALENDAR


# ---------------------------------------------------------------------------------------------
# Day arithmetic helpers (also used to build SQL-side working-day tables)
# ---------------------------------------------------------------------------------------------


def to_shanghai(moment: datetime) -> datetime:
    """The same instant in Asia/Shanghai; a naive datetime is a programming error."""
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        raise ValueError(f"期间计算需要带时区的时间，而不是 naive datetime {moment!r}")
    return moment.astimezone(SHANGHAI)


def end_of_day(day: date) -> datetime:
    """24:00 of ``day`` in Shanghai, i.e. 00:00 of the next day."""
    nxt = day + timedelta(days=1)
    return datetime(nxt.year, nxt.month, nxt.day, tzinfo=SHANGHAI)


def is_workday(day: date, calendar: HolidayCalendar | None = None) -> bool:
    return (calendar or _DEFAULT_CALENDAR).is_workday(day)


def workday_on_or_after(day: date, calendar: HolidayCalendar | None = None) -> date:
    """The first working day on or after ``day`` (the day a rolled-over period ends)."""
    cal = calendar or _DEFAULT_CALENDAR
    d = day
    for _ in range(_MAX_REST_RUN):
        if cal.is_workday(d):
            return d
        d += timedelta(days=1)
    raise RuntimeError(f"自{day}起连续{_MAX_REST_RUN}日都不是工作日，节假日日历数据有误")


def add_working_days(day: date, n: int, calendar: HolidayCalendar | None = None) -> date:
    """The n-th working day after ``day`` (``day`` itself not counted), n ≥ 1."""
    if n < 1:
        raise ValueError("工作日数应至少为1")
    cal = calendar or _DEFAULT_CALENDAR
    d, counted, run = day, 0, 0
    while counted < n:
        d += timedelta(days=1)
        if cal.is_workday(d):
            counted, run = counted + 1, 0
        else:
            run += 1
            if run >= _MAX_REST_RUN:
                raise RuntimeError(f"{d}前连续{run}日都不是工作日，节假日日历数据有误")
    return d


def workdays_between(
    first: date, last: date, calendar: HolidayCalendar | None = None
) -> list[date]:
    """Working days from ``first`` to ``last``, both included, in order."""
    cal = calendar or _DEFAULT_CALENDAR
    span = (last - first).days
    return [d for d in (first + timedelta(days=i) for i in range(span + 1)) if cal.is_workday(d)]


def add_months(day: date, months: int) -> tuple[date, str]:
    """The last day of a period of ``months`` months that starts on ``day``.

    SPC interpretation 2021 art. 202: from a day of this month to the same day of the target
    month; if the period starts on the last day of a month, or the target month has no such day,
    to the last day of the target month. The second value says which exception applied ("" for
    none), for the explanation.
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last_of_target = _gregorian.monthrange(year, month)[1]
    if day.day == _gregorian.monthrange(day.year, day.month)[1]:
        return date(
            year, month, last_of_target
        ), f"起算日{day}为该月最后一日，期满日为目标月最后一日"
    if day.day > last_of_target:
        return (
            date(year, month, last_of_target),
            f"{year}年{month}月没有{day.day}日，期满日为该月最后一日",
        )
    return date(year, month, day.day), ""


# ---------------------------------------------------------------------------------------------
# Deadlines
# ---------------------------------------------------------------------------------------------


def format_moment(moment: datetime, *, end_of_day_style: bool) -> str:
    """Shanghai wall time; a day-based due time (00:00) prints as 24:00 of the day before."""
    local = to_shanghai(moment)
    if end_of_day_style and local.hour == local.minute == local.second == 0:
        last = local.date() - timedelta(days=1)
        return f"{last} 24:00"
    if local.second or local.microsecond:
        return local.strftime("%Y-%m-%d %H:%M:%S")
    return local.strftime("%Y-%m-%d %H:%M")


def _day_text(day: date) -> str:
    return f"{day}（{WEEKDAYS[day.weekday()]}）"


@dataclass(frozen=True)
class Deadline:
    """A computed due time and everything needed to explain it to a legal officer.

    ``nominal_due`` is the end of the period before holiday roll-over (it is what the warning
    lead is measured against); ``due`` is the end after roll-over. ``calendar_years_unknown``
    lists the years whose days were judged by weekends only because no holiday data existed for
    them: the due time may move once the year's notice is loaded, and callers should warn.
    """

    start: datetime
    period: Period
    custody: bool
    nominal_due: datetime
    due: datetime
    rolled_over: bool
    calendar_years_unknown: tuple[int, ...] = ()
    # Why the month-end rule (SPC art. 202) applied; "" when it did not.
    month_end_rule: str = ""
    # The calendar's word for the nominal last day, and whether it is a working day (""/None
    # when the calendar was not consulted: hour periods, custody in a year it does not know).
    last_day_kind: str = ""
    last_day_workday: bool | None = None
    # Working-day periods: how many rest days between the start and the end were passed over.
    rest_days_skipped: int = 0
    # Where the holiday data came from, per year consulted, for the explanation.
    calendar_sources: tuple[str, ...] = field(default=())

    @property
    def day_based(self) -> bool:
        return self.period.unit is not Unit.HOURS

    @property
    def nominal_last_day(self) -> date | None:
        """The last day of the period before roll-over (None for hour periods)."""
        return (self.nominal_due - timedelta(days=1)).date() if self.day_based else None

    @property
    def last_day(self) -> date | None:
        """The day at whose 24:00 the period ends, after roll-over (None for hour periods)."""
        return (self.due - timedelta(days=1)).date() if self.day_based else None

    @property
    def due_text(self) -> str:
        return format_moment(self.due, end_of_day_style=self.day_based)

    def warning_lead(
        self,
        *,
        fraction: float = DEFAULT_LEAD_FRACTION,
        min_lead: timedelta | None = None,
        max_lead: timedelta | None = None,
    ) -> timedelta:
        """The warning lead of this deadline (measured on the period before roll-over)."""
        return warning_lead(
            self.start,
            self.nominal_due,
            self.period.unit,
            fraction=fraction,
            min_lead=min_lead,
            max_lead=max_lead,
        )

    def warning_from(
        self,
        *,
        fraction: float = DEFAULT_LEAD_FRACTION,
        min_lead: timedelta | None = None,
        max_lead: timedelta | None = None,
    ) -> datetime:
        """From this instant on (exclusive) the time left is under the lead: warn."""
        lead = self.warning_lead(fraction=fraction, min_lead=min_lead, max_lead=max_lead)
        return self.due - lead

    def explain(self) -> str:
        """How the due time was computed, in Chinese, for the finding and the legal officer."""
        p = self.period
        start = to_shanghai(self.start)
        parts = [f"自{format_moment(start, end_of_day_style=False)}（北京时间）起算，期间{p}"]
        if p.unit is Unit.HOURS:
            parts.append(
                f"以小时计算，自记录时刻起算，至{format_moment(self.due, end_of_day_style=False)}"
            )
            parts.append("以小时计算的期间不因节假日顺延")
        else:
            first = start.date() + timedelta(days=1)
            nominal = self.nominal_last_day
            assert nominal is not None
            if p.unit is Unit.DAYS:
                parts.append(
                    f"以日计算，开始之日不计算在内（{BASIS_DAYS}），自{first}起算，"
                    f"期满日为{_day_text(nominal)}"
                )
            elif p.unit is Unit.MONTHS:
                text = f"以月计算（{BASIS_MONTHS}），开始之日不计算在内"
                if p.whole_months:
                    text += f"，至{p.whole_months}个月后的同日"
                    if self.month_end_rule:
                        text += f"（{self.month_end_rule}）"
                if p.has_half_month:
                    text += f"，半个月按{HALF_MONTH_DAYS}日计算"
                parts.append(f"{text}，期满日为{_day_text(nominal)}")
            else:
                text = (
                    f"以工作日计算（{BASIS_WORKING_DAYS}），开始之日不计算在内，"
                    "法定节假日和休息日不计入，调休上班日计入，"
                    f"自{first}起第{p.amount}个工作日为{_day_text(nominal)}"
                )
                if self.rest_days_skipped:
                    text += f"，其间跳过{self.rest_days_skipped}个节假日、休息日"
                parts.append(text)
            parts.append(self._roll_over_text())
        if self.calendar_years_unknown:
            years = "、".join(f"{y}年" for y in self.calendar_years_unknown)
            parts.append(
                f"注意：节假日日历尚无{years}的法定节假日安排，暂按周末计算（仅周六、周日为休息日），"
                "到期时间可能变化；请管理员录入该年国务院办公厅节假日安排通知后重新计算"
            )
        elif self.calendar_sources:
            parts.append("节假日依据：" + "、".join(self.calendar_sources))
        return "；".join(parts) + f"。到期时间：{self.due_text}。"

    def _roll_over_text(self) -> str:
        nominal = self.nominal_last_day
        assert nominal is not None
        kind = self.last_day_kind
        if self.period.unit is Unit.WORKING_DAYS:
            return "以工作日计算的期间期满日即为工作日，不再顺延"
        if self.custody:
            if self.last_day_workday is False:
                return (
                    f"期满日{_day_text(nominal)}为{kind}，但本规则涉及限制人身自由，"
                    f"期满日遇节假日不顺延（{BASIS_ROLL_OVER}：限制人身自由的期间应当至期满之日为止），"
                    f"至{nominal} 24:00"
                )
            return (
                "本规则涉及限制人身自由，期满日遇节假日不顺延"
                f"（{BASIS_ROLL_OVER}：限制人身自由的期间应当至期满之日为止），至{nominal} 24:00"
            )
        if self.rolled_over:
            last = self.last_day
            assert last is not None
            return (
                f"期满日{_day_text(nominal)}为{kind}，依{BASIS_ROLL_OVER}以节假日后的第一个工作日为期满日，"
                f"顺延至{_day_text(last)}24:00"
            )
        return f"期满日{_day_text(nominal)}为{self.last_day_kind}，无需顺延，至{nominal} 24:00"


def compute_deadline(
    start: datetime,
    period: Period,
    *,
    custody: bool,
    calendar: HolidayCalendar | None = None,
) -> Deadline:
    """The due time of ``period`` started at ``start`` (see the module docstring for the rules).

    ``custody`` marks a period during which the person's liberty is restricted; such periods
    end on their last day even when it is a holiday (CPL105, APR35).
    """
    cal = calendar or _DEFAULT_CALENDAR
    local = to_shanghai(start)
    if period.unit is Unit.HOURS:
        # UTC arithmetic: an exact number of elapsed hours, whatever the zone's rules.
        due = (local.astimezone(UTC) + timedelta(hours=int(period.amount))).astimezone(SHANGHAI)
        return Deadline(local, period, custody, due, due, rolled_over=False)

    unknown: set[int] = set()
    consulted: set[int] = set()

    def note(day: date) -> None:
        consulted.add(day.year)
        if not cal.knows_day(day):
            unknown.add(day.year)

    start_day = local.date()
    month_end = ""
    skipped = 0
    if period.unit is Unit.WORKING_DAYS:
        last = add_working_days(start_day, int(period.amount), cal)
        span = (last - start_day).days
        for i in range(1, span + 1):
            note(start_day + timedelta(days=i))
        skipped = span - int(period.amount)
    elif period.unit is Unit.DAYS:
        last = start_day + timedelta(days=int(period.amount))
    else:
        last = start_day
        if period.whole_months:
            last, month_end = add_months(start_day, period.whole_months)
        if period.has_half_month:
            last += timedelta(days=HALF_MONTH_DAYS)

    due_day = last
    kind = ""
    workday: bool | None = None
    if period.unit is Unit.WORKING_DAYS or not custody or cal.knows_day(last):
        # In custody nothing is rolled over, so the calendar decides nothing; its word for the
        # last day is shown only when it is real knowledge, never a weekends-only guess.
        kind, workday = cal.describe(last), cal.is_workday(last)
    if period.unit is not Unit.WORKING_DAYS and not custody:
        note(last)
        if not workday:
            due_day = workday_on_or_after(last, cal)
            for i in range(1, (due_day - last).days + 1):
                note(last + timedelta(days=i))

    sources = tuple(dict.fromkeys(s for y in sorted(consulted) if (s := cal.source(y))))
    return Deadline(
        start=local,
        period=period,
        custody=custody,
        nominal_due=end_of_day(last),
        due=end_of_day(due_day),
        rolled_over=due_day != last,
        calendar_years_unknown=tuple(sorted(unknown)),
        month_end_rule=month_end,
        last_day_kind=kind,
        last_day_workday=workday,
        rest_days_skipped=skipped,
        calendar_sources=sources,
    )


def warning_lead(
    start: datetime,
    due: datetime,
    unit: Unit,
    *,
    fraction: float = DEFAULT_LEAD_FRACTION,
    min_lead: timedelta | None = None,
    max_lead: timedelta | None = None,
) -> timedelta:
    """How long before the due time a pending deadline becomes a warning (rules.md).

    ``fraction`` of the span from ``start`` (the trigger) to ``due`` — the due time with
    extensions, before holiday roll-over — bounded below by ``min_lead`` and above by
    ``max_lead``. Defaults: hour limits at least 2 h and no upper bound; day, working-day and
    month limits at least 1 day and at most 7 days. Pass ``timedelta.max`` to lift a bound.
    """
    if not 0 <= fraction <= 1:
        raise ValueError(f"提醒比例应在0到1之间，而不是{fraction}")
    span = to_shanghai(due) - to_shanghai(start)
    if span < timedelta(0):
        raise ValueError(f"到期时间{due}早于起算时间{start}")
    if unit is Unit.HOURS:
        lo = HOUR_MIN_LEAD if min_lead is None else min_lead
        hi = timedelta.max if max_lead is None else max_lead
    else:
        lo = DAY_MIN_LEAD if min_lead is None else min_lead
        hi = DAY_MAX_LEAD if max_lead is None else max_lead
    if lo > hi:
        raise ValueError(f"提醒提前量下限{lo}大于上限{hi}")
    return min(max(span * fraction, lo), hi)
