"""Loading a rule pack: a TOML file of rule definitions, validated before anything runs.

A pack is data a legal department can read: code, Chinese name, kind, the check it runs with its
params, default settings (limits, warning lead, local standards), severity, legal basis and help
text for officers. Loading refuses the whole pack, naming every bad rule, when a code is malformed
or repeated, a check or setting does not exist, a value has the wrong type, or the kind and check
disagree.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from fazhi.patrol import checks  # noqa: F401  (registers the checks)
from fazhi.patrol.models import RuleKind, Severity
from fazhi.patrol.periods import Period, PeriodError
from fazhi.patrol.registry import CHECKS, CheckDef, SettingType

PACK_DIR = Path(__file__).resolve().parent / "packs"
DEFAULT_PACK = "cn-police-2026"
CODE_PATTERN = re.compile(r"^[A-Z]{2}(-[A-Z]{2})?-\d{2}$")
SUBJECT_TYPES = {
    "measure", "event", "case", "incident", "transcript", "person", "property",
    "venue_visit", "document", "officer", "recording", "property_movement", "*",
}  # fmt: skip


class PackError(ValueError):
    """The pack is refused; ``problems`` lists every reason, one Chinese line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("规则包校验失败：\n" + "\n".join(problems))
        self.problems = problems


def parse_period(text: str) -> Period:
    """A period as legal officers write it: 24小时, 3日, 5个工作日, 2个月, 半个月."""
    try:
        return Period.parse(str(text))
    except PeriodError as exc:
        raise ValueError(str(exc)) from None


def coerce_setting(kind: SettingType, value: Any) -> Any:
    """Validate one setting value, returning its stored (JSON) form."""
    if kind == "period":
        parse_period(value)
        return str(value).strip()
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"“{value}”不是布尔值（true/false）")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"“{value}”不是整数")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"“{value}”不是数值")
    return value


@dataclass(frozen=True)
class RuleDef:
    code: str
    name: str
    kind: RuleKind
    check: CheckDef
    params: Any
    defaults: dict[str, Any]
    severity: Severity
    subject_type: str
    basis: str
    help_text: str
    local_standards: tuple[str, ...]


INHIBIT_MATCHES = {"subject": "同一对象", "case": "同一案件"}


@dataclass(frozen=True)
class InhibitDef:
    """抑制: while an open finding of ``source`` names the same subject record (or the same
    case) as a finding of a ``target`` rule, that finding follows from it: it is listed under it
    and pushes no problem or notice of its own."""

    source: str
    targets: tuple[str, ...]
    match: str
    reason: str


@dataclass(frozen=True)
class Pack:
    code: str
    title: str
    rules: tuple[RuleDef, ...]
    inhibitions: tuple[InhibitDef, ...] = ()

    def rule(self, code: str) -> RuleDef:
        for rule in self.rules:
            if rule.code == code:
                return rule
        raise KeyError(code)


def _basis_text(refs: list[str], laws: dict[str, str], where: str, problems: list[str]) -> str:
    parts = []
    for ref in refs:
        abbr, _, article = ref.partition(":")
        if abbr not in laws:
            problems.append(f"{where}：法律依据“{ref}”引用了未定义的法律简称 {abbr}")
            continue
        parts.append(f"{laws[abbr]}第{article}条" if article else laws[abbr])
    return "；".join(parts)


def _load_rule(raw: dict[str, Any], laws: dict[str, str], problems: list[str]) -> RuleDef | None:
    code = str(raw.get("code", ""))
    where = f"规则 {code or '（无编号）'}"
    before = len(problems)
    if not CODE_PATTERN.match(code):
        problems.append(f"{where}：编号格式无效（应如 XS-JL-01、JQ-01）")
    for key in ("name", "kind", "check", "severity"):
        if not raw.get(key):
            problems.append(f"{where}：缺少 {key}")
    unknown = set(raw) - {
        "code", "name", "kind", "check", "severity", "basis", "help", "params", "settings",
        "local_standards", "subject",
    }  # fmt: skip
    if unknown:
        problems.append(f"{where}：未知的键 {', '.join(sorted(unknown))}")
    check = CHECKS.get(str(raw.get("check", "")))
    if raw.get("check") and check is None:
        problems.append(f"{where}：检查“{raw['check']}”不存在")
    kind = raw.get("kind")
    if kind not in RuleKind.values:
        problems.append(f"{where}：类型“{kind}”无效（deadline/condition/analysis）")
    elif check is not None and check.kind != kind:
        problems.append(
            f"{where}：检查“{check.name}”属于 {check.kind} 类型，与规则类型 {kind} 不符"
        )
    if raw.get("severity") not in Severity.values:
        problems.append(f"{where}：严重程度“{raw.get('severity')}”无效（一般/较重/严重）")
    params: Any = None
    defaults: dict[str, Any] = {}
    if check is not None:
        try:
            params = check.params(**raw.get("params", {}))
        except TypeError as exc:
            problems.append(f"{where}：检查参数无效：{exc}")
        allowed = check.allowed_settings
        for key, value in raw.get("settings", {}).items():
            if key not in allowed:
                problems.append(f"{where}：设置项 {key} 不存在（可用：{', '.join(allowed)}）")
                continue
            try:
                defaults[key] = coerce_setting(allowed[key], value)
            except ValueError as exc:
                problems.append(f"{where}：设置项 {key}：{exc}")
        if check.kind == RuleKind.DEADLINE:
            for key in ("limit", "custody"):
                if key not in defaults:
                    problems.append(f"{where}：时限规则必须设置 {key}")
            defaults.setdefault("lead_fraction", 0.25)
    local = tuple(raw.get("local_standards", ()))
    for key in local:
        if key not in defaults:
            problems.append(f"{where}：本地标准 {key} 不是该规则的设置项")
    subject = str(raw.get("subject") or (check.subject_type if check else ""))
    if subject not in SUBJECT_TYPES:
        problems.append(f"{where}：对象类型“{subject}”无效")
    basis = _basis_text(list(raw.get("basis", [])), laws, where, problems)
    if len(problems) > before or check is None:
        return None
    return RuleDef(
        code=code,
        name=str(raw["name"]),
        kind=RuleKind(str(kind)),
        check=check,
        params=params,
        defaults=defaults,
        severity=Severity(raw["severity"]),
        subject_type=subject,
        basis=basis or "本地标准",
        help_text=str(raw.get("help", "")).strip(),
        local_standards=local,
    )


