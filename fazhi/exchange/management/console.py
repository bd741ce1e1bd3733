"""Terminal helpers shared by the exchange commands."""

from __future__ import annotations

import time

from django.core.management.base import OutputWrapper


class ProgressBar:
    """A one-line progress display on a terminal, redrawn at most a few times a second."""

    WIDTH = 30
    INTERVAL = 0.2  # seconds between redraws

    def __init__(self, out: OutputWrapper, total: int | None) -> None:
        self.out = out
        self.total = total or None
        self.started = time.monotonic()
        self.drawn = 0.0
        self.last = -1

    def update(self, done: int) -> None:
        """Show ``done`` records read; the importer repeats the count when reading is over."""
        now = time.monotonic()
        finished_reading = done == self.last
        self.last = done
        if not finished_reading and now - self.drawn < self.INTERVAL:
            return
        self.drawn = now
        rate = done / max(now - self.started, 1e-6)
        counts = f"{done:,} 条 · {rate:,.0f} 条/秒"
        if finished_reading:
            line = f"已读取 {counts}，正在校验引用并写入…"
        elif self.total:
            share = min(done / self.total, 1.0)
            filled = int(share * self.WIDTH)
            bar = "█" * filled + "░" * (self.WIDTH - filled)
            line = f"导入 {bar} {share:4.0%}  {counts}"
        else:
            line = f"导入中，已读取 {counts}"
        self.out.write(f"\r\x1b[K{line}", ending="")
        self.out.flush()

    def close(self) -> None:
        self.out.write("\r\x1b[K", ending="")
        self.out.flush()
