"""/healthz: 200 when the database, the schema, the broker and the tick are fine, 503 naming
what is not; no sign-in, and nothing personal in the answer."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client, override_settings
from django.utils import timezone

from fazhi.core import tick as core_tick
from fazhi.core.models import Lease
from fazhi.core.registry import TickStep
from fazhi.core.tick import TICK_LEASE, run_tick
from fazhi.ops import health

pytestmark = pytest.mark.django_db


def get_health() -> tuple[int, dict[str, Any]]:
    response = Client().get("/healthz")
    return response.status_code, response.json()


def test_a_platform_whose_tick_ran_is_healthy_for_an_anonymous_probe(bureau: Any) -> None:
    # given a bureau whose scheduled work has just run
    assert run_tick(only=["patrol"]) is not None
    # when a probe that is not signed in asks
    status, body = get_health()
    # then every check is fine, and nothing in the answer names a person, a login or a host
    assert status == 200
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["migrations"] == {"ok": True, "pending": 0}
    assert body["checks"]["broker"] == {"ok": True, "configured": False}
    assert body["checks"]["tick"]["ok"] is True
    assert body["checks"]["tick"]["age_seconds"] < 60
    text = str(body)
    for private in ("zhang", "张伟", "system", "holder", Lease.objects.get().holder.split(":")[0]):
        assert private not in text


def test_a_platform_whose_tick_never_ran_is_unhealthy() -> None:
    # given a new installation: migrated, no tick yet
    # when the probe asks, then it answers 503 and says the tick never ran
    status, body = get_health()
    assert status == 503
    assert body["status"] == "fail"
    assert body["checks"]["tick"]["ok"] is False
    assert "从未运行" in body["checks"]["tick"]["detail"]
    assert body["checks"]["database"]["ok"] is True


def test_a_tick_that_stopped_running_makes_it_unhealthy_after_the_limit(bureau: Any) -> None:
    # given a tick that finished 31 minutes ago (the limit is 30)
    run_tick(only=["patrol"])
    Lease.objects.filter(name=TICK_LEASE).update(
        last_finished_at=timezone.now() - timedelta(minutes=31)
    )
    status, body = get_health()
    assert status == 503
    assert "超过 30 分钟未运行" in body["checks"]["tick"]["detail"]
    # when the limit is an hour, then the same tick is recent enough
    with override_settings(HEALTH_TICK_MINUTES=60):
        assert get_health()[0] == 200


def test_a_tick_running_now_is_healthy_even_when_the_last_finished_long_ago(bureau: Any) -> None:
    # given a lease held with a fresh heartbeat, the previous tick finished two hours ago
    now = timezone.now()
    Lease.objects.create(
        name=TICK_LEASE, holder="h:1:x", expires_at=now + timedelta(minutes=3),
        heartbeat_at=now, last_started_at=now - timedelta(minutes=10),
        last_finished_at=now - timedelta(hours=2),
    )  # fmt: skip
    status, body = get_health()
    assert status == 200
    assert body["checks"]["tick"]["running"] is True
    # when its heartbeat stops past the lease's end, then the tick is reported dead
    Lease.objects.update(expires_at=now - timedelta(seconds=1))
    status, body = get_health()
    assert status == 503
    assert "心跳已停止" in body["checks"]["tick"]["detail"]


def test_a_failed_step_is_recorded_on_the_lease_and_fails_the_health(
    bureau: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a tick whose one step raises
    def broken(now: Any, actor: Any) -> dict[str, Any]:
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(core_tick, "tick_steps", lambda: [TickStep("reports", 60, broken)])
    # when it runs
    with pytest.raises(RuntimeError):
        run_tick()
    # then the lease says which step failed and how, and the health check fails on it
    failed = Lease.objects.get(name=TICK_LEASE).last_result["failed"]
    assert failed == {"step": "reports", "error": "RuntimeError: 磁盘已满"}
    status, body = get_health()
    assert status == 503
    assert body["checks"]["tick"]["failed_step"] == "reports"
    assert "步骤 reports 失败" in body["checks"]["tick"]["detail"]


def test_a_pending_migration_fails_the_health(bureau: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # given a tick that ran, and a schema one migration behind the code
    run_tick(only=["patrol"])
    monkeypatch.setattr(health, "_schema_current", False)
    (app, last), *_ = MigrationLoader(connection).graph.leaf_nodes("core")
    MigrationRecorder.Migration.objects.filter(app=app, name=last).delete()
    # when the probe asks, then it names the migrations to run
    status, body = get_health()
    assert status == 503
    assert body["checks"]["migrations"]["pending"] == 1
    assert "fazhi migrate" in body["checks"]["migrations"]["detail"]


def test_the_broker_is_checked_only_when_the_fan_out_uses_it(bureau: Any) -> None:
    run_tick(only=["patrol"])
    # given the fan-out on, with Redis where it runs (127.0.0.1:6379): healthy
    with override_settings(FANOUT=True, FANOUT_BROKER_URL="redis://127.0.0.1:6379/15"):
        status, body = get_health()
        assert status == 200, body
        assert body["checks"]["broker"] == {"ok": True, "configured": True}
    # given the fan-out on, with nothing listening at the broker's address: unhealthy
    with override_settings(FANOUT=True, FANOUT_BROKER_URL="redis://127.0.0.1:1/0"):
        status, body = get_health()
        assert status == 503
        assert "消息代理不可达" in body["checks"]["broker"]["detail"]
    # given the fan-out off, the same unreachable address is not checked
    with override_settings(FANOUT=False, FANOUT_BROKER_URL="redis://127.0.0.1:1/0"):
        assert get_health()[0] == 200
