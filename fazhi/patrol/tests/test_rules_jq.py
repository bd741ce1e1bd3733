"""Incident rules (警情, JQ): a hit, a miss and the boundaries of every rule.

Clean incidents: I-OK (刑事) received 2026-09-01 08:00, disposed 受案 10:00, case C-OK accepted
10:00 with its 受案回执 at 10:30; I-A-OK (治安) received 09-10 20:00, disposed 受案 22:00, case
A-OK accepted 22:00, 受案回执 22:30.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from fazhi.patrol.tests.conftest import (
    DeadlineCase,
    Records,
    add,
    admin_case,
    boundary_params,
    drop,
    incident,
    iso,
    keys,
    only,
    set_field,
    sh,
    t,
)

HOUR = timedelta(hours=1)


def _dispute(records: Records, done) -> Records:
    """A 纠纷 incident received 09-20 10:00, mediated at ``done`` (or not disposed of)."""
    if done is None:
        return add(records, incident("I-J", "纠纷", t("2026-09-20 10:00")))
    return add(
        records,
        incident("I-J", "纠纷", t("2026-09-20 10:00"), disposition="调解", disposed_at=iso(done)),
    )


def _accepted_incident(records: Records, done) -> Records:
    """A 治安 incident received 09-28 08:00, disposed 受案 10:00, its case A-2 registered at
    ``done`` (or never)."""
    add(
        records,
        incident(
            "I-2",
            "治安",
            t("2026-09-28 08:00"),
            disposition="受案",
            disposed_at=t("2026-09-28 10:00"),
        ),
    )
    if done is not None:
        add(records, *admin_case("A-2", done, incident_id="I-2"))
    return records


def _receipt(records: Records, done) -> Records:
    if done is None:
        return drop(records, "C-OK-RC")
    return set_field(records, "C-OK-RC", at=iso(done))


DEADLINES = [
    # received 09-20 10:00 + 24 h (local standard); lead 6 h
    DeadlineCase("JQ-01", "incident", "I-J", sh(2026, 9, 21, 10), 6 * HOUR, _dispute),
    # disposed 受案 09-28 10:00 + 24 h; lead 6 h
    DeadlineCase("JQ-02", "incident", "I-2", sh(2026, 9, 29, 10), 6 * HOUR, _accepted_incident),
    # C-OK accepted 09-01 10:00 + 24 h (local standard); lead 6 h
    DeadlineCase("JQ-03", "case", "C-OK", sh(2026, 9, 2, 10), 6 * HOUR, _receipt),
]


@pytest.mark.parametrize(("dc", "check"), boundary_params(DEADLINES))
def test_deadline_boundaries(patrol, clean_records, dc, check) -> None:
    check(patrol, clean_records, dc)


# ---------------------------------------------------------------------------------------------
# JQ-01 警情未及时处置


def test_jq_01_hit_dispute_mediated_a_day_and_an_hour_later(patrol, clean_records) -> None:
    # given a 纠纷 incident received 09-20 10:00 and mediated 09-21 11:00
    _dispute(clean_records, sh(2026, 9, 21, 11))
    # when patrolled
    f = only(patrol(clean_records), "JQ-01", "incident", "I-J")
    # then late; the responsible officer is the first attending officer, no case
    assert (f["status"], f["due_at"], f["done_at"]) == (
        "late",
        t("2026-09-21 10:00"),
        t("2026-09-21 11:00"),
    )
    assert (f["unit_id"], f["officer_id"], f["case_id"]) == ("U1", "P1", None)
    assert f["facts"]["incident.category"] == "纠纷"


def test_jq_01_hit_disposal_time_without_a_disposition_is_no_disposal(
    patrol, clean_records
) -> None:
    # given the incident with a disposed_at of 09-20 12:00 but no disposition recorded
    add(
        clean_records,
        incident("I-J", "纠纷", t("2026-09-20 10:00"), disposed_at=t("2026-09-20 12:00")),
    )
    # when patrolled
    f = only(patrol(clean_records), "JQ-01", "incident", "I-J")
    # then overdue, and the facts say it is the disposition that was never recorded
    assert f["status"] == "overdue"
    assert f["facts"]["deadline.missing"] == "处置结果未录入"


@pytest.mark.parametrize("category", ["求助", "交通", "其他"])
def test_jq_01_miss_other_categories_are_not_watched(patrol, clean_records, category) -> None:
    # given an incident of another category never disposed of
    add(clean_records, incident("I-J", category, t("2026-09-20 10:00")))
    # when patrolled / then nothing
    assert patrol(clean_records) == []


# ---------------------------------------------------------------------------------------------
# JQ-02 受案未录入案件


def test_jq_02_hit_accepted_incident_without_case(patrol, clean_records) -> None:
    # given the criminal case not linked to its incident
    set_field(clean_records, "C-OK", incident_id=None)
    # when patrolled
    f = only(patrol(clean_records), "JQ-02", "incident", "I-OK")
    # then the incident is overdue since 09-02 10:00
    assert (f["status"], f["due_at"]) == ("overdue", t("2026-09-02 10:00"))


def test_jq_02_hit_case_registered_two_days_later(patrol, clean_records) -> None:
    # given the incident's case registered on 09-30 10:00
    _accepted_incident(clean_records, sh(2026, 9, 30, 10))
    # when patrolled
    f = only(patrol(clean_records), "JQ-02", "incident", "I-2")
    # then late
    assert (f["status"], f["done_at"]) == ("late", t("2026-09-30 10:00"))


def test_jq_02_miss_mediated_incident_needs_no_case(patrol, clean_records) -> None:
    # given a 治安 incident disposed 调解 in time, with no case
    add(
        clean_records,
        incident(
            "I-2",
            "治安",
            t("2026-09-28 08:00"),
            disposition="调解",
            disposed_at=t("2026-09-28 10:00"),
        ),
    )
    # when patrolled / then JQ-02 finds nothing (the analysis rule ZN-JQ-01 rightly suspects a
    # 治安 incident mediated without a case, see test_analysis.py)
    assert keys(patrol(clean_records)) == {("ZN-JQ-01", "incident", "I-2")}


# ---------------------------------------------------------------------------------------------
# JQ-03 受案未出具回执


def test_jq_03_hit_no_receipt(patrol, clean_records) -> None:
    # given the criminal case without 受案回执
    drop(clean_records, "C-OK-RC")
    # when patrolled
    f = only(patrol(clean_records), "JQ-03", "case", "C-OK")
    # then overdue since 09-02 10:00
    assert (f["status"], f["due_at"]) == ("overdue", t("2026-09-02 10:00"))
    assert f["severity"] == "一般"


def test_jq_03_hit_administrative_case_too(patrol, clean_records) -> None:
    # given the administrative case without 受案回执
    drop(clean_records, "A-OK-RC")
    # when patrolled / then it is reported, due 09-11 22:00
    f = only(patrol(clean_records), "JQ-03", "case", "A-OK")
    assert (f["status"], f["due_at"]) == ("overdue", t("2026-09-11 22:00"))


def test_jq_03_miss_receipt_next_morning(patrol, clean_records) -> None:
    # given the receipt issued 09-02 09:00 (23 h after acceptance)
    set_field(clean_records, "C-OK-RC", at=t("2026-09-02 09:00"))
    # when patrolled / then nothing
    assert patrol(clean_records) == []


def test_jq_03_hit_receipt_before_acceptance_does_not_count(patrol, clean_records) -> None:
    # given the receipt recorded before the case was accepted (e.g. wrong case)
    set_field(clean_records, "C-OK-RC", at=t("2026-09-01 09:00"))
    # when patrolled
    findings = patrol(clean_records)
    # then the case has no receipt in its window: overdue
    assert keys(findings) == {("JQ-03", "case", "C-OK")}
