"""试运行 benchmark: what-if of single rules over a generated county or city (its whole window,
about a year), and the 大屏's board on the same data.

    uv run python bench/whatif_bench.py --bundle county.jsonl.gz \
        [--database-url postgres://postgres@127.0.0.1:5432/whatif_bench] [--existing]

Imports the bundle into a fresh database (a temporary SQLite file unless --database-url names a
PostgreSQL database, which is dropped and created; --existing reuses that database as it is),
runs a full patrol at the bundle's as_of, then times ``what_if`` for one rule of each kind with a
proposed setting (each evaluates the rule twice over the whole store), and the 大屏's board for
the whole bureau, cold (computed) and warm (cached). Prints one JSON object of figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from _common import fresh_database, truth_header  # noqa: E402

# one rule of each kind, with a setting a bureau might try
PROPOSALS: list[tuple[str, dict[str, Any]]] = [
    ("XS-JL-04", {"limit": "2日"}),  # deadline, custody
    ("GF-CW-01", {"limit": "12小时"}),  # deadline
    ("GF-XW-04", {"chars_per_minute": 200}),  # condition
    ("ZN-JF-01", {"min_count": 2}),  # analysis
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bundle", required=True, type=Path)
    parser.add_argument("--database-url")
    parser.add_argument("--existing", action="store_true", help="reuse the imported database")
    parser.add_argument("--runs", type=int, default=10, help="board requests per measure")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="fazhi-bench-"))
    if args.existing and args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ["DATABASE_URL"] = fresh_database(args.database_url, workdir)
    os.environ["FAZHI_DATA_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    os.environ.setdefault("FAZHI_SECRET_KEY", "bench-only-secret-key-not-for-production-use")
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from fazhi.accounts.models import Role
    from fazhi.accounts.services import provision_user
    from fazhi.core.scope import scope_of
    from fazhi.core.services import system_user
    from fazhi.exchange.services import import_bundle
    from fazhi.patrol.services import run_patrol
    from fazhi.patrol.whatif import what_if
    from fazhi.records import models as m
    from fazhi.screen.board import board

    as_of = datetime.fromisoformat(truth_header(args.bundle)["as_of"])
    figures: dict[str, Any] = {"database": connection.vendor, "as_of": as_of.isoformat()}
    call_command("migrate", verbosity=0)
    actor = system_user()
    if not args.existing:
        t0 = time.perf_counter()
        report = import_bundle([args.bundle], actor=actor)
        assert report.ok, report.errors[:5]
        figures.update(records=report.total, import_seconds=round(time.perf_counter() - t0, 1))
        t0 = time.perf_counter()
        run = run_patrol(as_of=as_of, actor=actor)
        figures.update(
            full_patrol_seconds=round(time.perf_counter() - t0, 1), findings=run.stats["found"]
        )
    figures["whatif"] = {}
    for code, settings in PROPOSALS:
        t0 = time.perf_counter()
        _run, outcome = what_if(actor=actor, rule_code=code, settings=settings, as_of=as_of)
        figures["whatif"][code] = {
            "settings": settings,
            "seconds": round(time.perf_counter() - t0, 2),
            "baseline": outcome.baseline,
            "proposed": outcome.proposed,
            "added": len(outcome.added),
            "removed": len(outcome.removed),
            "changed": len(outcome.changed),
        }
    # the 大屏 for the whole bureau at the bundle's moment: cold, then through the endpoint warm
    root = m.Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    user = provision_user(actor=actor, username="bench-screen", password="Bench-2026!x",
                          role=Role.BUREAU_LEADER, unit=root)  # fmt: skip
    scope = scope_of(user)
    cold = []
    for _ in range(args.runs):
        cache.clear()
        t0 = time.perf_counter()
        board(scope, as_of)
        cold.append((time.perf_counter() - t0) * 1000)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    client.get("/screen/board/")
    warm = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        assert client.get("/screen/board/").status_code == 200
        warm.append((time.perf_counter() - t0) * 1000)

    def summary(ms: list[float]) -> dict[str, float]:
        ordered = sorted(ms)
        return {
            "p50_ms": round(statistics.median(ordered), 1),
            "p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 1),
        }

    figures["screen_board_cold"] = summary(cold)
    figures["screen_board_warm_endpoint"] = summary(warm)
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
