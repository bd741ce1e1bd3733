"""A finding struck off (销号) is closed at once and stays closed while the patrol finds the
same thing again; only a warning that has since become a breach opens it again."""

from __future__ import annotations

from fazhi.patrol.models import Finding
from fazhi.patrol.services import SETTLED, settle_finding
from fazhi.patrol.tests.conftest import drop, set_field, sh


def test_settled_late_finding_stays_closed_on_the_next_patrol(patrol, rerun, clean_records) -> None:
    # given the detention never sent to the 看守所 and released on 09-09: a late finding
    drop(clean_records, "M-OK-JL-JAIL")
    assert [f["status"] for f in patrol(clean_records)] == ["late"]
    finding = Finding.objects.get(rule_id="XS-JL-01")
    # when its problem is struck off, and the patrol runs again
    settle_finding(finding.pk, now=sh(2026, 10, 8, 11))
    assert rerun(sh(2026, 10, 9, 10)) == []
    # then it stays closed by the 销号 (the act stays late for ever)
    finding.refresh_from_db()
    assert (finding.is_open, finding.close_reason) == (False, SETTLED)


def test_settled_warning_that_becomes_overdue_opens_again(patrol, rerun, clean_records) -> None:
    # given a detention still held and never sent: a warning on 09-04 04:00
    drop(clean_records, "M-OK-JL-JAIL")
    set_field(clean_records, "M-OK-JL", ended_at=None)
    assert [f["status"] for f in patrol(clean_records, sh(2026, 9, 4, 4))] == ["warning"]
    finding = Finding.objects.get(rule_id="XS-JL-01")
    settle_finding(finding.pk, now=sh(2026, 9, 4, 5))
    # when the due time passes without the act
    found = rerun(sh(2026, 9, 4, 10))
    # then the breach is news: the same finding opens again, overdue
    assert [f["status"] for f in found] == ["overdue"]
    finding.refresh_from_db()
    assert finding.is_open
