"""Authentication: personal tokens (created, used, revoked, audited), the session with CSRF,
and the docs and schema for signed-in users only."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from fazhi.api.models import ApiToken
from fazhi.api.services import create_token, hash_key, revoke_token
from fazhi.api.tests.conftest import bearer
from fazhi.core.models import AuditEvent

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


# --- tokens ------------------------------------------------------------------------------------


def test_a_token_is_stored_only_as_its_hash(bureau: Any) -> None:
    key = create_token(bureau.users["zhou"], actor=bureau.users["admin"], name="短信网关")
    token = ApiToken.objects.get()
    assert key.startswith("fz_")
    assert len(key) > 40
    assert token.key_hash == hash_key(key)
    assert key not in str(list(ApiToken.objects.values()))
    assert token.prefix == key[:10]
    row = AuditEvent.objects.get(action="api.token_create")
    assert (row.actor, row.target_id) == ("admin", str(token.pk))
    assert key not in str(row.details)


def test_token_authenticates_its_user(bureau: Any, token_for: Any, make_finding: Any) -> None:
    mine = make_finding("zhang")
    make_finding("zhao")
    key = token_for("li")
    client = Client()
    me = client.get(f"{V1}/me", **bearer(key)).json()
    assert (me["username"], me["auth"], me["token_name"]) == ("li", "token", "集成")
    # the token carries the user's data scope
    found = client.get(f"{V1}/findings", **bearer(key)).json()
    assert [i["id"] for i in found["items"]] == [mine.pk]
    assert ApiToken.objects.get().last_used_at is not None
    row = AuditEvent.objects.filter(action="view.api.findings").get()
    assert (row.actor, row.details["via"]) == ("li", "token:集成")


def test_token_posts_need_no_csrf(bureau: Any, token_for: Any, problem: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"{V1}/problems/{problem.pk}/actions/submit_fix", {"comment": "已整改"},
        content_type="application/json", **bearer(token_for("zhang")),
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "fixed"


def test_revoked_wrong_and_disabled_tokens_are_refused(bureau: Any, token_for: Any) -> None:
    key = token_for("li")
    client = Client()
    assert client.get(f"{V1}/me", **bearer(key)).status_code == 200
    revoke_token(ApiToken.objects.get(), actor=bureau.users["admin"])
    assert client.get(f"{V1}/me", **bearer(key)).status_code == 401
    assert AuditEvent.objects.filter(action="api.token_revoke", actor="admin").exists()
    with pytest.raises(ValidationError, match="已于"):
        revoke_token(ApiToken.objects.get(), actor=bureau.users["admin"])
    assert client.get(f"{V1}/me", **bearer(key + "x")).status_code == 401
    assert client.get(f"{V1}/me", **bearer("fz_guess")).status_code == 401
    assert client.get(f"{V1}/me", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    other = token_for("wang")
    user = bureau.users["wang"]
    user.is_active = False
    user.save()
    assert client.get(f"{V1}/me", **bearer(other)).status_code == 401


def test_token_names_are_checked(bureau: Any) -> None:
    user = bureau.users["li"]
    create_token(user, actor=bureau.users["admin"], name="网关")
    with pytest.raises(ValidationError, match="已有名为“网关”"):
        create_token(user, actor=bureau.users["admin"], name="网关")
    with pytest.raises(ValidationError, match="请填写"):
        create_token(user, actor=bureau.users["admin"], name="  ")
    # a revoked token's name may be used again
    revoke_token(ApiToken.objects.get(), actor=bureau.users["admin"])
    create_token(user, actor=bureau.users["admin"], name="网关")
    assert ApiToken.objects.active().count() == 1


def test_the_api_token_command(bureau: Any) -> None:
    out = StringIO()
    call_command("api_token", "create", "--user", "zhou", "--name", "大屏", stdout=out)
    key = next(w for w in out.getvalue().split() if w.startswith("fz_"))
    assert Client().get(f"{V1}/me", **bearer(key)).json()["username"] == "zhou"
    listing = StringIO()
    call_command("api_token", "list", "--user", "zhou", stdout=listing)
    assert "大屏" in listing.getvalue()
    assert "有效" in listing.getvalue()
    assert key not in listing.getvalue()
    call_command("api_token", "revoke", "--user", "zhou", "--name", "大屏", stdout=StringIO())
    assert Client().get(f"{V1}/me", **bearer(key)).status_code == 401
    # run by no named person: the system account (--actor names a platform user)
    row = AuditEvent.objects.get(action="api.token_revoke")
    assert row.actor == "system"
    call_command("api_token", "create", "--user", "zhou", "--name", "网关", "--actor", "admin")
    assert AuditEvent.objects.get(action="api.token_create", details__name="网关").actor == "admin"
    with pytest.raises(CommandError, match="--actor：用户 ghost 不存在"):
        call_command("api_token", "create", "--user", "zhou", "--name", "y", "--actor", "ghost")
    with pytest.raises(CommandError, match="没有名为"):
        call_command("api_token", "revoke", "--user", "zhou", "--name", "大屏")
    with pytest.raises(CommandError, match="用户 nobody 不存在"):
        call_command("api_token", "create", "--user", "nobody", "--name", "x")


# --- the session and CSRF ----------------------------------------------------------------------


def _signed_in_with_csrf(bureau: Any) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(bureau.users["zhang"])
    client.get("/login/")  # any page that renders the sign-in form sets the CSRF cookie
    return client, client.cookies["csrftoken"].value


def test_session_post_without_csrf_is_refused(bureau: Any, problem: Any) -> None:
    client, _ = _signed_in_with_csrf(bureau)
    response = client.post(
        f"{V1}/problems/{problem.pk}/actions/submit_fix", {"comment": "已整改"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    problem.refresh_from_db()
    assert problem.status == "open"


def test_session_post_with_csrf_token_works(bureau: Any, problem: Any) -> None:
    client, csrf = _signed_in_with_csrf(bureau)
    # GETs need no token
    assert client.get(f"{V1}/problems/{problem.pk}").status_code == 200
    response = client.post(
        f"{V1}/problems/{problem.pk}/actions/submit_fix", {"comment": "已整改"},
        content_type="application/json", HTTP_X_CSRFTOKEN=csrf,
    )  # fmt: skip
    assert response.status_code == 200, response.content


# --- docs and schema ---------------------------------------------------------------------------


ENDPOINTS = {
    ("get", "/api/v1/me"),
    ("get", "/api/v1/findings"),
    ("get", "/api/v1/findings/{finding_id}"),
    ("get", "/api/v1/cases/{case_id}"),
    ("get", "/api/v1/rules"),
    ("get", "/api/v1/rules/{code}"),
    ("get", "/api/v1/problems"),
    ("get", "/api/v1/problems/{problem_id}"),
    ("post", "/api/v1/problems/{problem_id}/actions/{action}"),
    ("get", "/api/v1/daily/sheets"),
    ("get", "/api/v1/disputes"),
    ("get", "/api/v1/disputes/{dispute_id}"),
    ("get", "/api/v1/search"),
    ("get", "/api/v1/evaluations"),
    ("get", "/api/v1/evaluations/{evaluation_id}"),
    ("get", "/api/v1/reports"),
    ("get", "/api/v1/reports/{report_id}"),
    ("get", "/api/v1/reports/{report_id}/files/{fmt}"),
    ("get", "/api/v1/servicedesk/requests"),
    ("get", "/api/v1/servicedesk/requests/{request_id}"),
    ("post", "/api/v1/servicedesk/requests/{request_id}/actions/{action}"),
}


def test_the_schema_lists_every_endpoint(bureau: Any, as_user: Any) -> None:
    response = as_user("zhang").get(f"{V1}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"] == {**schema["info"], "title": "fazhi API", "version": "1"}
    listed = {(verb, path) for path, ops in schema["paths"].items() for verb in ops}
    assert listed == ENDPOINTS
    status = next(
        p for p in schema["paths"]["/api/v1/findings"]["get"]["parameters"] if p["name"] == "status"
    )
    assert "violation=违规" in status["description"]
    assert set(schema["components"]["securitySchemes"]) == {"TokenAuth", "SignedInSession"}


def test_the_schema_with_a_token(bureau: Any, token_for: Any) -> None:
    assert Client().get(f"{V1}/openapi.json", **bearer(token_for("li"))).status_code == 200


def test_docs_and_schema_only_for_signed_in_users(bureau: Any, as_user: Any) -> None:
    anonymous = Client()
    assert anonymous.get(f"{V1}/openapi.json").status_code == 401
    docs = anonymous.get(f"{V1}/docs")
    assert docs.status_code == 302
    assert docs["Location"].startswith("/login/")
    page = as_user("li").get(f"{V1}/docs")
    assert page.status_code == 200
    assert b"swagger-ui" in page.content
