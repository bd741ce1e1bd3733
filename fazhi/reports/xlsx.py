"""The .xlsx annex of a report: a cover sheet with the title, 文号, period and the headline,
then one sheet per table of the report with the same rows, in the conventions of
``fazhi.core.xlsx`` (text cells that never become formulas, a frozen header, the auto-filter,
column widths), every cell holding what the page and the .docx show."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from fazhi.core.xlsx import text
from fazhi.reports.document import Letterhead, ReportDoc, Table


def _tables(report: ReportDoc) -> list[Table]:
    return [b for s in report.sections for b in s.blocks if isinstance(b, Table)]


def _sheet_name(title: str, used: set[str]) -> str:
    # "表1 各单位…" → "表1 各单位…" cut to Excel's 31 characters, without its forbidden ones
    name = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "表"
    while name in used:
        name = name[:28] + f"_{len(used)}"
    used.add(name)
    return name


def render(report: ReportDoc, head: Letterhead) -> bytes:
    wb = Workbook(write_only=True)
    cover = wb.create_sheet("说明")
    cover.column_dimensions["A"].width = 14
    cover.column_dimensions["B"].width = 80
    bold = Font(bold=True)
    for key, value in (
        ("标题", report.title), ("文号", head.number), ("发文机关", head.issuer),
        ("范围", report.scope_name or "全局"), ("期间", report.period_label),
        ("成文日期", f"{head.signed_on.year}年{head.signed_on.month}月{head.signed_on.day}日"),
        ("概况", report.lead),
    ):  # fmt: skip
        k = text(cover, key)
        k.font = bold
        cover.append([k, text(cover, value)])
    used: set[str] = {"说明"}
    for table in _tables(report):
        ws = wb.create_sheet(_sheet_name(table.title, used))
        widths = table.widths or [14] * len(table.header)
        for i, width in enumerate(widths[: len(table.header)], start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        header = []
        for h in table.header:
            c = WriteOnlyCell(ws, value=str(h))
            c.font = bold
            header.append(c)
        ws.append(header)
        rows = [*table.rows, *([table.total_row] if table.total_row else [])]
        for row in rows:
            ws.append([v if isinstance(v, int | float) and not isinstance(v, bool)
                       else text(ws, "—" if v is None else v) for v in row])  # fmt: skip
        last = get_column_letter(len(table.header))
        ws.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
