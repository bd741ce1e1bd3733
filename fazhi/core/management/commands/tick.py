"""``fazhi tick [--as-of T] [--only STEP…]``: the scheduled work (cron: every few minutes)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.dateparse import parse_datetime

from fazhi.core.registry import tick_steps
from fazhi.core.tick import run_tick


class Command(BaseCommand):
    help = "定时任务：增量巡查、逐级督办、每日十问、纠纷回访、通知推送（可由 cron 重复调用）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="以该时点运行（ISO 8601，默认当前时间）")
        parser.add_argument(
            "--only",
            nargs="+",
            choices=[step.name for step in tick_steps()],
            help="只运行这些步骤："
            + "；".join(f"{step.name}（{step.label}）" for step in tick_steps()),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = None
        if options["as_of"]:
            now = parse_datetime(options["as_of"])
            if now is None or now.tzinfo is None:
                self.stderr.write("--as-of 须为带时区的 ISO 8601 时间，如 2026-11-01T08:00+08:00")
                raise SystemExit(2)
        result = run_tick(now=now, only=options["only"])
        if result is None:
            self.stdout.write("另一个 tick 正在运行，本次跳过。")
            return
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=1))
