"""``fazhi scheduler [--every SECONDS] [--count N]``: start ``fazhi tick`` on its interval, for
ever — the scheduler of the compose file and of the systemd units (deploy/), where cron is not
at hand.

Each tick runs as its own process (``fazhi tick``, exactly what cron would start), so that a
tick's memory is given back when it ends and its exit status is reported; the next one starts
``--every`` seconds after the previous one started, or at once when it took longer. Ticks
therefore never overlap from one scheduler, and the tick's lease keeps two schedulers (or a
scheduler and cron) from running the same work at once. SIGTERM (``docker stop``, ``systemctl
stop``) is passed on to the running tick, which gives its lease back, and then the scheduler
ends.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone


class Command(BaseCommand):
    help = (
        "按间隔反复运行定时任务 fazhi tick（部署中代替 cron）；收到 SIGTERM 时结束当前任务后退出。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=None,
            help="两次 tick 开始之间的秒数（默认 FAZHI_TICK_SECONDS，300）",
        )
        parser.add_argument("--count", type=int, default=0, help="运行 N 次后退出（默认不停）")

    def handle(self, *args: Any, **options: Any) -> None:
        every = settings.TICK_INTERVAL_SECONDS if options["every"] is None else options["every"]
        if every < 0 or options["count"] < 0:
            raise CommandError("--every 和 --count 须为非负整数")
        stop = threading.Event()
        child: subprocess.Popen[bytes] | None = None

        def on_signal(signum: int, frame: FrameType | None) -> None:
            stop.set()
            if child is not None and child.poll() is None:
                child.send_signal(signal.SIGTERM)  # the tick unwinds and gives its lease back

        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        runs = 0
        try:
            while not stop.is_set():
                started = time.monotonic()
                child = subprocess.Popen([sys.executable, "-m", "fazhi.cli", "tick"])
                status = child.wait()
                child = None
                runs += 1
                took = time.monotonic() - started
                moment = f"{timezone.localtime():%Y-%m-%d %H:%M:%S}"
                line = f"{moment} fazhi tick 第 {runs} 次结束，退出码 {status}，用时 {took:.1f} 秒"
                (self.stdout if status == 0 else self.stderr).write(line)
                if options["count"] and runs >= options["count"]:
                    break
                stop.wait(max(0.0, every - took))
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
