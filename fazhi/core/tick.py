"""``fazhi tick``: the scheduled work, in order, under one lease.

Each step is a plain function ``(now, actor) -> dict`` living in its app's ``services.py``; the
app declares it as a ``TickStep`` with its place in the order on its own ``AppConfig``
(``fazhi.core.registry``), and ``fazhi tick --help`` lists them all. Every step must be safe to
repeat (it claims its own work with conditional updates); the lease only keeps two ticks started
by cron at the same minute from doing the same work twice.

The lease has a heartbeat: while a tick runs, a thread beside the steps renews it every
``HEARTBEAT_SECONDS`` (also in the middle of a step that takes many minutes). A tick that was
killed stops beating, and ``LEASE_SECONDS`` after its last beat the next tick takes the lease
over (and says so) instead of skipping scheduled work for half an hour.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from fazhi.core.models import Lease
from fazhi.core.registry import tick_steps
from fazhi.core.services import system_user

TICK_LEASE = "tick"
# A lease whose holder has not beaten for this long belongs to a dead tick and is taken over.
LEASE_SECONDS = 3 * 60
HEARTBEAT_SECONDS = 30

log = logging.getLogger(__name__)


class LeaseLost(RuntimeError):
    """The lease was taken over while its holder still ran (its heartbeat had stopped for
    ``LEASE_SECONDS``: the process hung, or the database was out of reach)."""

    def __init__(self, name: str, holder: str, current: Lease | None) -> None:
        self.name, self.holder, self.current = name, holder, current
        super().__init__(f"lease {name!r} of {holder} was taken over")


def describe(lease: Lease | None) -> str:
    """``持有者 …，自 … 起，最近心跳 …``: who holds a lease, for messages to the operator."""
    if lease is None or not lease.holder:
        return "无人持有"

    def at(moment: datetime | None) -> str:
        return f"{timezone.localtime(moment):%Y-%m-%d %H:%M:%S}" if moment else "无"

    return (
        f"持有者 {lease.holder}，自 {at(lease.last_started_at)} 起，"
        f"最近心跳 {at(lease.heartbeat_at)}，到期 {at(lease.expires_at)}"
    )


def claim(
    name: str, holder: str, now: datetime, seconds: int = LEASE_SECONDS
) -> dict[str, Any] | None:
    """Take the lease ``name`` if nobody holds it or its holder's heartbeat is ``seconds`` old,
    and keep it beating until ``release``. ``None`` when a live holder has it; otherwise ``{}``,
    or ``{"took_over": …}`` naming the dead holder whose lease this was."""
    Lease.objects.get_or_create(name=name)
    with transaction.atomic():
        lease = Lease.objects.select_for_update().get(name=name)
        if lease.expires_at is not None and lease.expires_at >= now:
            return None
        claimed: dict[str, Any] = {}
        if lease.expires_at is not None:  # held, never released, heartbeat stopped: it died
            claimed["took_over"] = {
                "holder": lease.holder,
                "started_at": _iso(lease.last_started_at),
                "heartbeat_at": _iso(lease.heartbeat_at),
            }
            log.warning("tick lease %r taken over from %s", name, describe(lease))
        Lease.objects.filter(name=name).update(
            holder=holder, expires_at=now + timedelta(seconds=seconds), heartbeat_at=now,
            last_started_at=now,
        )  # fmt: skip
    if not transaction.get_connection().in_atomic_block:
        # Inside the caller's transaction (a test) nobody else can see this lease before it
        # commits, and a second connection renewing it would wait on our own row lock.
        _beats[name, holder] = _Heartbeat(name, holder, seconds)
        _beats[name, holder].start()
    return claimed


def heartbeat(name: str, holder: str, seconds: int = LEASE_SECONDS) -> bool:
    """Renew the lease ``name`` for ``holder``; ``False`` when it is no longer his."""
    now = timezone.now()
    renewed = Lease.objects.filter(name=name, holder=holder, expires_at__isnull=False).update(
        heartbeat_at=now, expires_at=now + timedelta(seconds=seconds)
    )
    return renewed == 1


def release(name: str, holder: str, result: dict[str, Any]) -> None:
    """Stop the heartbeat and give the lease back with the run's result. Raises ``LeaseLost``
    when another tick took it over meanwhile (both may then have run the same steps: they are
    safe to repeat, but the operator has to look at why this tick stopped beating)."""
    beat = _beats.pop((name, holder), None)
    if beat is not None:
        beat.stop()
    released = Lease.objects.filter(name=name, holder=holder, expires_at__isnull=False).update(
        expires_at=None, last_finished_at=timezone.now(), last_result=result
    )
    if released != 1:
        raise LeaseLost(name, holder, Lease.objects.filter(name=name).first())


class _Heartbeat(threading.Thread):
    """Renews a lease every ``HEARTBEAT_SECONDS`` on its own database connection until stopped
    or until the lease turns out to be someone else's."""

    def __init__(self, name: str, holder: str, seconds: int) -> None:
        super().__init__(name=f"fazhi-lease-{name}", daemon=True)
        self.lease, self.holder, self.seconds = name, holder, seconds
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(HEARTBEAT_SECONDS):
                try:
                    if not heartbeat(self.lease, self.holder, self.seconds):
                        log.error("tick lease %r of %s was taken over", self.lease, self.holder)
                        return
                except DatabaseError as exc:  # one missed beat; the lease outlasts several
                    log.warning("tick lease %r: heartbeat failed: %s", self.lease, exc)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=60)


_beats: dict[tuple[str, str], _Heartbeat] = {}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def run_tick(
    *, actor: User | None = None, now: datetime | None = None, only: list[str] | None = None
) -> dict[str, Any] | None:
    """Run every step once, as ``actor`` (the system account unless a person started it);
    ``None`` when another (live) tick holds the lease. Raises ``LeaseLost`` when the lease was
    taken over while this tick ran."""
    now = now or timezone.now()
    actor = actor or system_user()
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    claimed = claim(TICK_LEASE, holder, timezone.now())
    if claimed is None:
        return None
    result: dict[str, Any] = {"now": now.isoformat(), "steps": {}, **claimed}
    running = ""
    try:
        for step in tick_steps():
            if only and step.name not in only:
                continue
            running = step.name
            clock = time.perf_counter()
            outcome = step.run(now, actor)
            outcome["seconds"] = round(time.perf_counter() - clock, 3)
            result["steps"][step.name] = outcome
    except BaseException as exc:
        # kept on the lease for /healthz and /metrics (fazhi.ops): the step that failed, and how
        result["failed"] = {"step": running, "error": f"{type(exc).__name__}: {exc}"[:500]}
        raise
    finally:
        release(TICK_LEASE, holder, result)
    return result
