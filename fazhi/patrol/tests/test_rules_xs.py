"""Criminal procedure rules (刑事, XS): a hit, a miss and the boundaries of every rule.

Each test starts from the clean cases (no finding at 2026-10-08 10:00) and changes one fact, or
adds one compliant chain of records and changes one fact of it; it then compares the whole set
of open findings with the expected one, so that a rule firing where it should not is caught too.

Calendar facts used below (chinese_calendar, checked in ``test_calendar_preconditions``):
2026-09-06 is a Sunday (rest day); 2026-09-20 is a Sunday worked (调休); 2026-10-01..07 are the
National Day holidays and 2026-10-08 the next working day.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from fazhi.patrol.models import Finding
from fazhi.patrol.tests.conftest import (
    DeadlineCase,
    Records,
    add,
    boundary_params,
    criminal_case,
    custody_chain,
    document,
    drop,
    event,
    find,
    id_number,
    iso,
    keys,
    measure,
    only,
    person,
    read_clean,
    restriction_case,
    second_suspect,
    set_field,
    sh,
    t,
    transcript,
)

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


def test_calendar_preconditions() -> None:
    # the holiday facts the expected due times below rest on
    assert not chinese_calendar.is_workday(date(2026, 9, 6))  # Sunday
    assert chinese_calendar.is_workday(date(2026, 9, 20))  # Sunday, 调休 working day
    for day in range(1, 8):
        assert not chinese_calendar.is_workday(date(2026, 10, day))
    assert chinese_calendar.is_workday(date(2026, 10, 8))
    assert chinese_calendar.is_workday(date(2026, 9, 4))
    assert chinese_calendar.is_workday(date(2026, 9, 23))


def test_clean_cases_patrol_to_no_finding(patrol, clean_records) -> None:
    # given the two compliant example cases, unchanged
    # when patrolled at 2026-10-08 10:00
    findings = patrol(clean_records)
    # then there is no finding at all
    assert findings == []


# ---------------------------------------------------------------------------------------------
# Deadline boundaries: done at due / one minute late / overdue / warning lead, per rule


def _act(records: Records, rid: str, done, **fields) -> Records:
    """Move event ``rid`` to ``done`` or drop it."""
    if done is None:
        return drop(records, rid)
    return set_field(records, rid, at=iso(done), **fields)


def _move_transcript(records: Records, rid: str, done) -> Records:
    if done is None:
        return drop(records, rid)
    return set_field(records, rid, started_at=iso(done), ended_at=iso(done + HOUR))


def _summons(records: Records, done) -> Records:
    return add(
        records,
        measure("M-CH", "传唤", t("2026-09-28 08:00"), ended_at=iso(done) if done else None),
    )


def _refused(records: Records, done) -> Records:
    set_field(records, "M-OK-APPROVE", kind="不批准逮捕")
    return set_field(records, "M-OK-JL", ended_at=iso(done) if done else None)


def _to_prosecution(records: Records, done) -> Records:
    if done is None:
        return records
    return add(records, event("E-YS", "移送审查起诉", iso(done), case_id="C-OK", person_id="S-OK"))


def _restriction(kind: str, start, *, ended=None):
    def build(records: Records, done) -> Records:
        return add(records, *restriction_case("C-QB", kind, start, ended_at=done))

    return build


def _deposit_return(records: Records, done) -> Records:
    add(
        records,
        *restriction_case("C-QB", "取保候审", sh(2025, 12, 1, 10), ended_at=sh(2026, 9, 30, 10)),
    )
    return _act(records, "C-QB-M-RET", done)


def _designated_notice(records: Records, done) -> Records:
    add(records, *restriction_case("C-QB", "指定居所监视居住", sh(2026, 9, 28, 10)))
    return _act(records, "C-QB-M-N", done)


def _filing(records: Records, done) -> Records:
    return set_field(records, "C-OK", filed_at=iso(done) if done else None)


def _not_filing_notice(records: Records, done) -> Records:
    add(records, *criminal_case("C-2", sh(2026, 9, 20, 10), filed=False, status="不予立案"))
    add(records, event("C-2-NF", "不予立案", t("2026-09-21 10:00"), case_id="C-2"))
    if done is not None:
        add(records, event("C-2-NFN", "不立案告知", iso(done), case_id="C-2"))
    return records


def _revocation_service(records: Records, done) -> Records:
    add(
        records,
        event("C-OK-REV", "撤销案件", t("2026-09-20 10:00"), case_id="C-OK", person_id="S-OK"),
    )
    if done is not None:
        add(records, event("C-OK-REV-S", "送达", iso(done), case_id="C-OK", person_id="S-OK"))
    return records


DEADLINES = [
    # 传唤 09-28 08:00 + 12 h; lead 25% = 3 h
    DeadlineCase("XS-CH-01", "measure", "M-CH", sh(2026, 9, 28, 20), 3 * HOUR, _summons),
    # 刑事拘留 09-03 09:00 + 24 h; lead 6 h
    DeadlineCase(
        "XS-JL-01",
        "measure",
        "M-OK-JL",
        sh(2026, 9, 4, 9),
        6 * HOUR,
        lambda r, d: _act(r, "M-OK-JL-JAIL", d),
    ),
    DeadlineCase(
        "XS-JL-02",
        "measure",
        "M-OK-JL",
        sh(2026, 9, 4, 9),
        6 * HOUR,
        lambda r, d: _act(r, "M-OK-JL-NOTE", d),
    ),
    DeadlineCase(
        "XS-JL-03",
        "measure",
        "M-OK-JL",
        sh(2026, 9, 4, 9),
        6 * HOUR,
        lambda r, d: _move_transcript(r, "M-OK-JL-T", d),
    ),
    # 3 days from 09-03: the last day 09-06 is a Sunday, custody: no roll-over, 09-06 24:00;
    # lead 25% of 3 d 15 h < 1 day → 1 day
    DeadlineCase(
        "XS-JL-04",
        "measure",
        "M-OK-JL",
        sh(2026, 9, 7),
        DAY,
        lambda r, d: _act(r, "M-OK-JL-REQ", d),
    ),
    # 不批准逮捕 09-09 10:00 + 12 h (local standard); lead 3 h
    DeadlineCase("XS-DB-01", "event", "M-OK-APPROVE", sh(2026, 9, 9, 22), 3 * HOUR, _refused),
    # 逮捕 09-09 15:00 + 24 h; lead 6 h
    DeadlineCase(
        "XS-DB-02",
        "measure",
        "M-OK-DB",
        sh(2026, 9, 10, 15),
        6 * HOUR,
        lambda r, d: _act(r, "M-OK-DB-NOTE", d),
    ),
    DeadlineCase(
        "XS-DB-03",
        "measure",
        "M-OK-DB",
        sh(2026, 9, 10, 15),
        6 * HOUR,
        lambda r, d: _move_transcript(r, "M-OK-DB-T", d),
    ),
    # 逮捕 09-09 + 2 months: 11-09 24:00 (a Monday); lead 25% of 2 months, capped at 7 days
    DeadlineCase("XS-JY-01", "measure", "M-OK-DB", sh(2026, 11, 10), 7 * DAY, _to_prosecution),
    # 取保候审 2025-10-01 + 12 months: 2026-10-01 is National Day → 10-08 24:00; lead 7 days
    DeadlineCase(
        "XS-QB-01",
        "measure",
        "C-QB-M",
        sh(2026, 10, 9),
        7 * DAY,
        _restriction("取保候审", sh(2025, 10, 1, 10)),
    ),
    # 监视居住 2026-04-01 + 6 months: 10-01 → rolled over to 10-08 24:00; lead 7 days
    DeadlineCase(
        "XS-QB-02",
        "measure",
        "C-QB-M",
        sh(2026, 10, 9),
        7 * DAY,
        _restriction("监视居住", sh(2026, 4, 1, 10)),
    ),
    # 取保候审 ended 09-30 10:00 + 3 days: 10-03 is a holiday → 10-08 24:00; lead 1 day
    DeadlineCase("XS-QB-04", "measure", "C-QB-M", sh(2026, 10, 9), DAY, _deposit_return),
    # 指定居所监视居住 09-28 10:00 + 24 h; lead 6 h
    DeadlineCase(
        "XS-JS-01", "measure", "C-QB-M", sh(2026, 9, 29, 10), 6 * HOUR, _designated_notice
    ),
    # 受案 09-01 10:00 + 3 days: 09-04 (Friday) 24:00; lead 1 day
    DeadlineCase("XS-LA-01", "case", "C-OK", sh(2026, 9, 5), DAY, _filing),
    # 不予立案 09-21 10:00 + 3 days: 09-24 (Thursday) 24:00; lead 1 day
    DeadlineCase("XS-LA-02", "event", "C-2-NF", sh(2026, 9, 25), DAY, _not_filing_notice),
    # 撤销案件 09-20 10:00 + 3 days: 09-23 (Wednesday) 24:00; lead 1 day
    DeadlineCase("XS-LA-03", "event", "C-OK-REV", sh(2026, 9, 24), DAY, _revocation_service),
]


@pytest.mark.parametrize(("dc", "check"), boundary_params(DEADLINES))
def test_deadline_boundaries(patrol, clean_records, dc, check) -> None:
    check(patrol, clean_records, dc)


# ---------------------------------------------------------------------------------------------
# XS-CH-01 传唤拘传超时


def test_xs_ch_01_hit_summons_ended_late(patrol, clean_records) -> None:
    # given a 传唤 in the criminal case that lasted 13 hours
    add(
        clean_records,
        measure("M-CH", "传唤", t("2026-09-20 08:00"), ended_at=t("2026-09-20 21:00")),
    )
    # when patrolled
    findings = patrol(clean_records)
    # then XS-CH-01 reports it ended an hour late (12 h limit)
    f = only(findings, "XS-CH-01", "measure", "M-CH")
    assert (f["status"], f["due_at"]) == ("late", t("2026-09-20 20:00"))
    assert (f["officer_id"], f["unit_id"], f["case_id"]) == ("P1", "U1", "C-OK")


def test_xs_ch_01_hit_compelled_appearance_still_running(patrol, clean_records) -> None:
    # given a 拘传 started 09-20 08:00 and never ended
    add(clean_records, measure("M-CH", "拘传", t("2026-09-20 08:00")))
    # when patrolled
    f = only(patrol(clean_records), "XS-CH-01", "measure", "M-CH")
    # then it is overdue since 20:00
    assert (f["status"], f["due_at"]) == ("overdue", t("2026-09-20 20:00"))


def test_xs_ch_01_miss_summons_of_eleven_hours(patrol, clean_records) -> None:
    # given a 传唤 that lasted 11 h 59 min
    add(
        clean_records,
        measure("M-CH", "传唤", t("2026-09-20 08:00"), ended_at=t("2026-09-20 19:59")),
    )
    # when patrolled / then nothing
    assert patrol(clean_records) == []


def test_xs_ch_01_miss_criminal_summons_kind_in_administrative_case(patrol, clean_records) -> None:
    # given a 传唤 (criminal kind) recorded in the administrative case, lasting 13 hours
    add(
        clean_records,
        measure(
            "M-CH",
            "传唤",
            t("2026-09-12 08:00"),
            ended_at=t("2026-09-12 21:00"),
            case_id="A-OK",
            person_id="W-OK",
        ),
    )
    # when patrolled / then XS-CH-01 (刑事 cases only) says nothing, nor does ZA-CH-01 (行政传唤)
    assert patrol(clean_records) == []


def test_xs_ch_01_extension_within_cap_moves_the_due_time(patrol, clean_records) -> None:
    # given a 传唤 of 09-28 08:00 extended to 09-29 04:00 (20 h, under the 24 h cap), ended 03:00
    add(
        clean_records,
        measure(
            "M-CH",
            "传唤",
            t("2026-09-28 08:00"),
            ended_at=t("2026-09-29 03:00"),
            extended_to=t("2026-09-29 04:00"),
        ),
    )
    # when patrolled / then it ended in time
    assert patrol(clean_records) == []


def test_xs_ch_01_extension_within_cap_ended_after_it_is_late(patrol, clean_records) -> None:
    # given the same extension to 04:00 but the 传唤 ended at 05:00
    add(
        clean_records,
        measure(
            "M-CH",
            "传唤",
            t("2026-09-28 08:00"),
            ended_at=t("2026-09-29 05:00"),
            extended_to=t("2026-09-29 04:00"),
        ),
    )
    # when patrolled
    f = only(patrol(clean_records), "XS-CH-01", "measure", "M-CH")
    # then it is late against the extended due time
    assert (f["status"], f["due_at"]) == ("late", t("2026-09-29 04:00"))


def test_xs_ch_01_extension_beyond_cap_is_a_violation(patrol, clean_records) -> None:
    # given a 传唤 extended to 25 hours (cap 24 h), ended within the extension
    add(
        clean_records,
        measure(
            "M-CH",
            "传唤",
            t("2026-09-28 08:00"),
            ended_at=t("2026-09-29 08:30"),
            extended_to=t("2026-09-29 09:00"),
        ),
    )
    # when patrolled
    f = only(patrol(clean_records), "XS-CH-01", "measure", "M-CH")
    # then the extension itself is a violation, and the cap is the due time
    assert (f["status"], f["due_at"]) == ("violation", t("2026-09-29 08:00"))
    assert "超过法定上限" in f["explanation"]


# ---------------------------------------------------------------------------------------------
# XS-JL-01 拘留未送看守所


def test_xs_jl_01_hit_never_sent_released_later_is_late(patrol, clean_records) -> None:
    # given the 刑事拘留 of 09-03 09:00 without its 送看守所 (the arrest's 送看守所 names another
    # measure and does not count), the detention ending with the arrest of 09-09 15:00
    drop(clean_records, "M-OK-JL-JAIL")
    # when patrolled
    f = only(patrol(clean_records), "XS-JL-01", "measure", "M-OK-JL")
    # then the end of the detention is the late act: late, not an overdue that keeps growing
    assert (f["status"], f["due_at"], f["done_at"]) == (
        "late",
        t("2026-09-04 09:00"),
        t("2026-09-09 15:00"),
    )
    assert f["facts"]["deadline.late_by"] == "5天6小时"
    assert f["severity"] == "严重"
    assert f["facts"]["measure.kind"] == "刑事拘留"
    assert "deadline.missing" not in f["facts"]


def test_xs_jl_01_miss_released_within_24_hours(patrol, clean_records) -> None:
    # given a detention released after 22 hours (09-04 07:00) without any 送看守所: the person
    # was never owed to the 看守所 (the later arrest is a new measure)
    drop(clean_records, "M-OK-JL-JAIL")
    set_field(clean_records, "M-OK-JL", ended_at=t("2026-09-04 07:00"))
    # when patrolled, on the day after and a month later
    # then nothing, at either time (a released person's clock does not run on)
    assert patrol(clean_records, sh(2026, 9, 4, 10)) == []
    assert patrol(clean_records) == []


def test_xs_jl_01_miss_released_exactly_at_24_hours(patrol, clean_records) -> None:
    # given the release at the due time itself (09-04 09:00), no 送看守所
    drop(clean_records, "M-OK-JL-JAIL")
    set_field(clean_records, "M-OK-JL", ended_at=t("2026-09-04 09:00"))
    # when patrolled / then in time: nothing
    assert patrol(clean_records) == []


def test_xs_jl_01_hit_released_one_minute_after_24_hours(patrol, clean_records) -> None:
    # given the release one minute after the due time, no 送看守所
    drop(clean_records, "M-OK-JL-JAIL")
    set_field(clean_records, "M-OK-JL", ended_at=t("2026-09-04 09:01"))
    # when patrolled
    f = only(patrol(clean_records), "XS-JL-01", "measure", "M-OK-JL")
    # then late by one minute, the release being the late act
    assert (f["status"], f["done_at"]) == ("late", t("2026-09-04 09:01"))
    assert f["facts"]["deadline.late_by"] == "1分钟"


def test_xs_jl_01_miss_changed_to_another_measure_within_24_hours(patrol, clean_records) -> None:
    # given the detention changed to 取保候审 (with its decision and deposit) after 20 hours,
    # no 送看守所
    drop(clean_records, "M-OK-JL-JAIL")
    set_field(clean_records, "M-OK-JL", ended_at=t("2026-09-04 05:00"))
    add(
        clean_records,
        measure("M-QB", "取保候审", t("2026-09-04 05:00"), deposit_amount=3000),
        document("M-QB-DOC", "取保候审决定书", t("2026-09-04 04:50"), measure_id="M-QB"),
    )
    # when patrolled at 09-04 10:00 (before the arrest)
    findings = patrol(clean_records, sh(2026, 9, 4, 10))
    # then the detention needs no 送看守所: nothing
    assert findings == [], findings


def test_xs_jl_01_hit_changed_to_another_measure_after_24_hours(patrol, clean_records) -> None:
    # given the detention changed to 取保候审 only after 30 hours, no 送看守所
    drop(clean_records, "M-OK-JL-JAIL")
    set_field(clean_records, "M-OK-JL", ended_at=t("2026-09-04 15:00"))
    add(
        clean_records,
        measure("M-QB", "取保候审", t("2026-09-04 15:00"), deposit_amount=3000),
        document("M-QB-DOC", "取保候审决定书", t("2026-09-04 14:50"), measure_id="M-QB"),
    )
    # when patrolled at 09-04 16:00
    f = only(patrol(clean_records, sh(2026, 9, 4, 16)), "XS-JL-01", "measure", "M-OK-JL")
    # then late by 6 hours, the change being the late act
    assert (f["status"], f["done_at"]) == ("late", t("2026-09-04 15:00"))
    assert f["facts"]["deadline.late_by"] == "6小时"


def test_xs_jl_01_hit_still_held_warns_then_is_overdue(patrol, rerun, clean_records) -> None:
    # given the detention of 09-03 09:00 never sent to the 看守所 and never ended
    drop(clean_records, "M-OK-JL-JAIL")
    set_field(clean_records, "M-OK-JL", ended_at=None)
    # when patrolled 5 hours before the due time (lead 6 h)
    warned = only(patrol(clean_records, sh(2026, 9, 4, 4)), "XS-JL-01", "measure", "M-OK-JL")
    # then a warning, whose facts say what is not recorded
    assert (warned["status"], warned["due_at"]) == ("warning", t("2026-09-04 09:00"))
    assert warned["facts"]["deadline.missing"] == "送看守所记录未录入；解除时间未录入"
    # and when patrolled again after the due time, it is overdue (the same finding)
    overdue = only(rerun(sh(2026, 9, 4, 10)), "XS-JL-01", "measure", "M-OK-JL")
    assert (overdue["status"], overdue["done_at"]) == ("overdue", None)
    assert Finding.objects.filter(rule_id="XS-JL-01").count() == 1


def test_xs_jl_01_miss_sent_in_time_and_held_long(patrol, clean_records) -> None:
    # given the clean detention: 送看守所 after 6 hours, held until the arrest on 09-09
    # when patrolled / then nothing (the long detention is XS-JL-04's business, done in time)
    assert patrol(clean_records) == []
    # and likewise while still held, before the arrest
    assert patrol(clean_records, sh(2026, 9, 5, 10)) == []


def test_xs_jl_01_miss_event_naming_no_measure_but_same_person_and_case(
    patrol, clean_records
) -> None:
    # given the 送看守所 recorded without measure_id, for the same person in the same case
    set_field(clean_records, "M-OK-JL-JAIL", measure_id=None)
    # when patrolled / then it still concerns the detention: nothing
    assert patrol(clean_records) == []


def test_xs_jl_01_hit_event_for_another_person_does_not_count(patrol, clean_records) -> None:
    # given the 送看守所 naming no measure and another suspect of the case
    add(clean_records, second_suspect())
    set_field(clean_records, "M-OK-JL-JAIL", measure_id=None, person_id="S-2")
    # when patrolled
    findings = patrol(clean_records)
    # then S-OK's detention is reported late, the detention's end being the only act
    f = only(findings, "XS-JL-01", "measure", "M-OK-JL")
    assert (f["status"], f["done_at"]) == ("late", t("2026-09-09 15:00"))


# ---------------------------------------------------------------------------------------------
# XS-JL-02 拘留未通知家属


def test_xs_jl_02_hit_family_never_told(patrol, clean_records) -> None:
    # given the detention without its 通知家属
    drop(clean_records, "M-OK-JL-NOTE")
    # when patrolled
    f = only(patrol(clean_records), "XS-JL-02", "measure", "M-OK-JL")
    # then overdue since 09-04 09:00
    assert (f["status"], f["due_at"]) == ("overdue", t("2026-09-04 09:00"))


def test_xs_jl_02_miss_unreachable_family_with_reason(patrol, clean_records) -> None:
    # given 无法通知家属 in time, whose note gives the reason
    set_field(
        clean_records, "M-OK-JL-NOTE", kind="无法通知家属", note="家属均在境外务工，电话无法接通"
    )
    # when patrolled / then nothing (the workbench lists it for review)
    assert patrol(clean_records) == []


def test_xs_jl_02_hit_unreachable_family_without_reason(patrol, clean_records) -> None:
    # given 无法通知家属 in time but with no note saying why
    set_field(clean_records, "M-OK-JL-NOTE", kind="无法通知家属")
    # when patrolled
    f = only(patrol(clean_records), "XS-JL-02", "measure", "M-OK-JL")
    # then it does not count: overdue
    assert f["status"] == "overdue"


# ---------------------------------------------------------------------------------------------
# XS-JL-03 拘留后未及时讯问


def test_xs_jl_03_hit_first_interrogation_days_later(patrol, clean_records) -> None:
    # given no 讯问 on the day of detention: the next one is the arrest's, 09-09 16:00
    drop(clean_records, "M-OK-JL-T")
    # when patrolled
    f = only(patrol(clean_records), "XS-JL-03", "measure", "M-OK-JL")
    # then the detention is reported interrogated late
    assert (f["status"], f["due_at"], f["done_at"]) == (
        "late",
        t("2026-09-04 09:00"),
        t("2026-09-09 16:00"),
    )


def test_xs_jl_03_hit_an_inquiry_is_not_an_interrogation(patrol, clean_records) -> None:
    # given the transcript of the detention day recorded as 询问 instead of 讯问
    set_field(clean_records, "M-OK-JL-T", kind="询问")
    # when patrolled
    f = only(patrol(clean_records), "XS-JL-03", "measure", "M-OK-JL")
    # then only the 讯问 of 09-09 counts: late
    assert f["status"] == "late"


def test_xs_jl_03_miss_interrogated_within_the_hour(patrol, clean_records) -> None:
    # given the 讯问 one hour after detention (as in the clean case, moved to 10:30)
    set_field(clean_records, "M-OK-JL-T", started_at=t("2026-09-03 10:30"))
    # when patrolled / then nothing
    assert patrol(clean_records) == []


# ---------------------------------------------------------------------------------------------
# XS-JL-04 提请批捕超期 (custody: no roll-over)


def test_xs_jl_04_hit_no_request_released_after_six_days(patrol, clean_records) -> None:
    # given no 提请批准逮捕: the detention ended 09-09 15:00
    drop(clean_records, "M-OK-JL-REQ")
    # when patrolled
    f = only(patrol(clean_records), "XS-JL-04", "measure", "M-OK-JL")
    # then late: due 09-06 24:00 although 09-06 is a Sunday (custody: no roll-over)
    assert (f["status"], f["due_at"], f["done_at"]) == (
        "late",
        t("2026-09-07 00:00"),
        t("2026-09-09 15:00"),
    )
    assert "不顺延" in f["explanation"]


def test_xs_jl_04_miss_released_within_three_days(patrol, clean_records) -> None:
    # given no request, but the person released on 09-06 20:00
    drop(clean_records, "M-OK-JL-REQ")
    set_field(clean_records, "M-OK-JL", ended_at=t("2026-09-06 20:00"))
    # when patrolled / then the release answers the rule
    assert patrol(clean_records) == []


def test_xs_jl_04_miss_request_naming_no_measure(patrol, clean_records) -> None:
    # given the request recorded for the person and case, naming no measure
    set_field(clean_records, "M-OK-JL-REQ", measure_id=None)
    # when patrolled / then nothing
    assert patrol(clean_records) == []


def test_xs_jl_04_custody_does_not_roll_over_national_day(patrol, clean_records) -> None:
    # given a second suspect detained 09-28 09:00 (all 24-hour acts done), no request, no release
    add(clean_records, second_suspect(), *custody_chain("刑事拘留", sh(2026, 9, 28, 9)))
    # when patrolled at 10-08 10:00
    f = only(patrol(clean_records), "XS-JL-04", "measure", "M-S-2-JL")
    # then overdue since 10-01 24:00, a holiday: custody periods end on their last day
    assert (f["status"], f["due_at"]) == ("overdue", t("2026-10-02 00:00"))


def test_xs_jl_04_custody_request_on_first_working_day_is_late(patrol, clean_records) -> None:
    # given the same detention, requested on 10-08 09:00, the first working day after the holiday
    add(clean_records, second_suspect(), *custody_chain("刑事拘留", sh(2026, 9, 28, 9)))
    add(
        clean_records,
        event(
            "E-REQ2",
            "提请批准逮捕",
            t("2026-10-08 09:00"),
            case_id="C-OK",
            person_id="S-2",
            measure_id="M-S-2-JL",
        ),
    )
    # when patrolled
    f = only(patrol(clean_records), "XS-JL-04", "measure", "M-S-2-JL")
    # then late (a non-custody period would have ended 10-08 24:00)
    assert (f["status"], f["due_at"]) == ("late", t("2026-10-02 00:00"))


def test_xs_jl_04_custody_warning_then_overdue_across_the_holiday(patrol, clean_records) -> None:
    # given the same detention without request
    add(clean_records, second_suspect(), *custody_chain("刑事拘留", sh(2026, 9, 28, 9)))
    # when patrolled on 10-01 12:00, inside the one-day lead before 10-01 24:00
    f = only(patrol(clean_records, sh(2026, 10, 1, 12)), "XS-JL-04", "measure", "M-S-2-JL")
    # then a warning with the un-rolled due time
    assert (f["status"], f["due_at"]) == ("warning", t("2026-10-02 00:00"))


def test_xs_jl_04_extension_within_cap(patrol, clean_records) -> None:
    # given no request, released 09-09 15:00, with the detention extended to 09-09 24:00
    # (6 days: within the 7-day cap)
    drop(clean_records, "M-OK-JL-REQ")
    set_field(clean_records, "M-OK-JL", extended_to=t("2026-09-10 00:00"))
    # when patrolled / then the release was in time
    assert patrol(clean_records) == []


def test_xs_jl_04_extension_within_cap_but_released_after_it(patrol, clean_records) -> None:
    # given the detention extended to 09-09 00:00 only, released 09-09 15:00, no request
    drop(clean_records, "M-OK-JL-REQ")
    set_field(clean_records, "M-OK-JL", extended_to=t("2026-09-09 00:00"))
    # when patrolled
    f = only(patrol(clean_records), "XS-JL-04", "measure", "M-OK-JL")
    # then late against the extension
    assert (f["status"], f["due_at"]) == ("late", t("2026-09-09 00:00"))


def test_xs_jl_04_extension_beyond_seven_days_is_a_violation(patrol, clean_records) -> None:
    # given the detention (case not complex) extended to 09-12: beyond 7 days (09-10 24:00)
    set_field(clean_records, "M-OK-JL", extended_to=t("2026-09-12 00:00"))
    # when patrolled
    f = only(patrol(clean_records), "XS-JL-04", "measure", "M-OK-JL")
    # then a violation, with the cap as due time
    assert (f["status"], f["due_at"]) == ("violation", t("2026-09-11 00:00"))


def test_xs_jl_04_complex_case_allows_thirty_days(patrol, clean_records) -> None:
    # given the same extension to 09-12 in a case marked complex (流窜/多次/结伙)
    set_field(clean_records, "M-OK-JL", extended_to=t("2026-09-12 00:00"))
    set_field(clean_records, "C-OK", complex=True)
    # when patrolled / then within the 30-day cap: nothing
    assert patrol(clean_records) == []


def test_xs_jl_04_complex_case_extension_beyond_thirty_days(patrol, clean_records) -> None:
    # given a complex case and an extension to 10-05: beyond 30 days (10-03 24:00, custody)
    set_field(clean_records, "M-OK-JL", extended_to=t("2026-10-05 00:00"))
    set_field(clean_records, "C-OK", complex=True)
    # when patrolled
    f = only(patrol(clean_records), "XS-JL-04", "measure", "M-OK-JL")
    # then a violation with the 30-day cap as due time (10-03 is a holiday: not rolled over)
    assert (f["status"], f["due_at"]) == ("violation", t("2026-10-04 00:00"))


# ---------------------------------------------------------------------------------------------
# XS-DB-01 不批捕未及时释放


def test_xs_db_01_hit_released_thirteen_hours_after_refusal(patrol, clean_records) -> None:
    # given the procuratorate refused the arrest 09-09 10:00, release at 23:00
    set_field(clean_records, "M-OK-APPROVE", kind="不批准逮捕")
    set_field(clean_records, "M-OK-JL", ended_at=t("2026-09-09 23:00"))
    # when patrolled
    f = only(patrol(clean_records), "XS-DB-01", "event", "M-OK-APPROVE")
    # then late against the 12-hour local standard
    assert (f["status"], f["due_at"], f["done_at"]) == (
        "late",
        t("2026-09-09 22:00"),
        t("2026-09-09 23:00"),
    )
    assert f["case_id"] == "C-OK"


def test_xs_db_01_miss_released_the_same_afternoon(patrol, clean_records) -> None:
    # given the refusal at 10:00 and the release at 15:00 (the clean end of the detention)
    set_field(clean_records, "M-OK-APPROVE", kind="不批准逮捕")
    # when patrolled / then nothing
    assert patrol(clean_records) == []


def test_xs_db_01_hit_never_released(patrol, clean_records) -> None:
    # given the refusal and a detention never ended
    set_field(clean_records, "M-OK-APPROVE", kind="不批准逮捕")
    set_field(clean_records, "M-OK-JL", ended_at=None)
    # when patrolled
    f = only(patrol(clean_records), "XS-DB-01", "event", "M-OK-APPROVE")
    # then overdue
    assert (f["status"], f["due_at"]) == ("overdue", t("2026-09-09 22:00"))


# ---------------------------------------------------------------------------------------------
# XS-DB-02 逮捕未通知家属, XS-DB-03 逮捕后未及时讯问


def test_xs_db_02_hit_family_not_told_of_arrest(patrol, clean_records) -> None:
    # given the arrest of 09-09 15:00 without 通知家属 (the detention's notice predates it)
    drop(clean_records, "M-OK-DB-NOTE")
    # when patrolled
    f = only(patrol(clean_records), "XS-DB-02", "measure", "M-OK-DB")
    # then overdue since 09-10 15:00
    assert (f["status"], f["due_at"]) == ("overdue", t("2026-09-10 15:00"))


def test_xs_db_02_miss_notice_naming_no_measure(patrol, clean_records) -> None:
    # given the notice recorded for the person and case, naming no measure
    set_field(clean_records, "M-OK-DB-NOTE", measure_id=None)
    # when patrolled / then nothing
    assert patrol(clean_records) == []


def test_xs_db_02_hit_unreachable_family_is_not_a_notice_here(patrol, clean_records) -> None:
    # given 无法通知家属 with a reason instead of the notice (rules.md lists only 通知家属)
    set_field(clean_records, "M-OK-DB-NOTE", kind="无法通知家属", note="家属拒接电话")
    # when patrolled
    f = only(patrol(clean_records), "XS-DB-02", "measure", "M-OK-DB")
    # then overdue
    assert f["status"] == "overdue"


def test_xs_db_03_hit_first_interrogation_after_arrest_is_late(patrol, clean_records) -> None:
    # given no 讯问 the day of the arrest: the next is on 09-25
    drop(clean_records, "M-OK-DB-T")
    # when patrolled
    f = only(patrol(clean_records), "XS-DB-03", "measure", "M-OK-DB")
    # then late
    assert (f["status"], f["due_at"], f["done_at"]) == (
        "late",
        t("2026-09-10 15:00"),
        t("2026-09-25 09:00"),
    )


def test_xs_db_03_miss_interrogation_before_arrest_does_not_count_but_one_after_does(
    patrol, clean_records
) -> None:
    # given the arrest's 讯问 moved to 09-10 14:00 (23 h after the arrest)
    set_field(
        clean_records, "M-OK-DB-T", started_at=t("2026-09-10 14:00"), ended_at=t("2026-09-10 15:00")
    )
    # when patrolled / then in time
    assert patrol(clean_records) == []


# ---------------------------------------------------------------------------------------------
# XS-JY-01 侦查羁押期限届满 (custody, months)


def _arrest_case(records: Records, start) -> Records:
    """A second criminal case C-2 (accepted two days before ``start``) whose suspect S-2 is
    arrested at ``start`` with all 24-hour acts done, and interrogated again on 09-20 (so that
    the case shows activity)."""
    add(records, *criminal_case("C-2", start - 2 * DAY))
    add(records, second_suspect("S-2", "C-2"), *custody_chain("逮捕", start, case_id="C-2"))
    return add(
        records,
        transcript(
            "C-2-T2", t("2026-09-20 09:00"), t("2026-09-20 10:00"), case_id="C-2", person_id="S-2"
        ),
    )


def test_xs_jy_01_hit_custody_expired_on_a_holiday(patrol, clean_records) -> None:
    # given S-2 arrested 08-01 10:00 and never sent for prosecution
    _arrest_case(clean_records, sh(2026, 8, 1, 10))
    # when patrolled at 10-08 10:00
    f = only(patrol(clean_records), "XS-JY-01", "measure", "M-S-2-DB")
    # then overdue since 10-01 24:00 (a holiday; custody: no roll-over to 10-08)
    assert (f["status"], f["due_at"]) == ("overdue", t("2026-10-02 00:00"))


def test_xs_jy_01_custody_sent_on_first_working_day_is_late(patrol, clean_records) -> None:
    # given the same arrest, sent for prosecution on 10-08 09:00
    _arrest_case(clean_records, sh(2026, 8, 1, 10))
    add(
        clean_records,
        event("E-YS", "移送审查起诉", t("2026-10-08 09:00"), case_id="C-2", person_id="S-2"),
    )
    # when patrolled
    f = only(patrol(clean_records), "XS-JY-01", "measure", "M-S-2-DB")
    # then late
    assert (f["status"], f["due_at"]) == ("late", t("2026-10-02 00:00"))


def test_xs_jy_01_miss_whole_case_sent_for_prosecution(patrol, clean_records) -> None:
    # given the whole case (no person named) sent for prosecution 09-30
    _arrest_case(clean_records, sh(2026, 8, 1, 10))
    add(clean_records, event("E-YS", "移送审查起诉", t("2026-09-30 09:00"), case_id="C-2"))
    # when patrolled / then nothing
    assert patrol(clean_records) == []


def test_xs_jy_01_hit_other_persons_prosecution_does_not_count(patrol, clean_records) -> None:
    # given a third suspect of C-2 sent for prosecution, not S-2
    _arrest_case(clean_records, sh(2026, 8, 1, 10))
    add(clean_records, person("S-3", "C-2", role="犯罪嫌疑人"))
    add(
        clean_records,
        event("E-YS", "移送审查起诉", t("2026-09-30 09:00"), case_id="C-2", person_id="S-3"),
    )
    # when patrolled
    f = only(patrol(clean_records), "XS-JY-01", "measure", "M-S-2-DB")
    # then S-2's custody is still overdue
    assert f["status"] == "overdue"


def test_xs_jy_01_miss_released(patrol, clean_records) -> None:
    # given S-2's arrest ended (released on bail conditions) 09-30
    _arrest_case(clean_records, sh(2026, 8, 1, 10))
    set_field(clean_records, "M-S-2-DB", ended_at=t("2026-09-30 10:00"))
    # when patrolled / then nothing
    assert patrol(clean_records) == []


def test_xs_jy_01_extension_within_seven_months(patrol, clean_records) -> None:
    # given the clean arrest of 09-09 extended to 2027-01-09 (within the 7-month cap)
    set_field(clean_records, "M-OK-DB", extended_to=t("2027-01-09 00:00"))
    # when patrolled after the unextended due time (11-09 24:00)
    findings = patrol(clean_records, sh(2026, 11, 10, 0, 1))
    # then nothing: the extension is the due time
    assert findings == []


def test_xs_jy_01_extension_beyond_seven_months_is_a_violation(patrol, clean_records) -> None:
    # given the arrest of 2026-09-09 extended to 2027-05-01 (cap: 2027-04-09 24:00)
    set_field(clean_records, "M-OK-DB", extended_to=t("2027-05-01 00:00"))
    # when patrolled
    f = only(patrol(clean_records), "XS-JY-01", "measure", "M-OK-DB")
    # then a violation with the cap as due time
    assert (f["status"], f["due_at"]) == ("violation", t("2027-04-10 00:00"))


# ---------------------------------------------------------------------------------------------
# XS-QB-01 取保候审, XS-QB-02 监视居住 (months, not custody: roll-over)


def test_xs_qb_01_hit_bail_running_past_twelve_months(patrol, clean_records) -> None:
    # given a 取保候审 of 2025-09-20 10:00 never lifted
    add(clean_records, *restriction_case("C-QB", "取保候审", sh(2025, 9, 20, 10)))
    # when patrolled
    f = only(patrol(clean_records), "XS-QB-01", "measure", "C-QB-M")
    # then overdue since 2026-09-20 24:00 (a Sunday worked under 调休: no roll-over)
    assert (f["status"], f["due_at"]) == ("overdue", t("2026-09-21 00:00"))
    assert f["severity"] == "较重"


def test_xs_qb_01_miss_lifted_within_twelve_months(patrol, clean_records) -> None:
    # given the same bail lifted 2026-09-15
    add(
        clean_records,
        *restriction_case("C-QB", "取保候审", sh(2025, 9, 20, 10), ended_at=sh(2026, 9, 15, 10)),
    )
    # when patrolled / then nothing
    assert patrol(clean_records) == []


def test_xs_qb_01_holiday_roll_over(patrol, clean_records) -> None:
    # given a bail of 2025-10-01 lifted 2026-10-05 10:00: after 10-01 24:00, but 10-01..07 are
    # holidays, so the period ends 10-08 24:00
    add(
        clean_records,
        *restriction_case("C-QB", "取保候审", sh(2025, 10, 1, 10), ended_at=sh(2026, 10, 5, 10)),
    )
    # when patrolled / then in time
    assert patrol(clean_records) == []


def test_xs_qb_01_holiday_roll_over_pending_is_only_a_warning(patrol, clean_records) -> None:
    # given the bail of 2025-10-01 not lifted
    add(clean_records, *restriction_case("C-QB", "取保候审", sh(2025, 10, 1, 10)))
    # when patrolled on 10-08 10:00
    f = only(patrol(clean_records), "XS-QB-01", "measure", "C-QB-M")
    # then a warning, due 10-08 24:00, and the explanation says why
    assert (f["status"], f["due_at"]) == ("warning", t("2026-10-09 00:00"))
    assert "顺延" in f["explanation"]


def test_xs_qb_02_hit_surveillance_past_six_months(patrol, clean_records) -> None:
    # given a 监视居住 of 2026-03-20 never lifted
    add(clean_records, *restriction_case("C-QB", "监视居住", sh(2026, 3, 20, 10)))
    # when patrolled
    f = only(patrol(clean_records), "XS-QB-02", "measure", "C-QB-M")
    # then overdue since 09-20 24:00
    assert (f["status"], f["due_at"]) == ("overdue", t("2026-09-21 00:00"))


def test_xs_qb_02_hit_designated_residence_counts_too(patrol, clean_records) -> None:
    # given a 指定居所监视居住 of 2026-03-20 (family told) never lifted
    add(clean_records, *restriction_case("C-QB", "指定居所监视居住", sh(2026, 3, 20, 10)))
    # when patrolled
    f = only(patrol(clean_records), "XS-QB-02", "measure", "C-QB-M")
    # then overdue
    assert f["status"] == "overdue"


def test_xs_qb_02_miss_lifted_in_time(patrol, clean_records) -> None:
    # given the 监视居住 lifted 09-19
    add(
        clean_records,
        *restriction_case("C-QB", "监视居住", sh(2026, 3, 20, 10), ended_at=sh(2026, 9, 19, 10)),
    )
    # when patrolled / then nothing
    assert patrol(clean_records) == []


def test_xs_qb_02_holiday_roll_over(patrol, clean_records) -> None:
    # given a 监视居住 of 04-01 lifted 10-08 23:00: nominally due 10-01 24:00, rolled to 10-08
    add(
        clean_records,
        *restriction_case("C-QB", "监视居住", sh(2026, 4, 1, 10), ended_at=sh(2026, 10, 8, 23)),
    )
    # when patrolled the next morning / then in time
    assert patrol(clean_records, sh(2026, 10, 9, 10)) == []


# ---------------------------------------------------------------------------------------------
# XS-QB-03 保证金数额不合规 (condition)


def _bail(records: Records, deposit, birth: str = "1988-06-15") -> Records:
    return add(
        records,
        *restriction_case("C-QB", "取保候审", sh(2026, 9, 28, 10), deposit=deposit, birth=birth),
    )


def test_xs_qb_03_hit_deposit_below_one_thousand(patrol, clean_records) -> None:
    # given an adult on bail with a deposit of 800 元
    _bail(clean_records, 800)
    # when patrolled
    f = only(patrol(clean_records), "XS-QB-03", "measure", "C-QB-M")
    # then a violation naming the amount and the minimum
    assert f["status"] == "violation"
    assert f["facts"]["measure.deposit_amount"] == 800
    assert f["facts"]["rule.min_deposit"] == 1000


def test_xs_qb_03_miss_deposit_of_exactly_one_thousand(patrol, clean_records) -> None:
    # given a deposit of exactly 1000 元 / when patrolled / then nothing
    _bail(clean_records, 1000)
    assert patrol(clean_records) == []


def test_xs_qb_03_miss_minor_with_six_hundred(patrol, clean_records) -> None:
    # given a 16-year-old on bail with 600 元 (minimum for a minor: 500)
    _bail(clean_records, 600, birth="2010-01-01")
    # when patrolled / then nothing
    assert patrol(clean_records) == []


def test_xs_qb_03_hit_minor_below_five_hundred(patrol, clean_records) -> None:
    # given a minor with 400 元
    _bail(clean_records, 400, birth="2010-01-01")
    # when patrolled / then a violation
    assert only(patrol(clean_records), "XS-QB-03", "measure", "C-QB-M")["status"] == "violation"


def test_xs_qb_03_eighteenth_birthday_is_adult(patrol, clean_records) -> None:
    # given a person who turns 18 on the day bail starts (09-28), with 600 元
    _bail(clean_records, 600, birth="2008-09-28")
    # when patrolled / then an adult: below 1000, a violation
    assert keys(patrol(clean_records)) == {("XS-QB-03", "measure", "C-QB-M")}


def test_xs_qb_03_day_before_eighteenth_birthday_is_minor(patrol, clean_records) -> None:
    # given a person who turns 18 the day after bail starts, with 600 元
    _bail(clean_records, 600, birth="2008-09-29")
    # when patrolled / then still a minor: nothing
    assert patrol(clean_records) == []


def test_xs_qb_03_minor_age_from_id_number_when_no_birth_date(patrol, clean_records) -> None:
    # given a minor's birth date known only from the 身份证号, 600 元
    _bail(clean_records, 600, birth="2010-01-01")
    set_field(clean_records, "C-QB-S", birth_date=None)
    # when patrolled / then a minor: nothing
    assert patrol(clean_records) == []


# ---------------------------------------------------------------------------------------------
# XS-QB-04 保证金未及时退还


def test_xs_qb_04_hit_deposit_not_returned(patrol, clean_records) -> None:
    # given bail with 2000 元 lifted 09-20 10:00 and no 退还/没收
    add(
        clean_records,
        *restriction_case("C-QB", "取保候审", sh(2025, 12, 1, 10), ended_at=sh(2026, 9, 20, 10)),
    )
    drop(clean_records, "C-QB-M-RET")
    # when patrolled
    f = only(patrol(clean_records), "XS-QB-04", "measure", "C-QB-M")
    # then overdue since 09-23 24:00
    assert (f["status"], f["due_at"]) == ("overdue", t("2026-09-24 00:00"))


def test_xs_qb_04_miss_deposit_forfeited(patrol, clean_records) -> None:
    # given the deposit forfeited (没收) the day after, naming no measure
    add(
        clean_records,
        *restriction_case("C-QB", "取保候审", sh(2025, 12, 1, 10), ended_at=sh(2026, 9, 20, 10)),
    )
    set_field(
        clean_records, "C-QB-M-RET", kind="没收保证金", measure_id=None, at=t("2026-09-21 10:00")
    )
    # when patrolled / then nothing
    assert patrol(clean_records) == []


def test_xs_qb_04_miss_bail_without_deposit(patrol, clean_records) -> None:
    # given a bail with a guarantor (no deposit) lifted 09-20 and nothing returned
    add(
        clean_records,
        *restriction_case(
            "C-QB", "取保候审", sh(2025, 12, 1, 10), ended_at=sh(2026, 9, 20, 10), deposit=None
        ),
    )
    # when patrolled / then nothing to return: nothing
    assert patrol(clean_records) == []


# ---------------------------------------------------------------------------------------------
# XS-JS-01 指定居所监视居住未通知家属


def test_xs_js_01_hit_family_not_told(patrol, clean_records) -> None:
    # given a 指定居所监视居住 of 09-28 10:00 without 通知家属
    add(clean_records, *restriction_case("C-QB", "指定居所监视居住", sh(2026, 9, 28, 10)))
    drop(clean_records, "C-QB-M-N")
    # when patrolled
    f = only(patrol(clean_records), "XS-JS-01", "measure", "C-QB-M")
    # then overdue since 09-29 10:00
    assert (f["status"], f["due_at"]) == ("overdue", t("2026-09-29 10:00"))


def test_xs_js_01_miss_ordinary_surveillance_needs_no_notice(patrol, clean_records) -> None:
    # given an ordinary 监视居住 (at home) with no 通知家属
    add(clean_records, *restriction_case("C-QB", "监视居住", sh(2026, 9, 28, 10)))
    # when patrolled / then nothing
    assert patrol(clean_records) == []


# ---------------------------------------------------------------------------------------------
# XS-LA-01 立案审查超期


def test_xs_la_01_hit_filed_after_three_days(patrol, clean_records) -> None:
    # given the criminal case accepted 09-01 10:00, filed 09-05 10:00
    set_field(clean_records, "C-OK", filed_at=t("2026-09-05 10:00"))
    # when patrolled
    f = only(patrol(clean_records), "XS-LA-01", "case", "C-OK")
    # then late: due 09-04 24:00
    assert (f["status"], f["due_at"]) == ("late", t("2026-09-05 00:00"))


def test_xs_la_01_miss_not_filing_decided_in_time(patrol, clean_records) -> None:
    # given the case not filed but refused (不予立案) on 09-03
    set_field(clean_records, "C-OK", filed_at=None, status="不予立案")
    add(clean_records, event("E-NF", "不予立案", t("2026-09-03 10:00"), case_id="C-OK"))
    add(clean_records, event("E-NFN", "不立案告知", t("2026-09-04 10:00"), case_id="C-OK"))
    # when patrolled / then nothing
    assert patrol(clean_records) == []


def test_xs_la_01_miss_administrative_case_is_not_reviewed_for_filing(
    patrol, clean_records
) -> None:
    # given the administrative case without filed_at
    set_field(clean_records, "A-OK", filed_at=None)
    # when patrolled / then nothing (ZA-QX-01 counts from accepted_at, same instant)
    assert patrol(clean_records) == []


def test_xs_la_01_holiday_roll_over(patrol, clean_records) -> None:
    # given a criminal case accepted 09-30 10:00 and filed 10-08 23:00 (3 days → 10-03, a
    # holiday → 10-08 24:00)
    add(clean_records, *criminal_case("C-2", sh(2026, 9, 30, 10), filed=False))
    set_field(clean_records, "C-2", filed_at=t("2026-10-08 23:00"))
    # when patrolled the next morning / then in time
    assert patrol(clean_records, sh(2026, 10, 9, 10)) == []


def test_xs_la_01_holiday_roll_over_pending_is_a_warning(patrol, clean_records) -> None:
    # given the same case not yet filed
    add(clean_records, *criminal_case("C-2", sh(2026, 9, 30, 10), filed=False))
    # when patrolled 10-08 10:00
    f = only(patrol(clean_records), "XS-LA-01", "case", "C-2")
    # then a warning, not overdue: due 10-08 24:00
    assert (f["status"], f["due_at"]) == ("warning", t("2026-10-09 00:00"))


def test_xs_la_01_extension_gives_seven_days(patrol, clean_records) -> None:
    # given a 延长期限 approved and the case filed 09-07 10:00 (within 7 days: 09-08 24:00)
    set_field(clean_records, "C-OK", filed_at=t("2026-09-07 10:00"))
    add(clean_records, event("E-EXT", "延长期限", t("2026-09-03 10:00"), case_id="C-OK"))
    # when patrolled / then in time
    assert patrol(clean_records) == []


def test_xs_la_01_extension_filed_after_seven_days(patrol, clean_records) -> None:
    # given the extension and the case filed 09-09 00:01
    set_field(clean_records, "C-OK", filed_at=t("2026-09-09 00:01"))
    add(clean_records, event("E-EXT", "延长期限", t("2026-09-03 10:00"), case_id="C-OK"))
    # when patrolled
    f = only(patrol(clean_records), "XS-LA-01", "case", "C-OK")
    # then late against 7 days
    assert (f["status"], f["due_at"]) == ("late", t("2026-09-09 00:00"))


def test_xs_la_01_complex_case_with_extension_gives_thirty_days(patrol, clean_records) -> None:
    # given a complex case with an extension, filed 10-08 20:00 (30 days → 10-01, a holiday
    # → 10-08 24:00)
    set_field(clean_records, "C-OK", filed_at=t("2026-10-08 20:00"), complex=True)
    add(clean_records, event("E-EXT", "延长期限", t("2026-09-03 10:00"), case_id="C-OK"))
    # when patrolled the next morning / then in time
    assert patrol(clean_records, sh(2026, 10, 9, 10)) == []


def test_xs_la_01_complex_case_without_extension_has_three_days(patrol, clean_records) -> None:
    # given a complex case filed 09-07 10:00 with no extension approved
    set_field(clean_records, "C-OK", filed_at=t("2026-09-07 10:00"), complex=True)
    # when patrolled
    f = only(patrol(clean_records), "XS-LA-01", "case", "C-OK")
    # then late against 3 days
    assert (f["status"], f["due_at"]) == ("late", t("2026-09-05 00:00"))


# ---------------------------------------------------------------------------------------------
# XS-LA-02 不立案未告知, XS-LA-03 撤案未告知


def test_xs_la_02_hit_refusal_never_notified(patrol, clean_records) -> None:
    # given a case refused 09-21 10:00 and no 不立案告知
    _not_filing_notice(clean_records, None)
    # when patrolled
    f = only(patrol(clean_records), "XS-LA-02", "event", "C-2-NF")
    # then overdue since 09-24 24:00
    assert (f["status"], f["due_at"]) == ("overdue", t("2026-09-25 00:00"))
    assert f["case_id"] == "C-2"


def test_xs_la_02_miss_notified_in_time(patrol, clean_records) -> None:
    # given the notice on 09-23 / when patrolled / then nothing
    _not_filing_notice(clean_records, sh(2026, 9, 23, 10))
    assert patrol(clean_records) == []


def test_xs_la_02_holiday_roll_over(patrol, clean_records) -> None:
    # given a refusal on 09-30 10:00 and the notice 10-08 23:00 (3 days → 10-03 → 10-08 24:00)
    add(clean_records, *criminal_case("C-2", sh(2026, 9, 29, 10), filed=False, status="不予立案"))
    add(clean_records, event("C-2-NF", "不予立案", t("2026-09-30 10:00"), case_id="C-2"))
    add(clean_records, event("C-2-NFN", "不立案告知", t("2026-10-08 23:00"), case_id="C-2"))
    # when patrolled the next morning / then in time
    assert patrol(clean_records, sh(2026, 10, 9, 10)) == []


def test_xs_la_03_hit_revocation_never_served(patrol, clean_records) -> None:
    # given the case revoked 09-20 10:00 and nothing served
    _revocation_service(clean_records, None)
    # when patrolled
    f = only(patrol(clean_records), "XS-LA-03", "event", "C-OK-REV")
    # then overdue since 09-23 24:00
    assert (f["status"], f["due_at"]) == ("overdue", t("2026-09-24 00:00"))


def test_xs_la_03_miss_served_without_naming_a_person(patrol, clean_records) -> None:
    # given the revocation served on 09-22 to the parties (no person named)
    _revocation_service(clean_records, None)
    add(clean_records, event("C-OK-REV-S", "送达", t("2026-09-22 10:00"), case_id="C-OK"))
    # when patrolled / then nothing
    assert patrol(clean_records) == []


def test_xs_la_03_hit_service_to_another_person_does_not_count(patrol, clean_records) -> None:
    # given the revocation (naming S-OK) served only on another person of the case
    _revocation_service(clean_records, None)
    add(clean_records, second_suspect())
    add(
        clean_records,
        event("C-OK-REV-S", "送达", t("2026-09-22 10:00"), case_id="C-OK", person_id="S-2"),
    )
    # when patrolled
    f = only(patrol(clean_records), "XS-LA-03", "event", "C-OK-REV")
    # then still overdue
    assert f["status"] == "overdue"


def test_xs_la_03_holiday_roll_over(patrol, clean_records) -> None:
    # given a revocation on 09-30 10:00 served 10-08 23:00
    add(
        clean_records,
        event("C-OK-REV", "撤销案件", t("2026-09-30 10:00"), case_id="C-OK", person_id="S-OK"),
    )
    add(
        clean_records,
        event("C-OK-REV-S", "送达", t("2026-10-08 23:00"), case_id="C-OK", person_id="S-OK"),
    )
    # when patrolled the next morning / then in time
    assert patrol(clean_records, sh(2026, 10, 9, 10)) == []


# ---------------------------------------------------------------------------------------------
# XS-XW-01 未告知诉讼权利, XS-XW-02 讯问未同步录音录像 (conditions)


def test_xs_xw_01_hit_rights_never_told(patrol, clean_records) -> None:
    # given no 权利义务告知 for S-OK
    drop(clean_records, "M-OK-JL-RIGHTS")
    # when patrolled
    f = only(patrol(clean_records), "XS-XW-01", "transcript", "M-OK-JL-T")
    # then the first 讯问 (and only it) is reported
    assert f["status"] == "violation"
    assert f["facts"]["transcript.started_at"] == t("2026-09-03 10:00")


def test_xs_xw_01_miss_rights_told_at_the_start(patrol, clean_records) -> None:
    # given the notice recorded at the very minute the first 讯问 starts
    set_field(clean_records, "M-OK-JL-RIGHTS", at=t("2026-09-03 10:00"))
    # when patrolled / then at or before: nothing
    assert patrol(clean_records) == []


def test_xs_xw_01_hit_rights_told_a_minute_after_the_start(patrol, clean_records) -> None:
    # given the notice one minute into the first 讯问
    set_field(clean_records, "M-OK-JL-RIGHTS", at=t("2026-09-03 10:01"))
    # when patrolled / then the first 讯问 is reported
    assert keys(patrol(clean_records)) == {("XS-XW-01", "transcript", "M-OK-JL-T")}


def test_xs_xw_01_hit_rights_told_to_another_person(patrol, clean_records) -> None:
    # given the notice recorded for another person
    add(clean_records, second_suspect())
    set_field(clean_records, "M-OK-JL-RIGHTS", person_id="S-2")
    # when patrolled / then S-OK's first 讯问 is reported
    assert keys(patrol(clean_records)) == {("XS-XW-01", "transcript", "M-OK-JL-T")}


def test_xs_xw_02_hit_interrogation_not_recorded(patrol, clean_records) -> None:
    # given the arrest's 讯问 without 同步录音录像
    set_field(clean_records, "M-OK-DB-T", recorded=False)
    # when patrolled
    f = only(patrol(clean_records), "XS-XW-02", "transcript", "M-OK-DB-T")
    # then a violation
    assert f["status"] == "violation"
    assert f["facts"]["transcript.recorded"] is False


def test_xs_xw_02_miss_witness_inquiry_not_recorded(patrol, clean_records) -> None:
    # given a witness's 询问 (not 讯问) in the criminal case, unrecorded, in the 讯问室
    add(clean_records, person("W-2", "C-OK", name="卫某"))
    add(
        clean_records,
        transcript(
            "T-W2",
            t("2026-09-04 10:00"),
            t("2026-09-04 11:00"),
            person_id="W-2",
            kind="询问",
            recorded=False,
        ),
    )
    # when patrolled / then neither XS-XW-02 nor ZA-XW-01 (行政 only) reports it
    assert patrol(clean_records) == []


def test_clean_records_are_not_shared_between_tests(clean_records) -> None:
    # given the fixture's copy changed
    find(clean_records, "C-OK")["kind"] = "行政"
    # then the source file is untouched (a fresh copy per test)
    assert find(read_clean(), "C-OK")["kind"] == "刑事"
    assert id_number("1990-04-12") == "330122199004121231"  # the clean S-OK, a valid number
