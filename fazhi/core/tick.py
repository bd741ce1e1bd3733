"""``fazhi tick``: the scheduled work, in order, under one lease.

Each step is a plain function ``(now, actor) -> dict`` living in its app's ``services.py``; the
app declares it as a ``TickStep`` with its place in the order on its own ``AppConfig``
(``fazhi.core.registry``), and ``fazhi tick --help`` lists them all. Every step must be safe to
repeat (it claims its own work with conditional updates); the lease only keeps two ticks started
by cron at the same minute from doing the same work twice.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fazhi.core.models import Lease
from fazhi.core.registry import tick_steps
from fazhi.core.services import system_user

TICK_LEASE = "tick"
# A tick that has not finished after this long is presumed dead and its lease taken over.
LEASE_SECONDS = 30 * 60


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
    *, actor: User | None = None, now: datetime | None = None, only: list[str] | None = None
) -> dict[str, Any] | None:
    """Run every step once, as ``actor`` (the system account unless a person started it);
    ``None`` when another tick holds the lease."""
    now = now or timezone.now()
    actor = actor or system_user()
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    if not claim(TICK_LEASE, holder, timezone.now()):
        return None
    result: dict[str, Any] = {"now": now.isoformat(), "steps": {}}
    try:
        for step in tick_steps():
            if only and step.name not in only:
                continue
            clock = time.perf_counter()
            outcome = step.run(now, actor)
            outcome["seconds"] = round(time.perf_counter() - clock, 3)
            result["steps"][step.name] = outcome
    finally:
        release(TICK_LEASE, holder, result)
    return result
