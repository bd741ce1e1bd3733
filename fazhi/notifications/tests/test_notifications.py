"""In-app notifications, the page, and the webhook outbox against a real local HTTP server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory

from fazhi.accounts.services import system_user
from fazhi.core.models import AuditEvent
from fazhi.core.scope import scope_of
from fazhi.notifications import panels, services
from fazhi.notifications.models import DeliveryStatus, Notification, WebhookDelivery

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
MINUTE = timedelta(minutes=1)


class Gateway:
    """A local SMS gateway stand-in: answers 500 to the first ``failures`` POSTs, then 200."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.received: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.received.append(json.loads(body))
                gateway.headers.append(dict(self.headers))
                code = 500 if len(gateway.received) <= gateway.failures else 200
                self.send_response(code)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(monkeypatch: Any) -> Iterator[Gateway]:
    gw = Gateway(failures=2)
    monkeypatch.setenv("FAZHI_WEBHOOK_URL", gw.url)
    yield gw
    gw.close()


def test_notify_writes_one_row_per_user_and_no_webhook_without_url(bureau):
    users = [bureau.users["zhang"], bureau.users["li"], bureau.users["zhang"]]
    rows = services.notify(
        users, "problem", "整改通知", "请整改", "/problems/1/", actor=bureau.users["li"]
    )
    assert len(rows) == 2
    assert services.unread_count(bureau.users["zhang"]) == 1
    assert services.unread_count(bureau.users["wang"]) == 0
    assert not WebhookDelivery.objects.exists()
    assert AuditEvent.objects.filter(action="notifications.notify").exists()


def test_notify_with_url_writes_the_outbox_in_the_same_transaction(bureau, monkeypatch):
    monkeypatch.setenv("FAZHI_WEBHOOK_URL", "http://127.0.0.1:9/none")
    services.notify(
        [bureau.users["zhang"]],
        "problem",
        "整改通知",
        "请整改",
        "/problems/1/",
        actor=bureau.users["li"],
        data={"problem_id": 1},
    )
    row = WebhookDelivery.objects.get()
    assert row.status == DeliveryStatus.PENDING
    assert row.url == "http://127.0.0.1:9/none"
    assert row.payload["event"] == "notification.problem"
    assert row.payload["recipients"] == [
        {
            "username": "zhang",
            "name": "张伟",
            "role": "民警",
            "officer_id": "O-001",
            "unit_id": "U-CN",
        },
    ]
    assert row.payload["data"] == {"problem_id": 1}


def test_webhook_retries_with_backoff_until_accepted(bureau, gateway):
    # given a notification while the gateway fails twice before accepting
    services.notify(
        [bureau.users["zhang"]],
        "problem",
        "整改通知",
        "请整改",
        "/problems/1/",
        actor=bureau.users["li"],
    )
    WebhookDelivery.objects.update(next_attempt_at=NOW)
    row = WebhookDelivery.objects.get()
    # first attempt fails: retried one minute later
    assert services.tick_deliver(NOW, system_user())["retried"] == 1
    row.refresh_from_db()
    assert (row.attempts, row.status, row.next_attempt_at) == (1, "pending", NOW + MINUTE)
    assert "HTTP 500" in row.last_error
    # not due yet: nothing is sent
    assert services.tick_deliver(NOW + 30 * timedelta(seconds=1), system_user())["due"] == 0
    # second attempt fails: retried two minutes later
    assert services.tick_deliver(NOW + MINUTE, system_user())["retried"] == 1
    row.refresh_from_db()
    assert (row.attempts, row.next_attempt_at) == (2, NOW + 3 * MINUTE)
    # third attempt is accepted
    assert services.tick_deliver(NOW + 3 * MINUTE, system_user())["delivered"] == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.delivered_at) == ("delivered", 3, NOW + 3 * MINUTE)
    # a delivered row is never sent again
    assert services.tick_deliver(NOW + 60 * MINUTE, system_user())["due"] == 0
    assert len(gateway.received) == 3
    assert gateway.received[-1]["title"] == "整改通知"
    assert gateway.headers[-1]["Content-Type"].startswith("application/json")
    assert gateway.headers[-1]["X-Fazhi-Event"] == "notification.problem"


def test_webhook_gives_up_after_eight_attempts(bureau, monkeypatch):
    gw = Gateway(failures=100)
    monkeypatch.setenv("FAZHI_WEBHOOK_URL", gw.url)
    try:
        services.notify([bureau.users["zhang"]], "problem", "t", actor=bureau.users["li"])
        WebhookDelivery.objects.update(next_attempt_at=NOW)
        now, waits = NOW, []
        for _ in range(8):
            services.tick_deliver(now, system_user())
            row = WebhookDelivery.objects.get()
            waits.append(row.next_attempt_at - now)
            now = row.next_attempt_at
        assert row.status == DeliveryStatus.FAILED
        assert row.attempts == 8
        # the waits between attempts: 1, 2, 4 … 64 minutes
        assert waits[:7] == [MINUTE * 2**i for i in range(7)]
        assert services.tick_deliver(now + 1000 * MINUTE, system_user())["due"] == 0
        assert len(gw.received) == 8
    finally:
        gw.close()


