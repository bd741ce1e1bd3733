"""``fazhi holiday_notice``: load, list and check the State Council's holiday notices.

    fazhi holiday_notice load 2027.json --reason 理由 [--replace] [--by 张三]
    fazhi holiday_notice list
    fazhi holiday_notice check [--from 2026] [--until 2027]

The notice file (UTF-8 JSON)::

    {"year": 2027,
     "title": "国务院办公厅关于2027年部分节假日安排的通知",
     "number": "国办发明电〔2026〕X号",
     "rest_days": ["2027-01-01", "..."],
     "work_days": ["2027-02-06", "..."]}

``check`` exits with status 1 when a year in the range is unknown (counted by weekends only),
so that a daily cron job can warn the administrator before limits reach that year.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fazhi.core.services import command_actor
from fazhi.patrol.calendar_models import HolidayNotice, save_notice
from fazhi.patrol.periods import HolidayCalendar, HolidayNoticeData, NoticeError, package_years


class Command(BaseCommand):
    help = "录入、查看和检查国务院办公厅节假日安排通知（期间计算的节假日顺延依据）"

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{load,list,check}")
        load = sub.add_parser(
            "load",
            help="从JSON文件录入一年的节假日安排通知",
            description=(
                "从JSON文件录入一年的国务院办公厅节假日安排通知。文件格式（UTF-8）："
                '{"year": 2027, "title": "国务院办公厅关于2027年部分节假日安排的通知", '
                '"number": "文号", "rest_days": ["2027-10-01", ...], '
                '"work_days": ["2027-10-09", ...]}。通知即该年的完整安排：未列出的日期按'
                "周一至周五上班、周六周日休息计算。"
            ),
        )
        load.add_argument("file", type=Path, help="通知JSON文件（UTF-8）")
        load.add_argument("--reason", default="", help="录入或更正的理由（必填，记入审计日志）")
        load.add_argument("--replace", action="store_true", help="更正已录入的同年通知")
        load.add_argument(
            "--by", default=None, help="录入人：平台用户名（须为管理员或法制大队；默认系统账号）"
        )
        sub.add_parser("list", help="列出已录入的通知")
        this_year = timezone.localdate().year
        check = sub.add_parser("check", help="检查哪些年份的节假日安排未知（有则退出码为1）")
        check.add_argument("--from", dest="first", type=int, default=this_year)
        check.add_argument("--until", dest="last", type=int, default=this_year + 1)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "load":
            self._load(
                options["file"],
                actor=command_actor(options["by"]),
                reason=options["reason"],
                replace=options["replace"],
            )
        elif action == "list":
            self._list()
        else:
            self._check(options["first"], options["last"])

    def _load(self, path: Path, *, actor: User, reason: str, replace: bool) -> None:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"找不到文件：{path}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} 不是UTF-8编码的文本文件") from None
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{path} 不是有效的JSON：第{exc.lineno}行第{exc.colno}列，{exc.msg}"
            ) from None
        try:
            data = HolidayNoticeData.from_json(raw)
        except NoticeError as exc:
            raise CommandError(f"{path}：{exc}") from None
        for warning in data.warnings():
            self.stderr.write(self.style.WARNING(f"提醒：{warning}"))
        try:
            _, replaced = save_notice(
                data, actor=actor, reason=reason, replace=replace, source=str(path)
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        verb = "已更正" if replaced else "已录入"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb}{data.year}年节假日安排：《{data.title}》"
                f"{f'（{data.number}）' if data.number else ''}，"
                f"休息日{len(data.rest_days)}天，调休上班日{len(data.work_days)}天。"
                "涉及该年的期限将在下次巡查时重新计算。"
            )
        )

    def _list(self) -> None:
        first, last = package_years()
        self.stdout.write(f"chinese_calendar 内置{first}年至{last}年的节假日安排。")
        notices = list(HolidayNotice.objects.prefetch_related("days"))
        if not notices:
            self.stdout.write("尚未录入国务院办公厅节假日安排通知。")
            return
        for n in notices:
            data = n.as_data()
            number = f"（{n.number}）" if n.number else ""
            self.stdout.write(
                f"{n.year}年  《{n.title}》{number}  休息日{len(data.rest_days)}天  "
                f"调休上班日{len(data.work_days)}天  "
                f"{n.entered_by} {timezone.localtime(n.entered_at):%Y-%m-%d %H:%M}录入"
            )

    def _check(self, first: int, last: int) -> None:
        if first > last:
            raise CommandError(f"--from {first} 晚于 --until {last}")
        calendar = HolidayCalendar.from_database()
        unknown = calendar.unknown_years(first, last)
        for year in range(first, last + 1):
            if year in unknown:
                self.stdout.write(
                    self.style.ERROR(
                        f"{year}年：未知，期间计算暂按周末计算；"
                        f"请录入《国务院办公厅关于{year}年部分节假日安排的通知》"
                    )
                )
            else:
                self.stdout.write(f"{year}年：已知（{calendar.source(year)}）")
        if unknown:
            raise CommandError(
                "节假日安排未知的年份：" + "、".join(map(str, unknown)), returncode=1
            )
