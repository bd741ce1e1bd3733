"""Import benchmark: records per second and peak memory of ``fazhi import`` on a fresh database.

    uv run python bench/import_bench.py --records 1000000            # synthetic, SQLite
    uv run python bench/import_bench.py bundle.jsonl.gz               # a given bundle
    uv run python bench/import_bench.py --scale county --seed 1       # via `fazhi generate`
    uv run python bench/import_bench.py --records 200000 \\
        --database postgres://postgres@127.0.0.1:5432/postgres        # PostgreSQL
        [--scratch-prefix h_me_bench]     # the scratch database's name (default fzx_bench_PID)
    uv run python bench/import_bench.py --records 100000 --profile    # cProfile top 30

Without a bundle the script writes one by replicating the case records of the example bundle
(spec/examples/clean-cases.jsonl) under new ids, the organisation (units, officers, venues) once.
SQLite runs in a file in a temporary folder; with a PostgreSQL URL a scratch database is created
next to the named one and dropped afterwards. Peak RSS is the process's (ru_maxrss), measured
before and after the import so that a growing import shows as a difference.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import os
import pstats
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = Path(os.environ.get("FZX_EXAMPLE", "/work/shared/spec/examples/clean-cases.jsonl"))
ORGANISATION = {"unit", "officer", "venue"}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthesize(out: Path, records: int, *, sequential: bool = False) -> int:
    """Write about ``records`` records: the organisation once, the cases replicated.

    Replica ids get a hashed suffix by default, so that ids (and the references to them) come
    in no particular order, as in an export sorted by anything but the id: the hard case for
    index maintenance. ``sequential`` numbers the replicas instead.
    """
    import hashlib

    import orjson

    from fazhi.records.schema import BY_NAME, Kind

    lines = [orjson.loads(line) for line in EXAMPLE.read_bytes().splitlines() if line.strip()]
    org = [r for r in lines if r["type"] in ORGANISATION]
    cases = [r for r in lines if r["type"] not in ORGANISATION]
    renamed: dict[str, list[tuple[str, bool]]] = {}
    for name, rt in BY_NAME.items():
        renamed[name] = [
            (s.name, s.kind is Kind.REFS)
            for s in rt.fields
            if s.kind in (Kind.REF, Kind.REFS) and s.target not in ORGANISATION
        ]
    written = 0
    opener = gzip.open if out.name.endswith(".gz") else open
    with opener(out, "wb") as stream:
        for record in org:
            stream.write(orjson.dumps(record) + b"\n")
            written += 1
        copy = 0
        while written < records:
            suffix = (
                f"-{copy}"
                if sequential
                else "-" + hashlib.blake2b(str(copy).encode(), digest_size=6).hexdigest()
            )
            for record in cases:
                clone = dict(record)
                clone["id"] = record["id"] + suffix
                for field, is_list in renamed[record["type"]]:
                    value = record.get(field)
                    if value is None:
                        continue
                    clone[field] = [v + suffix for v in value] if is_list else value + suffix
                stream.write(orjson.dumps(clone) + b"\n")
                written += 1
            copy += 1
    return written


def scratch_postgres(url: str, prefix: str = "fzx_bench") -> tuple[str, str]:
    """Create a scratch database on the server of ``url``; returns (its URL, its name)."""
    import psycopg

    parts = urlsplit(url)
    name = f"{prefix}_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), name


def drop_postgres(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("bundle", nargs="*", help="FZX files to import (default: synthesize)")
    parser.add_argument("--records", type=int, default=500_000, help="synthetic bundle size")
    parser.add_argument("--scale", help="use `fazhi generate --scale SCALE` instead")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--gzip", action="store_true", help="write the synthetic bundle gzipped")
    parser.add_argument(
        "--sequential-ids", action="store_true", help="synthetic ids in file order (easy case)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--database", help="postgres://… (default: SQLite in a temp folder)")
    parser.add_argument(
        "--scratch-prefix", default="fzx_bench", help="name of the scratch database, before _PID"
    )
    parser.add_argument("--profile", action="store_true", help="print the cProfile top 30")
    parser.add_argument("--twice", action="store_true", help="import again (all unchanged)")
    parser.add_argument("--export", action="store_true", help="then time `fazhi export`")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="fzx-bench-"))
    pg_name = ""
    if args.database:
        db_url, pg_name = scratch_postgres(args.database, args.scratch_prefix)
    else:
        db_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("FAZHI_DATA_DIR", str(workdir))
    os.environ["DJANGO_SETTINGS_MODULE"] = "fazhi.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command, get_commands

    from fazhi.exchange.services import export_store, import_bundle

    try:
        call_command("migrate", verbosity=0)
        if args.bundle:
            paths = [Path(p) for p in args.bundle]
        elif args.scale:
            if "generate" not in get_commands():
                parser.error("`fazhi generate` is not available yet; use --records")
            paths = [workdir / f"{args.scale}.jsonl.gz"]
            call_command("generate", scale=args.scale, seed=args.seed, out=str(paths[0]))
        else:
            paths = [workdir / ("synthetic.jsonl.gz" if args.gzip else "synthetic.jsonl")]
            started = time.perf_counter()
            n = synthesize(paths[0], args.records, sequential=args.sequential_ids)
            print(f"synthesized {n} records in {time.perf_counter() - started:.1f} s")
        size = sum(p.stat().st_size for p in paths)
        print(f"bundle: {', '.join(map(str, paths))} ({size / 1e6:.1f} MB)")
        print(f"database: {db_url.split('@')[-1]}")
        rounds = 2 if args.twice else 1
        for round_no in range(1, rounds + 1):
            rss_before = peak_rss_mb()
            profiler = cProfile.Profile() if args.profile else None
            started = time.perf_counter()
            if profiler:
                profiler.enable()
            report = import_bundle(paths)
            if profiler:
                profiler.disable()
            seconds = time.perf_counter() - started
            changed = sum(report.created.values()) + sum(report.updated.values())
            print(
                f"round {round_no}: ok={report.ok} records={report.total} "
                f"written={changed} unchanged={sum(report.unchanged.values())} "
                f"errors={len(report.errors)} seconds={seconds:.2f} "
                f"records/s={report.total / seconds:,.0f} "
                f"peak RSS before={rss_before:.0f} MB after={peak_rss_mb():.0f} MB"
            )
            if profiler:
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        if args.export:
            out = workdir / "export.jsonl.gz"
            started = time.perf_counter()
            counts = export_store(out)
            seconds = time.perf_counter() - started
            total = sum(counts.values())
            print(
                f"export: records={total} seconds={seconds:.2f} "
                f"records/s={total / seconds:,.0f} size={out.stat().st_size / 1e6:.1f} MB "
                f"peak RSS={peak_rss_mb():.0f} MB"
            )
    finally:
        from django.db import connections

        connections.close_all()
        if pg_name and args.database:
            drop_postgres(args.database, pg_name)
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
