"""Scope non-interference: whatever a user of 城南派出所 does in his unit (push a problem,
rectify, confirm the daily sheet, record a dispute visit …) changes nothing a user of 城北派出所
can see: not a page of his, not an API answer, not a row in his data scope, not a notice.

What a 城北 user sees is taken before and after the 城南 user acts: the HTML of his pages (CSRF
tokens and times of day left out: they change by themselves), his API answers, every row of
every scoped table that his scope lets him read (counted and digested), and his notifications.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from fazhi.accounts.models import Role
from fazhi.accounts.services import provision_user, system_user
from fazhi.core.scope import SCOPE_PATHS, scope_of, visible
from fazhi.dailycheck.models import DailyAnswer, DailySheet
from fazhi.dailycheck.services import generate_sheets
from fazhi.disputes.models import Dispute, DisputeStatus
from fazhi.disputes.services import tick_disputes
from fazhi.disputes.tests.builders import incident
from fazhi.notifications.models import Notification
from fazhi.patrol.models import Finding
from fazhi.records import models as m
from fazhi.rectification.models import Problem, ProblemStatus
from fazhi.rectification.services.creation import push_problem
from fazhi.rectification.services.transitions import submit_fix
from fazhi.testing.scene import Scene, make_finding

pytestmark = pytest.mark.django_db

# 城北 has only a 民警 (zhao) and a 法制员 (wang) in the bureau fixture: its leaders are added.
NORTH_LEADERS = [
    ("qian", "钱华", "业务负责人", Role.BUSINESS_LEAD),
    ("feng", "冯涛", "分管法制领导", Role.LEGAL_LEADER),
    ("he", "何平", "所队长", Role.CHIEF),
]
NORTH_USERS = ["zhao", "wang", "qian", "feng", "he"]


@dataclass
class Town:
    """The workbench scene, with in each unit problems, today's daily sheet and a dispute."""

    scene: Scene
    to_push: Finding  # a 城南 violation nobody has pushed yet
    problems: dict[str, Problem]  # 城南: "zhang" and "chen" open, "fixed" awaiting review
    north_problem: Problem
    sheets: dict[str, DailySheet]
    disputes: dict[str, Dispute]
    done: list[str] = field(default_factory=list)

    def client(self, name: str) -> Client:
        return self.scene.client(name)


def _violation(scene: Scene, subject: str, officer: str) -> Finding:
    bureau = scene.bureau
    return make_finding(
        "GF-BA-01", subject_type="venue_visit", subject_id=subject, status="violation",
        unit=bureau.officers[officer].unit, officer=bureau.officers[officer],
        case=scene.south_case if officer == "zhang" else scene.north_case,
        facts=[{"field": "venue_visit.safety_checked", "label": "人身安全检查", "value": False}],
        explanation="进入办案区未进行人身安全检查。",
    )  # fmt: skip


@pytest.fixture
def town(scene: Scene) -> Town:
    bureau = scene.bureau
    north = bureau.units["north"]
    for i, (key, name, title, role) in enumerate(NORTH_LEADERS, start=51):
        officer = m.Officer.objects.create(
            id=f"O-{i:03d}", name=name, unit=north, role=title, qualification="中级"
        )
        bureau.officers[key] = officer
        bureau.users[key] = provision_user(
            actor=system_user(), username=key, password=bureau.password, role=role, officer=officer
        )
    problems = {
        key: push_problem(
            _violation(scene, f"V-S-{key}", "zhang"), actor=bureau.users["li"], comment="请整改"
        )
        for key in ("zhang", "chen", "fixed")
    }
    submit_fix(problems["fixed"], actor=bureau.users["zhang"], comment="已补做人身安全检查记录")
    north_problem = push_problem(scene.violation, actor=bureau.users["wang"], comment="请整改")
    now = timezone.now()
    generate_sheets(timezone.localdate(now), now, actor=system_user())
    incident(bureau, "J-S9", at=now - timedelta(hours=2))
    incident(bureau, "J-N9", at=now - timedelta(hours=2), unit="north", officer="zhao",
             address="示范县城北街道和平路8号", phone="13900000002")  # fmt: skip
    tick_disputes(now, system_user())
    return Town(
        scene=scene,
        to_push=_violation(scene, "V-S-new", "zhang"),
        problems={k: Problem.objects.get(pk=p.pk) for k, p in problems.items()},
        north_problem=north_problem,
        sheets={k: DailySheet.objects.get(unit=bureau.units[k]) for k in ("south", "north")},
        disputes={
            "south": Dispute.objects.get(incident_id="J-S9"),
            "north": Dispute.objects.get(incident_id="J-N9"),
        },
    )


