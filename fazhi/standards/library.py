"""The standards library as a file (标准库文件), so that a city bureau can hand its standards to
its counties: ``export_library`` writes it, ``import_library`` reads it back into a library.

The format (docs/standards.md, "标准库文件") is JSON Lines in UTF-8: a header line, then one line
per standard with every version, its effective dates, reasons and enforcing rules, and its
abolition::

    {"format": "fazhi-standards", "format_version": 1, "exported_at": "…+08:00", "standards": 2}
    {"code": "BZ-LC-01", "versions": [{"version": 1, "title": "…", "category": "执法办案",
     "text": "…", "rules": ["JQ-01"], "effective_from": "2026-01-01", "effective_to": null,
     "reason": "…", "source": "…"}], "abolished": null}

An import checks the whole file first (format, every field, the chain of versions, the rules
against this store's rules, and each standard against the library as it is) and writes nothing
when anything is wrong, listing every problem in Chinese by line, standard, version and field.
Then, standard by standard: a code the library lacks is created with its whole history as in the
file; one whose newest version reads the same is left alone; one that changed gets a new version
(the old one ends the day before), so the library's history is kept; one abolished in the file
is abolished here. One audit row records the file and what it did.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from fazhi.core.audit_actions import AuditAction
from fazhi.core.services import record_audit
from fazhi.core.timezones import SHANGHAI
from fazhi.patrol.models import Rule
from fazhi.standards.error_codes import ErrorCode
from fazhi.standards.models import Standard, StandardCategory
from fazhi.standards.services import StandardError, _abolish, _require_editor

FORMAT = "fazhi-standards"
FORMAT_VERSION = 1
MAX_BYTES = 20 * 1024 * 1024
MAX_PROBLEMS = 50

HEADER_KEYS = ("format", "format_version", "exported_at", "standards")
STANDARD_KEYS = ("code", "versions", "abolished")
VERSION_KEYS = (
    "version", "title", "category", "text", "rules", "effective_from", "effective_to",
    "reason", "source",
)  # fmt: skip
ABOLISHED_KEYS = ("on", "reason")
FIELD_LABELS = {
    "format": "格式",
    "format_version": "格式版本",
    "exported_at": "导出时间",
    "standards": "标准条数",
    "code": "标准编号",
    "versions": "版本列表",
    "abolished": "废除",
    "version": "版本号",
    "title": "标题",
    "category": "类别",
    "text": "标准内容",
    "rules": "执行规则",
    "effective_from": "生效日期",
    "effective_to": "失效日期",
    "reason": "理由",
    "source": "来源",
    "on": "废除日期",
}
CODE_MAX = Standard._meta.get_field("code").max_length or 32
TITLE_MAX = Standard._meta.get_field("title").max_length or 200
SOURCE_MAX = Standard._meta.get_field("source").max_length or 64


# --- export ---------------------------------------------------------------------------------


def _version_dict(row: Standard, rules: list[str]) -> dict[str, Any]:
    return {
        "version": row.version,
        "title": row.title,
        "category": row.category,
        "text": row.text,
        "rules": rules,
        "effective_from": row.effective_from.isoformat(),
        "effective_to": row.effective_to.isoformat() if row.effective_to else None,
        "reason": row.reason,
        "source": row.source,
    }


def export_lines() -> Iterator[str]:
    """The library as the lines of a 标准库文件 (three queries whatever its size)."""
    rows = list(Standard.objects.order_by("code", "version"))
    rules: dict[int, list[str]] = {}
    for standard_id, rule_id in Standard.rules.through.objects.order_by("rule_id").values_list(
        "standard_id", "rule_id"
    ):
        rules.setdefault(standard_id, []).append(rule_id)
    by_code: dict[str, list[Standard]] = {}
    for row in rows:
        by_code.setdefault(row.code, []).append(row)
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now().astimezone(SHANGHAI).isoformat(timespec="seconds"),
        "standards": len(by_code),
    }
    yield _dump(header)
    for code, versions in by_code.items():
        last = versions[-1]
        abolished = (
            {"on": last.abolished_on.isoformat(), "reason": last.abolition_reason}
            if last.abolished_on
            else None
        )
        yield _dump(
            {
                "code": code,
                "versions": [_version_dict(v, rules.get(v.pk, [])) for v in versions],
                "abolished": abolished,
            }
        )


def export_library() -> str:
    return "".join(f"{line}\n" for line in export_lines())


def _dump(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(", ", ": "))


# --- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionEntry:
    version: int
    title: str
    category: str
    text: str
    rules: tuple[str, ...]
    effective_from: date
    effective_to: date | None
    reason: str
    source: str

    def content(self) -> tuple[str, str, str, tuple[str, ...]]:
        return (self.title, self.category, self.text, tuple(sorted(self.rules)))


@dataclass(frozen=True)
class StandardEntry:
    line: int
    code: str
    versions: tuple[VersionEntry, ...]
    abolished_on: date | None
    abolition_reason: str

    @property
    def latest(self) -> VersionEntry:
        return self.versions[-1]


class _Problems:
    """The problems of one file, each naming its line, standard, version and field."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, line: int, text: str, code: str = "", version: int | None = None) -> None:
        where = f"第{line}行" if line else "文件"
        if code:
            where += f" 标准 {code}"
        if version is not None:
            where += f" 第{version}版"
        self.items.append(f"{where}：{text}")

    def field(
        self, line: int, name: str, text: str, code: str = "", version: int | None = None
    ) -> None:
        self.add(line, f"{FIELD_LABELS.get(name, name)}（{name}）{text}", code, version)

    def raise_if_any(self) -> None:
        if not self.items:
            return
        shown = self.items[:MAX_PROBLEMS]
        more = len(self.items) - len(shown)
        tail = [f"……另有 {more} 处问题未列出"] if more > 0 else []
        raise StandardError(
            ErrorCode.IMPORT_INVALID,
            "标准库文件有误，未导入任何内容：\n" + "\n".join([*shown, *tail]),
        )


