"""rectification services: every state change of a problem, with an explicit actor, audited.

Who may do what is decided in one place, ``allowed_actions`` (and ``allowed_finding_actions``
for a finding that has no problem yet); the views show exactly those forms and every service
checks the same function before it changes anything.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import PurePath
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from fazhi.accounts.models import Role
from fazhi.accounts.scope import DataScope, can_see, scope_of, visible
from fazhi.core.services import record_audit
from fazhi.core.timezones import SHANGHAI
from fazhi.notifications.services import Message, notify_many
from fazhi.patrol.models import Finding, FindingStatus
from fazhi.patrol.periods import (
    HolidayCalendar,
    add_working_days,
    end_of_day,
)
from fazhi.records.models import Officer, Unit
from fazhi.rectification.models import (
    FINAL_STATUSES,
    LEVEL_ROLES,
    Attachment,
    InterviewReminder,
    Level,
    PolicyChange,
    Problem,
    ProblemAction,
    ProblemSource,
    ProblemStatus,
    RectificationPolicy,
    Verb,
)

# Findings of these statuses become problems without anyone's confirmation.
AUTO_STATUSES = (FindingStatus.VIOLATION, FindingStatus.OVERDUE, FindingStatus.LATE)
CHUNK = 500

# --- who may do what ---------------------------------------------------------------------------

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


def _user(actor: str) -> Any:
    user = get_user_model().objects.filter(username=actor, is_active=True).first()
    if user is None:
        raise PermissionDenied(f"用户 {actor} 不存在或已停用")
    return user


def require_action(problem: Problem, actor: str, action: str) -> Any:
    """The user ``actor`` if he may take ``action`` on ``problem`` now; else a Chinese refusal:
    ValidationError when only the problem's state forbids it, PermissionDenied otherwise."""
    user = _user(actor)
    scope = scope_of(user)
    sees = can_see(problem, scope)
    if action in _problem_actions(scope, sees, problem.status):
        return user
    label = ACTION_LABELS[action]
    if any(action in _problem_actions(scope, sees, s) for s in ProblemStatus.values):
        raise ValidationError(
            f"问题#{problem.pk}当前状态为“{problem.get_status_display()}”，不能{label}"
        )
    raise PermissionDenied(
        f"用户 {actor}（{scope.role or '无角色'}）无权对问题#{problem.pk}{label}"
    )


def require_finding_action(finding: Finding, actor: str, action: str) -> Any:
    user = _user(actor)
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
        raise ValidationError(f"巡查发现#{finding.pk}已有正在整改的问题，不能重复{label}")
    if judged:
        raise ValidationError(f"巡查发现#{finding.pk}的疑点已经认定过，不能再次{label}")
    if not finding.is_open:
        raise ValidationError(f"巡查发现#{finding.pk}已消除（{finding.close_reason}），不能{label}")
    raise ValidationError(
        f"巡查发现#{finding.pk}的状态为“{finding.get_status_display()}”，不能{label}"
    )


def _need_text(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(f"请填写{what}")
    return text


# --- due dates ---------------------------------------------------------------------------------


def due_at_for(
    start: datetime, severity: str, policy: RectificationPolicy, calendar: HolidayCalendar
) -> datetime:
    """End (24:00) of the N-th working day after ``start``'s day, N by severity."""
    day = timezone.localtime(start, SHANGHAI).date()
    return end_of_day(add_working_days(day, policy.due_days(severity), calendar))


def level_reached_at(
    due_at: datetime, level: int, interval: int, calendar: HolidayCalendar
) -> datetime:
    """The moment after which an unfixed problem stands at ``level`` (2..5): level 2 right
    after its due time, each further level ``interval`` working days later (end of that day)."""
    if level <= 2:
        return due_at
    due_day = (timezone.localtime(due_at, SHANGHAI) - timedelta(microseconds=1)).date()
    return end_of_day(add_working_days(due_day, (level - 2) * interval, calendar))


def target_level(due_at: datetime, now: datetime, interval: int, calendar: HolidayCalendar) -> int:
    level: int = Level.OFFICER
    for candidate in range(Level.LEGAL_OFFICER, Level.CHIEF + 1):
        if now > level_reached_at(due_at, candidate, interval, calendar):
            level = candidate
        else:
            break
    return level


# --- recipients --------------------------------------------------------------------------------


def _officer_users(officer_ids: Iterable[str]) -> dict[str, list[Any]]:
    """The users linked (accounts.Profile) to each officer, one query."""
    found: dict[str, list[Any]] = defaultdict(list)
    ids = {o for o in officer_ids if o}
    if ids:
        users = get_user_model().objects.filter(is_active=True, profile__officer_id__in=ids)
        for user in users.select_related("profile"):
            found[str(user.profile.officer_id)].append(user)
    return found


def _role_users(unit_ids: Iterable[str | None], role: str) -> dict[str, list[Any]]:
    """Per unit, the users whose officer record has ``role`` in that unit (or, without an
    officer record, whose profile does), one query."""
    ids = {u for u in unit_ids if u}
    found: dict[str, list[Any]] = defaultdict(list)
    if not ids:
        return found
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(profile__officer__role=role, profile__officer__unit_id__in=ids)
            | Q(profile__officer__isnull=True, profile__role=role, profile__unit_id__in=ids)
        )
    )
    for user in users.select_related("profile", "profile__officer").distinct():
        officer = user.profile.officer
        unit = officer.unit_id if officer is not None else user.profile.unit_id
        found[str(unit)].append(user)
    return found


