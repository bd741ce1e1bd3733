"""``fazhi evaluate --month YYYY-MM [--as-of ISO-TIME] [--format table|json] [--publish]
[--actor USER]``: compute the month's evaluation (a draft, recomputed whole, unless the month
is published: then the published version is printed untouched) and print it; ``--publish``
checks and publishes the draft (two audited steps by the same actor).

JSON (the contract other tools rely on)::

    {"month": "2026-10", "scheme": "...", "version": 1, "status": "draft", "as_of": "...",
     "units": [{"unit_id", "score", "grade", "rank", "standing", "vetoes": [...],
                "items": [{"indicator", "points", "record_type", "record_id"}]}],
     "officers": [{"officer_id", "unit_id", "score", "grade", "rank", "items": [...]}],
     "leaders": [{"officer_id", "unit_id", "role", "score", "grade", "rank", "items": [...]}]}
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fazhi.core.services import command_actor
from fazhi.evaluation.models import EvaluationStatus, Standing
from fazhi.evaluation.services import (
    EvaluationError,
    check_month,
    compute_month,
    parse_month,
    publish_month,
    report,
)
from fazhi.patrol.management.commands.patrol import parse_as_of
from fazhi.records.models import Officer, Unit

SUBJECTS = (("units", "单位"), ("officers", "民警"), ("leaders", "中层领导"))


class Command(BaseCommand):
    help = "计算（草稿）并输出某月的执法质量考评结果；--publish 审核并发布。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="考评月份，如 2026-10")
        parser.add_argument("--as-of", help="数据截止时点（ISO 8601；无时区按北京时间），默认现在")
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument("--publish", action="store_true", help="审核并发布该月结果")
        parser.add_argument(
            "--actor", default=None, help="执行人：平台用户名，记入审计日志（默认系统账号）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = parse_as_of(options["as_of"]) if options["as_of"] else None
        actor = command_actor(options["actor"])
        try:
            month = parse_month(options["month"])
            evaluation = compute_month(month, actor=actor, as_of=as_of)
            if options["publish"]:
                if evaluation.status == EvaluationStatus.PUBLISHED:
                    raise CommandError(
                        f"{evaluation.month_text} 考评已发布（第{evaluation.version}版），"
                        "不再重新发布"
                    )
                evaluation = publish_month(check_month(evaluation, actor=actor), actor=actor)
        except (EvaluationError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from None
        data = report(evaluation)
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"{data['month']} 执法质量考评 第{data['version']}版"
            f"（{evaluation.get_status_display()}）"
            f"　方案：{data['scheme']}"
        )
        units = dict(Unit.objects.values_list("pk", "name"))
        officers = dict(Officer.objects.values_list("pk", "name"))
        for key, label in SUBJECTS:
            self.stdout.write(f"\n{label}（{len(data[key])}）")
            for row in data[key]:
                who = units.get(row["unit_id"], row["unit_id"])
                if row.get("officer_id"):
                    who += " " + officers.get(row["officer_id"], row["officer_id"])
                if row.get("role"):
                    who += f"（{row['role']}）"
                score = "—" if row["score"] is None else f"{row['score']:.2f}"
                standing = (
                    "" if row["standing"] == Standing.RANKED.label else f"　{row['standing']}"
                )
                veto = (
                    "　一票否决："
                    + "、".join(
                        f"{v['kind']}（{v['record_type']} {v['record_id']}）" for v in row["vetoes"]
                    )
                    if row["vetoes"]
                    else ""
                )
                rank = row["rank"] if row["rank"] is not None else "—"
                self.stdout.write(
                    f"  {rank:>4}  {who:<20} {score:>7}  {row['grade'] or '—'}{standing}"
                    f"　扣分项 {len(row['items'])}{veto}"
                )
