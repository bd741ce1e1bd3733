"""``fazhi demo``: one command from nothing to a running demo county.

Migrates, generates the demo county (deterministic for the seed), imports it, loads the rule
pack's standards, creates one login per role, replays the county's year with the real patrol,
the real tick and people acting through the real services at past moments
(``fazhi.workbench.replay``; ``--no-history`` patrols once at ``as_of`` instead), and serves on
http://127.0.0.1:8000 while ``fazhi tick`` runs in the background every few minutes (incremental
patrol, escalations, daily questions, dispute follow-ups, notifications). The demo county ends at
the current hour with work in hand (``fazhi.synth.live``), so that warnings count down on the
real clock. Safe to run again: existing data is kept unless ``--reset``.
"""

from __future__ import annotations

import argparse
import json
import secrets
import threading
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections, transaction
from django.db.models import Count, Q
from django.utils import timezone

from fazhi.accounts.models import Role
from fazhi.accounts.services import provision_user, system_user
from fazhi.core.tick import run_tick
from fazhi.dailycheck.models import DailyAnswer, DailySheet
from fazhi.disputes.models import ChecklistAnswer, Dispute, EscalationLetter, FollowupPlan, Party
from fazhi.exchange.services import import_bundle
from fazhi.intel.models import TranscriptBand, TranscriptSignature
from fazhi.notifications.models import Notification, WebhookDelivery
from fazhi.patrol import whatif
from fazhi.patrol.models import Finding, FindingStatus, PatrolRun, Rule, RuleKind
from fazhi.patrol.pack import DEFAULT_PACK, load_pack
from fazhi.patrol.periods import HolidayCalendar
from fazhi.patrol.services import run_patrol, sync_rules
from fazhi.records import models as m
from fazhi.records.enums import OfficerRole, UnitKind
from fazhi.rectification.models import Attachment, InterviewReminder, Problem, ProblemAction
from fazhi.standards.services import sync_pack_standards
from fazhi.workbench.replay import history_start, replay

# username → (role, the officer role to pick, prefer a 派出所 officer)
DEMO_LOGINS: list[tuple[str, Role, str | None]] = [
    ("minjing", Role.OFFICER, OfficerRole.OFFICER),
    ("fazhiyuan", Role.LEGAL_OFFICER, OfficerRole.LEGAL_OFFICER),
    ("yewu", Role.BUSINESS_LEAD, OfficerRole.BUSINESS_LEAD),
    ("fenguan", Role.LEGAL_LEADER, OfficerRole.LEGAL_LEADER),
    ("suozhang", Role.CHIEF, OfficerRole.CHIEF),
    ("juzhang", Role.BUREAU_LEADER, OfficerRole.BUREAU_LEADER),
    ("fazhidadui", Role.LEGAL_BRIGADE, None),
    ("fuwu", Role.SERVICE_DESK, None),  # an officer of the 执法办案管理中心
]