def _text(data: bytes | str, problems: _Problems) -> str:
    if isinstance(data, str):
        return data
    if len(data) > MAX_BYTES:
        problems.add(0, f"文件超过 {MAX_BYTES // 1024 // 1024} MB")
        return ""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.add(0, f"不是 UTF-8 编码的文本（第 {exc.start + 1} 字节处）")
        return ""


def _unknown_keys(
    obj: dict[str, Any],
    allowed: tuple[str, ...],
    problems: _Problems,
    line: int,
    code: str = "",
    version: int | None = None,
) -> None:
    for key in obj:
        if key not in allowed:
            problems.add(line, f"未知字段“{key}”", code, version)


def _day(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _string(
    raw: dict[str, Any],
    name: str,
    problems: _Problems,
    line: int,
    code: str,
    version: int | None = None,
    *,
    required: bool = True,
    max_length: int | None = None,
) -> str:
    value = raw.get(name, "" if not required else None)
    if value is None and not required:
        value = ""
    if not isinstance(value, str):
        problems.field(line, name, "必须是文字" if name in raw else "缺失", code, version)
        return ""
    if required and not value.strip():
        problems.field(line, name, "必须填写", code, version)
    if max_length is not None and len(value) > max_length:
        problems.field(line, name, f"超过 {max_length} 个字", code, version)
    return value


def _read_version(
    raw: Any, index: int, problems: _Problems, line: int, code: str
) -> VersionEntry | None:
    if not isinstance(raw, dict):
        problems.add(line, f"版本列表的第{index}项不是对象", code)
        return None
    number = raw.get("version")
    if not isinstance(number, int) or isinstance(number, bool) or number != index:
        problems.field(line, "version", f"应为 {index}（版本从 1 起连续编号）", code, index)
    _unknown_keys(raw, VERSION_KEYS, problems, line, code, index)
    title = _string(raw, "title", problems, line, code, index, max_length=TITLE_MAX)
    text = _string(raw, "text", problems, line, code, index)
    category = raw.get("category")
    if category not in StandardCategory.values:
        choices = "、".join(StandardCategory.values)
        problems.field(line, "category", f"“{category}”无效（可选：{choices}）", code, index)
    rules = raw.get("rules", [])
    if not isinstance(rules, list) or not all(isinstance(r, str) and r for r in rules):
        problems.field(line, "rules", "必须是规则编号的列表", code, index)
        rules = []
    elif len(set(rules)) != len(rules):
        problems.field(line, "rules", "有重复的规则编号", code, index)
    start = _day(raw.get("effective_from"))
    if start is None:
        problems.field(line, "effective_from", "必须是日期（如 2026-01-01）", code, index)
    end = raw.get("effective_to")
    end_day = _day(end)
    if end is not None and end_day is None:
        problems.field(line, "effective_to", "必须是日期（如 2026-12-31）或 null", code, index)
    reason = _string(raw, "reason", problems, line, code, index, required=False)
    source = _string(
        raw, "source", problems, line, code, index, required=False, max_length=SOURCE_MAX
    )
    if start is None:
        return None
    return VersionEntry(
        version=index, title=title, category=str(category), text=text, rules=tuple(rules),
        effective_from=start, effective_to=end_day, reason=reason, source=source,
    )  # fmt: skip


def _read_standard(raw: Any, line: int, problems: _Problems) -> StandardEntry | None:
    if not isinstance(raw, dict):
        problems.add(line, "不是一个标准（应为 JSON 对象）")
        return None
    code = raw.get("code")
    if not isinstance(code, str) or not code.strip():
        problems.field(line, "code", "必须填写")
        return None
    code = code.strip()
    if len(code) > CODE_MAX:
        problems.field(line, "code", f"超过 {CODE_MAX} 个字符", code)
    _unknown_keys(raw, STANDARD_KEYS, problems, line, code)
    raw_versions = raw.get("versions")
    if not isinstance(raw_versions, list) or not raw_versions:
        problems.field(line, "versions", "必须列出至少一个版本", code)
        return None
    before = len(problems.items)
    versions = [
        _read_version(v, i, problems, line, code) for i, v in enumerate(raw_versions, start=1)
    ]
    abolished = raw.get("abolished")
    on: date | None = None
    why = ""
    if abolished is not None:
        if not isinstance(abolished, dict):
            problems.field(line, "abolished", "必须是对象（on、reason）或 null", code)
        else:
            _unknown_keys(abolished, ABOLISHED_KEYS, problems, line, code)
            on = _day(abolished.get("on"))
            if on is None:
                problems.field(line, "on", "必须是日期（如 2026-12-01）", code)
            why = _string(abolished, "reason", problems, line, code)
    if len(problems.items) > before or any(v is None for v in versions):
        return None
    chain = [v for v in versions if v is not None]
    for older, newer in pairwise(chain):
        if newer.effective_from <= older.effective_from:
            problems.field(
                line, "effective_from", f"{newer.effective_from} 必须晚于第{older.version}版的"
                f"生效日期 {older.effective_from}", code, newer.version,
            )  # fmt: skip
        elif older.effective_to != newer.effective_from - timedelta(days=1):
            problems.field(
                line, "effective_to", f"应为第{newer.version}版生效的前一天 "
                f"{newer.effective_from - timedelta(days=1)}", code, older.version,
            )  # fmt: skip
    last = chain[-1]
    if on is not None:
        if on <= last.effective_from:
            problems.field(
                line, "on", f"{on} 必须晚于第{last.version}版的生效日期 {last.effective_from}",
                code,
            )  # fmt: skip
        elif last.effective_to != on - timedelta(days=1):
            problems.field(
                line, "effective_to", f"应为废除日期的前一天 {on - timedelta(days=1)}",
                code, last.version,
            )  # fmt: skip
    elif last.effective_to is not None:
        problems.field(line, "effective_to", "最新版本未废除，应为 null", code, last.version)
    return StandardEntry(line, code, tuple(chain), on, why)


def read_library(data: bytes | str) -> list[StandardEntry]:
    """Every standard of a 标准库文件, checked on its own (not yet against a library): a
    ``StandardError`` lists every problem found."""
    problems = _Problems()
    text = _text(data, problems)
    problems.raise_if_any()
    lines = [(n, s) for n, s in enumerate(text.splitlines(), start=1) if s.strip()]
    if not lines:
        problems.add(0, "文件是空的")
        problems.raise_if_any()
    parsed: list[tuple[int, Any]] = []
    for n, s in lines:
        try:
            parsed.append((n, json.loads(s)))
        except json.JSONDecodeError as exc:
            problems.add(n, f"不是有效的 JSON（第 {exc.colno} 列：{exc.msg}）")
    problems.raise_if_any()
    (first, header), rest = parsed[0], parsed[1:]
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        problems.add(first, f"首行不是标准库文件的文件头（format 应为 “{FORMAT}”）")
        problems.raise_if_any()
    _unknown_keys(header, HEADER_KEYS, problems, first)
    if header.get("format_version") != FORMAT_VERSION:
        problems.field(
            first, "format_version", f"“{header.get('format_version')}”不受支持（本系统读取第 "
            f"{FORMAT_VERSION} 版）",
        )  # fmt: skip
    declared = header.get("standards")
    if declared != len(rest):
        problems.field(
            first, "standards", f"声明 {declared} 条，文件中有 {len(rest)} 条：文件不完整"
        )
    entries: list[StandardEntry] = []
    seen: dict[str, int] = {}
    for n, raw in rest:
        entry = _read_standard(raw, n, problems)
        if entry is None:
            continue
        if entry.code in seen:
            problems.add(n, f"与第{seen[entry.code]}行重复", entry.code)
            continue
        seen[entry.code] = n
        entries.append(entry)
    known = set(Rule.objects.values_list("code", flat=True))
    for entry in entries:
        for v in entry.versions:
            unknown = [r for r in v.rules if r not in known]
            if unknown:
                problems.field(
                    entry.line, "rules", f"规则 {'、'.join(unknown)} 在本系统不存在",
                    entry.code, v.version,
                )  # fmt: skip
    problems.raise_if_any()
    return entries


# --- importing ------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    revised: list[str] = field(default_factory=list)
    abolished: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"新增 {len(self.created)} 条，发布新版本 {len(self.revised)} 条，"
            f"废除 {len(self.abolished)} 条，未变 {len(self.unchanged)} 条"
        )


