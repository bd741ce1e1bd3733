"""周通报: per unit, the problems notified in the week, those of them rectified (已销号), the
overdue ones and the rectification rate (the first table); the 通报晾晒 of overdue problems and
the repeat offenders (约谈提醒); typical problems with their facts; the disputes of red risk.

Overdue problems and repeat offenders come from ``rectification.services.board.overdue_board``
(the 通报晾晒 page) at the report's moment; red disputes from the disputes list's board (open
disputes in scope by colour)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q

from fazhi.accounts.templatetags.pii import masked_facts
from fazhi.core.scope import DataScope, visible
from fazhi.core.templatetags.display import fact_value, readable_facts
from fazhi.disputes.models import Dispute
from fazhi.patrol.models import Severity
from fazhi.rectification.models import Problem, ProblemStatus
from fazhi.rectification.services.board import overdue_board
from fazhi.reports import common
from fazhi.reports.document import Chart, ReportDoc, Section, Sub, Table
from fazhi.reports.periods import Period, as_of

TYPICAL = 5
LISTED = 50


@dataclass
class WeeklyData:
    period: Period
    as_of: datetime
    units: list[dict[str, Any]]  # unit_id, name, notified, rectified, overdue, rate
    board: dict[str, Any]  # overdue_board(scope, as_of)
    typical: list[dict[str, Any]]
    red: list[dict[str, Any]]
    names: dict[str, str]

    @property
    def totals(self) -> dict[str, Any]:
        notified = sum(u["notified"] for u in self.units)
        rectified = sum(u["rectified"] for u in self.units)
        return {
            "notified": notified,
            "rectified": rectified,
            "overdue": self.board["total"],
            "rate": common.rate(rectified, notified),
            "red": len(self.red),
            "repeat": len(self.board["interviews"]),
        }


def notified_in(period: Period, scope: DataScope) -> Any:
    return visible(Problem.objects.all(), scope).filter(
        created_at__gte=period.start, created_at__lt=period.end
    )


def compute(period: Period, scope: DataScope, unit_id: str | None, now: datetime) -> WeeklyData:
    moment = as_of(period, now)
    week = notified_in(period, scope)
    rows = {
        r["unit_id"]: r
        for r in week.values("unit_id").annotate(
            notified=Count("pk"), rectified=Count("pk", filter=Q(status=ProblemStatus.CLOSED))
        ).order_by()
    }  # fmt: skip
    board = overdue_board(scope, moment)
    overdue = {r["unit_id"]: r["count"] for r in board["rows"]}
    names = common.unit_names([*rows, *overdue])
    units = []
    for u in sorted(set(rows) | set(overdue)):
        r = rows.get(u, {})
        n, done = int(r.get("notified", 0)), int(r.get("rectified", 0))
        units.append({
            "unit_id": u, "name": names.get(u, u), "notified": n, "rectified": done,
            "overdue": overdue.get(u, 0), "rate": common.rate(done, n),
        })  # fmt: skip
    units.sort(key=lambda x: (-x["overdue"], -x["notified"], x["unit_id"]))
    typical = []
    seen_rules: set[str] = set()
    graver = week.filter(severity__in=[Severity.GRAVE, Severity.SERIOUS]).select_related(
        "rule", "finding", "officer"
    )
    for p in graver.order_by("-severity", "created_at", "pk")[:200]:
        if p.rule_id in seen_rules:  # one per rule: a typical problem, not the same one twice
            continue
        seen_rules.add(p.rule_id)
        facts = readable_facts(masked_facts(p.finding.facts if p.finding else []))
        typical.append({
            "pk": p.pk, "rule": f"{p.rule_id} {p.rule.name}", "unit": names.get(p.unit_id, ""),
            "officer": common.officer_names([p.officer_id]).get(p.officer_id or "", "—"),
            "severity": p.severity, "status": p.get_status_display(),
            "facts": "；".join(f"{f['label']}：{fact_value(f['value'])}" for f in facts[:6]),
            "explanation": p.finding.explanation if p.finding else "",
        })  # fmt: skip
        if len(typical) >= TYPICAL:
            break
    red: list[dict[str, Any]] = [
        dict(r)
        for r in visible(Dispute.objects.open().red(), scope)
        .order_by("-score", "incident_id")
        .values("incident_id", "unit__name", "dispute_type", "score", "status", "red_since")
    ]
    return WeeklyData(period, moment, units, board, typical, red, names)


def document(data: WeeklyData) -> ReportDoc:
    t = data.totals
    first = Table(
        "表1 各单位问题整改情况",
        ["单位", "本周通报问题", "已整改销号", "逾期未整改", "整改率"],
        [[u["name"], u["notified"], u["rectified"], u["overdue"], common.rate_text(u["rate"])]
         for u in data.units],
        [24, 14, 12, 12, 10],
        total_row=[
            "合计", t["notified"], t["rectified"], t["overdue"], common.rate_text(t["rate"])
        ],
    )  # fmt: skip
    board_rows = [
        [r["unit"].name if r["unit"] else r["unit_id"], r["count"], common.when(r["oldest"]),
         r["days_late"], *r["levels"]]
        for r in data.board["rows"]
    ]  # fmt: skip
    board = Table(
        "表2 逾期问题晾晒",
        ["单位", "逾期问题", "最早期限", "最长逾期（天）", *data.board["levels"]],
        board_rows, [24, 10, 18, 14, 8, 8, 12, 14, 10],
    )  # fmt: skip
    repeat = Table(
        "表3 本月问题较多的民警（约谈提醒）",
        ["民警", "单位", "本月问题数"],
        [[common.officer_names([r.officer_id]).get(r.officer_id, r.officer_name),
          r.unit_obj.name if r.unit_obj else "—", r.problem_count]
         for r in data.board["interviews"]],
        [20, 24, 12],
    )  # fmt: skip
    red = Table(
        "表4 红色风险矛盾纠纷",
        ["警情编号", "单位", "纠纷类型", "风险分", "化解状态", "赋红时间"],
        [[d["incident_id"], d["unit__name"], d["dispute_type"], d["score"], d["status"],
          common.when(d["red_since"])] for d in data.red],
        [22, 24, 12, 8, 10, 18],
        note=f"共 {len(data.red)} 起，正文列前 {LISTED} 起，全部见附件"
        if len(data.red) > LISTED else "",
    )  # fmt: skip
    typical_blocks: list[Any] = []
    for i, p in enumerate(data.typical, start=1):
        typical_blocks.append(
            f"{i}. {p['unit']}{p['officer']}：{p['rule']}（{p['severity']}，{p['status']}）。"
            f"{p['explanation'] or ''}{('事实：' + p['facts'] + '。') if p['facts'] else ''}"
        )
    if not typical_blocks:
        typical_blocks.append("本周没有严重或较重的问题。")
    top = data.units[:15]
    chart = Chart(
        "各单位问题整改情况",
        "bar",
        [u["name"] for u in top],
        [("本周通报问题", [float(u["notified"]) for u in top]),
         ("已整改销号", [float(u["rectified"]) for u in top]),
         ("逾期未整改", [float(u["overdue"]) for u in top])],
    )  # fmt: skip
    lead = (
        f"{data.period.label}，共通报执法问题 {t['notified']} 个，已整改销号 {t['rectified']} 个，"
        f"整改率 {common.rate_text(t['rate'])}；截至 {common.when(data.as_of)}，"
        f"逾期未整改问题 {t['overdue']} 个，红色风险矛盾纠纷 {t['red']} 起。现将有关情况通报如下。"
    )
    first_section = Section("一、各单位问题整改情况", [first])
    if top:
        first_section.blocks.append(chart)
    return ReportDoc(
        kind="weekly",
        title=f"执法问题整改情况通报（{data.period.label}）",
        scope_name="",
        period_label=data.period.label,
        lead=lead,
        sections=[
            first_section,
            Section(
                "二、通报晾晒",
                [
                    Sub("（一）逾期未整改问题"),
                    "以下单位存在逾期未整改问题，予以通报晾晒，请于收文后3个工作日内整改到位。"
                    if board_rows
                    else "截至本期，没有逾期未整改的问题。",
                    board,
                    Sub("（二）问题较多的民警"),
                    "以下民警本月问题数达到约谈提醒阈值，请所在单位负责人约谈提醒。"
                    if data.board["interviews"]
                    else "本月没有达到约谈提醒阈值的民警。",
                    repeat,
                ],
            ),
            Section("三、典型问题", typical_blocks),
            Section(
                "四、红色风险矛盾纠纷",
                [
                    "以下矛盾纠纷为红色风险等级，尚未化解，请管辖单位落实稳控化解措施。"
                    if data.red
                    else "目前没有未化解的红色风险矛盾纠纷。",
                    red,
                ],
            ),
        ],
        summary=t,
    )
