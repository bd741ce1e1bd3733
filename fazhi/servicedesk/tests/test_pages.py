"""The service desk's pages: the queue, a request's page and its forms, filing from the case
page; who may open each, hostile text escaped, the queue's queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fazhi.servicedesk import services
from fazhi.servicedesk.models import RequestStatus, ServiceRequest
from fazhi.servicedesk.tests.conftest import sh


def client(desk: Any, who: str) -> Client:
    c = Client()
    c.force_login(desk.users[who])
    return c


def _file(desk: Any, detail: str = "被害人伤情待鉴定") -> ServiceRequest:
    return services.file_request(
        actor=desk.users["zhang"], case=desk.case, kind="injury", detail=detail,
        now=sh(2026, 9, 4, 16),
    )  # fmt: skip


def test_anonymous_is_sent_to_sign_in(desk) -> None:
    req = _file(desk)
    for url in ("/servicedesk/", f"/servicedesk/{req.pk}/", "/custody/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_the_case_page_offers_the_form_to_its_officers_only(desk) -> None:
    # given C-1's page for zhang (its lead) and for li (城南 法制员, who sees the case)
    mine = client(desk, "zhang").get("/cases/C-1/").content.decode()
    theirs = client(desk, "li").get("/cases/C-1/").content.decode()
    # then both see the section; only zhang the filing form, with the case's item and bail
    assert "执法服务" in mine
    assert "执法服务" in theirs
    assert 'id="service-form"' in mine
    assert 'id="service-form"' not in theirs
    assert "电动车" in mine
    assert "M-1" in mine


def test_an_officer_files_from_the_case_page_and_the_centre_completes(desk) -> None:
    # when zhang posts the case page's form
    zhang = client(desk, "zhang")
    response = zhang.post(
        "/servicedesk/case/C-1/file/",
        {"kind": "property_in", "property": "PR-1", "measure": "", "detail": "移交入库"},
    )
    req = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/servicedesk/{req.pk}/"
    # then the centre's staff see it in their queue and accept and complete it by its forms
    desk_client = client(desk, "desk")
    assert f"/servicedesk/{req.pk}/" in desk_client.get("/servicedesk/").content.decode()
    page = desk_client.get(f"/servicedesk/{req.pk}/").content.decode()
    assert "受理" in page
    desk_client.post(f"/servicedesk/{req.pk}/accept/", {})
    desk_client.post(f"/servicedesk/{req.pk}/complete/", {"result": "已入库，A区-01-02"})
    req.refresh_from_db()
    assert (req.status, req.result) == (RequestStatus.DONE, "已入库，A区-01-02")
    # and zhang reads the result on his workbench panel and the request page
    assert "我的服务申请" in zhang.get("/").content.decode()
    assert "已入库，A区-01-02" in zhang.get(f"/servicedesk/{req.pk}/").content.decode()


def test_a_refused_post_changes_nothing(desk) -> None:
    req = _file(desk)
    # zhang (the officer) posts the centre's accept: refused, still pending
    response = client(desk, "zhang").post(f"/servicedesk/{req.pk}/accept/", {})
    assert response.status_code == 403
    req.refresh_from_db()
    assert req.status == RequestStatus.PENDING
    # zhao files for a case he cannot see: 404
    assert client(desk, "zhao").post("/servicedesk/case/C-1/file/", {}).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    # the officer, the centre's staff, 城南's leaders and the bureau; not 城北 nor another centre
    [("zhang", 200), ("desk", 200), ("li", 200), ("chen", 200), ("wu", 200), ("zhao", 404),
     ("wang", 404)],
)  # fmt: skip
def test_who_opens_a_request(desk, who, status) -> None:
    req = _file(desk)
    assert client(desk, who).get(f"/servicedesk/{req.pk}/").status_code == status


def test_the_desk_sees_the_request_not_the_stations_case(desk) -> None:
    req = _file(desk)
    page = client(desk, "desk").get(f"/servicedesk/{req.pk}/").content.decode()
    # the case is named, not linked (its page would refuse the centre's staff)
    assert "C-1" in page
    assert "/cases/C-1/" not in page
    assert client(desk, "desk").get("/cases/C-1/").status_code == 404


def test_hostile_text_is_escaped(desk) -> None:
    req = _file(desk, detail="<script>alert(1)</script>")
    page = client(desk, "desk").get(f"/servicedesk/{req.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_the_queue_queries_do_not_grow_with_rows(desk) -> None:
    desk_client = client(desk, "desk")
    _file(desk)
    desk_client.get("/servicedesk/")
    with CaptureQueriesContext(connection) as few:
        desk_client.get("/servicedesk/")
    for _ in range(5):
        _file(desk)
    with CaptureQueriesContext(connection) as many:
        desk_client.get("/servicedesk/")
    assert len(many) == len(few)
