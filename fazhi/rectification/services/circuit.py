"""熔断 (circuit breaker for repeat problems): when one officer collects the same rule's problem
for the N-th time in a calendar month (N is the bureau's ``repeat_threshold``), that problem
skips the five-level climb and goes straight to his unit's 所队长 — the level a problem left
unfixed reaches last. Problems judged 不予认定 do not count: a false alert is no repeat.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count
from django.utils import timezone

from fazhi.accounts.people import person_text
from fazhi.core.audit_actions import AuditAction
from fazhi.core.services import record_audit
from fazhi.core.timezones import SHANGHAI
from fazhi.notifications.services import Message
from fazhi.records import models as m
from fazhi.rectification.models import (
    LEVEL_ROLES,
    Level,
    Problem,
    ProblemAction,
    ProblemStatus,
    RectificationPolicy,
    Verb,
)
from fazhi.rectification.services.recipients import describe, link, role_users


def month_start(now: datetime) -> datetime:
    """00:00 Beijing time on the first of ``now``'s month."""
    local = timezone.localtime(now, SHANGHAI)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def repeat_counts(problems: Sequence[Problem], now: datetime) -> dict[int, int]:
    """Each new problem's place among its officer's problems of the same rule this month
    (earlier ones from one grouped query, then the new ones in order)."""
    mine = [p for p in problems if p.officer_id]
    if not mine:
        return {}
    new_ids = [p.pk for p in mine]
    earlier: dict[tuple[str, str], int] = defaultdict(int)
    for row in (
        Problem.objects.filter(
            created_at__gte=month_start(now),
            created_at__lte=now,
            officer_id__in={p.officer_id for p in mine},
            rule_id__in={p.rule_id for p in mine},
        )
        .exclude(status=ProblemStatus.DISMISSED)
        .exclude(pk__in=new_ids)
        .values("officer_id", "rule_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        earlier[(row["officer_id"], row["rule_id"])] = row["n"]
    out: dict[int, int] = {}
    for p in sorted(mine, key=lambda p: p.pk):
        key = (str(p.officer_id), p.rule_id)
        earlier[key] += 1
        out[p.pk] = earlier[key]
    return out


def trip_circuits(
    problems: Sequence[Problem], policy: RectificationPolicy, now: datetime, actor: User
) -> list[Message]:
    """Raise the problems that are their officer's N-th (or later) of the same rule this month
    to 所队长, record the step, and return the messages for the 所队长 (the caller sends them
    with its own). Called inside the creating transaction."""
    counts = repeat_counts(problems, now)
    tripped = [
        p
        for p in problems
        if counts.get(p.pk, 0) >= policy.repeat_threshold and p.level < Level.CHIEF
    ]
    if not tripped:
        return []
    won = []
    for p in tripped:
        if Problem.objects.filter(pk=p.pk, level=p.level).update(
            level=Level.CHIEF, escalated_at=now
        ):
            p.level, p.escalated_at = Level.CHIEF, now
            won.append(p)
    if not won:
        return []
    ProblemAction.objects.bulk_create(
        ProblemAction(
            problem=p,
            actor=actor.get_username(),
            verb=Verb.CIRCUIT,
            from_status=p.status,
            to_status=p.status,
            level=Level.CHIEF,
            at=now,
            comment=(
                f"本月第{counts[p.pk]}次因同一规则被推送整改"
                f"（熔断阈值 {policy.repeat_threshold}），直报{Level.CHIEF.label}"
            ),
        )
        for p in won
    )
    chiefs = role_users({p.unit_id for p in won}, LEVEL_ROLES[Level.CHIEF])
    names = dict(
        m.Officer.objects.filter(pk__in={p.officer_id for p in won}).values_list("pk", "name")
    )
    record_audit(
        actor,
        AuditAction.RECTIFICATION_CIRCUIT,
        target_type="problem",
        details={
            "problems": {str(p.pk): counts[p.pk] for p in won},
            "threshold": policy.repeat_threshold,
        },
    )
    return [
        _circuit_message(
            p,
            counts[p.pk],
            person_text(names[p.officer_id], p.officer_id)
            if p.officer_id in names
            else str(p.officer_id),
            chiefs.get(p.unit_id or "", []),
        )
        for p in won
    ]


def _circuit_message(p: Problem, count: int, officer: str, users: list[Any]) -> Message:
    return Message(
        users,
        "circuit",
        f"熔断直报：{officer} 本月第{count}次 {p.rule.name}",
        f"{describe(p)}：民警 {officer} 本月已第{count}次因同一规则被推送整改，直报所队长督办。",
        link(p),
        {"problem_id": p.pk, "rule": p.rule_id, "officer_id": p.officer_id, "count": count,
         "unit_id": p.unit_id},
    )  # fmt: skip
