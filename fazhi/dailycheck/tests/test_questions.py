"""Each of the ten questions on crafted records: one record it must report, and records it must
not (the nearest misses: too recent, already done, out of the window)."""

from __future__ import annotations

import datetime as dt

import pytest

from fazhi.dailycheck.questions import QUESTIONS, answer_all, record_url
from fazhi.dailycheck.tests.conftest import NOW, SH
from fazhi.patrol.models import Finding, Rule

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


def ids(code, unit="U-CN", now=NOW):
    found = answer_all(now)[code].get(unit)
    return {r["id"] for r in found.records} if found else set()


def test_the_ten_questions_are_data_with_codes_q01_to_q10():
    assert [q.code for q in QUESTIONS] == [f"Q{i:02d}" for i in range(1, 11)]
    assert all(q.text.endswith("？") and q.reason and q.basis for q in QUESTIONS)


def test_q01_incident_not_disposed_within_24_hours(build):
    late = build.incident(received_at=NOW - 25 * H)
    build.incident(received_at=NOW - 23 * H)  # still within 24 h
    build.incident(received_at=NOW - 30 * H, disposition="受案", disposed_at=NOW - 28 * H)
    build.incident(received_at=NOW - 30 * H, category="交通")  # not asked about
    north = build.incident(unit="north", received_at=NOW - 30 * H)
    assert ids("Q01") == {late.pk}
    assert ids("Q01", "U-CB") == {north.pk}


def test_q01_a_disposal_recorded_after_now_has_not_happened_yet(build):
    later = build.incident(received_at=NOW - 30 * H, disposition="调解", disposed_at=NOW + H)
    assert ids("Q01") == {later.pk}


def test_q02_custody_deadline_within_24_hours(build):
    # 刑事拘留 on 11-07: 3 days, the starting day not counted, ends 11-10 24:00 (in 14 h)
    due = build.measure("刑事拘留", dt.datetime(2026, 11, 7, 15, tzinfo=SH))
    # 传唤 11 h ago: 12 h limit, due in 1 h
    summons = build.measure("传唤", NOW - 11 * H)
    build.measure("刑事拘留", dt.datetime(2026, 11, 9, 9, tzinfo=SH))  # due 11-12 24:00
    build.measure("传唤", NOW - 2 * H)  # due in 10 h: within the 24 h, reported too
    build.measure("传唤", NOW - 11 * H, ended_at=NOW - 5 * H)  # released
    found = ids("Q02")
    assert due.pk in found
    assert summons.pk in found
    assert len(found) == 3


def test_q02_detention_answered_by_an_arrest_request_is_not_asked(build):
    case = build.case()
    person = build.person(case)
    build.measure("刑事拘留", dt.datetime(2026, 11, 7, 15, tzinfo=SH), case=case, person=person)
    build.event("提请批准逮捕", dt.datetime(2026, 11, 9, 9, tzinfo=SH), case, person=person)
    assert ids("Q02") == set()


def test_q02_extension_moves_the_due_time(build):
    # 刑事拘留 extended to 7 days: not due today any more
    build.measure(
        "刑事拘留", dt.datetime(2026, 11, 7, 15, tzinfo=SH),
        extended_to=dt.datetime(2026, 11, 14, 23, tzinfo=SH),
    )  # fmt: skip
    assert ids("Q02") == set()


def test_q03_property_awaiting_storage_for_more_than_24_hours(build):
    waiting = build.property("待入库", NOW - 25 * H)
    build.property("待入库", NOW - 2 * H)
    build.property("在库", NOW - 5 * D)
    assert ids("Q03") == {waiting.pk}


def test_q04_transcript_by_fewer_than_two_officers(build):
    zhang, chen = build.bureau.officers["zhang"], build.bureau.officers["chen"]
    single = build.transcript([zhang, build.auxiliary()], NOW - D)  # 辅警 do not count
    build.transcript([zhang, chen], NOW - D)
    build.transcript([zhang], NOW - 10 * D)  # outside the 7-day window
    assert ids("Q04") == {single.pk}


def test_q05_case_area_stay_over_24_hours_or_without_leaving_time(build):
    stuck = build.visit(NOW - 30 * H, None)
    long_stay = build.visit(NOW - 50 * H, NOW - 20 * H)
    build.visit(NOW - 30 * H, NOW - 29 * H)  # left in time
    build.visit(NOW - 10 * H, None)  # not 24 h yet
    detained = build.visit(NOW - 30 * H, None)
    build.measure("刑事拘留", NOW - 28 * H, case=detained.case, person=detained.person)
    assert ids("Q05") == {stuck.pk, long_stay.pk}


def test_q06_criminal_case_without_filing_decision(build):
    overdue = build.case(status="受案", accepted_at=dt.datetime(2026, 11, 5, 10, tzinfo=SH))
    build.case(status="受案", accepted_at=dt.datetime(2026, 11, 9, 10, tzinfo=SH))  # 11-12 24:00
    build.case(status="立案", accepted_at=dt.datetime(2026, 11, 5, 10, tzinfo=SH),
               filed_at=dt.datetime(2026, 11, 6, 10, tzinfo=SH))  # fmt: skip
    build.case(kind="行政", status="受案", accepted_at=dt.datetime(2026, 11, 1, 10, tzinfo=SH))
    extended = build.case(status="受案", accepted_at=dt.datetime(2026, 11, 5, 10, tzinfo=SH))
    build.event("延长期限", dt.datetime(2026, 11, 7, 10, tzinfo=SH), extended)  # 7 days
    refused = build.case(status="受案", accepted_at=dt.datetime(2026, 11, 5, 10, tzinfo=SH))
    build.event("不予立案", dt.datetime(2026, 11, 7, 10, tzinfo=SH), refused)
    assert ids("Q06") == {overdue.pk}


