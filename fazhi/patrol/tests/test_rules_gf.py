"""Transcripts, officers, documents, property and case-area rules (规范, GF).

Clean facts used here: transcripts M-OK-JL-T (09-03 10:00–11:00), M-OK-DB-T (09-09
16:00–17:00), T-OK-late (09-25 09:00–10:00) and T-A-OK (09-11 09:30–11:00), all by P1 and P2
(民警); P3 is a 辅警, P4 a 民警 without qualification. Property PR-OK seized 09-03 11:00, stored
16:00. Case-area visit VV-OK 09-03 09:10–14:30; S-OK's arrest starts 09-09 15:00.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import chinese_calendar
import pytest

from fazhi.patrol.models import Finding
from fazhi.patrol.tests.conftest import (
    MINUTE,
    DeadlineCase,
    Records,
    add,
    admin_case,
    boundary_params,
    criminal_case,
    document,
    drop,
    event,
    id_number,
    iso,
    keys,
    load_records,
    measure,
    only,
    person,
    restriction_case,
    set_field,
    sh,
    t,
    transcript,
)

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


def _stored(records: Records, done) -> Records:
    if done is None:
        return drop(records, "PR-OK-IN")
    return set_field(records, "PR-OK-IN", at=iso(done))


def _left(records: Records, done) -> Records:
    return set_field(records, "VV-OK", left_at=iso(done) if done else None)


def _returned_unrelated(records: Records, done) -> Records:
    # PR-OK (stored 09-03 16:00) found unrelated to C-OK on Monday 09-07 10:00
    set_field(records, "PR-OK", unrelated=True, unrelated_at=iso(sh(2026, 9, 7, 10)))
    add(records, movement("L1", "入库", sh(2026, 9, 3, 16)))
    if done is not None:
        set_field(records, "PR-OK", status="已返还")
        add(records, movement("L2", "返还", done))
    return records


def _borrowed(due_back: Any) -> Callable[[Records, Any], Records]:
    """PR-OK stored 09-03 16:00, taken out on loan (调用, L2) with ``due_back`` recorded as its
    return date (or none), brought back (归还, L3) at ``done``."""

    def build(records: Records, done) -> Records:
        out = sh(2026, 9, 5, 9) if due_back is not None else sh(2026, 9, 7, 9)
        add(records, movement("L1", "入库", sh(2026, 9, 3, 16)),
            movement("L2", "调用", out, approved_by="P5", note="辨认",
                     due_back_at=iso(due_back) if due_back is not None else None))  # fmt: skip
        if done is not None:
            add(records, movement("L3", "归还", done))
        return records

    return build


DEADLINES = [
    # borrowed Saturday 09-05 09:00 with its return date recorded: 09-08 09:00 exactly (no
    # rounding to the end of the day, no roll-over); lead 25% of 3 days < 1 day → 1 day
    DeadlineCase(
        "GF-CW-03", "property_movement", "L2", sh(2026, 9, 8, 9), DAY, _borrowed(sh(2026, 9, 8, 9))
    ),
    # borrowed Monday 09-07 09:00 with no return date: 7 days, the first not counted, to the
    # end of Monday 09-14 (a working day); lead 25% of 7 d 15 h = 45 h 45 min
    DeadlineCase(
        "GF-CW-03",
        "property_movement",
        "L2",
        sh(2026, 9, 15),
        timedelta(hours=45, minutes=45),
        _borrowed(None),
    ),
    # seized 09-03 11:00 + 24 h; lead 6 h
    DeadlineCase("GF-CW-01", "property", "PR-OK", sh(2026, 9, 4, 11), 6 * HOUR, _stored),
    # found unrelated Monday 09-07 10:00 + 3 days, the first not counted: 09-10 (Thursday, a
    # working day) 24:00; lead 25% of 3 d 14 h < 1 day → 1 day
    DeadlineCase("GF-CW-04", "property", "PR-OK", sh(2026, 9, 11), DAY, _returned_unrelated),
    # entered 09-03 09:10 + 24 h (custody); lead 6 h. S-OK's detention began 09:00, before he
    # entered: it does not end the stay; his arrest (09-09) lies after every as_of used here.
    DeadlineCase("GF-BA-04", "venue_visit", "VV-OK", sh(2026, 9, 4, 9, 10), 6 * HOUR, _left),
]


@pytest.mark.parametrize(("dc", "check"), boundary_params(DEADLINES))
def test_deadline_boundaries(patrol, clean_records, dc, check) -> None:
    check(patrol, clean_records, dc)


# ---------------------------------------------------------------------------------------------
# GF-XW-01 询问讯问不足二人


def test_gf_xw_01_hit_officer_with_auxiliary(patrol, clean_records) -> None:
    # given the arrest's 讯问 taken by P1 and the 辅警 P3
    set_field(clean_records, "M-OK-DB-T", officer_ids=["P1", "P3"])
    # when patrolled
    f = only(patrol(clean_records), "GF-XW-01", "transcript", "M-OK-DB-T")
    # then a violation: one police officer only
    assert f["status"] == "violation"
    assert f["facts"]["transcript.officer_count"] == 1


def test_gf_xw_01_hit_single_officer(patrol, clean_records) -> None:
    # given the 询问 taken by P1 alone / when patrolled / then reported
    set_field(clean_records, "T-A-OK", officer_ids=["P1"])
    assert keys(patrol(clean_records)) == {("GF-XW-01", "transcript", "T-A-OK")}


def test_gf_xw_01_hit_no_officer_recorded(patrol, clean_records) -> None:
    # given the 询问 with no officer recorded / when patrolled / then reported
    set_field(clean_records, "T-A-OK", officer_ids=[])
    assert keys(patrol(clean_records)) == {("GF-XW-01", "transcript", "T-A-OK")}


def test_gf_xw_01_miss_two_police_officers(patrol, clean_records) -> None:
    # given the 讯问 taken by P1 and P4 (a 民警, whatever his qualification) plus the 辅警 P3
    set_field(clean_records, "M-OK-DB-T", officer_ids=["P1", "P4", "P3"])
    # when patrolled / then nothing
    assert patrol(clean_records) == []


# ---------------------------------------------------------------------------------------------
# GF-XW-02 未成年人询问无监护人在场


def _minor_inquiry(records: Records, birth: str | None, guardian, *, id_birth: str | None = None):
    """A witness of A-OK questioned 2026-09-11 12:00–12:30 in the 询问室."""
    add(
        records,
        person(
            "M-1",
            "A-OK",
            name="小周",
            birth_date=birth,
            id_number=id_number(id_birth or birth or "2000-01-01", "234"),
        ),
    )
    return add(
        records,
        transcript(
            "T-M",
            t("2026-09-11 12:00"),
            t("2026-09-11 12:30"),
            case_id="A-OK",
            person_id="M-1",
            kind="询问",
            venue_id="V3",
            guardian_present=guardian,
        ),
    )


@pytest.mark.parametrize("guardian", [False, None], ids=["false", "not-recorded"])
def test_gf_xw_02_hit_minor_without_guardian(patrol, clean_records, guardian) -> None:
    # given a 16-year-old witness questioned with no guardian present (false or not recorded)
    _minor_inquiry(clean_records, "2010-03-01", guardian)
    # when patrolled
    f = only(patrol(clean_records), "GF-XW-02", "transcript", "T-M")
    # then a violation
    assert f["status"] == "violation"
    assert f["facts"]["person.birth"] == 20100301


def test_gf_xw_02_miss_guardian_present(patrol, clean_records) -> None:
    # given the same minor with the guardian present / when patrolled / then nothing
    _minor_inquiry(clean_records, "2010-03-01", True)
    assert patrol(clean_records) == []


def test_gf_xw_02_miss_eighteenth_birthday(patrol, clean_records) -> None:
    # given a witness who turns 18 on the day of the inquiry / then an adult: nothing
    _minor_inquiry(clean_records, "2008-09-11", False)
    assert patrol(clean_records) == []


def test_gf_xw_02_hit_day_before_eighteenth_birthday(patrol, clean_records) -> None:
    # given a witness who turns 18 the day after the inquiry / then still a minor
    _minor_inquiry(clean_records, "2008-09-12", False)
    assert keys(patrol(clean_records)) == {("GF-XW-02", "transcript", "T-M")}


def test_gf_xw_02_hit_age_from_id_number(patrol, clean_records) -> None:
    # given a minor whose birth date is known only from the 身份证号
    _minor_inquiry(clean_records, None, False, id_birth="2010-03-01")
    # when patrolled / then reported
    assert keys(patrol(clean_records)) == {("GF-XW-02", "transcript", "T-M")}


# ---------------------------------------------------------------------------------------------
# GF-XW-03 同一民警笔录时间冲突


def test_gf_xw_03_hit_same_officers_in_two_transcripts_at_once(patrol, clean_records) -> None:
    # given the 09-25 讯问 moved to 09-11 10:00–10:30, inside the 09:30–11:00 询问 by the same two
    set_field(
        clean_records, "T-OK-late", started_at=t("2026-09-11 10:00"), ended_at=t("2026-09-11 10:30")
    )
    # when patrolled
    findings = patrol(clean_records)
    # then each of the two transcripts is reported, naming the other
    assert keys(findings) == {
        ("GF-XW-03", "transcript", "T-OK-late"),
        ("GF-XW-03", "transcript", "T-A-OK"),
    }
    by_subject = {f["subject_id"]: f for f in findings}
    assert by_subject["T-A-OK"]["facts"]["overlap.with"] == ["张建国：T-OK-late", "李明：T-OK-late"]


def test_gf_xw_03_miss_back_to_back_transcripts(patrol, clean_records) -> None:
    # given the 讯问 starting exactly when the 询问 ends (11:00): [start, end) do not overlap
    set_field(
        clean_records, "T-OK-late", started_at=t("2026-09-11 11:00"), ended_at=t("2026-09-11 11:30")
    )
    # when patrolled / then nothing
    assert patrol(clean_records) == []


def test_gf_xw_03_miss_other_officers(patrol, clean_records) -> None:
    # given the overlapping 讯问 taken by two other officers
    set_field(
        clean_records,
        "T-OK-late",
        started_at=t("2026-09-11 10:00"),
        ended_at=t("2026-09-11 10:30"),
        officer_ids=["P6", "P7"],
    )
    # when patrolled / then nothing
    assert patrol(clean_records) == []


def test_gf_xw_03_hit_long_transcript_overlapping_two_short_ones(patrol, clean_records) -> None:
    # given two short transcripts inside the 09:30–11:00 询问 that do not overlap each other
    set_field(
        clean_records, "T-OK-late", started_at=t("2026-09-11 09:40"), ended_at=t("2026-09-11 09:50")
    )
    add(clean_records, transcript("T-X", t("2026-09-11 10:30"), t("2026-09-11 10:45")))
    # when patrolled
    findings = patrol(clean_records)
    # then all three are reported
    assert keys(findings) == {
        ("GF-XW-03", "transcript", "T-OK-late"),
        ("GF-XW-03", "transcript", "T-X"),
        ("GF-XW-03", "transcript", "T-A-OK"),
    }


# ---------------------------------------------------------------------------------------------
# GF-XW-04 笔录制作用时异常


def _speed(records: Records, chars: int, seconds: int) -> Records:
    start = sh(2026, 9, 25, 9)
    return set_field(
        records, "T-OK-late", text="问" * chars, ended_at=iso(start + timedelta(seconds=seconds))
    )


def test_gf_xw_04_hit_too_much_text_for_the_time(patrol, clean_records) -> None:
    # given 251 characters written in one minute (local standard: at most 250 per minute)
    _speed(clean_records, 251, 60)
    # when patrolled
    f = only(patrol(clean_records), "GF-XW-04", "transcript", "T-OK-late")
    # then a violation with the count, the duration and the standard
    assert f["facts"]["transcript.chars"] == 251
    assert f["facts"]["transcript.seconds"] == 60
    assert f["facts"]["rule.chars_per_minute"] == 250


def test_gf_xw_04_miss_exactly_the_standard(patrol, clean_records) -> None:
    # given 250 characters in one minute / when patrolled / then nothing
    _speed(clean_records, 250, 60)
    assert patrol(clean_records) == []


def test_gf_xw_04_hit_zero_duration(patrol, clean_records) -> None:
    # given a transcript with text that ended when it started
    _speed(clean_records, 10, 0)
    # when patrolled / then reported (no time at all to write it)
    assert keys(patrol(clean_records)) == {("GF-XW-04", "transcript", "T-OK-late")}


def test_gf_xw_04_negative_duration_is_left_to_sj_03(patrol, clean_records) -> None:
    # given a transcript that ends an hour before it starts
    set_field(clean_records, "T-OK-late", ended_at=t("2026-09-25 08:00"))
    # when patrolled
    findings = patrol(clean_records)
    # then only the time-order rule reports it
    assert keys(findings) == {("SJ-03", "transcript", "T-OK-late")}


# ---------------------------------------------------------------------------------------------
# GF-ZG-01 主办民警无执法资格


@pytest.mark.parametrize("lead", ["P4", "P3"], ids=["民警-无资格", "辅警"])
def test_gf_zg_01_hit_unqualified_lead_officer(patrol, clean_records, lead) -> None:
    # given the criminal case led by an officer without qualification, or by a 辅警
    set_field(clean_records, "C-OK", lead_officer_id=lead)
    # when patrolled
    f = only(patrol(clean_records), "GF-ZG-01", "case", "C-OK")
    # then a violation, the responsible officer being that lead
    assert (f["status"], f["officer_id"]) == ("violation", lead)


def test_gf_zg_01_miss_basic_qualification(patrol, clean_records) -> None:
    # given the case led by P2 (基本级) / when patrolled / then nothing
    set_field(clean_records, "C-OK", lead_officer_id="P2")
    assert patrol(clean_records) == []


def test_gf_zg_01_hit_qualified_only_after_acceptance(patrol, clean_records) -> None:
    # given P1 qualified on 09-02, the day after C-OK was accepted (A-OK came later)
    set_field(clean_records, "P1", qualified_at="2026-09-02")
    # when patrolled / then only C-OK is reported
    assert keys(patrol(clean_records)) == {("GF-ZG-01", "case", "C-OK")}


def test_gf_zg_01_miss_qualified_on_the_day_in_beijing_time(patrol, clean_records) -> None:
    # given an officer qualified 09-21 leading a case accepted 09-21 07:00 Beijing time
    # (09-20 in UTC: the day must be taken in Beijing time)
    add(
        clean_records,
        {
            "type": "officer",
            "id": "P9",
            "name": "何平",
            "unit_id": "U1",
            "role": "民警",
            "qualification": "基本级",
            "qualified_at": "2026-09-21",
            "active": True,
        },
    )
    add(clean_records, *admin_case("A-2", sh(2026, 9, 21, 7), lead_officer_id="P9"))
    # when patrolled / then nothing
    assert patrol(clean_records) == []


# ---------------------------------------------------------------------------------------------
# GF-ZG-02 所队领导执法资格不足 (local standard: 所队长 and 法制员 need 中级)


@pytest.mark.parametrize("level", ["基本级", "无"])
def test_gf_zg_02_hit_legal_officer_below_intermediate(patrol, clean_records, level) -> None:
    # given the station's 法制员 P5 with a qualification below 中级
    set_field(clean_records, "P5", qualification=level,
              qualified_at=None if level == "无" else "2019-05-01")  # fmt: skip
    # when patrolled
    f = only(patrol(clean_records), "GF-ZG-02", "officer", "P5")
    # then a violation of his unit, he the responsible officer, no case, with the facts shown
    assert (f["status"], f["unit_id"], f["officer_id"], f["case_id"]) == (
        "violation", "U1", "P5", None,
    )  # fmt: skip
    assert f["facts"]["officer.role"] == "法制员"
    assert f["facts"]["officer.qualification"] == level


def test_gf_zg_02_hit_station_chief_with_basic_level(patrol, clean_records) -> None:
    # given P6 of 城北派出所 made its 所队长, with 基本级
    set_field(clean_records, "P6", role="所队长")
    # when patrolled / then he is reported
    assert keys(patrol(clean_records)) == {("GF-ZG-02", "officer", "P6")}


@pytest.mark.parametrize(
    ("role", "level", "active"),
    [("所队长", "中级", True), ("法制员", "高级", True), ("法制员", "基本级", False),
     ("业务负责人", "基本级", True), ("民警", "基本级", True)],
    ids=["所队长-中级", "法制员-高级", "离岗法制员", "业务负责人", "民警"],
)  # fmt: skip
def test_gf_zg_02_miss(patrol, clean_records, role, level, active) -> None:
    # given P6 in one of the roles, levels or states the rule leaves alone
    set_field(clean_records, "P6", role=role, qualification=level, active=active)
    # when patrolled / then nothing
    assert patrol(clean_records) == []


# ---------------------------------------------------------------------------------------------
# GF-JZ-01..04 文书


def test_gf_jz_01_hit_detention_without_warrant(patrol, clean_records) -> None:
    # given the detention without its 拘留证
    drop(clean_records, "M-OK-JL-DOC")
    # when patrolled
    f = only(patrol(clean_records), "GF-JZ-01", "measure", "M-OK-JL")
    # then a violation naming the missing document
    assert f["facts"]["rule.document_kinds"] == ["拘留证"]


def test_gf_jz_01_miss_warrant_naming_no_measure(patrol, clean_records) -> None:
    # given the 拘留证 recorded for the person and case without measure_id
    set_field(clean_records, "M-OK-JL-DOC", measure_id=None)
    # when patrolled / then nothing
    assert patrol(clean_records) == []


def test_gf_jz_01_hit_other_document_does_not_count(patrol, clean_records) -> None:
    # given the detention's document being a 传唤证 instead
    set_field(clean_records, "M-OK-JL-DOC", kind="传唤证")
    # when patrolled / then GF-JZ-01 reports the detention
    assert keys(patrol(clean_records)) == {("GF-JZ-01", "measure", "M-OK-JL")}


def test_gf_jz_01_hit_warrant_of_another_measure_does_not_count(patrol, clean_records) -> None:
    # given the 拘留证 naming the arrest instead of the detention
    set_field(clean_records, "M-OK-JL-DOC", measure_id="M-OK-DB")
    # when patrolled / then the detention lacks its warrant
    assert keys(patrol(clean_records)) == {("GF-JZ-01", "measure", "M-OK-JL")}


def test_gf_jz_02_hit_bail_without_decision(patrol, clean_records) -> None:
    # given a 取保候审 of 09-28 without its 取保候审决定书
    add(clean_records, *restriction_case("C-QB", "取保候审", sh(2026, 9, 28, 10)))
    drop(clean_records, "C-QB-M-DOC")
    # when patrolled
    f = only(patrol(clean_records), "GF-JZ-02", "measure", "C-QB-M")
    # then a violation
    assert f["status"] == "violation"


def test_gf_jz_02_miss_bail_with_decision(patrol, clean_records) -> None:
    # given the 取保候审 with its decision / when patrolled / then nothing
    add(clean_records, *restriction_case("C-QB", "取保候审", sh(2026, 9, 28, 10)))
    assert patrol(clean_records) == []


def test_gf_jz_03_hit_penalty_without_written_decision(patrol, clean_records) -> None:
    # given the 处罚决定 without a 行政处罚决定书 in the case
    drop(clean_records, "A-OK-DOC")
    # when patrolled
    f = only(patrol(clean_records), "GF-JZ-03", "event", "A-OK-DEC")
    # then a violation
    assert (f["status"], f["case_id"]) == ("violation", "A-OK")


def test_gf_jz_03_miss_no_penalty_decision_needs_none(patrol, clean_records) -> None:
    # given a 不予处罚决定 and no 行政处罚决定书
    drop(clean_records, "A-OK-DOC", "A-OK-SERVE")
    set_field(clean_records, "A-OK-DEC", kind="不予处罚决定")
    # when patrolled / then nothing
    assert patrol(clean_records) == []


def test_gf_jz_04_hit_unsigned_warrant(patrol, clean_records) -> None:
    # given the 拘留证 not signed by the party
    set_field(clean_records, "M-OK-JL-DOC", signed=False)
    # when patrolled
    f = only(patrol(clean_records), "GF-JZ-04", "document", "M-OK-JL-DOC")
    # then a violation
    assert f["facts"]["document.signed"] is False


def test_gf_jz_04_hit_unsigned_penalty_decision(patrol, clean_records) -> None:
    # given the 行政处罚决定书 unsigned / when patrolled / then reported
    set_field(clean_records, "A-OK-DOC", signed=False)
    assert keys(patrol(clean_records)) == {("GF-JZ-04", "document", "A-OK-DOC")}


def test_gf_jz_04_miss_document_needing_no_signature(patrol, clean_records) -> None:
    # given an unsigned 立案决定书 (an internal decision) / then nothing
    add(
        clean_records,
        document("D-LA", "立案决定书", t("2026-09-02 10:00"), person_id=None, signed=False),
    )
    assert patrol(clean_records) == []


# ---------------------------------------------------------------------------------------------
# GF-CW-01 涉案财物未及时入库, GF-CW-02 结案财物未处置


def test_gf_cw_01_hit_stored_status_without_storage_event(patrol, clean_records) -> None:
    # given the property marked 在库 but no 财物入库 recorded
    drop(clean_records, "PR-OK-IN")
    # when patrolled
    f = only(patrol(clean_records), "GF-CW-01", "property", "PR-OK")
    # then overdue since 09-04 11:00
    assert (f["status"], f["due_at"]) == ("overdue", t("2026-09-04 11:00"))
    assert f["facts"]["property.status"] == "在库"


def test_gf_cw_01_hit_storage_event_naming_no_property(patrol, clean_records) -> None:
    # given the 财物入库 recorded without naming the property
    set_field(clean_records, "PR-OK-IN", property_id=None)
    # when patrolled / then it cannot be told which property was stored
    assert keys(patrol(clean_records)) == {("GF-CW-01", "property", "PR-OK")}


def test_gf_cw_01_miss_second_property_stored_in_time(patrol, clean_records) -> None:
    # given a second item seized 09-04 and stored the same day
    add(
        clean_records,
        {
            "type": "property",
            "id": "PR-2",
            "case_id": "C-OK",
            "name": "手机",
            "category": "电子设备",
            "quantity": 1,
            "value": 800,
            "seized_at": t("2026-09-04 10:00"),
            "status": "在库",
        },
    )
    add(
        clean_records,
        event("PR-2-IN", "财物入库", t("2026-09-04 15:00"), case_id="C-OK", property_id="PR-2"),
    )
    # when patrolled / then nothing
    assert patrol(clean_records) == []


# ---------------------------------------------------------------------------------------------
# GF-CW-05 财物流转不连续 (FZX v1.1 property_movement): PR-OK seized 09-03 11:00, stored 16:00


def movement(rid: str, kind: str, at: Any, **fields: Any) -> dict[str, Any]:
    return {
        "type": "property_movement", "id": rid, "property_id": "PR-OK", "kind": kind,
        "at": iso(at), "officer_ids": ["P1", "P2"], **fields,
    }  # fmt: skip


def test_gf_cw_04_miss_returned_by_status_only(patrol, clean_records) -> None:
    # given PR-OK found unrelated on 09-07 and shown 已返还, with no 返还 in its chain
    set_field(clean_records, "PR-OK", unrelated=True, unrelated_at=iso(sh(2026, 9, 7, 10)),
              status="已返还")  # fmt: skip
    # when patrolled long after / then nothing: returned, at a time nothing shows was late
    assert patrol(clean_records) == []


def test_gf_cw_04_miss_item_not_found_unrelated(patrol, clean_records) -> None:
    # given PR-OK marked unrelated = false (or with no time): no clock runs
    set_field(clean_records, "PR-OK", unrelated=False, unrelated_at=iso(sh(2026, 9, 7, 10)))
    assert patrol(clean_records) == []


def test_gf_cw_04_a_period_ending_in_the_national_day_holiday_rolls_over(
    patrol, clean_records
) -> None:
    # given PR-OK found unrelated on 09-29: its 3 days end on 10-02, inside the National Day
    # holiday of 2026 (10-01 … 10-07), so the period runs to the end of 10-08
    set_field(clean_records, "PR-OK", unrelated=True, unrelated_at=iso(sh(2026, 9, 29, 10)))
    add(clean_records, movement("L1", "入库", sh(2026, 9, 3, 16)))
    # when patrolled on 10-08 10:00, the last day
    f = only(patrol(clean_records), "GF-CW-04", "property", "PR-OK")
    # then only a warning, due at 10-08 24:00
    assert (f["status"], f["due_at"]) == ("warning", iso(sh(2026, 10, 9)))


def test_gf_cw_03_hit_facts_name_the_recorded_return_date(patrol, clean_records) -> None:
    # given PR-OK borrowed 09-05 09:00 for identification, to come back 09-08 09:00, still out
    _borrowed(sh(2026, 9, 8, 9))(clean_records, None)
    # when patrolled on 09-10
    f = only(patrol(clean_records, sh(2026, 9, 10)), "GF-CW-03", "property_movement", "L2")
    # then overdue in the item's case, due at the recorded date, the approver and the missing
    # 归还 named, and the explanation says the recorded date replaced the 7 days
    assert (f["status"], f["case_id"], f["unit_id"], f["officer_id"]) == (
        "overdue", "C-OK", "U1", "P1",
    )  # fmt: skip
    assert f["due_at"] == iso(sh(2026, 9, 8, 9))
    assert f["facts"]["property_movement.due_back_at"] == iso(sh(2026, 9, 8, 9))
    assert f["facts"]["deadline.missing"] == "归还入库的财物流转记录未录入"
    assert "以记录的应归还时间 2026-09-08 09:00 为准" in f["explanation"]


def test_gf_cw_03_a_recorded_date_beyond_seven_days_is_honoured(patrol, clean_records) -> None:
    # given PR-OK borrowed 09-05 09:00 for an expert opinion due back 09-25 17:00 (20 days)
    _borrowed(sh(2026, 9, 25, 17))(clean_records, None)
    # when patrolled on 09-20, long after 7 days but five days before the recorded date
    # then nothing: the approval gave it 20 days
    assert patrol(clean_records, sh(2026, 9, 20)) == []
    # and on 09-25 12:00 it is in the warning lead of the recorded date (lead capped at 7 days)
    f = only(patrol(clean_records, sh(2026, 9, 25, 12)), "GF-CW-03", "property_movement", "L2")
    assert (f["status"], f["due_at"]) == ("warning", iso(sh(2026, 9, 25, 17)))


def test_gf_cw_03_done_late_before_the_seven_days_is_late(patrol, clean_records) -> None:
    # given PR-OK due back 09-08 09:00 and brought back 09-10 10:00: within 7 days of the loan
    # (which the SQL pre-filter would pass as in time) but after its recorded date
    _borrowed(sh(2026, 9, 8, 9))(clean_records, sh(2026, 9, 10, 10))
    # when patrolled / then late by the recorded date
    f = only(patrol(clean_records, sh(2026, 9, 11)), "GF-CW-03", "property_movement", "L2")
    assert (f["status"], f["done_at"]) == ("late", iso(sh(2026, 9, 10, 10)))
    assert f["facts"]["deadline.late_by"] == "2天1小时"


def test_gf_cw_03_miss_other_movements_do_not_bring_it_back(patrol, clean_records) -> None:
    # given PR-OK borrowed 09-05 due 09-08, then a 归还 of another item and a 归还 of PR-OK
    # recorded before the loan (both must not count)
    _borrowed(sh(2026, 9, 8, 9))(clean_records, None)
    phone = {
        "type": "property", "id": "PR-X", "case_id": "C-OK", "name": "手机",
        "category": "电子设备", "quantity": 1, "value": None,
        "seized_at": t("2026-09-03 11:00"), "status": "在库",
    }  # fmt: skip
    add(clean_records, movement("L0", "归还", sh(2026, 9, 4, 9)),
        {**movement("LX", "归还", sh(2026, 9, 6, 9)), "property_id": "PR-X"}, phone)  # fmt: skip
    # when patrolled on 09-10
    found = patrol(clean_records, sh(2026, 9, 10))
    # then the loan is overdue (the store chain of the other item is GF-CW-05's matter)
    assert ("GF-CW-03", "property_movement", "L2") in keys(found)
    cw03 = [f for f in found if f["rule"] == "GF-CW-03"]
    assert [f["status"] for f in cw03] == ["overdue"]


def test_gf_cw_03_warning_closes_when_the_item_comes_back(patrol, rerun, clean_records) -> None:
    # given PR-OK due back 09-08 09:00, patrolled 09-07 12:00 in the lead: a warning
    _borrowed(sh(2026, 9, 8, 9))(clean_records, None)
    only(patrol(clean_records, sh(2026, 9, 7, 12)), "GF-CW-03", "property_movement", "L2")
    # when the 归还 is recorded (09-08 08:30, in time) and the patrol runs again
    load_records([movement("L3", "归还", sh(2026, 9, 8, 8, 30))])
    # then no open finding: the warning is closed as done in time
    assert rerun(sh(2026, 9, 8, 12)) == []
    closed = Finding.objects.get(rule_id="GF-CW-03")
    assert (closed.is_open, closed.close_reason) == (False, "已按时办理")


def test_gf_cw_05_miss_a_continuous_chain(patrol, clean_records) -> None:
    # given 入库, 调用 for identification, 归还, then 返还 to the owner
    add(clean_records,
        movement("L1", "入库", sh(2026, 9, 3, 16)),
        movement("L2", "调用", sh(2026, 9, 5, 9), due_back_at=iso(sh(2026, 9, 8, 9))),
        movement("L3", "归还", sh(2026, 9, 6, 15)),
        movement("L4", "返还", sh(2026, 9, 20, 10)))  # fmt: skip
    # when patrolled / then nothing
    assert patrol(clean_records) == []


def test_gf_cw_05_hit_leaving_a_store_it_was_never_taken_into(patrol, clean_records) -> None:
    # given a 返还 with no 入库 before it in the item's chain (the store event alone is not it)
    add(clean_records, movement("L1", "返还", sh(2026, 9, 20, 10)))
    # when patrolled
    f = only(patrol(clean_records), "GF-CW-05", "property_movement", "L1")
    # then the movement is reported in the item's case, with no previous step
    assert (f["status"], f["case_id"], f["unit_id"], f["officer_id"]) == (
        "violation", "C-OK", "U1", "P1",
    )  # fmt: skip
    assert f["facts"]["property_movement.previous"] is None


def test_gf_cw_05_hit_leaving_again_while_out(patrol, clean_records) -> None:
    # given 入库, 出库 for an expert opinion, then 处置 without the item coming back
    add(clean_records,
        movement("L1", "入库", sh(2026, 9, 3, 16)),
        movement("L2", "出库", sh(2026, 9, 5, 9)),
        movement("L3", "处置", sh(2026, 9, 20, 10)))  # fmt: skip
    # when patrolled / then only the second exit is reported, after 出库
    f = only(patrol(clean_records), "GF-CW-05", "property_movement", "L3")
    assert f["facts"]["property_movement.previous"] == "出库"


def test_gf_cw_05_hit_taken_in_twice(patrol, clean_records) -> None:
    # given 入库 twice with nothing between
    add(clean_records,
        movement("L1", "入库", sh(2026, 9, 3, 16)),
        movement("L2", "入库", sh(2026, 9, 4, 10)))  # fmt: skip
    # when patrolled / then the second 入库 is reported
    assert keys(patrol(clean_records)) == {("GF-CW-05", "property_movement", "L2")}


def test_gf_cw_05_miss_taken_in_again_after_leaving(patrol, clean_records) -> None:
    # given 入库, 移交 to another unit, and 入库 again when it comes back
    add(clean_records,
        movement("L1", "入库", sh(2026, 9, 3, 16)),
        movement("L2", "移交", sh(2026, 9, 5, 9)),
        movement("L3", "入库", sh(2026, 9, 12, 9)))  # fmt: skip
    # when patrolled / then nothing
    assert patrol(clean_records) == []


def test_gf_cw_05_miss_a_movement_after_as_of(patrol, clean_records) -> None:
    # given a 返还 without 入库 recorded for after the patrol's as_of (10-08 10:00)
    add(clean_records, movement("L1", "返还", sh(2026, 10, 9, 10)))
    # when patrolled / then not yet
    assert patrol(clean_records) == []


def _closed_case_property(records: Records, status: str) -> Records:
    add(
        records,
        {
            "type": "property",
            "id": "PR-A",
            "case_id": "A-OK",
            "name": "啤酒瓶",
            "category": "其他",
            "quantity": 1,
            "value": None,
            "seized_at": t("2026-09-11 10:00"),
            "status": status,
        },
    )
    return add(
        records,
        event("PR-A-IN", "财物入库", t("2026-09-11 12:00"), case_id="A-OK", property_id="PR-A"),
    )


@pytest.mark.parametrize("status", ["在库", "待入库"])
def test_gf_cw_02_hit_property_still_held_thirty_days_after_closing(
    patrol, clean_records, status
) -> None:
    # given A-OK closed 09-20 10:00 still holding property
    _closed_case_property(clean_records, status)
    # when patrolled a minute past 30 days after closing
    f = only(patrol(clean_records, sh(2026, 10, 20, 10, 1)), "GF-CW-02", "case", "A-OK")
    # then the case is reported, listing the property
    assert f["facts"]["property.pending"] == ["PR-A"]


def test_gf_cw_02_miss_exactly_thirty_days(patrol, clean_records) -> None:
    # given the same, patrolled exactly 30 days after closing / then not yet
    _closed_case_property(clean_records, "在库")
    assert patrol(clean_records, sh(2026, 10, 20, 10)) == []


def test_gf_cw_02_miss_property_returned(patrol, clean_records) -> None:
    # given the property returned / when patrolled long after / then nothing
    _closed_case_property(clean_records, "已返还")
    assert patrol(clean_records, sh(2026, 10, 25)) == []


# ---------------------------------------------------------------------------------------------
# GF-BA-01..03 办案区 safeguards, GF-BA-04 办案区滞留超时


@pytest.mark.parametrize(
    ("rule", "flag"),
    [
        ("GF-BA-01", "safety_checked"),
        ("GF-BA-02", "belongings_registered"),
        ("GF-BA-03", "recorded"),
    ],
)
def test_gf_ba_01_03_hit_missing_safeguard(patrol, clean_records, rule, flag) -> None:
    # given the case-area visit without that safeguard
    set_field(clean_records, "VV-OK", **{flag: False})
    # when patrolled
    f = only(patrol(clean_records), rule, "venue_visit", "VV-OK")
    # then that rule (only) reports the visit
    assert f["facts"][f"venue_visit.{flag}"] is False
    assert f["case_id"] == "C-OK"


def test_gf_ba_01_03_miss_all_safeguards(patrol, clean_records) -> None:
    # given a second visit (W-OK, 09-11) with every safeguard / when patrolled / then nothing
    add(
        clean_records,
        {
            "type": "venue_visit",
            "id": "VV-2",
            "venue_id": "V1",
            "person_id": "W-OK",
            "case_id": "A-OK",
            "entered_at": t("2026-09-11 09:05"),
            "left_at": t("2026-09-11 15:00"),
            "safety_checked": True,
            "belongings_registered": True,
            "recorded": True,
        },
    )
    assert patrol(clean_records) == []


def test_gf_ba_04_hit_never_left_until_arrest(patrol, clean_records) -> None:
    # given the visit of 09-03 09:10 without left_at: the next custody is the arrest of 09-09
    set_field(clean_records, "VV-OK", left_at=None)
    # when patrolled
    f = only(patrol(clean_records), "GF-BA-04", "venue_visit", "VV-OK")
    # then late: the stay ended only with the arrest
    assert (f["status"], f["due_at"], f["done_at"]) == (
        "late",
        t("2026-09-04 09:10"),
        t("2026-09-09 15:00"),
    )


def test_gf_ba_04_hit_exit_never_recorded_says_so(patrol, clean_records) -> None:
    # given the visit of 09-03 09:10 whose exit time was never recorded
    set_field(clean_records, "VV-OK", left_at=None)
    # when patrolled on 09-05 10:00, before the arrest
    f = only(patrol(clean_records, sh(2026, 9, 5, 10)), "GF-BA-04", "venue_visit", "VV-OK")
    # then overdue, and the facts say the exit time is missing rather than only counting days
    assert (f["status"], f["done_at"]) == ("overdue", None)
    assert f["facts"]["deadline.missing"] == "离开时间未录入"
    assert f["facts"]["venue_visit.left_at"] is None


def test_gf_ba_04_hit_exit_recorded_before_entry_is_named(patrol, clean_records) -> None:
    # given an exit time recorded before the entry (a typing error: 08:30 for 18:30)
    set_field(clean_records, "VV-OK", left_at=t("2026-09-03 08:30"))
    # when patrolled on 09-05 10:00
    findings = patrol(clean_records, sh(2026, 9, 5, 10))
    # then the stay is overdue, its facts naming the recorded time that does not count
    f = next(f for f in findings if f["rule"] == "GF-BA-04")
    assert f["status"] == "overdue"
    assert f["facts"]["deadline.missing"] == "离开时间（2026-09-03 08:30）早于进入办案区时间，不计"


def test_gf_ba_04_miss_detained_from_the_case_area(patrol, clean_records) -> None:
    # given W-OK entering the case area 09-18 09:00, no left_at, 行政拘留 at 11:00
    add(
        clean_records,
        {
            "type": "venue_visit",
            "id": "VV-2",
            "venue_id": "V1",
            "person_id": "W-OK",
            "case_id": "A-OK",
            "entered_at": t("2026-09-18 09:00"),
            "left_at": None,
            "safety_checked": True,
            "belongings_registered": True,
            "recorded": True,
        },
    )
    # when patrolled / then the detention ends the stay in time
    assert patrol(clean_records) == []


# ---------------------------------------------------------------------------------------------
# GF-AJ-01 立而不侦 (60 days from the latest activity, not custody)


def _idle_case(records: Records, accepted) -> Records:
    """A criminal case C-2 accepted at ``accepted``, receipt 30 min later, filed 1 h later, then
    nothing: its latest activity is the filing."""
    return add(records, *criminal_case("C-2", accepted))


def test_calendar_preconditions() -> None:
    assert chinese_calendar.is_workday(date(2026, 9, 18))
    assert not chinese_calendar.is_workday(date(2026, 10, 1))
    assert chinese_calendar.is_workday(date(2026, 10, 8))


def test_gf_aj_01_hit_no_activity_for_sixty_days(patrol, clean_records) -> None:
    # given a case filed 07-20 11:00 with no activity since
    _idle_case(clean_records, sh(2026, 7, 20, 10))
    # when patrolled
    f = only(patrol(clean_records), "GF-AJ-01", "case", "C-2")
    # then overdue since 09-18 24:00
    assert (f["status"], f["due_at"], f["done_at"]) == ("overdue", t("2026-09-19 00:00"), None)


@pytest.mark.parametrize(
    "activity",
    [
        event("C-2-E", "讯问", t("2026-09-20 10:00"), case_id="C-2"),
        document("C-2-D", "调取证据通知书", t("2026-09-20 10:00"), case_id="C-2", person_id=None),
        transcript(
            "C-2-T",
            t("2026-09-20 10:00"),
            t("2026-09-20 11:00"),
            case_id="C-2",
            person_id="C-2-W",
            kind="询问",
        ),
        measure("C-2-M", "扣押", t("2026-09-20 10:00"), case_id="C-2", person_id="C-2-W"),
        measure(
            "C-2-M",
            "扣押",
            t("2026-09-01 10:00"),
            case_id="C-2",
            person_id="C-2-W",
            ended_at=t("2026-09-20 10:00"),
        ),
    ],
    ids=["event", "document", "transcript", "measure-start", "measure-end"],
)
def test_gf_aj_01_miss_any_activity_restarts_the_clock(patrol, clean_records, activity) -> None:
    # given the idle case with one activity on 09-20
    _idle_case(clean_records, sh(2026, 7, 20, 10))
    add(clean_records, person("C-2-W", "C-2", name="冯某"), activity)
    # when patrolled / then nothing: 60 days run from 09-20
    assert patrol(clean_records) == []


@pytest.mark.parametrize("status", ["移送审查起诉", "撤销案件", "终止侦查", "结案"])
def test_gf_aj_01_miss_case_no_longer_under_investigation(patrol, clean_records, status) -> None:
    # given the idle case whose status says it has left investigation
    _idle_case(clean_records, sh(2026, 7, 20, 10))
    set_field(clean_records, "C-2", status=status)
    # when patrolled / then nothing
    assert patrol(clean_records) == []


def test_gf_aj_01_miss_closed_case(patrol, clean_records) -> None:
    # given the idle case with a closed_at
    _idle_case(clean_records, sh(2026, 7, 20, 10))
    set_field(clean_records, "C-2", closed_at=t("2026-09-01 10:00"))
    # when patrolled / then nothing
    assert patrol(clean_records) == []


# A case filed 08-02 09:00 and idle: 60 days end 10-01, a holiday → 10-08 24:00; lead 7 days.
AJ_DUE = sh(2026, 10, 9)


def test_gf_aj_01_holiday_roll_over_warning(patrol, clean_records) -> None:
    # given the case idle since 08-02 09:00
    _idle_case(clean_records, sh(2026, 8, 2, 8))
    # when patrolled 10-08 10:00
    f = only(patrol(clean_records), "GF-AJ-01", "case", "C-2")
    # then only a warning: due 10-08 24:00 after roll-over
    assert (f["status"], f["due_at"]) == ("warning", iso(AJ_DUE))


def test_gf_aj_01_overdue_just_after_due(patrol, clean_records) -> None:
    # given the idle case / when patrolled one minute after the due time / then overdue
    _idle_case(clean_records, sh(2026, 8, 2, 8))
    f = only(patrol(clean_records, AJ_DUE + MINUTE), "GF-AJ-01", "case", "C-2")
    assert f["status"] == "overdue"


def test_gf_aj_01_activity_at_the_due_time_is_in_time(patrol, clean_records) -> None:
    # given an activity exactly at the due time
    _idle_case(clean_records, sh(2026, 8, 2, 8))
    add(clean_records, event("C-2-E", "延长期限", iso(AJ_DUE), case_id="C-2"))
    # when patrolled one minute later / then nothing
    assert patrol(clean_records, AJ_DUE + MINUTE) == []


def test_gf_aj_01_activity_after_as_of_does_not_count(patrol, clean_records) -> None:
    # given an activity recorded for a time after the patrol's as_of
    _idle_case(clean_records, sh(2026, 8, 2, 8))
    add(clean_records, event("C-2-E", "延长期限", iso(AJ_DUE + DAY), case_id="C-2"))
    # when patrolled one minute after the due time / then overdue
    f = only(patrol(clean_records, AJ_DUE + MINUTE), "GF-AJ-01", "case", "C-2")
    assert f["status"] == "overdue"


def test_gf_aj_01_warning_lead_boundary(patrol, rerun, clean_records) -> None:
    # given the idle case
    _idle_case(clean_records, sh(2026, 8, 2, 8))
    # when patrolled exactly 7 days before the due time / then nothing yet
    assert patrol(clean_records, AJ_DUE - 7 * DAY) == []
    # and one minute later / then a warning
    assert only(rerun(AJ_DUE - 7 * DAY + MINUTE), "GF-AJ-01", "case", "C-2")["status"] == "warning"


def test_gf_aj_01_clean_case_is_watched_from_its_latest_activity(patrol, clean_records) -> None:
    # given the clean criminal case, whose arrest is lifted on 09-25 10:00 (so that the custody
    # rule XS-JY-01 stays silent): its latest activities are the 讯问 and the release of 09-25
    set_field(clean_records, "M-OK-DB", ended_at=t("2026-09-25 10:00"))
    # when patrolled after 11-24 24:00 (60 days later)
    f = only(patrol(clean_records, sh(2026, 11, 25, 0, 1)), "GF-AJ-01", "case", "C-OK")
    # then overdue since 11-24 24:00
    assert (f["status"], f["due_at"]) == ("overdue", t("2026-11-25 00:00"))
    assert f["trigger_at"] == t("2026-09-25 10:00")


def test_gf_xw_03_a_county_part_sees_its_officers_transcripts_in_another_county(
    db, clean_records
) -> None:
    # given P1 lent to a second county bureau (U9), where he takes a 讯问 in its case C-B
    # that overlaps his 09:30–11:00 询问 T-A-OK in the first county
    from fazhi.patrol.engine import EvalContext
    from fazhi.patrol.pack import load_pack
    from fazhi.patrol.periods import HolidayCalendar
    from fazhi.patrol.services import Slice, run_rule, sync_rules

    add(clean_records, {"type": "unit", "id": "U9", "name": "邻县公安局", "kind": "县局",
                        "parent_id": None})  # fmt: skip
    case_ok = next(r for r in clean_records if r["id"] == "C-OK")
    add(clean_records, {**case_ok, "id": "C-B", "unit_id": "U9", "incident_id": None})
    add(clean_records, transcript("T-B", t("2026-09-11 10:00"), t("2026-09-11 10:20"),
                                  case_id="C-B"))  # fmt: skip
    load_records(clean_records)
    pack = load_pack()
    rules = sync_rules(pack)
    base = EvalContext(as_of=sh(2026, 10, 1, 0), calendar=HolidayCalendar.from_database())
    found: dict[str, set[str]] = {}
    # when each county's part of GF-XW-03 runs on its own
    for county, units in (("U0", {"U0", "U1", "U2", "U3"}), ("U9", {"U9"})):
        run_rule(pack.rule("GF-XW-03"), rules["GF-XW-03"], base, base.as_of,
                 Slice(frozenset(units)))  # fmt: skip
        found[county] = set(
            Finding.objects.open().filter(rule_id="GF-XW-03").values_list("subject_id", flat=True)
        ) - set().union(*[v for k, v in found.items() if k != county])
    # then each part flags its own transcript, found through the other county's
    assert found == {"U0": {"T-A-OK"}, "U9": {"T-B"}}
