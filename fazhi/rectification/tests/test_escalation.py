"""Automatic problems, escalation along the five levels by the clock, 约谈提醒, the tick."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model

from fazhi.accounts.scope import scope_of
from fazhi.accounts.services import system_user
from fazhi.notifications.models import Notification
from fazhi.rectification.models import (
    InterviewReminder,
    Problem,
    ProblemAction,
    ProblemSource,
    ProblemStatus,
    Verb,
)
from fazhi.rectification.services.board import overdue_board
from fazhi.rectification.services.creation import (
    create_problems_from_findings,
    dismiss_finding,
    push_problem,
)
from fazhi.rectification.services.due import target_level
from fazhi.rectification.services.escalation import escalate_problems
from fazhi.rectification.services.interviews import interview_reminders
from fazhi.rectification.services.policy import change_policy
from fazhi.rectification.services.tick import tick_rectification
from fazhi.rectification.services.transitions import appeal, approve_fix, submit_fix
from fazhi.rectification.tests.conftest import DUE0, T0, sh

pytestmark = pytest.mark.django_db

MINUTE = timedelta(minutes=1)


def levels() -> list[int]:
    return list(Problem.objects.order_by("pk").values_list("level", flat=True))


def kinds(username: str) -> list[str]:
    return list(
        Notification.objects.filter(user__username=username)
        .order_by("pk")
        .values_list("kind", flat=True)
    )


# --- automatic problems ------------------------------------------------------------------------


def test_violations_become_problems_warnings_and_suspicions_do_not(bureau, make_finding):
    # given findings of every status, and a closed violation
    auto = [make_finding(status=st) for st in ("violation", "overdue", "late")]
    for st in ("warning", "suspicion"):
        make_finding(status=st)
    make_finding(status="violation", is_open=False)
    # when the tick creates problems
    result = create_problems_from_findings(T0, system_user())
    # then exactly the three open violations became automatic problems for 张伟
    assert result == {"created": 3}
    assert set(Problem.objects.values_list("finding_id", flat=True)) == {f.pk for f in auto}
    assert set(Problem.objects.values_list("source", flat=True)) == {ProblemSource.AUTO}
    assert set(Problem.objects.values_list("due_at", flat=True)) == {DUE0}
    # (in one digest: the bureau's default groups the tick's notices, these by day having no case)
    assert kinds("zhang") == ["problem"]
    assert Notification.objects.get(user__username="zhang").item_count == 3
    assert ProblemAction.objects.filter(verb=Verb.CREATE).count() == 3


def test_automatic_creation_is_idempotent(bureau, make_finding):
    make_finding()
    create_problems_from_findings(T0, system_user())
    assert create_problems_from_findings(T0 + MINUTE, system_user()) == {"created": 0}
    # not even after 销号 while the finding stays open: a new cycle needs a push
    problem = Problem.objects.get()
    submit_fix(problem, actor=bureau.users["zhang"], comment="已整改", now=T0)
    approve_fix(problem, actor=bureau.users["li"], now=T0)
    assert create_problems_from_findings(T0 + MINUTE, system_user()) == {"created": 0}
    assert Problem.objects.count() == 1


def test_a_finding_without_officer_goes_to_the_units_legal_officer(bureau, make_finding):
    make_finding(officer=None, unit="south")
    create_problems_from_findings(T0, system_user())
    assert kinds("li") == ["problem"]
    assert kinds("wang") == []


# --- escalation --------------------------------------------------------------------------------


def test_escalation_step_by_step(bureau, problem):
    # given 张伟's problem due at the end of Thursday 5 March, one working day per level
    assert problem.due_at == DUE0
    # at the due time nothing happens
    assert escalate_problems(DUE0, system_user()) == {"escalated": 0, "steps": 0}
    assert levels() == [1]
    # a minute later it reaches the 法制员 (level 2), who is told
    escalate_problems(DUE0 + MINUTE, system_user())
    assert levels() == [2]
    assert kinds("li") == ["escalation"]
    assert kinds("chen") == []
    # end of Friday 6 March: 业务负责人 (level 3)
    escalate_problems(sh(2026, 3, 7, 0, 0), system_user())
    assert levels() == [2]
    escalate_problems(sh(2026, 3, 7, 0, 1), system_user())
    assert levels() == [3]
    assert kinds("chen") == ["escalation"]
    # the weekend does not count: still level 3 on Sunday evening
    escalate_problems(sh(2026, 3, 8, 23, 0), system_user())
    assert levels() == [3]
    # end of Monday 9 March: 分管法制领导; end of Tuesday 10 March: 所队长
    escalate_problems(sh(2026, 3, 10, 0, 1), system_user())
    assert levels() == [4]
    assert kinds("liu") == ["escalation"]
    escalate_problems(sh(2026, 3, 11, 0, 1), system_user())
    assert levels() == [5]
    assert kinds("sun") == ["escalation"]
    # level 5 is the top
    assert escalate_problems(sh(2026, 4, 30), system_user()) == {"escalated": 0, "steps": 0}
    history = list(problem.actions.filter(verb=Verb.ESCALATE).values_list("level", flat=True))
    assert history == [2, 3, 4, 5]
    # nobody of 城北 heard of it
    assert kinds("wang") == []
    assert kinds("zhao") == []


def test_a_late_tick_climbs_every_level_it_missed(bureau, problem):
    result = escalate_problems(sh(2026, 3, 9, 12), system_user())
    assert result == {"escalated": 1, "steps": 2}
    assert levels() == [3]
    assert kinds("li") == ["escalation"]
    assert kinds("chen") == ["escalation"]


def test_a_longer_interval_slows_escalation(bureau, problem):
    change_policy(actor=bureau.users["zhou"], reason="试行两日一级", escalation_days=2)
    escalate_problems(sh(2026, 3, 7, 0, 1), system_user())
    assert levels() == [2]
    escalate_problems(sh(2026, 3, 10, 0, 1), system_user())
    assert levels() == [3]


def test_fixed_or_appealed_problems_do_not_escalate(bureau, problem, make_finding):
    submit_fix(problem, actor=bureau.users["zhang"], comment="已整改", now=T0)
    other = push_problem(make_finding(), actor=bureau.users["li"], now=T0)
    appeal(other, actor=bureau.users["zhang"], reason="不成立", now=T0)
    assert escalate_problems(sh(2026, 3, 20), system_user())["escalated"] == 0
    assert levels() == [1, 1]


def test_escalation_claims_each_problem_once(bureau, problem, monkeypatch):
    # given another tick that escalates the problem after this tick has read it at level 1
    now = DUE0 + MINUTE
    real = target_level
    raced: list[dict] = []
    started: list[bool] = []

    def read_then_lose_the_race(*args):
        if not started:
            started.append(True)
            # the other tick runs as an account of its own, to tell its rows apart
            other = get_user_model().objects.create(username="other-tick", is_active=False)
            raced.append(escalate_problems(now, other))
        return real(*args)

    # escalate_problems looks target_level up in its own module
    monkeypatch.setattr(
        "fazhi.rectification.services.escalation.target_level", read_then_lose_the_race
    )
    # when this tick tries to claim it
    result = escalate_problems(now, system_user())
    # then only the other tick escalated it: one history row, one notification
    assert raced == [{"escalated": 1, "steps": 1}]
    assert result == {"escalated": 0, "steps": 0}
    assert levels() == [2]
    steps = ProblemAction.objects.filter(verb=Verb.ESCALATE)
    assert list(steps.values_list("actor", flat=True)) == ["other-tick"]
    assert kinds("li") == ["escalation"]


# --- 约谈提醒 ----------------------------------------------------------------------------------


def test_interview_reminder_once_per_month(bureau, make_finding):
    # given 张伟 with two problems this month: below the threshold of three
    for _ in range(2):
        push_problem(make_finding(), actor=bureau.users["li"], now=T0)
    assert interview_reminders(T0, system_user()) == {"interviews": 0}
    # a third makes the reminder, to him and his unit's leaders
    push_problem(make_finding(), actor=bureau.users["li"], now=T0)
    assert interview_reminders(T0, system_user()) == {"interviews": 1}
    reminder = InterviewReminder.objects.get()
    assert (reminder.officer_id, reminder.problem_count, str(reminder.month)) == (
        "O-001",
        3,
        "2026-03-01",
    )
    for user in ("zhang", "chen", "liu", "sun"):
        assert "interview" in kinds(user), user
    assert "interview" not in kinds("wang")
    # a fourth problem in the same month does not remind again
    push_problem(make_finding(), actor=bureau.users["li"], now=T0)
    assert interview_reminders(T0 + timedelta(days=3), system_user()) == {"interviews": 0}
    assert InterviewReminder.objects.count() == 1
    # next month counts afresh
    assert interview_reminders(sh(2026, 4, 1, 9), system_user()) == {"interviews": 0}


def test_dismissed_problems_do_not_count_for_an_interview(bureau, make_finding):
    for _ in range(3):
        p = push_problem(make_finding(), actor=bureau.users["li"], now=T0)
    dismiss_finding(p.finding, actor=bureau.users["li"], reason="误报", now=T0)
    assert interview_reminders(T0, system_user()) == {"interviews": 0}


# --- the tick and the board --------------------------------------------------------------------


def snapshot() -> tuple:
    return (
        list(Problem.objects.order_by("pk").values_list("finding_id", "status", "level")),
        ProblemAction.objects.count(),
        Notification.objects.count(),
        InterviewReminder.objects.count(),
    )


def test_tick_twice_gives_the_same_result(bureau, make_finding):
    for _ in range(3):
        make_finding()
    now = sh(2026, 3, 9, 12)
    # the first tick creates (due 12 March: not yet late) and reminds
    first = tick_rectification(now, system_user())
    assert first == {"created": 3, "escalated": 0, "steps": 0, "interviews": 1}
    after_first = snapshot()
    assert tick_rectification(now, system_user()) == {
        "created": 0,
        "escalated": 0,
        "steps": 0,
        "interviews": 0,
    }
    assert snapshot() == after_first
    later = sh(2026, 3, 13, 9)
    assert tick_rectification(later, system_user())["escalated"] == 3
    after_escalation = snapshot()
    assert tick_rectification(later, system_user())["escalated"] == 0
    assert snapshot() == after_escalation


def test_fazhi_tick_runs_the_step(bureau, make_finding):
    from fazhi.core.tick import run_tick

    make_finding()
    result = run_tick(now=T0, only=["rectification"])
    assert result is not None
    assert result["steps"]["rectification"]["created"] == 1


def test_overdue_board_by_unit_and_scope(bureau, make_finding):
    push_problem(make_finding("zhang"), actor=bureau.users["li"], now=T0)
    push_problem(make_finding("zhang"), actor=bureau.users["li"], now=T0)
    push_problem(make_finding("zhao"), actor=bureau.users["wang"], now=sh(2026, 3, 3, 10))
    escalate_problems(sh(2026, 3, 7, 12), system_user())
    now = sh(2026, 3, 7, 12)
    board = overdue_board(scope_of(bureau.users["wu"]), now)
    rows = {r["unit_id"]: r for r in board["rows"]}
    assert rows["U-CN"]["count"] == 2
    assert rows["U-CN"]["levels"] == [0, 0, 2, 0, 0]
    assert rows["U-CN"]["oldest"] == DUE0
    assert rows["U-CB"]["count"] == 1
    assert rows["U-CB"]["levels"] == [0, 1, 0, 0, 0]
    assert board["total"] == 3
    # 李娜 sees only 城南; 赵强 only his own
    assert [r["unit_id"] for r in overdue_board(scope_of(bureau.users["li"]), now)["rows"]] == [
        "U-CN"
    ]
    assert overdue_board(scope_of(bureau.users["zhao"]), now)["total"] == 1


def test_a_problem_stays_after_its_finding_closes(bureau, problem):
    problem.finding.is_open = False
    problem.finding.close_reason = "已不再成立"
    problem.finding.save()
    tick_rectification(T0 + MINUTE, system_user())
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN
