"""静默: a rule silenced for a unit or an officer still finds and lists, but pushes no problem
(and so sends no notice) while the silence lasts; who may set and lift one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from fazhi.accounts.services import system_user
from fazhi.core.models import AuditEvent
from fazhi.notifications.models import Notification
from fazhi.patrol.models import Finding, Rule
from fazhi.rectification.models import Problem, Silence
from fazhi.rectification.services.creation import create_problems_from_findings
from fazhi.rectification.services.errors import RectificationError
from fazhi.rectification.services.silences import lift_silence, silence_rule

pytestmark = pytest.mark.django_db


def _silence(scene: Any, **kw: Any) -> Silence:
    now = timezone.now()
    kw.setdefault("starts_at", now - timedelta(hours=1))
    kw.setdefault("ends_at", now + timedelta(days=7))
    return silence_rule(
        actor=scene.bureau.users["zhou"], rule=Rule.objects.get(pk="GF-BA-01"),
        reason="城北办案区改造，安检记录暂由纸质登记", **kw,
    )  # fmt: skip


def test_a_silenced_units_finding_is_listed_but_pushes_no_problem(scene: Any) -> None:
    # given GF-BA-01 silenced for 城北 for a week
    _silence(scene, unit=scene.bureau.units["north"])
    # when the tick turns findings into problems
    create_problems_from_findings(timezone.now(), system_user())
    # then the 城北 violation is still an open finding, with no problem and no notice
    assert Finding.objects.get(pk=scene.violation.pk).is_open
    assert not Problem.objects.filter(finding=scene.violation).exists()
    assert not Notification.objects.filter(user=scene.bureau.users["zhao"]).exists()


def test_a_silence_of_another_unit_or_officer_changes_nothing(scene: Any) -> None:
    _silence(scene, unit=scene.bureau.units["south"])
    _silence(scene, officer=scene.bureau.officers["zhang"])
    create_problems_from_findings(timezone.now(), system_user())
    assert Problem.objects.filter(finding=scene.violation).exists()


def test_an_officers_silence_covers_his_findings(scene: Any) -> None:
    _silence(scene, officer=scene.bureau.officers["zhao"])
    create_problems_from_findings(timezone.now(), system_user())
    assert not Problem.objects.filter(finding=scene.violation).exists()


def test_after_the_silence_ends_or_is_lifted_the_problem_is_pushed(scene: Any) -> None:
    # given a silence of 城北 until tomorrow
    silence = _silence(scene, unit=scene.bureau.units["north"])
    # when the tick runs the day after it ended: the problem is pushed then
    create_problems_from_findings(timezone.now() + timedelta(days=8), system_user())
    assert Problem.objects.filter(finding=scene.violation).exists()
    Problem.objects.all().delete()
    # and a lifted silence no longer holds anything back
    lift_silence(actor=scene.bureau.users["zhou"], silence=silence, reason="改造完成")
    create_problems_from_findings(timezone.now(), system_user())
    assert Problem.objects.filter(finding=scene.violation).exists()
    assert AuditEvent.objects.filter(action="rule.silence_lift").count() == 1


@pytest.mark.parametrize("name", ["li", "wang", "sun", "zhang", "wu"])
def test_only_the_legal_brigade_and_administrators_may_silence(scene: Any, name: str) -> None:
    with pytest.raises(RectificationError) as caught:
        silence_rule(
            actor=scene.bureau.users[name], rule=Rule.objects.get(pk="GF-BA-01"),
            unit=scene.bureau.units["north"], starts_at=timezone.now(),
            ends_at=timezone.now() + timedelta(days=1), reason="x",
        )  # fmt: skip
    assert caught.value.code == "silence_not_allowed"
    silence = _silence(scene, unit=scene.bureau.units["north"])
    with pytest.raises(RectificationError):
        lift_silence(actor=scene.bureau.users[name], silence=silence, reason="x")


def test_a_silence_needs_one_target_a_reason_and_at_most_ninety_days(scene: Any) -> None:
    with pytest.raises(RectificationError, match="一个单位或一名民警"):
        _silence(scene)
    with pytest.raises(RectificationError, match="最长 90 天"):
        _silence(scene, unit=scene.bureau.units["north"],
                 ends_at=timezone.now() + timedelta(days=120))  # fmt: skip
    with pytest.raises(RectificationError, match="理由"):
        silence_rule(
            actor=scene.bureau.users["zhou"], rule=Rule.objects.get(pk="GF-BA-01"),
            unit=scene.bureau.units["north"], starts_at=timezone.now(),
            ends_at=timezone.now() + timedelta(days=1), reason=" ",
        )  # fmt: skip
    assert not Silence.objects.exists()


def test_the_rule_page_shows_silences_and_the_brigade_sets_one(scene: Any) -> None:
    client = scene.client("zhou")
    now = timezone.localtime()
    response = client.post("/problems/silences/GF-BA-01/", {
        "unit": "U-CB", "officer": "",
        "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "reason": "办案区改造",
    })  # fmt: skip
    assert response.status_code == 302
    page = client.get("/rules/GF-BA-01/").content.decode()
    assert "办案区改造" in page
    assert "静默中" in page
    assert 'id="silence-form"' in page
    # a 法制员 sees the silence of his scope but no form, and cannot post one
    li = scene.client("wang")
    assert "办案区改造" in li.get("/rules/GF-BA-01/").content.decode()
    assert 'id="silence-form"' not in li.get("/rules/GF-BA-01/").content.decode()
    assert li.post("/problems/silences/GF-BA-01/", {"unit": "U-CB"}).status_code == 403
