"""民警负担 (the officers' burden of alerts), per officer and per unit, against the targets the
bureau sets (``RectificationPolicy.burden_alerts_target`` and ``burden_minutes_target``):

- **可处置提醒/周**: the problems pushed to an officer (each a notice asking him to act) over the
  last ``WEEKS`` weeks, per week; 不予认定 problems are left out (a false alert asked for no
  action; the rule's precision counts those). For a unit, per officer who received any.
- **通知到处置（分钟，中位数）**: from a problem's notice (its creation) to the officer's first act
  on it (提交整改 or 申诉), the median over the problems acted on.

Both come from grouped SQL: counts with ``GROUP BY``, the median with window functions (each
group's rows ranked by wait; the one or two middle rows read back), on PostgreSQL and SQLite.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import RowNumber

from fazhi.records import models as m
from fazhi.rectification.models import (
    Problem,
    ProblemAction,
    ProblemStatus,
    RectificationPolicy,
    Verb,
)

WEEKS = 12
# what counts as the officer acting on a notice
ACTS = (Verb.SUBMIT, Verb.APPEAL)

By = Literal["officer", "unit"]


@dataclass
class Burden:
    key: str
    name: str
    alerts: int
    officers: int
    per_week: float
    minutes: float | None
    alerts_met: bool
    minutes_met: bool | None

    @property
    def met(self) -> bool:
        return self.alerts_met and self.minutes_met is not False


def window(now: datetime, weeks: int = WEEKS) -> tuple[datetime, datetime]:
    return now - timedelta(weeks=weeks), now


def _actionable(problems: QuerySet[Problem], now: datetime, weeks: int) -> QuerySet[Problem]:
    since, until = window(now, weeks)
    return problems.filter(created_at__gte=since, created_at__lte=until).exclude(
        status=ProblemStatus.DISMISSED
    )


def median_waits(problems: QuerySet[Problem], by: By) -> dict[str, float]:
    """Per officer (or unit), the median minutes from notice to first act, in SQL: rows ranked
    by wait within their group, the middle one or two read back and averaged."""
    field = f"{by}_id"
    first_act = (
        ProblemAction.objects.filter(problem=OuterRef("pk"), verb__in=ACTS)
        .order_by("at")
        .values("at")[:1]
    )
    waits = (
        problems.exclude(**{f"{field}__isnull": True})
        .annotate(acted_at=Subquery(first_act))
        .filter(acted_at__isnull=False)
        .annotate(
            wait=ExpressionWrapper(F("acted_at") - F("created_at"), output_field=DurationField())
        )
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F(field)], order_by=[F("wait").asc(), F("pk").asc()]
            ),
            size=Window(Count("pk"), partition_by=[F(field)]),
        )
        .filter(rank__gte=(F("size") + 1) / 2, rank__lte=(F("size") + 2) / 2)
        .values_list(field, "wait")
        .order_by()
    )
    middle: dict[str, list[float]] = defaultdict(list)
    for key, wait in waits:
        middle[str(key)].append(wait.total_seconds() / 60)
    return {key: round(sum(v) / len(v), 1) for key, v in middle.items()}


def burden(
    problems: QuerySet[Problem],
    by: By,
    now: datetime,
    *,
    policy: RectificationPolicy | None = None,
    weeks: int = WEEKS,
    limit: int | None = None,
) -> list[Burden]:
    """The burden of each officer (or unit) among ``problems`` (already narrowed to a scope, a
    rule …), heaviest first."""
    policy = policy or RectificationPolicy.current()
    field = f"{by}_id"
    recent = _actionable(problems, now, weeks).exclude(**{f"{field}__isnull": True})
    counts = list(
        recent.values(field)
        .annotate(n=Count("pk"), people=Count("officer_id", distinct=True))
        .order_by("-n", field)
    )
    if limit is not None:
        counts = counts[:limit]
    keys = [str(row[field]) for row in counts]
    waits = median_waits(recent.filter(**{f"{field}__in": keys}), by)
    model = m.Officer if by == "officer" else m.Unit
    names = dict(model.objects.filter(pk__in=keys).values_list("pk", "name"))
    out = []
    for row in counts:
        key = str(row[field])
        people = 1 if by == "officer" else max(row["people"], 1)
        per_week = round(row["n"] / people / weeks, 2)
        minutes = waits.get(key)
        out.append(
            Burden(
                key=key,
                name=names.get(key, key),
                alerts=row["n"],
                officers=people,
                per_week=per_week,
                minutes=minutes,
                alerts_met=per_week <= policy.burden_alerts_target,
                minutes_met=None if minutes is None else minutes <= policy.burden_minutes_target,
            )
        )
    return out


def burden_summary(
    problems: QuerySet[Problem], now: datetime, *, limit: int = 10
) -> dict[str, object]:
    """What a page shows: the units' and the heaviest officers' burden, and the targets."""
    policy = RectificationPolicy.current()
    return {
        "units": burden(problems, "unit", now, policy=policy, limit=limit),
        "officers": burden(problems, "officer", now, policy=policy, limit=limit),
        "alerts_target": policy.burden_alerts_target,
        "minutes_target": policy.burden_minutes_target,
        "weeks": WEEKS,
    }
