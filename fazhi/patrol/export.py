"""The findings list as an .xlsx file (``fazhi.core.xlsx``)."""

from __future__ import annotations

from typing import IO, Any

from django.db.models import QuerySet
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from fazhi.core.laws import cite_plain
from fazhi.core.masking import mask_facts, mask_text
from fazhi.core.templatetags.display import fact_value, label, readable_facts
from fazhi.core.xlsx import beijing, text, write_xlsx
from fazhi.patrol.models import Finding

HEADER = [
    "编号", "规则", "规则名称", "状态", "严重程度", "对象类型", "对象编号", "单位", "民警",
    "案件", "起算时间", "期限", "办理时间", "首次发现", "有效", "消除原因", "事实", "计算说明",
]  # fmt: skip
WIDTHS = [8, 11, 24, 8, 8, 10, 20, 16, 10, 16, 17, 17, 17, 17, 6, 12, 60, 60]
CHUNK = 2000


def _row(ws: WriteOnlyWorksheet, f: Finding) -> list[Any]:
    # an export leaves the system: 身份证号 and phones are masked for everyone, as on the pages
    shown = readable_facts(
        mask_facts([x for x in f.facts or [] if isinstance(x, dict)], unmasked=False)
    )
    facts = "；".join(f"{x.get('label', '')}：{fact_value(x.get('value'))}" for x in shown)
    texts = [
        f.rule_id, f.rule.name, f.get_status_display(), f.severity,
        label(f.subject_type, "record_type"), f.subject_id,
        f.unit.name if f.unit else (f.unit_id or ""),
        f"{f.officer.name}（{f.officer_id}）" if f.officer else (f.officer_id or ""),
        f.case_id or "",
    ]  # fmt: skip
    return [
        f.pk,
        *(text(ws, t) for t in texts),
        beijing(f.trigger_at),
        beijing(f.due_at),
        beijing(f.done_at),
        beijing(f.first_seen_at),
        "是" if f.is_open else "否",
        text(ws, f.close_reason),
        text(ws, facts),
        text(ws, cite_plain(mask_text(f.explanation))),
    ]


def findings_xlsx(queryset: QuerySet[Finding]) -> tuple[IO[bytes], int]:
    """Write the findings of ``queryset`` to a temporary .xlsx file; returns it (rewound) and
    the number of rows written."""
    rows = queryset.select_related("rule", "unit", "officer").order_by("pk")
    return write_xlsx("巡查发现", HEADER, WIDTHS, rows.iterator(chunk_size=CHUNK), _row)
