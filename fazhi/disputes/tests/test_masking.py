"""The dispute page masks 身份证号 and phones as every other page does (``core.masking``), and
the clear value of a party's number is revealed one at a time, through the audited unmask.

城南派出所: 张伟 (民警, the dispute's officer), 李娜 (法制员); 城北派出所: 王芳 (法制员); 周敏
(法制大队) holds ``accounts.unmask_pii``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from fazhi.accounts.services import system_user
from fazhi.core.models import AuditEvent
from fazhi.disputes import services
from fazhi.disputes.models import Dispute, Party
from fazhi.disputes.tests.builders import NOW, case_with_person, incident

pytestmark = pytest.mark.django_db

LOCAL_PHONE = "62345678"  # a landline written without its area code
ID = "110101199001011237"
PARTY_PHONE = "13612345678"
TEXT_PHONE = "13812345678"


@pytest.fixture
def dispute(bureau: Any) -> Dispute:
    """A dispute whose reporter gave a landline, whose text holds a mobile number, and whose case
    person (a party) has a 身份证号."""
    incident(bureau, "JQ-M1", f"报警人称邻居持刀扬言报复，对方电话{TEXT_PHONE}。",
             phone=LOCAL_PHONE, name="王某")  # fmt: skip
    case_with_person(bureau, "C-M1", accepted_at=NOW - timedelta(hours=2), name="李某",
                     phone=PARTY_PHONE, id_number=ID, incident_id="JQ-M1")  # fmt: skip
    services.tick_disputes(NOW, system_user())
    return Dispute.objects.get(incident_id="JQ-M1")


def client_for(bureau: Any, name: str) -> Client:
    client = Client()
    client.force_login(bureau.users[name])
    return client


def unmask(client: Client, party: Party, field: str) -> Any:
    return client.get("/accounts/unmask/", {"type": "party", "id": str(party.pk), "field": field})


def test_dispute_page_masks_numbers_like_every_page(bureau: Any, dispute: Dispute) -> None:
    # when 张伟 (民警, no unmask permission) opens his dispute
    html = client_for(bureau, "zhang").get(f"/disputes/{dispute.pk}/").content.decode()
    # then the parties' numbers and the numbers in the incident text are masked, the short
    # landline too (its last 4 digits only)
    assert "110101********1237" in html
    assert "136****5678" in html
    assert "****5678" in html.replace("136****5678", "").replace("138****5678", "")
    assert "138****5678" in html
    for clear in (ID, PARTY_PHONE, TEXT_PHONE, LOCAL_PHONE):
        assert clear not in html, clear
    assert "显示</button>" not in html  # no reveal without the permission


def test_dispute_page_offers_the_audited_reveal_with_the_permission(
    bureau: Any, dispute: Dispute
) -> None:
    # when 周敏 (法制大队, holds the permission) opens the dispute
    html = client_for(bureau, "zhou").get(f"/disputes/{dispute.pk}/").content.decode()
    party = dispute.parties.get(name="李某")
    # then the numbers are masked all the same, each with a reveal button to accounts:unmask
    for clear in (ID, PARTY_PHONE, TEXT_PHONE, LOCAL_PHONE):
        assert clear not in html, clear
    assert f'hx-get="/accounts/unmask/?type=party&amp;id={party.pk}&amp;field=id_number"' in html
    assert f'hx-get="/accounts/unmask/?type=party&amp;id={party.pk}&amp;field=phone"' in html
    assert not AuditEvent.objects.filter(action="pii.unmask").exists()


def test_revealing_a_party_number_is_audited(bureau: Any, dispute: Dispute) -> None:
    party = dispute.parties.get(name="李某")
    # when 周敏 reveals the party's 身份证号
    response = unmask(client_for(bureau, "zhou"), party, "id_number")
    # then she gets the clear value, and the audit log says who revealed what
    assert response.status_code == 200
    assert ID in response.content.decode()
    event = AuditEvent.objects.get(action="pii.unmask")
    assert (event.actor, event.target_type, event.target_id) == ("zhou", "party", str(party.pk))
    assert event.details == {"field": "id_number"}


def test_revealing_a_party_number_is_refused_without_permission_or_scope(
    bureau: Any, dispute: Dispute
) -> None:
    party = dispute.parties.get(name="李某")
    # 李娜 (法制员 城南) sees the dispute but may not reveal numbers
    refused = unmask(client_for(bureau, "li"), party, "phone")
    assert refused.status_code == 403
    assert PARTY_PHONE not in refused.content.decode()
    # 王芳 (法制员 城北), granted the permission, may not reach 城南's party at all
    bureau.users["wang"].user_permissions.add(
        Permission.objects.get(content_type__app_label="accounts", codename="unmask_pii")
    )
    outside = unmask(client_for(bureau, "wang"), party, "phone")
    assert outside.status_code == 404
    assert PARTY_PHONE not in outside.content.decode()
    assert not AuditEvent.objects.filter(action="pii.unmask").exists()
