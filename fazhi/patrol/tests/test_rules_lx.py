"""Audio-visual recording (执法记录, LX; FZX v1.1 ``recording``).

Clean facts used here: incident I-OK, received 09-01 08:00, attended by P1 and P2 (arrived
08:12). The clean cases carry no recording; each test adds the one it is about.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from fazhi.patrol.tests.conftest import (
    DeadlineCase,
    Records,
    add,
    boundary_params,
    iso,
    keys,
    only,
    sh,
)

HOUR = timedelta(hours=1)


def recording(rid: str = "RC-1", **fields: Any) -> dict[str, Any]:
    """P1's body camera at I-OK's arrival, 08:10–08:50 on 09-01, uploaded at 11:00."""
    return {
        "type": "recording", "id": rid, "officer_id": "P1", "device_no": "DSJ-0001",
        "started_at": iso(sh(2026, 9, 1, 8, 10)), "ended_at": iso(sh(2026, 9, 1, 8, 50)),
        "uploaded_at": iso(sh(2026, 9, 1, 11)), "incident_id": "I-OK", "case_id": None,
        "evidence": None, "deleted_at": None, **fields,
    }  # fmt: skip


def arrivals(records: Records) -> Records:
    """Both clean incidents' arrivals recorded (LX-01 is quiet), by recordings kept in order."""
    return add(records, recording("RC-8"), recording(
        "RC-9", started_at=iso(sh(2026, 9, 10, 20, 9)), ended_at=iso(sh(2026, 9, 10, 20, 40)),
        uploaded_at=iso(sh(2026, 9, 10, 23)), incident_id="I-A-OK",
    ))  # fmt: skip


def _uploaded(records: Records, done: Any) -> Records:
    return add(arrivals(records), recording(uploaded_at=iso(done) if done else None))


DEADLINES = [
    # ended 09-01 08:50 + 24 h (hours are exact: no roll-over); lead 6 h
    DeadlineCase("LX-02", "recording", "RC-1", sh(2026, 9, 2, 8, 50), 6 * HOUR, _uploaded),
]


@pytest.mark.parametrize(("dc", "check"), boundary_params(DEADLINES))
def test_deadline_boundaries(patrol, clean_records, dc, check) -> None:
    check(patrol, clean_records, dc)


def test_lx_02_overdue_names_the_officer_his_unit_and_the_case(patrol, clean_records) -> None:
    # given a recording of the criminal case C-OK by P2 (城南), never uploaded
    add(arrivals(clean_records), recording(officer_id="P2", case_id="C-OK", uploaded_at=None))
    # when patrolled two days after it ended
    f = only(patrol(clean_records, sh(2026, 9, 3, 9)), "LX-02", "recording", "RC-1")
    # then overdue, answered for by the officer who wore the device, in his unit and case
    assert (f["status"], f["officer_id"], f["unit_id"], f["case_id"]) == (
        "overdue", "P2", "U1", "C-OK",
    )  # fmt: skip
    assert f["facts"]["recording.device_no"] == "DSJ-0001"


def test_lx_02_an_upload_before_the_recording_ended_does_not_count(patrol, clean_records) -> None:
    # given an upload time before the end (a clock error): it shows no upload of this recording
    add(arrivals(clean_records), recording(uploaded_at=iso(sh(2026, 9, 1, 8, 40))))
    # when patrolled after the due time / then overdue
    f = only(patrol(clean_records, sh(2026, 9, 2, 9)), "LX-02", "recording", "RC-1")
    assert f["status"] == "overdue"


def test_lx_02_nothing_without_recordings(patrol, clean_records) -> None:
    # given a bureau that imports no recordings at all / when patrolled / then no LX finding
    assert patrol(clean_records) == []


# ---------------------------------------------------------------------------------------------
# LX-03 执法音视频提前删除 (VR art. 13: kept at least 6 months; evidence for good; not while
# its case is open)


def _kept(ended: Any, deleted: Any, **fields: Any) -> dict[str, Any]:
    """A recording that ended at ``ended``, uploaded an hour later, deleted at ``deleted``."""
    return recording(
        started_at=iso(ended - HOUR / 2), ended_at=iso(ended), uploaded_at=iso(ended + HOUR),
        deleted_at=iso(deleted), **fields,
    )  # fmt: skip


def test_lx_03_hit_deleted_a_month_after(patrol, clean_records) -> None:
    # given a recording of 09-01 deleted on 10-01
    add(arrivals(clean_records), _kept(sh(2026, 9, 1, 8, 50), sh(2026, 10, 1, 9)))
    # when patrolled / then a violation, its reason said
    f = only(patrol(clean_records), "LX-03", "recording", "RC-1")
    assert f["status"] == "violation"
    assert f["facts"]["recording.breach"] == ["保存不足6个月（至2027-03-01期满）"]


@pytest.mark.parametrize(
    ("deleted", "breach"),
    [(sh(2026, 9, 30, 23, 59), True), (sh(2026, 10, 1), False)],
    ids=["last-minute-of-the-period", "the-day-after"],
)
def test_lx_03_six_months_from_a_month_end_end_with_the_target_months_last_day(
    patrol, clean_records, deleted, breach
) -> None:
    # given a recording that ended on 03-31: six months run to 09-30 (no 09-31), to its end
    add(arrivals(clean_records), _kept(sh(2026, 3, 31, 20), deleted))
    # when patrolled / then deleting on 09-30 is too early, on 10-01 it is not
    findings = patrol(clean_records)
    if breach:
        f = only(findings, "LX-03", "recording", "RC-1")
        assert f["facts"]["recording.breach"] == ["保存不足6个月（至2026-09-30期满）"]
    else:
        assert findings == []