# --- what a user sees ---------------------------------------------------------------------------

VOLATILE_HTML = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'), 'name="csrfmiddlewaretoken"'),
    # a form's one-time token is fresh each time its page is drawn (core.forms.OnceForm)
    (re.compile(r'name="once" value="[^"]*"'), 'name="once"'),
    (re.compile(r'"X-CSRFToken": "[^"]*"'), '"X-CSRFToken"'),
    # the clock: dates and times rendered from "now" (今天, 更新于, relative deadlines)
    (re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2})?"), "<time>"),
    (re.compile(r"\d{1,2}:\d{2}(:\d{2})?"), "<time>"),
    (re.compile(r"\d+ ?(秒|分钟|小时)(前|后)"), "<ago>"),
    # time left or overdue (剩余3天16小时) moves with the clock: it failed CI when an hour
    # turned between the look before and the look after
    (re.compile(r"(\d+ ?(天|小时|分钟|秒))+"), "<span>"),
]


def _scrub(text: str) -> str:
    for pattern, replacement in VOLATILE_HTML:
        text = pattern.sub(replacement, text)
    return text


def _pages(town: Town) -> list[str]:
    north = town.scene.bureau.units["north"]
    zhao = town.scene.bureau.officers["zhao"]
    return [
        "/", "/findings/", f"/findings/{town.scene.violation.pk}/",
        f"/cases/{town.scene.north_case.pk}/", f"/officers/{zhao.pk}/",
        "/problems/", f"/problems/{town.north_problem.pk}/", "/problems/board/",
        "/notifications/",
        "/daily/", f"/daily/{north.pk}/{town.sheets['north'].day.isoformat()}/", "/daily/stats/",
        "/disputes/", f"/disputes/{town.disputes['north'].pk}/", "/disputes/visits/",
        "/disputes/analysis/",
        "/api/v1/me", "/api/v1/findings", "/api/v1/problems", "/api/v1/daily/sheets",
        "/api/v1/disputes", f"/api/v1/problems/{town.north_problem.pk}",
        f"/api/v1/disputes/{town.disputes['north'].pk}",
    ]  # fmt: skip


def _rows_in_scope(user: Any) -> dict[str, tuple[int, str]]:
    """Count and digest of every row the user's scope reaches, per scoped table."""
    scope = scope_of(user)
    result = {}
    for model in sorted(SCOPE_PATHS, key=lambda model: model._meta.label):
        rows = visible(model._default_manager.order_by("pk"), scope).values()
        text = json.dumps(list(rows), sort_keys=True, default=str, ensure_ascii=False)
        result[model._meta.label] = (len(rows), hashlib.sha256(text.encode()).hexdigest())
    return result


def seen_by(town: Town, name: str) -> dict[str, Any]:
    client = town.client(name)
    user = town.scene.bureau.users[name]
    seen: dict[str, Any] = {}
    for url in _pages(town):
        response = client.get(url)
        seen[url] = (response.status_code, _scrub(response.content.decode()))
    seen["rows in scope"] = _rows_in_scope(user)
    seen["notifications"] = list(
        Notification.objects.filter(user=user)
        .order_by("pk")
        .values_list("kind", "title", "body", "link", "read_at")
    )
    return seen


def assert_unchanged(name: str, before: dict[str, Any], after: dict[str, Any]) -> None:
    for key in before:
        if before[key] == after[key]:
            continue
        if isinstance(before[key], tuple) and isinstance(before[key][1], str):
            diff = difflib.unified_diff(
                before[key][1].splitlines(), after[key][1].splitlines(), lineterm="", n=1
            )
            detail = "\n".join(list(diff)[:40])
        else:
            detail = f"{before[key]!r}\n→ {after[key]!r}"
        pytest.fail(f"{name} sees {key} changed:\n{detail}")


# --- what the 城南 users do ---------------------------------------------------------------------


def _post(town: Town, name: str, url: str, data: dict[str, Any]) -> None:
    response = town.client(name).post(url, data)
    assert response.status_code == 302, (url, response.status_code)
    town.done.append(f"{name} {url}")


