"""``fazhi gongkai code --case CASE_ID [--new] [--person PERSON_ID] [--actor USER]``: the case's
执法公开 query code for the 受案回执.

The code is kept only as a keyed digest, so an issued code cannot be printed again. Without
``--new``: when the case has a code, say to whom and when it was issued (and how to replace it);
when it has none, issue one and print it. ``--new`` issues a new code and prints it; the old one
stops working at once."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fazhi.core.services import command_actor
from fazhi.core.templatetags.display import local_time
from fazhi.gongkai import codes, services
from fazhi.records import models as m


class Command(BaseCommand):
    help = "执法公开：code 签发或查看案件的查询码"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{code}")
        code = sub.add_parser("code", help="签发案件查询码（已签发时仅显示签发情况）")
        code.add_argument("--case", required=True, help="案件编号")
        code.add_argument("--new", action="store_true", help="重新签发，原查询码作废")
        code.add_argument(
            "--person", help="签发对象（人员编号；默认本案第一位登记电话的报案人或被害人）"
        )
        code.add_argument("--actor", help="以该平台用户的身份签发（默认系统）")

    def handle(self, *args: Any, **options: Any) -> None:
        case = m.Case.objects.filter(pk=options["case"]).first()
        if case is None:
            raise CommandError(f"案件 {options['case']} 不存在")
        active = services.active_code(case)
        if active is not None and not options["new"]:
            holder = m.Person.objects.filter(pk=active.person_id).first()
            self.stdout.write(
                f"案件 {case.pk} 已于 {local_time(active.issued_at)} 签发查询码给 "
                f"{holder.name if holder else active.person_id}"
                f"（{holder.role if holder else '—'}）。查询码仅保存加密摘要，无法再次显示；"
                f"如需补打，请加 --new 重新签发（原查询码随即作废）。"
            )
            return
        person_id = options.get("person")
        if not person_id:
            parties = services.parties(case)
            if not parties:
                raise CommandError(f"案件 {case.pk} 没有登记电话的报案人或被害人，无法签发查询码")
            person_id = parties[0].pk
        try:
            issued = services.issue_code(
                actor=command_actor(options.get("actor")), case=case, person_id=person_id
            )
        except (services.GongkaiError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from None
        person = m.Person.objects.get(pk=issued.row.person_id)
        note = "，原查询码已作废" if issued.replaced else ""
        self.stdout.write(
            f"案件 {case.pk} 查询码（签发给 {person.name}，{person.role}{note}）："
            f"{codes.grouped(issued.code)}"
        )
