"""What one part of a fanned-out patrol costs, measured apart from the workers.

    # seconds per rule of one county part on an imported store (in a transaction rolled back)
    DATABASE_URL=postgres://…/city uv run python bench/part_cost.py rules \
        --as-of 2026-11-01T00:00+08:00
    # CPU time per transcript of learning the boilerplate and of signing (from a bundle file)
    uv run python bench/part_cost.py sign --bundle county.jsonl.gz [--hand-written]
    # CPU time per learned reading of an incident text (ZN-JQ-01 and ZN-JF-02's second opinion)
    uv run python bench/part_cost.py readings --bundle county.jsonl.gz

``rules`` runs every deadline and condition rule on the first county bureau's subjects (or
``--county``) as a county part does (``services.Slice``), each timed, longest first: run it on a
store of one county and on a store of many to see which rules cost the store rather than the
county. ``sign`` reads the first ``--limit`` transcripts of the bundle (with ``--hand-written``
the evaluation set's instead) and times ``learn_boilerplate`` and ``sign`` in this process (CPU
time, so that other work on the machine does not count). ``readings`` times the learned model's
reading of the first ``--limit`` incident texts for each category they have no lexicon cue of.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _django(settings: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    import django

    django.setup()


def _records(bundle: Path, kind: str, limit: int) -> list[dict[str, Any]]:
    prefix = f'{{"type":"{kind}"'
    out: list[dict[str, Any]] = []
    with gzip.open(bundle, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith(prefix):
                out.append(json.loads(line))
                if len(out) == limit:
                    break
    return out


def cmd_rules(args: argparse.Namespace) -> dict[str, Any]:
    _django("fazhi.settings")
    from django.db import transaction

    from fazhi.patrol.engine import EvalContext
    from fazhi.patrol.models import RuleKind
    from fazhi.patrol.pack import load_pack
    from fazhi.patrol.periods import HolidayCalendar
    from fazhi.patrol.services import Slice, run_rule, sync_rules
    from fazhi.records.bureaus import county_bureaus

    as_of = datetime.fromisoformat(args.as_of)
    counties = county_bureaus()
    county = args.county or sorted(counties)[0]
    part = Slice(frozenset(counties[county]))
    seconds: dict[str, float] = {}
    with transaction.atomic():
        pack = load_pack()
        rules = sync_rules(pack)
        base = EvalContext(as_of=as_of, calendar=HolidayCalendar.from_database())
        clock = time.perf_counter()
        for rdef in pack.rules:
            if rdef.kind == RuleKind.ANALYSIS or not rules[rdef.code].enabled:
                continue
            seconds[rdef.code] = run_rule(rdef, rules[rdef.code], base, as_of, part)["seconds"]
        total = time.perf_counter() - clock
        transaction.set_rollback(True)
    return {
        "county": county,
        "counties": len(counties),
        "seconds": round(total, 2),
        "rules": dict(sorted(seconds.items(), key=lambda kv: -kv[1])),
    }


def cmd_sign(args: argparse.Namespace) -> dict[str, Any]:
    _django("fazhi.settings_test")
    from fazhi.intel import duplicates as d

    if args.hand_written:
        folder = ROOT / "fazhi" / "intel" / "evalset"
        texts = [
            json.loads(line)["text"]
            for path in sorted(folder.glob("transcripts_*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ][: args.limit]
    else:
        texts = [r["text"] for r in _records(args.bundle, "transcript", args.limit)]
    clock = time.process_time()
    _, _, learned = d.learn_boilerplate(texts)
    learn = time.process_time() - clock
    boilerplate = d.boilerplate_of("bench", (key for key, _ in learned.values()))
    clock = time.process_time()
    for i, text in enumerate(texts):
        d.sign(str(i), text, boilerplate)
    sign = time.process_time() - clock
    return {
        "transcripts": len(texts),
        "chars_mean": round(sum(map(len, texts)) / len(texts)),
        "learn_ms_cpu": round(learn / len(texts) * 1000, 3),
        "sign_ms_cpu": round(sign / len(texts) * 1000, 3),
    }


def cmd_readings(args: argparse.Namespace) -> dict[str, Any]:
    _django("fazhi.settings_test")
    from fazhi.intel import learned, lexicon

    model = learned.load_model()
    if model is None:
        raise SystemExit("no learned model")
    texts = [r.get("description") or "" for r in _records(args.bundle, "incident", args.limit)]
    wanted = [
        (text, category)
        for text in texts
        for category in model.categories
        if not (lexicon.may_contain(text, category) and lexicon.find_cues(text, category))
    ]
    clock = time.process_time()
    for text, category in wanted:
        learned._suggest(text, category, model)
    spent = time.process_time() - clock
    return {
        "texts": len(texts),
        "readings": len(wanted),
        "ms_cpu_per_reading": round(spent / max(len(wanted), 1) * 1000, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    rules = sub.add_parser("rules")
    rules.add_argument("--as-of", required=True)
    rules.add_argument("--county", help="a county bureau's unit id (default: the first)")
    for name in ("sign", "readings"):
        p = sub.add_parser(name)
        p.add_argument("--bundle", type=Path, required=name == "readings")
        p.add_argument("--limit", type=int, default=3000)
        if name == "sign":
            p.add_argument("--hand-written", action="store_true")
    args = parser.parse_args()
    if args.command == "sign" and not args.hand_written and args.bundle is None:
        parser.error("sign: --bundle or --hand-written")
    command = {"rules": cmd_rules, "sign": cmd_sign, "readings": cmd_readings}[args.command]
    print(json.dumps(command(args), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
