"""Security of the web layer: idle sessions end, CSRF is enforced, security headers are set,
errors show plain Chinese pages (never debug pages), and hostile free text comes out escaped."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template import Context, Template
from django.test import Client
from django.urls import include, path
from django.utils import timezone

from fazhi.records import models as m

REPO = Path(__file__).resolve().parents[3]


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("秘密的内部细节 SECRET_KEY")


def _forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


# this module doubles as a URLconf: the project's URLs plus two that fail on purpose
urlpatterns = [
    path("boom/", _boom),
    path("forbidden/", _forbidden),
    path("", include("fazhi.urls")),
]

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- sessions ----------------------------------------------------------------------------------


def test_a_session_idle_for_more_than_30_minutes_is_signed_out(bureau, monkeypatch) -> None:
    client = signed_in(bureau.users["li"])
    assert client.get("/").status_code == 200
    start = timezone.now()

    def at(minutes: int) -> None:
        monkeypatch.setattr(timezone, "now", lambda: start + dt.timedelta(minutes=minutes))

    # each request within 30 minutes keeps the session alive (sliding expiry) ...
    at(29)
    assert client.get("/").status_code == 200
    at(58)
    assert client.get("/").status_code == 200
    # ... but after 31 idle minutes the next request is sent to sign in
    at(58 + 31)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_session_cookie_is_http_only_and_times_out_after_30_minutes(settings) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_TOUCH_SECONDS == 60
    assert settings.SESSION_COOKIE_HTTPONLY


def _expiry(client: Client) -> dt.datetime:
    return Session.objects.get(pk=client.session.session_key).expire_date


def test_the_idle_timeout_is_written_at_most_once_a_minute(bureau, monkeypatch) -> None:
    # given 李 signed in, whose session was touched by a first page
    client = signed_in(bureau.users["li"])
    start = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: start)
    client.get("/")
    first = _expiry(client)
    # when he opens more pages within the same minute, the session row is not rewritten
    monkeypatch.setattr(timezone, "now", lambda: start + dt.timedelta(seconds=50))
    client.get("/findings/")
    assert _expiry(client) == first
    # then a page a minute later slides the expiry forward
    monkeypatch.setattr(timezone, "now", lambda: start + dt.timedelta(seconds=70))
    client.get("/")
    assert _expiry(client) == first + dt.timedelta(seconds=70)


def test_an_anonymous_visit_creates_no_session(db) -> None:
    client = Client()
    assert client.get("/login/").status_code == 200
    assert Session.objects.count() == 0


def test_an_expired_session_is_not_written_back(bureau) -> None:
    # given 李's session, which has expired and been cleared from the store
    client = signed_in(bureau.users["li"])
    Session.objects.all().delete()
    # when his browser comes back with the old cookie
    response = client.get("/")
    # then he is sent to sign in, and no session row is created for the stale cookie
    assert response.status_code == 302
    assert client.get("/login/").status_code == 200
    assert Session.objects.count() == 0


# --- CSRF --------------------------------------------------------------------------------------


def test_a_post_without_csrf_token_is_refused(bureau) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "li", "password": bureau.password})
    assert response.status_code == 403
    assert "CSRF" in response.content.decode()
    assert "_auth_user_id" not in client.session
    client.force_login(bureau.users["li"])
    assert client.post("/logout/").status_code == 403
    assert client.get("/").status_code == 200  # still signed in: the forged logout failed


def test_a_post_with_the_csrf_token_is_accepted(bureau) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get("/login/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/login/", {"username": "li", "password": bureau.password, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


# --- headers -----------------------------------------------------------------------------------


def test_security_headers_are_set() -> None:
    response = Client().get("/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    csp = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
    ):
        assert directive in csp


def test_the_address_comes_from_x_real_ip_only_behind_a_trusted_proxy(bureau, settings):
    from fazhi.core.models import AuditEvent

    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    # a client cannot forge its address with the header ...
    Client(REMOTE_ADDR="10.5.5.5", HTTP_X_REAL_IP="1.2.3.4").post(
        "/login/", {"username": "li", "password": "wrong-password"}
    )
    # ... but the trusted proxy passes the client's address on
    Client(REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="10.6.6.6").post(
        "/login/", {"username": "li", "password": bureau.password}
    )
    failed = AuditEvent.objects.get(action="auth.login_failed")
    login = AuditEvent.objects.get(action="auth.login")
    assert (failed.remote_addr, login.remote_addr) == ("10.5.5.5", "10.6.6.6")


def production_settings(**env: str) -> dict[str, str]:
    """Selected settings as a fresh process with ``env`` sees them."""
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: str(getattr(s, k, None)) for k in ["
        "'DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS']}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FAZHI_")}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True,
        env={
            **clean, "DJANGO_SETTINGS_MODULE": "fazhi.settings",
            "FAZHI_SECRET_KEY": "a-key-of-this-installation-" + "x" * 30, **env,
        },
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_https_deployments_get_secure_cookies_and_hsts() -> None:
    plain = production_settings()
    assert plain["DEBUG"] == "False"
    assert (plain["SESSION_COOKIE_SECURE"], plain["SECURE_HSTS_SECONDS"]) == ("False", "0")
    https = production_settings(FAZHI_HTTPS="1")
    assert https["SESSION_COOKIE_SECURE"] == "True"
    assert https["CSRF_COOKIE_SECURE"] == "True"
    assert int(https["SECURE_HSTS_SECONDS"]) >= 180 * 24 * 3600


# --- error pages -------------------------------------------------------------------------------


def test_a_missing_page_gives_the_plain_chinese_404(settings) -> None:
    settings.DEBUG = False
    response = Client().get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body
    assert "/no/such/page/" not in body  # nothing of the request is echoed
    assert "Traceback" not in body
    assert "urlpatterns" not in body


@pytest.mark.urls(__name__)
def test_a_server_error_gives_the_plain_chinese_500(settings) -> None:
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "系统错误" in body
    assert "秘密的内部细节" not in body
    assert "Traceback" not in body


@pytest.mark.urls(__name__)
def test_a_refusal_gives_the_plain_chinese_403(settings, bureau) -> None:
    settings.DEBUG = False
    response = signed_in(bureau.users["li"]).get("/forbidden/")
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


# --- hostile text ------------------------------------------------------------------------------

HOSTILE = '<script>alert(1)</script> "onerror=alert(2) <img src=x onerror=alert(3)>'


def test_hostile_transcript_text_is_rendered_escaped(bureau) -> None:
    # given a transcript and a person whose free text is an injection attempt
    at = dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC)
    case = m.Case.objects.create(
        id="C-X", kind="行政", cause=HOSTILE[:50], unit=bureau.units["south"],
        lead_officer=bureau.officers["zhang"], accepted_at=at, status="受案",
    )  # fmt: skip
    person = m.Person.objects.create(
        id="P-X", case=case, name="某乙", role="违法行为人", phone=HOSTILE[:32]
    )
    transcript = m.Transcript.objects.create(
        id="T-X", case=case, person=person, kind="询问", started_at=at, ended_at=at,
        recorded=True, text=f"问：你叫什么？\n答：{HOSTILE}",
    )  # fmt: skip
    # when a page fragment shows them the way pages do
    html = Template(
        "{% load pii %}<h1>{{ case.cause }}</h1><pre>{{ transcript.text }}</pre>"
        '<p title="{{ transcript.text }}">{{ transcript.text|linebreaksbr }}</p>'
        "<td>{% pii_phone person %}</td>"
    ).render(Context({"case": case, "transcript": transcript, "person": person}))
    # then no tag or attribute of the hostile text survives
    assert "<script" not in html
    assert "<img" not in html
    assert '"onerror' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&quot;onerror=" in html


def test_no_template_marks_text_safe() -> None:
    # |safe, {% autoescape off %} and mark_safe would let user text through unescaped
    offenders = []
    for file in (REPO / "fazhi").rglob("*.html"):
        text = file.read_text(encoding="utf-8")
        if "|safe" in text or "autoescape off" in text:
            offenders.append(str(file.relative_to(REPO)))
    assert not offenders, f"模板中出现 |safe 或 autoescape off：{offenders}"
