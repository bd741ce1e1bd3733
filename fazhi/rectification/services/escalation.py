"""逾期升级: an unfixed problem past its due time climbs one level per interval, each level
notified and recorded.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from fazhi.core.audit_actions import AuditAction
from fazhi.core.services import record_audit
from fazhi.core.timezones import SHANGHAI
from fazhi.notifications.services import Message, notify_many
from fazhi.patrol.inhibition import inhibited_q
from fazhi.patrol.periods import HolidayCalendar
from fazhi.rectification.models import (
    LEVEL_ROLES,
    Level,
    Problem,
    ProblemAction,
    ProblemStatus,
    RectificationPolicy,
    Verb,
)
from fazhi.rectification.services.creation import CHUNK
from fazhi.rectification.services.due import level_reached_at, target_level
from fazhi.rectification.services.recipients import describe, link, notice_group, role_users


def _escalation_step(
    p: Problem, lvl: int, reached: datetime, now: datetime, actor: User
) -> ProblemAction:
    moment = timezone.localtime(reached, SHANGHAI)
    return ProblemAction(
        problem=p,
        actor=actor.get_username(),
        verb=Verb.ESCALATE,
        level=lvl,
        at=now,
        from_status=ProblemStatus.OPEN,
        to_status=ProblemStatus.OPEN,
        comment=f"逾期未整改，{moment:%Y-%m-%d %H:%M} 起升级至第{lvl}级（{Level(lvl).label}）",
    )


def _escalation_message(
    p: Problem, lvl: int, users: list[Any], group: tuple[str, str] = ("", "")
) -> Message:
    label = Level(lvl).label
    due = timezone.localtime(p.due_at, SHANGHAI)
    return Message(
        users,
        "escalation",
        f"逾期升级（第{lvl}级 {label}）：{p.rule.name}",
        f"{describe(p)}整改期限 {due:%Y-%m-%d %H:%M} 已过仍未整改，已升级至{label}督办。",
        link(p),
        {"problem_id": p.pk, "level": lvl, "officer_id": p.officer_id, "unit_id": p.unit_id},
        group=group[0],
        group_title=group[1],
    )


def escalate_problems(now: datetime, actor: User) -> dict[str, Any]:
    """Raise every unfixed problem past its due time to the level its lateness has reached,
    one level per interval; each level passed notifies that level's people and is recorded.

    Safe to run twice at once: a problem is claimed with ``UPDATE … WHERE id = ? AND level = ?``
    and only the run whose update matched writes the history and the notifications.
    """
    policy = RectificationPolicy.current()
    calendar = HolidayCalendar.from_database()
    candidates = (
        Problem.objects.filter(status=ProblemStatus.OPEN, due_at__lt=now, level__lt=Level.CHIEF)
        # a problem whose finding follows from another open one waits for it (抑制)
        .exclude(inhibited_q("finding__"))
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
                lvl: role_users({p.unit_id for p, _, _ in claimed}, role)
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
                        _escalation_message(
                            p,
                            lvl,
                            people[Level(lvl)].get(p.unit_id or "", []),
                            notice_group(p, policy.notice_grouping, "逾期升级通知", now),
                        )
                    )
                    steps += 1
            ProblemAction.objects.bulk_create(history)
            notify_many(messages, actor=actor, now=now)
            record_audit(
                actor,
                AuditAction.RECTIFICATION_ESCALATE,
                target_type="problem",
                details={"problems": {str(p.pk): [old, new] for p, old, new in claimed}},
            )
            escalated += len(claimed)
    return {"escalated": escalated, "steps": steps}
