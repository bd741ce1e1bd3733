"""The dispute page's forms prevent mistakes: the visit form has no default result and refuses
an empty submission, and a double click (the same one-time token sent twice) records one act."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from fazhi.accounts.services import system_user
from fazhi.core.audit_actions import AuditAction
from fazhi.core.models import AuditEvent
from fazhi.disputes import services
from fazhi.disputes.models import Dispute, DisputeStatus, EscalationLetter
from fazhi.disputes.tests.builders import NOW, incident
from fazhi.records import models as m

pytestmark = pytest.mark.django_db

RED_TEXT = "报警人称丈夫持刀扬言要杀了她。"


@pytest.fixture
def dispute(bureau: Any) -> Dispute:
    incident(bureau, "JQ-CN-1", RED_TEXT, dispute_type="婚恋家庭")
    services.tick_disputes(NOW, system_user())
    return Dispute.objects.get(incident_id="JQ-CN-1")


def client_for(bureau: Any, name: str) -> Client:
    client = Client()
    client.force_login(bureau.users[name])
    return client


def audited(action: AuditAction) -> int:
    return AuditEvent.objects.filter(action=action.value).count()


def said(response: Any) -> list[str]:
    """The messages waiting for the next page (they pile up: no test follows the redirects)."""
    return [str(msg) for msg in get_messages(response.wsgi_request)]


def test_visit_form_offers_no_default_result(bureau: Any, dispute: Dispute) -> None:
    # given the community officer on his dispute's page
    html = client_for(bureau, "zhang").get(f"/disputes/{dispute.pk}/").content.decode()
    # then the result list is required and starts on an empty choice: nothing is preselected
    form = html[html.index('id="followup-form"') :]
    select = form[form.index('<select name="result"') : form.index("</select>")]
    assert "required" in select
    assert re.search(r'<option value="" selected>请选择</option>', select)
    assert select.count("selected") == 1
    # and the form carries a one-time token
    assert re.search(r'name="once" value="[0-9a-f-]{36}"', form)


def test_empty_visit_submission_is_refused(bureau: Any, dispute: Dispute) -> None:
    # given an open dispute without visits
    before = audited(AuditAction.DISPUTES_RECORD_FOLLOWUP)
    # when the visit form is sent empty (a token only)
    response = client_for(bureau, "zhang").post(
        f"/disputes/{dispute.pk}/followup/", {"once": str(uuid.uuid4())}
    )
    # then it is refused with the reason, no visit is recorded and the dispute stays open
    assert response.status_code == 302
    assert said(response) == ["请选择回访结果"]
    assert not m.Followup.objects.filter(incident_id=dispute.incident_id).exists()
    assert audited(AuditAction.DISPUTES_RECORD_FOLLOWUP) == before
    dispute.refresh_from_db()
    assert dispute.status != DisputeStatus.RESOLVED


def test_unknown_visit_result_is_refused(bureau: Any, dispute: Dispute) -> None:
    # when a result outside the list is sent / then refused, nothing recorded
    response = client_for(bureau, "zhang").post(
        f"/disputes/{dispute.pk}/followup/", {"result": "差不多了", "note": "x"}
    )
    assert said(response) == ["回访结果须为已化解、未化解、有激化风险、无法联系之一"]
    assert not m.Followup.objects.filter(incident_id=dispute.incident_id).exists()


def test_double_submitted_visit_records_one_visit(bureau: Any, dispute: Dispute) -> None:
    # given the visit form filled once, with its page's one-time token
    data = {"result": "未化解", "note": "仍有分歧", "once": str(uuid.uuid4())}
    client = client_for(bureau, "zhang")
    url = f"/disputes/{dispute.pk}/followup/"
    # when it is sent twice (a double click)
    first = client.post(url, data)
    second = client.post(url, data)
    # then one visit and one audit row are recorded, and the second answer is no error
    assert m.Followup.objects.filter(incident_id=dispute.incident_id).count() == 1
    assert audited(AuditAction.DISPUTES_RECORD_FOLLOWUP) == 1
    assert (first.status_code, second.status_code) == (302, 302)
    assert said(second) == ["回访已记录，风险等级已重新评定"] * 2


def test_two_forms_record_two_visits(bureau: Any, dispute: Dispute) -> None:
    # given two visits, each sent from its own page (two tokens)
    client = client_for(bureau, "zhang")
    url = f"/disputes/{dispute.pk}/followup/"
    for note in ("第一次", "第二次"):
        client.post(url, {"result": "未化解", "note": note, "once": str(uuid.uuid4())})
    # then both are recorded
    notes = m.Followup.objects.filter(incident_id=dispute.incident_id).values_list("note")
    assert sorted(str(n) for (n,) in notes) == ["第一次", "第二次"]


def test_token_claimed_by_another_user_is_refused(bureau: Any, dispute: Dispute) -> None:
    # given a visit recorded by zhang with a token
    token = str(uuid.uuid4())
    url = f"/disputes/{dispute.pk}/followup/"
    client_for(bureau, "zhang").post(url, {"result": "未化解", "note": "a", "once": token})
    # when the 法制员 li sends a form carrying the same token
    response = client_for(bureau, "li").post(url, {"result": "未化解", "note": "b", "once": token})
    # then he is refused, and nothing more is recorded
    assert response.status_code == 403
    assert m.Followup.objects.filter(incident_id=dispute.incident_id).count() == 1


def test_double_submitted_resolve_and_escalation_act_once(bureau: Any, dispute: Dispute) -> None:
    # given the 法制员's escalation and the officer's resolution, each sent twice
    escalation = {"reason": "扬言杀人", "once": str(uuid.uuid4())}
    li = client_for(bureau, "li")
    li.post(f"/disputes/{dispute.pk}/escalate/", escalation)
    again = li.post(f"/disputes/{dispute.pk}/escalate/", escalation)
    resolution = {"note": "双方达成和解", "once": str(uuid.uuid4())}
    zhang = client_for(bureau, "zhang")
    zhang.post(f"/disputes/{dispute.pk}/resolve/", resolution)
    resolved_again = zhang.post(f"/disputes/{dispute.pk}/resolve/", resolution)
    # then one letter, one resolution, and the repeats report the same success, not an error
    assert EscalationLetter.objects.count() == 1
    assert audited(AuditAction.DISPUTES_ESCALATE) == 1
    assert audited(AuditAction.DISPUTES_RESOLVE) == 1
    assert said(again) == [f"已制发抄告函 {EscalationLetter.objects.get().number}"] * 2
    assert said(resolved_again) == ["已标记为已化解"] * 2


def test_double_submitted_checklist_answer_is_saved_once(bureau: Any, dispute: Dispute) -> None:
    data = {"item": "family", "answer": "夫妻分居", "once": str(uuid.uuid4())}
    client = client_for(bureau, "zhang")
    client.post(f"/disputes/{dispute.pk}/checklist/", data)
    client.post(f"/disputes/{dispute.pk}/checklist/", data)
    assert audited(AuditAction.DISPUTES_ANSWER_CHECKLIST) == 1
