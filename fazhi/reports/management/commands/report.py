"""``fazhi report daily|weekly|monthly|quarterly --period P --out FILE [--unit UNIT_ID]
[--actor USER]``: generate a report (stored with its 文号 and history, audited) and write its
.docx or its .xlsx annex to FILE. P is ``2026-10-08``, ``2026-W41``, ``2026-10`` or ``2026-Q3``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fazhi.core.services import command_actor
from fazhi.reports.periods import KIND_NAMES, ReportError
from fazhi.reports.services import write_file


class Command(BaseCommand):
    help = "生成日巡查、周通报、月考评或季分析报告，写出 .docx 正文或 .xlsx 附件。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=list(KIND_NAMES), help="报告种类：daily 日巡查，"
                            "weekly 周通报，monthly 月考评，quarterly 季分析")  # fmt: skip
        parser.add_argument(
            "--period", required=True, help="期间：2026-10-08、2026-W41、2026-10 或 2026-Q3"
        )
        parser.add_argument("--out", required=True, help="输出文件，以 .docx 或 .xlsx 结尾")
        parser.add_argument("--unit", default=None, help="单位编号（默认全局）")
        parser.add_argument(
            "--actor", default=None, help="执行人：平台用户名，记入审计日志（默认系统账号）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = command_actor(options["actor"])
        out = Path(options["out"])
        try:
            report = write_file(options["kind"], options["period"], options["unit"], out,
                                actor=actor)  # fmt: skip
        except ReportError as exc:
            raise CommandError(exc.message) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{report.title}（{report.number}）已写入 {out}")
