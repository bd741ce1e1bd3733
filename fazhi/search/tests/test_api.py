"""``GET /api/v1/search``: the search of the top bar for programs, with the same scope, masking
and audit as the page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from fazhi.core.audit_actions import AuditAction
from fazhi.core.models import AuditEvent
from fazhi.search.tests.conftest import ID_NUMBER, Scene

pytestmark = pytest.mark.django_db


def session(bureau: Any, name: str) -> Client:
    client = Client()
    client.force_login(bureau.users[name])
    return client


def test_search_answers_groups_within_scope(bureau: Any, scene: Scene) -> None:
    response = session(bureau, "wang").get("/api/v1/search", {"q": "孙小红"})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "孙小红"
    assert [g["kind"] for g in body["groups"]] == [
        "case", "incident", "person", "officer", "problem",
    ]  # fmt: skip
    persons = body["groups"][2]
    assert persons["label"] == "涉案人员"
    assert [h["id"] for h in persons["items"]] == ["C-N1-P1"]  # 城北's only
    assert persons["items"][0]["url"] == "/persons/C-N1-P1/"
    assert persons["items"][0]["time"] == "2026-02-23T09:00:00+08:00"
    assert persons["more"] is False


def test_search_by_token_masks_and_audits(bureau: Any, scene: Scene) -> None:
    from fazhi.api.services import create_token

    key = create_token(bureau.users["zhou"], actor=bureau.users["admin"], name="大屏")
    response = Client().get(
        "/api/v1/search", {"q": ID_NUMBER, "kind": "person"}, HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert ID_NUMBER not in text
    body = response.json()
    assert body["query"] == "110101********123X"
    assert {h["id"] for h in body["groups"][0]["items"]} == {"C-S1-P1", "C-N1-P1"}
    row = AuditEvent.objects.filter(action=AuditAction.SEARCH).get()
    assert row.actor == "zhou"
    assert row.details["via"] == "token:大屏"
    assert row.details["query"] == "110101********123X"


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "盗"}, {"q": " 盗 "}, {"q": "   "}, {"q": "盗" * 65}, {"q": "盗窃", "kind": "x"}],
)
def test_a_refused_query_is_a_422_naming_the_parameter(
    bureau: Any, scene: Scene, params: dict[str, str]
) -> None:
    response = session(bureau, "li").get("/api/v1/search", params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "bad_params"
    assert body["errors"][0]["loc"] == ["query", "kind" if "kind" in params else "q"]
    assert body["message"].startswith("请求参数不合法：")
    assert "不合法；" not in body["message"] + "；"  # each problem said in Chinese
    assert not AuditEvent.objects.filter(action=AuditAction.SEARCH).exists()


def test_anonymous_is_refused(bureau: Any, scene: Scene) -> None:
    assert Client().get("/api/v1/search", {"q": "盗窃"}).status_code == 401
