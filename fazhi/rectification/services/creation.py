"""Problems come into being: automatically from 违规/超期 findings (the tick), or by a 法制员's
decision on a finding: push it, confirm a suspicion, or dismiss it (不予认定).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from fazhi.core.audit_actions import AuditAction
from fazhi.core.services import once_per_submission, record_audit
from fazhi.core.timezones import SHANGHAI
from fazhi.notifications.services import Message, notify_many
from fazhi.patrol.inhibition import inhibiting
from fazhi.patrol.models import Finding, FindingStatus
from fazhi.patrol.periods import HolidayCalendar
from fazhi.rectification.error_codes import ErrorCode
from fazhi.rectification.models import (
    FINAL_STATUSES,
    Level,
    Problem,
    ProblemAction,
    ProblemSource,
    ProblemStatus,
    RectificationPolicy,
    Verb,
    verb_action,
)
from fazhi.rectification.services.circuit import trip_circuits
from fazhi.rectification.services.due import due_at_for
from fazhi.rectification.services.errors import RectificationError
from fazhi.rectification.services.permissions import (
    CONFIRM,
    DISMISS,
    PUSH,
    need_text,
    require_action,
    require_finding_action,
)
from fazhi.rectification.services.recipients import (
    describe,
    link,
    notice_group,
    notify_about,
    responsible_users,
)
from fazhi.rectification.services.silences import silenced
from fazhi.rectification.services.transitions import move, repeated_problem

# Findings of these statuses become problems without anyone's confirmation.
AUTO_STATUSES = (FindingStatus.VIOLATION, FindingStatus.OVERDUE, FindingStatus.LATE)
# rows the tick handles per transaction (here and in escalation): memory stays flat
CHUNK = 500


def _new_problem(
    finding: Finding,
    *,
    source: str,
    actor: User,
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
        created_by=actor.get_username(),
        finished_at=now if status in FINAL_STATUSES else None,
    )


def _pushed_message(
    problem: Problem, users: list[Any], group: tuple[str, str] = ("", "")
) -> Message:
    due = timezone.localtime(problem.due_at, SHANGHAI)
    return Message(
        users,
        "problem",
        f"整改通知：{problem.rule.name}",
        f"{describe(problem)}需要整改，请于 {due:%Y-%m-%d %H:%M} 前完成并提交整改说明。",
        link(problem),
        {
            "problem_id": problem.pk,
            "rule": problem.rule_id,
            "unit_id": problem.unit_id,
            "officer_id": problem.officer_id,
            "due_at": due.isoformat(),
        },
        group=group[0],
        group_title=group[1],
    )


def create_problems_from_findings(now: datetime, actor: User) -> dict[str, Any]:
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
        .filter(~Exists(silenced(now)))
        .filter(~Exists(inhibiting()))
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
    actor: User,
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
                actor=actor.get_username(),
                verb=Verb.CREATE,
                from_status="",
                to_status=ProblemStatus.OPEN,
                level=Level.OFFICER,
                at=now,
                comment=f"巡查发现{p.finding.get_status_display()}，自动生成整改问题",
            )
            for p in problems
        )
        users = responsible_users(problems)
        circuit = trip_circuits(problems, policy, now, actor)
        pushed = [
            _pushed_message(
                p, users[p.pk], notice_group(p, policy.notice_grouping, "整改通知", now)
            )
            for p in problems
        ]
        notify_many(pushed + circuit, actor=actor, now=now)
        record_audit(
            actor,
            AuditAction.RECTIFICATION_CREATE,
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
    actor: User,
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
        raise RectificationError(
            ErrorCode.ALREADY_IN_PROGRESS, f"巡查发现#{finding.pk}已有正在整改的问题"
        ) from None
    problem.rule = finding.rule
    ProblemAction.objects.create(
        problem=problem,
        actor=actor.get_username(),
        verb=verb,
        comment=comment,
        from_status="",
        to_status=status,
        level=problem.level,
        at=now,
    )
    record_audit(
        actor,
        verb_action(verb),
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
    actor: User,
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
        users = responsible_users([problem])[problem.pk]
        circuit = trip_circuits([problem], RectificationPolicy.current(), now, actor)
        notify_many([_pushed_message(problem, users), *circuit], actor=actor, now=now)
    return problem


@once_per_submission(AuditAction.RECTIFICATION_PUSH, repeated_problem)
def push_problem(
    finding: Finding,
    *,
    actor: User,
    comment: str = "",
    now: datetime | None = None,
    remote_addr: str = "",
) -> Problem:
    """A 法制员/法制大队 pushes any open finding (a warning, a suspicion, …) to its officer."""
    return _open_problem(
        finding, action=PUSH, verb=Verb.PUSH, actor=actor, comment=comment, now=now,
        remote_addr=remote_addr,
    )  # fmt: skip


@once_per_submission(AuditAction.RECTIFICATION_CONFIRM, repeated_problem)
def confirm_suspicion(
    finding: Finding,
    *,
    actor: User,
    comment: str = "",
    now: datetime | None = None,
    remote_addr: str = "",
) -> Problem:
    """A 法制员 confirms a suspicion (疑点): it becomes a problem (source 疑点确认)."""
    return _open_problem(
        finding, action=CONFIRM, verb=Verb.CONFIRM, actor=actor, comment=comment, now=now,
        remote_addr=remote_addr,
    )  # fmt: skip


@once_per_submission(AuditAction.RECTIFICATION_DISMISS, repeated_problem)
def dismiss_finding(
    finding: Finding,
    *,
    actor: User,
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
            reason = need_text(reason, "不予认定的理由")
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
        reason = need_text(reason, "不予认定的理由")
        move(
            current,
            actor=actor,
            verb=Verb.DISMISS,
            to=ProblemStatus.DISMISSED,
            comment=reason,
            now=now,
            remote_addr=remote_addr,
            finished=True,
        )
        notify_about(
            current,
            responsible_users([current])[current.pk],
            "dismissed",
            f"不予认定：{current.rule.name}",
            f"{describe(current)}经审核不予认定：{reason}",
            actor=actor,
            now=now,
        )
    return current
