"""``fazhi intel rebuild|sync|check ID``: the near-duplicate transcript index (ZN-BL-01)."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fazhi.core.services import command_actor
from fazhi.intel import duplicates, services
from fazhi.records import models as m


class Command(BaseCommand):
    help = "笔录雷同索引：rebuild 重新学习套话并重建索引；sync 增量更新；check 检查一份笔录"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild", "sync", "check"])
        parser.add_argument("transcript_id", nargs="?")
        parser.add_argument("--actor", default=None, help="操作人：平台用户名（默认系统账号）")
        parser.add_argument("--min-jaccard", type=float, default=0.6)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "rebuild":
            report = services.rebuild_index(actor=command_actor(options["actor"]))
            self.stdout.write(
                f"套话版本 {report.version}：{report.corpus} 份笔录，"
                f"出现于 ≥{report.min_df} 份的句子 {report.boilerplate} 句，"
                f"常用句特征 {report.stock} 个；"
                f"已签名 {report.signed} 份，用时 {report.seconds} 秒"
            )
        elif action == "sync":
            self.stdout.write(
                json.dumps(services.sync_index(actor=command_actor(options["actor"])))
            )
        else:
            tid = options["transcript_id"]
            if not tid:
                raise CommandError("check 需要笔录编号")
            clock = time.perf_counter()
            try:
                matches = duplicates.check_transcript(tid, options["min_jaccard"])
            except m.Transcript.DoesNotExist as exc:
                raise CommandError(str(exc)) from None
            ms = (time.perf_counter() - clock) * 1000
            for match in matches:
                self.stdout.write(f"{match.other_id}\t{match.jaccard:.3f}")
            self.stdout.write(f"{len(matches)} 份雷同笔录，用时 {ms:.1f} ms")
