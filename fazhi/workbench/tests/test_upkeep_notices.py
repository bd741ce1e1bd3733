"""Administrators' notices (a year's holiday notice to load) reach administrators and the
法制大队 only, never a 民警's or a unit leader's workbench."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from fazhi.patrol.models import PatrolRun, RunMode

pytestmark = pytest.mark.django_db

NOTICE = "尚未录入2027年国务院办公厅节假日安排"


@pytest.fixture
def run_without_2027(db: Any) -> PatrolRun:
    # the last patrol met deadlines in 2027, a year the holiday calendar does not know yet
    now = timezone.now()
    return PatrolRun.objects.create(
        as_of=now, mode=RunMode.FULL, actor="system", watermark=now,
        stats={"calendar_unknown_years": [2027]},
    )  # fmt: skip


def workbench(bureau: Any, name: str) -> str:
    client = Client()
    client.force_login(bureau.users[name])
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("name", ["admin", "zhou"])
def test_administrators_and_the_legal_brigade_are_told(
    bureau: Any, run_without_2027: PatrolRun, name: str
) -> None:
    # when the administrator or a 法制大队 user opens the workbench / then the notice is there
    html = workbench(bureau, name)
    assert NOTICE in html
    # what to do, in words a 法制大队 user reads (the command is the administrators' manual's)
    assert "请管理员在管理后台的节假日安排中录入" in html


@pytest.mark.parametrize("name", ["zhang", "zhao", "li", "chen", "liu", "sun", "wu"])
def test_other_roles_are_not_told(bureau: Any, run_without_2027: PatrolRun, name: str) -> None:
    # when a 民警, a unit's 法制员 or leader, or the 局领导 opens the workbench
    html = workbench(bureau, name)
    # then no word of it (they cannot act on it), but the last patrol is still shown
    assert NOTICE not in html
    assert "节假日安排" not in html
    assert "最近一次巡查" in html