def _brigade_users() -> list[Any]:
    return list(get_user_model().objects.filter(is_active=True, profile__role=Role.LEGAL_BRIGADE))


def _responsible_users(problems: Sequence[Problem]) -> dict[int, list[Any]]:
    """Level 1 of each problem: the responsible officer's users; the unit's 法制员 when the
    finding names no officer (or he has no account), so that nothing is pushed to nobody."""
    by_officer = _officer_users(p.officer_id for p in problems if p.officer_id)
    orphans = [p for p in problems if not by_officer.get(p.officer_id or "")]
    by_unit = _role_users((p.unit_id for p in orphans), LEVEL_ROLES[Level.LEGAL_OFFICER])
    return {
        p.pk: by_officer.get(p.officer_id or "") or by_unit.get(p.unit_id or "", [])
        for p in problems
    }


def _reviewers(problem: Problem) -> list[Any]:
    """Who reviews ``problem``: its unit's 法制员, else the 法制大队."""
    users = _role_users([problem.unit_id], LEVEL_ROLES[Level.LEGAL_OFFICER]).get(
        problem.unit_id or "", []
    )
    return users or _brigade_users()


def _link(problem: Problem) -> str:
    return reverse("rectification:detail", args=[problem.pk])


def _describe(problem: Problem) -> str:
    return f"问题#{problem.pk}（{problem.rule_id} {problem.rule.name}）"


# --- creating problems -------------------------------------------------------------------------


def _new_problem(
    finding: Finding,
    *,
    source: str,
    actor: str,
    now: datetime,
    due_at: datetime,
    status: str = ProblemStatus.OPEN,
) -> Problem:
    return Problem(
        finding=finding,
        rule_id=finding.rule_id,
        unit_id=finding.unit_id,
        officer_id=finding.officer_id,
        case_id=finding.case_id,
        severity=finding.severity,
        status=status,
        source=source,
        due_at=due_at,
        level=Level.OFFICER,
        created_at=now,
        created_by=actor,
        finished_at=now if status in FINAL_STATUSES else None,
    )


def _pushed_message(problem: Problem, users: list[Any]) -> Message:
    due = timezone.localtime(problem.due_at, SHANGHAI)
    return Message(
        users,
        "problem",
        f"整改通知：{problem.rule.name}",
        f"{_describe(problem)}需要整改，请于 {due:%Y-%m-%d %H:%M} 前完成并提交整改说明。",
        _link(problem),
        {
            "problem_id": problem.pk,
            "rule": problem.rule_id,
            "unit_id": problem.unit_id,
            "officer_id": problem.officer_id,
            "due_at": due.isoformat(),
        },
    )


def create_problems_from_findings(now: datetime, actor: str) -> dict[str, Any]:
    """Open 违规/超期/超期办理 findings that never had a problem become problems (自动).

    Idempotent: a finding is turned into a problem automatically once; later cycles (after 销号
    or 不予认定) start only when a 法制员 pushes it again. Warnings and suspicions never become
    problems by themselves.
    """
    policy = RectificationPolicy.current()
    calendar = HolidayCalendar.from_database()
    pending = (
        Finding.objects.open()
        .filter(status__in=AUTO_STATUSES)
        .filter(~Exists(Problem.objects.filter(finding_id=OuterRef("pk"))))
        .select_related("rule")
        .order_by("pk")
    )
    created = 0
    last_pk = 0
    while True:
        chunk = list(pending.filter(pk__gt=last_pk)[:CHUNK])
        if not chunk:
            break
        last_pk = chunk[-1].pk
        created += len(_create_chunk(chunk, policy, calendar, now, actor))
    return {"created": created}


