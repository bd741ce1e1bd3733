"""日巡查: the day's new findings and problems per unit, the warnings due in the 24 hours after
the report's moment, and the day's 每日十问 completion.

The numbers come from the queries the pages use: new findings through the findings list's
``FindingFilterSet`` (全部, 首次发现 from the day to the day), warnings as 我的工作台 selects them
(open, status 提醒), completion through ``dailycheck.services.completion_stats`` (the 每日十问
statistics page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count

from fazhi.core.scope import DataScope, visible
from fazhi.dailycheck.services import completion_stats
from fazhi.patrol.filters import FindingFilterSet
from fazhi.patrol.models import Finding, FindingStatus
from fazhi.rectification.models import Problem
from fazhi.reports import common
from fazhi.reports.document import Chart, ReportDoc, Section, Table
from fazhi.reports.periods import Period, as_of

WARNING_ROWS = 50  # in the .docx; the annex lists them all


@dataclass
class DailyData:
    period: Period
    unit_id: str | None
    as_of: datetime
    findings: dict[str, int]  # unit id → new findings of the day
    problems: dict[str, int]  # unit id → new problems of the day
    warnings: list[dict[str, Any]]  # due within 24 h of as_of
    warnings_by_unit: dict[str, int]
    daily: list[dict[str, Any]]  # completion_stats rows of the day
    names: dict[str, str]

    @property
    def totals(self) -> dict[str, int]:
        return {
            "findings": sum(self.findings.values()),
            "problems": sum(self.problems.values()),
            "warnings": len(self.warnings),
            "sheets": len(self.daily),
            "sheets_completed": sum(1 for r in self.daily if r["completed"]),
        }


def new_findings(period: Period, scope: DataScope) -> Any:
    """The findings list's query for 全部 findings first seen within the period."""
    data = {"state": "all", "period": "first_seen", "start": period.first, "end": period.last}
    return FindingFilterSet(data, visible(Finding.objects.all(), scope), scope=scope).qs


def warnings_due(moment: datetime, scope: DataScope) -> Any:
    """我的工作台's warnings (open, 提醒) whose due time falls in the 24 hours after ``moment``."""
    return visible(Finding.objects.open(), scope).filter(
        status=FindingStatus.WARNING, due_at__gte=moment, due_at__lt=moment + timedelta(hours=24)
    )


def compute(period: Period, scope: DataScope, unit_id: str | None, now: datetime) -> DailyData:
    moment = as_of(period, now)
    findings = dict(
        new_findings(period, scope).values("unit_id").annotate(n=Count("pk")).values_list(
            "unit_id", "n"
        ).order_by()
    )  # fmt: skip
    problems = dict(
        visible(Problem.objects.all(), scope)
        .filter(created_at__gte=period.start, created_at__lt=period.end)
        .values("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n").order_by()
    )  # fmt: skip
    rows = list(
        warnings_due(moment, scope)
        .select_related("rule")
        .order_by("due_at", "pk")
        .values("pk", "rule_id", "rule__name", "unit_id", "officer_id", "subject_id", "due_at")
    )
    by_unit: dict[str, int] = {}
    for r in rows:
        by_unit[r["unit_id"]] = by_unit.get(r["unit_id"], 0) + 1
    officers = common.officer_names(r["officer_id"] for r in rows)
    for r in rows:
        r["officer"] = officers.get(r["officer_id"] or "", common.text(r["officer_id"]))
    daily = completion_stats(scope, period.first, period.last)
    names = common.unit_names([*findings, *problems, *by_unit])
    names.update({r["unit_id"]: r["unit_name"] for r in daily})
    return DailyData(period, unit_id, moment, findings, problems, rows, by_unit, daily, names)


def document(data: DailyData) -> ReportDoc:
    t = data.totals
    daily = {r["unit_id"]: r for r in data.daily}
    units = sorted(
        set(data.findings) | set(data.problems) | set(data.warnings_by_unit) | set(daily),
        key=lambda u: (-data.findings.get(u, 0), u),
    )
    unit_rows = []
    for u in units:
        sheet = daily.get(u)
        unit_rows.append([
            data.names.get(u, u), data.findings.get(u, 0), data.problems.get(u, 0),
            data.warnings_by_unit.get(u, 0),
            "—" if sheet is None else ("已完成" if sheet["completed"] else "未完成"),
        ])  # fmt: skip
    table = Table(
        "表1 各单位当日巡查情况",
        ["单位", "新增巡查发现", "新增整改问题", "24小时内到期提醒", "每日十问"],
        unit_rows, [24, 14, 14, 18, 12],
        total_row=["合计", t["findings"], t["problems"], t["warnings"],
                   f"{t['sheets_completed']}/{t['sheets']}"],
    )  # fmt: skip
    warn_rows = [
        [r["rule_id"], r["rule__name"], data.names.get(r["unit_id"], r["unit_id"]), r["officer"],
         r["subject_id"], common.when(r["due_at"])]
        for r in data.warnings
    ]  # fmt: skip
    warnings = Table(
        "表2 24小时内到期的提醒",
        ["规则编号", "规则", "单位", "责任民警", "对象编号", "期限"],
        warn_rows, [10, 28, 20, 18, 20, 18],
        note=(f"共 {len(warn_rows)} 条，正文列前 {WARNING_ROWS} 条，全部见附件"
              if len(warn_rows) > WARNING_ROWS else ""),
    )  # fmt: skip
    sheet_rows = [
        [r["unit_name"], "是" if r["sheets"] else "否", "是" if r["completed"] else "否",
         r["answers_with_records"], r["records"]]
        for r in data.daily
    ]  # fmt: skip
    sheets = Table(
        "表3 每日十问完成情况",
        ["单位", "已生成", "已完成", "有记录的问题数", "涉及记录数"],
        sheet_rows,
        [24, 10, 10, 16, 14],
    )
    chart = Chart(
        "各单位新增巡查发现与整改问题",
        "bar",
        [data.names.get(u, u) for u in units[:15]],
        [("新增巡查发现", [float(data.findings.get(u, 0)) for u in units[:15]]),
         ("新增整改问题", [float(data.problems.get(u, 0)) for u in units[:15]])],
    )  # fmt: skip
    done = t["sheets_completed"]
    lead = (
        f"{data.period.label}，智能巡查新增巡查发现 {t['findings']} 条，"
        f"新增整改问题 {t['problems']} 个；"
        f"截至 {common.when(data.as_of)}，24小时内到期的提醒 {t['warnings']} 条；"
        f"每日十问应完成 {t['sheets']} 个单位，已完成 {done} 个。现将有关情况通报如下。"
    )
    first = Section("一、各单位巡查情况", [table])
    if units:
        first.blocks.append(chart)
    late = [r[0] for r in sheet_rows if r[2] == "否"]
    return ReportDoc(
        kind="daily",
        title=f"执法巡查日报（{data.period.label}）",
        scope_name="",
        period_label=data.period.label,
        lead=lead,
        sections=[
            first,
            Section(
                "二、24小时内到期提醒",
                [
                    "以下事项将在24小时内到期，请责任民警及时办理，法制员跟踪提醒。"
                    if warn_rows
                    else "24小时内没有到期的提醒事项。",
                    warnings,
                ],
            ),
            Section(
                "三、每日十问完成情况",
                [
                    f"尚未完成每日十问的单位：{'、'.join(late)}。"
                    if late
                    else "各单位均已完成当日每日十问。",
                    sheets,
                ],
            ),
        ],
        summary=t,
    )
