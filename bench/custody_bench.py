"""Property ledger benchmark: the 涉案财物 pages of fazhi.custody on a generated store.

    nice -n 10 uv run python bench/custody_bench.py --bundle city.jsonl.gz \
        [--database-url postgres://postgres@127.0.0.1:5432/custody_bench] [--existing]

Imports the bundle into a fresh database (a temporary SQLite file unless --database-url names a
PostgreSQL database, which is dropped and created; --existing reuses that database as it is),
then times the ledger pages for a 法制大队 user (the whole store) and a 派出所's 法制员: the
register (first page), the reconciliation, the deposit ledger and the register's .xlsx export.
The reconciliation is timed twice: computed at the wall clock (``differences live``, as before
any patrol run was reconciled), then, after a full patrol (unless the database has one) and the
tick's ``custody`` step storing its reconciliation (both timed), read from the stored rows
(``differences``). Prints one JSON object of figures.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from _common import fresh_database  # noqa: E402

RUNS = 5


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
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from fazhi.accounts.models import Role
    from fazhi.accounts.services import provision_user
    from fazhi.core.services import system_user
    from fazhi.custody.models import Reconciled, StoredDifference
    from fazhi.custody.services import refresh_differences
    from fazhi.exchange.services import import_bundle
    from fazhi.patrol.models import PatrolRun, RunMode
    from fazhi.patrol.services import run_patrol
    from fazhi.records import models as m

    figures: dict = {"database": connection.vendor}
    call_command("migrate", verbosity=0)
    actor = system_user()
    if not args.existing:
        t0 = time.perf_counter()
        report = import_bundle([args.bundle], actor=actor)
        assert report.ok, report.errors[:5]
        figures.update(records=report.total, import_seconds=round(time.perf_counter() - t0, 1))
    figures.update(
        properties=m.Property.objects.count(),
        movements=m.PropertyMovement.objects.count(),
        bails=m.Measure.objects.filter(kind="取保候审").count(),
    )
    settings.ALLOWED_HOSTS = ["*"]
    legal = m.Unit.objects.filter(kind="法制大队").order_by("pk").first()
    first_unit = (
        m.Property.objects.values("case__unit_id").order_by("case__unit_id").first() or {}
    ).get("case__unit_id")
    station = m.Unit.objects.get(pk=first_unit)
    pages = {
        "register": "/custody/",
        "differences": "/custody/differences/",
        "deposits": "/custody/deposits/",
        "export": "/custody/export.xlsx",
    }
    out: dict[str, dict[str, float]] = {}
    users = []
    for name, role, unit in (
        ("bench_brigade", Role.LEGAL_BRIGADE, legal),
        ("bench_legal_officer", Role.LEGAL_OFFICER, station),
    ):
        user = User.objects.filter(username=name).first() or provision_user(
            actor=actor, username=name, password="Bench-pass-2026!x", role=role, unit=unit
        )
        client = Client()
        client.force_login(user)
        client.get("/custody/help/")  # the first request after signing in refreshes the session
        users.append((name, client))

    def time_pages(pages: dict[str, str]) -> None:
        for name, client in users:
            for label, url in pages.items():
                times = []
                for _ in range(RUNS):
                    t0 = time.perf_counter()
                    response = client.get(url)
                    assert response.status_code == 200, url
                    if label == "export":
                        b"".join(response.streaming_content)  # type: ignore[attr-defined]
                    times.append((time.perf_counter() - t0) * 1000)
                times.sort()
                out[f"{name} {label}"] = {
                    "median": round(statistics.median(times)),
                    "max": round(times[-1]),
                }

    # the reconciliation computed on the visit (no stored run yet)
    StoredDifference.objects.all().delete()
    Reconciled.objects.all().delete()
    time_pages({"differences live": "/custody/differences/"})
    if not PatrolRun.objects.filter(finished_at__isnull=False).exists():
        t0 = time.perf_counter()
        run_patrol(as_of=timezone.now(), actor=actor, mode=RunMode.FULL)
        figures["patrol_seconds"] = round(time.perf_counter() - t0, 1)
    t0 = time.perf_counter()
    stored = refresh_differences(timezone.now(), actor)
    figures["refresh_seconds"] = round(time.perf_counter() - t0, 2)
    figures["stored_differences"] = stored["stored"]
    time_pages(pages)
    figures["pages_ms"] = out
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