def _create_chunk(
    findings: list[Finding],
    policy: RectificationPolicy,
    calendar: HolidayCalendar,
    now: datetime,
    actor: str,
) -> list[Problem]:
    rows = [
        _new_problem(
            f,
            source=ProblemSource.AUTO,
            actor=actor,
            now=now,
            due_at=due_at_for(now, f.severity, policy, calendar),
        )
        for f in findings
    ]
    with transaction.atomic():
        try:
            with transaction.atomic():
                problems = Problem.objects.bulk_create(rows)
        except IntegrityError:
            # someone pushed one of these findings meanwhile: create the rest one by one
            problems = []
            for row in rows:
                try:
                    with transaction.atomic():
                        row.save(force_insert=True)
                    problems.append(row)
                except IntegrityError:
                    continue
        if not problems:
            return []
        rules = {f.rule_id: f.rule for f in findings}
        for p in problems:
            p.rule = rules[p.rule_id]
        ProblemAction.objects.bulk_create(
            ProblemAction(
                problem=p,
                actor=actor,
                verb=Verb.CREATE,
                from_status="",
                to_status=ProblemStatus.OPEN,
                level=Level.OFFICER,
                at=now,
                comment=f"巡查发现{p.finding.get_status_display()}，自动生成整改问题",
            )
            for p in problems
        )
        users = _responsible_users(problems)
        notify_many([_pushed_message(p, users[p.pk]) for p in problems], actor=actor)
        record_audit(
            actor,
            "rectification.create",
            target_type="problem",
            details={
                "problems": [p.pk for p in problems],
                "findings": [p.finding_id for p in problems],
            },
        )
    return problems


def _create_one(
    finding: Finding,
    *,
    actor: str,
    source: str,
    verb: str,
    comment: str,
    now: datetime,
    remote_addr: str,
    status: str = ProblemStatus.OPEN,
) -> Problem:
    policy = RectificationPolicy.current()
    calendar = HolidayCalendar.from_database()
    due = (
        due_at_for(now, finding.severity, policy, calendar) if status == ProblemStatus.OPEN else now
    )
    problem = _new_problem(finding, source=source, actor=actor, now=now, due_at=due, status=status)
    try:
        with transaction.atomic():
            problem.save(force_insert=True)
    except IntegrityError:
        raise ValidationError(f"巡查发现#{finding.pk}已有正在整改的问题") from None
    problem.rule = finding.rule
    ProblemAction.objects.create(
        problem=problem,
        actor=actor,
        verb=verb,
        comment=comment,
        from_status="",
        to_status=status,
        level=problem.level,
        at=now,
    )
    record_audit(
        actor,
        f"rectification.{verb}",
        target_type="problem",
        target_id=str(problem.pk),
        remote_addr=remote_addr,
        details={
            "finding": finding.pk,
            "rule": finding.rule_id,
            "comment": comment,
            "status": status,
        },
    )
    return problem


def _open_problem(
    finding: Finding,
    *,
    action: str,
    verb: str,
    actor: str,
    comment: str,
    now: datetime | None,
    remote_addr: str,
) -> Problem:
    """A legal officer's decision that makes ``finding`` a problem for its officer (``action``
    checked against ``allowed_finding_actions``), who is notified."""
    now = now or timezone.now()
    with transaction.atomic():
        finding = Finding.objects.select_related("rule").get(pk=finding.pk)
        require_finding_action(finding, actor, action)
        suspicion = action == CONFIRM or finding.status == FindingStatus.SUSPICION
        problem = _create_one(
            finding,
            actor=actor,
            source=ProblemSource.SUSPICION if suspicion else ProblemSource.PUSHED,
            verb=verb,
            comment=comment.strip(),
            now=now,
            remote_addr=remote_addr,
        )
        users = _responsible_users([problem])[problem.pk]
        notify_many([_pushed_message(problem, users)], actor=actor)
    return problem


def push_problem(
    finding: Finding,
    *,
    actor: str,
    comment: str = "",
    now: datetime | None = None,
    remote_addr: str = "",
) -> Problem:
    """A 法制员/法制大队 pushes any open finding (a warning, a suspicion, …) to its officer."""
    return _open_problem(
        finding, action=PUSH, verb=Verb.PUSH, actor=actor, comment=comment, now=now,
        remote_addr=remote_addr,
    )  # fmt: skip


def confirm_suspicion(
    finding: Finding,
    *,
    actor: str,
    comment: str = "",
    now: datetime | None = None,
    remote_addr: str = "",
) -> Problem:
    """A 法制员 confirms a suspicion (疑点): it becomes a problem (source 疑点确认)."""
    return _open_problem(
        finding, action=CONFIRM, verb=Verb.CONFIRM, actor=actor, comment=comment, now=now,
        remote_addr=remote_addr,
    )  # fmt: skip


