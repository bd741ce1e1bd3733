from __future__ import annotations

from datetime import date

import pytest

from fazhi.reports.periods import ReportError, parse_period


def test_each_kind_reads_its_period() -> None:
    # given the four ways of writing a period / when parsed / then their Beijing days
    assert (parse_period("daily", "2026-10-08").first, parse_period("daily", "2026-10-08").last) \
        == (date(2026, 10, 8), date(2026, 10, 8))  # fmt: skip
    week = parse_period("weekly", "2026-W41")
    assert (week.first, week.last) == (date(2026, 10, 5), date(2026, 10, 11))
    assert week.label == "2026年第41周（10月5日至10月11日）"
    month = parse_period("monthly", "2026-02")
    assert (month.first, month.last) == (date(2026, 2, 1), date(2026, 2, 28))
    quarter = parse_period("quarterly", "2026-Q3")
    assert (quarter.first, quarter.last) == (date(2026, 7, 1), date(2026, 9, 30))
    assert [m.month for m in quarter.months()] == [7, 8, 9]
    assert quarter.label == "2026年第3季度"


@pytest.mark.parametrize(
    ("kind", "text", "words"),
    [
        ("daily", "2026-13-01", "没有这一天"),
        ("daily", "2026/10/08", "格式不符"),
        ("weekly", "2026-W60", "没有这一天"),
        ("weekly", "2026-10", "格式不符"),
        ("monthly", "2026-Q3", "格式不符"),
        ("quarterly", "2026-Q5", "格式不符"),
        ("quarterly", "1900-Q1", "年份超出范围"),
    ],
)
def test_a_bad_period_is_refused_in_chinese(kind: str, text: str, words: str) -> None:
    # given a period that is not one / when parsed / then a Chinese message naming it
    with pytest.raises(ReportError) as exc:
        parse_period(kind, text)
    assert words in exc.value.message
    assert text in exc.value.message
    assert exc.value.field == "period"
