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


def _uploaded(records: Records, done: Any) -> Records:
    return add(records, recording(uploaded_at=iso(done) if done else None))


DEADLINES = [
    # ended 09-01 08:50 + 24 h (hours are exact: no roll-over); lead 6 h
    DeadlineCase("LX-02", "recording", "RC-1", sh(2026, 9, 2, 8, 50), 6 * HOUR, _uploaded),
]


@pytest.mark.parametrize(("dc", "check"), boundary_params(DEADLINES))
def test_deadline_boundaries(patrol, clean_records, dc, check) -> None:
    check(patrol, clean_records, dc)


def test_lx_02_overdue_names_the_officer_his_unit_and_the_case(patrol, clean_records) -> None:
    # given a recording of the criminal case C-OK by P2 (城南), never uploaded
    add(clean_records, recording(officer_id="P2", case_id="C-OK", uploaded_at=None))
    # when patrolled two days after it ended
    f = only(patrol(clean_records, sh(2026, 9, 3, 9)), "LX-02", "recording", "RC-1")
    # then overdue, answered for by the officer who wore the device, in his unit and case
    assert (f["status"], f["officer_id"], f["unit_id"], f["case_id"]) == (
        "overdue", "P2", "U1", "C-OK",
    )  # fmt: skip
    assert f["facts"]["recording.device_no"] == "DSJ-0001"


def test_lx_02_an_upload_before_the_recording_ended_does_not_count(patrol, clean_records) -> None:
    # given an upload time before the end (a clock error): it shows no upload of this recording
    add(clean_records, recording(uploaded_at=iso(sh(2026, 9, 1, 8, 40))))
    # when patrolled after the due time / then overdue
    f = only(patrol(clean_records, sh(2026, 9, 2, 9)), "LX-02", "recording", "RC-1")
    assert f["status"] == "overdue"


def test_lx_02_nothing_without_recordings(patrol, clean_records) -> None:
    # given a bureau that imports no recordings at all / when patrolled / then no LX finding
    assert patrol(clean_records) == []
