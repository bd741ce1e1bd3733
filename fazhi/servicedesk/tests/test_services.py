"""Service requests: each transition by the allowed user and refused for the others (called on
the services directly), the audit rows, the time limits by the clock, the tick's warnings and
escalations, and the completion figures."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from fazhi.core.models import AuditEvent
from fazhi.core.services import system_user
from fazhi.notifications.models import Notification
from fazhi.servicedesk import services
from fazhi.servicedesk.limits import Limit, LimitError, due_time
from fazhi.servicedesk.models import RequestStatus, ServiceRequest
from fazhi.servicedesk.services import ServiceDeskError
from fazhi.servicedesk.tests.conftest import sh


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


PNG = _png()
FRIDAY = sh(2026, 9, 4, 16)


def _file(desk: Any, who: str = "zhang", kind: str = "injury", **kw: Any) -> ServiceRequest:
    kw.setdefault("now", FRIDAY)
    return services.file_request(
        actor=desk.users[who], case=desk.case, kind=kind, detail="被害人伤情待鉴定", **kw
    )


def _last_audit() -> AuditEvent:
    return AuditEvent.objects.order_by("-id")[0]


# --- filing ---------------------------------------------------------------------------------


def test_the_lead_officer_files_a_request_due_by_the_kinds_limit(desk) -> None:
    # given zhang, who leads C-1, on Friday 09-04 16:00
    # when he asks for a 伤势鉴定 (3 working days)
    req = _file(desk)
    # then it waits for the centre, due at the end of Wednesday 09-09 (Mon, Tue, Wed)
    assert (req.status, req.centre_id, req.unit_id, req.officer_id) == (
        RequestStatus.PENDING, "U-ZX", "U-CN", desk.bureau.officers["zhang"].pk,
    )  # fmt: skip
    assert (req.limit, req.due_at) == ("3工作日", sh(2026, 9, 10))
    # and the centre's staff are told, and the filing is audited
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"desk", "desk2"}
    row = _last_audit()
    assert (row.action, row.target_type, row.target_id, row.actor) == (
        "servicedesk.file", "service_request", str(req.pk), "zhang",
    )  # fmt: skip


def test_an_assisting_officer_may_file_too(desk) -> None:
    assert _file(desk, "chen").officer_id == desk.bureau.officers["chen"].pk


@pytest.mark.parametrize("who", ["zhao", "li", "sun", "wu", "desk", "zhou"])
def test_only_the_cases_officers_file(desk, who) -> None:
    # given a user who is not an officer of C-1 (another station, the station's 法制员 and
    # chief, the bureau's leader, the centre's staff, the 法制大队)
    # when he files / then refused, and nothing is written
    with pytest.raises(PermissionDenied):
        _file(desk, who)
    assert not ServiceRequest.objects.exists()


def test_a_property_request_names_an_item_of_the_case(desk) -> None:
    with pytest.raises(ServiceDeskError) as err:
        _file(desk, kind="property_in")
    assert err.value.field == "property"
    req = _file(desk, kind="property_in", property_id="PR-1")
    # 4 working hours from Friday 16:00: 1.5 h on Friday, 2.5 h on Monday from 08:30
    assert (req.item_id, req.due_at) == ("PR-1", sh(2026, 9, 7, 11))


def test_a_deposit_request_names_a_bail_of_the_case(desk) -> None:
    with pytest.raises(ServiceDeskError):
        _file(desk, kind="deposit_out", measure_id="M-404")
    assert _file(desk, kind="deposit_out", measure_id="M-1").measure_id == "M-1"


def test_no_centre_no_request(desk) -> None:
    # given the bureau without a 执法办案管理中心
    desk.centre.kind = "其他"
    desk.centre.save()
    # when filed / then refused with a conflict naming the case
    with pytest.raises(ServiceDeskError) as err:
        _file(desk)
    assert "C-1" in str(err.value)
    assert err.value.status == 409


def test_an_attachment_that_is_not_what_it_says_is_refused(desk) -> None:
    fake = SimpleUploadedFile("诊断证明.png", b"MZ\x90\x00 not a picture")
    with pytest.raises(ServiceDeskError) as err:
        _file(desk, uploads=[fake])
    assert err.value.field == "files"
    assert not ServiceRequest.objects.exists()


# --- the centre's work ----------------------------------------------------------------------


def test_accept_complete_with_papers(desk, media) -> None:
    # given a filed request
    req = _file(desk)
    # when the centre's staff accepts it and completes it with the report attached
    req = services.accept_request(actor=desk.users["desk"], request=req, now=FRIDAY)
    assert req.status == RequestStatus.IN_PROGRESS
    assert req.handler is not None
    assert req.handler.username == "desk"
    assert _last_audit().action == "servicedesk.accept"
    done = services.complete_request(
        actor=desk.users["desk"], request=req, result="鉴定为轻微伤",
        uploads=[SimpleUploadedFile("鉴定意见书.png", PNG)], now=sh(2026, 9, 8, 10),
    )  # fmt: skip
    # then it is done, the file is stored under the data dir, the officer told
    assert (done.status, done.completed_at) == (RequestStatus.DONE, sh(2026, 9, 8, 10))
    att = done.attachments.get()
    assert att.original_name == "鉴定意见书.png"
    assert att.file.path.startswith(str(media))
    assert Notification.objects.filter(user__username="zhang", title__contains="已办结").exists()
    row = _last_audit()
    assert (row.action, row.target_id, row.details["in_time"]) == (
        "servicedesk.complete", str(req.pk), True,
    )  # fmt: skip


@pytest.mark.parametrize("who", ["zhang", "li", "sun", "wu", "zhou", "boss"])
def test_only_the_centres_staff_accept_complete_and_return(desk, who) -> None:
    # given a filed request and a user who is not a 执法服务专岗 of its centre (the officer
    # who filed it, the station's leaders, the bureau, the centre's own chief)
    req = _file(desk)
    user = desk.users[who]
    # when he accepts, completes or returns it / then refused each time
    with pytest.raises(PermissionDenied):
        services.accept_request(actor=user, request=req)
    with pytest.raises(PermissionDenied):
        services.return_request(actor=user, request=req, reason="材料不全")
    services.accept_request(actor=desk.users["desk"], request=req)
    with pytest.raises(PermissionDenied):
        services.complete_request(actor=user, request=req, result="办完")
    assert ServiceRequest.objects.get().status == RequestStatus.IN_PROGRESS


def test_a_desk_of_another_centre_is_refused(desk) -> None:
    # given a second county's centre with its own staff
    from fazhi.accounts.models import Role
    from fazhi.accounts.services import provision_user
    from fazhi.records import models as m

    other_bureau = m.Unit.objects.create(id="U-2", name="邻县公安局", kind="县局")
    other = m.Unit.objects.create(
        id="U-2ZX", name="邻县执法办案管理中心", kind="执法办案管理中心", parent=other_bureau
    )
    officer = m.Officer.objects.create(id="O-900", name="韩梅", unit=other, role="民警")
    stranger = provision_user(
        actor=system_user(), username="han", password="x-Long-password-1", role=Role.SERVICE_DESK,
        officer=officer,
    )  # fmt: skip
    req = _file(desk)
    with pytest.raises(PermissionDenied):
        services.accept_request(actor=stranger, request=req)


def test_return_needs_a_reason_and_tells_the_officer(desk) -> None:
    req = _file(desk)
    with pytest.raises(ServiceDeskError) as err:
        services.return_request(actor=desk.users["desk"], request=req, reason="  ")
    assert err.value.field == "reason"
    back = services.return_request(actor=desk.users["desk"], request=req, reason="缺诊断证明")
    assert (back.status, back.return_reason) == (RequestStatus.RETURNED, "缺诊断证明")
    assert Notification.objects.filter(user__username="zhang", body="缺诊断证明").exists()
    assert _last_audit().details["reason"] == "缺诊断证明"


def test_states_refuse_a_second_step(desk) -> None:
    req = _file(desk)
    # complete before accepting, accept twice, return a finished one: conflicts
    with pytest.raises(ServiceDeskError) as err:
        services.complete_request(actor=desk.users["desk"], request=req, result="办完")
    assert err.value.status == 409
    services.accept_request(actor=desk.users["desk"], request=req)
    with pytest.raises(ServiceDeskError):
        services.accept_request(actor=desk.users["desk2"], request=req)
    services.complete_request(actor=desk.users["desk"], request=req, result="办完")
    with pytest.raises(ServiceDeskError):
        services.return_request(actor=desk.users["desk"], request=req, reason="迟了")


def test_attach_by_the_officer_and_the_desk_only(desk) -> None:
    req = _file(desk)
    for who in ("zhang", "desk"):
        services.add_attachments(
            actor=desk.users[who], request=req, uploads=[SimpleUploadedFile("a.png", PNG)]
        )
    assert _last_audit().action == "servicedesk.attach"
    for who in ("chen", "li", "zhao"):  # chen may file, but did not file this one
        with pytest.raises(PermissionDenied):
            services.add_attachments(
                actor=desk.users[who], request=req, uploads=[SimpleUploadedFile("a.png", PNG)]
            )
    assert req.attachments.count() == 2


# --- time limits by the clock ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "limit", "due"),
    [
        # 3 working days from Friday: Mon, Tue, Wed; the filing day not counted
        (sh(2026, 9, 4, 16), "3工作日", sh(2026, 9, 10)),
        # before the National Day holiday: 10-08, 10-09 and Saturday 10-10 (a working day)
        (sh(2026, 9, 30, 10), "3工作日", sh(2026, 10, 11)),
        # 4 working hours: 08:30–17:30 on working days
        (sh(2026, 9, 7, 9), "4工作小时", sh(2026, 9, 7, 13)),
        (sh(2026, 9, 7, 7), "4工作小时", sh(2026, 9, 7, 12, 30)),
        (sh(2026, 9, 7, 17), "4工作小时", sh(2026, 9, 8, 12)),
        (sh(2026, 9, 30, 16), "4工作小时", sh(2026, 10, 8, 11)),
        (sh(2026, 9, 5, 10), "1工作小时", sh(2026, 9, 7, 9, 30)),
    ],
)
def test_due_time_counts_working_time(start, limit, due) -> None:
    assert due_time(start, Limit.parse(limit)) == due


@pytest.mark.parametrize("text", ["3天", "0工作日", "工作小时", ""])
def test_a_limit_that_cannot_be_read_is_refused(text) -> None:
    with pytest.raises(LimitError):
        Limit.parse(text)


def test_the_tick_warns_then_escalates_once(desk) -> None:
    # given a 伤势鉴定 filed Friday 16:00, due 09-10 00:00 (span 5 d 8 h, lead 1 d 8 h)
    req = _file(desk)
    services.accept_request(actor=desk.users["desk"], request=req)
    Notification.objects.all().delete()
    # when the tick runs before the warning point / then nothing
    assert services.tick_servicedesk(sh(2026, 9, 8, 15, 59), system_user()) == {
        "warned": 0, "escalated": 0,
    }  # fmt: skip
    # when it runs inside the lead: the handler is warned, once
    assert services.tick_servicedesk(sh(2026, 9, 8, 16, 1), system_user())["warned"] == 1
    assert services.tick_servicedesk(sh(2026, 9, 8, 17), system_user())["warned"] == 0
    warned = Notification.objects.get(kind="servicedesk_warning")
    assert warned.user.username == "desk"
    # when it runs exactly at the due time: not yet late
    assert services.tick_servicedesk(sh(2026, 9, 10), system_user())["escalated"] == 0
    # when it runs after the due time: escalated to the centre's chief and staff, the officer
    # told, once; audited
    assert services.tick_servicedesk(sh(2026, 9, 10, 0, 1), system_user())["escalated"] == 1
    assert services.tick_servicedesk(sh(2026, 9, 11), system_user())["escalated"] == 0
    told = set(
        Notification.objects.filter(kind="servicedesk_overdue").values_list(
            "user__username", flat=True
        )
    )
    assert told == {"boss", "desk", "desk2", "zhang"}
    assert AuditEvent.objects.filter(action="servicedesk.tick").count() == 2


def test_the_tick_leaves_finished_requests_alone(desk) -> None:
    req = _file(desk)
    services.return_request(actor=desk.users["desk"], request=req, reason="重复申请")
    assert services.tick_servicedesk(sh(2026, 9, 20), system_user()) == {
        "warned": 0, "escalated": 0,
    }  # fmt: skip


# --- figures --------------------------------------------------------------------------------


def test_completion_times_per_kind_and_unit(desk) -> None:
    # given two 伤势鉴定 done in 2 days (in time) and 6 days (late), one 邮寄送达 still open,
    # and one done in August
    def done(filed, completed, kind="injury"):
        req = _file(desk, kind=kind, now=filed)
        services.accept_request(actor=desk.users["desk"], request=req, now=filed)
        return services.complete_request(
            actor=desk.users["desk"], request=req, result="办结", now=completed
        )

    done(sh(2026, 9, 7, 9), sh(2026, 9, 9, 9))
    done(sh(2026, 9, 7, 9), sh(2026, 9, 13, 9))
    done(sh(2026, 8, 3, 9), sh(2026, 8, 4, 9))
    _file(desk, kind="mail", now=sh(2026, 9, 7, 9))
    # when September's figures are asked for
    figures = services.completion_times(sh(2026, 9, 1), sh(2026, 10, 1))
    # then one row: two done, one in time, 4 days on average, 6 days the longest
    assert len(figures) == 1
    f = figures[0]
    assert (f.kind_label, f.unit_id, f.completed, f.in_time) == ("伤势鉴定", "U-CN", 2, 1)
    assert (f.mean, f.longest, f.in_time_rate) == (timedelta(days=4), timedelta(days=6), 0.5)
    # and another unit's figures are empty
    assert services.completion_times(sh(2026, 9, 1), sh(2026, 10, 1), unit_ids=["U-CB"]) == []