def rectify(town: Town, name: str, problem: str) -> None:
    p = town.problems[problem]
    _post(town, name, f"/problems/{p.pk}/submit_fix/", {"comment": "已补做人身安全检查并记录"})
    assert Problem.objects.get(pk=p.pk).status == ProblemStatus.FIXED


def push(town: Town, name: str) -> None:
    _post(town, name, f"/problems/push/{town.to_push.pk}/", {"comment": "请于三日内整改"})
    assert Problem.objects.filter(finding=town.to_push).exists()


def approve(town: Town, name: str) -> None:
    p = town.problems["fixed"]
    _post(town, name, f"/problems/{p.pk}/approve_fix/", {"comment": "整改到位，销号"})
    assert Problem.objects.get(pk=p.pk).status == ProblemStatus.CLOSED


def confirm_daily_sheet(town: Town, name: str) -> None:
    for answer in DailyAnswer.objects.filter(sheet=town.sheets["south"]).order_by("code"):
        _post(town, name, f"/daily/answer/{answer.pk}/confirm/",
              {"note": "已逐条核查", "seen_count": answer.count})  # fmt: skip
    assert DailySheet.objects.get(pk=town.sheets["south"].pk).completed_at is not None


def record_visit(town: Town, name: str) -> None:
    d = town.disputes["south"]
    _post(town, name, f"/disputes/{d.pk}/followup/", {"result": "未化解", "note": "双方仍有争执"})
    assert m.Followup.objects.filter(incident_id=d.incident_id).exists()


def answer_checklist(town: Town, name: str) -> None:
    d = town.disputes["south"]
    _post(town, name, f"/disputes/{d.pk}/checklist/", {"item": "C01", "answer": "已核实"})


def resolve(town: Town, name: str) -> None:
    d = town.disputes["south"]
    _post(town, name, f"/disputes/{d.pk}/resolve/", {"note": "双方达成和解"})
    assert Dispute.objects.get(pk=d.pk).status == DisputeStatus.RESOLVED


def escalate(town: Town, name: str) -> None:
    d = town.disputes["south"]
    _post(town, name, f"/disputes/{d.pk}/escalate/", {"reason": "有激化风险"})
    assert Dispute.objects.get(pk=d.pk).escalated_at is not None


# What each 城南 role does in its unit.
ACTIONS: dict[str, list[Callable[[Town, str], None]]] = {
    "zhang": [lambda t, n: rectify(t, n, "zhang"), record_visit],  # 民警
    "li": [push, approve, confirm_daily_sheet, record_visit],  # 法制员
    "chen": [lambda t, n: rectify(t, n, "chen"), answer_checklist],  # 业务负责人
    "liu": [record_visit, escalate],  # 分管法制领导
    "sun": [answer_checklist, resolve],  # 所队长
}


def test_what_south_users_do_changes_nothing_a_north_user_sees(town: Town) -> None:
    # given what every 城北 user sees (looked at twice: looking itself changes nothing)
    before = {name: seen_by(town, name) for name in NORTH_USERS}
    for name in NORTH_USERS:
        assert_unchanged(name, before[name], seen_by(town, name))
    # when each 城南 role in turn acts in its unit
    for actor, actions in ACTIONS.items():
        for action in actions:
            action(town, actor)
        # then no 城北 user sees anything changed
        for name in NORTH_USERS:
            assert_unchanged(f"{name}, after {actor} acted,", before[name], seen_by(town, name))


def test_the_same_look_sees_a_change_in_the_own_unit(town: Town) -> None:
    # given what the 城北 法制员 sees
    before = seen_by(town, "wang")
    # when the 城北 民警 submits the fix of his problem
    problem = town.north_problem
    response = town.client("zhao").post(
        f"/problems/{problem.pk}/submit_fix/", {"comment": "已补做人身安全检查并记录"}
    )
    assert response.status_code == 302
    # then the 法制员 sees it: on the problem's page, in the API, in his rows and his notices
    after = seen_by(town, "wang")
    changed = {key for key in before if before[key] != after[key]}
    assert {
        f"/problems/{problem.pk}/",
        f"/api/v1/problems/{problem.pk}",
        "/api/v1/problems",
        "rows in scope",
    } <= changed, sorted(changed)