def test_lx_03_hit_evidence_deleted_even_after_a_year(patrol, clean_records) -> None:
    # given a recording used as evidence, deleted more than a year after it ended
    add(arrivals(clean_records), _kept(sh(2025, 8, 1, 10), sh(2026, 9, 1, 10), evidence=True))
    # when patrolled / then a violation: evidence is kept for good
    f = only(patrol(clean_records), "LX-03", "recording", "RC-1")
    assert f["facts"]["recording.breach"] == ["作为证据使用的音视频应当永久保存"]


def test_lx_03_hit_deleted_while_its_case_was_open(patrol, clean_records) -> None:
    # given a recording of A-OK (closed 09-20) from February, deleted on 09-19: over 6 months,
    # but the case was still open
    add(arrivals(clean_records), _kept(sh(2026, 2, 1, 10), sh(2026, 9, 19, 10), case_id="A-OK"))
    # when patrolled / then a violation for that reason alone
    f = only(patrol(clean_records), "LX-03", "recording", "RC-1")
    assert (f["case_id"], f["facts"]["recording.breach"]) == ("A-OK", ["所涉案件尚未办结"])


def test_lx_03_miss_deleted_after_the_case_closed_and_six_months(patrol, clean_records) -> None:
    # given the same recording deleted on 09-25, after A-OK closed on 09-20
    add(arrivals(clean_records), _kept(sh(2026, 2, 1, 10), sh(2026, 9, 25, 10), case_id="A-OK"))
    # when patrolled / then nothing
    assert patrol(clean_records) == []


def test_lx_03_hit_case_never_closed_names_the_officer_and_unit(patrol, clean_records) -> None:
    # given a recording of C-OK (open) by P2, deleted seven months after it ended
    add(arrivals(clean_records),
        _kept(sh(2026, 2, 1, 10), sh(2026, 9, 5, 10), case_id="C-OK", officer_id="P2"))  # fmt: skip
    # when patrolled
    f = only(patrol(clean_records), "LX-03", "recording", "RC-1")
    # then the officer who wore the device and his unit answer for it
    assert (f["officer_id"], f["unit_id"], f["case_id"]) == ("P2", "U1", "C-OK")


def test_lx_03_miss_a_deletion_after_as_of_is_not_yet_known(patrol, clean_records) -> None:
    # given a recording deleted (too early) on 10-09, patrolled on 10-08
    add(arrivals(clean_records), _kept(sh(2026, 9, 1, 8, 50), sh(2026, 10, 9, 9)))
    # when patrolled / then nothing yet
    assert patrol(clean_records) == []


# ---------------------------------------------------------------------------------------------
# LX-01 现场执法未记录 (VR art. 4): I-OK (刑事) attended by P1 and P2, arrived 09-01 08:12;
# I-A-OK (治安) by P1 and P2, arrived 09-10 20:10


def test_lx_01_miss_botharrivals(patrol, clean_records) -> None:
    assert patrol(arrivals(clean_records)) == []


def test_lx_01_hit_arrival_not_recorded(patrol, clean_records) -> None:
    # given I-A-OK's recording gone, I-OK's kept
    records = [r for r in arrivals(clean_records) if r["id"] != "RC-9"]
    # when patrolled
    f = only(patrol(records), "LX-01", "incident", "I-A-OK")
    # then a violation of the incident's unit, its first officer answering for it
    assert (f["status"], f["unit_id"], f["officer_id"], f["case_id"]) == (
        "violation", "U1", "P1", None,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("start", "end", "found"),
    [
        (sh(2026, 9, 10, 20, 15), sh(2026, 9, 10, 20, 40), False),  # 5 min after: in time
        (sh(2026, 9, 10, 20, 16), sh(2026, 9, 10, 20, 40), True),  # 6 min after: too late
        (sh(2026, 9, 10, 19, 30), sh(2026, 9, 10, 20, 10), False),  # ends at the arrival
        (sh(2026, 9, 10, 19, 30), sh(2026, 9, 10, 20, 9), True),  # ends a minute before it
    ],
    ids=["starts-5-min-after", "starts-6-min-after", "ends-at-arrival", "ends-before"],
)
def test_lx_01_the_recording_must_cover_the_arrival(
    patrol, clean_records, start, end, found
) -> None:
    # given I-A-OK's recording (by P2, the second officer) moved around the arrival at 20:10
    records = arrivals(clean_records)
    for r in records:
        if r["id"] == "RC-9":
            r.update(officer_id="P2", started_at=iso(start), ended_at=iso(end))
    # when patrolled / then reported exactly when it does not cover the arrival
    findings = patrol(records)
    assert keys(findings) == ({("LX-01", "incident", "I-A-OK")} if found else set())


def test_lx_01_miss_another_officers_recording_does_not_count(patrol, clean_records) -> None:
    # given I-A-OK recorded only by P5, who did not attend it
    records = arrivals(clean_records)
    for r in records:
        if r["id"] == "RC-9":
            r["officer_id"] = "P5"
    # when patrolled / then I-A-OK is reported
    assert keys(patrol(records)) == {("LX-01", "incident", "I-A-OK")}


def test_lx_01_nothing_for_a_bureau_without_recordings(patrol, clean_records) -> None:
    # given no recording at all (a bureau that imports none) / then no LX finding
    assert patrol(clean_records) == []
