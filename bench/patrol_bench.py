"""Patrol benchmark: full run, queries per rule, incremental run after N changed records.

    uv run python bench/patrol_bench.py --bundle county.jsonl.gz \
        [--database-url URL] [--changes 1000]

Imports the bundle into a fresh database (a temporary SQLite file unless --database-url names a
PostgreSQL database, which is dropped and created), then:
1. times a full patrol at the bundle's as_of (from its .truth.jsonl header);
2. counts the queries each rule issues (run alone), to show they do not grow with the data;
3. changes N records through a real FZX import (events moved by a few hours, so findings change),
   times an incremental patrol, and checks it leaves the same open findings as a full patrol.
Prints one JSON object of figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from _common import fresh_database, moved_events, truth_header  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bundle", required=True, type=Path)
    parser.add_argument("--database-url")
    parser.add_argument("--changes", type=int, default=1000)
    parser.add_argument("--skip-query-counts", action="store_true")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="fazhi-bench-"))
    os.environ["DATABASE_URL"] = fresh_database(args.database_url, workdir)
    os.environ["FAZHI_DATA_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fazhi.exchange.services import import_bundle
    from fazhi.patrol.models import Finding
    from fazhi.patrol.pack import load_pack
    from fazhi.patrol.services import run_patrol

    call_command("migrate", verbosity=0)
    as_of = datetime.fromisoformat(truth_header(args.bundle)["as_of"])
    t0 = time.perf_counter()
    report = import_bundle([args.bundle], actor="bench")
    import_seconds = time.perf_counter() - t0
    assert report.ok, report.errors[:5]
    figures: dict = {
        "database": connection.vendor,
        "records": report.total,
        "import_seconds": round(import_seconds, 2),
    }

    t0 = time.perf_counter()
    run = run_patrol(as_of=as_of, actor="bench")
    figures["full_patrol_seconds"] = round(time.perf_counter() - t0, 2)
    figures["open_findings"] = run.stats["found"]
    t0 = time.perf_counter()
    run_patrol(as_of=as_of, actor="bench")
    figures["full_patrol_rerun_seconds"] = round(time.perf_counter() - t0, 2)

    if not args.skip_query_counts:
        counts = {}
        for rule in load_pack().rules:
            with CaptureQueriesContext(connection) as ctx:
                run_patrol(as_of=as_of, actor="bench", codes=[rule.code])
            counts[rule.code] = len(ctx.captured_queries)
        figures["queries_per_rule_run"] = counts

    # change N records through a real import: move events by 30 hours (some become late)
    changed = workdir / "changes.jsonl"
    moved_events(changed, args.changes)
    assert import_bundle([changed], actor="bench").ok
    t0 = time.perf_counter()
    inc = run_patrol(as_of=as_of, actor="bench", mode="incremental")
    figures["incremental_seconds"] = round(time.perf_counter() - t0, 2)
    figures["incremental_mode"] = inc.mode
    figures["incremental_fallback"] = inc.stats.get("fallback", "")
    after_incremental = set(
        Finding.objects.open().values_list(
            "rule_id", "subject_type", "subject_id", "status", "digest"
        )
    )
    t0 = time.perf_counter()
    run_patrol(as_of=as_of, actor="bench")
    figures["full_after_changes_seconds"] = round(time.perf_counter() - t0, 2)
    after_full = set(
        Finding.objects.open().values_list(
            "rule_id", "subject_type", "subject_id", "status", "digest"
        )
    )
    figures["incremental_equals_full"] = after_incremental == after_full
    figures["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(figures, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
