"""What every report kind produces from its numbers: a ``ReportDoc`` of sections holding
paragraphs, sub-headings, tables and charts. The renderers (``docx.py``, ``xlsx.py``) draw any
``ReportDoc``, so the four kinds differ only in their numbers and words, and the .docx and the
.xlsx annex carry the same tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[Any]]  # cells as the pages show them: text, or an int / float count
    widths: list[int] = field(default_factory=list)  # .xlsx column widths (characters)
    note: str = ""  # under the table, e.g. "仅列前 50 条，全部见附件"
    total_row: list[Any] | None = None


@dataclass
class Chart:
    title: str
    kind: str  # "bar", "barh", "line", "stacked"
    categories: list[str]
    series: list[tuple[str, list[float]]]


@dataclass
class Sub:
    """A second-level heading (（一）…, 楷体)."""

    text: str


Block = str | Table | Chart | Sub


@dataclass
class Section:
    heading: str  # 一、… (黑体)
    blocks: list[Block] = field(default_factory=list)


@dataclass
class ReportDoc:
    kind: str
    title: str
    scope_name: str  # the whole bureau, or the unit
    period_label: str
    lead: str  # the opening paragraph
    sections: list[Section]
    summary: dict[str, Any]  # the headline numbers, stored on the report row


@dataclass
class Letterhead:
    issuer: str  # 发文机关: e.g. 示范县公安局法制大队
    mark: str  # 发文机关标志 (red): e.g. 示范县公安局法制大队
    number: str  # 文号: 示公法〔2026〕3号
    signed_on: date
