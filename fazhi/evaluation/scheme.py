"""An evaluation scheme (考评方案) as data: read from TOML, validated, refused whole when wrong.

A scheme lists a few indicators per subject (单位, 民警, 中层领导), each with a weight, a source
(what it counts), a deduction per item and a cap; the 一票否决 list; the grade thresholds; the
officers' minimum case count; the appeal windows; the weight of the outside ratings. Every
problem found is reported at once, in Chinese, naming the indicator and the field.

**Forbidden indicators** (evaluation.md) are refused here whatever a bureau writes: an indicator
whose name, source or parameters name 罚没款数额, 刑拘数, 行拘数, 发案数, 破案率, 退查率, 批捕率,
劳教数, or any count or sum of penalties, detentions or arrests as a target. The check reads the
text itself, so that no configuration can switch it off.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from fazhi.records import enums

DEFAULT_PATH = Path(__file__).resolve().parent / "schemes" / "default.toml"


class Subject:
    UNIT = "unit"
    OFFICER = "officer"
    LEADER = "leader"


SUBJECT_LABELS = {Subject.UNIT: "单位", Subject.OFFICER: "民警", Subject.LEADER: "中层领导"}

# The sources an indicator may count, the subjects each serves, and the parameters it takes
# (name -> the values allowed, or None for a number).
SEVERITIES = ("一般", "较重", "严重")
SOURCES: dict[str, tuple[str, frozenset[str], dict[str, tuple[str, ...] | None]]] = {
    "problems": (
        "确认的执法问题",
        frozenset({Subject.UNIT, Subject.OFFICER, Subject.LEADER}),
        {"severities": SEVERITIES, "rules": ()},
    ),
    "overdue_rectifications": (
        "整改超期",
        frozenset({Subject.UNIT, Subject.OFFICER, Subject.LEADER}),
        {},
    ),
    "reviews": (
        "执法监督救济结果",
        frozenset({Subject.UNIT, Subject.OFFICER}),
        {"kinds": tuple(enums.ReviewKind.values), "outcomes": tuple(enums.ReviewOutcome.values)},
    ),
    "complaints": (
        "投诉查实",
        frozenset({Subject.UNIT, Subject.OFFICER}),
        {"results": tuple(enums.ComplaintResult.values)},
    ),
    "safety_events": (
        "执法安全事故",
        frozenset({Subject.UNIT}),
        {"kinds": tuple(enums.SafetyEventKind.values)},
    ),
    "daily_unconfirmed": ("每日十问未按日确认", frozenset({Subject.LEADER}), {}),
    "escalations": ("问题升级至本人", frozenset({Subject.LEADER}), {}),
    "repeat_problems": ("重复发生的问题", frozenset({Subject.LEADER}), {"within_days": None}),
}
SOURCE_LABELS = {key: value[0] for key, value in SOURCES.items()}

# The forbidden indicators: what a message names, and the words that betray each. Matched on
# the text with whitespace removed, lower-cased.
FORBIDDEN: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("罚没款数额", ("罚没款", "罚没", "罚款数额", "罚款金额", "罚款总额", "fine_amount", "fines")),
    ("刑事拘留数（刑拘数）", ("刑事拘留数", "刑事拘留人数", "刑拘数", "刑拘人数", "刑拘率")),
    ("行政拘留数（行拘数）", ("行政拘留数", "行政拘留人数", "行拘数", "行拘人数", "行拘率")),
    ("发案数", ("发案数", "发案率", "发案量")),
    ("破案率", ("破案率", "破案数", "clearance_rate")),
    ("退查率（退回补充侦查率）", ("退查率", "退回补充侦查率", "退查数", "退回补充侦查")),
    ("批捕率", ("批捕率", "批捕数", "批捕人数")),
    ("劳教数", ("劳教数", "劳动教养", "劳教")),
)
# Any other count or sum of penalties, detentions or arrests used as a target.
FORBIDDEN_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "处罚、拘留或逮捕的数量（打击处理数）",
        re.compile(
            r"(处罚|罚款|拘留|逮捕|抓获|刑拘|行拘|强制措施|打击处理|打处)"
            r"(的)?(人数|数量|件数|起数|数|总数|总额|金额|率|指标)"
        ),
    ),
    (
        "处罚、拘留或逮捕的数量（打击处理数）",
        re.compile(
            r"(penalt|fine|detention|detain|arrest|custod)\w*_?(count|number|sum|total|amount|rate)"
        ),
    ),
)

TOP_KEYS = {
    "name", "version", "basis", "grades", "workload", "officers", "appeals", "outside",
    "vetoes", "indicators",
}  # fmt: skip
INDICATOR_KEYS = {
    "code", "name", "subject", "source", "weight", "deduction", "cap", "normalise", "params",
}  # fmt: skip
SECTION_KEYS = {
    "grades": {"excellent", "pass"},
    "workload": {"floor"},
    "officers": {"min_cases"},
    "appeals": {"file_working_days", "decide_working_days"},
    "outside": {"weight"},
    "vetoes": {"safety_event_kinds", "review_kinds", "review_outcomes_exempt"},
}


class SchemeError(ValueError):
    """A scheme refused at load: every problem, each a Chinese sentence naming what is wrong."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("考评方案有误：" + "；".join(problems))


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    subject: str
    source: str
    weight: float
    deduction: float
    cap: float
    normalise: bool = False
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS[self.source]

    @property
    def subject_label(self) -> str:
        return SUBJECT_LABELS[self.subject]


