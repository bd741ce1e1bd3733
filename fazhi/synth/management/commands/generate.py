"""``fazhi generate``: write a synthetic bureau's year as FZX plus its ground truth."""

from __future__ import annotations

from argparse import ArgumentParser, ArgumentTypeError
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fazhi.synth.services import DEFAULT_AS_OF, SCALES, Options, generate


def _rate(text: str) -> tuple[str, float]:
    code, sep, value = text.partition("=")
    try:
        fraction = float(value)
    except ValueError:
        fraction = -1.0
    if not sep or not code or not 0.0 <= fraction <= 1.0:
        raise ArgumentTypeError(f"expected RULE=FRACTION with a fraction in [0, 1], got {text!r}")
    return code.strip(), fraction


class Command(BaseCommand):
    help = "生成模拟县局数据（FZX JSON Lines）及其标准答案（.truth.jsonl）"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--out", type=Path, required=True, help="….jsonl or ….jsonl.gz")
        parser.add_argument("--as-of", default=DEFAULT_AS_OF, help="end of the data window (ISO)")
        parser.add_argument(
            "--rate",
            type=_rate,
            action="append",
            default=[],
            metavar="RULE=FRACTION",
            help="injection rate of one rule (a fraction of its population), repeatable",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = generate(
                Options(
                    scale=options["scale"],
                    seed=options["seed"],
                    out=Path(options["out"]),
                    as_of=options["as_of"],
                    rates=dict(options["rate"] or []),
                )
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] == 0:
            return
        self.stdout.write(
            f"{summary.records} records, {summary.findings} expected findings in "
            f"{summary.seconds:.1f} s ({summary.records_per_second:,.0f} records/s)\n"
            f"data:  {summary.out}\ntruth: {summary.truth}"
        )
