"""Hardening of the web layer (issue 10): responses to a signed-in user are never cached, and
input the database cannot store (NUL, lone surrogates) is refused with a Chinese 400 in one
place — pages, API calls, form posts and exports alike — instead of failing with a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from fazhi.api.services import create_token


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Cache-Control -----------------------------------------------------------------------------


def no_store(response: Any) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


@pytest.mark.parametrize(
    "path",
    ["/", "/findings/", "/api/v1/me", "/findings/export.xlsx", "/problems/export.xlsx"],
    ids=["home", "page", "api", "findings-export", "problems-export"],
)
def test_everything_a_signed_in_user_receives_is_private_and_not_stored(bureau, path) -> None:
    # given 李娜 signed in
    client = signed_in(bureau.users["li"])
    # when she opens a page, calls the API or downloads an export
    response = client.get(path)
    # then no cache (proxy or browser) may keep it
    assert response.status_code == 200
    assert no_store(response)


def test_an_api_call_with_a_token_is_not_stored_either(bureau) -> None:
    key = create_token(bureau.users["zhou"], actor=bureau.users["admin"], name="大屏")
    response = Client().get("/api/v1/findings", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert no_store(response)


# --- characters the database cannot store ------------------------------------------------------

NUL = "\x00"


@pytest.mark.parametrize(
    ("path", "where"),
    [
        (f"/cases/C{NUL}1/", "网址路径"),
        (f"/rules/XS{NUL}/", "网址路径"),
        (f"/daily/U-CN{NUL}/2026-03-02/", "网址路径"),
        (f"/findings/?rule={NUL}", "查询参数“rule”"),
        (f"/findings/export.xlsx?unit=U{NUL}", "查询参数“unit”"),
        (f"/problems/?officer=O{NUL}", "查询参数“officer”"),
        (f"/problems/export.xlsx?rule={NUL}", "查询参数“rule”"),
        (f"/disputes/?status={NUL}", "查询参数“status”"),
        (f"/accounts/unmask/?type=person&id=P{NUL}&field=id_number", "查询参数“id”"),
    ],
)
def test_pages_refuse_nul_with_a_chinese_400(bureau, path: str, where: str) -> None:
    # given 周敏 (法制大队, bureau-wide) signed in
    client = signed_in(bureau.users["zhou"])
    # when a page gets a NUL in its path or a parameter
    response = client.get(path)
    # then it answers 400 with a Chinese page naming where, not a 500 or a broken export
    assert response.status_code == 400
    body = response.content.decode()
    assert "请求有误" in body
    assert where in body
    assert "无法保存的字符" in body


@pytest.mark.parametrize(
    ("path", "where"),
    [
        (f"/api/v1/cases/C{NUL}1", "网址路径"),
        (f"/api/v1/rules/R{NUL}", "网址路径"),
        (f"/api/v1/findings?rule={NUL}", "查询参数“rule”"),
        (f"/api/v1/findings?subject_type=case{NUL}", "查询参数“subject_type”"),
        (f"/api/v1/findings?unit={NUL}", "查询参数“unit”"),
        (f"/api/v1/problems?officer={NUL}", "查询参数“officer”"),
        (f"/api/v1/daily/sheets?unit={NUL}", "查询参数“unit”"),
        (f"/api/v1/disputes?colour={NUL}", "查询参数“colour”"),
    ],
)
def test_api_calls_refuse_nul_with_a_chinese_json_400(bureau, path: str, where: str) -> None:
    response = signed_in(bureau.users["zhou"]).get(path)
    assert response.status_code == 400
    assert where in response.json()["detail"]
    assert "无法保存的字符" in response.json()["detail"]


def test_a_json_body_with_nul_or_a_lone_surrogate_is_refused(bureau) -> None:
    key = create_token(bureau.users["li"], actor=bureau.users["admin"], name="集成")
    for escaped in ("\\u0000", "\\ud800"):
        # when an action's JSON body carries the character as an escape
        response = Client().post(
            "/api/v1/problems/1/actions/reject",
            data='{"comment": "退回' + escaped + '"}',
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )
        # then the field is named
        assert response.status_code == 400
        assert "JSON 请求体字段“comment”" in response.json()["detail"]


def test_a_form_post_with_nul_is_refused(bureau) -> None:
    # a sign-in attempt with a NUL in the user name (django-axes would store it)
    response = Client().post("/login/", {"username": f"li{NUL}", "password": "x"})
    assert response.status_code == 400
    assert "表单字段“username”" in response.content.decode()


def test_a_cookie_or_header_with_nul_is_refused(bureau) -> None:
    client = signed_in(bureau.users["li"])
    client.cookies["sessionid"] = f"abc{NUL}def"
    assert client.get("/").status_code == 400
    response = Client().get("/login/", HTTP_USER_AGENT=f"probe{NUL}")
    assert response.status_code == 400
    assert "请求头 User-Agent" in response.content.decode()


def test_ordinary_chinese_input_passes(bureau) -> None:
    client = signed_in(bureau.users["zhou"])
    assert client.get("/findings/?rule=XS-JL-01&state=all").status_code == 200
    response = client.get("/api/v1/findings", {"subject_type": "案件 ✓ 𠀀"})
    assert response.status_code == 200
    assert json.loads(response.content)["count"] == 0


def test_a_form_body_that_cannot_be_read_is_a_chinese_400(bureau) -> None:
    key = create_token(bureau.users["li"], actor=bureau.users["admin"], name="集成")
    response = Client().post(
        "/api/v1/problems/1/actions/reject", data=b"--x\r\n", content_type="multipart/form-data",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )  # fmt: skip
    assert response.status_code == 400
    assert "表单数据（multipart）格式有误" in response.json()["detail"]