class Command(BaseCommand):
    help = "一键演示：迁移数据库、生成并导入演示县数据、巡查、创建各角色账号并启动服务。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="模拟数据随机种子")
        parser.add_argument("--reset", action="store_true", help="清空已有数据后重新生成")
        parser.add_argument("--no-serve", action="store_true", help="准备好数据后不启动服务")
        parser.add_argument(
            "--no-history", action="store_true", help="不回放一年的历史，只在截止时点巡查一次"
        )
        parser.add_argument(
            "--as-of",
            type=_moment,
            default=None,
            help="演示县数据的截止时点（带时区的 ISO 时间，默认当前整点）",
        )
        parser.add_argument("--addr", default="127.0.0.1:8000", help="服务地址（仅本机）")
        parser.add_argument(
            "--tick-seconds",
            type=int,
            default=300,
            help="后台定时任务间隔秒数（0：不运行）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("① 迁移数据库 …")
        call_command("migrate", verbosity=0, interactive=False)
        if options["reset"]:
            self._reset()
        as_of, fresh = self._load(options["seed"], options["as_of"])
        sync_rules(load_pack(DEFAULT_PACK))  # the standards name the pack's rules
        sync_pack_standards(actor=system_user())
        # the logins come first, so that the history's notifications reach them
        self.stdout.write("③ 创建演示账号（密码每次运行重新生成）：")
        for username, role, password, who in self._logins(as_of):
            self.stdout.write(f"   {role:<8} 用户名 {username:<12} 密码 {password}   {who}")
        if fresh and not options["no_history"]:
            start = history_start(as_of)
            self.stdout.write(
                f"④ 回放 {start:%Y-%m-%d} 至 {as_of:%Y-%m-%d %H:%M} 的历史"
                "（过去时点的巡查、定时任务与人员操作）…"
            )
            report = replay(as_of=as_of, start=start, seed=options["seed"], actor=system_user())
            self.stdout.write(f"   {report.summary()}")
            if options["verbosity"] >= 2:
                spent = "，".join(
                    f"{k} {v:.1f}秒"
                    for k, v in sorted(report.seconds.items(), key=lambda kv: -kv[1])
                )
                self.stdout.write(f"   用时：{spent}")
        elif fresh:
            self.stdout.write("④ 执行巡查与定时任务（整改、督办、每日十问、纠纷分级与回访）…")
            run_patrol(as_of=as_of, actor=system_user(), now=as_of)
            run_tick(actor=system_user())
        else:
            # the store has its history already: the tick brings it up to the wall clock
            self.stdout.write("④ 运行定时任务（巡查、整改、督办、每日十问、纠纷分级与回访）…")
            run_tick(actor=system_user())
        found = Finding.objects.open().count()
        warnings = Finding.objects.open().filter(status=FindingStatus.WARNING).count()
        self.stdout.write(
            f"   截至 {as_of:%Y-%m-%d %H:%M}：有效发现 {found} 条，其中临期提醒 {warnings} 条"
        )
        if options["no_serve"]:
            return
        addr = options["addr"]
        if not addr.startswith(("127.", "localhost")):
            raise CommandError("演示服务只监听本机地址（127.0.0.1）")
        if options["tick_seconds"] > 0:
            self._start_ticker(options["tick_seconds"])
        self.stdout.write(f"⑤ 服务已启动：http://{addr}/  （Ctrl-C 退出）")
        call_command("runserver", addr, use_reloader=False, insecure=True, skip_checks=True)

    def _start_ticker(self, seconds: int) -> None:
        """``fazhi tick`` every ``seconds`` in a daemon thread beside the development server."""
        stop = threading.Event()

        def loop() -> None:
            while not stop.wait(seconds):
                close_old_connections()
                try:
                    run_tick()
                except Exception as exc:  # the demo server must outlive a failed tick
                    self.stderr.write(f"后台定时任务失败：{exc!r}")
                finally:
                    close_old_connections()

        threading.Thread(target=loop, name="fazhi-tick", daemon=True).start()
        self.stdout.write(f"   后台定时任务（fazhi tick）每 {seconds} 秒运行一次")

    def _reset(self) -> None:
        self.stdout.write("   清空已有数据 …")
        with transaction.atomic():
            # what the history made of the records (problems, notices, disputes, daily sheets,
            # the text index), then the records themselves; rules, policies, standards and the
            # audit log stay
            for made in (
                Attachment, ProblemAction, InterviewReminder, Problem, Notification,
                WebhookDelivery, EscalationLetter, FollowupPlan, ChecklistAnswer, Party, Dispute,
                DailyAnswer, DailySheet, TranscriptBand, TranscriptSignature, Finding, PatrolRun,
            ):  # fmt: skip
                made.objects.all()._raw_delete(made.objects.db)
            for model in (
                m.IncidentOfficer, m.EventOfficer, m.CaseOfficer, m.TranscriptOfficer,
                m.Followup, m.Document, m.VenueVisit, m.Transcript, m.Event, m.Property,
                m.Measure, m.Person, m.Case, m.Incident, m.Venue, m.Officer,
            ):  # fmt: skip
                model.objects.all()._raw_delete(model.objects.db)
            m.Unit.objects.update(parent=None)
            m.Unit.objects.all()._raw_delete(m.Unit.objects.db)

    def _load(self, seed: int, cut: datetime | None) -> tuple[datetime, bool]:
        """The demo county's ``as_of``, and whether it was imported just now."""
        out_dir = Path(settings.DATA_DIR) / "demo"
        out_dir.mkdir(parents=True, exist_ok=True)
        bundle = out_dir / f"demo-{seed}.jsonl.gz"
        truth = out_dir / f"demo-{seed}.truth.jsonl"
        made = _cut_of(truth) if bundle.exists() and truth.exists() else None
        if cut is not None and made is not None and made != cut:
            if m.Unit.objects.exists():
                raise CommandError(
                    f"已有截至 {timezone.localtime(made):%Y-%m-%d %H:%M} 的演示数据；"
                    "换截止时点请加 --reset"
                )
            made = None
        if made is None:
            # the county's year ends at the current hour: clocks and warnings are live
            as_of = cut or timezone.localtime().replace(minute=0, second=0, microsecond=0)
            self.stdout.write(f"② 生成演示县数据（种子 {seed}，截至 {as_of:%Y-%m-%d %H:%M}）…")
            call_command(
                "generate", scale="demo", seed=seed, out=str(bundle), as_of=as_of.isoformat(),
                verbosity=0,
            )  # fmt: skip
        as_of = _cut_of(truth)
        if m.Unit.objects.exists():
            self.stdout.write("② 已有数据，跳过生成和导入（--reset 可重新生成）")
            return as_of, False
        self.stdout.write("   导入 …")
        report = import_bundle([bundle], actor=system_user())
        if not report.ok:
            for error in report.errors[:20]:
                self.stderr.write(str(error))
            raise CommandError("演示数据导入失败")
        self.stdout.write(f"   导入 {report.total} 条记录")
        return as_of, True

    def _logins(self, as_of: datetime) -> list[tuple[str, str, str, str]]:
        legal_brigade = m.Unit.objects.filter(kind=UnitKind.LEGAL_BRIGADE).first()
        # the 民警 with the most clocks running at as_of (his workbench opens on warnings), then
        # the most cases of the last days, and the leaders of his 派出所
        running = _running_clocks(as_of)
        recent = Q(
            led_cases__accepted_at__gt=as_of - timedelta(days=3), led_cases__accepted_at__lte=as_of
        )
        candidates = m.Officer.objects.filter(
            active=True, role=OfficerRole.OFFICER, unit__kind=UnitKind.POLICE_STATION
        ).annotate(recent=Count("led_cases", filter=recent))
        busiest = min(
            candidates,
            key=lambda o: (-running[o.pk], -o.recent, o.unit_id, o.pk),
            default=None,
        )
        station = busiest.unit_id if busiest else None
        printed = []
        for username, role, officer_role in DEMO_LOGINS:
            officers = m.Officer.objects.filter(active=True).order_by("unit_id", "pk")
            if role == Role.SERVICE_DESK:
                officer = officers.filter(unit__kind=UnitKind.CASE_CENTRE).first()
            elif officer_role is None:
                officer = officers.filter(unit=legal_brigade).first() if legal_brigade else None
            elif officer_role == OfficerRole.OFFICER and busiest is not None:
                officer = busiest
            else:
                officers = officers.filter(role=officer_role)
                officer = officers.filter(unit_id=station).first() or officers.first()
            password = secrets.token_urlsafe(9)
            provision_user(
                actor=system_user(),
                username=username,
                password=password,
                role=role,
                officer=officer,
                unit=officer.unit if officer else legal_brigade,
                superuser=role == Role.LEGAL_BRIGADE,
            )
            who = f"{officer.unit.name} {officer.name}" if officer else ""
            printed.append((username, role.label, password, who))
        return printed


def _running_clocks(as_of: datetime) -> Counter[str]:
    """Officers by the legal periods of theirs still running at ``as_of``: the warnings the
    year's last patrol will give them, read from the pack's deadline rules without writing.

    Chosen before the replay, since the logins must exist for the year's notices; which
    officer holds open clocks at the cut depends on the hour the county ends, not on the seed
    alone, so guessing from recent cases left the 民警 with none at some hours."""
    calendar = HolidayCalendar.from_database()
    pack = load_pack(DEFAULT_PACK)
    running: Counter[str] = Counter()
    for rule in Rule.objects.filter(kind=RuleKind.DEADLINE, enabled=True, pack=DEFAULT_PACK):
        rdef = pack.rule(rule.code)
        settings_now = {**rdef.defaults, **rule.overrides}
        for result in whatif.evaluate(rdef, settings_now, as_of=as_of, calendar=calendar).values():
            if (
                result.status == FindingStatus.WARNING
                and result.officer_id
                and result.due_at is not None
                and result.due_at > as_of
            ):
                running[result.officer_id] += 1
    return running


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"截止时点不是 ISO 时间：{text}") from None
    if timezone.is_naive(moment):
        raise argparse.ArgumentTypeError(f"截止时点必须带时区：{text}")
    return moment


def _cut_of(truth: Path) -> datetime:
    """The ``as_of`` a generated demo bundle was cut at (its truth file's header)."""
    header = json.loads(truth.read_text(encoding="utf-8").splitlines()[0])
    return datetime.fromisoformat(header["as_of"])
