"""Source-data quality rules (数据质量, SJ): a hit and a miss for every rule and subject type.

Clean persons: S-OK 330122199004121231 born 1990-04-12 (犯罪嫌疑人); W-OK 330122198502031234
born 1985-02-03 (违法行为人).
"""

from __future__ import annotations

import pytest

from fazhi.patrol.tests.conftest import (
    add,
    id_number,
    keys,
    only,
    person,
    set_field,
    t,
)


def test_id_number_helper_agrees_with_the_clean_cases() -> None:
    # the builder used below makes the same check characters as the example data
    assert id_number("1990-04-12") == "330122199004121231"
    assert id_number("1985-02-03") == "330122198502031234"


# ---------------------------------------------------------------------------------------------
# SJ-01 身份证号校验错误


def test_sj_01_hit_wrong_check_character(patrol, clean_records) -> None:
    # given S-OK's 身份证号 with its last character changed
    set_field(clean_records, "S-OK", id_number="330122199004121232")
    # when patrolled
    f = only(patrol(clean_records), "SJ-01", "person", "S-OK")
    # then reported with the number as a fact, in the case's unit
    assert f["facts"]["person.id_number"] == "330122199004121232"
    assert (f["status"], f["case_id"], f["unit_id"]) == ("violation", "C-OK", "U1")


def test_sj_01_hit_impossible_date(patrol, clean_records) -> None:
    # given a number whose date part is 1990-02-30 (correct check character for it)
    body = "33012219900230123"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    number = body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    set_field(clean_records, "W-OK", id_number=number)
    # when patrolled / then SJ-01 only (SJ-02 does not compare an impossible date)
    assert keys(patrol(clean_records)) == {("SJ-01", "person", "W-OK")}


@pytest.mark.parametrize(
    "number", ["33012219900412123", "3301221990041212311", "33012A199004121231"]
)
def test_sj_01_hit_malformed(patrol, clean_records, number) -> None:
    # given a number of the wrong length or with a letter inside
    set_field(clean_records, "S-OK", id_number=number)
    # when patrolled / then SJ-01 only
    assert keys(patrol(clean_records)) == {("SJ-01", "person", "S-OK")}


def test_sj_01_miss_lowercase_x_check_character(patrol, clean_records) -> None:
    # given a valid number whose check character is X, written in lower case
    number = next(
        n for seq in range(100, 1000) if (n := id_number("1992-11-05", str(seq))).endswith("X")
    )
    add(clean_records, person("W-2", "A-OK", id_number=number.lower(), birth_date="1992-11-05"))
    # when patrolled / then nothing
    assert patrol(clean_records) == []


def test_sj_01_miss_witness_without_number(patrol, clean_records) -> None:
    # given a witness with no 身份证号 (not required for a witness)
    add(clean_records, person("W-2", "A-OK", id_number=None, birth_date=None))
    # when patrolled / then nothing
    assert patrol(clean_records) == []


# ---------------------------------------------------------------------------------------------
# SJ-02 出生日期不一致


def test_sj_02_hit_birth_date_disagrees(patrol, clean_records) -> None:
    # given S-OK's birth date recorded a day later than his 身份证号 says
    set_field(clean_records, "S-OK", birth_date="1990-04-13")
    # when patrolled
    f = only(patrol(clean_records), "SJ-02", "person", "S-OK")
    # then reported with both values
    assert f["facts"]["person.birth_date"] == "1990-04-13"
    assert f["facts"]["person.id_number"] == "330122199004121231"


def test_sj_02_miss_no_birth_date(patrol, clean_records) -> None:
    # given S-OK without a recorded birth date / when patrolled / then nothing
    set_field(clean_records, "S-OK", birth_date=None)
    assert patrol(clean_records) == []


# ---------------------------------------------------------------------------------------------
# SJ-03 时间顺序错误 (several subject types)