def _content(row: Standard, rules: list[str]) -> tuple[str, str, str, tuple[str, ...]]:
    return (row.title, row.category, row.text, tuple(sorted(rules)))


def _row(
    code: str, v: VersionEntry, *, version: int, effective_to: date | None, actor: User, now: Any
) -> Standard:
    return Standard(
        code=code, version=version, title=v.title, category=v.category, text=v.text,
        effective_from=v.effective_from, effective_to=effective_to, source=v.source,
        reason=v.reason, updated_by=actor.get_username(), updated_at=now,
    )  # fmt: skip


def import_library(data: bytes | str, *, actor: User, name: str = "") -> ImportResult:
    """Bring a 标准库文件 into the library, all of it or nothing (see the module's docstring)."""
    _require_editor(actor, "导入标准库")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    digest = hashlib.sha256(raw).hexdigest()
    entries = read_library(data)
    result = ImportResult()
    problems = _Problems()
    now = timezone.now()
    with transaction.atomic():
        codes = [e.code for e in entries]
        latest: dict[str, Standard] = {}
        for row in Standard.objects.select_for_update().filter(code__in=codes).order_by("version"):
            latest[row.code] = row
        local_rules: dict[int, list[str]] = {}
        for standard_id, rule_id in Standard.rules.through.objects.filter(
            standard_id__in=[r.pk for r in latest.values()]
        ).values_list("standard_id", "rule_id"):
            local_rules.setdefault(standard_id, []).append(rule_id)
        new_rows: list[tuple[Standard, tuple[str, ...]]] = []
        ended: list[tuple[Standard, date]] = []
        to_abolish: list[tuple[Standard, StandardEntry]] = []
        for entry in entries:
            here = latest.get(entry.code)
            if here is None:
                for v in entry.versions:
                    row = _row(entry.code, v, version=v.version, effective_to=v.effective_to,
                               actor=actor, now=now)  # fmt: skip
                    new_rows.append((row, v.rules))
                if entry.abolished_on:
                    to_abolish.append((new_rows[-1][0], entry))
                result.created.append(entry.code)
                continue
            f = entry.latest
            same = _content(here, local_rules.get(here.pk, [])) == f.content()
            if here.is_abolished:
                if entry.abolished_on:
                    result.unchanged.append(entry.code)
                else:
                    problems.add(
                        entry.line, f"本库已于 {here.abolished_on} 废除该标准，文件中仍为现行，"
                        "不能导入（废除的标准不再修订）", entry.code,
                    )  # fmt: skip
                continue
            if same:
                if entry.abolished_on is None:
                    result.unchanged.append(entry.code)
                    continue
                if entry.abolished_on <= here.effective_from:
                    problems.field(
                        entry.line, "on", f"{entry.abolished_on} 必须晚于本库第{here.version}版的"
                        f"生效日期 {here.effective_from}", entry.code,
                    )  # fmt: skip
                    continue
                to_abolish.append((here, entry))
                result.abolished.append(entry.code)
                continue
            if f.effective_from <= here.effective_from:
                problems.field(
                    entry.line, "effective_from", f"{f.effective_from} 必须晚于本库第"
                    f"{here.version}版的生效日期 {here.effective_from}，才能作为新版本导入",
                    entry.code, f.version,
                )  # fmt: skip
                continue
            ended.append((here, f.effective_from - timedelta(days=1)))
            row = _row(entry.code, f, version=here.version + 1, effective_to=f.effective_to,
                       actor=actor, now=now)  # fmt: skip
            new_rows.append((row, f.rules))
            if entry.abolished_on:
                to_abolish.append((row, entry))
            result.revised.append(entry.code)
        problems.raise_if_any()
        for old, end in ended:
            old.effective_to = end
            old.save(update_fields=["effective_to"])
        Standard.objects.bulk_create([row for row, _ in new_rows])
        through = Standard.rules.through
        through.objects.bulk_create(
            [through(standard_id=row.pk, rule_id=code) for row, rules in new_rows for code in rules]
        )
        for row, entry in to_abolish:
            assert entry.abolished_on is not None
            _abolish(row, actor=actor, on=entry.abolished_on, reason=entry.abolition_reason)
        record_audit(
            actor, AuditAction.STANDARD_IMPORT, target_type="standard_library",
            target_id=digest[:16],
            details={
                "file": name, "sha256": digest, "created": result.created,
                "revised": result.revised, "abolished": result.abolished,
                "unchanged": len(result.unchanged),
            },
        )  # fmt: skip
    return result
