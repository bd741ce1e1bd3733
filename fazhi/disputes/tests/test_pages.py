"""Pages: each allows the users in scope and refuses the others."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from fazhi.accounts.services import system_user
from fazhi.core.scope import scope_of
from fazhi.disputes import services
from fazhi.disputes.models import Dispute, EscalationLetter
from fazhi.disputes.panels import workbench_panel
from fazhi.disputes.tests.builders import NOW, incident

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


def test_list_shows_disputes_in_scope_only(bureau: Any, dispute: Dispute) -> None:
    page = client_for(bureau, "zhang").get("/disputes/")
    assert page.status_code == 200
    assert "JQ-CN-1" in page.content.decode()
    assert "JQ-CN-1" not in client_for(bureau, "zhao").get("/disputes/").content.decode()
    assert "JQ-CN-1" not in client_for(bureau, "wang").get("/disputes/").content.decode()
    board = client_for(bureau, "wu").get("/disputes/?colour=红").content.decode()
    assert "城南派出所" in board
    assert "JQ-CN-1" in board


def test_anonymous_users_are_sent_to_sign_in(dispute: Dispute) -> None:
    for url in ("/disputes/", f"/disputes/{dispute.pk}/", "/disputes/visits/",
                "/disputes/analysis/"):  # fmt: skip
        assert Client().get(url).status_code == 302


def test_detail_page_allowed_and_refused(bureau: Any, dispute: Dispute) -> None:
    url = f"/disputes/{dispute.pk}/"
    page = client_for(bureau, "zhang").get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "持刀" in html
    assert "+30" in html
    assert "八必查" in html
    assert "八必判" in html
    assert "来源：警情描述" in html
    # the reporter's phone is masked for a user without the unmask permission
    assert "139****0001" in html
    assert "13900000001" not in html
    assert client_for(bureau, "li").get(url).status_code == 200
    assert client_for(bureau, "zhao").get(url).status_code == 404
    assert client_for(bureau, "wang").get(url).status_code == 404


def test_recording_a_visit_allowed_and_refused(bureau: Any, dispute: Dispute) -> None:
    url = f"/disputes/{dispute.pk}/followup/"
    data = {"at": "2026-10-08T10:00", "result": "未化解", "note": "仍有分歧"}
    assert client_for(bureau, "wang").post(url, data).status_code == 404
    assert client_for(bureau, "wu").post(url, data).status_code == 403
    assert client_for(bureau, "zhang").post(url, data).status_code == 302
    assert dispute.incident.followups.get().note == "仍有分歧"


def test_checklist_answer_allowed_and_refused(bureau: Any, dispute: Dispute) -> None:
    url = f"/disputes/{dispute.pk}/checklist/"
    data = {"item": "family", "answer": "夫妻分居"}
    assert client_for(bureau, "zhao").post(url, data).status_code == 404
    assert client_for(bureau, "zhang").post(url, data).status_code == 302
    assert dispute.checklist.get(item="family").answered_by == "zhang"


def test_escalation_and_letter_download(bureau: Any, dispute: Dispute) -> None:
    url = f"/disputes/{dispute.pk}/escalate/"
    assert client_for(bureau, "zhang").post(url, {"reason": "x"}).status_code == 403
    assert client_for(bureau, "li").post(url, {"reason": "扬言杀人"}).status_code == 302
    letter = EscalationLetter.objects.get()
    assert letter.created_by == "li"
    assert letter.reason == "扬言杀人"
    download = f"/disputes/letters/{letter.pk}.docx"
    response = client_for(bureau, "li").get(download)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content: bytes = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert content[:2] == b"PK"
    assert "no-store" in response["Cache-Control"]  # a download, like every page
    assert client_for(bureau, "zhang").get(download).status_code == 200  # his own dispute
    assert client_for(bureau, "wang").get(download).status_code == 404
    assert client_for(bureau, "zhao").get(download).status_code == 404


def test_visit_list(bureau: Any, dispute: Dispute) -> None:
    mine = client_for(bureau, "zhang").get("/disputes/visits/").content.decode()
    assert "JQ-CN-1" in mine
    assert "已逾期" in mine
    assert "JQ-CN-1" not in client_for(bureau, "zhao").get("/disputes/visits/").content.decode()
    assert "JQ-CN-1" in client_for(bureau, "li").get("/disputes/visits/").content.decode()


def test_monthly_analysis(bureau: Any, dispute: Dispute) -> None:
    incident(bureau, "JQ-CN-2", at=NOW, address="示范县城南街道幸福路十二号3栋2单元301室")
    services.tick_disputes(NOW, system_user())
    page = client_for(bureau, "li").get("/disputes/analysis/?month=2026-10")
    html = page.content.decode()
    assert page.status_code == 200
    assert "本月纠纷警情 <strong>2</strong> 起" in html
    assert "JQ-CN-1、JQ-CN-2" in html  # one place reported twice
    assert 'id="dispute-chart"' in html
    other = client_for(bureau, "wang").get("/disputes/analysis/?month=2026-10").content.decode()
    assert "本月纠纷警情 <strong>0</strong> 起" in other
    assert "JQ-CN-1" not in other


def test_workbench_panels(bureau: Any, dispute: Dispute) -> None:
    request = RequestFactory().get("/")
    mine = workbench_panel(request, scope_of(bureau.users["zhang"]))
    assert mine is not None
    assert mine["title"] == "我的回访"
    assert [p.dispute_id for p in mine["plans"]] == [dispute.pk]
    assert workbench_panel(request, scope_of(bureau.users["zhao"]))["plans"] == []  # type: ignore[index]
    chief = workbench_panel(request, scope_of(bureau.users["sun"]))
    assert chief is not None
    assert chief["red"] == 1
    north_leader = workbench_panel(request, scope_of(bureau.users["wu"]))
    assert north_leader is not None
    assert north_leader["red"] == 1
    assert workbench_panel(request, scope_of(bureau.users["li"])) is None
    # the panels render
    html = render_to_string(mine["template"], {"panel": mine})
    assert "JQ-CN-1" in html
    assert "逾期" in html
    assert "<strong>1</strong>" in render_to_string(chief["template"], {"panel": chief})


def test_dispute_page_has_print_and_help(bureau: Any, dispute: Dispute) -> None:
    html = client_for(bureau, "zhang").get(f"/disputes/{dispute.pk}/").content.decode()
    assert "data-print>打印</button>" in html
    assert 'href="/disputes/help/"' in html


@pytest.mark.parametrize(
    ("at_offset", "result"), [(timedelta(days=1), "未化解"), (timedelta(0), "说不清")]
)
def test_a_refused_visit_names_the_field_in_chinese_not_its_code(
    bureau: Any, dispute: Dispute, at_offset: timedelta, result: str
) -> None:
    # given a visit in the future, or with a result not on the list
    with pytest.raises(services.DisputeError) as refused:
        services.record_followup(
            dispute, actor=bureau.users["zhang"], at=NOW + at_offset, result=result, now=NOW
        )
    # then the message says 回访时间 / 回访结果, never the form's field name
    message = refused.value.message
    assert "回访时间" in message or "回访结果" in message
    assert "字段" not in message
    assert refused.value.field in ("at", "result")  # the code keeps it for the API
