"""ZN analysis benchmark: ZN-BL-01 index build, incremental check of one new transcript, and
the other ZN rules over all incidents.

    .venv/bin/python bench/zn_bench.py --bundle city.jsonl.gz [--database-url URL]
    .venv/bin/python bench/zn_bench.py --generate demo --seed 7 --workdir /tmp/zn
    DATABASE_URL=… .venv/bin/python bench/zn_bench.py --existing
    DATABASE_URL=… .venv/bin/python bench/zn_bench.py --existing --checks-only   # the checks alone

With ``--bundle`` (or ``--generate SCALE``, which writes the bundle first) the bundle is imported
into a fresh database: a temporary SQLite file unless ``--database-url`` names a PostgreSQL
database (dropped and created). ``--existing`` uses the database of ``DATABASE_URL`` as it is.
Then it times:

1. ``fazhi intel rebuild``: boilerplate learning and MinHash/LSH signing of every transcript;
2. the incremental check of one new transcript (``check_transcript``): ``--checks`` times a
   transcript is added (a copy of an existing one with its person changed and a sentence
   edited, so that every check has a match to verify), checked and removed; median and p95;
3. the ZN rules in a full patrol: ZN-BL-01 on the built index, and ZN-JQ-01, ZN-JF-01, ZN-JF-02
   over all incidents.

Prints one JSON object of figures (targets: build ≤ 300 s, check ≤ 50 ms, other rules ≤ 60 s).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from _common import fresh_database, truth_header  # noqa: E402


def _truth_findings(bundle: Path) -> set[tuple[str, str, str]]:
    """The generator's ZN truth: ``(rule, subject_type, subject_id)`` of every injected case."""
    name = bundle.name
    for suffix in (".jsonl.gz", ".jsonl"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    truth = bundle.with_name(name + ".truth.jsonl")
    if not truth.exists():
        return set()
    out: set[tuple[str, str, str]] = set()
    for line in truth.read_text(encoding="utf-8").splitlines()[1:]:
        row = json.loads(line)
        if row["rule"].startswith("ZN-"):
            out.add((row["rule"], row["subject_type"], row["subject_id"]))
    return out


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _checks(args: argparse.Namespace, figures: dict[str, Any]) -> None:
    """``--checks`` new transcripts, each added, checked with ``check_transcript``, removed."""
    from django.db import transaction

    from fazhi.intel import duplicates
    from fazhi.intel.models import TranscriptBand, TranscriptSignature
    from fazhi.records import models as m

    sources = list(
        m.Transcript.objects.order_by("?").values(
            "pk", "case_id", "kind", "started_at", "ended_at", "venue_id", "recorded", "text"
        )[: args.checks]
    )
    person_ids = list(m.Person.objects.order_by("?").values_list("pk", flat=True)[: args.checks])
    timings: list[float] = []
    matched = 0
    for i, src in enumerate(sources):
        new_id = f"BENCH-ZN-{i:04d}"
        text = src["text"]
        cut = text.rfind("，")
        edited = text[:cut] + "，具体记不太清了。" if cut > 0 else text + "补充。"
        with transaction.atomic():
            m.Transcript.objects.create(
                id=new_id, person_id=person_ids[i % len(person_ids)], text=edited,
                **{k: v for k, v in src.items() if k not in ("pk", "text")},
            )  # fmt: skip
            clock = time.perf_counter()
            matches = duplicates.check_transcript(new_id)
            timings.append((time.perf_counter() - clock) * 1000)
            matched += bool(matches)
            TranscriptBand.objects.filter(transcript_id=new_id).delete()
            TranscriptSignature.objects.filter(transcript_id=new_id).delete()
            m.Transcript.objects.filter(pk=new_id).delete()
    if timings:
        figures["bl01_check_ms"] = {
            "median": round(statistics.median(timings), 2),
            "p95": round(_percentile(timings, 0.95), 2),
            "max": round(max(timings), 2),
            "checks": len(timings),
            "with_match": matched,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--bundle", type=Path)
    source.add_argument("--generate", choices=["demo", "county", "city"])
    source.add_argument("--existing", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--checks", type=int, default=100)
    parser.add_argument("--as-of", help="patrol time (default: the bundle's as_of, else now)")
    parser.add_argument(
        "--truth",
        type=Path,
        help="with --existing: the bundle whose *.truth.jsonl the findings are compared with",
    )
    parser.add_argument(
        "--record", action="store_true",
        help="write the precision/recall against the generator's truth to the figures file "
        "the rule pages show (fazhi/intel/evalset/figures.json)",
    )  # fmt: skip
    parser.add_argument(
        "--checks-only", action="store_true",
        help="with --existing: only the incremental checks, against the index as it is "
        "(a province's index takes most of an hour to build)",
    )  # fmt: skip
    args = parser.parse_args()

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="zn_bench_"))
    workdir.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Any] = {}
    bundle: Path | None = args.bundle
    if args.generate:
        bundle = workdir / f"{args.generate}.jsonl.gz"
        clock = time.perf_counter()
        subprocess.run(
            [str(ROOT / ".venv/bin/fazhi"), "generate", "--scale", args.generate,
             "--seed", str(args.seed), "--out", str(bundle)],
            check=True, env={**os.environ, "FAZHI_DATA_DIR": str(workdir)},
        )  # fmt: skip
        figures["generate_s"] = round(time.perf_counter() - clock, 1)
    if not args.existing:
        os.environ["DATABASE_URL"] = fresh_database(args.database_url, workdir, "zn_bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from fazhi.accounts.services import system_user
    from fazhi.exchange.services import import_bundle
    from fazhi.intel.models import TranscriptBand
    from fazhi.intel.services import rebuild_index
    from fazhi.patrol.services import run_patrol
    from fazhi.records import models as m

    figures["database"] = connection.vendor
    if bundle is not None:
        call_command("migrate", verbosity=0)
        clock = time.perf_counter()
        report = import_bundle([bundle], actor=system_user())
        assert report.ok, "import failed"
        figures["import_s"] = round(time.perf_counter() - clock, 1)
    truth_bundle = bundle if bundle is not None else args.truth
    header = truth_header(truth_bundle, missing_ok=True) if truth_bundle is not None else {}
    if args.as_of:
        as_of = datetime.fromisoformat(args.as_of)
    elif header.get("as_of"):
        as_of = datetime.fromisoformat(header["as_of"])
    else:
        as_of = timezone.now()
    figures["transcripts"] = m.Transcript.objects.count()
    figures["incidents"] = m.Incident.objects.count()

    if args.checks_only:
        figures["bands"] = TranscriptBand.objects.count()
        _checks(args, figures)
        print(json.dumps(figures, ensure_ascii=False, indent=1))
        return

    # 1. the full build
    build = rebuild_index(actor=system_user())
    figures["bl01_build_s"] = build.seconds
    figures["bl01_build"] = {
        "learn_s": build.timings["learn"],
        "sign_s": build.timings["sign"],
        "boilerplate_sentences": build.boilerplate,
        "min_df": build.min_df,
        "bands": TranscriptBand.objects.count(),
    }

    # 2. incremental checks of new transcripts (each added, checked, removed)
    _checks(args, figures)

    # 3. the ZN rules in a patrol
    clock = time.perf_counter()
    run = run_patrol(as_of=as_of, actor=system_user(),
                     codes=["ZN-BL-01", "ZN-JQ-01", "ZN-JF-01", "ZN-JF-02"])  # fmt: skip
    figures["zn_patrol_s"] = round(time.perf_counter() - clock, 1)
    figures["rules"] = {
        code: {"seconds": stats["seconds"], "found": stats["found"]}
        for code, stats in run.stats["rules"].items()
    }
    figures["other_zn_rules_s"] = round(
        sum(run.stats["rules"][c]["seconds"] for c in ("ZN-JQ-01", "ZN-JF-01", "ZN-JF-02")), 1
    )
    # 4. precision and recall against the generator's truth (the bundle's *.truth.jsonl)
    truth = _truth_findings(truth_bundle) if truth_bundle is not None else set()
    if truth:
        from fazhi.intel import quality
        from fazhi.patrol.models import Finding

        found = set(
            Finding.objects.open()
            .filter(rule_id__in=["ZN-BL-01", "ZN-JQ-01", "ZN-JF-01", "ZN-JF-02"])
            .exclude(status="warning")
            .values_list("rule_id", "subject_type", "subject_id")
        )
        scores = {}
        for code in ("ZN-BL-01", "ZN-JQ-01", "ZN-JF-01", "ZN-JF-02"):
            t = {k for k in truth if k[0] == code}
            f = {k for k in found if k[0] == code}
            scores[code] = quality.score_row(len(t & f), len(f - t), len(t - f))
        figures["truth"] = scores
        if args.record:
            scale = header.get("scale", "?")
            quality.record_generator(str(scale), int(header.get("seed", args.seed)), scores)
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
