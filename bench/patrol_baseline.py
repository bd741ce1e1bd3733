"""The baseline the patrol engine must beat: the same rules, evaluated one record at a time.

    uv run python bench/patrol_baseline.py --bundle demo.jsonl.gz \
        [--database-url URL] [--rule CODE …]

For every rule and every record of its subject type, the baseline asks the database about that
one record (its trigger time, its first required act) and computes the exact deadline in Python,
as a straightforward implementation would: one query per record per rule, no set-based filtering.
It produces the same findings as the engine (checked), and prints both timings and their ratio.
"""

from __future__ import annotations

import argparse
import json
import os
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
    parser.add_argument("--rule", action="append", dest="rules")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="fazhi-baseline-"))
    os.environ["DATABASE_URL"] = fresh_database(args.database_url, workdir)
    os.environ["FAZHI_DATA_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()
    from dataclasses import replace

    from django.core.management import call_command
    from django.db import connection

    from fazhi.exchange.services import import_bundle
    from fazhi.patrol.engine import EVALUATORS, EvalContext, _values
    from fazhi.patrol.models import Finding, RuleKind
    from fazhi.patrol.pack import load_pack, parse_period
    from fazhi.patrol.periods import HolidayCalendar
    from fazhi.patrol.services import _queries, run_patrol

    call_command("migrate", verbosity=0)
    as_of = datetime.fromisoformat(truth_header(args.bundle)["as_of"])
    assert import_bundle([args.bundle], actor="bench").ok
    pack = load_pack()
    rules = [r for r in pack.rules if not args.rules or r.code in args.rules]
    calendar = HolidayCalendar.from_database()

    t0 = time.perf_counter()
    run_patrol(as_of=as_of, actor="bench", codes=[r.code for r in rules])
    engine_seconds = time.perf_counter() - t0
    engine = set(Finding.objects.open().values_list("rule_id", "subject_id", "status"))

    baseline: set[tuple[str, str, str]] = set()
    queries = 0
    t0 = time.perf_counter()
    for rule in rules:
        ctx = replace(EvalContext(as_of=as_of, calendar=calendar), settings=dict(rule.defaults))
        for query in _queries(rule, ctx):
            model = query.queryset.model
            extra: list[str] = []
            if rule.kind == RuleKind.DEADLINE:
                names = set(query.queryset.query.annotations)
                extra = ["trigger_at", "done_at"] + [
                    n for n in ("ext_to", "ext_count", "is_complex") if n in names
                ]
            rows = _values(query, *extra)
            for pk in model.objects.values_list("pk", flat=True).iterator():
                row = rows.filter(pk=pk).first()
                queries += 1
                if row is None:
                    continue
                if rule.kind == RuleKind.DEADLINE:
                    if row["trigger_at"] is None or row["trigger_at"] > as_of:
                        continue
                    result = EVALUATORS[rule.kind].judge(
                        row, query, ctx.settings, parse_period(ctx.settings["limit"]),
                        bool(ctx.settings["custody"]), ctx,
                    )  # fmt: skip
                    if result is not None:
                        baseline.add((rule.code, result.subject_id, result.status))
                else:
                    baseline.add((rule.code, str(row["pk"]), "violation"))
    baseline_seconds = time.perf_counter() - t0
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "rules": len(rules),
                "engine_seconds": round(engine_seconds, 2),
                "baseline_seconds": round(baseline_seconds, 2),
                "baseline_queries": queries,
                "speedup": round(baseline_seconds / engine_seconds, 1),
                "same_findings": engine == baseline,
                "engine_findings": len(engine),
            },
            ensure_ascii=False,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
