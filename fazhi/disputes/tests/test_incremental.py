"""A tick regrades only the disputes whose inputs changed since they were last graded, and every
open dispute on the first tick of a day."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from fazhi.accounts.services import system_user
from fazhi.core.models import AuditEvent
from fazhi.disputes import services
from fazhi.disputes.models import Dispute, RiskColour
from fazhi.disputes.tests.builders import NOW, case_with_person, followup, incident
from fazhi.records import models as m

pytestmark = pytest.mark.django_db

RED_TEXT = "报警人称丈夫持刀扬言要杀了她。"
IMPORTED = NOW - timedelta(days=1)  # when the records came in, before the first tick


def person(username: str) -> Any:
    """A named user of the bureau fixture (actors are users, not names)."""
    return get_user_model().objects.get(username=username)


def imported_yesterday() -> None:
    for model in (m.Incident, m.Case, m.Person, m.Followup):
        model.objects.update(changed_at=IMPORTED)


@pytest.fixture
def three(bureau: Any) -> Any:
    # given three disputes imported yesterday and graded by a tick at NOW
    incident(bureau, "A", dispute_type="其他", phone="1", address="a路1号")
    incident(bureau, "B", dispute_type="其他", phone="2", address="b路2号")
    incident(bureau, "C", dispute_type="其他", phone="3", address="c路3号")
    imported_yesterday()
    first = services.tick_disputes(NOW, system_user())
    assert first["created"] == first["graded"] == 3
    return bureau


def test_a_tick_with_nothing_new_grades_nothing(three: Any) -> None:
    # when the tick runs again ten minutes later the same day
    again = services.tick_disputes(NOW + timedelta(minutes=10), system_user())
    # then no dispute was graded, and none was written
    assert again["graded"] == again["regraded"] == 0
    assert set(Dispute.objects.values_list("graded_at", flat=True)) == {NOW}


def test_a_changed_incident_is_graded_again_and_only_it(three: Any) -> None:
    # when dispute B's incident is updated by an import with a knife and a threat
    later = NOW + timedelta(minutes=10)
    m.Incident.objects.filter(pk="B").update(description=RED_TEXT, changed_at=later)
    result = services.tick_disputes(later + timedelta(minutes=5), system_user())
    # then only B is graded, and it turns red
    assert result["graded"] == result["regraded"] == 1
    assert Dispute.objects.get(incident_id="B").colour == RiskColour.RED
    assert Dispute.objects.get(incident_id="A").graded_at == NOW


def test_a_new_case_on_the_incident_regrades_its_dispute(three: Any) -> None:
    # when a case for a beating is opened on incident C
    case_with_person(three, "CASE-C", accepted_at=NOW + timedelta(minutes=5), incident_id="C")
    result = services.tick_disputes(NOW + timedelta(minutes=10), system_user())
    # then C is graded again (the violent case scores) and A, B are not
    assert result["graded"] == 1
    reasons = Dispute.objects.get(incident_id="C").reasons
    assert any("CASE-C" in r["reason"] for r in reasons), reasons


def test_a_new_followup_regrades_its_dispute(three: Any) -> None:
    followup(three, "F-A", "A", NOW + timedelta(minutes=5), "未化解")
    result = services.tick_disputes(NOW + timedelta(minutes=10), system_user())
    assert result["linked"] == 1
    assert result["graded"] == 1


def test_the_first_tick_of_a_day_grades_every_open_dispute(three: Any) -> None:
    tomorrow = (NOW + timedelta(days=1)).replace(hour=0, minute=5)
    result = services.tick_disputes(tomorrow, system_user())
    assert result["graded"] == 3
    assert result["regraded"] == 0  # graded again and found the same
    assert set(Dispute.objects.values_list("graded_at", flat=True)) == {tomorrow}
    # and later that day nothing again
    assert services.tick_disputes(tomorrow + timedelta(hours=1), system_user())["graded"] == 0


def test_a_changed_risk_policy_regrades_every_open_dispute(three: Any) -> None:
    # when the 法制大队 changes a threshold (the change is stamped with the real clock, later
    # than NOW), every open dispute is graded against the new policy
    services.change_risk_policy(actor=person("zhou"), reason="调整黄色阈值", yellow_at=20)
    result = services.tick_disputes(NOW + timedelta(minutes=10), system_user())
    assert result["graded"] == 3


def test_a_grading_that_finds_the_same_is_audited(three: Any) -> None:
    # when the first tick of the next day grades every open dispute again and finds the same
    tomorrow = (NOW + timedelta(days=1)).replace(hour=0, minute=5)
    result = services.tick_disputes(tomorrow, system_user())
    assert (result["graded"], result["regraded"]) == (3, 0)
    # then the time of grading each page shows (评定于) moved, and the audit log says by whom
    assert set(Dispute.objects.values_list("graded_at", flat=True)) == {tomorrow}
    event = AuditEvent.objects.filter(action="disputes.tick").latest("seq")
    assert (event.actor, event.details["now"]) == ("system", tomorrow.isoformat())
    assert (event.details["graded"], event.details["regraded"]) == (3, 0)


def test_a_tick_with_nothing_to_grade_writes_no_audit_row(three: Any) -> None:
    audited = AuditEvent.objects.count()
    services.tick_disputes(NOW + timedelta(minutes=10), system_user())
    assert AuditEvent.objects.count() == audited