@dataclass(frozen=True)
class Scheme:
    name: str
    version: str
    basis: str
    excellent: float
    passing: float
    workload_floor: int
    min_cases: int
    appeal_days: int
    decide_days: int
    outside_weight: float
    veto_safety_kinds: tuple[str, ...]
    veto_review_kinds: tuple[str, ...]
    veto_review_exempt: tuple[str, ...]
    indicators: tuple[Indicator, ...]
    text: str
    digest: str

    def for_subject(self, subject: str) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.subject == subject)

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"

    def grade(self, score: float | None, vetoed: bool) -> str:
        if vetoed:
            return "不达标"
        if score is None:
            return ""
        if score >= self.excellent:
            return "优秀"
        if score >= self.passing:
            return "达标"
        return "不达标"


def forbidden_in(text: str) -> str | None:
    """The forbidden indicator ``text`` names, or None."""
    flat = re.sub(r"\s+", "", str(text)).lower()
    for label, words in FORBIDDEN:
        if any(word.lower() in flat for word in words):
            return label
    for label, pattern in FORBIDDEN_PATTERNS:
        if pattern.search(flat):
            return label
    return None


def _strings(value: Any) -> list[str]:
    """Every key and string value inside a parameter value, nested or not."""
    if isinstance(value, dict):
        out: list[str] = []
        for key, item in value.items():
            out += [str(key), *_strings(item)]
        return out
    if isinstance(value, list | tuple):
        return [s for item in value for s in _strings(item)]
    return [str(value)]


def _number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def load(path: Path | None = None) -> Scheme:
    """The scheme in ``path`` (the shipped default when None), validated."""
    path = path or DEFAULT_PATH
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemeError([f"无法读取考评方案文件 {path}：{exc}"]) from None
    return parse(text)


