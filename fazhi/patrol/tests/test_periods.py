"""期间计算: one test (at least) per clause of rules.md "How periods are counted".

Real holiday dates are checked against chinese_calendar first (``assert_official``), so that a
change of the package's data shows up as a failed precondition rather than a puzzling result.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from fazhi.core.timezones import SHANGHAI
from fazhi.patrol import calendar_models
from fazhi.patrol.periods import (
    Deadline,
    HolidayCalendar,
    HolidayNoticeData,
    NoticeError,
    Period,
    PeriodError,
    Unit,
    _package_day,
    add_months,
    add_working_days,
    compute_deadline,
    default_calendar,
    end_of_day,
    warning_lead,
    workday_on_or_after,
    workdays_between,
)

PACKAGE = default_calendar()


def person(username: str) -> Any:
    """A user named ``username`` (actors are users, not names; these tests have no bureau)."""
    return get_user_model().objects.get_or_create(username=username)[0]


def administrator(username: str) -> Any:
    """A superuser named ``username``: who may enter holiday notices."""
    return get_user_model().objects.get_or_create(
        username=username, defaults={"is_superuser": True}
    )[0]


def sh(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=SHANGHAI)


def midnight_after(y: int, mo: int, d: int) -> datetime:
    """24:00 of the given day."""
    return sh(y, mo, d) + timedelta(days=1)


def assert_official(**days: bool) -> None:
    """Precondition: chinese_calendar says these days (d_YYYY_MM_DD=is_workday) are so."""
    for key, workday in days.items():
        _, y, mo, d = key.split("_")
        day = date(int(y), int(mo), int(d))
        assert chinese_calendar.is_workday(day) is workday, f"chinese_calendar changed for {day}"


# A fictional 2027 arrangement, for tests only (it is NOT the real 2027 notice): National Day
# 2027-10-01..07 off, Saturday 2027-10-09 worked.
NOTICE_2027 = HolidayNoticeData(
    year=2027,
    title="国务院办公厅关于2027年部分节假日安排的通知（测试用）",
    number="国办发明电〔2026〕99号",
    rest_days=frozenset(date(2027, 10, d) for d in range(1, 8)),
    work_days=frozenset({date(2027, 10, 9)}),
)


# --- Period and Unit ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "text"),
    [
        (Period.hours(24), "24小时"),
        (Period.days(3), "3日"),
        (Period.months(2), "2个月"),
        (Period.working_days(5), "5个工作日"),
        (Period.half_month(), "半个月"),
        (Period.months(Decimal("1.5")), "1个半月"),
    ],
)
def test_period_prints_in_chinese_and_parses_back(period: Period, text: str) -> None:
    # given a period, when printed
    # then the Chinese form, which parses back to the same period
    assert str(period) == text
    assert Period.parse(text) == period


def test_period_parse_accepts_the_usual_variants() -> None:
    # given the ways legal officers write periods
    # then each reads as the intended period, and an unknown form is refused
    assert Period.parse("3天") == Period.days(3)
    assert Period.parse(" 5 工作日 ") == Period.working_days(5)
    assert Period.parse("12月") == Period.months(12)
    assert Period.parse("半月") == Period.half_month()
    with pytest.raises(PeriodError, match="无法识别"):
        Period.parse("三日")


def test_period_rejects_what_the_law_does_not_count() -> None:
    # given amounts that are no legal period
    # then they are refused with a Chinese message
    with pytest.raises(PeriodError, match="大于零"):
        Period.days(0)
    with pytest.raises(PeriodError, match="大于零"):
        Period.hours(-1)
    with pytest.raises(PeriodError, match="半个月"):
        Period(Decimal("1.5"), Unit.DAYS)
    with pytest.raises(PeriodError, match="半个月"):
        Period(Decimal("1.25"), Unit.MONTHS)
    with pytest.raises(PeriodError):
        Period(True, Unit.DAYS)  # a bool is an int in Python, never a period
    with pytest.raises(PeriodError):
        Period(1.5, Unit.MONTHS)  # type: ignore[arg-type]


def test_period_normalises_integral_decimals_and_unit_strings() -> None:
    # given a Decimal 2 and the unit as a string
    # then it equals the plain int period
    period = Period(Decimal("2"), "months")  # type: ignore[arg-type]
    assert period == Period.months(2)
    assert type(period.amount) is int
    assert period.unit is Unit.MONTHS


def test_unit_labels() -> None:
    # given the units / then their Chinese words, in declaration order
    assert [u.label for u in Unit] == ["小时", "日", "个工作日", "个月"]
    assert Unit("working_days") is Unit.WORKING_DAYS


# --- Hours -------------------------------------------------------------------------------------


def test_hours_count_from_the_exact_recorded_time() -> None:
    # given a 24-hour period started at 10:17:30
    start = sh(2026, 3, 5, 10, 17, 30)
    # when computed
    d = compute_deadline(start, Period.hours(24), custody=True)
    # then it ends exactly 24 h later, to the second
    assert d.due == d.nominal_due == sh(2026, 3, 6, 10, 17, 30)
    assert not d.rolled_over
    assert d.last_day is None
    assert "2026-03-06 10:17:30" in d.explain()


def test_hours_never_roll_over_even_on_a_holiday_and_outside_custody() -> None:
    # given a 24 h period (not custody) ending on National Day 2026
    assert_official(d_2026_10_01=False)
    d = compute_deadline(sh(2026, 9, 30, 20), Period.hours(24), custody=False)
    # then it ends at the exact hour on the holiday, without roll-over or calendar look-ups
    assert d.due == sh(2026, 10, 1, 20)
    assert not d.rolled_over
    assert d.calendar_years_unknown == ()
    assert "不因节假日顺延" in d.explain()


def test_hours_into_an_unknown_year_need_no_calendar() -> None:
    # given an hour period ending in a year chinese_calendar does not know
    d = compute_deadline(sh(2030, 5, 1, 8), Period.hours(12), custody=False)
    # then nothing is reported unknown: hours never depend on holidays
    assert d.due == sh(2030, 5, 1, 20)
    assert d.calendar_years_unknown == ()


# --- Days --------------------------------------------------------------------------------------


def test_the_rules_md_example_three_days_from_march_5() -> None:
    # given 2026-03-05 10:00 and 3 days; 2026-03-08 is a Sunday
    assert_official(d_2026_03_08=False, d_2026_03_09=True)
    start = sh(2026, 3, 5, 10)
    # when computed for a custody rule (no roll-over) and for a normal rule
    custody = compute_deadline(start, Period.days(3), custody=True)
    normal = compute_deadline(start, Period.days(3), custody=False)
    # then the period itself ends at 2026-03-08 24:00 (the starting day not counted) …
    assert custody.nominal_due == normal.nominal_due == midnight_after(2026, 3, 8)
    assert custody.due == midnight_after(2026, 3, 8)
    assert custody.due_text == "2026-03-08 24:00"
    # … and the normal rule rolls the Sunday over to Monday 24:00
    assert normal.due == midnight_after(2026, 3, 9)
    assert normal.rolled_over
    assert not custody.rolled_over


def test_days_ending_on_a_working_day_need_no_roll_over() -> None:
    # given 3 days from Tuesday 2026-03-03 23:59 (the starting day is not counted, however late)
    d = compute_deadline(sh(2026, 3, 3, 23, 59), Period.days(3), custody=False)
    # then the period ends Friday 2026-03-06 24:00
    assert d.due == d.nominal_due == midnight_after(2026, 3, 6)
    assert not d.rolled_over
    text = d.explain()
    assert "开始之日不计算在内" in text
    assert "自2026-03-04起算" in text
    assert "期满日2026-03-06（星期五）为工作日，无需顺延" in text
    assert text.endswith("到期时间：2026-03-06 24:00。")


def test_a_start_at_midnight_still_does_not_count_its_day() -> None:
    # given 1 day from 2026-03-31 00:00
    d = compute_deadline(sh(2026, 3, 31), Period.days(1), custody=True)
    # then the whole of 03-31 is the uncounted starting day; the period ends 2026-04-01 24:00
    assert d.due == midnight_after(2026, 4, 1)


def test_days_cross_the_end_of_a_month() -> None:
    # given 3 days from 2026-03-30 (a working Thursday 04-02, before Qingming 04-04)
    assert_official(d_2026_04_02=True)
    d = compute_deadline(sh(2026, 3, 30, 15), Period.days(3), custody=False)
    # then the days 03-31, 04-01, 04-02 are counted
    assert d.due == midnight_after(2026, 4, 2)
    assert not d.rolled_over


def test_days_cross_the_year_end_into_new_year_and_roll_to_a_make_up_sunday() -> None:
    # given 3 days from 2025-12-30, last day 2026-01-02 in the New Year holiday (01-01..03),
    # with Sunday 2026-01-04 a make-up working day
    assert_official(d_2026_01_02=False, d_2026_01_03=False, d_2026_01_04=True)
    d = compute_deadline(sh(2025, 12, 30, 9), Period.days(3), custody=False)
    # then it rolls over to the make-up Sunday, the first working day after the holiday
    assert d.nominal_due == midnight_after(2026, 1, 2)
    assert d.due == midnight_after(2026, 1, 4)
    assert "元旦" in d.explain()


# --- Months ------------------------------------------------------------------------------------


def test_months_end_on_the_same_date() -> None:
    # given 2 months from 2026-03-11 (Monday 2026-05-11 is a working day)
    assert_official(d_2026_05_11=True)
    d = compute_deadline(sh(2026, 3, 11, 16), Period.months(2), custody=False)
    # then the period ends 2026-05-11 24:00, and no month-end rule was needed
    assert d.due == midnight_after(2026, 5, 11)
    assert d.month_end_rule == ""
    assert "至2个月后的同日" in d.explain()


def test_jan_31_plus_one_month_is_feb_28_in_2026() -> None:
    # given 1 month from 2026-01-31; 2026-02-28 is a Saturday worked for Spring Festival
    assert_official(d_2026_02_28=True)
    d = compute_deadline(sh(2026, 1, 31, 9), Period.months(1), custody=False)
    # then it ends on the last day of February, and the make-up Saturday needs no roll-over
    assert d.due == midnight_after(2026, 2, 28)
    assert not d.rolled_over
    assert d.month_end_rule
    text = d.explain()
    assert "最后一日" in text
    assert "第202条" in text
    assert "调休工作日" in text


def test_jan_31_plus_one_month_is_feb_29_in_leap_year_2028() -> None:
    # given 1 month from 2028-01-31
    d = compute_deadline(sh(2028, 1, 31, 9), Period.months(1), custody=False)
    # then it ends on Tuesday 2028-02-29, the leap day
    assert d.due == midnight_after(2028, 2, 29)
    # and when chinese_calendar lacks 2028 the explanation says it was counted by weekends
    if PACKAGE.knows(2028):
        assert d.calendar_years_unknown == ()
    else:
        assert d.calendar_years_unknown == (2028,)
        assert "2028年" in d.explain()
        assert "暂按周末计算" in d.explain()


def test_a_target_month_without_the_date_ends_on_its_last_day() -> None:
    # given 1 month from 2026-01-30 (February has no 30th); custody to isolate the month rule
    d = compute_deadline(sh(2026, 1, 30, 9), Period.months(1), custody=True)
    # then to 2026-02-28, and the explanation names the missing day
    assert d.due == midnight_after(2026, 2, 28)
    assert "2026年2月没有30日" in d.explain()


def test_a_start_on_the_last_day_of_a_month_ends_on_the_last_day_of_the_target() -> None:
    # given 1 month from 2026-02-28, the last day of February (Tuesday 03-31 is a working day)
    assert_official(d_2026_03_31=True)
    d = compute_deadline(sh(2026, 2, 28, 9), Period.months(1), custody=False)
    # then to 2026-03-31, not 03-28
    assert d.due == midnight_after(2026, 3, 31)
    assert "起算日2026-02-28为该月最后一日" in d.explain()


def test_feb_28_of_a_leap_year_is_not_a_month_end() -> None:
    # given 1 month from 2028-02-28, which is not the last day of February 2028
    d = compute_deadline(sh(2028, 2, 28, 9), Period.months(1), custody=True)
    # then the same date applies
    assert d.nominal_due == midnight_after(2028, 3, 28)
    assert d.month_end_rule == ""


@pytest.mark.parametrize(
    ("start", "months", "last"),
    [
        (date(2026, 4, 30), 1, date(2026, 5, 31)),  # last day of April → last day of May
        (date(2026, 1, 31), 2, date(2026, 3, 31)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),  # across the year end
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 3, 15), 10, date(2027, 1, 15)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
    ],
)
def test_add_months(start: date, months: int, last: date) -> None:
    # given a start day and a number of months / then the period's last day (SPC art. 202)
    assert add_months(start, months)[0] == last


def test_twelve_months_into_2027_use_weekends_while_2027_is_unknown() -> None:
    # given 12 months (XS-QB-01) from 2026-03-06, ending Saturday 2027-03-06
    calendar = HolidayCalendar()
    d = compute_deadline(sh(2026, 3, 6, 9), Period.months(12), custody=False, calendar=calendar)
    assert d.nominal_due == midnight_after(2027, 3, 6)
    if calendar.knows(2027):
        # then (once the package knows 2027) nothing is reported unknown
        assert d.calendar_years_unknown == ()
    else:
        # then the Saturday rolls to Monday by the weekend rule, and the finding says so
        assert d.due == midnight_after(2027, 3, 8)
        assert d.calendar_years_unknown == (2027,)
        assert "尚无2027年的法定节假日安排" in d.explain()


def test_half_a_month_is_fifteen_days() -> None:
    # given half a month and 1½ months from 2026-03-05
    half = compute_deadline(sh(2026, 3, 5, 9), Period.half_month(), custody=False)
    one_half = compute_deadline(sh(2026, 3, 1, 9), Period.months(Decimal("1.5")), custody=True)
    # then 15 days (Friday 03-20), and one month then 15 days (04-01 + 15 = 04-16)
    assert half.due == midnight_after(2026, 3, 20)
    assert one_half.due == midnight_after(2026, 4, 16)
    assert "半个月按15日计算" in half.explain()


# --- Holiday roll-over on real holidays --------------------------------------------------------


def test_national_day_2026_rolls_to_the_first_working_day() -> None:
    # given the 2026 holiday 10-01..07, 10-08 a normal working Thursday, Saturday 10-10 worked
    assert_official(
        d_2026_10_01=False, d_2026_10_03=False, d_2026_10_07=False,
        d_2026_10_08=True, d_2026_10_10=True,
    )  # fmt: skip
    # when a 3-day period ends on 10-03
    d = compute_deadline(sh(2026, 9, 30, 10), Period.days(3), custody=False)
    # then it ends 2026-10-08 24:00, and the explanation says why
    assert d.nominal_due == midnight_after(2026, 10, 3)
    assert d.due == midnight_after(2026, 10, 8)
    assert d.rolled_over
    text = d.explain()
    assert "期满日2026-10-03（星期六）为法定节假日（国庆节）" in text
    assert "顺延至2026-10-08（星期四）24:00" in text


def test_national_day_2026_last_holiday_rolls_one_day() -> None:
    # given a period ending on the last holiday, 10-07
    d = compute_deadline(sh(2026, 10, 4, 10), Period.days(3), custody=False)
    # then to 10-08
    assert d.due == midnight_after(2026, 10, 8)


def test_a_period_ending_on_a_make_up_saturday_does_not_roll_over() -> None:
    # given 3 days ending Saturday 2026-10-10, a make-up working day (调休)
    assert_official(d_2026_10_10=True)
    d = compute_deadline(sh(2026, 10, 7, 10), Period.days(3), custody=False)
    # then no roll-over, and the explanation calls it a make-up working day
    assert d.due == midnight_after(2026, 10, 10)
    assert not d.rolled_over
    assert "调休工作日（国庆节调休），无需顺延" in d.explain()


def test_sunday_after_the_make_up_saturday_rolls_to_monday() -> None:
    # given a 3-day period ending Sunday 2026-10-11, the day after the make-up Saturday
    assert_official(d_2026_10_11=False, d_2026_10_12=True)
    d = compute_deadline(sh(2026, 10, 8, 10), Period.days(3), custody=False)
    # then it rolls to Monday
    assert d.due == midnight_after(2026, 10, 12)


def test_spring_festival_2026() -> None:
    # given Spring Festival 2026-02-15..23 off, Saturdays 02-14 and 02-28 worked
    assert_official(
        d_2026_02_14=True, d_2026_02_15=False, d_2026_02_16=False,
        d_2026_02_23=False, d_2026_02_24=True,
    )  # fmt: skip
    # when a period ends on 02-16, and another on the make-up Saturday 02-14
    rolled = compute_deadline(sh(2026, 2, 13, 10), Period.days(3), custody=False)
    worked = compute_deadline(sh(2026, 2, 11, 10), Period.days(3), custody=False)
    # then the first runs to Tuesday 02-24, the second stays on the Saturday
    assert rolled.due == midnight_after(2026, 2, 24)
    assert "春节" in rolled.explain()
    assert worked.due == midnight_after(2026, 2, 14)
    assert not worked.rolled_over


def test_national_day_and_mid_autumn_2025() -> None:
    # given 2025-10-01..08 off, Sunday 09-28 and Saturday 10-11 worked
    assert_official(
        d_2025_09_27=False, d_2025_09_28=True, d_2025_10_01=False, d_2025_10_06=False,
        d_2025_10_08=False, d_2025_10_09=True, d_2025_10_11=True,
    )  # fmt: skip
    ending_06 = compute_deadline(sh(2025, 10, 3, 10), Period.days(3), custody=False)
    ending_sat_27 = compute_deadline(sh(2025, 9, 24, 10), Period.days(3), custody=False)
    ending_sun_28 = compute_deadline(sh(2025, 9, 25, 10), Period.days(3), custody=False)
    ending_sat_11 = compute_deadline(sh(2025, 10, 8, 10), Period.days(3), custody=False)
    # then a holiday end (Mid-Autumn, 10-06) rolls to Thursday 10-09
    assert ending_06.due == midnight_after(2025, 10, 9)
    assert "中秋节" in ending_06.explain()
    # a plain Saturday rolls to the make-up Sunday 09-28
    assert ending_sat_27.due == midnight_after(2025, 9, 28)
    assert "休息日（周末）" in ending_sat_27.explain()
    # and the two make-up days themselves are working days
    assert ending_sun_28.due == midnight_after(2025, 9, 28)
    assert ending_sat_11.due == midnight_after(2025, 10, 11)
    assert not ending_sun_28.rolled_over
    assert not ending_sat_11.rolled_over


def test_a_plain_weekend_rolls_to_monday() -> None:
    # given a 3-day period ending on an ordinary Saturday
    assert_official(d_2026_03_14=False, d_2026_03_15=False, d_2026_03_16=True)
    d = compute_deadline(sh(2026, 3, 11, 10), Period.days(3), custody=False)
    # then it rolls over the weekend to Monday 24:00
    assert d.due == midnight_after(2026, 3, 16)
    assert "2026-03-14（星期六）为休息日（周末）" in d.explain()


def test_a_month_period_rolls_over_labour_day() -> None:
    # given 2 months from 2026-03-05, ending Tuesday 2026-05-05, the last Labour Day holiday
    assert_official(d_2026_05_05=False, d_2026_05_06=True)
    d = compute_deadline(sh(2026, 3, 5, 10), Period.months(2), custody=False)
    # then to Wednesday 05-06
    assert d.due == midnight_after(2026, 5, 6)
    assert "劳动节" in d.explain()


# --- Custody -----------------------------------------------------------------------------------


def test_custody_periods_never_roll_over() -> None:
    # given the National Day case above, for a custody rule (e.g. XS-JL-04 提请批捕)
    d = compute_deadline(sh(2026, 9, 30, 10), Period.days(3), custody=True)
    # then it ends on the holiday itself, and the explanation says why
    assert d.due == d.nominal_due == midnight_after(2026, 10, 3)
    assert not d.rolled_over
    text = d.explain()
    assert "国庆节" in text
    assert "本规则涉及限制人身自由，期满日遇节假日不顺延" in text
    assert text.endswith("到期时间：2026-10-03 24:00。")


def test_custody_month_period_on_a_holiday_does_not_roll_over() -> None:
    # given XS-JY-01 (2 months, custody) ending on Labour Day 2026-05-05
    d = compute_deadline(sh(2026, 3, 5, 10), Period.months(2), custody=True)
    # then it ends on the holiday itself
    assert d.due == midnight_after(2026, 5, 5)
    assert not d.rolled_over


def test_custody_in_an_unknown_year_reports_nothing_unknown() -> None:
    # given a custody period ending on a Saturday in a year nobody knows
    calendar = HolidayCalendar(use_package=False)
    d = compute_deadline(sh(2026, 3, 11, 10), Period.days(3), custody=True, calendar=calendar)
    # then the calendar decided nothing, so no year is reported, and no guessed day kind shown
    assert d.due == midnight_after(2026, 3, 14)
    assert d.calendar_years_unknown == ()
    assert d.last_day_kind == ""
    assert "不顺延" in d.explain()


# --- Working days ------------------------------------------------------------------------------


def test_working_days_skip_the_holiday_week_and_count_the_make_up_saturday() -> None:
    # given 5 working days (APL85) from Monday 2026-09-28
    d = compute_deadline(sh(2026, 9, 28, 10), Period.working_days(5), custody=False)
    # then 09-29, 09-30, 10-08, 10-09 and the make-up Saturday 10-10 are counted
    assert d.due == d.nominal_due == midnight_after(2026, 10, 10)
    assert not d.rolled_over
    assert d.rest_days_skipped == 7
    text = d.explain()
    assert "APL85" in text
    assert "第5个工作日为2026-10-10（星期六）" in text


def test_working_days_around_the_2025_make_up_sunday() -> None:
    # given 3 working days from Friday 2025-09-26: Saturday 09-27 off, Sunday 09-28 worked
    d = compute_deadline(sh(2025, 9, 26, 10), Period.working_days(3), custody=False)
    # then 09-28, 09-29, 09-30
    assert d.due == midnight_after(2025, 9, 30)
    assert d.rest_days_skipped == 1


def test_working_days_starting_on_a_holiday() -> None:
    # given 2 working days from 2026-10-03 (a holiday)
    d = compute_deadline(sh(2026, 10, 3, 10), Period.working_days(2), custody=True)
    # then 10-08 and 10-09
    assert d.due == midnight_after(2026, 10, 9)


def test_working_days_over_a_plain_weekend() -> None:
    # given 2 working days from Thursday 2026-03-05 / then Friday and Monday are counted
    d = compute_deadline(sh(2026, 3, 5, 10), Period.working_days(2), custody=False)
    assert d.due == midnight_after(2026, 3, 9)


def test_working_days_into_an_unknown_year_are_reported() -> None:
    # given 7 working days from 2026-12-28 with a calendar that lacks 2027
    calendar = HolidayCalendar()
    d = compute_deadline(sh(2026, 12, 28, 10), Period.working_days(7), custody=False,
                         calendar=calendar)  # fmt: skip
    if calendar.knows(2027):
        assert d.calendar_years_unknown == ()
    else:
        # then 2027's days were judged by weekends: 12-29..31, 01-01 (no holiday known!), …
        assert d.calendar_years_unknown == (2027,)
        assert d.due == midnight_after(2027, 1, 6)


def test_workday_helpers() -> None:
    # given the 2026 National Day fortnight
    # then the working days are the plain ones plus the make-up Saturday
    assert workdays_between(date(2026, 9, 28), date(2026, 10, 11)) == [
        date(2026, 9, 28), date(2026, 9, 29), date(2026, 9, 30),
        date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10),
    ]  # fmt: skip
    assert workdays_between(date(2026, 10, 2), date(2026, 10, 1)) == []
    assert workday_on_or_after(date(2026, 10, 1)) == date(2026, 10, 8)
    assert workday_on_or_after(date(2026, 10, 8)) == date(2026, 10, 8)
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    with pytest.raises(ValueError, match="至少为1"):
        add_working_days(date(2026, 9, 30), 0)


def test_a_calendar_without_working_days_is_reported_not_looped_on() -> None:
    # given a notice that (wrongly) makes the whole of October a rest period
    notice = HolidayNoticeData(2027, "错误的通知", rest_days=frozenset(
        date(2027, 10, 1) + timedelta(days=i) for i in range(70)
    ))  # fmt: skip
    calendar = HolidayCalendar([notice])
    # then computing a deadline there fails loudly
    with pytest.raises(RuntimeError, match="日历数据有误"):
        compute_deadline(sh(2027, 9, 30), Period.days(1), custody=False, calendar=calendar)


def test_calendar_look_ups_are_cached() -> None:
    # given a date asked once
    day = date(2026, 10, 3)
    PACKAGE.is_workday(day)
    hits = _package_day.cache_info().hits
    # when asked again
    # then the answer comes from the cache
    PACKAGE.is_workday(day)
    assert _package_day.cache_info().hits == hits + 1


# --- Warning lead ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "lead"),
    [(24, timedelta(hours=6)), (12, timedelta(hours=3)), (8, timedelta(hours=2)),
     (4, timedelta(hours=2)), (1, timedelta(hours=2))],
)  # fmt: skip
def test_hour_lead_is_a_quarter_but_at_least_two_hours(hours: int, lead: timedelta) -> None:
    # given an hour limit / then the lead is 25% of it, raised to 2 h for short limits
    start = sh(2026, 3, 5, 10)
    assert warning_lead(start, start + timedelta(hours=hours), Unit.HOURS) == lead


def test_day_lead_is_at_least_one_day() -> None:
    # given 3 days from 10:00: 3 d 14 h to the due time, a quarter is 21.5 h
    d = compute_deadline(sh(2026, 3, 3, 10), Period.days(3), custody=False)
    # then the lead is raised to 1 day
    assert d.warning_lead() == timedelta(days=1)


def test_day_lead_between_the_bounds_is_a_quarter() -> None:
    # given 10 days from 12:00: 10.5 days to the due time
    d = compute_deadline(sh(2026, 3, 3, 12), Period.days(10), custody=True)
    # then the lead is a quarter of it, neither bound applying
    assert d.warning_lead() == timedelta(days=10.5) / 4


def test_day_and_month_leads_are_at_most_seven_days() -> None:
    # given 30 days (ZA-QX-01) and 2 months (XS-JY-01)
    thirty = compute_deadline(sh(2026, 3, 3, 12), Period.days(30), custody=False)
    months = compute_deadline(sh(2026, 3, 3, 12), Period.months(2), custody=True)
    # then the lead is capped at 7 days
    assert thirty.warning_lead() == timedelta(days=7)
    assert months.warning_lead() == timedelta(days=7)


def test_lead_is_measured_before_roll_over() -> None:
    # given the National Day roll-over (nominal 10-03 24:00, due 10-08 24:00)
    d = compute_deadline(sh(2026, 9, 30, 12), Period.days(3), custody=False)
    # then the lead is a quarter of the 3.5 days to 10-03 24:00 (21 h → 1 day minimum) …
    assert d.warning_lead() == timedelta(days=1)
    # … and the warning starts one lead before the rolled-over due time
    assert d.warning_from() == midnight_after(2026, 10, 7)
    # and an explicit call on the nominal due time agrees
    assert d.warning_lead(fraction=0.5) == warning_lead(
        d.start, d.nominal_due, Unit.DAYS, fraction=0.5
    )
    assert d.warning_lead(fraction=0.5) == timedelta(hours=42)


def test_lead_fraction_and_bounds_are_parameters() -> None:
    # given a 60-day span
    start = sh(2026, 3, 5, 10)
    due = start + timedelta(days=60)
    # then a rule's own fraction and bounds replace the defaults, and bad settings are refused
    assert warning_lead(start, due, Unit.DAYS, fraction=0.1) == timedelta(days=6)
    assert warning_lead(start, due, Unit.DAYS, max_lead=timedelta.max) == timedelta(days=15)
    assert warning_lead(start, due, Unit.MONTHS, max_lead=timedelta(days=3)) == timedelta(days=3)
    short = start + timedelta(hours=4)
    assert warning_lead(start, short, Unit.HOURS, min_lead=timedelta(0)) == timedelta(hours=1)
    with pytest.raises(ValueError, match="比例"):
        warning_lead(start, due, Unit.DAYS, fraction=1.5)
    with pytest.raises(ValueError, match="早于"):
        warning_lead(due, start, Unit.DAYS)
    with pytest.raises(ValueError, match="大于上限"):
        warning_lead(start, due, Unit.DAYS, min_lead=timedelta(days=8))


# --- Unknown years and notices (no database) ---------------------------------------------------


def test_unknown_year_falls_back_to_weekends_and_says_so() -> None:
    # given a calendar that knows no year, and a period ending Saturday 2026-10-03
    calendar = HolidayCalendar(use_package=False)
    assert not calendar.knows(2026)
    d = compute_deadline(sh(2026, 9, 30, 10), Period.days(3), custody=False, calendar=calendar)
    # then only the weekend counts: Monday 10-05 (the real holiday is not known), reported
    assert d.due == midnight_after(2026, 10, 5)
    assert d.calendar_years_unknown == (2026,)
    text = d.explain()
    assert "尚无2026年的法定节假日安排" in text
    assert "暂按周末计算" in text
    assert "请管理员录入" in text


def test_the_package_years_are_known_and_cited() -> None:
    # given the package calendar
    # then 2026 is known, far years are not, and an explanation cites the package
    assert PACKAGE.knows(2026)
    assert PACKAGE.unknown_years(2025, 2026) == []
    assert PACKAGE.unknown_years(2040, 2041) == [2040, 2041]
    d = compute_deadline(sh(2026, 3, 3, 10), Period.days(3), custody=False)
    assert "国务院办公厅2026年节假日安排（系统内置）" in d.explain()
    assert "chinese_calendar" not in d.explain()  # no package name or version for officers
    assert d.calendar_years_unknown == ()


def test_a_notice_supplies_an_unknown_year() -> None:
    # given the (fictional) 2027 notice
    calendar = HolidayCalendar([NOTICE_2027])
    assert calendar.knows(2027)
    # when a period ends on 2027-10-02 (a Saturday in the listed holiday)
    d = compute_deadline(sh(2027, 9, 29, 10), Period.days(3), custody=False, calendar=calendar)
    # then it rolls past the whole listed holiday to Friday 10-08, with nothing unknown
    assert d.due == midnight_after(2027, 10, 8)
    assert d.calendar_years_unknown == ()
    assert "据《国务院办公厅关于2027年部分节假日安排的通知（测试用）》" in d.explain()
    # and an unlisted weekday/weekend follows the plain week, a listed Saturday is worked
    assert calendar.is_workday(date(2027, 10, 9))
    assert calendar.is_workday(date(2027, 3, 3))
    assert not calendar.is_workday(date(2027, 3, 6))
    assert calendar.source(2027) == f"《{NOTICE_2027.title}》"


def test_a_notice_overrides_a_year_the_package_knows() -> None:
    # given a (fictional) corrected 2026 notice that also gives 10-08 off and no make-up days
    correction = HolidayNoticeData(
        2026, "2026年更正（测试用）",
        rest_days=frozenset(date(2026, 10, d) for d in range(1, 9)),
    )  # fmt: skip
    calendar = HolidayCalendar([correction])
    d = compute_deadline(sh(2026, 9, 30, 10), Period.days(3), custody=False, calendar=calendar)
    # then the notice wins: to Friday 10-09; and unlisted days follow the plain week, so the
    # package's make-up Saturday 10-10 is no longer worked
    assert d.due == midnight_after(2026, 10, 9)
    assert not calendar.is_workday(date(2026, 10, 10))
    assert PACKAGE.is_workday(date(2026, 10, 10))


def test_a_notice_may_list_a_day_of_the_neighbouring_year() -> None:
    # given a 2027 notice that makes Saturday 2026-12-26 a working day (as the 2012 notice did
    # for 2011-12-31)
    notice = HolidayNoticeData(2027, "2027（测试用）", work_days=frozenset({date(2026, 12, 26)}))
    calendar = HolidayCalendar([notice])
    # then that day is worked, while 2026 otherwise still comes from the package
    assert calendar.is_workday(date(2026, 12, 26))
    assert calendar.knows_day(date(2026, 12, 26))
    assert not calendar.is_workday(date(2026, 10, 1))
    # and a notice of the day's own year takes precedence over the neighbour's
    own = HolidayNoticeData(2026, "2026（测试用）", rest_days=frozenset({date(2026, 12, 26)}))
    assert not HolidayCalendar([notice, own]).is_workday(date(2026, 12, 26))
    assert not HolidayCalendar([own, notice]).is_workday(date(2026, 12, 26))


def test_two_notices_for_one_year_are_refused() -> None:
    # given two notices of 2027 / then the calendar refuses to choose between them
    with pytest.raises(ValueError, match="两份"):
        HolidayCalendar([NOTICE_2027, NOTICE_2027])


def _notice_json(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "year": 2027,
        "title": "国务院办公厅关于2027年部分节假日安排的通知",
        "number": "国办发明电〔2026〕99号",
        "rest_days": ["2027-10-01", "2027-10-02"],
        "work_days": ["2027-10-09"],
    }
    base.update(changes)
    return base


def test_notice_json_is_read() -> None:
    # given a well-formed notice / then its days are read as dates, with no warnings
    data = HolidayNoticeData.from_json(_notice_json())
    assert data.year == 2027
    assert data.rest_days == {date(2027, 10, 1), date(2027, 10, 2)}
    assert data.work_days == {date(2027, 10, 9)}
    assert data.warnings() == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"year": "2027"}, "year 应为2000至2100之间的整数年份"),
        ({"year": 1999}, "year 应为"),
        ({"title": " "}, "title（通知标题）必填"),
        ({"number": 7}, "number（文号）"),
        ({"rest_days": []}, "不能为空"),
        ({"rest_days": "2027-10-01"}, "应为日期列表"),
        ({"rest_days": ["2027-02-30"]}, "第1项 '2027-02-30' 不是有效日期"),
        ({"rest_days": ["2027/10/01"]}, "不是有效日期"),
        ({"rest_days": ["2027-10-01", "2027-10-01"]}, "重复"),
        ({"work_days": ["2027-10-01"]}, "同时列为休息日和工作日：2027-10-01"),
        ({"work_days": ["2025-10-11"]}, "不在2027年度通知的范围内"),
        ({"days": []}, "未知字段：days"),
    ],
)
def test_notice_json_errors_are_clear(changes: dict[str, object], message: str) -> None:
    # given a notice with one mistake / then the error names it in Chinese
    with pytest.raises(NoticeError) as info:
        HolidayNoticeData.from_json(_notice_json(**changes))
    assert message in str(info.value)


def test_notice_json_reports_every_problem_at_once() -> None:
    # given a notice with three mistakes / then all three are reported together
    with pytest.raises(NoticeError) as info:
        HolidayNoticeData.from_json({"year": None, "rest_days": ["x"]})
    assert len(info.value.problems) == 3  # year, title, the bad date
    with pytest.raises(NoticeError, match="JSON对象"):
        HolidayNoticeData.from_json([])


def test_notice_warnings_catch_likely_typos() -> None:
    # given a title without the year and a weekday listed as a make-up day
    # then both are warned about (the file is still loadable)
    data = HolidayNoticeData.from_json(_notice_json(title="节假日安排", work_days=["2027-10-13"]))
    warnings = data.warnings()
    assert any("没有年份2027" in w for w in warnings)
    assert any("2027-10-13（星期三）本来就是工作日" in w for w in warnings)


# --- Timezones ---------------------------------------------------------------------------------


def test_a_utc_input_gives_the_same_deadline_as_its_shanghai_equivalent() -> None:
    # given 2026-03-04 17:00 UTC, which is 2026-03-05 01:00 in Shanghai
    utc = datetime(2026, 3, 4, 17, tzinfo=UTC)
    local = sh(2026, 3, 5, 1)
    for period in (Period.days(3), Period.hours(24), Period.months(1), Period.working_days(2)):
        a = compute_deadline(utc, period, custody=False)
        b = compute_deadline(local, period, custody=False)
        # then the deadlines and explanations are identical, counted from the Shanghai day
        assert a == b
        assert a.explain() == b.explain()
    assert compute_deadline(utc, Period.days(3), custody=True).due == midnight_after(2026, 3, 8)
    assert compute_deadline(utc, Period.hours(24), custody=True).due.tzinfo is SHANGHAI


def test_another_zone_is_converted_too() -> None:
    # given a New York time / then it is counted from its Shanghai day
    new_york = datetime(2026, 3, 4, 12, tzinfo=ZoneInfo("America/New_York"))  # 03-05 01:00 CST
    d = compute_deadline(new_york, Period.days(3), custody=True)
    assert d.start == sh(2026, 3, 5, 1)
    assert d.due == midnight_after(2026, 3, 8)


def test_naive_datetimes_are_refused() -> None:
    # given a datetime without a zone / then it is a programming error
    with pytest.raises(ValueError, match="naive"):
        compute_deadline(datetime(2026, 3, 5, 10), Period.days(3), custody=False)
    with pytest.raises(ValueError, match="naive"):
        warning_lead(datetime(2026, 3, 5), sh(2026, 3, 6), Unit.DAYS)


def test_end_of_day_is_midnight_of_the_next_day_in_shanghai() -> None:
    # given 2026-12-31 / then its 24:00 is 2027-01-01 00:00 Shanghai, 16:00 UTC the same day
    assert end_of_day(date(2026, 12, 31)) == datetime(2027, 1, 1, tzinfo=SHANGHAI)
    assert end_of_day(date(2026, 12, 31)) == datetime(2026, 12, 31, 16, tzinfo=UTC)


def test_deadline_is_immutable() -> None:
    # given a computed deadline / then it cannot be altered after the fact
    d = compute_deadline(sh(2026, 3, 5, 10), Period.days(3), custody=True)
    assert isinstance(d, Deadline)
    with pytest.raises(AttributeError):
        d.due = sh(2030, 1, 1)  # type: ignore[misc]


# --- Database: notices as data, the management command ----------------------------------------


@pytest.fixture
def notice_file(tmp_path):
    def write(obj: object, name: str = "2027.json"):
        path = tmp_path / name
        path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
        return path

    return write


@pytest.mark.django_db
def test_a_stored_notice_feeds_the_database_calendar() -> None:
    from fazhi.core.models import AuditEvent

    # given the 2027 notice saved by an administrator
    notice, replaced = calendar_models.save_notice(
        NOTICE_2027, actor=administrator("admin"), reason="通知已发布"
    )
    assert not replaced
    # when the calendar is built from the database
    calendar = HolidayCalendar.from_database()
    # then 2027 is known and the notice's days apply
    assert calendar.knows(2027)
    assert calendar.unknown_years(2026, 2027) == []
    d = compute_deadline(sh(2027, 9, 29, 10), Period.days(3), custody=False, calendar=calendar)
    assert d.due == midnight_after(2027, 10, 8)
    assert d.calendar_years_unknown == ()
    # and the load is audited
    audit = AuditEvent.objects.get(action="holiday_notice.load")
    assert (audit.actor, audit.target_type, audit.target_id) == ("admin", "holiday_notice", "2027")
    assert audit.details["work_days"] == ["2027-10-09"]
    assert len(audit.details["rest_days"]) == 7
    assert notice.days.count() == 8


@pytest.mark.django_db
def test_a_second_load_needs_replace() -> None:
    from fazhi.core.models import AuditEvent

    # given the 2027 notice stored
    calendar_models.save_notice(NOTICE_2027, actor=administrator("admin"), reason="通知已发布")
    # when the same year is loaded again without replace / then refused, nothing changed
    with pytest.raises(ValueError, match="--replace"):
        calendar_models.save_notice(NOTICE_2027, actor=administrator("admin"), reason="通知已发布")
    # when replaced with a notice without the make-up Saturday
    fixed = HolidayNoticeData(2027, "更正（2027）", rest_days=NOTICE_2027.rest_days)
    _, replaced = calendar_models.save_notice(
        fixed, actor=administrator("admin2"), reason="更正", replace=True
    )
    # then the days are the new ones, and the audit keeps what was replaced
    assert replaced
    calendar = HolidayCalendar.from_database()
    assert not calendar.is_workday(date(2027, 10, 9))
    audits = list(AuditEvent.objects.filter(action="holiday_notice.load").order_by("id"))
    assert len(audits) == 2
    assert audits[1].details["replaced"]["work_days"] == ["2027-10-09"]


@pytest.mark.django_db
def test_a_failing_audit_leaves_no_notice(monkeypatch) -> None:
    # given an audit writer that fails
    def broken(*args, **kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(calendar_models, "record_audit", broken)
    # when a notice is saved
    # then nothing of it remains (one transaction)
    with pytest.raises(RuntimeError):
        calendar_models.save_notice(NOTICE_2027, actor=administrator("admin"), reason="通知已发布")
    assert not calendar_models.HolidayNotice.objects.exists()
    assert not calendar_models.HolidayNoticeDay.objects.exists()


@pytest.mark.django_db
def test_command_load_list_and_check(notice_file, capsys) -> None:
    from io import StringIO

    path = notice_file(_notice_json())
    # given no notice: check up to 2027 fails with exit status 1, naming 2027
    out = StringIO()
    with pytest.raises(CommandError) as info:
        call_command("holiday_notice", "check", "--from", "2026", "--until", "2027", stdout=out)
    assert info.value.returncode == 1
    assert "2027" in str(info.value)
    assert "2026年：已知" in out.getvalue()
    assert "2027年：未知" in out.getvalue()
    # when loaded
    out = StringIO()
    call_command(
        "holiday_notice",
        "load",
        str(path),
        "--by",
        administrator("admin").username,
        "--reason",
        "通知已发布",
        stdout=out,
    )
    assert "已录入2027年节假日安排" in out.getvalue()
    # then check passes, and list shows it
    out = StringIO()
    call_command("holiday_notice", "check", "--from", "2026", "--until", "2027", stdout=out)
    assert "2027年：已知（《国务院办公厅关于2027年部分节假日安排的通知》）" in out.getvalue()
    out = StringIO()
    call_command("holiday_notice", "list", stdout=out)
    assert "2027年" in out.getvalue()
    assert "休息日2天" in out.getvalue()
    assert "admin" in out.getvalue()


@pytest.mark.django_db
def test_command_refuses_bad_files_with_chinese_errors(notice_file, tmp_path) -> None:
    from fazhi.core.models import AuditEvent

    # given a broken JSON file, a missing file and an invalid date
    # then each is refused with a Chinese error
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('{"year": 2027,', encoding="utf-8")
    with pytest.raises(CommandError, match="不是有效的JSON"):
        call_command("holiday_notice", "load", str(bad_json))
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("holiday_notice", "load", str(tmp_path / "missing.json"))
    with pytest.raises(CommandError, match="不是有效日期"):
        call_command("holiday_notice", "load", str(notice_file(_notice_json(rest_days=["x"]))))
    # then nothing was written
    assert not calendar_models.HolidayNotice.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_command_list_without_notices() -> None:
    from io import StringIO

    # given no notices / then list says so, and names the package's years
    out = StringIO()
    call_command("holiday_notice", "list", stdout=out)
    assert "尚未录入" in out.getvalue()
    assert "chinese_calendar" in out.getvalue()


@pytest.mark.django_db
def test_a_user_who_is_not_a_rule_editor_may_not_enter_a_notice_even_from_a_shell() -> None:
    from fazhi.core.models import AuditEvent
    from fazhi.patrol.error_codes import ErrorCode

    # given a user without a role (not 法制大队, not an administrator)
    with pytest.raises(calendar_models.PatrolError, match="无权录入2027年") as refused:
        calendar_models.save_notice(NOTICE_2027, actor=person("clerk"), reason="通知已发布")
    # then refused with a 403 code, and nothing stored or audited
    assert (refused.value.code, refused.value.status) == (ErrorCode.NOTICE_NOT_ALLOWED, 403)
    assert not calendar_models.HolidayNotice.objects.exists()
    assert not AuditEvent.objects.filter(action="holiday_notice.load").exists()
