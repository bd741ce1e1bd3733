"""Precision and recall of ZN-BL-01, ZN-JQ-01 and ZN-JF-02 on the hand-written evaluation set.

    uv run python bench/text_eval.py                 # report at the rule's threshold
    uv run python bench/text_eval.py --errors        # and every misjudged incident class
    uv run python bench/text_eval.py --write         # record the figures the rule pages show
    uv run python bench/text_eval.py --punctuation commas   # copies retyped: see below
    uv run python bench/text_eval.py --writers       # leave one writer out (below)

``--writers`` is the generalisation measure that spends no blind set: each development writer's
texts are scored twice, with the lexicon files as they stand and with the lexicon files as they
were before that writer's texts were read (``git show`` of ``fazhi/intel/lexicons/`` at the commit
in ``SNAPSHOTS``, today's matching code). The second is what the rules did on words they had never
seen; the true positives the first finds and the second does not are found only by entries and
patterns added after reading that writer — recall that a new writer would not get.

The set is ``fazhi/intel/evalset/`` (its README gives the labels and the split: every file
directly in it is development, every file in ``evalset/heldout/`` held-out; without that folder
the held-out figures say so); the figures go to ``docs/benchmarks.md``. No database: the
library's functions are scored directly.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings_test")

import django

django.setup()

from django.test.utils import override_settings  # noqa: E402

from fazhi.intel import lexicon, quality  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# (writer, commit, what the lexicon files at that commit had seen): the first row of a writer is
# the lexicon before the writer's texts were read. Writer 1's texts were written while the cue
# patterns were built (the lexicon before them is the generator's fixed words); writer 2 was
# measured blind after the third pass and read from 40c3360 on; writer 3 was measured blind at
# 913e52b and read in the fifth pass; writer 4 was measured blind at b87cc0e (the fifth pass
# merged) and read in the sixth pass; writer 5 was measured blind at dc1777a (the sixth pass
# merged, the learned model wired) and read in the seventh pass; writer 6 was measured blind at
# 0290f2c (the seventh pass merged) and read in the eighth pass; writer 7 was measured blind at
# 0e56b0d (the eighth pass merged) and read in the ninth pass; writer 8 was measured blind at
# 7158b6f (the ninth pass merged) and read in the tenth pass; writer 9 was measured blind at
# ad21ee1 (the tenth pass merged) and read in the eleventh pass; writer 10 was measured blind at
# 64f558d (the eleventh pass merged) and read in the twelfth pass; writer 11 was measured blind at
# 77ed6da (the twelfth pass merged; recorded at a90fdd6, whose lexicon is the same) and read in the
# thirteenth pass. The second row of writer 2 is the fourth pass (writer 2 read, its errors
# mostly left as they were): what the fifth pass's classes, drawn from writer 3's errors, did for
# writer 2's words.
SNAPSHOTS = (
    ("w1", "ce85b6e", "before writer 1: the generator-era word lists, no patterns or scope"),
    ("w2", "5b8bc15", "before writer 2: third pass, tuned on writer 1"),
    ("w2", "913e52b", "fourth pass: writer 2 read, before the fifth pass's classes"),
    ("w3", "913e52b", "before writer 3: fourth pass, tuned on writers 1 and 2"),
    ("w4", "b87cc0e", "before writer 4: fifth pass, tuned on writers 1, 2 and 3"),
    ("w5", "dc1777a", "before writer 5: sixth pass, tuned on writers 1 to 4"),
    ("w6", "0290f2c", "before writer 6: seventh pass, tuned on writers 1 to 5"),
    ("w7", "0e56b0d", "before writer 7: eighth pass, tuned on writers 1 to 6"),
    ("w8", "7158b6f", "before writer 8: ninth pass, tuned on writers 1 to 7"),
    ("w9", "ad21ee1", "before writer 9: tenth pass, tuned on writers 1 to 8"),
    ("w10", "64f558d", "before writer 10: eleventh pass, tuned on writers 1 to 9"),
    ("w11", "a90fdd6", "before writer 11: twelfth pass, tuned on writers 1 to 10"),
)
LEXICON_FILES = (
    "offence.toml", "escalation.toml", "negation.toml", "patterns.toml", "scope.toml", "fold.toml"
)  # fmt: skip


def _snapshot(commit: str, dest: Path) -> None:
    """The lexicon files at ``commit`` into ``dest`` (a file that did not exist yet is empty)."""
    for name in LEXICON_FILES:
        shown = subprocess.run(
            ["git", "show", f"{commit}:fazhi/intel/lexicons/{name}"],
            cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if shown.returncode != 0 and name in ("offence.toml", "escalation.toml"):
            # these two existed at every commit named: a shallow clone lacks the history
            raise SystemExit(f"--writers needs the git history ({commit}): {shown.stderr.strip()}")
        (dest / name).write_text(shown.stdout if shown.returncode == 0 else "", encoding="utf-8")


def _cues_with(commit: str) -> quality.CueReport:
    with tempfile.TemporaryDirectory() as tmp:
        _snapshot(commit, Path(tmp))
        with override_settings(FAZHI_LEXICON_DIR=tmp):
            lexicon.reload()
            try:
                # the lexicon alone: the learned model was trained on every writer
                return quality.evaluate_cues(quality.lexicon_classes)
            finally:
                lexicon.reload()


def writers_report(now: quality.CueReport) -> list[str]:
    """Each development writer's P/R with the lexicon now and before the writer was read, and
    the true positives found only by what was added after reading the writer."""
    rows = quality.incidents()
    ids = {w: {r["id"] for r in rows if r["writer"] == w} for w, _, _ in SNAPSHOTS}
    lines = [
        "leave one writer out (each writer's texts; lexicon now vs before the writer was read)"
    ]
    measured: dict[str, quality.CueReport] = {}
    for writer, commit, said in SNAPSHOTS:
        then = measured.get(commit) or measured.setdefault(commit, _cues_with(commit))
        lines.append(f"  {writer} {said} ({commit})")
        for rule in now.by_writer:
            a, b = now.by_writer[rule][writer], then.by_writer[rule][writer]
            only = (now.hits.get(rule, set()) - then.hits.get(rule, set())) & ids[writer]
            positives = a.tp + a.fn
            lines.append(f"    {rule} now    {a.row()}")
            lines.append(f"    {rule} then   {b.row()}")
            share = f"{len(only) / max(positives, 1):.0%}"
            lines.append(f"    {rule} found only by entries added since: {len(only)} of "
                         f"{positives} positives ({share})")  # fmt: skip
    return lines


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
    parser.add_argument("--writers", action="store_true",
                        help="leave one writer out: each writer's texts with the lexicon before "
                        "that writer was read")  # fmt: skip
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
    if args.writers:
        print("\n".join(writers_report(cues)))
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