def test_an_unreachable_gateway_is_a_retry_not_a_crash(bureau, monkeypatch):
    monkeypatch.setenv("FAZHI_WEBHOOK_URL", "http://127.0.0.1:9/closed")
    services.notify([bureau.users["zhang"]], "problem", "t", actor=bureau.users["li"])
    WebhookDelivery.objects.update(next_attempt_at=NOW)
    assert services.tick_deliver(NOW, system_user())["retried"] == 1
    assert "连接失败" in WebhookDelivery.objects.get().last_error


def test_a_claimed_row_is_not_sent_by_a_second_tick(bureau, gateway, monkeypatch):
    # given a row due now, and a second tick that starts while the first is POSTing it
    gateway.failures = 0
    services.notify([bureau.users["zhang"]], "problem", "t", actor=bureau.users["li"])
    WebhookDelivery.objects.update(next_attempt_at=NOW)
    real = services.post_json
    second: list[dict[str, Any]] = []
    started: list[bool] = []

    def post_while_another_tick_runs(*args, **kwargs):
        if not started:
            started.append(True)
            second.append(services.tick_deliver(NOW, system_user()))
        real(*args, **kwargs)

    monkeypatch.setattr(services, "post_json", post_while_another_tick_runs)
    first = services.tick_deliver(NOW, system_user())
    # then the second tick found nothing to send, and the gateway got exactly one POST
    assert second[0]["due"] == 0
    assert first["delivered"] == 1
    assert len(gateway.received) == 1


def test_rectification_notifies_through_the_webhook(bureau, gateway, settings, tmp_path):
    from fazhi.patrol.models import Finding, Rule
    from fazhi.rectification.services.creation import push_problem

    rule = Rule.objects.create(
        code="GF-T-01",
        pack="t",
        name="测试",
        kind="deadline",
        subject_type="case",
        check_name="t",
        default_severity="一般",
        basis="b",
    )
    finding = Finding.objects.create(
        rule=rule,
        subject_type="case",
        subject_id="C-1",
        status="warning",
        severity="一般",
        unit_id="U-CN",
        officer_id="O-001",
        digest="x",
    )
    push_problem(finding, actor=bureau.users["li"], now=NOW)
    row = WebhookDelivery.objects.get()
    assert row.payload["kind"] == "problem"
    assert row.payload["recipients"][0]["username"] == "zhang"
    WebhookDelivery.objects.update(next_attempt_at=NOW)
    for minutes in (0, 1, 3):
        services.tick_deliver(NOW + minutes * MINUTE, system_user())
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED


# --- the page ----------------------------------------------------------------------------------


def test_notification_page_and_mark_read(bureau, client):
    zhang, li = bureau.users["zhang"], bureau.users["li"]
    mine = services.notify([zhang], "problem", "给张伟的通知", actor=bureau.users["li"])[0]
    other = services.notify([li], "review", "给李娜的通知", actor=bureau.users["zhang"])[0]
    client.force_login(zhang)
    body = client.get("/notifications/").content.decode()
    assert "给张伟的通知" in body
    assert "给李娜的通知" not in body
    # he cannot mark another user's notification read
    client.post("/notifications/read/", {"id": [other.pk]})
    other.refresh_from_db()
    assert other.read_at is None
    response = client.post("/notifications/read/", {"id": [mine.pk], "next": "//evil.example"})
    assert response.status_code == 302
    assert response["Location"] == "/notifications/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert services.unread_count(zhang) == 0


def test_mark_all_read_and_sign_in_required(bureau, client):
    zhang = bureau.users["zhang"]
    services.notify([zhang], "problem", "一", actor=bureau.users["li"])
    services.notify([zhang], "problem", "二", actor=bureau.users["li"])
    assert client.get("/notifications/").status_code == 302
    client.force_login(zhang)
    assert client.get("/notifications/read/").status_code == 405
    client.post("/notifications/read/", {"all": "1"})
    assert Notification.objects.filter(user=zhang).unread().count() == 0


def test_panel_shows_unread(bureau):
    services.notify([bureau.users["zhang"]], "problem", "整改通知", actor=bureau.users["li"])
    request = RequestFactory().get("/")
    request.user = bureau.users["zhang"]
    panel = panels.workbench_panel(request, scope_of(request.user))
    assert panel is not None
    assert panel["unread_count"] == 1
    assert panel["notifications"][0].title == "整改通知"
    request.user = bureau.users["li"]
    other = panels.workbench_panel(request, scope_of(request.user))
    assert other is not None
    assert other["unread_count"] == 0
