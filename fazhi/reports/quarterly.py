"""季分析: the quarter month by month — findings by rule, unit and standard (the standards most
violated and whether they rise or fall), problems and their rectification, dispute risk by
colour, and what improved (units and rules whose findings fell from the first month to the
last), with charts.

The findings are the findings list's (``daily.new_findings``: 全部, 首次发现 within the period),
grouped by month in SQL; disputes are counted by the month their incident was received, as the
disputes analysis page counts them.

Then the dynamic evaluation (``fazhi.tuning``) at the quarter's last moment: the twelve months
to the quarter's end tested for a trend (Mann–Kendall, ``tuning.trend``). The bureau's report
carries the 标准动态评估 page's own figures (``tuning.dynamics``: the rules and standards needing
attention, with precision and burden); a unit's report tests the unit's own findings the same
way — the precision and the burden are the whole bureau's figures, which a unit's users do not
read (``tuning.permissions``), so its report holds its trends only."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from fazhi.core.scope import DataScope, visible
from fazhi.core.timezones import SHANGHAI
from fazhi.disputes.models import Dispute, RiskColour
from fazhi.patrol.models import Finding, Rule
from fazhi.rectification.models import Problem, ProblemStatus
from fazhi.reports import common
from fazhi.reports.daily import new_findings
from fazhi.reports.document import Chart, ReportDoc, Section, Sub, Table
from fazhi.reports.periods import Period
from fazhi.standards.models import Standard
from fazhi.tuning.dynamics import rule_dynamics, standard_dynamics
from fazhi.tuning.trend import Trend, mann_kendall

TOP = 10
WINDOW = 12  # months of the dynamic evaluation, as the 标准动态评估 page

Series = dict[str, list[int]]  # key → count per month of the quarter


@dataclass
class TrendRow:
    """A rule or a standard over the twelve months: its counts, trend and why it needs
    attention (the 标准动态评估 page's reasons; a unit's report: a rising trend only)."""

    code: str
    name: str
    monthly: list[int]
    trend: Trend
    attention: list[str]
    precision: float | None = None


@dataclass
class Dynamics:
    whole_bureau: bool
    as_of: datetime
    months: list[str]  # 2025年10月 … 2026年9月
    rules: list[TrendRow]
    standards: list[TrendRow]

    @property
    def rising(self) -> list[TrendRow]:
        return [r for r in self.rules if r.trend.direction == "rising"]

    @property
    def falling(self) -> list[TrendRow]:
        return [r for r in self.rules if r.trend.direction == "falling"]


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
    dynamics: Dynamics

    @property
    def totals(self) -> dict[str, Any]:
        per_month = [sum(v[i] for v in self.by_unit.values()) for i in range(len(self.months))]
        return {
            "findings": sum(per_month),
            "per_month": per_month,
            "problems": sum(p for p, _ in self.problems),
            "closed": sum(c for _, c in self.problems),
            "red_disputes": sum(self.disputes.get(RiskColour.RED, [])),
            "attention_rules": sum(1 for r in self.dynamics.rules if r.attention),
            "attention_standards": sum(1 for r in self.dynamics.standards if r.attention),
            "rising_rules": len(self.dynamics.rising),
            "falling_rules": len(self.dynamics.falling),
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
        common.unit_names(by_unit), standards, dynamics(period, scope, unit_id, now),
    )  # fmt: skip


def _window(moment: datetime) -> list[date]:
    """The first days of the twelve months ending with the month of ``moment`` (the quarter's
    last, or the current one while the quarter runs), as the 标准动态评估 page counts them."""
    out = [moment.astimezone(SHANGHAI).date().replace(day=1)]
    while len(out) < WINDOW:
        out.append((out[-1] - timedelta(days=1)).replace(day=1))
    return list(reversed(out))


def rising_reason(trend: Trend) -> str:
    return f"违规上升：每月约增 {trend.slope:.1f} 项（概率值 {trend.p_value}）"


def dynamics(period: Period, scope: DataScope, unit_id: str | None, now: datetime) -> Dynamics:
    """The dynamic evaluation at the quarter's last moment (or now, while it runs)."""
    moment = min(now, period.end - timedelta(microseconds=1))
    if unit_id is None:  # the 标准动态评估 page's figures, as it shows them at that moment
        rules = rule_dynamics(moment)
        standards = standard_dynamics(moment, rules)
        return Dynamics(
            True, moment, rules[0].months if rules else [],
            [TrendRow(r.code, r.name, r.monthly, r.trend, r.attention,
                      r.precision["precision"]) for r in rules],
            [TrendRow(x.code, x.title, x.monthly, x.trend, x.attention) for x in standards],
        )  # fmt: skip
    # a unit: its own findings (those its 所队长 sees on the findings list), tested the same way
    months = _window(moment)
    since = datetime.combine(months[0], time.min, SHANGHAI)
    series = _series(
        visible(Finding.objects.all(), scope)
        .filter(first_seen_at__gte=since, first_seen_at__lte=moment)
        .annotate(month=TruncMonth("first_seen_at", tzinfo=SHANGHAI))
        .values("rule_id", "month").annotate(n=Count("pk")).order_by(),
        "rule_id", months,
    )  # fmt: skip
    names = dict(Rule.objects.filter(pk__in=list(series)).values_list("pk", "name"))
    rows = []
    for code in sorted(series):
        found = mann_kendall(series[code])
        reasons = [rising_reason(found)] if found.direction == "rising" else []
        rows.append(TrendRow(code, names.get(code, code), series[code], found, reasons))
    today = moment.astimezone(SHANGHAI).date()
    current = Standard.objects.filter(effective_from__lte=today).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gt=today)
    )
    std_rows = []
    enforcing = current.filter(rules__in=list(series)).distinct().prefetch_related("rules")
    for std in enforcing.order_by("code"):
        codes = [r.code for r in std.rules.all() if r.code in series]
        counts = [sum(series[c][i] for c in codes) for i in range(WINDOW)]
        found = mann_kendall(counts)
        std_rows.append(TrendRow(
            std.code, std.title, counts, found,
            [f"违反上升（概率值 {found.p_value}）"] if found.direction == "rising" else [],
        ))  # fmt: skip
    return Dynamics(False, moment, [f"{m.year}年{m.month}月" for m in months], rows, std_rows)


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
    dynamics_section = _dynamics_section(data.dynamics)
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
            dynamics_section,
        ],
        summary=t,
    )


