"""``fazhi tick [--as-of T] [--only STEP…]``: the scheduled work (cron: every few minutes).

Exit status: 0 when the steps ran, or when another tick is running right now (its heartbeat is
fresh: this one is simply not needed); 1 when this tick lost its lease to another while it ran,
or could not take a lease that nobody is renewing. A tick that took over the lease of a dead one
runs normally and says so on stderr.
"""

from __future__ import annotations

import json
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from fazhi.core.models import Lease
from fazhi.core.registry import tick_steps
from fazhi.core.tick import TICK_LEASE, LeaseLost, describe, run_tick


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
        try:
            with _terminate_like_interrupt():
                result = run_tick(now=now, only=options["only"])
        except LeaseLost as lost:
            self.stderr.write(
                f"本次 tick（{lost.holder}）运行期间心跳中断，租约已被另一个 tick 接管"
                f"（现为{describe(lost.current)}）：两者可能重复执行了同一步骤（各步骤可重复执行），"
                "请检查本机是否曾停顿或数据库是否曾不可达。"
            )
            if lost.__context__ is not None:
                self.stderr.write(f"本次运行中还出现错误：{lost.__context__!r}")
            raise SystemExit(1) from None
        if result is None:
            self._skipped()
            return
        if "took_over" in result:
            dead = result["took_over"]
            self.stderr.write(
                f"上一个 tick（持有者 {dead['holder']}，开始于 {dead['started_at']}，"
                f"最近心跳 {dead['heartbeat_at']}）已中断，本次已接管租约并照常运行。"
            )
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=1))

    def _skipped(self) -> None:
        lease = Lease.objects.filter(name=TICK_LEASE).first()
        if (
            lease is not None
            and lease.expires_at is not None
            and lease.expires_at >= timezone.now()
        ):
            self.stdout.write(f"另一个 tick 正在运行（{describe(lease)}），本次跳过。")
            return
        # refused, yet nobody renews the lease: a clock far off between the servers, say
        self.stderr.write(f"未能取得定时任务租约（{describe(lease)}），本次未运行。")
        raise SystemExit(1)


@contextmanager
def _terminate_like_interrupt() -> Iterator[None]:
    """``kill`` (SIGTERM) unwinds like Ctrl-C, so the lease is given back at once instead of
    holding up the next ticks until its heartbeat goes stale (only ``kill -9`` leaves that)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
