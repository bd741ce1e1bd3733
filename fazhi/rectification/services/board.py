"""通报晾晒: overdue problems per unit in a data scope, and this month's 约谈 reminders."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Min, Q
from django.utils import timezone

from fazhi.core.scope import DataScope, visible
from fazhi.records.models import Officer, Unit
from fazhi.rectification.models import InterviewReminder, Level, Problem
from fazhi.rectification.services.interviews import month_start


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
