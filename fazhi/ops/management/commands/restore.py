"""``fazhi restore FILE [--replace] [--jobs N]``: put a backup of ``fazhi backup`` back
(docs/operations.md, 备份与恢复). Stop the web server, the workers and the scheduler first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fazhi.ops.services import BackupError, pending_migrations, restore_backup


class Command(BaseCommand):
    help = (
        "从 fazhi backup 的备份恢复数据库和数据目录。恢复前请停止网站、后台进程和定时任务；"
        "数据库不是空库时须加 --replace（删除其中全部数据）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="fazhi backup 写的 .tar 备份文件")
        parser.add_argument(
            "--replace", action="store_true", help="删除当前数据库中的全部数据后恢复"
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            help="PostgreSQL：pg_restore 并行任务数（大于 1 时不在单个事务中恢复）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["file"])
        try:
            manifest = restore_backup(
                source=source, replace=options["replace"], jobs=max(1, options["jobs"])
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"已从 {source} 恢复（备份时间 {manifest.created_at}，{manifest.files} 个文件）"
        )
        pending = pending_migrations()
        if pending:
            self.stdout.write(
                f"备份来自较早的版本：还有 {len(pending)} 个数据库迁移未执行，请运行 fazhi migrate"
            )
