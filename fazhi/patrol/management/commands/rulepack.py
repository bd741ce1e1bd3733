"""``fazhi rulepack check|doc [--pack CODE]``: validate a rule pack, or write its documentation."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fazhi.patrol.pack import DEFAULT_PACK, INHIBIT_MATCHES, PackError, RuleDef, load_pack

SECTIONS = [
    ("XS", "刑事 (XS)"),
    ("ZA", "治安/行政 (ZA)"),
    ("JQ", "警情 (JQ)"),
    ("GF", "笔录、民警、文书、财物、办案区 (GF)"),
    ("LX", "执法记录 (LX)"),
    ("SJ", "数据质量 (SJ)"),
    ("ZN", "研判 (ZN)"),
]
TABLE_HEAD = "| 编号 | 名称 | 类型 | 严重程度 | 对象 | 检查 | 设置 | 依据 |"
KIND_LABELS = {"deadline": "时限", "condition": "规范", "analysis": "研判"}


def _settings(rule: RuleDef) -> str:
    parts = []
    for key, value in rule.defaults.items():
        if key == "lead_fraction":
            continue
        shown = ("是" if value else "否") if isinstance(value, bool) else str(value)
        mark = "（本地标准）" if key in rule.local_standards else ""
        parts.append(f"`{key}` = {shown}{mark}")
    return "；".join(parts) or "—"


def render(pack_code: str) -> str:
    pack = load_pack(pack_code)
    lines = [
        f"# 规则包 {pack.code} · {pack.title}",
        "",
        "Generated from `fazhi/patrol/packs/" + pack.code + ".toml` by `fazhi rulepack doc`;"
        " do not edit by hand. 本文件由规则包自动生成。",
        "",
        "Every deadline rule warns before its due time: the lead is 25% of the period (hours: at"
        " least 2 h; days and months: 1 to 7 days), a setting of each rule. `custody` rules (限制"
        "人身自由) never roll over holidays; the others end on the next working day when the last"
        " day is a rest day. Settings marked 本地标准 are the bureau's own values, changed by the"
        " 法制大队 with a recorded reason (rule admin page or `change_rule`).",
        "",
    ]
    for prefix, title in SECTIONS:
        rules = [r for r in pack.rules if r.code.startswith(prefix + "-")]
        if not rules:
            continue
        lines += [f"## {title}", "", TABLE_HEAD, "|---|---|---|---|---|---|---|---|"]
        for r in rules:
            lines.append(
                f"| {r.code} | {r.name} | {KIND_LABELS[r.kind]} | {r.severity} | {r.subject_type} |"
                f" `{r.check.name}` | {_settings(r)} | {r.basis} |"
            )
        lines.append("")
        for r in rules:
            lines += [f"**{r.code} {r.name}** — {r.help_text}", ""]
    if pack.inhibitions:
        lines += [
            "## 抑制 (inhibit)",
            "",
            "While an open finding of the source rule names the same record (同一对象) or the same"
            " case (同一案件) as a finding of a held-back rule, that finding is listed under it on"
            " the case and finding pages and pushes no problem or notice of its own; once the"
            " source finding closes, it is pushed as usual.",
            "",
            "| 来源规则 | 匹配 | 被抑制的规则 | 理由 |",
            "|---|---|---|---|",
        ]
        for rel in pack.inhibitions:
            lines.append(
                f"| {rel.source} | {INHIBIT_MATCHES[rel.match]} | {'、'.join(rel.targets)} |"
                f" {rel.reason} |"
            )
        lines.append("")
    lines += [
        "## Interpretation choices · 口径说明",
        "",
        "- An act concerns a measure when it names the measure (`measure_id`), or names no measure"
        " but the measure's person and case.",
        "- The required act counts when it happens at or after the trigger and at or before"
        " `as_of`; an act recorded before its trigger does not count (SJ-03 reports the time"
        " error as well).",
        "- ZA-XW-01 applies to transcripts of 行政 cases; 刑事 讯问 are checked by XS-XW-02.",
        "- XS-QB-04 applies to 取保候审 with a deposit (`deposit_amount` > 0).",
        "- GF-CW-02 reports the case; its facts list the property not yet disposed of.",
        "- GF-XW-04 ignores transcripts whose end precedes their start (SJ-03 reports those).",
        "- GF-ZG-01 also fires when the lead officer's `qualified_at` is later than the case's"
        " acceptance.",
        "- SJ-04 accepts a missing 身份证号 when the person record carries a `id_number_note` or"
        " `note` field (FZX extra fields) saying why.",
        "- An `extended_to` beyond a rule's cap is itself a violation; the cap is then the due"
        " time.",
        "- A rule set to warn-only (仅提醒) reports every finding as a warning; its explanation"
        " keeps the original status.",
        "- XS-JL-01 is closed by the 送看守所, or by the detention ending (released, or changed to"
        " another measure: its `ended_at`): a person released within 24 h was never owed to the"
        " 看守所; one released later without it is reported late, the release being the late act.",
        "- A deadline not closed by `as_of` names in its facts (缺少记录) which closing record or"
        " time is absent (离开时间未录入, 送看守所记录未录入 …), or why a recorded time does not"
        " count (before the trigger, after `as_of`).",
        "",
    ]
    return "\n".join(lines)


class Command(BaseCommand):
    help = "校验规则包，或输出规则包文档（Markdown）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["check", "doc"])
        parser.add_argument("--pack", default=DEFAULT_PACK)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "check":
                pack = load_pack(options["pack"])
                self.stdout.write(f"规则包 {pack.code} 校验通过：{len(pack.rules)} 条规则")
            else:
                self.stdout.write(render(options["pack"]))
        except PackError as exc:
            raise CommandError(str(exc)) from None
