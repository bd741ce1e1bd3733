"""``fazhi import PATH…``: import one FZX bundle; exit status 1 when anything was refused."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fazhi.core.services import command_actor
from fazhi.exchange.fzx import Bundle
from fazhi.exchange.management.console import ProgressBar
from fazhi.exchange.services import SourceError, import_bundle


class Command(BaseCommand):
    help = (
        "导入 FZX 数据包：.jsonl、.jsonl.gz、按类型分文件的 CSV 文件夹或 .xlsx 工作簿，"
        "多个路径合为一个数据包。默认全部校验通过才写入（任何一条有错误则全部不写入）；"
        "--skip-invalid 写入有效记录并跳过有错误的记录。有记录被拒绝时退出码为 1。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="数据文件或 CSV 文件夹")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="写入有效记录，跳过有错误的记录（以及引用它们的记录）",
        )
        parser.add_argument(
            "--actor", default=None, help="操作人：平台用户名，记入审计日志（默认系统账号）"
        )

    def execute(self, *args: Any, **options: Any) -> str | None:
        try:
            return super().execute(*args, **options)
        except CommandError as exc:
            from_console = getattr(self, "_called_from_command_line", False)
            if not from_console or options.get("traceback"):
                raise
            # Django would print the exception's class name before the message
            # ("CommandError: 导入被拒绝…"); the people who import read Chinese only.
            self.stderr.write(str(exc))
            sys.exit(exc.returncode)

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[str] = options["paths"]
        actor = command_actor(options["actor"])
        bar = None
        try:
            if self.stderr.isatty():
                bar = ProgressBar(self.stderr, Bundle(paths).estimated_records())
            report = import_bundle(
                paths,
                actor=actor,
                skip_invalid=options["skip_invalid"],
                progress=bar.update if bar else None,
            )
        except SourceError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if bar:
                bar.close()
        for error in report.errors:
            self.stdout.write(str(error))
        if report.errors:
            self.stdout.write("")
        self.stdout.write(report.summary())
        refused = sum(report.refused.values())
        if not report.ok:
            raise CommandError(f"导入被拒绝：{refused} 条记录有错误，未写入任何数据")
        if refused:
            raise CommandError(f"已写入有效记录，{refused} 条有错误的记录被拒绝")
