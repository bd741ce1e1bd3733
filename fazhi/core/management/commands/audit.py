"""``fazhi audit verify`` checks the hash chain of the audit log; ``fazhi audit head`` prints the
chain's head (the hash a bureau writes down or has notarised); ``fazhi audit row N`` prints row N
and its hash (to compare with a head written down earlier)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from fazhi.core.audit import HEAD_ID, verify_chain
from fazhi.core.models import AuditEvent, AuditHead


class Command(BaseCommand):
    help = "审计日志：verify 校验哈希链（有问题时退出码 1）；head 显示链头；row N 显示第 N 条"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="校验整条哈希链")
        sub.add_parser("head", help="显示链头（最后序号与哈希），供登记或公证")
        row = sub.add_parser("row", help="显示某一序号的记录及其哈希（核对登记或公证过的链头）")
        row.add_argument("seq", help="审计记录的序号（正整数）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "head":
            head = AuditHead.objects.filter(pk=HEAD_ID).first()
            if head is None:
                self.stdout.write("审计日志为空，尚无链头。")
                return
            self.stdout.write(f"序号 {head.seq}")
            self.stdout.write(f"时间 {timezone.localtime(head.updated_at).isoformat()}")
            self.stdout.write(f"哈希 {head.hash}")
            return
        if options["subcommand"] == "row":
            raw = str(options["seq"]).strip()
            if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
                self.stderr.write(f"序号须为正整数：{raw!r}。")
                raise SystemExit(2)
            # beyond the column's range there is no row either (and PostgreSQL would refuse it)
            seq = int(raw)
            event = AuditEvent.objects.filter(seq=seq).first() if seq < 2**63 else None
            if event is None:
                head = AuditHead.objects.filter(pk=HEAD_ID).first()
                last = f"现有序号 1–{head.seq}" if head is not None and head.seq else "审计日志为空"
                # stderr and a non-zero status: a script checking a notarised head must notice
                self.stderr.write(f"序号 {seq} 的审计记录不存在（{last}）。")
                raise SystemExit(1)
            self.stdout.write(f"序号 {event.seq}")
            self.stdout.write(f"时间 {timezone.localtime(event.at).isoformat()}")
            self.stdout.write(
                f"操作 {event.actor} {event.action_shown} {event.target_type} {event.target_id}"
            )
            self.stdout.write(f"哈希 {event.hash}")
            return
        report = verify_chain()
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise SystemExit(1)
