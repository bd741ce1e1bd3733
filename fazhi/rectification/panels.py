"""The workbench panel of the rectification loop, by role: 待我整改 (民警), 待我审核
(法制员, 法制大队), and the overdue problems of the units a leader answers for."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from fazhi.accounts.models import Role
from fazhi.core.scope import DataScope, visible
from fazhi.rectification.models import (
    Level,
    Problem,
    ProblemStatus,
    overdue_q,
    time_left_text,
)
from fazhi.rectification.services.burden import burden_summary

PANEL_ROWS = 10
BURDEN_ROWS = 5
LEADERS = (Role.BUSINESS_LEAD, Role.LEGAL_LEADER, Role.CHIEF, Role.BUREAU_LEADER)


def workbench_panel(request: HttpRequest, scope: DataScope) -> dict[str, Any] | None:
    panel = _panel(request, scope)
    if panel is not None:
        # 民警负担: a 民警 his own; the others their units' and officers'
        mine = visible(Problem.objects.all(), scope)
        if scope.officer_id is not None:
            mine = mine.filter(officer_id=scope.officer_id)
        panel["burden"] = burden_summary(mine, timezone.now(), limit=BURDEN_ROWS)
    return panel


def _panel(request: HttpRequest, scope: DataScope) -> dict[str, Any] | None:
    now = timezone.now()
    problems = visible(Problem.objects.select_related("rule", "officer"), scope)
    if scope.role == Role.OFFICER:
        mine = list(
            problems.filter(status__in=[ProblemStatus.OPEN, ProblemStatus.APPEALED]).order_by(
                "due_at", "pk"
            )[:PANEL_ROWS]
        )
        for p in mine:
            p.time_left = time_left_text(p.due_at, now)  # type: ignore[attr-defined]
            p.overdue = p.is_overdue(now)  # type: ignore[attr-defined]
        return {
            "title": "待我整改",
            "template": "rectification/panel.html",
            "order": 20,
            "kind": "officer",
            "problems": mine,
            "total": problems.filter(status=ProblemStatus.OPEN).count(),
        }
    if scope.role in (Role.LEGAL_OFFICER, Role.LEGAL_BRIGADE):
        waiting = problems.filter(status__in=[ProblemStatus.FIXED, ProblemStatus.APPEALED])
        return {
            "title": "待我审核",
            "template": "rectification/panel.html",
            "order": 20,
            "kind": "reviewer",
            "problems": list(waiting.order_by("fixed_at", "pk")[:PANEL_ROWS]),
            "total": waiting.count(),
        }
    if scope.role in LEADERS:
        per_level = {f"level{lvl}": Count("pk", filter=Q(level=lvl)) for lvl in Level.values}
        counts = problems.filter(overdue_q(now)).aggregate(total=Count("pk"), **per_level)
        return {
            "title": "本单位逾期整改",
            "template": "rectification/panel.html",
            "order": 20,
            "kind": "leader",
            "total": counts["total"],
            "levels": [(lvl, label, counts[f"level{lvl}"]) for lvl, label in Level.choices],
            "open_total": problems.filter(status=ProblemStatus.OPEN).count(),
        }
    return None
