"""What changed between two versions of a standard, as a reader of Chinese sees it: the title,
the category, the rules added and removed, and the text compared character by character (a
Chinese text has no spaces to split words on; a run of Latin letters or digits, such as 24 or
JQ-01, counts as one), with tiny unchanged runs between two changes folded into the change, so
that "二十四小时" → "十二小时" reads as one replaced phrase rather than a scatter of characters."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

TOKEN = re.compile(r"[A-Za-z0-9_.\-]+|\s+|.", re.DOTALL)
FOLD = 2  # an unchanged run of at most this many tokens between two changes joins them


@dataclass(frozen=True)
class Piece:
    kind: str  # "same", "del" or "ins"
    text: str


@dataclass
class VersionDiff:
    title: tuple[str, str] | None = None
    category: tuple[str, str] | None = None
    rules_added: list[str] = field(default_factory=list)
    rules_removed: list[str] = field(default_factory=list)
    text: list[Piece] = field(default_factory=list)
    removed: int = 0
    added: int = 0

    @property
    def text_changed(self) -> bool:
        return bool(self.removed or self.added)

    @property
    def summary(self) -> str:
        parts = []
        if self.title:
            parts.append(f"标题由“{self.title[0]}”改为“{self.title[1]}”")
        if self.category:
            parts.append(f"类别由{self.category[0]}改为{self.category[1]}")
        if self.rules_added:
            parts.append(f"增加执行规则 {'、'.join(self.rules_added)}")
        if self.rules_removed:
            parts.append(f"不再由规则 {'、'.join(self.rules_removed)} 执行")
        if self.text_changed:
            parts.append(f"内容删去 {self.removed} 字、增加 {self.added} 字")
        return "；".join(parts) or "内容未变（仅生效日期不同）"


def text_pieces(old: str, new: str) -> list[Piece]:
    a, b = TOKEN.findall(old), TOKEN.findall(new)
    ops = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    # (same, deleted, inserted) groups; a short same run between two changes is folded in
    groups: list[list[str]] = []
    for i, (tag, i1, i2, j1, j2) in enumerate(ops):
        old_part, new_part = "".join(a[i1:i2]), "".join(b[j1:j2])
        between = 0 < i < len(ops) - 1 and i2 - i1 <= FOLD
        if tag == "equal" and not between:
            groups.append([old_part, "", ""])
        elif tag == "equal":
            groups.append(["", old_part, new_part])
        else:
            groups.append(["", old_part, new_part])
    pieces: list[Piece] = []
    pending_del, pending_ins = "", ""
    for same, deleted, inserted in groups:
        if same:
            pieces.extend(_flush(pending_del, pending_ins))
            pending_del, pending_ins = "", ""
            pieces.append(Piece("same", same))
        else:
            pending_del += deleted
            pending_ins += inserted
    pieces.extend(_flush(pending_del, pending_ins))
    return pieces


def _flush(deleted: str, inserted: str) -> list[Piece]:
    out = []
    if deleted:
        out.append(Piece("del", deleted))
    if inserted:
        out.append(Piece("ins", inserted))
    return out


def compare(
    old_title: str,
    old_category: str,
    old_text: str,
    old_rules: list[str],
    new_title: str,
    new_category: str,
    new_text: str,
    new_rules: list[str],
) -> VersionDiff:
    out = VersionDiff()
    if old_title != new_title:
        out.title = (old_title, new_title)
    if old_category != new_category:
        out.category = (old_category, new_category)
    out.rules_added = sorted(set(new_rules) - set(old_rules))
    out.rules_removed = sorted(set(old_rules) - set(new_rules))
    if old_text != new_text:
        out.text = text_pieces(old_text, new_text)
        out.removed = sum(len(p.text) for p in out.text if p.kind == "del")
        out.added = sum(len(p.text) for p in out.text if p.kind == "ins")
    return out