def dismiss_finding(
    finding: Finding,
    *,
    actor: str,
    reason: str,
    now: datetime | None = None,
    remote_addr: str = "",
) -> Problem:
    """不予认定: the finding is false. The problem in progress ends as dismissed; a suspicion
    never judged gets a dismissed problem, so that every dismissal counts against its rule."""
    now = now or timezone.now()
    with transaction.atomic():
        finding = Finding.objects.select_related("rule").get(pk=finding.pk)
        current = (
            Problem.objects.select_for_update()
            .select_related("rule")
            .filter(finding=finding)
            .active()
            .first()
        )
        if current is None:
            require_finding_action(finding, actor, DISMISS)
            reason = _need_text(reason, "不予认定的理由")
            problem = _create_one(
                finding,
                actor=actor,
                source=ProblemSource.SUSPICION,
                verb=Verb.DISMISS,
                comment=reason,
                now=now,
                remote_addr=remote_addr,
                status=ProblemStatus.DISMISSED,
            )
            return problem
        require_action(current, actor, DISMISS)
        reason = _need_text(reason, "不予认定的理由")
        _move(
            current,
            actor=actor,
            verb=Verb.DISMISS,
            to=ProblemStatus.DISMISSED,
            comment=reason,
            now=now,
            remote_addr=remote_addr,
            finished=True,
        )
        _notify(
            current,
            _responsible_users([current])[current.pk],
            "dismissed",
            f"不予认定：{current.rule.name}",
            f"{_describe(current)}经审核不予认定：{reason}",
            actor=actor,
        )
    return current


# --- transitions of a problem ------------------------------------------------------------------


def _locked(problem: Problem) -> Problem:
    """Lock the row and bring the caller's instance up to date (it is the one returned)."""
    list(Problem.objects.select_for_update().filter(pk=problem.pk).values_list("pk"))
    problem.refresh_from_db()
    return problem


def _move(
    problem: Problem,
    *,
    actor: str,
    verb: str,
    to: str,
    comment: str,
    now: datetime,
    remote_addr: str,
    finished: bool = False,
    due_at: datetime | None = None,
    details: dict[str, Any] | None = None,
) -> ProblemAction:
    """Change the status (and what goes with it), write the history row and the audit row."""
    before = problem.status
    problem.status = to
    fields = ["status"]
    if finished:
        problem.finished_at = now
        fields.append("finished_at")
    if to == ProblemStatus.FIXED:
        problem.fixed_at = now
        fields.append("fixed_at")
    if due_at is not None:
        problem.due_at = due_at
        fields.append("due_at")
    problem.save(update_fields=fields)
    action = ProblemAction.objects.create(
        problem=problem,
        actor=actor,
        verb=verb,
        comment=comment,
        from_status=before,
        to_status=to,
        level=problem.level,
        at=now,
    )
    record_audit(
        actor,
        f"rectification.{verb}",
        target_type="problem",
        target_id=str(problem.pk),
        remote_addr=remote_addr,
        details={"from": before, "to": to, "comment": comment, **(details or {})},
    )
    return action


def _notify(
    problem: Problem,
    users: list[Any],
    kind: str,
    title: str,
    body: str,
    *,
    actor: str,
    **data: Any,
) -> None:
    """One in-app notification (and webhook message) about ``problem`` to ``users``."""
    notify_many(
        [Message(users, kind, title, body, _link(problem), {"problem_id": problem.pk, **data})],
        actor=actor,
    )  # fmt: skip


def _new_due(problem: Problem, now: datetime) -> datetime:
    return due_at_for(
        now, problem.severity, RectificationPolicy.current(), HolidayCalendar.from_database()
    )


def submit_fix(
    problem: Problem,
    *,
    actor: str,
    comment: str,
    files: Sequence[File] = (),
    now: datetime | None = None,
    remote_addr: str = "",
) -> Problem:
    """The responsible 民警 (or his 业务负责人) reports the fix, with proof: → 已整改待审核."""
    now = now or timezone.now()
    with transaction.atomic():
        problem = _locked(problem)
        require_action(problem, actor, SUBMIT)
        comment = _need_text(comment, "整改情况说明")
        checked = [validate_upload(f) for f in files]  # all refused before anything is written
        action = _move(
            problem,
            actor=actor,
            verb=Verb.SUBMIT,
            to=ProblemStatus.FIXED,
            comment=comment,
            now=now,
            remote_addr=remote_addr,
            details={"files": [f.name for f in files]},
        )
        save_attachments(problem, action, checked, actor=actor, now=now)
        _notify(
            problem,
            _reviewers(problem),
            "review",
            f"整改待审核：{problem.rule.name}",
            f"{_describe(problem)}已提交整改，请审核。",
            actor=actor,
        )
    return problem


def approve_fix(
    problem: Problem,
    *,
    actor: str,
    comment: str = "",
    now: datetime | None = None,
    remote_addr: str = "",
) -> Problem:
    """The unit's 法制员 (or 法制大队) accepts the fix and strikes the problem off: → 已销号."""
    now = now or timezone.now()
    with transaction.atomic():
        problem = _locked(problem)
        require_action(problem, actor, APPROVE)
        _move(
            problem,
            actor=actor,
            verb=Verb.APPROVE,
            to=ProblemStatus.CLOSED,
            comment=comment.strip(),
            now=now,
            remote_addr=remote_addr,
            finished=True,
        )
        _notify(
            problem,
            _responsible_users([problem])[problem.pk],
            "approved",
            f"已销号：{problem.rule.name}",
            f"{_describe(problem)}整改已审核通过，予以销号。",
            actor=actor,
        )
    return problem


