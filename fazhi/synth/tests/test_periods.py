"""Period arithmetic the generator places its acts with (rules.md, 期间计算)."""

from __future__ import annotations

from fazhi.synth import names
from fazhi.synth.periods import (
    add_months,
    day_due,
    fmt,
    latest_day_due,
    month_due,
    parse_iso,
    workday_due,
)


def at(text: str) -> int:
    return parse_iso(text)


def test_the_starting_day_is_not_counted() -> None:
    # a 3-day period from 2026-03-05 10:00 ends at 2026-03-08 24:00
    assert fmt(day_due(at("2026-03-05T10:00:00+08:00"), 3, False)) == "2026-03-09T00:00:00+08:00"


def test_a_period_ending_in_a_holiday_rolls_over_unless_custody() -> None:
    # given a 3-day period ending on 2026-10-03, inside the National Day holiday
    start = at("2026-09-30T10:00:00+08:00")
    # then custody keeps the last day, other periods end on the next working day (10-08)
    assert fmt(day_due(start, 3, False)) == "2026-10-04T00:00:00+08:00"
    assert fmt(day_due(start, 3, True)) == "2026-10-09T00:00:00+08:00"


def test_the_latest_reading_counts_short_periods_in_working_days() -> None:
    start = at("2026-03-06T10:00:00+08:00")  # a Friday
    assert fmt(workday_due(start, 2)) == "2026-03-11T00:00:00+08:00"
    assert latest_day_due(start, 2) == workday_due(start, 2)
    assert latest_day_due(start, 30) == day_due(start, 30, True)


def test_months_end_on_the_same_date_or_the_month_end() -> None:
    assert fmt(add_months(at("2026-03-05T08:00:00+08:00"), 2)) == "2026-05-06T00:00:00+08:00"
    # 01-31 + 1 month: February has no 31st, and a month-end start ends at a month end
    assert fmt(add_months(at("2026-01-31T08:00:00+08:00"), 1)) == "2026-03-01T00:00:00+08:00"
    assert fmt(add_months(at("2026-02-28T08:00:00+08:00"), 1)) == "2026-04-01T00:00:00+08:00"
    # 12 months from 2025-10-04 end on 2026-10-04, a holiday: the next working day is 10-08
    assert fmt(month_due(at("2025-10-04T08:00:00+08:00"), 12, True)) == "2026-10-09T00:00:00+08:00"


def test_identity_numbers_carry_the_mod_11_2_check() -> None:
    assert names.id_number_valid("11010519491231002X")
    assert not names.id_number_valid("110105194912310021")
    assert not names.id_number_valid("110105194902300025")  # 1949-02-30 is no date
    assert names.check_char("33012219900412123") == "1"
