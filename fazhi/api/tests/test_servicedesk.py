"""执法服务专岗 through the API: the centre's queue and a request read as on the pages (the
centre's staff by the centre, the others by their data scope), the steps through the same
services and gate (refused users get 403, a wrong state 409, a missing text 400), the audit rows,
and a number of queries that does not grow with the requests."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fazhi.core.models import AuditEvent
from fazhi.servicedesk import services
from fazhi.servicedesk.models import RequestStatus, ServiceRequest
from fazhi.servicedesk.tests.conftest import Desk, sh

pytestmark = pytest.mark.django_db

V1 = "/api/v1"
FRIDAY = sh(2026, 9, 4, 16)


@pytest.fixture
def desk(bureau: Any) -> Desk:
    """The bureau with its 执法办案管理中心 U-ZX and case C-1 (servicedesk's fixtures)."""
    return Desk(bureau)


def file(desk: Desk, who: str = "zhang", detail: str = "被害人伤情待鉴定") -> ServiceRequest:
    return services.file_request(
        actor=desk.users[who], case=desk.case, kind="injury", detail=detail, now=FRIDAY
    )


def client_of(desk: Desk, who: str) -> Client:
    client = Client()
    client.force_login(desk.users[who])
    return client


def act(desk: Desk, who: str, req: ServiceRequest, action: str, comment: str = "") -> Any:
    return client_of(desk, who).post(
        f"{V1}/servicedesk/requests/{req.pk}/actions/{action}",
        {"comment": comment},
        content_type="application/json",
    )


def test_the_centre_reads_its_queue_and_the_officer_his_own(desk: Desk) -> None:
    # given two requests of 张伟's case C-1 to the centre U-ZX
    first = file(desk)
    file(desk, "chen", detail="调取监控录像")
    # when the centre's 执法服务专岗 reads the queue / then both, with their limits
    body = client_of(desk, "desk").get(f"{V1}/servicedesk/requests").json()
    assert body["count"] == 2
    row = next(r for r in body["items"] if r["id"] == first.pk)
    assert (row["kind"], row["kind_label"], row["status"], row["status_label"]) == (
        "injury", "伤势鉴定", "pending", "待受理",
    )  # fmt: skip
    assert (row["centre"]["id"], row["unit"]["id"], row["officer"]["name"]) == (
        "U-ZX", "U-CN", "张伟",
    )  # fmt: skip
    assert (row["limit"], row["due_at"], row["handler"]) == (
        "3工作日", "2026-09-10T00:00:00+08:00", None,
    )  # fmt: skip
    # and the filters are the page's
    queue = client_of(desk, "desk")
    assert queue.get(f"{V1}/servicedesk/requests?status=done").json()["count"] == 0
    # unit: the requesting unit and those below it; an unknown one selects nothing
    assert queue.get(f"{V1}/servicedesk/requests?unit=U-CN").json()["count"] == 2
    assert queue.get(f"{V1}/servicedesk/requests?unit=U-CB").json()["count"] == 0
    assert queue.get(f"{V1}/servicedesk/requests?unit=U-XJ").json()["count"] == 2
    assert queue.get(f"{V1}/servicedesk/requests?unit=U-XX").json()["count"] == 0
    # 张伟 sees his own request only, 城北's 法制员 none, 城南's 法制员 both
    assert [r["id"] for r in client_of(desk, "zhang").get(f"{V1}/servicedesk/requests").json()[
        "items"
    ]] == [first.pk]  # fmt: skip
    assert client_of(desk, "wang").get(f"{V1}/servicedesk/requests").json()["count"] == 0
    assert client_of(desk, "li").get(f"{V1}/servicedesk/requests").json()["count"] == 2
    audit = AuditEvent.objects.filter(action="view.api.service_requests").latest("seq")
    assert (audit.actor, audit.details["count"]) == ("li", 2)


def test_a_request_out_of_reach_is_404(desk: Desk) -> None:
    # given 张伟's request
    req = file(desk)
    # when 城北's 民警 and 法制员 ask for it / then 404, as for one that does not exist
    for who in ("zhao", "wang"):
        refused = client_of(desk, who).get(f"{V1}/servicedesk/requests/{req.pk}")
        assert refused.status_code == 404
        assert refused.json()["code"] == "not_found"
    assert client_of(desk, "desk").get(f"{V1}/servicedesk/requests/99999").status_code == 404


def test_the_desk_accepts_and_completes_through_the_api(desk: Desk) -> None:
    # given a pending request, which the desk may accept or return (and not complete yet)
    req = file(desk)
    detail = client_of(desk, "desk").get(f"{V1}/servicedesk/requests/{req.pk}").json()
    assert detail["allowed_actions"] == ["accept", "return"]
    assert detail["detail"] == "被害人伤情待鉴定"
    # when the centre's staff accepts it
    accepted = act(desk, "desk", req, "accept")
    # then it is in progress, handled by her, audited by the service and by the API
    assert accepted.status_code == 200, accepted.content
    assert (accepted.json()["status"], accepted.json()["handler"]) == ("in_progress", "desk")
    assert accepted.json()["allowed_actions"] == ["complete", "return"]
    actions = list(AuditEvent.objects.order_by("-seq").values_list("action", flat=True)[:2])
    assert actions == ["view.api.service_request_action", "servicedesk.accept"]
    # when she completes it with the result
    done = act(desk, "desk", req, "complete", "鉴定为轻微伤")
    # then it is done, the result told, nothing more to do
    body = done.json()
    assert (body["status"], body["result"], body["allowed_actions"]) == ("done", "鉴定为轻微伤", [])
    assert ServiceRequest.objects.get().status == RequestStatus.DONE


@pytest.mark.parametrize("who", ["zhang", "li", "sun", "zhou", "boss"])
def test_only_the_centres_staff_take_the_steps(desk: Desk, who: str) -> None:
    # given a pending request and a user who may read it but is not the centre's 执法服务专岗
    # (the officer who filed it, the station's 法制员 and chief, the 法制大队, the centre's chief)
    req = file(desk)
    # when he accepts or returns it / then 403 naming him, and nothing changes
    for action, comment in (("accept", ""), ("return", "材料不全")):
        refused = act(desk, who, req, action, comment)
        assert refused.status_code in (403, 404), refused.content
        if refused.status_code == 403:
            assert refused.json()["code"] == "permission_denied"
            assert who in refused.json()["message"]
    assert ServiceRequest.objects.get().status == RequestStatus.PENDING
    assert not AuditEvent.objects.filter(action="view.api.service_request_action").exists()


def test_a_reader_outside_the_gate_is_refused_with_403(desk: Desk) -> None:
    # given a pending request that 城南's 法制员 reads
    req = file(desk)
    assert client_of(desk, "li").get(f"{V1}/servicedesk/requests/{req.pk}").status_code == 200
    # when he accepts it / then 403, the gate's answer (he reads it, he may not act on it)
    refused = act(desk, "li", req, "accept")
    assert refused.status_code == 403
    assert "无权" in refused.json()["message"]


def test_wrong_state_and_missing_text(desk: Desk) -> None:
    req = file(desk)
    # completing a request not yet accepted: 409 naming the request and its state
    early = act(desk, "desk", req, "complete", "办完")
    assert (early.status_code, early.json()["code"]) == (409, "wrong_state")
    assert f"服务申请 {req.pk}" in early.json()["message"]
    # returning without a reason: 400 naming the field
    bare = act(desk, "desk", req, "return", "  ")
    assert (bare.status_code, bare.json()["field"]) == (400, "reason")
    # an action the API does not know: 422
    assert act(desk, "desk", req, "attach").status_code == 422
    assert ServiceRequest.objects.get().status == RequestStatus.PENDING


def test_the_text_is_masked_without_the_unmask_permission(desk: Desk) -> None:
    req = file(desk, detail="被害人电话13812345678，待鉴定")
    body = client_of(desk, "desk").get(f"{V1}/servicedesk/requests/{req.pk}").json()
    assert "13812345678" not in body["detail"]
    assert "138****5678" in body["detail"]


def test_the_queue_queries_do_not_grow(desk: Desk) -> None:
    client = client_of(desk, "desk")
    client.get(f"{V1}/me")  # the first call after signing in also refreshes the session
    file(desk)
    file(desk, "chen")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"{V1}/servicedesk/requests")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for _ in range(8):
        services.accept_request(actor=desk.users["desk"], request=file(desk))
    assert count() == few
