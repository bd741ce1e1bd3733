"""What an import did, for people: counts per record type and one line per bad record."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from fazhi.records.schema import BY_NAME, TYPE_ORDER


@dataclass(frozen=True)
class RecordError:
    """One thing wrong with one record of a bundle.

    ``message`` is a complete Chinese sentence naming the record and the field, e.g.
    "案件 C001 字段 accepted_at：时间格式无效“2026-13-01”"; ``location`` says where it was read,
    e.g. "clean.jsonl 第12行", "case.csv 第3行" or "bundle.xlsx 工作表 case 第3行".
    """

    location: str
    record_type: str
    record_id: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}：{self.message}"


def _count_field() -> dict[str, int]:
    return {}


@dataclass
class ImportReport:
    """The outcome of one import.

    ``ok`` is False when the bundle was refused as a whole and nothing was stored. ``created``,
    ``updated``, ``unchanged``, ``deleted`` count records of the store per type; ``refused``
    counts bundle records that were not stored because of an error (all bad records when
    ``ok`` is False); ``total`` counts the records read.
    """

    ok: bool = True
    files: list[str] = field(default_factory=list)
    total: int = 0
    created: dict[str, int] = field(default_factory=_count_field)
    updated: dict[str, int] = field(default_factory=_count_field)
    unchanged: dict[str, int] = field(default_factory=_count_field)
    deleted: dict[str, int] = field(default_factory=_count_field)
    refused: dict[str, int] = field(default_factory=_count_field)
    errors: list[RecordError] = field(default_factory=list)

    def counts(self) -> dict[str, dict[str, int]]:
        """The non-zero counts, for the audit log."""
        return {
            name: {k: v for k, v in getattr(self, name).items() if v}
            for name in ("created", "updated", "unchanged", "deleted", "refused")
        }

    def summary(self) -> str:
        """A Chinese table of counts per record type, with a closing verdict line."""
        columns = ("新增", "更新", "未变", "删除", "拒绝")
        tallies = (self.created, self.updated, self.unchanged, self.deleted, self.refused)
        names = [n for n in TYPE_ORDER if any(t.get(n) for t in tallies)]
        names += sorted({n for t in tallies for n in t if t.get(n) and n not in BY_NAME})
        rows = [["类型", *columns]]
        for name in names:
            rt = BY_NAME.get(name)
            title = f"{rt.label} {name}" if rt else f"未知类型 {name or '（空）'}"
            rows.append([title, *(str(t.get(name, 0)) for t in tallies)])
        rows.append(["合计", *(str(sum(t.values())) for t in tallies)])
        widths = [max(_width(row[i]) for row in rows) for i in range(len(columns) + 1)]
        lines = [
            "  ".join(_pad(cell, widths[i], left=i == 0) for i, cell in enumerate(row)).rstrip()
            for row in rows
        ]
        refused = sum(self.refused.values())
        if not self.ok:
            verdict = (
                f"共读取 {self.total} 条记录，其中 {refused} 条有错误；导入被拒绝，未写入任何数据。"
            )
        elif refused:
            verdict = f"共读取 {self.total} 条记录；已写入有效记录，跳过 {refused} 条有错误的记录。"
        else:
            verdict = f"共读取 {self.total} 条记录；导入完成。"
        return "\n".join([*lines, verdict])


def _width(text: str) -> int:
    # CJK characters take two terminal columns.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, left: bool) -> str:
    fill = " " * (width - _width(text))
    return text + fill if left else fill + text
