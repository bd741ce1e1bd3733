"""``fazhi tick``: the scheduled work, in order, under one lease.

Each step is a plain function ``(now, actor) -> dict`` living in its app's ``services.py`` and
named here, so the order is written down in one place. Every step must be safe to repeat (it
claims its own work with conditional updates); the lease only keeps two ticks started by cron at
the same minute from doing the same work twice.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fazhi.core.models import Lease

TICK_LEASE = "tick"
# A tick that has not finished after this long is presumed dead and its lease taken over.
LEASE_SECONDS = 30 * 60

# (name, dotted path of the step function), run in this order.
TICK_STEPS: list[tuple[str, str]] = [
    ("patrol", "fazhi.patrol.services.tick_patrol"),
    ("rectification", "fazhi.rectification.services.tick.tick_rectification"),
    ("daily", "fazhi.dailycheck.services.tick_daily"),
    ("disputes", "fazhi.disputes.services.tick_disputes"),
    ("notifications", "fazhi.notifications.services.tick_deliver"),
]

StepFn = Callable[[datetime, str], dict[str, Any]]


def step_function(path: str) -> StepFn | None:
    module, _, name = path.rpartition(".")
    fn = getattr(import_module(module), name, None)
    return fn if callable(fn) else None


def claim(name: str, holder: str, now: datetime, seconds: int = LEASE_SECONDS) -> bool:
    """Take the lease ``name`` if it is free or expired (one conditional UPDATE)."""
    Lease.objects.get_or_create(name=name)
    with transaction.atomic():
        taken = Lease.objects.filter(
            Q(name=name) & (Q(expires_at__isnull=True) | Q(expires_at__lt=now))
        ).update(holder=holder, expires_at=now + timedelta(seconds=seconds), last_started_at=now)
    return taken == 1


def release(name: str, holder: str, result: dict[str, Any]) -> None:
    Lease.objects.filter(name=name, holder=holder).update(
        expires_at=None, last_finished_at=timezone.now(), last_result=result
    )


def run_tick(
    *, actor: str = "tick", now: datetime | None = None, only: list[str] | None = None
) -> dict[str, Any] | None:
    """Run every step once; ``None`` when another tick holds the lease."""
    now = now or timezone.now()
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    if not claim(TICK_LEASE, holder, timezone.now()):
        return None
    result: dict[str, Any] = {"now": now.isoformat(), "steps": {}}
    try:
        for name, path in TICK_STEPS:
            if only and name not in only:
                continue
            fn = step_function(path)
            if fn is None:
                continue
            clock = time.perf_counter()
            outcome = fn(now, actor)
            outcome["seconds"] = round(time.perf_counter() - clock, 3)
            result["steps"][name] = outcome
    finally:
        release(TICK_LEASE, holder, result)
    return result
