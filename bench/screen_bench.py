"""Benchmark of the 执法智慧大屏's data: the board of a bureau-wide user and of the busiest
派出所, computed cold (cache cleared before each run: what the first screen pays every
``FAZHI_SCREEN_CACHE_SECONDS``) and served warm (the board endpoint through the Django test
client with the numbers cached: what every other screen and poll pays).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/city uv run python bench/screen_bench.py \
        [--runs 20] [--as-of 2026-10-31T23:00:00+08:00]

The database must hold imported, patrolled data (bench/patrol_bench.py or ``fazhi import`` +
``fazhi patrol``). Prints one JSON object: p50/p95/max milliseconds and SQL queries per board.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _summary(ms: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(_percentile(ms, 0.95), 1),
        "max_ms": round(max(ms), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--as-of", help="the moment the board is drawn for (default: now)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    os.environ.setdefault("FAZHI_SECRET_KEY", "bench-only-secret-key-not-for-production-use")
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from fazhi.accounts.models import Role
    from fazhi.accounts.services import provision_user, system_user
    from fazhi.core.scope import scope_of
    from fazhi.records import models as m
    from fazhi.screen.board import board

    settings.ALLOWED_HOSTS = ["*"]
    now = datetime.fromisoformat(args.as_of) if args.as_of else timezone.now()
    busiest = m.Unit.objects.annotate(n=Count("cases")).filter(n__gt=0).order_by("-n", "pk")
    unit = busiest.first()
    if unit is None:
        raise SystemExit("数据库里没有案件：请先导入并巡查数据")
    root = m.Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    actor = system_user()
    users = {
        "bureau": provision_user(actor=actor, username="bench-screen-bureau",
                                 password="Bench-2026!x", role=Role.BUREAU_LEADER, unit=root),
        "unit": provision_user(actor=actor, username="bench-screen-unit",
                               password="Bench-2026!x", role=Role.CHIEF, unit=unit),
    }  # fmt: skip
    report: dict[str, Any] = {
        "database": connection.vendor,
        "cases": m.Case.objects.count(),
        "units": m.Unit.objects.count(),
        "as_of": now.isoformat(),
        "runs": args.runs,
    }
    for name, user in users.items():
        scope = scope_of(user)
        cold: list[float] = []
        queries = 0
        for _ in range(args.runs):
            cache.clear()
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                board(scope, now)
                cold.append((time.perf_counter() - started) * 1000)
            queries = len(ctx.captured_queries)
        client = Client()
        client.force_login(user)
        client.get("/screen/board/")  # fills the cache
        warm: list[float] = []
        for _ in range(args.runs):
            started = time.perf_counter()
            response = client.get("/screen/board/")
            warm.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        report[name] = {
            "scope": "全局" if scope.unit_ids is None else unit.name,
            "cold": _summary(cold),
            "queries": queries,
            "warm_endpoint": _summary(warm),
        }
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
