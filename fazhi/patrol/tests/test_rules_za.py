"""Public-order and administrative rules (治安/行政, ZA): a hit, a miss and the boundaries.

The clean administrative case A-OK: accepted and filed 2026-09-10 22:00; 行政传唤 09-11
09:00–15:00 (family told 10:00); 处罚决定 09-18 10:00, served 10:30; 行政拘留 09-18 11:00 (family
told 12:00); 结案 09-20.

Calendar facts (chinese_calendar, checked in ``test_calendar_preconditions``): 2026-09-20 is a
Sunday worked (调休); 2026-10-10 is a Saturday worked; 2026-10-11 a Sunday; 2026-10-01..07 the
National Day holidays; 2026-08-30 a Sunday.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from fazhi.patrol.tests.conftest import (
    DeadlineCase,
    Records,
    add,
    admin_case,
    boundary_params,
    drop,
    event,
    iso,
    keys,
    measure,
    only,
    set_field,
    sh,
    t,
)

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


def test_calendar_preconditions() -> None:
    assert chinese_calendar.is_workday(date(2026, 9, 20))  # Sunday worked
    assert chinese_calendar.is_workday(date(2026, 10, 10))  # Saturday worked
    assert not chinese_calendar.is_workday(date(2026, 10, 11))
    assert chinese_calendar.is_workday(date(2026, 10, 12))
    assert not chinese_calendar.is_workday(date(2026, 10, 1))
    assert not chinese_calendar.is_workday(date(2026, 8, 30))
    assert chinese_calendar.is_workday(date(2026, 8, 31))
    assert chinese_calendar.is_workday(date(2026, 9, 29))


# ---------------------------------------------------------------------------------------------
# Deadline boundaries


def _ended(rid: str):
    def build(records: Records, done) -> Records:
        return set_field(records, rid, ended_at=iso(done) if done else None)

    return build


def _act(rid: str):
    def build(records: Records, done) -> Records:
        if done is None:
            return drop(records, rid)
        return set_field(records, rid, at=iso(done))

    return build


def _decision(records: Records, done) -> Records:
    drop(records, "A-OK-DEC")
    return _act("A-OK-END")(records, done)


def _seizure(records: Records, done) -> Records:
    return add(
        records,
        measure(
            "M-KY",
            "扣押",
            t("2026-09-11 10:00"),
            case_id="A-OK",
            person_id="W-OK",
            ended_at=iso(done) if done else None,
        ),
    )


DEADLINES = [
    # 行政传唤 09-11 09:00 + 8 h; lead max(25%, 2 h) = 2 h
    DeadlineCase(
        "ZA-CH-01", "measure", "M-A-OK-CH", sh(2026, 9, 11, 17), 2 * HOUR, _ended("M-A-OK-CH")
    ),
    DeadlineCase(
        "ZA-CH-02", "measure", "M-A-OK-CH", sh(2026, 9, 11, 17), 2 * HOUR, _act("M-A-OK-CH-N")
    ),
    # filed 09-10 22:00 + 30 days: 10-10, a Saturday worked: no roll-over; lead capped at 7 days
    DeadlineCase("ZA-QX-01", "case", "A-OK", sh(2026, 10, 11), 7 * DAY, _decision),
    # 处罚决定 09-18 10:00 + 2 days: 09-20, a Sunday worked: no roll-over; lead 1 day
    DeadlineCase("ZA-SD-01", "event", "A-OK-DEC", sh(2026, 9, 21), DAY, _act("A-OK-SERVE")),
    # 行政拘留 09-18 11:00 + 24 h; lead 6 h
    DeadlineCase(
        "ZA-JL-01", "measure", "M-A-OK-JL", sh(2026, 9, 19, 11), 6 * HOUR, _act("M-A-OK-JL-N")
    ),
    # 扣押 09-11 10:00 + 30 days: 10-11 is a Sunday → 10-12 24:00; lead 7 days
    DeadlineCase("ZA-KY-01", "measure", "M-KY", sh(2026, 10, 13), 7 * DAY, _seizure),
]


@pytest.mark.parametrize(("dc", "check"), boundary_params(DEADLINES))
def test_deadline_boundaries(patrol, clean_records, dc, check) -> None:
    check(patrol, clean_records, dc)


# ---------------------------------------------------------------------------------------------
# ZA-CH-01 询问查证超时 (custody, hours, extension capped at 24 h)


def test_za_ch_01_hit_questioned_nine_hours(patrol, clean_records) -> None:
    # given the 行政传唤 of 09-11 09:00 ended at 18:00
    set_field(clean_records, "M-A-OK-CH", ended_at=t("2026-09-11 18:00"))
    # when patrolled
    f = only(patrol(clean_records), "ZA-CH-01", "measure", "M-A-OK-CH")
    # then late against 8 hours
    assert (f["status"], f["due_at"], f["done_at"]) == (
        "late",
        t("2026-09-11 17:00"),
        t("2026-09-11 18:00"),
    )
    assert (f["unit_id"], f["officer_id"], f["case_id"]) == ("U1", "P1", "A-OK")
    assert f["severity"] == "严重"


def test_za_ch_01_miss_questioned_seven_hours(patrol, clean_records) -> None:
    # given the 行政传唤 ended at 16:00 / when patrolled / then nothing
    set_field(clean_records, "M-A-OK-CH", ended_at=t("2026-09-11 16:00"))
    assert patrol(clean_records) == []


def test_za_ch_01_extension_within_cap(patrol, clean_records) -> None:
    # given the questioning extended to 21:00 (12 h) and ended 20:00
    set_field(
        clean_records,
        "M-A-OK-CH",
        ended_at=t("2026-09-11 20:00"),
        extended_to=t("2026-09-11 21:00"),
    )
    # when patrolled / then in time
    assert patrol(clean_records) == []


def test_za_ch_01_extension_within_cap_ended_after_it(patrol, clean_records) -> None:
    # given the extension to 21:00 and the end at 22:00
    set_field(
        clean_records,
        "M-A-OK-CH",
        ended_at=t("2026-09-11 22:00"),
        extended_to=t("2026-09-11 21:00"),
    )
    # when patrolled
    f = only(patrol(clean_records), "ZA-CH-01", "measure", "M-A-OK-CH")
    # then late against the extension
    assert (f["status"], f["due_at"]) == ("late", t("2026-09-11 21:00"))


def test_za_ch_01_extension_beyond_cap_is_a_violation(patrol, clean_records) -> None:
    # given an extension to 09-12 10:00 (25 h; the cap is 24 h)
    set_field(clean_records, "M-A-OK-CH", extended_to=t("2026-09-12 10:00"))
    # when patrolled
    f = only(patrol(clean_records), "ZA-CH-01", "measure", "M-A-OK-CH")
    # then a violation, due at the cap
    assert (f["status"], f["due_at"]) == ("violation", t("2026-09-12 09:00"))


# ---------------------------------------------------------------------------------------------
# ZA-CH-02 传唤未通知家属


def test_za_ch_02_hit_family_not_told(patrol, clean_records) -> None:
    # given the 行政传唤 without 通知家属 (the detention's notice names another measure)
    drop(clean_records, "M-A-OK-CH-N")
    # when patrolled
    f = only(patrol(clean_records), "ZA-CH-02", "measure", "M-A-OK-CH")
    # then overdue since 17:00 (local standard 8 h)
    assert (f["status"], f["due_at"]) == ("overdue", t("2026-09-11 17:00"))


def test_za_ch_02_miss_family_unreachable(patrol, clean_records) -> None:
    # given 无法通知家属 recorded instead, in time
    set_field(clean_records, "M-A-OK-CH-N", kind="无法通知家属")
    # when patrolled / then it answers the rule
    assert patrol(clean_records) == []


def test_za_ch_02_miss_notice_naming_no_measure(patrol, clean_records) -> None:
    # given the notice naming the person and case but no measure
    set_field(clean_records, "M-A-OK-CH-N", measure_id=None)
    # when patrolled / then nothing
    assert patrol(clean_records) == []


# ---------------------------------------------------------------------------------------------
# ZA-QX-01 治安案件办案超期 (30 days, +30 per extension, at most two)


def test_za_qx_01_hit_never_decided(patrol, clean_records) -> None:
    # given the case neither decided nor closed
    drop(clean_records, "A-OK-DEC", "A-OK-END")
    # when patrolled on 10-11 10:00
    f = only(patrol(clean_records, sh(2026, 10, 11, 10)), "ZA-QX-01", "case", "A-OK")
    # then overdue since 10-10 24:00
    assert (f["status"], f["due_at"]) == ("overdue", t("2026-10-11 00:00"))


def test_za_qx_01_hit_pending_is_a_warning_a_week_before(patrol, clean_records) -> None:
    # given the case undecided / when patrolled 10-08 10:00
    drop(clean_records, "A-OK-DEC", "A-OK-END")
    f = only(patrol(clean_records), "ZA-QX-01", "case", "A-OK")
    # then a warning
    assert (f["status"], f["due_at"]) == ("warning", t("2026-10-11 00:00"))


def test_za_qx_01_make_up_saturday_is_not_rolled_over(patrol, clean_records) -> None:
    # given the case closed on Sunday 10-11 10:00 (the 30th day, 10-10, is a Saturday worked)
    drop(clean_records, "A-OK-DEC")
    set_field(clean_records, "A-OK-END", at=t("2026-10-11 10:00"))
    # when patrolled that afternoon
    f = only(patrol(clean_records, sh(2026, 10, 11, 15)), "ZA-QX-01", "case", "A-OK")
    # then late: the due time stays 10-10 24:00
    assert (f["status"], f["due_at"]) == ("late", t("2026-10-11 00:00"))


def test_za_qx_01_miss_decided_not_to_punish(patrol, clean_records) -> None:
    # given a 不予处罚决定 instead of a 处罚决定 (and no 结案 event)
    set_field(clean_records, "A-OK-DEC", kind="不予处罚决定")
    drop(clean_records, "A-OK-END", "A-OK-SERVE")
    # when patrolled / then it answers the rule, and no decision document is required for it
    assert patrol(clean_records) == []


def test_za_qx_01_holiday_roll_over(patrol, clean_records) -> None:
    # given a case filed 09-01 10:00 closed 10-08 23:00 (30 days → 10-01 → 10-08 24:00)
    add(clean_records, *admin_case("A-2", sh(2026, 9, 1, 10), decided_at=sh(2026, 10, 8, 23)))
    # when patrolled the next morning / then in time
    assert patrol(clean_records, sh(2026, 10, 9, 10)) == []


def test_za_qx_01_counts_from_filing_not_acceptance(patrol, clean_records) -> None:
    # given a case accepted 07-01 but filed 07-05 10:00, closed 08-04 10:00 (30 days from filing)
    add(clean_records, *admin_case("A-2", sh(2026, 7, 1, 10), decided_at=sh(2026, 8, 4, 10)))
    set_field(clean_records, "A-2", filed_at=t("2026-07-05 10:00"))
    # when patrolled / then in time
    assert patrol(clean_records) == []


def _extended_case(records: Records, decided, extensions: int) -> Records:
    """A case filed 07-01 10:00 with ``extensions`` 延长期限 approvals: 30 days → 07-31 24:00;
    60 days → 08-30 (Sunday) → 08-31 24:00; 90 days → 09-29 24:00."""
    add(records, *admin_case("A-2", sh(2026, 7, 1, 10), decided_at=decided))
    for i in range(extensions):
        add(records, event(f"A-2-EXT{i}", "延长期限", iso(sh(2026, 7, 20 + i, 10)), case_id="A-2"))
    return records


def test_za_qx_01_two_extensions_give_ninety_days(patrol, clean_records) -> None:
    # given two extensions and the case closed 09-29 20:00
    _extended_case(clean_records, sh(2026, 9, 29, 20), 2)
    # when patrolled / then in time
    assert patrol(clean_records) == []


def test_za_qx_01_one_extension_gives_sixty_days(patrol, clean_records) -> None:
    # given one extension only and the same closing
    _extended_case(clean_records, sh(2026, 9, 29, 20), 1)
    # when patrolled
    f = only(patrol(clean_records), "ZA-QX-01", "case", "A-2")
    # then late: 60 days end 08-30, a Sunday, rolled over to 08-31 24:00
    assert (f["status"], f["due_at"]) == ("late", t("2026-09-01 00:00"))


def test_za_qx_01_a_third_extension_does_not_count(patrol, clean_records) -> None:
    # given three extensions and the case closed 09-30 00:01
    _extended_case(clean_records, sh(2026, 9, 30, 0, 1), 3)
    # when patrolled
    f = only(patrol(clean_records), "ZA-QX-01", "case", "A-2")
    # then late against 90 days (two extensions at most)
    assert (f["status"], f["due_at"]) == ("late", t("2026-09-30 00:00"))
    assert "超过最多" in f["explanation"]


def test_za_qx_01_no_extension_thirty_days(patrol, clean_records) -> None:
    # given no extension and the case closed 08-01 10:00
    _extended_case(clean_records, sh(2026, 8, 1, 10), 0)
    # when patrolled
    f = only(patrol(clean_records), "ZA-QX-01", "case", "A-2")
    # then late against 30 days (07-31, a Friday)
    assert (f["status"], f["due_at"]) == ("late", t("2026-08-01 00:00"))


# ---------------------------------------------------------------------------------------------
# ZA-SD-01 处罚决定未及时送达


def test_za_sd_01_hit_never_served(patrol, clean_records) -> None:
    # given the decision of 09-18 10:00 never served
    drop(clean_records, "A-OK-SERVE")
    # when patrolled
    f = only(patrol(clean_records), "ZA-SD-01", "event", "A-OK-DEC")
    # then overdue since 09-20 24:00
    assert (f["status"], f["due_at"]) == ("overdue", t("2026-09-21 00:00"))


def test_za_sd_01_make_up_sunday_is_not_rolled_over(patrol, clean_records) -> None:
    # given the decision served Monday 09-21 10:00 (day 2, 09-20, is a Sunday worked)
    set_field(clean_records, "A-OK-SERVE", at=t("2026-09-21 10:00"))
    # when patrolled
    f = only(patrol(clean_records), "ZA-SD-01", "event", "A-OK-DEC")
    # then late
    assert (f["status"], f["due_at"]) == ("late", t("2026-09-21 00:00"))


def test_za_sd_01_miss_served_without_naming_the_person(patrol, clean_records) -> None:
    # given the 送达 naming no person
    set_field(clean_records, "A-OK-SERVE", person_id=None)
    # when patrolled / then nothing
    assert patrol(clean_records) == []


def _second_decision(records: Records, served) -> Records:
    add(
        records,
        event("A-OK-DEC2", "处罚决定", t("2026-09-30 10:00"), case_id="A-OK", person_id="W-OK"),
    )
    if served is not None:
        add(records, event("A-OK-SERVE2", "送达", iso(served), case_id="A-OK", person_id="W-OK"))
    return records


def test_za_sd_01_holiday_roll_over(patrol, clean_records) -> None:
    # given a decision on 09-30 10:00 served 10-08 23:00 (2 days → 10-02 → 10-08 24:00)
    _second_decision(clean_records, sh(2026, 10, 8, 23))
    # when patrolled the next morning / then in time (the earlier 送达 of 09-18 does not count)
    assert patrol(clean_records, sh(2026, 10, 9, 10)) == []


def test_za_sd_01_holiday_roll_over_pending_is_a_warning(patrol, clean_records) -> None:
    # given the decision on 09-30 not yet served
    _second_decision(clean_records, None)
    # when patrolled 10-08 10:00
    f = only(patrol(clean_records), "ZA-SD-01", "event", "A-OK-DEC2")
    # then a warning, due 10-08 24:00
    assert (f["status"], f["due_at"]) == ("warning", t("2026-10-09 00:00"))


# ---------------------------------------------------------------------------------------------
# ZA-JL-01 行政拘留未通知家属


def test_za_jl_01_hit_family_not_told(patrol, clean_records) -> None:
    # given the 行政拘留 without 通知家属
    drop(clean_records, "M-A-OK-JL-N")
    # when patrolled
    f = only(patrol(clean_records), "ZA-JL-01", "measure", "M-A-OK-JL")
    # then overdue since 09-19 11:00
    assert (f["status"], f["due_at"]) == ("overdue", t("2026-09-19 11:00"))


def test_za_jl_01_miss_notice_naming_no_measure(patrol, clean_records) -> None:
    # given the notice for the person and case, naming no measure
    set_field(clean_records, "M-A-OK-JL-N", measure_id=None)
    # when patrolled / then nothing
    assert patrol(clean_records) == []


# ---------------------------------------------------------------------------------------------
# ZA-KY-01 扣押超期 (30 days, extension capped at 60 days)


def test_za_ky_01_hit_seizure_never_lifted(patrol, clean_records) -> None:
    # given a 扣押 of 09-11 10:00 never lifted
    _seizure(clean_records, None)
    # when patrolled 10-13 10:00
    f = only(patrol(clean_records, sh(2026, 10, 13, 10)), "ZA-KY-01", "measure", "M-KY")
    # then overdue since 10-12 24:00 (day 30, 10-11, is a Sunday: rolled over to Monday)
    assert (f["status"], f["due_at"]) == ("overdue", t("2026-10-13 00:00"))


def test_za_ky_01_miss_seizure_in_a_criminal_case(patrol, clean_records) -> None:
    # given a 扣押 in the criminal case never lifted
    add(clean_records, measure("M-KY", "扣押", t("2026-09-04 10:00")))
    # when patrolled 10-13 10:00 / then ZA-KY-01 (行政 cases) says nothing
    assert patrol(clean_records, sh(2026, 10, 13, 10)) == []


def test_za_ky_01_holiday_roll_over(patrol, clean_records) -> None:
    # given a 扣押 of 09-01 10:00 (case A-2) lifted 10-08 23:00 (30 days → 10-01 → 10-08 24:00)
    add(clean_records, *admin_case("A-2", sh(2026, 8, 31, 10), decided_at=sh(2026, 9, 20, 10)))
    add(
        clean_records,
        measure(
            "M-KY",
            "扣押",
            t("2026-09-01 10:00"),
            case_id="A-2",
            person_id="W-OK",
            ended_at=t("2026-10-08 23:00"),
        ),
    )
    # when patrolled the next morning / then in time
    assert patrol(clean_records, sh(2026, 10, 9, 10)) == []


def test_za_ky_01_extension_within_cap(patrol, rerun, clean_records) -> None:
    # given the 扣押 of 09-11 extended to 10-30 10:00 (within 60 days), not lifted
    add(
        clean_records,
        measure(
            "M-KY",
            "扣押",
            t("2026-09-11 10:00"),
            case_id="A-OK",
            person_id="W-OK",
            extended_to=t("2026-10-30 10:00"),
        ),
    )
    # when patrolled after the 30-day due time / then nothing
    assert patrol(clean_records, sh(2026, 10, 13, 10)) == []
    # and when patrolled after the extension / then overdue against it
    f = only(rerun(sh(2026, 10, 30, 10, 1)), "ZA-KY-01", "measure", "M-KY")
    assert (f["status"], f["due_at"]) == ("overdue", t("2026-10-30 10:00"))


def test_za_ky_01_extension_beyond_cap_is_a_violation(patrol, clean_records) -> None:
    # given an extension to 11-20 (60 days end 11-10 24:00)
    add(
        clean_records,
        measure(
            "M-KY",
            "扣押",
            t("2026-09-11 10:00"),
            case_id="A-OK",
            person_id="W-OK",
            extended_to=t("2026-11-20 10:00"),
        ),
    )
    # when patrolled
    f = only(patrol(clean_records), "ZA-KY-01", "measure", "M-KY")
    # then a violation with the cap as due time
    assert (f["status"], f["due_at"]) == ("violation", t("2026-11-11 00:00"))


# ---------------------------------------------------------------------------------------------
# ZA-XW-01 场所询问未录音录像 (condition)


def test_za_xw_01_hit_inquiry_in_interrogation_room_unrecorded(patrol, clean_records) -> None:
    # given the 询问 of W-OK in the 讯问室 without recording
    set_field(clean_records, "T-A-OK", recorded=False)
    # when patrolled
    f = only(patrol(clean_records), "ZA-XW-01", "transcript", "T-A-OK")
    # then a violation (and not XS-XW-02, which is for criminal cases)
    assert f["status"] == "violation"
    assert f["case_id"] == "A-OK"


@pytest.mark.parametrize("venue", ["V1", "V3"], ids=["办案区", "询问室"])
def test_za_xw_01_hit_every_case_handling_venue(patrol, clean_records, venue) -> None:
    # given the unrecorded 询问 held in the 办案区 or the 询问室
    set_field(clean_records, "T-A-OK", recorded=False, venue_id=venue)
    # when patrolled / then reported
    assert keys(patrol(clean_records)) == {("ZA-XW-01", "transcript", "T-A-OK")}


def test_za_xw_01_hit_administrative_interrogation_too(patrol, clean_records) -> None:
    # given the transcript recorded as 讯问 (administrative case), unrecorded
    set_field(clean_records, "T-A-OK", recorded=False, kind="讯问")
    # when patrolled / then ZA-XW-01 only
    assert keys(patrol(clean_records)) == {("ZA-XW-01", "transcript", "T-A-OK")}


def test_za_xw_01_miss_outside_a_venue(patrol, clean_records) -> None:
    # given the unrecorded 询问 held at no recorded venue (e.g. on the spot)
    set_field(clean_records, "T-A-OK", recorded=False, venue_id=None)
    # when patrolled / then nothing
    assert patrol(clean_records) == []


def test_za_xw_01_miss_other_kind_of_venue(patrol, clean_records) -> None:
    # given the unrecorded 询问 held in a venue of kind 其他
    add(
        clean_records,
        {"type": "venue", "id": "V9", "name": "城南社区警务室", "unit_id": "U1", "kind": "其他"},
    )
    set_field(clean_records, "T-A-OK", recorded=False, venue_id="V9")
    # when patrolled / then nothing
    assert patrol(clean_records) == []
