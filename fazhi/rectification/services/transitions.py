"""The life of a problem after it exists: 提交整改, 审核销号, 退回, 申诉, 申诉裁决. Each locks the
row, checks ``require_action``, moves the status with a history row and an audit row, and
notifies the people concerned.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from fazhi.core.audit_actions import AuditAction
from fazhi.core.services import once_per_submission, record_audit
from fazhi.core.timezones import SHANGHAI
from fazhi.patrol.periods import HolidayCalendar
from fazhi.patrol.services import settle_finding
from fazhi.rectification.models import (
    Problem,
    ProblemAction,
    ProblemStatus,
    RectificationPolicy,
    Verb,
    verb_action,
)
from fazhi.rectification.services.due import due_at_for
from fazhi.rectification.services.permissions import (
    APPEAL,
    APPROVE,
    DECIDE,
    REJECT,
    SUBMIT,
    need_text,
    require_action,
)
from fazhi.rectification.services.recipients import (
    brigade_users,
    describe,
    notify_about,
    responsible_users,
    reviewers,
)
from fazhi.rectification.services.uploads import save_attachments, validate_upload


def repeated_problem(pk: str) -> Problem:
    """What a repeated submission returns: the problem the first one acted on."""
    return Problem.objects.get(pk=pk)


def _locked(problem: Problem) -> Problem:
    """Lock the row and bring the caller's instance up to date (it is the one returned)."""
    list(Problem.objects.select_for_update().filter(pk=problem.pk).values_list("pk"))
    problem.refresh_from_db()
    return problem


def move(
    problem: Problem,
    *,
    actor: User,
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
        actor=actor.get_username(),
        verb=verb,
        comment=comment,
        from_status=before,
        to_status=to,
        level=problem.level,
        at=now,
    )
    record_audit(
        actor,
        verb_action(verb),
        target_type="problem",
        target_id=str(problem.pk),
        remote_addr=remote_addr,
        details={"from": before, "to": to, "comment": comment, **(details or {})},
    )
    return action


def _new_due(problem: Problem, now: datetime) -> datetime:
    return due_at_for(
        now, problem.severity, RectificationPolicy.current(), HolidayCalendar.from_database()
    )


@once_per_submission(AuditAction.RECTIFICATION_SUBMIT, repeated_problem)
def submit_fix(
    problem: Problem,
    *,
    actor: User,
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
        comment = need_text(comment, "整改情况说明")
        checked = [validate_upload(f) for f in files]  # all refused before anything is written
        action = move(
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
        notify_about(
            problem,
            reviewers(problem),
            "review",
            f"整改待审核：{problem.rule.name}",
            f"{describe(problem)}已提交整改，请审核。",
            actor=actor,
            now=now,
        )
    return problem


@once_per_submission(AuditAction.RECTIFICATION_APPROVE, repeated_problem)
def approve_fix(
    problem: Problem,
    *,
    actor: User,
    comment: str = "",
    now: datetime | None = None,
    remote_addr: str = "",
) -> Problem:
    """The unit's 法制员 (or 法制大队) accepts the fix and strikes the problem off: → 已销号."""
    now = now or timezone.now()
    with transaction.atomic():
        problem = _locked(problem)
        require_action(problem, actor, APPROVE)
        move(
            problem,
            actor=actor,
            verb=Verb.APPROVE,
            to=ProblemStatus.CLOSED,
            comment=comment.strip(),
            now=now,
            remote_addr=remote_addr,
            finished=True,
        )
        # the finding and the open-finding counts follow the 销号 at once, not at the next patrol
        settle_finding(problem.finding_id, now=now)
        notify_about(
            problem,
            responsible_users([problem])[problem.pk],
            "approved",
            f"已销号：{problem.rule.name}",
            f"{describe(problem)}整改已审核通过，予以销号。",
            actor=actor,
            now=now,
        )
    return problem


@once_per_submission(AuditAction.RECTIFICATION_REJECT, repeated_problem)
def reject_fix(
    problem: Problem,
    *,
    actor: User,
    comment: str,
    now: datetime | None = None,
    remote_addr: str = "",
) -> Problem:
    """退回: the fix is not enough; back to 待整改 with a new due date from today."""
    now = now or timezone.now()
    with transaction.atomic():
        problem = _locked(problem)
        require_action(problem, actor, REJECT)
        comment = need_text(comment, "退回理由")
        due = _new_due(problem, now)
        move(
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
        notify_about(
            problem,
            responsible_users([problem])[problem.pk],
            "rejected",
            f"整改被退回：{problem.rule.name}",
            f"{describe(problem)}的整改被退回：{comment}。"
            f"请于 {timezone.localtime(due, SHANGHAI):%Y-%m-%d %H:%M} 前重新整改。",
            actor=actor,
            now=now,
            due_at=due.isoformat(),
        )
    return problem


@once_per_submission(AuditAction.RECTIFICATION_APPEAL, repeated_problem)
def appeal(
    problem: Problem,
    *,
    actor: User,
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
        reason = need_text(reason, "申诉理由")
        checked = [validate_upload(f) for f in files]
        action = move(
            problem,
            actor=actor,
            verb=Verb.APPEAL,
            to=ProblemStatus.APPEALED,
            comment=reason,
            now=now,
            remote_addr=remote_addr,
        )
        save_attachments(problem, action, checked, actor=actor, now=now)
        notify_about(
            problem,
            reviewers(problem) + brigade_users(),
            "appeal",
            f"申诉待裁决：{problem.rule.name}",
            f"{describe(problem)}的民警提出申诉：{reason}",
            actor=actor,
            now=now,
        )
    return problem


@once_per_submission(AuditAction.RECTIFICATION_UPHOLD, repeated_problem)
def decide_appeal(
    problem: Problem,
    *,
    actor: User,
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
        comment = need_text(comment, "裁决意见")
        if upheld:
            move(
                problem,
                actor=actor,
                verb=Verb.UPHOLD,
                to=ProblemStatus.DISMISSED,
                comment=comment,
                now=now,
                remote_addr=remote_addr,
                finished=True,
            )
            text = f"{describe(problem)}的申诉成立，不予认定：{comment}"
        else:
            due = _new_due(problem, now)
            move(
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
                f"{describe(problem)}的申诉被驳回：{comment}。请于 "
                f"{timezone.localtime(due, SHANGHAI):%Y-%m-%d %H:%M} 前整改。"
            )
        notify_about(
            problem,
            responsible_users([problem])[problem.pk],
            "appeal_decided",
            f"申诉{'成立' if upheld else '驳回'}：{problem.rule.name}",
            text,
            actor=actor,
            now=now,
            upheld=upheld,
        )
    return problem