def reject_fix(
    problem: Problem,
    *,
    actor: str,
    comment: str,
    now: datetime | None = None,
    remote_addr: str = "",
) -> Problem:
    """退回: the fix is not enough; back to 待整改 with a new due date from today."""
    now = now or timezone.now()
    with transaction.atomic():
        problem = _locked(problem)
        require_action(problem, actor, REJECT)
        comment = _need_text(comment, "退回理由")
        due = _new_due(problem, now)
        _move(
            problem,
            actor=actor,
            verb=Verb.REJECT,
            to=ProblemStatus.OPEN,
            comment=comment,
            now=now,
            remote_addr=remote_addr,
            due_at=due,
            details={"due_at": due.isoformat()},
        )
        _notify(
            problem,
            _responsible_users([problem])[problem.pk],
            "rejected",
            f"整改被退回：{problem.rule.name}",
            f"{_describe(problem)}的整改被退回：{comment}。"
            f"请于 {timezone.localtime(due, SHANGHAI):%Y-%m-%d %H:%M} 前重新整改。",
            actor=actor,
            due_at=due.isoformat(),
        )
    return problem


def appeal(
    problem: Problem,
    *,
    actor: str,
    reason: str,
    files: Sequence[File] = (),
    now: datetime | None = None,
    remote_addr: str = "",
) -> Problem:
    """The 民警 disputes the finding (申诉): → 申诉中, decided by 法制员 or 法制大队."""
    now = now or timezone.now()
    with transaction.atomic():
        problem = _locked(problem)
        require_action(problem, actor, APPEAL)
        reason = _need_text(reason, "申诉理由")
        checked = [validate_upload(f) for f in files]
        action = _move(
            problem,
            actor=actor,
            verb=Verb.APPEAL,
            to=ProblemStatus.APPEALED,
            comment=reason,
            now=now,
            remote_addr=remote_addr,
        )
        save_attachments(problem, action, checked, actor=actor, now=now)
        _notify(
            problem,
            _reviewers(problem) + _brigade_users(),
            "appeal",
            f"申诉待裁决：{problem.rule.name}",
            f"{_describe(problem)}的民警提出申诉：{reason}",
            actor=actor,
        )
    return problem


def decide_appeal(
    problem: Problem,
    *,
    actor: str,
    upheld: bool,
    comment: str,
    now: datetime | None = None,
    remote_addr: str = "",
) -> Problem:
    """申诉成立 → 不予认定 (counts against the rule); 申诉驳回 → 待整改 with a new due date."""
    now = now or timezone.now()
    with transaction.atomic():
        problem = _locked(problem)
        require_action(problem, actor, DECIDE)
        comment = _need_text(comment, "裁决意见")
        if upheld:
            _move(
                problem,
                actor=actor,
                verb=Verb.UPHOLD,
                to=ProblemStatus.DISMISSED,
                comment=comment,
                now=now,
                remote_addr=remote_addr,
                finished=True,
            )
            text = f"{_describe(problem)}的申诉成立，不予认定：{comment}"
        else:
            due = _new_due(problem, now)
            _move(
                problem,
                actor=actor,
                verb=Verb.OVERRULE,
                to=ProblemStatus.OPEN,
                comment=comment,
                now=now,
                remote_addr=remote_addr,
                due_at=due,
                details={"due_at": due.isoformat()},
            )
            text = (
                f"{_describe(problem)}的申诉被驳回：{comment}。请于 "
                f"{timezone.localtime(due, SHANGHAI):%Y-%m-%d %H:%M} 前整改。"
            )
        _notify(
            problem,
            _responsible_users([problem])[problem.pk],
            "appeal_decided",
            f"申诉{'成立' if upheld else '驳回'}：{problem.rule.name}",
            text,
            actor=actor,
            upheld=upheld,
        )
    return problem


# --- attachments -------------------------------------------------------------------------------

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
# extension -> the leading bytes such a file has (a renamed .exe is refused, not just named)
ATTACHMENT_TYPES: dict[str, bytes] = {
    "pdf": b"%PDF",
    "jpg": b"\xff\xd8\xff",
    "jpeg": b"\xff\xd8\xff",
    "png": b"\x89PNG\r\n\x1a\n",
    "doc": _OLE,
    "xls": _OLE,
    "docx": _ZIP,
    "xlsx": _ZIP,
}
TYPES_TEXT = "PDF、JPG、PNG、Word（doc/docx）、Excel（xls/xlsx）"


@dataclass(frozen=True)
class CheckedUpload:
    upload: File
    name: str
    ext: str
    size: int


