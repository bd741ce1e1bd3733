"""The problem ledger (整改台账) as an .xlsx file (``fazhi.core.xlsx``): what the list page shows
under the same filters, one row per problem, with where it stands and how late it is."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import IO, Any

from django.db.models import QuerySet
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from fazhi.accounts.people import people_names
from fazhi.core.templatetags.display import label
from fazhi.core.xlsx import beijing, text, write_xlsx
from fazhi.rectification.models import Problem

HEADER = [
    "编号", "规则", "规则名称", "严重程度", "状态", "来源", "单位", "责任民警", "案件",
    "督办层级", "整改期限", "逾期", "生成时间", "生成人", "整改提交时间", "办结时间", "巡查发现",
    "对象类型", "对象编号",
]  # fmt: skip
WIDTHS = [8, 11, 24, 8, 12, 10, 16, 14, 16, 12, 17, 6, 17, 14, 17, 17, 10, 10, 20]
CHUNK = 2000


def _row(now: datetime, people: dict[str, str], ws: WriteOnlyWorksheet, p: Problem) -> list[Any]:
    texts = [
        p.rule_id, p.rule.name, p.severity, p.get_status_display(), p.get_source_display(),
        p.unit.name if p.unit else (p.unit_id or ""),
        f"{p.officer.name}（{p.officer_id}）" if p.officer else (p.officer_id or ""),
        p.case_id or "",
        p.get_level_display(),
    ]  # fmt: skip
    return [
        p.pk,
        *(text(ws, t) for t in texts),
        beijing(p.due_at),
        "是" if p.is_overdue(now) else "否",
        beijing(p.created_at),
        text(ws, people.get(p.created_by, p.created_by)),
        beijing(p.fixed_at),
        beijing(p.finished_at),
        p.finding_id,
        text(ws, label(p.finding.subject_type, "record_type")),
        text(ws, p.finding.subject_id),
    ]


def problems_xlsx(queryset: QuerySet[Problem], now: datetime) -> tuple[IO[bytes], int]:
    """Write the problems of ``queryset`` to a temporary .xlsx file; returns it (rewound) and
    the number of rows written."""
    rows = queryset.select_related("rule", "unit", "officer", "finding").order_by("due_at", "pk")
    people = people_names()  # login names → 姓名（警号）, read once
    return write_xlsx(
        "整改台账", HEADER, WIDTHS, rows.iterator(chunk_size=CHUNK), partial(_row, now, people)
    )
