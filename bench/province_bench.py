"""Province benchmark: the patrol fanned out to workers on an imported store, and its findings.

The store is imported first with the ordinary command (timed by the shell, peak memory from
``/usr/bin/time -v``)::

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/province FAZHI_SECRET_KEY=…
    fazhi migrate && /usr/bin/time -v fazhi import province.jsonl.gz

then, one step at a time (each prints one JSON object; steps take minutes to an hour)::

    python bench/province_bench.py patrol --workers 2 --fresh --as-of 2026-11-01T00:00+08:00 \
        --snapshot /tmp/p/findings-2w.tsv.gz
    python bench/province_bench.py patrol --workers 1 --fresh --as-of … --snapshot …-1w.tsv.gz
    python bench/province_bench.py compare /tmp/p/findings-2w.tsv.gz /tmp/p/findings-1w.tsv.gz
    python bench/province_bench.py incremental --changes 10000 --workers 2 --as-of …

``patrol`` starts ``fazhi worker --concurrency N`` on a queue of its own, runs ``fazhi patrol
--full`` with ``FAZHI_FANOUT=1`` (``--workers 0``: in one process, no worker), and reports the
run's wall time, each part's time (longest first: which part dominates), the peak memory of the
command and of the worker, and the open findings per rule. ``--fresh`` deletes the findings and
runs first, so that every run writes all its findings as a first run does (the intel index is
kept). ``--snapshot`` writes the open findings (rule, subject, status, digest, unit), sorted, for
``compare``: two runs over the same store must leave the same rows.

``incremental`` changes N records through a real FZX import (events of cases moved by 30 hours,
as ``bench/patrol_bench.py`` does), then times an incremental patrol with the workers.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from _common import moved_events  # noqa: E402

QUEUE = "province-bench"
_MAXRSS = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()


def _fazhi() -> list[str]:
    return [str(Path(sys.executable).with_name("fazhi"))]


def _timed(cmd: list[str], env: dict[str, str], log: Path) -> tuple[float, int, str]:
    """Run ``cmd`` under ``/usr/bin/time -v``; wall seconds, peak RSS in MiB, its stdout."""
    t0 = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-v", *cmd], env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - t0
    log.write_text(done.stdout + "\n----\n" + done.stderr, encoding="utf-8")
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}); see {log}")
    rss = _MAXRSS.search(done.stderr)
    return seconds, (int(rss.group(1)) // 1024 if rss else -1), done.stdout


class Worker:
    """``fazhi worker`` on the bench's own queue, stopped (warm shutdown) on exit."""

    def __init__(self, concurrency: int, env: dict[str, str], log: Path) -> None:
        self.log = log
        self.proc = subprocess.Popen(
            ["/usr/bin/time", "-v", *_fazhi(), "worker", f"--concurrency={concurrency}",
             f"--queue={QUEUE}", "--loglevel=WARNING"],
            env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        time.sleep(8)  # the worker connects to Redis and forks its processes
        if self.proc.poll() is not None:
            raise SystemExit(f"the worker stopped at once; see {log}")

    def stop(self) -> int:
        """Stop the worker; its peak RSS in MiB (the largest of its processes)."""
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        rss = _MAXRSS.search(self.log.read_text(encoding="utf-8", errors="replace"))
        return int(rss.group(1)) // 1024 if rss else -1


def _env(workers: int) -> dict[str, str]:
    env = dict(os.environ)
    env["FAZHI_FANOUT_QUEUE"] = QUEUE
    env["FAZHI_FANOUT"] = "1" if workers else "0"
    env.setdefault("FAZHI_BROKER_URL", "redis://127.0.0.1:6379/0")
    return env


def _parts(job_ids: list[int]) -> list[dict[str, Any]]:
    from fazhi.core.models import FanoutPart

    rows = []
    for part in FanoutPart.objects.filter(job_id__in=job_ids):
        if part.started_at and part.finished_at:
            seconds = (part.finished_at - part.started_at).total_seconds()
        else:
            seconds = -1.0
        rows.append({"key": part.key, "seconds": round(seconds, 1), "attempts": part.attempts})
    return sorted(rows, key=lambda r: -r["seconds"])


def _stage(job: Any) -> dict[str, Any]:
    seconds = (job.finished_at - job.created_at).total_seconds() if job.finished_at else -1.0
    return {"parts": job.parts.count(), "seconds": round(seconds, 1)}


def _snapshot(path: Path | None) -> dict[str, int]:
    from fazhi.patrol.models import Finding

    rows = sorted(
        Finding.objects.open().values_list(
            "rule_id", "subject_type", "subject_id", "status", "digest", "unit_id"
        )
    )
    if path is not None:
        with gzip.open(path, "wt", encoding="utf-8") as out:
            for row in rows:
                out.write("\t".join("" if v is None else str(v) for v in row) + "\n")
    return dict(sorted(Counter(str(r[0]) for r in rows).items()))


def _run_patrol(args: argparse.Namespace, mode: str, logdir: Path) -> dict[str, Any]:
    from fazhi.core.models import FanoutJob
    from fazhi.patrol.models import PatrolRun

    env = _env(args.workers)
    worker = Worker(args.workers, env, logdir / "worker.log") if args.workers else None
    last_job = FanoutJob.objects.order_by("-pk").values_list("pk", flat=True).first()
    try:
        seconds, rss, _ = _timed(
            [*_fazhi(), "patrol", f"--{mode}", "--format", "none", "--as-of", args.as_of],
            env, logdir / f"patrol-{mode}.log",
        )  # fmt: skip
    finally:
        worker_rss = worker.stop() if worker else None
    # a run with ZN-BL-01's index to build goes in stages, one job each (``patrol.tasks.plan``)
    jobs = list(FanoutJob.objects.filter(pk__gt=last_job or 0, kind="patrol").order_by("pk"))
    run = PatrolRun.objects.order_by("-pk").first()
    assert run is not None
    return {
        "mode": run.mode,
        "workers": args.workers,
        "command_seconds": round(seconds, 1),
        "run_seconds": round((run.finished_at - run.started_at).total_seconds(), 1)
        if run.finished_at
        else None,
        "found": run.stats.get("found"),
        "peak_rss_mib_command": rss,
        "peak_rss_mib_worker": worker_rss,
        "stages": [_stage(job) for job in jobs],
        "parts": _parts([job.pk for job in jobs]),
        "rule_seconds": {
            code: r.get("seconds") for code, r in sorted(run.stats.get("rules", {}).items())
        },
    }


def cmd_patrol(args: argparse.Namespace, logdir: Path) -> dict[str, Any]:
    if args.fresh:
        from django.db import connection

        with connection.cursor() as cur:
            for table in ("patrol_finding", "patrol_patrolrun"):
                cur.execute(f"DELETE FROM {table}")
    figures = _run_patrol(args, "full", logdir)
    figures["open_findings_by_rule"] = _snapshot(args.snapshot)
    return figures


def cmd_incremental(args: argparse.Namespace, logdir: Path) -> dict[str, Any]:
    changed = logdir / "changes.jsonl"
    count = moved_events(changed, args.changes)
    import_seconds, _, _ = _timed(
        [*_fazhi(), "import", str(changed)], dict(os.environ), logdir / "import.log"
    )
    figures: dict[str, Any] = {"changed_records": count, "import_seconds": round(import_seconds, 1)}
    figures.update(_run_patrol(args, "incremental", logdir))
    figures["open_findings_by_rule"] = _snapshot(args.snapshot)
    return figures


def cmd_compare(args: argparse.Namespace) -> dict[str, Any]:
    def rows(path: Path) -> set[str]:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            return set(f.read().splitlines())

    a, b = rows(args.a), rows(args.b)
    return {
        "a": len(a),
        "b": len(b),
        "only_a": len(a - b),
        "only_b": len(b - a),
        "equal": a == b,
        "examples_only_a": sorted(a - b)[:5],
        "examples_only_b": sorted(b - a)[:5],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("patrol", "incremental"):
        p = sub.add_parser(name)
        p.add_argument(
            "--workers", type=int, default=2, help="worker processes; 0 = in one process"
        )
        p.add_argument("--as-of", required=True)
        p.add_argument("--snapshot", type=Path)
        p.add_argument("--logdir", type=Path)
        if name == "patrol":
            p.add_argument("--fresh", action="store_true")
        else:
            p.add_argument("--changes", type=int, default=10_000)
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = parser.parse_args()
    if args.command == "compare":
        print(json.dumps(cmd_compare(args), ensure_ascii=False, indent=1))
        return
    logdir = args.logdir or Path(tempfile.mkdtemp(prefix="province-bench-"))
    logdir.mkdir(parents=True, exist_ok=True)
    _django()
    started = datetime.now().astimezone().isoformat(timespec="seconds")
    load_before = os.getloadavg()
    figures = (cmd_patrol if args.command == "patrol" else cmd_incremental)(args, logdir)
    figures.update(
        started=started,
        load_before=[round(x, 2) for x in load_before],
        load_after=[round(x, 2) for x in os.getloadavg()],
        logs=str(logdir),
    )
    print(json.dumps(figures, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
