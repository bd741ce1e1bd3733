"""The findings list as an .xlsx file: a write-only workbook filled from a server-side cursor,
so memory stays flat however many findings are exported."""

from __future__ import annotations

import tempfile
from datetime import datetime
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from fazhi.patrol.models import Finding
from fazhi.workbench.templatetags.workbench import fact_value

HEADER = [
    "编号", "规则", "规则名称", "状态", "严重程度", "对象类型", "对象编号", "单位", "民警",
    "案件", "起算时间", "期限", "办理时间", "首次发现", "有效", "消除原因", "事实", "计算说明",
]  # fmt: skip
WIDTHS = [8, 11, 24, 8, 8, 10, 20, 16, 10, 16, 17, 17, 17, 17, 6, 12, 60, 60]
CHUNK = 2000


def _moment(value: datetime | None) -> datetime | None:
    # Excel has no time zones: write Beijing time, as every page shows it.
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _text(ws: WriteOnlyWorksheet, value: str) -> Any:
    # Stored as a string cell whatever it starts with: a person's name such as "=HYPERLINK(…)"
    # must never become a formula in the legal officer's spreadsheet.
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    return cell


def _row(ws: WriteOnlyWorksheet, f: Finding) -> list[Any]:
    facts = "；".join(f"{x.get('label', '')}：{fact_value(x.get('value'))}" for x in f.facts)
    texts = [
        f.rule_id, f.rule.name, f.get_status_display(), f.severity, f.subject_type,
        f.subject_id, f.unit.name if f.unit else (f.unit_id or ""),
        f.officer.name if f.officer else (f.officer_id or ""), f.case_id or "",
    ]  # fmt: skip
    return [
        f.pk,
        *(_text(ws, str(t)) for t in texts),
        _moment(f.trigger_at),
        _moment(f.due_at),
        _moment(f.done_at),
        _moment(f.first_seen_at),
        "是" if f.is_open else "否",
        _text(ws, f.close_reason),
        _text(ws, facts),
        _text(ws, f.explanation),
    ]


def findings_xlsx(queryset: QuerySet[Finding]) -> tuple[IO[bytes], int]:
    """Write the findings of ``queryset`` to a temporary .xlsx file; returns it (rewound) and
    the number of rows written."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("巡查发现")
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A2"
    ws.append(HEADER)
    count = 0
    rows = queryset.select_related("rule", "unit", "officer").order_by("pk")
    for finding in rows.iterator(chunk_size=CHUNK):
        ws.append(_row(ws, finding))
        count += 1
    # Handed to FileResponse, which closes it when the response is sent.
    out = tempfile.TemporaryFile()  # noqa: SIM115
    wb.save(out)
    out.seek(0)
    return out, count
