"""执法标准动态评估: how each rule and each standard has behaved over the last twelve months —
violations per month and per unit, whether they rise or fall (``trend.mann_kendall``), how often
their findings were judged true (precision from 不予认定), how long rectification takes, and the
burden on the officers who receive them — and the list of those that need the 法制大队's
attention.

Every figure is a grouped query over findings or problems (a handful of queries for all rules
together); the medians of durations are taken over the closed problems' two timestamps, read
once for all rules.

Definitions (docs/tuning.md):
- a rule's **violations** in a month are its findings first seen that month (any status);
- **precision** is ``rectification.services.precision`` (confirmed against 不予认定);
- **整改用时** is the median from a problem's creation to its 销号 (closed problems of the window);
- **响应用时** is the median from creation to the officer's first fix (问题 → 已整改待审核);
- **民警负担** is the rule's alerts (problems raised and warnings issued) over the last twelve weeks
  per officer who received any, per week.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncMonth

from fazhi.core.timezones import SHANGHAI
from fazhi.patrol.models import Finding, FindingStatus, Rule
from fazhi.records import models as m
from fazhi.rectification.models import Problem, ProblemStatus, RectificationPolicy
from fazhi.rectification.services.precision import precision_by_rule
from fazhi.standards.models import Standard
from fazhi.tuning.trend import Trend, mann_kendall

BURDEN_WEEKS = 12
TOP_UNITS = 3


@dataclass
class RuleDynamics:
    code: str
    name: str
    enabled: bool
    months: list[str]
    monthly: list[int]
    trend: Trend
    total: int
    units: list[tuple[str, int]]
    precision: dict[str, Any]
    fix_time: timedelta | None
    response_time: timedelta | None
    burden: float | None
    attention: list[str] = field(default_factory=list)


@dataclass
class StandardDynamics:
    code: str
    title: str
    category: str
    rules: list[str]
    monthly: list[int]
    trend: Trend
    total: int
    attention: list[str] = field(default_factory=list)


def _months(now: datetime) -> list[datetime]:
    first = now.astimezone(SHANGHAI).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    out = [first]
    for _ in range(11):
        out.append((out[-1] - timedelta(days=1)).replace(day=1))
    return list(reversed(out))


def _medians(rows: list[tuple[str, datetime, datetime | None]]) -> dict[str, timedelta]:
    spans: dict[str, list[timedelta]] = defaultdict(list)
    for code, start, end in rows:
        if end is not None and end >= start:
            spans[code].append(end - start)
    return {
        code: timedelta(seconds=round(median(v.total_seconds() for v in values)))
        for code, values in spans.items()
    }


def _monthly(
    now: datetime, months: list[datetime], rules: list[str] | None = None
) -> dict[str, dict[str, int]]:
    """Findings first seen per rule and month (``YYYY-MM``), of ``rules`` or of every rule."""
    found = Finding.objects.filter(first_seen_at__gte=months[0], first_seen_at__lte=now)
    if rules is not None:
        found = found.filter(rule_id__in=rules)
    monthly: dict[str, dict[str, int]] = defaultdict(dict)
    for row in (
        found.annotate(month=TruncMonth("first_seen_at", tzinfo=SHANGHAI))
        .values("rule_id", "month")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        monthly[row["rule_id"]][f"{row['month']:%Y-%m}"] = row["n"]
    return monthly


def rule_dynamics(now: datetime) -> list[RuleDynamics]:
    months = _months(now)
    since = months[0]
    keys = [f"{mo:%Y-%m}" for mo in months]
    monthly = _monthly(now, months)
    per_unit: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for row in (
        Finding.objects.filter(first_seen_at__gte=since, first_seen_at__lte=now)
        .values("rule_id", "unit_id")
        .annotate(n=Count("pk"))
        .order_by("rule_id", "-n", "unit_id")
    ):
        per_unit[row["rule_id"]].append((str(row["unit_id"] or ""), row["n"]))
    names = dict(m.Unit.objects.values_list("pk", "name"))
    precision = precision_by_rule()
    closed = Problem.objects.filter(created_at__gte=since, created_at__lte=now)
    fix = _medians(
        list(closed.filter(status=ProblemStatus.CLOSED).values_list(
            "rule_id", "created_at", "finished_at"))
    )  # fmt: skip
    response = _medians(
        list(closed.filter(fixed_at__isnull=False).values_list("rule_id", "created_at", "fixed_at"))
    )
    burden = _burden(now)
    # the bureau's target (整改规则设置), the one the rule and workbench pages measure against
    target = RectificationPolicy.current().burden_alerts_target
    out = []
    for rule in Rule.objects.order_by("code"):
        series = [monthly[rule.code].get(k, 0) for k in keys]
        trend = mann_kendall(series)
        item = RuleDynamics(
            code=rule.code,
            name=rule.name,
            enabled=rule.enabled,
            months=[f"{mo.year}年{mo.month}月" for mo in months],
            monthly=series,
            trend=trend,
            total=sum(series),
            units=[(names.get(uid, uid), n) for uid, n in per_unit[rule.code][:TOP_UNITS]],
            precision=precision.get(rule.code, {"confirmed": 0, "dismissed": 0, "precision": None}),
            fix_time=fix.get(rule.code),
            response_time=response.get(rule.code),
            burden=burden.get(rule.code),
        )
        judged = item.precision["confirmed"] + item.precision["dismissed"]
        p = item.precision["precision"]
        if (
            p is not None
            and judged >= settings.FAZHI_TUNING_MIN_JUDGED
            and (p < settings.FAZHI_TUNING_PRECISION_FLOOR)
        ):
            item.attention.append(f"精确率低：{p:.0%}（已判定 {judged} 项）")
        if trend.direction == "rising":
            item.attention.append(
                f"违规上升：每月约增 {trend.slope:.1f} 项（概率值 {trend.p_value}）"
            )
        if item.burden is not None and item.burden > target:
            item.attention.append(f"民警负担重：每人每周 {item.burden:.1f} 条（目标 {target}）")
        if rule.enabled and item.total == 0:
            item.attention.append("一年未触发：规则或其依据的数据可能已不适用")
        out.append(item)
    return out


def _burden(now: datetime) -> dict[str, float]:
    """Alerts (problems raised, warnings issued) per officer who received any, per week, over
    the last ``BURDEN_WEEKS`` weeks, per rule."""
    since = now - timedelta(weeks=BURDEN_WEEKS)
    alerts: dict[str, int] = defaultdict(int)
    officers: dict[str, set[str]] = defaultdict(set)
    for qs in (
        Problem.objects.filter(created_at__gte=since, created_at__lte=now),
        Finding.objects.filter(
            status=FindingStatus.WARNING, first_seen_at__gte=since, first_seen_at__lte=now
        ),
    ):
        for row in (
            qs.exclude(officer_id__isnull=True)
            .values("rule_id", "officer_id")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            alerts[row["rule_id"]] += row["n"]
            officers[row["rule_id"]].add(str(row["officer_id"]))
    return {
        code: round(alerts[code] / len(officers[code]) / BURDEN_WEEKS, 2)
        for code in alerts
        if officers[code]
    }


def standard_dynamics(now: datetime, rules: list[RuleDynamics]) -> list[StandardDynamics]:
    """Each current standard: the sum of its rules' months, its trend; a standard no rule
    enforces is written practice only, which the list says."""
    by_code = {r.code: r for r in rules}
    today = now.astimezone(SHANGHAI).date()
    out = []
    # effective_to is the last day in force (inclusive), as ``StandardQuerySet.in_force``
    current = Standard.objects.in_force(today)
    for std in current.prefetch_related("rules").order_by("code"):
        codes = sorted(r.code for r in std.rules.all())
        series = [sum(by_code[c].monthly[i] for c in codes if c in by_code) for i in range(12)]
        out.append(_standard_row(std, codes, series))
    return out


def _standard_row(std: Standard, codes: list[str], series: list[int]) -> StandardDynamics:
    row = StandardDynamics(
        code=std.code, title=std.title, category=std.get_category_display(), rules=codes,
        monthly=series, trend=mann_kendall(series), total=sum(series),
    )  # fmt: skip
    if not codes:
        row.attention.append("尚无规则执行：仅为书面标准，无法动态评估")
    elif row.trend.direction == "rising":
        row.attention.append(f"违反上升（概率值 {row.trend.p_value}）")
    return row


def one_standard_dynamics(now: datetime, std: Standard) -> StandardDynamics | None:
    """``standard_dynamics``'s row of one standard, reading only its rules' findings (for its
    page); ``None`` when the version is not in force today, as that list has no row for it."""
    today = now.astimezone(SHANGHAI).date()
    if std.effective_from > today or (std.effective_to is not None and std.effective_to < today):
        return None
    codes = sorted(r.code for r in std.rules.all())
    months = _months(now)
    monthly = _monthly(now, months, codes)
    keys = [f"{mo:%Y-%m}" for mo in months]
    series = [sum(monthly[c].get(k, 0) for c in codes) for k in keys]
    return _standard_row(std, codes, series)
