"""Precision and recall of ZN-BL-01, ZN-JQ-01 and ZN-JF-02 on the hand-written evaluation set.

    uv run python bench/text_eval.py                 # report at the rule's threshold
    uv run python bench/text_eval.py --errors        # and every misjudged incident class
    uv run python bench/text_eval.py --write         # record the figures the rule pages show
    uv run python bench/text_eval.py --punctuation commas   # copies retyped: see below

The set is ``fazhi/intel/evalset/`` (its README gives the labels and the split: every file
directly in it is development, every file in ``evalset/heldout/`` held-out; without that folder
the held-out figures say so); the figures go to ``docs/benchmarks.md``. No database: the
library's functions are scored directly.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings_test")

import django

django.setup()

from fazhi.intel import quality  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threshold", type=float, default=None, help="ZN-BL-01 min_jaccard")
    parser.add_argument("--alignment", type=float, default=None, help="ZN-BL-01 min_alignment")
    parser.add_argument("--errors", action="store_true", help="list the misjudged incident classes")
    parser.add_argument(
        "--write", action="store_true",
        help="record the figures at the pack's settings for the rule pages "
        "(fazhi/intel/evalset/figures.json)",
    )  # fmt: skip
    parser.add_argument("--punctuation", choices=sorted(quality.RETYPE),
                        help="score ZN-BL-01 with every copy retyped (commas throughout, or cut "
                        "at every comma)")  # fmt: skip
    args = parser.parse_args()
    threshold = args.threshold if args.threshold is not None else quality.default_threshold()
    alignment = args.alignment if args.alignment is not None else quality.default_alignment()
    scorer = quality.retyped_scorer(args.punctuation) if args.punctuation else quality.score_pairs
    dup = quality.evaluate_duplicates(threshold, alignment, scorer)
    cues = quality.evaluate_cues()
    docs, rows = quality.transcripts(), quality.incidents()
    for part in ("dev", "held"):
        n_docs = sum(d["split"] == part for d in docs)
        n_rows = sum(r["split"] == part for r in rows)
        print(f"{part}: {n_docs} transcripts, {n_rows} incidents")
    for line in quality.format_report(dup, cues):
        print(line)
    if args.errors:
        print("\n".join(cues.errors))
    if args.write:
        if args.threshold is not None or args.alignment is not None or args.punctuation:
            parser.error(
                "--write records the pack's settings: leave --threshold, --alignment "
                "and --punctuation"
            )
        quality.record_evalset(dup, cues)
        print(f"written: {quality.FIGURES}")


if __name__ == "__main__":
    main()
