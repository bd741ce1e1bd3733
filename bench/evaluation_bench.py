"""Evaluation benchmark: a month's 执法质量考评 of a generated city (all units, officers and
middle leaders).

    uv run python bench/evaluation_bench.py --bundle city.jsonl.gz \
        [--database-url postgres://postgres@127.0.0.1:5432/evaluation_bench] [--existing]

Imports the bundle into a fresh database (a temporary SQLite file unless --database-url names a
PostgreSQL database, which is dropped and created; --existing reuses that database as it is),
runs a full patrol at the bundle's as_of and the rectification step of ``fazhi tick`` (which
turns the violations into problems), then times the computation of the month before as_of (the
first run, and a recomputation of the draft) and its check and publication. Prints one JSON
object of figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from _common import fresh_database, truth_header  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bundle", required=True, type=Path)
    parser.add_argument("--database-url")
    parser.add_argument("--existing", action="store_true", help="reuse the imported database")
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

    from fazhi.core.services import system_user
    from fazhi.evaluation.models import Evaluation, Score, ScoreItem
    from fazhi.evaluation.services import check_month, compute_month, publish_month
    from fazhi.exchange.services import import_bundle
    from fazhi.patrol.services import run_patrol
    from fazhi.rectification.models import Problem

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
        t0 = time.perf_counter()
        call_command("tick", "--as-of", as_of.isoformat(), "--only", "rectification")
        figures["rectification_tick_seconds"] = round(time.perf_counter() - t0, 1)
    figures["problems"] = Problem.objects.count()

    last = as_of.date().replace(day=1)
    month = date(last.year - (last.month == 1), (last.month - 2) % 12 + 1, 1)
    figures["month"] = f"{month:%Y-%m}"
    if args.existing:
        # the bench's own database: start the month afresh (a published month is never
        # recomputed, which is what the service guarantees)
        Evaluation.objects.filter(month=month).delete()
    t0 = time.perf_counter()
    ev = compute_month(month, actor=actor, as_of=as_of)
    figures["compute_seconds"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    ev = compute_month(month, actor=actor, as_of=as_of)
    figures["recompute_seconds"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    publish_month(check_month(ev, actor=actor), actor=actor)
    figures["check_publish_seconds"] = round(time.perf_counter() - t0, 2)
    scores = Score.objects.filter(evaluation=ev)
    figures.update(
        units=scores.filter(subject="unit").count(),
        officers=scores.filter(subject="officer").count(),
        leaders=scores.filter(subject="leader").count(),
        items=ScoreItem.objects.filter(score__evaluation=ev).count(),
        vetoed_units=sum(
            1 for v in scores.filter(subject="unit").values_list("vetoes", flat=True) if v
        ),
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    )
    figures["pages_ms"] = _pages(ev)
    print(json.dumps(figures, ensure_ascii=False))


def _pages(ev: Any) -> dict[str, dict[str, float]]:
    """Median and p95 (of 20 requests) of the evaluation pages for a 法制大队 user (the whole
    city) and a 派出所's 法制员."""
    import statistics

    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client

    from fazhi.accounts.models import Role
    from fazhi.accounts.services import provision_user, system_user
    from fazhi.evaluation.models import Score
    from fazhi.records import models as m

    settings.ALLOWED_HOSTS = ["*"]
    unit_score = Score.objects.filter(evaluation=ev, subject="unit").order_by("pk").first()
    assert unit_score is not None
    legal = m.Unit.objects.filter(kind="法制大队").first()
    # an officer of that unit with a score, for his 诚信档案
    officer_score = (
        Score.objects.filter(evaluation=ev, subject="officer", unit_id=unit_score.unit_id)
        .order_by("rank", "pk")
        .first()
    )
    out: dict[str, dict[str, float]] = {}
    for name, role, unit in (
        ("bench_brigade", Role.LEGAL_BRIGADE, legal),
        ("bench_legal_officer", Role.LEGAL_OFFICER, unit_score.unit),
    ):
        user = User.objects.filter(username=name).first() or provision_user(
            actor=system_user(), username=name, password="Bench-pass-2026!x", role=role, unit=unit
        )
        client = Client()
        client.force_login(user)
        pages = {
            "rankings": f"/evaluation/{ev.pk}/",
            "months": "/evaluation/",
            "score": f"/evaluation/scores/{unit_score.pk}/",
            "appeals": "/evaluation/appeals/",
            "scheme": "/evaluation/scheme/",
            "best/worst candidates": f"/evaluation/cases/?month={ev.month:%Y-%m}",
            "api month": f"/api/v1/evaluations/{ev.pk}",
        }
        if officer_score is not None:
            pages["integrity file"] = f"/evaluation/officers/{officer_score.officer_id}/integrity/"
        for label, url in pages.items():
            client.get(url)
            times = []
            for _ in range(20):
                t0 = time.perf_counter()
                assert client.get(url).status_code == 200, url
                times.append((time.perf_counter() - t0) * 1000)
            times.sort()
            out[f"{name} {label}"] = {
                "median": round(statistics.median(times)), "p95": round(times[18]),
            }  # fmt: skip
    return out


if __name__ == "__main__":
    main()
