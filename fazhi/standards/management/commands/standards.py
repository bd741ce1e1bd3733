"""``fazhi standards``: the standards library as a file (标准库文件, docs/standards.md).

    fazhi standards export [--output FILE]        the whole library (every version) as JSON Lines
    fazhi standards import FILE [--actor USER]     check the whole file, then bring it in

An import writes nothing unless the whole file is right, and prints every problem (line,
standard, version, field) otherwise; it is audited under ``--actor`` (a 法制大队 user or an
administrator) or, without it, the system account."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fazhi.core.audit_actions import AuditAction
from fazhi.core.services import command_actor, record_audit
from fazhi.standards.library import export_library, import_library
from fazhi.standards.services import StandardError


class Command(BaseCommand):
    help = "执法标准库文件：export 导出、import 导入（格式见 docs/standards.md）"

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{export,import}")
        export = sub.add_parser("export", help="导出整个标准库（全部版本）为标准库文件")
        export.add_argument(
            "--output", "-o", type=Path, default=None, help="写入该文件（默认输出到屏幕）"
        )
        export.add_argument("--actor", default=None, help="以该平台用户的身份导出（默认系统）")
        load = sub.add_parser(
            "import",
            help="导入标准库文件（先检查整个文件，有错则不导入任何内容）",
            description=(
                "导入标准库文件：本库没有的标准连同全部版本新增；内容有变的标准发布为新版本；"
                "文件中已废除的标准在本库废除；本库独有的标准不受影响。"
            ),
        )
        load.add_argument("file", type=Path, help="标准库文件（.jsonl，UTF-8）")
        load.add_argument(
            "--actor", default=None, help="导入人：平台用户名（须为法制大队或管理员；默认系统）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = command_actor(options.get("actor"))
        if options["action"] == "export":
            text = export_library()
            count = text.count("\n") - 1
            target = options.get("output")
            if target is None:
                sys.stdout.write(text)
            else:
                target.write_text(text, encoding="utf-8")
                self.stderr.write(f"已导出 {count} 条标准到 {target}")
            record_audit(
                actor, AuditAction.EXPORT_STANDARDS, target_type="standards",
                details={"count": count, "file": str(target or "")},
            )  # fmt: skip
            return
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc.strerror}") from None
        try:
            result = import_library(data, actor=actor, name=path.name)
        except StandardError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"标准库文件 {path.name} 已导入：{result.summary()}")
