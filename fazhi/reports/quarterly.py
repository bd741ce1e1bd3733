"""季分析: the quarter month by month — findings by rule, unit and standard (the standards most
violated and whether they rise or fall), problems and their rectification, dispute risk by
colour, and what improved (units and rules whose findings fell from the first month to the
last), with charts.

The findings are the findings list's (``daily.new_findings``: 全部, 首次发现 within the period),
grouped by month in SQL; disputes are counted by the month their incident was received, as the
disputes analysis page counts them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from fazhi.core.scope import DataScope, visible
from fazhi.core.timezones import SHANGHAI
from fazhi.disputes.models import Dispute, RiskColour
from fazhi.patrol.models import Rule
from fazhi.rectification.models import Problem, ProblemStatus
from fazhi.reports import common
from fazhi.reports.daily import new_findings
from fazhi.reports.document import Chart, ReportDoc, Section, Sub, Table
from fazhi.reports.periods import Period
from fazhi.standards.models import Standard

TOP = 10

Series = dict[str, list[int]]  # key → count per month of the quarter


@dataclass
class QuarterlyData:
    period: Period
    months: list[date]
    by_rule: Series
    by_unit: Series
    by_standard: Series
    problems: list[tuple[int, int]]  # per month: created, of them closed
    disputes: dict[str, list[int]]  # colour → per month
    rule_names: dict[str, str]
    unit_names: dict[str, str]
    standard_names: dict[str, str]

    @property
    def totals(self) -> dict[str, Any]:
        per_month = [sum(v[i] for v in self.by_unit.values()) for i in range(len(self.months))]
        return {
            "findings": sum(per_month),
            "per_month": per_month,
            "problems": sum(p for p, _ in self.problems),
            "closed": sum(c for _, c in self.problems),
            "red_disputes": sum(self.disputes.get(RiskColour.RED, [])),
        }


def _month_key(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else value


def _series(rows: Any, key: str, months: list[date]) -> Series:
    index = {m: i for i, m in enumerate(months)}
    out: Series = defaultdict(lambda: [0] * len(months))
    for r in rows:
        i = index.get(_month_key(r["month"]))
        if i is not None and r[key] is not None:
            out[r[key]][i] += r["n"]
    return dict(out)


def compute(period: Period, scope: DataScope, unit_id: str | None, now: datetime) -> QuarterlyData:
    months = period.months()
    month = TruncMonth("first_seen_at", tzinfo=SHANGHAI)
    findings = new_findings(period, scope).annotate(month=month)
    by_rule = _series(
        findings.values("rule_id", "month").annotate(n=Count("pk")).order_by(), "rule_id", months
    )
    by_unit = _series(
        findings.values("unit_id", "month").annotate(n=Count("pk")).order_by(), "unit_id", months
    )
    by_standard = _series(
        findings.filter(rule__standards__effective_to__isnull=True)
        .values("rule__standards__code", "month").annotate(n=Count("pk")).order_by(),
        "rule__standards__code", months,
    )  # fmt: skip
    created = TruncMonth("created_at", tzinfo=SHANGHAI)
    problem_rows = {
        _month_key(r["month"]): (r["n"], r["closed"])
        for r in visible(Problem.objects.all(), scope)
        .filter(created_at__gte=period.start, created_at__lt=period.end)
        .annotate(month=created).values("month")
        .annotate(n=Count("pk"), closed=Count("pk", filter=Q(status=ProblemStatus.CLOSED)))
        .order_by()
    }  # fmt: skip
    received = TruncMonth("incident__received_at", tzinfo=SHANGHAI)
    disputes = _series(
        visible(Dispute.objects.all(), scope)
        .filter(incident__received_at__gte=period.start, incident__received_at__lt=period.end)
        .annotate(month=received).values("colour", "month").annotate(n=Count("pk")).order_by(),
        "colour", months,
    )  # fmt: skip
    standards = dict(
        Standard.objects.filter(code__in=list(by_standard), effective_to__isnull=True)
        .values_list("code", "title")
    )  # fmt: skip
    return QuarterlyData(
        period, months, by_rule, by_unit, by_standard,
        [problem_rows.get(m, (0, 0)) for m in months], disputes,
        dict(Rule.objects.filter(pk__in=list(by_rule)).values_list("pk", "name")),
        common.unit_names(by_unit), standards,
    )  # fmt: skip


def trend(counts: list[int]) -> str:
    if len(counts) < 2:
        return "—"
    first, last = counts[0], counts[-1]
    if last > first:
        return f"上升（+{last - first}）"
    if last < first:
        return f"下降（-{first - last}）"
    return "持平"


def _top(series: Series, n: int = TOP) -> list[tuple[str, list[int]]]:
    return sorted(series.items(), key=lambda kv: (-sum(kv[1]), kv[0]))[:n]


def _table(caption: str, head: str, series: Series, names: dict[str, str], months: list[date],
           n: int = TOP, code: bool = False) -> Table:  # fmt: skip
    month_heads = [f"{m.month}月" for m in months]
    rows = []
    for key, counts in _top(series, n):
        name = names.get(key, key)
        rows.append([*([key] if code else []), name, *counts, sum(counts), trend(counts)])
    return Table(
        caption, [*(["编号"] if code else []), head, *month_heads, "合计", "趋势"], rows,
        [*([12] if code else []), 30, *[8] * len(months), 8, 14],
    )  # fmt: skip


def document(data: QuarterlyData) -> ReportDoc:
    t = data.totals
    months = data.months
    labels = [f"{m.month}月" for m in months]
    rules = _table("表1 违反较多的规则", "规则", data.by_rule, data.rule_names, months, code=True)
    standards = _table(
        "表2 违反较多的标准", "标准", data.by_standard, data.standard_names, months, code=True
    )
    units = _table("表3 各单位巡查发现", "单位", data.by_unit, data.unit_names, months, n=1000)
    problems = Table(
        "表4 整改问题", ["月份", "通报问题", "已整改销号", "整改率"],
        [[lbl, p, c, common.rate_text(common.rate(c, p))]
         for lbl, (p, c) in zip(labels, data.problems, strict=True)],
        [10, 12, 12, 10],
    )  # fmt: skip
    colours = [(c, lbl) for c, lbl in RiskColour.choices]
    disputes = Table(
        "表5 矛盾纠纷风险等级", ["月份", *(lbl for _, lbl in colours), "合计"],
        [[lbl, *(data.disputes.get(c, [0] * len(months))[i] for c, _ in colours),
          sum(data.disputes.get(c, [0] * len(months))[i] for c, _ in colours)]
         for i, lbl in enumerate(labels)],
        [10, 10, 10, 10, 10],
    )  # fmt: skip
    improved_units = [
        f"{data.unit_names.get(k, k)}（{c[0]}→{c[-1]}）"
        for k, c in sorted(data.by_unit.items(), key=lambda kv: kv[1][-1] - kv[1][0])
        if c[-1] < c[0]
    ][:TOP]
    improved_rules = [
        f"{data.rule_names.get(k, k)}（{c[0]}→{c[-1]}）"
        for k, c in sorted(data.by_rule.items(), key=lambda kv: kv[1][-1] - kv[1][0])
        if c[-1] < c[0]
    ][:TOP]
    rising = [data.standard_names.get(k, k) for k, c in _top(data.by_standard) if c[-1] > c[0]]
    top_rules = _top(data.by_rule, 5)
    charts = {
        "trend": Chart("巡查发现月度走势（违反较多的规则）", "line", labels,
                       [(data.rule_names.get(k, k), [float(x) for x in c]) for k, c in top_rules]),
        "units": Chart("各单位本季度巡查发现", "barh",
                       [data.unit_names.get(k, k) for k, _ in _top(data.by_unit, 15)],
                       [("巡查发现", [float(sum(c)) for _, c in _top(data.by_unit, 15)])]),
        "disputes": Chart("矛盾纠纷风险等级月度分布", "stacked", labels,
                          [(lbl, [float(x) for x in data.disputes.get(c, [0] * len(months))])
                           for c, lbl in colours]),
    }  # fmt: skip
    pm = "、".join(f"{lbl} {n} 条" for lbl, n in zip(labels, t["per_month"], strict=True))
    lead = (
        f"{data.period.label}，智能巡查共发现执法问题线索 {t['findings']} 条（{pm}），"
        f"通报整改问题 {t['problems']} 个，已整改销号 {t['closed']} 个；"
        f"新增红色风险矛盾纠纷 {t['red_disputes']} 起。现将本季度执法质量分析如下。"
    )
    return ReportDoc(
        kind="quarterly",
        title=f"执法质量分析报告（{data.period.label}）",
        scope_name="",
        period_label=data.period.label,
        lead=lead,
        sections=[
            Section(
                "一、总体情况",
                [
                    f"本季度巡查发现走势：{trend(t['per_month'])}。",
                    charts["trend"],
                ],
            ),
            Section(
                "二、问题分布",
                [
                    Sub("（一）按规则"),
                    rules,
                    Sub("（二）按标准"),
                    ("违反次数上升的标准：" + "、".join(rising) + "，须加强培训和提示。")
                    if rising
                    else "违反较多的标准中，没有违反次数上升的。",
                    standards,
                    Sub("（三）按单位"),
                    units,
                    charts["units"],
                ],
            ),
            Section("三、整改情况", [problems]),
            Section("四、矛盾纠纷风险", [disputes, charts["disputes"]]),
            Section(
                "五、向好的方面",
                [
                    ("巡查发现减少的单位：" + "、".join(improved_units) + "。")
                    if improved_units
                    else "本季度没有巡查发现逐月减少的单位。",
                    ("违反减少的规则：" + "、".join(improved_rules) + "。")
                    if improved_rules
                    else "本季度没有违反次数减少的规则。",
                ],
            ),
        ],
        summary=t,
    )
