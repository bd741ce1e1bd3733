"""How often a rule's findings were judged true: confirmed against 不予认定, per rule."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from fazhi.rectification.models import Problem, ProblemSource, ProblemStatus


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
