"""The platform's health, as ``/healthz`` answers it to a load balancer, a container's health
check or a monitoring probe: is the database reachable, is its schema this version's (no
migration pending), is the broker reachable when the fan-out uses one, and has the tick run
lately. Each check says ``ok`` and, when not, why in Chinese; the answer holds no personal data
(no user, no record, no host name), so it needs no sign-in.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from fazhi.core.models import Lease
from fazhi.core.tick import TICK_LEASE
from fazhi.ops import broker

Check = dict[str, Any]

# Migrations applied is a fact of the schema that only ``fazhi migrate`` changes, and never
# back: once a process has seen none pending it does not read the migration graph again.
_schema_current = False


def database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return {"ok": False, "detail": f"数据库不可达：{type(exc).__name__}"}
    return {"ok": True, "vendor": connection.vendor}


def migrations() -> Check:
    global _schema_current
    if _schema_current:
        return {"ok": True, "pending": 0}
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return {
            "ok": False,
            "pending": len(plan),
            "detail": f"有 {len(plan)} 个数据库迁移尚未执行：请运行 fazhi migrate",
        }
    _schema_current = True
    return {"ok": True, "pending": 0}


def broker_check() -> Check:
    url = broker.configured_url()
    if not url:
        return {"ok": True, "configured": False}
    try:
        broker.client(url).ping()
    except broker.BrokerError as exc:
        return {"ok": False, "configured": True, "detail": f"消息代理不可达：{type(exc).__name__}"}
    return {"ok": True, "configured": True}


def tick(now: datetime) -> Check:
    """Fine while a tick runs (its heartbeat is fresh) or when the last one finished, without a
    failure, within ``HEALTH_TICK_MINUTES``."""
    limit = timedelta(minutes=settings.HEALTH_TICK_MINUTES)
    lease = Lease.objects.filter(name=TICK_LEASE).first()
    check: Check = {"ok": False, "limit_seconds": int(limit.total_seconds()), "running": False}
    if lease is None:
        check["detail"] = "定时任务（fazhi tick）从未运行"
        return check
    check["running"] = lease.expires_at is not None and lease.expires_at >= now
    if lease.last_finished_at is not None:
        check["last_finished_at"] = timezone.localtime(lease.last_finished_at).isoformat()
        check["age_seconds"] = int((now - lease.last_finished_at).total_seconds())
    failed = (lease.last_result or {}).get("failed")
    if failed:
        check["failed_step"] = failed.get("step", "")
    if check["running"]:
        check["ok"] = True
    elif lease.expires_at is not None:
        check["detail"] = "定时任务中断：租约未释放且心跳已停止，下一次 tick 将接管"
    elif lease.last_finished_at is None:
        check["detail"] = "定时任务（fazhi tick）尚未完成过一次"
    elif failed:
        check["detail"] = f"最近一次定时任务在步骤 {failed.get('step') or '开始'} 失败"
    elif now - lease.last_finished_at > limit:
        check["detail"] = f"定时任务已超过 {settings.HEALTH_TICK_MINUTES} 分钟未运行"
    else:
        check["ok"] = True
    return check


def report(now: datetime | None = None) -> dict[str, Any]:
    """``{"status": "ok"|"fail", "checks": {...}}``; ``status`` is ``ok`` when every check is."""
    now = now or timezone.now()
    checks: dict[str, Check] = {"database": database()}
    if checks["database"]["ok"]:
        try:
            checks["migrations"] = migrations()
            checks["tick"] = tick(now)
        except DatabaseError as exc:
            checks["database"] = {"ok": False, "detail": f"数据库查询失败：{type(exc).__name__}"}
    checks["broker"] = broker_check()
    ok = all(check["ok"] for check in checks.values())
    return {"status": "ok" if ok else "fail", "checks": checks}