def trend_text(row: TrendRow) -> str:
    """上升（每月 +1.5 项） / 下降（每月 -0.8 项） / 平稳: the test's verdict and Sen's slope."""
    if row.trend.direction == "flat":
        return row.trend.label
    return f"{row.trend.label}（每月 {row.trend.slope:+.1f} 项）"


def _p(row: TrendRow) -> str:
    return "—" if row.trend.p_value is None else f"{row.trend.p_value}"


def _trend_table(caption: str, head: str, rows: list[TrendRow], reasons: bool) -> Table:
    return Table(
        caption,
        ["编号", head, "近一年", "近三月", "趋势", "概率值",
         *(["需要关注的原因"] if reasons else [])],
        [[r.code, r.name, sum(r.monthly), " → ".join(str(n) for n in r.monthly[-3:]),
          trend_text(r), _p(r), *(["；".join(r.attention)] if reasons else [])] for r in rows],
        [12, 30, 8, 14, 18, 8, *([40] if reasons else [])],
    )  # fmt: skip


def _dynamics_section(d: Dynamics) -> Section:
    """六、标准动态评估: the tuning's verdicts at the quarter's end."""
    span = f"{d.months[0]}至{d.months[-1]}" if d.months else "近十二个月"
    method = f"按{span}的逐月巡查发现，经曼-肯德尔趋势检验（显著性水平 0.05）"
    moving = sorted(d.rising + d.falling, key=lambda r: (r.trend.direction != "rising", r.code))
    blocks: list[Any] = []
    if d.whole_bureau:
        rules = [r for r in d.rules if r.attention]
        standards = [r for r in d.standards if r.attention]
        blocks.append(
            f"{method}，需要关注的规则 {len(rules)} 条、标准 {len(standards)} 条；违规显著上升的"
            f"规则 {len(d.rising)} 条，显著下降的 {len(d.falling)} 条（与“标准动态评估”页面"
            "同一口径，精确率取自整改闭环的不予认定）。"
        )
        blocks.append(Sub("（一）需要关注的规则"))
        blocks.append(_trend_table("表6 需要关注的规则", "规则", rules, True) if rules
                      else "没有需要关注的规则。")  # fmt: skip
        blocks.append(Sub("（二）需要关注的标准"))
        blocks.append(_trend_table("表7 需要关注的标准", "标准", standards, True) if standards
                      else "没有需要关注的标准。")  # fmt: skip
        blocks.append(Sub("（三）违规趋势显著的规则"))
        blocks.append(_trend_table("表8 违规趋势显著的规则", "规则", moving, False) if moving
                      else "没有违规趋势显著上升或下降的规则。")  # fmt: skip
        return Section("六、标准动态评估", blocks)
    standards = [r for r in d.standards if r.attention]
    blocks.append(
        f"{method}，本单位违规显著上升的规则 {len(d.rising)} 条、显著下降的 {len(d.falling)} 条，"
        f"违反显著上升的标准 {len(standards)} 条。规则的精确率和民警负担为全局指标，见全局季分析。"
    )
    blocks.append(Sub("（一）违规趋势显著的规则"))
    blocks.append(_trend_table("表6 本单位违规趋势显著的规则", "规则", moving, False) if moving
                  else "本单位没有违规趋势显著上升或下降的规则。")  # fmt: skip
    blocks.append(Sub("（二）违反上升的标准"))
    blocks.append(_trend_table("表7 本单位违反上升的标准", "标准", standards, True) if standards
                  else "本单位没有违反显著上升的标准。")  # fmt: skip
    return Section("六、本单位违规趋势", blocks)