def _visit(left_at: str) -> dict:
    """W-OK in the case area 09-18 09:00, detained (行政拘留) at 11:00, so GF-BA-04 is answered."""
    return {
        "type": "venue_visit",
        "id": "VV-2",
        "venue_id": "V1",
        "person_id": "W-OK",
        "case_id": "A-OK",
        "entered_at": t("2026-09-18 09:00"),
        "left_at": left_at,
        "safety_checked": True,
        "belongings_registered": True,
        "recorded": True,
    }


@pytest.mark.parametrize(
    ("change", "subject", "extra"),
    [
        (("M-OK-JL", {"ended_at": t("2026-09-03 08:00")}), ("measure", "M-OK-JL"), set()),
        (("T-OK-late", {"ended_at": t("2026-09-25 08:00")}), ("transcript", "T-OK-late"), set()),
        (("A-OK", {"filed_at": t("2026-09-10 21:00")}), ("case", "A-OK"), set()),
        # a disposal before the call is no disposal: JQ-01 reports the incident overdue too
        (
            ("I-A-OK", {"disposed_at": t("2026-09-10 19:00")}),
            ("incident", "I-A-OK"),
            {("JQ-01", "incident", "I-A-OK")},
        ),
        ((None, _visit(t("2026-09-18 08:00"))), ("venue_visit", "VV-2"), set()),
    ],
    ids=["measure", "transcript", "case", "incident", "venue_visit"],
)
def test_sj_03_hit_end_before_start(patrol, clean_records, change, subject, extra) -> None:
    # given one record whose end is recorded before its start
    rid, values = change
    if rid is None:
        add(clean_records, values)
    else:
        set_field(clean_records, rid, **values)
    # when patrolled
    findings = patrol(clean_records)
    # then SJ-03 reports that record (with its subject type), and nothing else but the
    # deadline it makes unanswerable
    assert keys(findings) == {("SJ-03", *subject)} | extra
    f = next(f for f in findings if f["rule"] == "SJ-03")
    assert len(f["facts"]) == 2


def test_sj_03_miss_end_equal_to_start(patrol, clean_records) -> None:
    # given a visit that ends the minute it starts
    add(clean_records, _visit(t("2026-09-18 09:00")))
    # when patrolled / then nothing
    assert patrol(clean_records) == []


# ---------------------------------------------------------------------------------------------
# SJ-04 必填项缺失 (cases and persons)


def test_sj_04_hit_case_without_lead_officer(patrol, clean_records) -> None:
    # given the criminal case without 主办民警
    set_field(clean_records, "C-OK", lead_officer_id=None)
    # when patrolled
    f = only(patrol(clean_records), "SJ-04", "case", "C-OK")
    # then reported, with no responsible officer, and GF-ZG-01 says nothing
    assert (f["officer_id"], f["unit_id"]) == (None, "U1")


@pytest.mark.parametrize("pid", ["S-OK", "W-OK"], ids=["犯罪嫌疑人", "违法行为人"])
@pytest.mark.parametrize("empty", [None, ""], ids=["null", "empty"])
def test_sj_04_hit_suspect_without_id_number(patrol, clean_records, pid, empty) -> None:
    # given a suspect / offender with no 身份证号 and no note why
    set_field(clean_records, pid, id_number=empty)
    # when patrolled / then SJ-04 reports the person
    assert keys(patrol(clean_records)) == {("SJ-04", "person", pid)}


def test_sj_04_miss_suspect_without_id_number_but_with_note(patrol, clean_records) -> None:
    # given the suspect without 身份证号 and a note saying why (a field FZX keeps as extra)
    set_field(clean_records, "S-OK", id_number=None, id_number_note="外籍人员，持护照")
    # when patrolled / then nothing
    assert patrol(clean_records) == []


def test_sj_04_miss_witness_without_id_number(patrol, clean_records) -> None:
    # given a witness with no 身份证号 / then nothing
    add(clean_records, person("W-2", "C-OK", id_number=None))
    assert patrol(clean_records) == []
