"""``fazhi export OUT.jsonl[.gz]``: write the whole store as one FZX bundle."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fazhi.core.services import command_actor
from fazhi.exchange.services import export_store
from fazhi.records.schema import BY_NAME


class Command(BaseCommand):
    help = "导出全部记录为 FZX 数据包（OUT.jsonl 或 OUT.jsonl.gz），可再导入。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("out", metavar="OUT", help="输出文件：….jsonl 或 ….jsonl.gz")
        parser.add_argument(
            "--actor", default=None, help="操作人：平台用户名，记入审计日志（默认系统账号）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out: str = options["out"]
        if not out.endswith((".jsonl", ".jsonl.gz")):
            raise CommandError("输出文件名应以 .jsonl 或 .jsonl.gz 结尾")
        try:
            counts = export_store(out, actor=command_actor(options["actor"]))
        except OSError as exc:
            raise CommandError(f"无法写入 {out}：{exc}") from exc
        for name, count in counts.items():
            if count:
                self.stdout.write(f"{BY_NAME[name].label} {name}：{count}")
        self.stdout.write(f"共导出 {sum(counts.values())} 条记录到 {out}")