def parse(text: str) -> Scheme:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemeError([f"考评方案不是有效的TOML：{exc}"]) from None
    problems: list[str] = []
    for key in sorted(set(data) - TOP_KEYS):
        problems.append(f"未知的配置项「{key}」")
    for name in ("name", "version"):
        if not isinstance(data.get(name), str) or not data.get(name, "").strip():
            problems.append(f"方案须有{'名称' if name == 'name' else '版本'}（{name}）")
    sections: dict[str, dict[str, Any]] = {}
    for section, keys in SECTION_KEYS.items():
        value = data.get(section, {})
        if not isinstance(value, dict):
            problems.append(f"[{section}] 应为一节配置")
            value = {}
        for key in sorted(set(value) - keys):
            problems.append(f"[{section}] 中未知的配置项「{key}」")
        sections[section] = value

    def num(section: str, key: str, default: float, low: float, high: float) -> float:
        value = sections[section].get(key, default)
        if not _number(value) or not low <= value <= high:
            problems.append(
                f"[{section}] {key} 应为 {low:g} 至 {high:g} 之间的数，而不是 {value!r}"
            )
            return default
        return float(value)

    excellent = num("grades", "excellent", 90, 0, 100)
    passing = num("grades", "pass", 60, 0, 100)
    if passing > excellent:
        problems.append(
            f"[grades] 达标线 pass（{passing:g}）不应高于优秀线 excellent（{excellent:g}）"
        )
    floor = num("workload", "floor", 20, 1, 100000)
    min_cases = num("officers", "min_cases", 3, 0, 1000)
    appeal_days = num("appeals", "file_working_days", 3, 1, 30)
    decide_days = num("appeals", "decide_working_days", 3, 1, 30)
    outside = num("outside", "weight", 20, 0, 100)
    for key in ("min_cases", "floor", "file_working_days", "decide_working_days"):
        for section in ("officers", "workload", "appeals"):
            value = sections[section].get(key)
            if _number(value) and int(value) != value:
                problems.append(f"[{section}] {key} 应为整数，而不是 {value!r}")

    vetoes = sections["vetoes"]
    veto_lists: dict[str, tuple[str, ...]] = {}
    allowed_veto = {
        "safety_event_kinds": enums.SafetyEventKind.values,
        "review_kinds": enums.ReviewKind.values,
        "review_outcomes_exempt": enums.ReviewOutcome.values,
    }
    defaults = {
        "safety_event_kinds": ["死亡", "重伤", "脱逃", "刑讯逼供", "违规使用警械武器"],
        "review_kinds": ["执法过错追究"],
        "review_outcomes_exempt": ["维持", "驳回", "和解撤回"],
    }
    for key, allowed in allowed_veto.items():
        value = vetoes.get(key, defaults[key])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f"[vetoes] {key} 应为文字列表")
            value = []
        for v in value:
            if v not in allowed:
                problems.append(
                    f"[vetoes] {key} 中「{v}」不是可用的值（可用：{'、'.join(allowed)}）"
                )
        veto_lists[key] = tuple(value)

    indicators = _indicators(data.get("indicators", []), problems)
    for subject, label in SUBJECT_LABELS.items():
        own = [i for i in indicators if i.subject == subject]
        total = sum(i.weight for i in own) + (outside if subject == Subject.UNIT else 0)
        if own and abs(total - 100) > 1e-6:
            extra = "（含外部评议分值）" if subject == Subject.UNIT else ""
            problems.append(f"{label}指标的分值合计{extra}应为100，而不是 {total:g}")
    if problems:
        raise SchemeError(problems)
    return Scheme(
        name=data["name"].strip(),
        version=str(data["version"]).strip(),
        basis=str(data.get("basis", "")),
        excellent=excellent,
        passing=passing,
        workload_floor=int(floor),
        min_cases=int(min_cases),
        appeal_days=int(appeal_days),
        decide_days=int(decide_days),
        outside_weight=outside,
        veto_safety_kinds=veto_lists["safety_event_kinds"],
        veto_review_kinds=veto_lists["review_kinds"],
        veto_review_exempt=veto_lists["review_outcomes_exempt"],
        indicators=tuple(indicators),
        text=text,
        digest=hashlib.sha256(text.encode()).hexdigest(),
    )