def validate_upload(upload: File) -> CheckedUpload:
    """Refuse a file that is too large, empty, of a type not allowed or not what it says."""
    name = PurePath(str(upload.name or "附件").replace("\\", "/")).name[:255] or "附件"
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ATTACHMENT_TYPES:
        raise ValidationError(f"附件“{name}”的类型不允许：只能上传{TYPES_TEXT}文件")
    size = upload.size or 0
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(f"附件“{name}”大小为 {size / 1024 / 1024:.1f} MB，超过 20 MB 的上限")
    if size == 0:
        raise ValidationError(f"附件“{name}”是空文件")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(ATTACHMENT_TYPES[ext]):
        raise ValidationError(f"附件“{name}”的内容不是 {ext.upper()} 文件，请检查后重新上传")
    return CheckedUpload(upload, name, ext, size)


def save_attachments(
    problem: Problem,
    action: ProblemAction | None,
    uploads: Sequence[CheckedUpload],
    *,
    actor: str,
    now: datetime,
) -> list[Attachment]:
    """Store checked uploads under MEDIA_ROOT/attachments/yyyy/mm (call inside the change's
    transaction); a failure removes the files already written."""
    saved: list[Attachment] = []
    try:
        for item in uploads:
            digest = hashlib.sha256()
            for block in item.upload.chunks():
                digest.update(block)
            item.upload.seek(0)
            att = Attachment(
                problem=problem,
                action=action,
                original_name=item.name,
                size=item.size,
                sha256=digest.hexdigest(),
                uploaded_by=actor,
                uploaded_at=now,
            )
            att.file.save(item.name, item.upload, save=False)
            att.save()
            saved.append(att)
    except Exception:
        for att in saved:
            att.file.delete(save=False)
        raise
    return saved


# --- policy ------------------------------------------------------------------------------------

POLICY_LIMITS = {
    "due_days_minor": (1, 30),
    "due_days_serious": (1, 30),
    "due_days_grave": (1, 30),
    "escalation_days": (1, 30),
    "interview_threshold": (1, 100),
}


def can_change_policy(user: Any) -> bool:
    return scope_of(user).role == Role.LEGAL_BRIGADE


def change_policy(*, actor: str, reason: str, remote_addr: str = "", **values: Any) -> PolicyChange:
    """法制大队 changes the rectification settings; the reason is required and recorded."""
    user = _user(actor)
    if not can_change_policy(user):
        raise PermissionDenied(f"用户 {actor} 无权修改整改规则设置（仅法制大队）")
    reason = _need_text(reason, "修改理由")
    labels = {f.name: str(f.verbose_name) for f in RectificationPolicy._meta.fields}
    clean: dict[str, int] = {}
    for key, raw in values.items():
        if key not in POLICY_LIMITS:
            raise ValidationError(f"整改规则设置没有“{key}”这一项")
        low, high = POLICY_LIMITS[key]
        try:
            number = int(str(raw).strip())
        except ValueError:
            raise ValidationError(f"{labels[key]}：“{raw}”不是整数") from None
        if not low <= number <= high:
            raise ValidationError(f"{labels[key]}：{number} 超出范围（{low}～{high}）")
        clean[key] = number
    with transaction.atomic():
        policy = RectificationPolicy.current()
        policy = RectificationPolicy.objects.select_for_update().get(pk=policy.pk)
        before = policy.values()
        for key, number in clean.items():
            setattr(policy, key, number)
        policy.changed_at = timezone.now()
        policy.changed_by = actor
        policy.save()
        change = PolicyChange.objects.create(
            changed_by=actor, reason=reason, before=before, after=policy.values()
        )
        record_audit(
            actor,
            "rectification.policy",
            target_type="policy",
            target_id=str(policy.pk),
            remote_addr=remote_addr,
            details={"reason": reason, "before": before, "after": policy.values()},
        )
    return change


# --- precision of a rule -----------------------------------------------------------------------


def _precision_counts() -> dict[str, Any]:
    confirmed = Q(status=ProblemStatus.CLOSED) | (
        Q(source__in=[ProblemSource.PUSHED, ProblemSource.SUSPICION])
        & ~Q(status=ProblemStatus.DISMISSED)
    )
    return {
        "confirmed": Count("pk", filter=confirmed),
        "dismissed": Count("pk", filter=Q(status=ProblemStatus.DISMISSED)),
    }


def _precision_row(confirmed: int, dismissed: int) -> dict[str, Any]:
    judged = confirmed + dismissed
    return {
        "confirmed": confirmed,
        "dismissed": dismissed,
        "precision": round(confirmed / judged, 4) if judged else None,
    }


def rule_precision(rule_code: str) -> dict[str, Any]:
    """How often a rule's findings were judged true. Confirmed: struck off (已销号), or
    confirmed/pushed by a legal officer and not later dismissed; dismissed: 不予认定. Problems
    still in progress that nobody judged yet count neither way. ``precision`` is None when
    nothing was judged."""
    row = Problem.objects.filter(rule_id=rule_code).aggregate(**_precision_counts())
    return _precision_row(row["confirmed"], row["dismissed"])


