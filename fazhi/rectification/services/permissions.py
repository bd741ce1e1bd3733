"""Who may do what: ``allowed_actions`` for a problem and ``allowed_finding_actions`` for a
finding with no problem in progress. The views show exactly those forms, and every service checks
the same rules (``require_action``, ``require_finding_action``) before it changes anything.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q

from fazhi.accounts.models import Role
from fazhi.core.scope import DataScope, can_see, scope_of
from fazhi.patrol.models import Finding, FindingStatus
from fazhi.rectification.error_codes import ErrorCode
from fazhi.rectification.models import FINAL_STATUSES, Problem, ProblemStatus
from fazhi.rectification.services.errors import RectificationError

SUBMIT = "submit_fix"
APPROVE = "approve_fix"
REJECT = "reject_fix"
APPEAL = "appeal"
DECIDE = "decide_appeal"
DISMISS = "dismiss"
PUSH = "push"
CONFIRM = "confirm"

ACTION_LABELS = {
    SUBMIT: "提交整改",
    APPROVE: "审核销号",
    REJECT: "退回",
    APPEAL: "申诉",
    DECIDE: "申诉裁决",
    DISMISS: "不予认定",
    PUSH: "推送整改",
    CONFIRM: "确认疑点",
}


def _is_reviewer(scope: DataScope) -> bool:
    """法制员 (of a unit in scope) or 法制大队: the people who review, confirm and dismiss."""
    return scope.role in (Role.LEGAL_OFFICER, Role.LEGAL_BRIGADE)


def _problem_actions(scope: DataScope, sees: bool, status: str) -> set[str]:
    if not sees:
        return set()
    actions: set[str] = set()
    reviewer = _is_reviewer(scope)
    if status == ProblemStatus.OPEN:
        if scope.role in (Role.OFFICER, Role.BUSINESS_LEAD):
            # the responsible 民警 (a 民警 sees only his own problems), or his 业务负责人
            actions.add(SUBMIT)
        if scope.role == Role.OFFICER:
            actions.add(APPEAL)
        if reviewer:
            actions.add(DISMISS)
    elif status == ProblemStatus.FIXED:
        if reviewer:
            actions |= {APPROVE, REJECT, DISMISS}
    elif status == ProblemStatus.APPEALED and reviewer:
        actions.add(DECIDE)
    return actions


def allowed_actions(problem: Problem, user: Any) -> set[str]:
    """The actions ``user`` may take on ``problem`` now (one query for the data scope)."""
    scope = scope_of(user)
    return _problem_actions(scope, can_see(problem, scope), problem.status)


def _finding_actions(
    scope: DataScope, sees: bool, finding: Finding, judged: bool, active: bool
) -> set[str]:
    if not sees or not _is_reviewer(scope) or active:
        return set()
    actions: set[str] = set()
    if finding.is_open:
        actions.add(PUSH)
    if finding.status == FindingStatus.SUSPICION and not judged:
        # a suspicion is judged once: confirmed (a problem) or dismissed (counted per rule)
        if finding.is_open:
            actions.add(CONFIRM)
        actions.add(DISMISS)
    return actions


def allowed_finding_actions(finding: Finding, user: Any) -> set[str]:
    """What ``user`` may do with a finding that has no problem in progress: push it to its
    officer, confirm a suspicion, dismiss a suspicion (不予认定)."""
    scope = scope_of(user)
    judged, active = _finding_problems(finding)
    return _finding_actions(scope, can_see(finding, scope), finding, judged, active)


def _finding_problems(finding: Finding) -> tuple[bool, bool]:
    """(has any problem ever, has a problem in progress), one query."""
    row = Problem.objects.filter(finding=finding).aggregate(
        total=Count("pk"), active=Count("pk", filter=~Q(status__in=FINAL_STATUSES))
    )
    return bool(row["total"]), bool(row["active"])


def active_user(actor: User) -> User:
    if not actor.is_active:
        raise PermissionDenied(f"用户 {actor.get_username()} 已停用")
    return actor


def require_action(problem: Problem, actor: User, action: str) -> Any:
    """The user ``actor`` if he may take ``action`` on ``problem`` now; else a Chinese refusal:
    RectificationError when only the problem's state forbids it, PermissionDenied otherwise."""
    user = active_user(actor)
    scope = scope_of(user)
    sees = can_see(problem, scope)
    if action in _problem_actions(scope, sees, problem.status):
        return user
    label = ACTION_LABELS[action]
    if any(action in _problem_actions(scope, sees, s) for s in ProblemStatus.values):
        raise RectificationError(
            ErrorCode.WRONG_STATUS,
            f"问题#{problem.pk}当前状态为“{problem.get_status_display()}”，不能{label}",
        )
    raise PermissionDenied(
        f"用户 {actor}（{scope.role or '无角色'}）无权对问题#{problem.pk}{label}"
    )


def require_finding_action(finding: Finding, actor: User, action: str) -> Any:
    user = active_user(actor)
    scope = scope_of(user)
    judged, active = _finding_problems(finding)
    sees = can_see(finding, scope)
    if action in _finding_actions(scope, sees, finding, judged, active):
        return user
    label = ACTION_LABELS[action]
    if not sees or not _is_reviewer(scope):
        raise PermissionDenied(
            f"用户 {actor}（{scope.role or '无角色'}）无权对巡查发现#{finding.pk}{label}"
        )
    if active:
        raise RectificationError(
            ErrorCode.ALREADY_IN_PROGRESS,
            f"巡查发现#{finding.pk}已有正在整改的问题，不能重复{label}",
        )
    if judged:
        raise RectificationError(
            ErrorCode.ALREADY_JUDGED, f"巡查发现#{finding.pk}的疑点已经认定过，不能再次{label}"
        )
    if not finding.is_open:
        raise RectificationError(
            ErrorCode.FINDING_CLOSED,
            f"巡查发现#{finding.pk}已消除（{finding.close_reason}），不能{label}",
        )
    raise RectificationError(
        ErrorCode.WRONG_STATUS,
        f"巡查发现#{finding.pk}的状态为“{finding.get_status_display()}”，不能{label}",
    )


def need_text(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise RectificationError(ErrorCode.TEXT_REQUIRED, f"请填写{what}")
    return text
