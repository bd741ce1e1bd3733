"""``fazhi backup [PATH] [--keep N] [--actor USER]``: the database and the data directory in one
archive (docs/operations.md, 备份与恢复)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fazhi.core.services import command_actor
from fazhi.ops.services import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "备份数据库和数据目录（附件、报告）到一个 .tar 文件；"
        "PostgreSQL 用 pg_dump，运行中即可备份。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            help="备份文件（以 .tar 结尾）或存放备份的目录；默认 FAZHI_BACKUP_DIR",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=0,
            help="写完后只保留该目录中最新的 N 个备份（默认全保留）",
        )
        parser.add_argument(
            "--actor", default=None, help="执行人：平台管理员用户名（默认系统账号）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["keep"] < 0:
            raise CommandError("--keep 须为非负整数")
        try:
            path, manifest, gone = create_backup(
                actor=command_actor(options["actor"]),
                path=Path(options["path"]) if options["path"] else None,
                keep=options["keep"],
            )
        except (BackupError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from None
        size = path.stat().st_size
        self.stdout.write(
            f"已备份到 {path}（{size / 1e6:.1f} MB；数据库 {manifest.engine}，"
            f"{manifest.files} 个文件）"
        )
        for old in gone:
            self.stdout.write(f"已删除旧备份 {old}")
