"""``fazhi whatif --rule CODE --set KEY=VALUE [--set …] [--as-of ISO-TIME]
[--format table|json]``: try a proposed setting of a rule on the store without changing it
(``fazhi.patrol.whatif``); ``--entry FILE.toml`` tries a proposed [[rule]] instead."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from fazhi.core.services import command_actor
from fazhi.core.templatetags.display import local_time
from fazhi.patrol.management.commands.patrol import parse_as_of
from fazhi.patrol.models import FindingStatus, Rule
from fazhi.patrol.pack import DEFAULT_PACK, load_pack
from fazhi.patrol.services import PatrolError
from fazhi.patrol.whatif import parse_setting_text, what_if

ROWS = 20  # rows of each list the table shows (JSON has them all)
STATUS = dict(FindingStatus.choices)


class Command(BaseCommand):
    help = (
        "试运行：以拟修改的规则设置（或拟新增的规则条目）在现有数据上巡查，"
        "报告将新增、消除和变化的发现，不改动任何数据。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rule", default="", help="规则编号，如 XS-JL-04")
        parser.add_argument(
            "--set", action="append", default=[], dest="sets", metavar="KEY=VALUE",
            help="拟修改的设置，如 limit=2日（可重复）",
        )  # fmt: skip
        parser.add_argument("--entry", type=Path, help="拟新增或改写的规则条目（TOML 的 [[rule]]）")
        parser.add_argument("--as-of", help="试运行时点（ISO 8601；无时区按北京时间），默认现在")
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument("--actor", default=None, help="执行人：平台用户名（默认系统账号）")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["rule"]
        entry = options["entry"].read_text(encoding="utf-8") if options["entry"] else None
        if not code and entry is None:
            raise CommandError("请用 --rule 指定规则，或用 --entry 给出拟用的规则条目")
        settings: dict[str, Any] = {}
        rdef = None
        if code and entry is None:
            rule = Rule.objects.filter(pk=code).first()
            try:
                rdef = load_pack(rule.pack if rule and rule.pack else DEFAULT_PACK).rule(code)
            except KeyError:
                raise CommandError(f"规则不存在：{code}") from None
        for item in options["sets"]:
            key, sep, value = item.partition("=")
            if not sep or not key.strip():
                raise CommandError(f"--set“{item}”应写作 KEY=VALUE，如 limit=2日")
            settings[key.strip()] = (
                parse_setting_text(rdef, key.strip(), value) if rdef else value.strip()
            )
        as_of = parse_as_of(options["as_of"]) if options["as_of"] else timezone.now()
        try:
            run, outcome = what_if(
                actor=command_actor(options["actor"]), rule_code=code, settings=settings,
                as_of=as_of, entry=entry,
            )  # fmt: skip
        except PatrolError as exc:
            raise CommandError(str(exc)) from None
        if options["format"] == "json":
            self.stdout.write(json.dumps(outcome.as_json(), ensure_ascii=False, indent=2))
            return
        out = self.stdout
        out.write(
            f"试运行 #{run.pk}：规则 {run.rule_code} {run.rule_name}，时点 {local_time(as_of)}"
        )
        out.write("试运行设置：" + "，".join(f"{k}={v}" for k, v in run.settings.items()))
        out.write(
            f"现行设置发现 {outcome.baseline} 项，拟用设置发现 {outcome.proposed} 项："
            f"新增 {len(outcome.added)}，消除 {len(outcome.removed)}，变化 {len(outcome.changed)}"
            f"（用时 {outcome.seconds} 秒）"
        )
        for title, rows in (("新增", outcome.added), ("消除", outcome.removed)):
            for row in rows[:ROWS]:
                out.write(
                    f"  {title} {row['subject_type']} {row['subject_id']} {STATUS[row['status']]}"
                )
        for row in outcome.changed[:ROWS]:
            out.write(
                f"  变化 {row['subject_type']} {row['subject_id']} "
                f"{STATUS[row['from']]} → {STATUS[row['to']]}"
            )
