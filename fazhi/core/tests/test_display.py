"""The formatters every page and export shares (``fazhi.core.templatetags.display``): local
times, durations, labels of codes, booleans, missing values, laws, facts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from fazhi.core.labels import label as raw_label
from fazhi.core.laws import cite_plain
from fazhi.core.templatetags.display import (
    cite_laws,
    dash,
    duration,
    fact_value,
    label,
    local_time,
    readable_facts,
    yes_no,
)


def test_local_time_is_beijing_time_to_the_minute() -> None:
    # given a moment stored in UTC (a case-area exit at 07:40 UTC is 15:40 in Beijing)
    exit_at = datetime(2026, 9, 5, 7, 40, 51, tzinfo=UTC)
    assert local_time(exit_at) == "2026-09-05 15:40"
    # ISO text as the facts keep it, with any offset
    assert local_time("2026-09-05T07:40:51+00:00") == "2026-09-05 15:40"
    assert local_time("2026-05-16T22:07:00+08:00") == "2026-05-16 22:07"
    # a date stays a date, nothing is —
    assert local_time(date(2026, 5, 16)) == "2026-05-16"
    assert local_time(None) == "—"
    assert local_time("") == "—"
    assert local_time(None, "尚未办理") == "尚未办理"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (timedelta(days=1, hours=3), "1天3小时"),
        (timedelta(days=2), "2天"),
        (timedelta(hours=2, minutes=5), "2小时5分"),
        (timedelta(minutes=40), "40分钟"),
        (-timedelta(hours=5), "5小时"),  # a span has no sign; time_left says 已超期
        (90_000, "1天1小时"),  # seconds
        (None, "—"),
    ],
)
def test_duration_reads_as_days_hours_minutes(value: object, text: str) -> None:
    assert duration(value) == text  # type: ignore[arg-type]


def test_codes_read_as_their_chinese_labels() -> None:
    # record types (registered by records) and lexicon categories (registered by intel)
    assert label("venue_visit", "record_type") == "办案区使用"
    assert label("measure", "record_type") == "强制措施"
    assert label("mental_illness") == "精神异常"
    assert label(["self_harm", "threat"]) == "自杀自伤、威胁扬言"
    # a code nobody registered is shown as it is (the page walk finds it)
    assert raw_label("no_such_code") == "no_such_code"


def test_booleans_and_missing_values() -> None:
    assert yes_no(True) == "是"
    assert yes_no(False) == "否"
    assert yes_no(None) == "—"
    assert dash(None) == "—"
    assert dash("") == "—"
    assert dash(0) == 0
    assert dash("城南派出所") == "城南派出所"


def test_laws_by_name_and_article_with_the_abbreviation_in_a_tooltip() -> None:
    html = str(cite_laws("以日计算，开始之日不计算在内（CPL105、APR35）<b>"))
    assert '<abbr title="CPL105 《中华人民共和国刑事诉讼法》">《刑事诉讼法》第105条</abbr>' in html
    assert (
        '<abbr title="APR35 《公安机关办理行政案件程序规定》">'
        "《公安机关办理行政案件程序规定》第35条</abbr>"
    ) in html
    assert "&lt;b&gt;" in html  # the text itself stays escaped
    assert cite_plain("依据 CPL:85") == "依据 《刑事诉讼法》第85条"
    # the rule pack's basis, written with the full title, reads by the short name too
    basis = "《中华人民共和国刑事诉讼法》第85条；《中华人民共和国治安管理处罚法》第83条"
    assert cite_plain(basis) == "《刑事诉讼法》第85条；《治安管理处罚法》第83条"
    assert str(cite_laws(basis)).count("<abbr title=") == 2
    # an abbreviation inside a longer code is not a law
    assert cite_plain("XCPL105") == "XCPL105"


def test_fact_values_read_as_a_person_reads_them() -> None:
    assert fact_value(datetime(2026, 9, 5, 7, 40, tzinfo=UTC)) == "2026-09-05 15:40"
    assert fact_value("2026-10-02T12:39:37+08:00") == "2026-10-02 12:39"
    assert fact_value(False) == "否"
    assert fact_value(None) == "未记录"
    assert fact_value(["行政处罚决定书"]) == "行政处罚决定书"  # not ['行政处罚决定书']
    assert fact_value(["revenge", "weapon"]) == "报复、凶器"
    assert fact_value(0.8) == "0.8"
    assert fact_value("城南派出所") == "城南派出所"


def test_readable_facts_leave_out_evidence_ranges() -> None:
    facts = [
        {"field": "match.jaccard", "label": "相似度", "value": 0.91},
        {"field": "match.passages", "label": "雷同段落", "value": [[0, 12, 3, 15]]},
        {"field": "match.others", "label": "其他雷同笔录", "value": [{"transcript_id": "T-3"}]},
        {"field": "analysis.cues", "label": "线索词", "value": ["被盗"]},
    ]
    assert [f["label"] for f in readable_facts(facts)] == ["相似度", "线索词"]


def test_a_clock_carries_its_due_time_for_the_page_to_count_down() -> None:
    from datetime import datetime, timedelta

    from django.template import Context, Template

    from fazhi.core.timezones import SHANGHAI

    now = datetime(2026, 5, 16, 10, 0, tzinfo=SHANGHAI)
    html = Template("{% load display %}{% clock due now %}").render(
        Context({"due": now + timedelta(hours=3, minutes=20), "now": now})
    )
    assert html == (
        '<span class="clock clock-soon" data-due="2026-05-16T13:20:00+08:00" '
        'data-now="2026-05-16T10:00:00+08:00">还剩 3小时20分</span>'
    )
    assert Template("{% load display %}{% clock None now %}").render(Context({"now": now})) == ""