def precision_by_rule() -> dict[str, dict[str, Any]]:
    """``rule_precision`` of every rule with problems (one grouped query)."""
    rows = Problem.objects.values("rule_id").annotate(**_precision_counts()).order_by()
    return {r["rule_id"]: _precision_row(r["confirmed"], r["dismissed"]) for r in rows}


# --- escalation, 约谈 and the tick -------------------------------------------------------------


def _escalation_step(
    p: Problem, lvl: int, reached: datetime, now: datetime, actor: str
) -> ProblemAction:
    moment = timezone.localtime(reached, SHANGHAI)
    return ProblemAction(
        problem=p,
        actor=actor,
        verb=Verb.ESCALATE,
        level=lvl,
        at=now,
        from_status=ProblemStatus.OPEN,
        to_status=ProblemStatus.OPEN,
        comment=f"逾期未整改，{moment:%Y-%m-%d %H:%M} 起升级至第{lvl}级（{Level(lvl).label}）",
    )


def _escalation_message(p: Problem, lvl: int, users: list[Any]) -> Message:
    label = Level(lvl).label
    due = timezone.localtime(p.due_at, SHANGHAI)
    return Message(
        users,
        "escalation",
        f"逾期升级（第{lvl}级 {label}）：{p.rule.name}",
        f"{_describe(p)}整改期限 {due:%Y-%m-%d %H:%M} 已过仍未整改，已升级至{label}督办。",
        _link(p),
        {"problem_id": p.pk, "level": lvl, "officer_id": p.officer_id, "unit_id": p.unit_id},
    )


def escalate_problems(now: datetime, actor: str) -> dict[str, Any]:
    """Raise every unfixed problem past its due time to the level its lateness has reached,
    one level per interval; each level passed notifies that level's people and is recorded.

    Safe to run twice at once: a problem is claimed with ``UPDATE … WHERE id = ? AND level = ?``
    and only the run whose update matched writes the history and the notifications.
    """
    policy = RectificationPolicy.current()
    calendar = HolidayCalendar.from_database()
    candidates = (
        Problem.objects.filter(status=ProblemStatus.OPEN, due_at__lt=now, level__lt=Level.CHIEF)
        .select_related("rule")
        .order_by("pk")
    )
    escalated = steps = 0
    last_pk = 0
    while True:
        chunk = list(candidates.filter(pk__gt=last_pk)[:CHUNK])
        if not chunk:
            break
        last_pk = chunk[-1].pk
        moves = [(p, target_level(p.due_at, now, policy.escalation_days, calendar)) for p in chunk]
        moves = [(p, t) for p, t in moves if t > p.level]
        if not moves:
            continue
        with transaction.atomic():
            claimed: list[tuple[Problem, int, int]] = []
            for p, target in moves:
                won = Problem.objects.filter(
                    pk=p.pk, level=p.level, status=ProblemStatus.OPEN
                ).update(level=target, escalated_at=now)
                if won:
                    claimed.append((p, p.level, target))
            if not claimed:
                continue
            people = {
                lvl: _role_users({p.unit_id for p, _, _ in claimed}, role)
                for lvl, role in LEVEL_ROLES.items()
            }
            history: list[ProblemAction] = []
            messages: list[Message] = []
            for p, old, new in claimed:
                for lvl in range(old + 1, new + 1):
                    reached = level_reached_at(p.due_at, lvl, policy.escalation_days, calendar)
                    step = _escalation_step(p, lvl, reached, now, actor)
                    history.append(step)
                    messages.append(
                        _escalation_message(p, lvl, people[Level(lvl)].get(p.unit_id or "", []))
                    )
                    steps += 1
            ProblemAction.objects.bulk_create(history)
            notify_many(messages, actor=actor)
            record_audit(
                actor,
                "rectification.escalate",
                target_type="problem",
                details={"problems": {str(p.pk): [old, new] for p, old, new in claimed}},
            )
            escalated += len(claimed)
    return {"escalated": escalated, "steps": steps}


def month_start(now: datetime) -> date:
    return timezone.localtime(now, SHANGHAI).date().replace(day=1)


def _month_bounds(first: date) -> tuple[datetime, datetime]:
    nxt = (first + timedelta(days=32)).replace(day=1)
    return (
        datetime(first.year, first.month, 1, tzinfo=SHANGHAI),
        datetime(nxt.year, nxt.month, 1, tzinfo=SHANGHAI),
    )


