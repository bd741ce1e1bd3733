"""The dispute actions' one gate (``disputes.permissions``): a service refuses a user whose role
or data scope does not allow the act, even called from a shell; the page shows exactly the forms
the gate allows; the tick still escalates under the system account."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from fazhi.accounts.services import system_user
from fazhi.core.models import AuditEvent
from fazhi.disputes import permissions, services
from fazhi.disputes.models import Dispute, DisputeStatus, EscalationLetter
from fazhi.disputes.tests.builders import NOW, incident
from fazhi.records import models as m

pytestmark = pytest.mark.django_db

RED_TEXT = "报警人称丈夫持刀扬言要杀了她。"


@pytest.fixture
def dispute(bureau: Any) -> Dispute:
    """A dispute of 城南派出所 (zhang's unit), graded by the tick."""
    incident(bureau, "RED", RED_TEXT, dispute_type="婚恋家庭")
    services.tick_disputes(NOW, system_user())
    return Dispute.objects.get(incident_id="RED")


def test_a_user_of_another_unit_is_refused_every_action_from_a_shell(bureau, dispute) -> None:
    # given zhao (民警) and wang (法制员) of 城北, who cannot see a 城南 dispute
    for name in ("zhao", "wang"):
        user = bureau.users[name]
        # when they call the services directly, then each act is refused and nothing is written
        with pytest.raises(PermissionDenied, match="无权"):
            services.record_followup(dispute, actor=user, at=NOW, result="未化解", now=NOW)
        with pytest.raises(PermissionDenied, match="无权"):
            services.answer_checklist(dispute, actor=user, item="weapons", answer="无")
        with pytest.raises(PermissionDenied, match="无权"):
            services.resolve_dispute(dispute, actor=user, now=NOW)
        assert permissions.allowed_actions(dispute, user) == set()
    with pytest.raises(PermissionDenied, match="无权"):
        services.escalate(dispute, actor=bureau.users["wang"], now=NOW)
    assert not m.Followup.objects.filter(incident_id="RED").exists()
    assert Dispute.objects.get(pk=dispute.pk).status != DisputeStatus.RESOLVED
    assert not EscalationLetter.objects.exists()


def test_roles_without_field_work_are_refused_visits_and_an_officer_may_not_escalate(
    bureau, dispute
) -> None:
    # given the 法制大队 and the 局领导 (they see the dispute but do no field work)
    for name in ("zhou", "wu"):
        with pytest.raises(PermissionDenied, match="记录回访"):
            services.record_followup(
                dispute, actor=bureau.users[name], at=NOW, result="未化解", now=NOW
            )
    # and the 民警 of the unit, who may visit but not write a 抄告函
    with pytest.raises(PermissionDenied, match="抄告"):
        services.escalate(dispute, actor=bureau.users["zhang"], now=NOW)
    assert permissions.allowed_actions(dispute, bureau.users["zhang"]) == {
        permissions.FOLLOWUP,
        permissions.CHECKLIST,
        permissions.RESOLVE,
    }
    assert permissions.allowed_actions(dispute, bureau.users["zhou"]) == {permissions.ESCALATE}
    assert not AuditEvent.objects.filter(action__startswith="disputes.record").exists()


def test_an_inactive_user_is_refused(bureau, dispute) -> None:
    zhang = bureau.users["zhang"]
    zhang.is_active = False
    zhang.save()
    with pytest.raises(PermissionDenied, match="已停用"):
        services.record_followup(dispute, actor=zhang, at=NOW, result="未化解", now=NOW)


def test_the_system_account_may_not_act_as_a_user_but_the_tick_still_escalates(
    bureau, dispute
) -> None:
    # given the system account (inactive, no scope)
    with pytest.raises(PermissionDenied):
        services.escalate(dispute, actor=system_user(), now=NOW)
    # when the dispute stays red past the policy's days, the tick writes the letter itself
    services.tick_disputes(NOW + timedelta(days=8), system_user())
    assert EscalationLetter.objects.filter(dispute=dispute).count() == 1


def test_after_a_letter_and_after_resolution_the_gate_drops_those_actions(bureau, dispute) -> None:
    li = bureau.users["li"]
    assert permissions.ESCALATE in permissions.allowed_actions(dispute, li)
    services.escalate(dispute, actor=li, now=NOW)
    assert permissions.ESCALATE not in permissions.allowed_actions(dispute, li)
    services.resolve_dispute(dispute, actor=li, now=NOW)
    dispute.refresh_from_db()
    after = permissions.allowed_actions(dispute, li)
    # a resolved dispute still takes a visit (a 回访 confirms the 化解 holds), not a second 化解
    assert permissions.RESOLVE not in after
    assert permissions.FOLLOWUP in after


def test_the_page_shows_only_the_allowed_forms(bureau, dispute, client) -> None:
    client.force_login(bureau.users["zhang"])
    page = client.get(f"/disputes/{dispute.pk}/").content.decode()
    assert "记录回访" in page
    assert "抄告县委政法委</button>" not in page
    client.force_login(bureau.users["zhou"])
    page = client.get(f"/disputes/{dispute.pk}/").content.decode()
    assert 'id="followup-form"' not in page
    assert "抄告县委政法委</button>" in page
    # and a refused POST is a 403, not a write
    response = client.post(f"/disputes/{dispute.pk}/followup/", {"result": "未化解"})
    assert response.status_code == 403
    assert not m.Followup.objects.filter(incident_id="RED").exists()


def test_only_the_legal_brigade_and_administrators_change_the_risk_policy(bureau) -> None:
    for name in ("wu", "li", "zhang"):
        with pytest.raises(PermissionDenied, match="风险评定设置"):
            services.change_risk_policy(actor=bureau.users[name], reason="试行", red_at=60)
    row = services.change_risk_policy(actor=bureau.users["zhou"], reason="试行", red_at=60)
    assert row.red_at == 60
