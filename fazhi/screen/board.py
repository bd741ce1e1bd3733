"""The numbers of the 执法智慧大屏, for one data scope at one moment.

Every figure is a grouped query over the scope's rows (about twenty queries in all, none per
record or per unit), so that the board costs the same at a city as at a county; the result is
cached per scope for ``FAZHI_SCREEN_CACHE_SECONDS`` so that a command room's screens polling every
minute cost one computation between them. Only data is cached, never a drawn page: the clocks are
drawn against the moment of each request.

The definitions (what a 整改率 is, which stages a case's efficiency measures, who counts as "in
custody") are in docs/screen.md.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import TruncMonth
from django.urls import reverse

from fazhi.core.scope import DataScope, visible
from fazhi.core.timezones import SHANGHAI
from fazhi.disputes.models import COLOUR_ORDER, Dispute, RiskColour
from fazhi.evaluation.models import Evaluation, EvaluationStatus, Score, SubjectKind
from fazhi.patrol.models import Finding, FindingStatus
from fazhi.records import models as m
from fazhi.records.enums import CaseKind, MeasureKind
from fazhi.rectification.models import FINAL_STATUSES, Problem, ProblemStatus

# Measures under which a person is held at the unit or the 执法办案管理中心 while a legal
# clock runs (传唤/拘传 12–24 小时, 刑事拘留 until 提请批准逮捕). 逮捕 and 行政拘留 are served
# in the 看守所 and 拘留所 on fixed terms the screen has no clock for.
HELD = (
    MeasureKind.SUMMONS,
    MeasureKind.ADMIN_SUMMONS,
    MeasureKind.COMPELLED_APPEARANCE,
    MeasureKind.CRIMINAL_DETENTION,
)
# How far back the case-efficiency medians look: a quarter smooths a county's few cases a day.
EFFICIENCY_DAYS = 90
LIST_ROWS = 30  # the scrolling overdue list and the custody list
CHART_UNITS = 15  # units drawn in the per-unit charts (the worst first)
RANK_ROWS = 10


def cache_key(scope: DataScope) -> str:
    units = "all" if scope.unit_ids is None else ",".join(sorted(scope.unit_ids))
    digest = hashlib.sha256(f"{units}|{scope.officer_id or ''}".encode()).hexdigest()[:24]
    return f"fazhi:screen:{digest}"


def cached_board(scope: DataScope, now: datetime) -> dict[str, Any]:
    """The board of ``scope``, from the cache when it was computed within the cache time."""
    key = cache_key(scope)
    data = cache.get(key)
    if data is None:
        data = board(scope, now)
        cache.set(key, data, settings.FAZHI_SCREEN_CACHE_SECONDS)
    return data


def board(scope: DataScope, now: datetime) -> dict[str, Any]:
    local = now.astimezone(SHANGHAI)
    today = local.replace(hour=0, minute=0, second=0, microsecond=0)
    month_start = today.replace(day=1)
    units = dict(visible(m.Unit.objects.all(), scope).values_list("pk", "name"))
    return {
        "computed_at": now,
        "totals": _totals(scope, now, today),
        "units": _units(scope, now, month_start, units),
        "overdue": _overdue(scope, now),
        "efficiency": _efficiency(scope, now),
        "disputes": _disputes(scope, units),
        "ranking": _ranking(scope),
        "trend": _trend(scope, month_start),
        "custody": _custody(scope),
    }


# --- the headline numbers ----------------------------------------------------------------------


def _totals(scope: DataScope, now: datetime, today: datetime) -> dict[str, int]:
    findings = visible(Finding.objects.open(), scope).status_totals()
    problems = visible(Problem.objects.all(), scope).aggregate(
        active=Count("pk", filter=~Q(status__in=FINAL_STATUSES)),
        overdue=Count("pk", filter=Q(status=ProblemStatus.OPEN, due_at__lt=now)),
        new_today=Count("pk", filter=Q(created_at__gte=today)),
        closed_today=Count("pk", filter=Q(status=ProblemStatus.CLOSED, finished_at__gte=today)),
    )
    new_findings = visible(Finding.objects.filter(first_seen_at__gte=today), scope).count()
    held = visible(
        m.Measure.objects.filter(kind__in=HELD, ended_at__isnull=True, started_at__lte=now), scope
    ).count()
    red = visible(Dispute.objects.open().red(), scope).count()
    return {
        "warnings": findings.get(FindingStatus.WARNING) or 0,
        "overdue_findings": findings.get(FindingStatus.OVERDUE) or 0,
        "violations": (findings.get(FindingStatus.VIOLATION) or 0)
        + (findings.get(FindingStatus.LATE) or 0),
        "new_findings_today": new_findings,
        "active_problems": problems["active"] or 0,
        "overdue_problems": problems["overdue"] or 0,
        "new_problems_today": problems["new_today"] or 0,
        "closed_problems_today": problems["closed_today"] or 0,
        "held": held,
        "red_disputes": red,
    }


# --- per unit: open problems and the month's rectification rate -------------------------------


def _units(
    scope: DataScope, now: datetime, month_start: datetime, names: dict[str, str]
) -> list[dict[str, Any]]:
    """Per unit: problems waiting (待整改/待审核/申诉中), overdue, and the month's 整改率 — of the
    problems raised this month and not dismissed (不予认定), the share fixed (已整改待审核 or
    已销号)."""
    rows = (
        visible(Problem.objects.all(), scope)
        .values("unit_id")
        .annotate(
            active=Count("pk", filter=~Q(status__in=FINAL_STATUSES)),
            overdue=Count("pk", filter=Q(status=ProblemStatus.OPEN, due_at__lt=now)),
            month=Count(
                "pk",
                filter=Q(created_at__gte=month_start) & ~Q(status=ProblemStatus.DISMISSED),
            ),
            month_fixed=Count(
                "pk",
                filter=Q(
                    created_at__gte=month_start,
                    status__in=(ProblemStatus.FIXED, ProblemStatus.CLOSED),
                ),
            ),
        )
        .order_by("unit_id")
    )
    out = []
    for row in rows:
        if not (row["active"] or row["month"]):
            continue
        rate = round(100 * row["month_fixed"] / row["month"], 1) if row["month"] else None
        out.append(
            {
                "unit_id": row["unit_id"],
                "name": names.get(str(row["unit_id"]), str(row["unit_id"])),
                "active": row["active"],
                "overdue": row["overdue"],
                "month": row["month"],
                "month_fixed": row["month_fixed"],
                "rate": rate,
            }
        )
    out.sort(key=lambda r: (-r["overdue"], -r["active"], r["name"]))
    return out


# --- the scrolling list of what is past its time ------------------------------------------------


def _overdue(scope: DataScope, now: datetime) -> list[dict[str, Any]]:
    """Overdue findings (a legal period run out with the act not done) and overdue problems (a
    rectification not made in time), the longest overdue first."""
    findings = (
        visible(Finding.objects.open().filter(status=FindingStatus.OVERDUE), scope)
        .select_related("rule", "unit", "officer")
        .only("rule__name", "unit__name", "officer__name", "due_at", "case_id")
        .order_by(F("due_at").asc(nulls_last=True), "pk")[:LIST_ROWS]
    )
    problems = (
        visible(Problem.objects.overdue(now), scope)
        .select_related("rule", "unit", "officer")
        .only("rule__name", "unit__name", "officer__name", "due_at", "case_id", "level")
        .order_by("due_at", "pk")[:LIST_ROWS]
    )
    rows = [
        {
            "kind": "期限超期",
            "title": f.rule.name,
            "unit": f.unit.name if f.unit_id and f.unit else "",
            "officer": f.officer.name if f.officer_id and f.officer else "",
            "case_id": f.case_id or "",
            "due_at": f.due_at,
            "href": reverse("patrol:finding", args=[f.pk]),
        }
        for f in findings
    ] + [
        {
            "kind": "整改超期",
            "title": p.rule.name,
            "unit": p.unit.name if p.unit_id and p.unit else "",
            "officer": p.officer.name if p.officer_id and p.officer else "",
            "case_id": p.case_id or "",
            "due_at": p.due_at,
            "href": reverse("rectification:detail", args=[p.pk]),
        }
        for p in problems
    ]
    far_future = now + timedelta(days=36500)
    rows.sort(key=lambda r: r["due_at"] or far_future)
    return rows[:LIST_ROWS]


# --- case efficiency: the median time of each stage --------------------------------------------


def _median(qs: QuerySet[Any], start: str, end: str) -> tuple[timedelta | None, int]:
    """The median of ``end - start`` over ``qs`` in two queries on either database (a count and
    one row at the middle offset), rather than fetching every duration."""
    spans = qs.annotate(
        _span=ExpressionWrapper(F(end) - F(start), output_field=DurationField())
    ).filter(**{f"{start}__isnull": False, f"{end}__isnull": False, f"{end}__gte": F(start)})
    n = spans.count()
    if not n:
        return None, 0
    return spans.order_by("_span").values_list("_span", flat=True)[n // 2], n


def _efficiency(scope: DataScope, now: datetime) -> list[dict[str, Any]]:
    since = now - timedelta(days=EFFICIENCY_DAYS)
    cases = visible(m.Case.objects.all(), scope)
    received = m.Incident.objects.filter(pk=OuterRef("incident_id")).values("received_at")[:1]
    stages = [
        (
            "接警到受案",
            cases.filter(accepted_at__gte=since, incident__isnull=False).annotate(
                _received=Subquery(received, output_field=DateTimeField())
            ),
            "_received",
            "accepted_at",
        ),
        (
            "受案到立案（刑事）",
            cases.filter(kind=CaseKind.CRIMINAL, filed_at__gte=since),
            "accepted_at",
            "filed_at",
        ),
        ("受案到结案", cases.filter(closed_at__gte=since), "accepted_at", "closed_at"),
    ]
    out = []
    for label, qs, start, end in stages:
        median, n = _median(qs, start, end)
        out.append({"stage": label, "median": median, "count": n})
    return out


# --- dispute risk by colour and unit -----------------------------------------------------------


def _disputes(scope: DataScope, names: dict[str, str]) -> dict[str, Any]:
    rows = (
        visible(Dispute.objects.open(), scope)
        .values("unit_id", "colour")
        .annotate(n=Count("pk"))
        .order_by("unit_id", "colour")
    )
    per_unit: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(RiskColour.values, 0))
    totals = dict.fromkeys(RiskColour.values, 0)
    for row in rows:
        per_unit[str(row["unit_id"])][row["colour"]] = row["n"]
        totals[row["colour"]] += row["n"]
    order = sorted(
        per_unit,
        key=lambda uid: (-per_unit[uid][RiskColour.RED], -per_unit[uid][RiskColour.YELLOW]),
    )
    units = [{"unit_id": uid, "name": names.get(uid, uid), **per_unit[uid]} for uid in order]
    colours = [
        (value, label, totals[value])
        for value, label in sorted(
            RiskColour.choices, key=lambda c: -COLOUR_ORDER[RiskColour(c[0])]
        )
    ]
    return {"totals": totals, "units": units[:CHART_UNITS], "colours": colours}


# --- the month's rankings ----------------------------------------------------------------------


def _ranking(scope: DataScope) -> dict[str, Any]:
    """The units of the latest published month (drafts are not shown on a screen: a number that
    may still change has no place in a command room)."""
    ev = (
        Evaluation.objects.filter(status=EvaluationStatus.PUBLISHED)
        .order_by("-month", "-version")
        .only("pk", "month")
        .first()
    )
    if ev is None:
        return {"month": None, "href": "", "rows": [], "failing": 0}
    scores = visible(Score.objects.filter(evaluation=ev, subject=SubjectKind.UNIT), scope)
    rows = [
        {
            "unit": s.unit.name if s.unit else "",
            "score": s.score,
            "grade": s.get_grade_display() if s.grade else "",
            "rank": s.rank,
            "vetoed": bool(s.vetoes),
            "href": reverse("evaluation:score", args=[s.pk]),
        }
        for s in scores.select_related("unit")
        .filter(rank__isnull=False)
        .order_by("rank", "unit_id")[:RANK_ROWS]
    ]
    failing = scores.filter(grade="不达标").count()
    href = reverse("evaluation:version", args=[ev.pk])
    return {"month": ev.month, "href": href, "rows": rows, "failing": failing}


# --- twelve months ------------------------------------------------------------------------------


def _months(month_start: datetime) -> list[datetime]:
    out = [month_start]
    for _ in range(11):
        prev = (out[-1] - timedelta(days=1)).replace(day=1)
        out.append(prev)
    return list(reversed(out))


def _monthly(qs: QuerySet[Any], field: str, since: datetime) -> dict[str, int]:
    rows = (
        qs.filter(**{f"{field}__gte": since})
        .annotate(_month=TruncMonth(field, tzinfo=SHANGHAI))
        .values("_month")
        .annotate(n=Count("pk"))
        .order_by("_month")
    )
    return {f"{r['_month']:%Y-%m}": r["n"] for r in rows if r["_month"] is not None}


def _trend(scope: DataScope, month_start: datetime) -> dict[str, Any]:
    months = _months(month_start)
    since = months[0]
    found = _monthly(visible(Finding.objects.all(), scope), "first_seen_at", since)
    raised = _monthly(visible(Problem.objects.all(), scope), "created_at", since)
    closed = _monthly(
        visible(Problem.objects.filter(status=ProblemStatus.CLOSED), scope), "finished_at", since
    )
    cases = _monthly(visible(m.Case.objects.all(), scope), "accepted_at", since)
    keys = [f"{mo:%Y-%m}" for mo in months]
    return {
        "months": [f"{mo.year}年{mo.month}月" for mo in months],
        "series": [
            ("受理案件", [cases.get(k, 0) for k in keys]),
            ("巡查新发现", [found.get(k, 0) for k in keys]),
            ("生成问题", [raised.get(k, 0) for k in keys]),
            ("销号问题", [closed.get(k, 0) for k in keys]),
        ],
    }


# --- who is held now, with the clock of the next legal step -------------------------------------


def _custody(scope: DataScope) -> list[dict[str, Any]]:
    """People held under a measure with a running clock (``HELD``), with the nearest open legal
    deadline the patrol computed for that measure (the rule and its due time)."""
    next_due = Finding.objects.filter(
        subject_type="measure", subject_id=OuterRef("pk"), is_open=True, due_at__isnull=False
    ).order_by("due_at")
    held = (
        visible(m.Measure.objects.filter(kind__in=HELD, ended_at__isnull=True), scope)
        .annotate(
            _due=Subquery(next_due.values("due_at")[:1]),
            _rule=Subquery(next_due.values("rule__name")[:1]),
        )
        .select_related("person", "case__unit")
        .only("kind", "started_at", "person__name", "case__cause", "case__unit__name")
        .order_by(F("_due").asc(nulls_last=True), "started_at", "pk")[:LIST_ROWS]
    )
    return [
        {
            "person": _masked_name(h.person.name),
            "kind": h.kind,
            "cause": h.case.cause,
            "unit": h.case.unit.name,
            "case_id": h.case_id,
            "started_at": h.started_at,
            "due_at": h._due,
            "rule": h._rule or "",
        }
        for h in held
    ]


def _masked_name(name: str) -> str:
    """张某某: a screen in a command room is read by whoever stands before it."""
    if not name:
        return ""
    return name[0] + "某" * max(1, min(2, len(name) - 1))