def interview_reminders(now: datetime, actor: str) -> dict[str, Any]:
    """约谈提醒: an officer with at least N problems created this month (not counting those
    dismissed as false) is reminded, with his unit's leaders, once per month."""
    policy = RectificationPolicy.current()
    first = month_start(now)
    start, end = _month_bounds(first)
    counts = dict(
        Problem.objects.filter(created_at__gte=start, created_at__lt=end, officer_id__isnull=False)
        .exclude(status=ProblemStatus.DISMISSED)
        .values("officer_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=policy.interview_threshold)
        .values_list("officer_id", "n")
    )
    if not counts:
        return {"interviews": 0}
    done = set(
        InterviewReminder.objects.filter(month=first, officer_id__in=list(counts)).values_list(
            "officer_id", flat=True
        )
    )
    todo = {k: v for k, v in counts.items() if k not in done}
    if not todo:
        return {"interviews": 0}
    officers = {o.pk: o for o in Officer.objects.filter(pk__in=list(todo))}
    created: list[InterviewReminder] = []
    with transaction.atomic():
        for officer_id, n in sorted(todo.items()):
            officer = officers.get(officer_id)
            try:
                with transaction.atomic():
                    created.append(
                        InterviewReminder.objects.create(
                            officer_id=officer_id,
                            unit_id=officer.unit_id if officer else None,
                            month=first,
                            problem_count=n,
                            created_at=now,
                        )
                    )
            except IntegrityError:
                continue  # another tick reminded him first
        if not created:
            return {"interviews": 0}
        units = {r.unit_id for r in created}
        own = _officer_users(r.officer_id for r in created)
        leaders = [
            _role_users(units, LEVEL_ROLES[lvl])
            for lvl in (Level.BUSINESS_LEAD, Level.LEGAL_LEADER, Level.CHIEF)
        ]
        messages = []
        for r in created:
            name = officers[r.officer_id].name if r.officer_id in officers else r.officer_id
            users = own.get(r.officer_id, []) + [
                u for group in leaders for u in group.get(r.unit_id or "", [])
            ]
            messages.append(
                Message(
                    users,
                    "interview",
                    f"约谈提醒：{name}本月已有{r.problem_count}个整改问题",
                    f"民警{name}（{r.officer_id}）{first:%Y年%m月}已被推送{r.problem_count}个整改问题，"
                    f"达到约谈提醒阈值（{policy.interview_threshold}个），请安排约谈。",
                    reverse("rectification:board"),
                    {
                        "officer_id": r.officer_id,
                        "unit_id": r.unit_id,
                        "month": f"{first:%Y-%m}",
                        "count": r.problem_count,
                    },
                )
            )
        notify_many(messages, actor=actor)
        record_audit(
            actor,
            "rectification.interview",
            target_type="officer",
            details={
                "month": f"{first:%Y-%m}",
                "officers": {r.officer_id: r.problem_count for r in created},
            },
        )
    return {"interviews": len(created)}


def tick_rectification(now: datetime, actor: str) -> dict[str, Any]:
    """``fazhi tick`` step: new problems from findings, escalations, 约谈提醒 (each safe twice)."""
    return {
        **create_problems_from_findings(now, actor),
        **escalate_problems(now, actor),
        **interview_reminders(now, actor),
    }


# --- 通报晾晒 ----------------------------------------------------------------------------------


def overdue_board(scope: DataScope, now: datetime | None = None) -> dict[str, Any]:
    """通报晾晒: overdue problems per unit in ``scope`` (count, oldest due time, per level),
    and this month's 约谈 reminders."""
    now = now or timezone.now()
    per_level = {
        f"level{lvl}": Count("pk", filter=Q(level=lvl)) for lvl in range(1, Level.CHIEF + 1)
    }
    rows = list(
        visible(Problem.objects.overdue(now), scope)
        .values("unit_id")
        .annotate(count=Count("pk"), oldest=Min("due_at"), **per_level)
        .order_by("-count", "unit_id")
    )
    units = Unit.objects.in_bulk([r["unit_id"] for r in rows if r["unit_id"]])
    for row in rows:
        row["unit"] = units.get(row["unit_id"])
        row["levels"] = [row[f"level{lvl}"] for lvl in range(1, Level.CHIEF + 1)]
        row["days_late"] = (now - row["oldest"]).days if row["oldest"] else 0
    first = month_start(now)
    interviews = list(
        visible(InterviewReminder.objects.filter(month=first), scope).order_by(
            "-problem_count", "officer_id"
        )
    )
    officer_names = dict(
        Officer.objects.filter(pk__in=[r.officer_id for r in interviews]).values_list("pk", "name")
    )
    interview_units = Unit.objects.in_bulk([r.unit_id for r in interviews if r.unit_id])
    for r in interviews:
        r.officer_name = officer_names.get(r.officer_id, r.officer_id)  # type: ignore[attr-defined]
        r.unit_obj = interview_units.get(r.unit_id or "")  # type: ignore[attr-defined]
    return {
        "rows": rows,
        "total": sum(r["count"] for r in rows),
        "levels": [label for _, label in Level.choices],
        "interviews": interviews,
        "month": first,
        "now": now,
    }