def _indicators(raw: Any, problems: list[str]) -> list[Indicator]:
    if not isinstance(raw, list) or not raw:
        problems.append("方案须列出至少一个指标（[[indicators]]）")
        return []
    out: list[Indicator] = []
    codes: set[str] = set()
    for n, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            problems.append(f"第{n}个指标应为一节配置")
            continue
        code = str(item.get("code") or f"第{n}个")
        who = f"指标 {code}"
        if item.get("name"):
            who += f"（{item['name']}）"
        before = len(problems)
        # forbidden first, by name, source and parameters: whatever else is wrong with it
        for where, texts in (
            ("名称", [str(item.get("name", "")), str(item.get("code", ""))]),
            ("来源", [str(item.get("source", ""))]),
            ("参数", _strings(item.get("params", {}))),
        ):
            for text in texts:
                hit = forbidden_in(text)
                if hit:
                    problems.append(
                        f"{who}：{where}「{text}」属于禁止的考评指标「{hit}」"
                        "（淡化打击处理数，不得作为考评指标）"
                    )
                    break
        if len(problems) > before:
            continue
        for key in sorted(set(item) - INDICATOR_KEYS):
            problems.append(f"{who}：未知的配置项「{key}」")
        if not item.get("code") or not isinstance(item.get("code"), str):
            problems.append(f"{who}：须有编号（code）")
        elif code in codes:
            problems.append(f"{who}：编号重复")
        codes.add(code)
        if not isinstance(item.get("name"), str) or not item["name"].strip():
            problems.append(f"{who}：须有名称（name）")
        subject = item.get("subject")
        if subject not in SUBJECT_LABELS:
            problems.append(f"{who}：考评对象 subject「{subject}」应为 unit、officer 或 leader")
        source = item.get("source")
        if source not in SOURCES:
            problems.append(
                f"{who}：未知的数据来源 source「{source}」（可用：{'、'.join(SOURCES)}）"
            )
        elif subject in SUBJECT_LABELS and subject not in SOURCES[source][1]:
            problems.append(f"{who}：数据来源「{source}」不能用于{SUBJECT_LABELS[subject]}考评")
        numbers: dict[str, float] = {}
        for key, low, high in (("weight", 0, 100), ("deduction", 0, 100), ("cap", 0, 100)):
            value = item.get(key)
            if not _number(value) or not low < value <= high:
                problems.append(
                    f"{who}：{key} 应为大于 {low:g}、不超过 {high:g} 的数，而不是 {value!r}"
                )
            else:
                numbers[key] = float(value)
        if "cap" in numbers and "weight" in numbers and numbers["cap"] > numbers["weight"]:
            problems.append(
                f"{who}：封顶 cap（{numbers['cap']:g}）不应超过分值 weight（{numbers['weight']:g}）"
            )
        normalise = item.get("normalise", False)
        if not isinstance(normalise, bool):
            problems.append(f"{who}：normalise 应为 true 或 false")
        elif normalise and subject == Subject.OFFICER:
            problems.append(f"{who}：民警指标不按工作量归一化（以最低案件数代替）")
        params = item.get("params", {})
        if not isinstance(params, dict):
            problems.append(f"{who}：params 应为一节配置")
            params = {}
        if source in SOURCES:
            allowed = SOURCES[source][2]
            for key, value in params.items():
                if key not in allowed:
                    problems.append(f"{who}：params 中未知的参数「{key}」")
                    continue
                choices = allowed[key]
                if choices is None:
                    if not _number(value) or value <= 0 or int(value) != value:
                        problems.append(f"{who}：params.{key} 应为正整数，而不是 {value!r}")
                    continue
                if (
                    not isinstance(value, list)
                    or not value
                    or not all(isinstance(v, str) for v in value)
                ):
                    problems.append(f"{who}：params.{key} 应为非空的文字列表")
                    continue
                if choices:
                    for v in value:
                        if v not in choices:
                            problems.append(
                                f"{who}：params.{key} 中「{v}」不是可用的值"
                                f"（可用：{'、'.join(choices)}）"
                            )
        if len(problems) == before:
            out.append(
                Indicator(
                    code=code,
                    name=item["name"].strip(),
                    subject=str(subject),
                    source=str(source),
                    weight=numbers["weight"],
                    deduction=numbers["deduction"],
                    cap=numbers["cap"],
                    normalise=bool(normalise),
                    params=dict(params),
                )
            )
    return out
