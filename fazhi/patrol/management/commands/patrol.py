"""``fazhi patrol [--as-of ISO-TIME] [--full|--incremental] [--format table|json|none]
[--rule CODE…]``: run the patrol and print the open findings."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from fazhi.core.services import command_actor
from fazhi.core.timezones import SHANGHAI
from fazhi.patrol.models import Finding, RunMode
from fazhi.patrol.services import PatrolError, finding_json, run_patrol


def parse_as_of(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--as-of“{text}”不是 ISO 8601 时间（如 2026-10-08T10:00:00+08:00）"
        ) from None
    return moment.replace(tzinfo=SHANGHAI) if moment.tzinfo is None else moment


class Command(BaseCommand):
    help = "按规则包巡查全部记录（智能巡查），输出有效的巡查发现。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="巡查时点（ISO 8601；无时区按北京时间），默认现在")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--full", action="store_const", dest="mode", const=RunMode.FULL)
        mode.add_argument(
            "--incremental", action="store_const", dest="mode", const=RunMode.INCREMENTAL
        )
        parser.add_argument("--format", choices=["table", "json", "none"], default="table")
        parser.add_argument("--rule", action="append", dest="rules", help="只巡查这些规则")
        parser.add_argument(
            "--actor", default=None, help="执行人：平台用户名，记入审计日志（默认系统账号）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = parse_as_of(options["as_of"]) if options["as_of"] else timezone.now()
        try:
            run = run_patrol(
                as_of=as_of,
                actor=command_actor(options["actor"]),
                mode=options["mode"] or RunMode.FULL,
                codes=options["rules"],
            )
        except PatrolError as exc:
            raise CommandError(str(exc)) from None
        findings = (
            Finding.objects.open()
            .select_related("rule")
            .order_by("rule_id", "subject_type", "subject_id")
        )
        if options["rules"]:
            findings = findings.filter(rule_id__in=options["rules"])
        if options["format"] == "json":
            self.stdout.write(
                json.dumps([finding_json(f) for f in findings], ensure_ascii=False, indent=1)
            )
            return
        if options["format"] == "table":
            for f in findings:
                due = f.due_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if f.due_at else ""
                self.stdout.write(
                    f"{f.rule_id:<9} {f.get_status_display():<4} {f.severity} "
                    f"{f.subject_type}:{f.subject_id}  {due}  {f.rule.name}"
                )
        stats = run.stats
        for year in stats.get("calendar_unknown_years", []):
            self.stderr.write(
                f"警告：尚未录入{year}年国务院办公厅节假日安排，落在该年的期限暂按周末计算；"
                f"请用 fazhi holiday_notice load 录入后重新全量巡查。"
            )
        fallback = f"（{stats['fallback']}，按全量执行）" if stats.get("fallback") else ""
        moment = run.as_of.astimezone(SHANGHAI)
        seconds = (run.finished_at - run.started_at).total_seconds() if run.finished_at else 0.0
        self.stderr.write(
            f"{run.get_mode_display()}巡查完成{fallback}：时点 {moment:%Y-%m-%d %H:%M}，"
            f"有效发现 {stats['found']} 条（新增 {stats['created']}，变化 {stats['updated']}，"
            f"消除 {stats['closed']}），用时 {seconds:.2f} 秒"
        )
