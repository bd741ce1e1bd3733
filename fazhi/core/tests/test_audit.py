from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from fazhi.accounts.services import system_user
from fazhi.core.audit_actions import AuditAction
from fazhi.core.models import AuditEvent
from fazhi.core.services import SYSTEM_ACTOR, record_audit


@pytest.mark.django_db
def test_audit_row_records_who_what_and_details() -> None:
    event = record_audit(
        User(username="chenjing"),
        AuditAction.RULE_CHANGE,
        target_type="rule",
        target_id="JQ-01",
        remote_addr="127.0.0.1",
        details={"reason": "本地标准调整"},
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor, stored.action, stored.target_id) == ("chenjing", "rule.change", "JQ-01")
    assert stored.details == {"reason": "本地标准调整"}
    assert stored.at.tzinfo is not None


@pytest.mark.django_db
def test_audit_without_actor_is_attributed_to_the_system() -> None:
    assert record_audit(system_user(), AuditAction.PATROL_RUN).actor == SYSTEM_ACTOR
