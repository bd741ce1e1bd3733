"""``fazhi tick``'s lease: a heartbeat keeps it while a tick runs; a killed tick's lease is taken
over minutes later instead of blocking scheduled work; a skipped tick says who runs; a tick that
lost its lease exits non-zero."""

from __future__ import annotations

import time
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from fazhi.core import tick
from fazhi.core.models import Lease
from fazhi.core.tick import TICK_LEASE, LeaseLost, claim, release

pytestmark = pytest.mark.django_db

DEAD = "gone-host:4242:deadbeef"
LIVE = "busy-host:5151:cafebabe"


def run_command(*args: str) -> tuple[int, str, str]:
    """``fazhi tick ARGS``: (exit status, stdout, stderr)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("tick", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_a_killed_ticks_lease_is_taken_over_minutes_later() -> None:
    # given a tick that took the lease five minutes ago and was killed (never released it)
    assert claim(TICK_LEASE, DEAD, timezone.now() - timedelta(minutes=5)) == {}
    # when cron starts the next tick
    status, out, err = run_command("--only", "notifications")
    # then it takes the lease over, runs, and says whose lease it was
    assert status == 0
    assert '"notifications"' in out
    assert "已中断" in err
    assert DEAD in err
    lease = Lease.objects.get(name=TICK_LEASE)
    assert lease.expires_at is None  # given back after the run
    assert lease.last_result["took_over"]["holder"] == DEAD


def test_a_running_tick_makes_the_next_one_skip_saying_who_and_since_when() -> None:
    # given a tick that is running (its heartbeat a minute old)
    claim(TICK_LEASE, LIVE, timezone.now() - timedelta(minutes=1))
    # when another one starts
    status, out, _ = run_command("--only", "notifications")
    # then it skips with exit 0, naming the holder, its start and its last heartbeat
    assert status == 0
    assert "另一个 tick 正在运行" in out
    assert LIVE in out
    assert "最近心跳" in out
    assert Lease.objects.get(name=TICK_LEASE).holder == LIVE


def test_releasing_a_lease_that_was_taken_over_raises() -> None:
    # given tick A whose heartbeat stopped, and tick B that took its lease over
    start = timezone.now() - timedelta(minutes=10)
    claim(TICK_LEASE, "A", start)
    took = claim(TICK_LEASE, "B", timezone.now())
    assert took is not None
    assert took["took_over"]["holder"] == "A"
    # when A finishes after all
    with pytest.raises(LeaseLost) as lost:
        release(TICK_LEASE, "A", {"steps": {}})
    # then it learns who has the lease now, and B's lease is untouched
    assert lost.value.current is not None
    assert lost.value.current.holder == "B"
    release(TICK_LEASE, "B", {"steps": {}})
    assert Lease.objects.get(name=TICK_LEASE).expires_at is None


def test_a_tick_that_lost_its_lease_exits_non_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    # given a tick that stalls after its steps long enough for another tick to take over
    real_release = tick.release

    def stalled_then_release(name: str, holder: str, result: dict[str, Any]) -> None:
        Lease.objects.filter(name=name).update(expires_at=timezone.now() - timedelta(seconds=1))
        claim(name, LIVE, timezone.now())
        real_release(name, holder, result)

    monkeypatch.setattr(tick, "release", stalled_then_release)
    # when it ends
    status, _, err = run_command("--only", "notifications")
    # then it exits 1 and says that its lease was taken over, and by whom
    assert status == 1
    assert "租约已被另一个 tick 接管" in err
    assert LIVE in err


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_renews_the_lease_while_the_tick_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tick, "HEARTBEAT_SECONDS", 0.05)
    # given a lease claimed outside any transaction (as the command does)
    start = timezone.now() - timedelta(minutes=2)
    claim(TICK_LEASE, LIVE, start)
    first = Lease.objects.get(name=TICK_LEASE)
    # then the heartbeat moves it on while the holder works
    deadline = time.monotonic() + 10
    while Lease.objects.get(name=TICK_LEASE).heartbeat_at == first.heartbeat_at:
        assert time.monotonic() < deadline, "no heartbeat"
        time.sleep(0.05)
    renewed = Lease.objects.get(name=TICK_LEASE)
    assert renewed.heartbeat_at is not None
    assert renewed.heartbeat_at > start
    assert renewed.expires_at is not None
    assert renewed.expires_at > timezone.now()  # a two-minute-old claim is alive
    # and releasing stops it
    beat = tick._beats[TICK_LEASE, LIVE]
    release(TICK_LEASE, LIVE, {})
    assert not beat.is_alive()
    assert Lease.objects.get(name=TICK_LEASE).expires_at is None


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_stops_when_the_lease_was_taken_over(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tick, "HEARTBEAT_SECONDS", 0.05)
    claim(TICK_LEASE, "A", timezone.now())
    beat = tick._beats[TICK_LEASE, "A"]
    # when another tick has the lease (A's beats had stopped reaching the database)
    Lease.objects.filter(name=TICK_LEASE).update(holder="B")
    # then A's heartbeat gives up instead of renewing B's lease
    beat.join(timeout=10)
    assert not beat.is_alive()
    with pytest.raises(LeaseLost):
        release(TICK_LEASE, "A", {})
