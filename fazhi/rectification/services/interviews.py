"""约谈提醒: an officer with too many problems this month is reminded, with his unit's leaders."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from fazhi.core.audit_actions import AuditAction
from fazhi.core.services import record_audit
from fazhi.core.timezones import SHANGHAI
from fazhi.notifications.services import Message, notify_many
from fazhi.records.models import Officer
from fazhi.rectification.models import (
    LEVEL_ROLES,
    InterviewReminder,
    Level,
    Problem,
    ProblemStatus,
    RectificationPolicy,
)
from fazhi.rectification.services.recipients import officer_users, role_users


def month_start(now: datetime) -> date:
    return timezone.localtime(now, SHANGHAI).date().replace(day=1)


def _month_bounds(first: date) -> tuple[datetime, datetime]:
    nxt = (first + timedelta(days=32)).replace(day=1)
    return (
        datetime(first.year, first.month, 1, tzinfo=SHANGHAI),
        datetime(nxt.year, nxt.month, 1, tzinfo=SHANGHAI),
    )


def interview_reminders(now: datetime, actor: User) -> dict[str, Any]:
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
        own = officer_users(r.officer_id for r in created)
        leaders = [
            role_users(units, LEVEL_ROLES[lvl])
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
        notify_many(messages, actor=actor, now=now)
        record_audit(
            actor,
            AuditAction.RECTIFICATION_INTERVIEW,
            target_type="officer",
            details={
                "month": f"{first:%Y-%m}",
                "officers": {r.officer_id: r.problem_count for r in created},
            },
        )
    return {"interviews": len(created)}
