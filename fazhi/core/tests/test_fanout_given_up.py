"""What the fan-out (``fazhi.core.fanout``) does about time: a part whose worker vanished comes back
well within the caller's wait, and a part that comes after the caller gave the job up is not done
(it would write a past moment's work over a later run's). The workers themselves, killed for
real, are in ``test_fanout_worker_killed``."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from fazhi.core import fanout
from fazhi.core.models import FanoutJob, FanoutPart

KIND = "test-kind"


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A kind of part that only notes that it ran; its tasks are sent nowhere (a queue no worker
    reads yet)."""
    seen: list[str] = []

    def part(params: dict[str, Any], key: str) -> dict[str, Any]:
        seen.append(key)
        return {"key": key}

    monkeypatch.setattr(fanout, "fanout_parts", lambda: {KIND: part})
    monkeypatch.setattr(fanout.part_task, "apply_async", lambda *args, **kwargs: None)
    return seen


def test_a_part_delivered_after_the_caller_gave_up_is_not_done(calls: list[str], db: Any) -> None:
    # given a job whose parts no worker took before the caller's wait ran out
    with pytest.raises(fanout.FanoutFailed, match="等待后台进程超时"):
        fanout.fan_out(KIND, {}, ["a", "b"], timeout=0.3)
    job = FanoutJob.objects.get(kind=KIND)
    # then the job is marked given up, not finished
    assert job.given_up_at is not None
    assert job.finished_at is None
    # and when a worker gets one of its tasks afterwards (redelivered, or late in the queue),
    # the part is not done, not counted as an attempt, and not marked finished
    assert fanout.run_part(job.pk, "a") is None
    fanout.part_task.apply((job.pk, "b"))
    assert calls == []
    parts = FanoutPart.objects.order_by("key").values_list("key", "attempts", "finished_at")
    assert list(parts) == [("a", 0, None), ("b", 0, None)]


def test_a_part_of_a_live_job_is_done_once(calls: list[str], db: Any) -> None:
    # given a job still waited for, with one part finished
    job = FanoutJob.objects.create(kind=KIND)
    FanoutPart.objects.create(job=job, key="a")
    assert fanout.run_part(job.pk, "a") == {"key": "a"}
    # when the part is delivered again, then it is not done again
    assert fanout.run_part(job.pk, "a") == {"key": "a"}
    assert calls == ["a"]
    assert FanoutPart.objects.get(job=job, key="a").attempts == 1


def test_a_vanished_workers_part_comes_back_well_within_the_callers_wait() -> None:
    # given the settings as shipped, then Redis hands out a task whose worker vanished after an
    # hour, looking for such tasks every minute, and the caller waits six hours
    options = fanout.transport_options()
    assert options["visibility_timeout"] == 3600
    assert options["unacked_restore_interval"] == 60
    assert options["unacked_restore_throttle"] == 1
    assert options["visibility_timeout"] + 60 < fanout.settings.FANOUT_TIMEOUT
    # and a short visibility timeout is looked for at least every tenth of it (or every second)
    with override_settings(FANOUT_REDELIVER=30, FANOUT_BROKER_PREFIX="x:"):
        options = fanout.transport_options()
    assert options["visibility_timeout"] == 30
    assert options["unacked_restore_interval"] == 3
    assert options["global_keyprefix"] == "x:"


def test_a_redelivery_no_shorter_than_the_wait_is_warned_about() -> None:
    # given settings where the caller gives up before a vanished worker's part comes back
    with override_settings(FANOUT_REDELIVER=7200, FANOUT_TIMEOUT=3600):
        ids = {m.id for m in run_checks()}
    # then the system check warns; as shipped it does not
    assert "fazhi.W002" in ids
    assert "fazhi.W002" not in {m.id for m in run_checks()}