def load_pack_text(text: str, *, source: str = "<text>") -> Pack:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PackError([f"{source}：TOML 格式错误：{exc}"]) from None
    problems: list[str] = []
    meta = data.get("pack", {})
    laws = {str(k): str(v) for k, v in data.get("laws", {}).items()}
    rules: list[RuleDef] = []
    seen: set[str] = set()
    for raw in data.get("rule", []):
        rule = _load_rule(raw, laws, problems)
        code = str(raw.get("code", ""))
        if code in seen:
            problems.append(f"规则 {code}：编号重复")
        seen.add(code)
        if rule is not None:
            rules.append(rule)
    if not meta.get("code"):
        problems.append(f"{source}：缺少 [pack] code")
    inhibitions = _load_inhibitions(data.get("inhibit", []), rules, seen, problems)
    if problems:
        raise PackError(problems)
    return Pack(
        code=str(meta["code"]),
        title=str(meta.get("title", "")),
        rules=tuple(rules),
        inhibitions=inhibitions,
    )


def _load_inhibitions(
    entries: list[dict[str, Any]], rules: list[RuleDef], codes: set[str], problems: list[str]
) -> tuple[InhibitDef, ...]:
    """The pack's [[inhibit]] table: every code a rule of the pack, a subject match only
    between rules that can name the same kind of record, no rule inhibiting itself or (through
    others) its own inhibitor."""
    subjects = {r.code: r.subject_type for r in rules}
    out: list[InhibitDef] = []
    pairs: set[tuple[str, str]] = set()
    for raw in entries:
        source = str(raw.get("source", ""))
        where = f"抑制关系 {source or '（无来源规则）'}"
        unknown = set(raw) - {"source", "targets", "match", "reason"}
        if unknown:
            problems.append(f"{where}：未知的键 {', '.join(sorted(unknown))}")
        if source not in codes:
            problems.append(f"{where}：来源规则 {source} 不在规则包中")
        targets = raw.get("targets", [])
        if not isinstance(targets, list) or not targets:
            problems.append(f"{where}：targets 须为非空的规则编号列表")
            targets = []
        match = str(raw.get("match", "subject"))
        if match not in INHIBIT_MATCHES:
            problems.append(f"{where}：match“{match}”无效（subject/case）")
        reason = str(raw.get("reason", "")).strip()
        if not reason:
            problems.append(f"{where}：缺少 reason（为何被抑制的发现由来源规则引起）")
        for target in map(str, targets):
            if target not in codes:
                problems.append(f"{where}：被抑制规则 {target} 不在规则包中")
                continue
            if target == source:
                problems.append(f"{where}：规则不能抑制自身")
                continue
            if (source, target) in pairs:
                problems.append(f"{where}：被抑制规则 {target} 重复")
                continue
            pairs.add((source, target))
            src_subject = subjects.get(source)
            if match == "subject" and src_subject not in ("*", subjects.get(target)):
                problems.append(
                    f"{where}：{source} 的对象（{src_subject}）与 {target} 的对象"
                    f"（{subjects.get(target)}）不同，不能按同一对象抑制"
                )
        out.append(InhibitDef(source, tuple(map(str, targets)), match, reason))
    # no cycle: a finding must not hide the finding that hides it
    graph: dict[str, set[str]] = {}
    for source, target in pairs:
        graph.setdefault(source, set()).add(target)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    for source in sorted(graph):
        if reaches(source, source, {source}):
            problems.append(f"抑制关系 {source}：形成循环（规则经由其他规则抑制自身）")
    return tuple(out)


@cache
def load_pack(code: str = DEFAULT_PACK) -> Pack:
    path = PACK_DIR / f"{code}.toml"
    return load_pack_text(path.read_text(encoding="utf-8"), source=path.name)
