"""The open clocks' placement (``synth/live.py``), read against rules.md's periods by hand.

The engine's side (every deadline rule in warning at ``as_of``) is
``patrol/tests/test_open_clocks.py``; here, that a trigger puts ``as_of`` inside the warning lead
with time left, on the edge cases of day and month periods.
"""

from __future__ import annotations

import random

import pytest

from fazhi.synth.live import SCENARIOS, Clock, warning_trigger
from fazhi.synth.periods import DAY, HOUR, parse_iso


def _window(clock: Clock, as_of: int) -> tuple[int, int]:
    t = warning_trigger(clock, as_of, random.Random(1))
    due, _ = clock.due_bounds(t)
    return t, due


@pytest.mark.parametrize(
    ("clock", "as_of"),
    [
        (Clock(24, "hours", True), "2026-11-02T09:00:00+08:00"),
        (Clock(8, "hours", True), "2026-11-02T00:00:00+08:00"),
        (Clock(3, "days", True), "2026-11-02T09:00:00+08:00"),
        (Clock(3, "days", False), "2026-11-04T15:00:00+08:00"),  # a Wednesday
        (Clock(30, "days", False), "2026-11-04T15:00:00+08:00"),
        (Clock(2, "months", True), "2026-11-04T15:00:00+08:00"),
        (Clock(12, "months", False), "2026-11-04T15:00:00+08:00"),
    ],
)
def test_the_due_time_is_ahead_within_the_warning_lead(clock: Clock, as_of: str) -> None:
    # given a weekday moment / when a trigger is placed for it
    now = parse_iso(as_of)
    t, due = _window(clock, now)
    # then the act is due after as_of, and as_of is past the warning point
    assert t < now < due
    assert due - clock.lead() < now


def test_a_3_day_period_ends_at_2400_of_a_working_day() -> None:
    # given a Wednesday 15:00: the period must end tonight at 24:00 (lead: one day)
    now = parse_iso("2026-11-04T15:00:00+08:00")
    t, due = _window(Clock(3, "days", False), now)
    # then the trigger is on the Sunday before (the starting day is not counted)
    assert due == parse_iso("2026-11-05T00:00:00+08:00")
    assert parse_iso("2026-11-01T00:00:00+08:00") <= t < parse_iso("2026-11-02T00:00:00+08:00")


def test_on_a_rest_day_a_non_custody_day_period_cannot_warn_so_the_nearest_is_taken() -> None:
    # given a Saturday morning: a non-custody day period ends at 24:00 of a working day, so its
    # one-day warning begins on Monday at the earliest
    now = parse_iso("2026-11-07T10:00:00+08:00")
    t, due = _window(Clock(3, "days", False), now)
    # then the clock whose warning begins first: due Monday 24:00
    assert due == parse_iso("2026-11-10T00:00:00+08:00")
    assert t < now < due


def test_every_scenario_runs_an_hours_clock_with_at_least_two_hours_lead() -> None:
    # rules.md: the lead is a quarter of the period, at least 2 hours (hours) or 1 day (days)
    for clock, _scenario in SCENARIOS.values():
        assert clock.lead() >= (2 * HOUR if clock.unit == "hours" else DAY)
