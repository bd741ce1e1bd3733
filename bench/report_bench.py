"""Reports benchmark: each of the four reports (日巡查, 周通报, 月考评, 季分析) of the whole bureau
built and rendered (.docx and .xlsx) on a generated county or city.

    uv run python bench/report_bench.py --bundle city.jsonl.gz \
        [--database-url postgres://postgres@127.0.0.1:5432/report_bench] [--existing]

Imports the bundle into a fresh database (a temporary SQLite file unless --database-url names a
PostgreSQL database, which is dropped and created; --existing reuses that database as it is),
runs a full patrol at the bundle's as_of, the rectification, 每日十问 and disputes steps of
``fazhi tick`` and publishes the month before as_of, then times each report of the whole bureau:
the day, week and quarter holding the findings (the patrol stamps them with the wall clock: today)
and the published month, first the numbers alone (``services.build``), then the whole generation
(.docx with charts, .xlsx, stored) by ``services.generate_report`` as the page and the tick do.
Then, as the tick now also issues each report for every unit whose users read reports, the same
for the ``--units`` units with most findings (default 3; 0 skips them): each unit report's
generation time, and what one scheduled moment costs per reading unit (the four kinds).
Prints one JSON object.
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
sys.path.insert(0, str(ROOT / "bench"))

from _common import fresh_database, truth_header  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bundle", required=True, type=Path)
    parser.add_argument("--database-url")
    parser.add_argument("--existing", action="store_true", help="reuse the imported database")
    parser.add_argument("--units", type=int, default=3, help="unit reports: how many units")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="fazhi-bench-"))
    if args.existing and args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ["DATABASE_URL"] = fresh_database(args.database_url, workdir)
    os.environ["FAZHI_DATA_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from fazhi.core.services import system_user
    from fazhi.evaluation.models import Evaluation, EvaluationStatus
    from fazhi.evaluation.services import check_month, compute_month, publish_month
    from fazhi.exchange.services import import_bundle
    from fazhi.patrol.services import run_patrol
    from fazhi.reports import services
    from fazhi.reports.periods import period_containing

    as_of = datetime.fromisoformat(truth_header(args.bundle)["as_of"])
    figures: dict = {"database": connection.vendor}
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
    # problems, 每日十问 sheets and graded disputes (each step safe to repeat)
    call_command(
        "tick", "--as-of", as_of.isoformat(), "--only", "rectification", "daily", "disputes"
    )
    # The patrol stamps what it finds (and the tick its problems) with the wall clock, so the
    # day, week and quarter that hold the findings are today's; the month is the one published.
    now = timezone.now()
    today = timezone.localdate()
    month = period_containing("monthly", timezone.localtime(as_of).date()).previous()
    if not Evaluation.objects.filter(month=month.first, status=EvaluationStatus.PUBLISHED):
        ev = compute_month(month.first, actor=actor, as_of=as_of)
        publish_month(check_month(ev, actor=actor), actor=actor)
    periods = {
        "daily": period_containing("daily", today),
        "weekly": period_containing("weekly", today),
        "monthly": month,
        "quarterly": period_containing("quarterly", today),
    }
    for kind, period in periods.items():
        t0 = time.perf_counter()
        built = services.build(kind, period.key, None, now)
        numbers = time.perf_counter() - t0
        r = services.generate_report(actor=actor, kind=kind, period=period.key, now=now)
        figures[kind] = {
            "period": period.key,
            "numbers_seconds": round(numbers, 2),
            "generate_seconds": round(r.seconds, 2),
            "docx_kb": round(r.docx_size / 1024),
            "xlsx_kb": round(r.xlsx_size / 1024),
            "summary": {k: v for k, v in built.doc.summary.items() if not isinstance(v, list)},
        }
    # each unit's reports, as the tick issues them for the units whose users read reports
    from django.db.models import Count

    from fazhi.patrol.models import Finding

    units = [
        row["unit_id"]
        for row in Finding.objects.exclude(unit_id__isnull=True)
        .values("unit_id").annotate(n=Count("pk")).order_by("-n", "unit_id")[: args.units]
    ]  # fmt: skip
    per_unit: dict = {}
    for unit_id in units:
        seconds = {}
        for kind, period in periods.items():
            r = services.generate_report(
                actor=actor, kind=kind, period=period.key, unit_id=unit_id, now=now
            )
            seconds[kind] = round(r.seconds, 2)
        per_unit[unit_id] = {
            "seconds": seconds,
            "four_kinds_seconds": round(sum(seconds.values()), 2),
        }
    if per_unit:
        figures["units"] = per_unit
        figures["unit_four_kinds_mean_seconds"] = round(
            sum(u["four_kinds_seconds"] for u in per_unit.values()) / len(per_unit), 2
        )
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(figures, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