def _rule():
    return Rule.objects.create(
        code="JQ-01", pack="cn-police-2026", name="警情未及时处置", kind="deadline",
        subject_type="incident", check_name="incident_disposal", default_severity="一般",
        basis="APR60",
    )  # fmt: skip


def test_q07_open_overdue_findings_of_the_unit(build, bureau):
    rule = _rule()
    south = bureau.units["south"]
    overdue = Finding.objects.create(
        rule=rule, subject_type="incident", subject_id="J-1", status="overdue", severity="一般",
        unit=south, digest="x", due_at=NOW - D,
    )  # fmt: skip
    Finding.objects.create(rule=rule, subject_type="incident", subject_id="J-2",
                           status="warning", severity="一般", unit=south, digest="x")  # fmt: skip
    Finding.objects.create(rule=rule, subject_type="incident", subject_id="J-3",
                           status="overdue", severity="一般", unit=south, digest="x",
                           is_open=False)  # fmt: skip
    assert ids("Q07") == {str(overdue.pk)}


def test_q08_dispute_without_followup_for_7_days(build):
    forgotten = build.incident(category="纠纷", received_at=NOW - 10 * D)
    visited = build.incident(category="纠纷", received_at=NOW - 10 * D)
    build.followup(visited, NOW - 3 * D)
    resolved = build.incident(category="纠纷", received_at=NOW - 10 * D)
    build.followup(resolved, NOW - 9 * D, result="已化解")
    stale = build.incident(category="纠纷", received_at=NOW - 20 * D)
    build.followup(stale, NOW - 12 * D)  # the last visit is 12 days old
    build.incident(category="纠纷", received_at=NOW - 3 * D)  # not 7 days yet
    assert ids("Q08") == {forgotten.pk, stale.pk}


def test_q09_bail_or_residential_surveillance_due_within_7_days(build):
    # 取保候审 from 2025-11-15: 12 months end 2026-11-15 (a Sunday) → rolls to 11-16 24:00
    due = build.measure("取保候审", dt.datetime(2025, 11, 15, 10, tzinfo=SH))
    # 监视居住 from 2026-05-12: 6 months end 2026-11-12
    watch = build.measure("监视居住", dt.datetime(2026, 5, 12, 10, tzinfo=SH))
    build.measure("取保候审", dt.datetime(2026, 1, 20, 10, tzinfo=SH))  # due in January
    build.measure("取保候审", dt.datetime(2025, 11, 15, 10, tzinfo=SH),
                  ended_at=dt.datetime(2026, 6, 1, tzinfo=SH))  # fmt: skip
    assert ids("Q09") == {due.pk, watch.pk}


def test_q10_detention_without_family_notification(build):
    silent = build.measure("刑事拘留", NOW - 30 * H)
    notified = build.measure("行政拘留", NOW - 30 * H)
    build.event("通知家属", NOW - 29 * H, notified.case, measure=notified)
    by_person = build.measure("逮捕", NOW - 30 * H)
    build.event("通知家属", NOW - 29 * H, by_person.case, person=by_person.person)
    no_reason = build.measure("刑事拘留", NOW - 30 * H)
    build.event("无法通知家属", NOW - 29 * H, no_reason.case, measure=no_reason)
    with_reason = build.measure("刑事拘留", NOW - 30 * H)
    build.event("无法通知家属", NOW - 29 * H, with_reason.case, measure=with_reason,
                note="嫌疑人拒绝提供家属信息")  # fmt: skip
    build.measure("刑事拘留", NOW - 20 * H)  # not 24 h yet
    assert ids("Q10") == {silent.pk, no_reason.pk}


def test_answers_are_grouped_by_unit_and_link_to_record_pages(build):
    build.incident(received_at=NOW - 25 * H)
    build.incident(unit="north", received_at=NOW - 25 * H)
    prop = build.property("待入库", NOW - 25 * H, unit="north")
    answers = answer_all(NOW)
    assert answers["Q01"]["U-CN"].count == 1
    assert answers["Q01"]["U-CB"].count == 1
    assert "U-CN" not in answers["Q03"]
    record = answers["Q03"]["U-CB"].records[0]
    assert record_url(record) == f"/cases/{prop.case_id}/"
    incident = answers["Q01"]["U-CN"].records[0]
    assert record_url(incident) == f"/incidents/{incident['id']}/"


def test_answering_for_some_units_only(build):
    build.incident(received_at=NOW - 25 * H)
    north = build.incident(unit="north", received_at=NOW - 25 * H)
    answers = answer_all(NOW, ["U-CB"])
    assert set(answers["Q01"]) == {"U-CB"}
    assert answers["Q01"]["U-CB"].records[0]["id"] == north.pk
