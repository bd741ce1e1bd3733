"""fazhi scheduler, the deployment's scheduler: fazhi tick on its interval, as its own process."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from fazhi.core.models import Lease
from fazhi.core.tick import TICK_LEASE
from fazhi.patrol.models import PatrolRun


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_starts_the_tick_as_its_own_process(
    bureau: Any, subprocess_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a bureau that was never patrolled, and the environment the tick's process inherits
    assert not PatrolRun.objects.exists()
    for name, value in subprocess_env.items():
        monkeypatch.setenv(name, value)
    # when the scheduler runs once (one tick: each costs a process start, seconds)
    out = StringIO()
    call_command("scheduler", "--every", "0", "--count", "1", stdout=out)
    # then the tick ran to its end in that process: a patrol run, the lease given back, the
    # exit status reported
    assert "第 1 次结束，退出码 0" in out.getvalue()
    assert PatrolRun.objects.count() == 1
    lease = Lease.objects.get(name=TICK_LEASE)
    assert lease.expires_at is None
    assert lease.last_finished_at is not None
    assert "failed" not in lease.last_result
