"""Every transition of the rectification loop, by an allowed user and refused for others."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from fazhi.core.errors import DomainError
from fazhi.core.models import AuditEvent
from fazhi.notifications.models import Notification
from fazhi.patrol.models import Finding
from fazhi.rectification.error_codes import ErrorCode
from fazhi.rectification.models import (
    Attachment,
    Problem,
    ProblemAction,
    ProblemSource,
    ProblemStatus,
    Verb,
)
from fazhi.rectification.services.creation import confirm_suspicion, dismiss_finding, push_problem
from fazhi.rectification.services.errors import RectificationError
from fazhi.rectification.services.permissions import (
    APPEAL,
    APPROVE,
    DISMISS,
    REJECT,
    SUBMIT,
    allowed_actions,
    allowed_finding_actions,
)
from fazhi.rectification.services.policy import change_policy
from fazhi.rectification.services.precision import precision_by_rule, rule_precision
from fazhi.rectification.services.transitions import (
    appeal,
    approve_fix,
    decide_appeal,
    reject_fix,
    submit_fix,
)
from fazhi.rectification.tests.conftest import DUE0, T0, sh, upload

pytestmark = pytest.mark.django_db

LATER = T0 + timedelta(hours=2)


def notified(username: str, kind: str) -> int:
    return Notification.objects.filter(user__username=username, kind=kind).count()


def person(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def fixed(problem, actor="zhang"):
    return submit_fix(problem, actor=person(actor), comment="已补出具回执", now=LATER)


def appealed(problem):
    return appeal(problem, actor=person("zhang"), reason="回执已按时出具，系统未录入", now=LATER)


# --- push / confirm / dismiss a finding --------------------------------------------------------


def test_push_makes_an_open_problem_due_in_three_working_days(bureau, make_finding):
    # given a violation of 张伟 with no problem
    finding = make_finding("zhang")
    # when 李娜 (法制员 城南) pushes it
    problem = push_problem(finding, actor=bureau.users["li"], comment="请整改", now=T0)
    # then an open level-1 problem with copies of the finding, due at the end of Thursday
    assert problem.status == ProblemStatus.OPEN
    assert problem.level == 1
    assert problem.source == ProblemSource.PUSHED
    assert (problem.officer_id, problem.unit_id, problem.rule_id) == ("O-001", "U-CN", "GF-T-01")
    assert problem.due_at == DUE0
    # and history, audit and 张伟's notification are written
    assert list(problem.actions.values_list("verb", "actor")) == [(Verb.PUSH, "li")]
    assert AuditEvent.objects.filter(action="rectification.push", target_id=str(problem.pk))
    assert notified("zhang", "problem") == 1


@pytest.mark.parametrize(("severity", "due"), [("严重", sh(2026, 3, 5)), ("较重", DUE0)])
def test_due_days_depend_on_severity(bureau, make_finding, severity, due):
    problem = push_problem(make_finding(severity=severity), actor=bureau.users["li"], now=T0)
    assert problem.due_at == due


def test_due_date_skips_the_national_day_holiday(bureau, make_finding):
    # given a push on Tuesday 29 September 2026, before the 国庆 holiday (1–7 October)
    problem = push_problem(make_finding(), actor=bureau.users["li"], now=sh(2026, 9, 29, 10))
    # then the three working days are 30 Sep, 8 Oct and 9 Oct
    assert problem.due_at == sh(2026, 10, 10)


@pytest.mark.parametrize("user", ["zhou"])
def test_legal_brigade_may_push_too(bureau, make_finding, user):
    assert (
        push_problem(make_finding(), actor=bureau.users[user], now=T0).status == ProblemStatus.OPEN
    )


@pytest.mark.parametrize("user", ["zhang", "wang", "chen", "sun", "wu", "admin", "zhao"])
def test_push_refused_for_others(bureau, make_finding, user):
    finding = make_finding("zhang")
    with pytest.raises(PermissionDenied):
        push_problem(finding, actor=bureau.users[user], now=T0)
    assert not Problem.objects.exists()


def test_a_finding_has_at_most_one_problem_in_progress(bureau, make_finding):
    finding = make_finding()
    push_problem(finding, actor=bureau.users["li"], now=T0)
    with pytest.raises(ValidationError, match="已有正在整改的问题"):
        push_problem(finding, actor=bureau.users["zhou"], now=T0)
    assert Problem.objects.count() == 1


def test_confirm_suspicion(bureau, make_finding):
    suspicion = make_finding(status="suspicion")
    problem = confirm_suspicion(suspicion, actor=bureau.users["li"], comment="属实", now=T0)
    assert problem.source == ProblemSource.SUSPICION
    assert problem.status == ProblemStatus.OPEN
    assert problem.actions.get().verb == Verb.CONFIRM


def test_confirm_refused_for_an_officer_and_for_a_violation(bureau, make_finding):
    with pytest.raises(PermissionDenied):
        confirm_suspicion(make_finding(status="suspicion"), actor=bureau.users["zhang"], now=T0)
    with pytest.raises(ValidationError, match="违规"):
        confirm_suspicion(make_finding(status="violation"), actor=bureau.users["li"], now=T0)


def test_dismiss_a_suspicion_counts_against_the_rule(bureau, make_finding):
    # given two suspicions: one confirmed, one judged false
    confirm_suspicion(make_finding(status="suspicion"), actor=bureau.users["li"], now=T0)
    false = make_finding(status="suspicion")
    problem = dismiss_finding(false, actor=bureau.users["li"], reason="嫌疑人系同名同姓", now=T0)
    # then the dismissal is a finished problem, and the rule's precision is 1 of 2
    assert problem.status == ProblemStatus.DISMISSED
    assert problem.finished_at == T0
    assert rule_precision("GF-T-01") == {"confirmed": 1, "dismissed": 1, "precision": 0.5}
    assert precision_by_rule()["GF-T-01"]["precision"] == 0.5
    # and a suspicion is judged only once
    with pytest.raises(ValidationError, match="已经认定过"):
        dismiss_finding(false, actor=bureau.users["zhou"], reason="再次", now=T0)


def test_dismiss_needs_a_reason_and_a_reviewer(bureau, make_finding):
    suspicion = make_finding(status="suspicion")
    with pytest.raises(ValidationError, match="理由"):
        dismiss_finding(suspicion, actor=bureau.users["li"], reason=" ", now=T0)
    with pytest.raises(PermissionDenied):
        dismiss_finding(suspicion, actor=bureau.users["zhang"], reason="不是我", now=T0)
    with pytest.raises(PermissionDenied):
        dismiss_finding(suspicion, actor=bureau.users["wang"], reason="外单位", now=T0)
    assert not Problem.objects.exists()


def test_dismiss_a_problem_in_progress(bureau, problem):
    dismiss_finding(problem.finding, actor=bureau.users["li"], reason="误报", now=LATER)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.DISMISSED
    assert rule_precision("GF-T-01")["dismissed"] == 1
    assert notified("zhang", "dismissed") == 1


def test_precision_is_none_when_nothing_was_judged(bureau, rule):
    assert rule_precision("GF-T-01") == {"confirmed": 0, "dismissed": 0, "precision": None}


# --- submit, approve, reject -------------------------------------------------------------------


@pytest.mark.parametrize("user", ["zhang", "chen"])
def test_submit_fix_by_the_officer_or_his_business_lead(bureau, problem, user):
    submit_fix(
        problem, actor=bureau.users[user], comment="已补出具回执", files=[upload()], now=LATER
    )
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.FIXED
    assert problem.fixed_at == LATER
    action = problem.actions.get(verb=Verb.SUBMIT)
    assert (action.from_status, action.to_status, action.actor) == ("open", "fixed", user)
    assert Attachment.objects.get().action == action
    # 李娜 is told there is a fix to review
    assert notified("li", "review") == 1


@pytest.mark.parametrize("user", ["li", "zhou", "zhao", "wang", "sun", "wu"])
def test_submit_fix_refused_for_others(bureau, problem, user):
    with pytest.raises(PermissionDenied):
        submit_fix(problem, actor=bureau.users[user], comment="x", now=LATER)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN


def test_submit_fix_needs_a_comment(bureau, problem):
    with pytest.raises(ValidationError, match="整改情况说明"):
        submit_fix(problem, actor=bureau.users["zhang"], comment="", now=LATER)


@pytest.mark.parametrize("user", ["li", "zhou"])
def test_approve_fix_strikes_off(bureau, problem, user):
    fixed(problem)
    approve_fix(problem, actor=bureau.users[user], comment="整改到位", now=LATER)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED
    assert problem.finished_at == LATER
    assert notified("zhang", "approved") == 1
    assert rule_precision("GF-T-01")["confirmed"] == 1


@pytest.mark.parametrize("user", ["zhang", "wang", "chen", "liu", "sun", "wu", "admin"])
def test_approve_refused_for_others(bureau, problem, user):
    fixed(problem)
    with pytest.raises(PermissionDenied):
        approve_fix(problem, actor=bureau.users[user], now=LATER)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.FIXED


def test_approve_refused_before_the_fix(bureau, problem):
    with pytest.raises(ValidationError, match="待整改"):
        approve_fix(problem, actor=bureau.users["li"], now=LATER)


def test_reject_fix_returns_it_with_a_new_due_date(bureau, problem):
    fixed(problem)
    reject_fix(problem, actor=bureau.users["li"], comment="回执未签名", now=sh(2026, 3, 4, 9))
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN
    assert problem.due_at == sh(2026, 3, 10)  # Wednesday + 3 working days: Monday 9 March
    reject = problem.actions.get(verb=Verb.REJECT)
    assert (reject.from_status, reject.to_status, reject.comment) == ("fixed", "open", "回执未签名")
    assert notified("zhang", "rejected") == 1


def test_reject_refused_for_the_officer_and_without_reason(bureau, problem):
    fixed(problem)
    with pytest.raises(PermissionDenied):
        reject_fix(problem, actor=bureau.users["zhang"], comment="x", now=LATER)
    with pytest.raises(ValidationError, match="退回理由"):
        reject_fix(problem, actor=bureau.users["li"], comment="", now=LATER)


def test_a_closed_problem_takes_no_more_action(bureau, problem):
    fixed(problem)
    approve_fix(problem, actor=bureau.users["li"], now=LATER)
    with pytest.raises(ValidationError, match="已销号"):
        submit_fix(problem, actor=bureau.users["zhang"], comment="again", now=LATER)
    assert allowed_actions(Problem.objects.get(), bureau.users["li"]) == set()
    # and the finding is settled with it: closed at once, offered no new push, refused one
    finding = Finding.objects.get(pk=problem.finding_id)
    assert (finding.is_open, finding.close_reason) == (False, "整改已销号")
    assert allowed_finding_actions(finding, bureau.users["li"]) == set()
    with pytest.raises(ValidationError):
        push_problem(finding, actor=bureau.users["li"], now=LATER)


# --- appeal ------------------------------------------------------------------------------------


def test_appeal_and_uphold(bureau, problem):
    appealed(problem)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.APPEALED
    assert notified("li", "appeal") == 1
    assert notified("zhou", "appeal") == 1
    decide_appeal(problem, actor=bureau.users["zhou"], upheld=True, comment="系统漏录", now=LATER)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.DISMISSED
    assert problem.actions.last().verb == Verb.UPHOLD
    assert rule_precision("GF-T-01") == {"confirmed": 0, "dismissed": 1, "precision": 0.0}


def test_appeal_overruled_goes_back_with_a_new_due_date(bureau, problem):
    appealed(problem)
    decide_appeal(
        problem,
        actor=bureau.users["li"],
        upheld=False,
        comment="回执确未出具",
        now=sh(2026, 3, 9, 9),
    )
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN
    assert problem.due_at == sh(2026, 3, 13)
    assert problem.actions.last().verb == Verb.OVERRULE
    assert notified("zhang", "appeal_decided") == 1


@pytest.mark.parametrize("user", ["li", "chen", "zhao", "zhou"])
def test_appeal_refused_for_anyone_but_the_officer(bureau, problem, user):
    with pytest.raises(PermissionDenied):
        appeal(problem, actor=bureau.users[user], reason="x", now=LATER)


@pytest.mark.parametrize("user", ["zhang", "wang", "chen", "sun", "wu"])
def test_decide_appeal_refused_for_others(bureau, problem, user):
    appealed(problem)
    with pytest.raises(PermissionDenied):
        decide_appeal(problem, actor=bureau.users[user], upheld=True, comment="x", now=LATER)


def test_decide_appeal_refused_when_not_appealed(bureau, problem):
    with pytest.raises(ValidationError, match="待整改"):
        decide_appeal(problem, actor=bureau.users["li"], upheld=True, comment="x", now=LATER)


def test_a_deactivated_user_is_refused(bureau, problem):
    # a user object held since before the account was switched off (actors are users now, so
    # an unknown name cannot reach the service; a deactivated account still can)
    zhang = bureau.users["zhang"]
    zhang.is_active = False
    zhang.save(update_fields=["is_active"])
    with pytest.raises(PermissionDenied, match="已停用"):
        submit_fix(problem, actor=zhang, comment="x", now=LATER)


# --- who may do what, in one place -------------------------------------------------------------


def test_allowed_actions_per_user_and_state(bureau, problem):
    users = bureau.users
    assert allowed_actions(problem, users["zhang"]) == {SUBMIT, APPEAL}
    assert allowed_actions(problem, users["chen"]) == {SUBMIT}
    assert allowed_actions(problem, users["li"]) == {DISMISS}
    for name in ("zhao", "wang", "sun", "liu", "wu", "admin"):
        assert allowed_actions(problem, users[name]) == set(), name
    fixed(problem)
    assert allowed_actions(problem, users["li"]) == {APPROVE, REJECT, DISMISS}
    assert allowed_actions(problem, users["zhou"]) == {APPROVE, REJECT, DISMISS}
    assert allowed_actions(problem, users["zhang"]) == set()


def test_history_records_every_step(bureau, problem):
    fixed(problem)
    reject_fix(problem, actor=bureau.users["li"], comment="不完整", now=LATER)
    fixed(problem)
    approve_fix(problem, actor=bureau.users["li"], now=LATER)
    steps = list(
        ProblemAction.objects.filter(problem=problem).values_list(
            "verb", "from_status", "to_status"
        )
    )
    assert steps == [
        ("push", "", "open"),
        ("submit", "open", "fixed"),
        ("reject", "fixed", "open"),
        ("submit", "open", "fixed"),
        ("approve", "fixed", "closed"),
    ]


# --- policy ------------------------------------------------------------------------------------


def test_policy_changed_by_the_legal_brigade_with_reason(bureau, make_finding):
    change = change_policy(
        actor=bureau.users["zhou"], reason="省厅要求严重问题一日内整改", due_days_grave=1
    )
    assert change.before["due_days_grave"] == 2
    assert change.after["due_days_grave"] == 1
    problem = push_problem(make_finding(severity="严重"), actor=bureau.users["li"], now=T0)
    assert problem.due_at == sh(2026, 3, 4)
    assert AuditEvent.objects.filter(action="rectification.policy", actor="zhou").exists()


@pytest.mark.parametrize("user", ["li", "zhang", "wu", "sun"])
def test_policy_refused_for_others(bureau, user):
    with pytest.raises(PermissionDenied):
        change_policy(actor=bureau.users[user], reason="x", due_days_minor=5)


def test_policy_refuses_bad_values(bureau):
    with pytest.raises(ValidationError, match="理由"):
        change_policy(actor=bureau.users["zhou"], reason="", due_days_minor=5)
    with pytest.raises(ValidationError, match="超出范围"):
        change_policy(actor=bureau.users["zhou"], reason="x", due_days_minor=0)
    with pytest.raises(ValidationError, match="不是整数"):
        change_policy(actor=bureau.users["zhou"], reason="x", escalation_days="两天")
    with pytest.raises(ValidationError, match="没有"):
        change_policy(actor=bureau.users["zhou"], reason="x", colour=1)


def test_a_second_problem_for_a_finding_is_a_conflict(bureau, make_finding):
    # given a finding pushed as a problem
    finding = make_finding()
    push_problem(finding, actor=bureau.users["li"], now=T0)
    # when li pushes it again
    with pytest.raises(RectificationError) as refused:
        push_problem(finding, actor=bureau.users["li"], now=T0)
    # then it is a domain error: a conflict with the finding's state (409), naming the finding;
    # still a ValidationError, which the pages catch to show the message
    error = refused.value
    assert isinstance(error, DomainError)
    assert isinstance(error, ValidationError)
    assert (error.code, error.status) == (ErrorCode.ALREADY_IN_PROGRESS, 409)
    assert error.message == f"巡查发现#{finding.pk}已有正在整改的问题，不能重复推送整改"


def test_every_step_has_an_audit_action() -> None:
    # steps are audited as rectification.<verb>: a Verb added without an AuditAction member
    # would fail at the first such step
    from fazhi.core.audit_actions import AuditAction
    from fazhi.rectification.models import Verb, verb_action

    for verb in Verb:
        assert verb_action(verb) is AuditAction(f"rectification.{verb.value}")
