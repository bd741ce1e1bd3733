"""``fazhi evaluation check [FILE.toml]``: validate an evaluation scheme (the shipped default
when no file is named). Exit 0 when valid; otherwise 1, with each problem in Chinese (a
forbidden indicator named)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fazhi.evaluation.scheme import SUBJECT_LABELS, SchemeError, load


class Command(BaseCommand):
    help = "执法质量考评方案：check 校验方案文件"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{check}")
        check = sub.add_parser("check", help="校验考评方案（不指定文件时校验随附的默认方案）")
        check.add_argument("file", nargs="?", type=Path, help="考评方案TOML文件")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options.get("file")
        try:
            scheme = load(path)
        except SchemeError as exc:
            for problem in exc.problems:
                self.stderr.write(f"- {problem}")
            raise CommandError(
                f"考评方案{f' {path} ' if path else ''}有 {len(exc.problems)} 处问题", returncode=1
            ) from None
        counts = "、".join(
            f"{label} {len(scheme.for_subject(subject))} 项"
            for subject, label in SUBJECT_LABELS.items()
        )
        self.stdout.write(
            f"考评方案有效：{scheme.label}，共 {len(scheme.indicators)} 个指标（{counts}）"
        )
