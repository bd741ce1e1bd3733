"""The demo bureau's year: fazhi really run in the past, as if the bureau had used it since the
start of the generated window.

``replay`` walks simulated moments from the window's start to ``as_of`` (a coarse step early in
the year, daily near ``as_of``). Before each moment the people act whose act falls due by then,
each through the real services, as the person's own account and stamped with the simulated time
of the act; at the moment itself ``fazhi tick`` runs with ``now`` set to it (incremental patrol,
problems and escalation, 约谈提醒, 每日十问, dispute follow-ups). The patrol judges the store at
that moment only by what had happened by then (records and times after it do not count, see
``patrol/tests/test_open_clocks.py``), so findings, problems, 销号, escalations, 约谈 and
notifications come out spread over the year.

What people do is drawn per problem from a random stream seeded by the demo seed and the
problem's finding, so the same seed gives the same history: most officers fix in time and their
法制员 strikes the problem off (some fixes are sent back first), some fix late (the problem
escalates meanwhile), a few appeal, and a few let the problem run to the top of the ladder.
"""

from __future__ import annotations

import heapq
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q
from django.utils import timezone

from fazhi.accounts.models import Profile, Role
from fazhi.accounts.services import provision_user
from fazhi.core.errors import DomainError
from fazhi.core.registry import tick_steps
from fazhi.core.tick import run_tick
from fazhi.core.timezones import SHANGHAI
from fazhi.records import models as m
from fazhi.records.enums import OfficerRole
from fazhi.rectification.models import Problem, ProblemStatus, Verb
from fazhi.rectification.services.transitions import (
    appeal,
    approve_fix,
    decide_appeal,
    reject_fix,
    submit_fix,
)

# An officer's role → the role of his account.
ACCOUNT_ROLES = {
    OfficerRole.OFFICER: Role.OFFICER,
    OfficerRole.LEGAL_OFFICER: Role.LEGAL_OFFICER,
    OfficerRole.BUSINESS_LEAD: Role.BUSINESS_LEAD,
    OfficerRole.LEGAL_LEADER: Role.LEGAL_LEADER,
    OfficerRole.CHIEF: Role.CHIEF,
    OfficerRole.BUREAU_LEADER: Role.BUREAU_LEADER,
}

FIX_NOTES = (
    "已补录相关法律文书并上传，经核对无误。",
    "已按规定补办手续，相关材料已归档。",
    "已组织办案民警学习相关规定，问题已整改。",
    "已补充记录办理时间和经办人，系统数据已更正。",
)
REJECT_NOTES = ("整改材料不完整，请补充盖章的法律文书。", "说明过于简单，请写明整改的具体措施。")
# Tick steps run at the last moment only: the reports the schedule issues are documents (a .docx
# with charts and an .xlsx each), and rendering a year of them (about 430) would cost the demo
# minutes for nothing a legal officer would open; the last moment issues the latest of each kind
# (the schedule catches up), which is what a bureau starting fazhi today would have.
# The custody reconciliation likewise: each run replaces the last, only the latest is read.
LAST_MOMENT_STEPS = frozenset({"reports", "custody"})
APPEAL_NOTES = ("该措施已按时办理，系统录入时间有误，附原始文书。",)


@dataclass(frozen=True)
class Steps:
    """The simulated moments: every ``coarse`` until ``fine_span`` before ``as_of``, then every
    ``fine``; each at ``hour`` o'clock local time, the last one ``as_of`` itself."""

    coarse: timedelta = timedelta(days=30)
    fine: timedelta = timedelta(days=1)
    fine_span: timedelta = timedelta(days=10)
    hour: int = 9

    def moments(self, start: datetime, as_of: datetime) -> list[datetime]:
        local = timezone.localtime(start, SHANGHAI)
        t = local.replace(hour=self.hour, minute=0, second=0, microsecond=0)
        if t <= start:
            t += timedelta(days=1)
        out: list[datetime] = []
        while t < as_of:
            out.append(t)
            t += self.fine if as_of - t <= self.fine_span else self.coarse
        out.append(as_of)
        return out


@dataclass(order=True)
class Act:
    at: datetime
    seq: int
    kind: str = field(compare=False)
    problem_id: int = field(compare=False)


@dataclass
class Report:
    moments: int = 0
    acts: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)  # per tick step, and the total

    def summary(self) -> str:
        done = "，".join(f"{label} {self.acts[k]}" for k, label in LABELS.items() if self.acts[k])
        refused = sum(self.refused.values())
        tail = f"；被拒绝的操作 {refused}" if refused else ""
        return f"回放 {self.moments} 个时点；{done or '无人员操作'}{tail}"


LABELS = {
    "submit": "提交整改",
    "approve": "销号",
    "reject": "退回",
    "appeal": "申诉",
    "decide": "申诉裁决",
}


class Replay:
    """One replay of the store's year (see the module docstring)."""

    def __init__(self, *, seed: int, actor: User) -> None:
        self.seed = seed
        self.actor = actor
        self.queue: list[Act] = []
        self.seq = 0
        self.planned: set[tuple[int, str]] = set()  # (problem, status) already planned
        self.accounts: dict[str, User] = {}
        self.report = Report()

    # --- accounts ---------------------------------------------------------------------------

    def account(self, officer: m.Officer) -> User:
        """The officer's account: the demo login made for him, else one made now that cannot
        sign in (the history's officers act only through the services)."""
        if officer.pk in self.accounts:
            return self.accounts[officer.pk]
        profile = Profile.objects.filter(officer=officer).select_related("user").first()
        if profile is not None:
            user = profile.user
        else:
            user = provision_user(
                actor=self.actor,
                username=f"officer-{officer.pk}".lower(),
                password=None,  # cannot sign in: it acts only in the replayed history
                role=ACCOUNT_ROLES.get(OfficerRole(officer.role), Role.OFFICER),
                officer=officer,
            )
        self.accounts[officer.pk] = user
        return user

    def unit_officer(self, unit_id: str | None, role: str) -> User | None:
        if unit_id is None:
            return None
        officer = (
            m.Officer.objects.filter(unit_id=unit_id, role=role, active=True).order_by("pk").first()
        )
        return self.account(officer) if officer else None

    def fixer(self, problem: Problem) -> User | None:
        """Who reports the fix: the responsible 民警, else his unit's 业务负责人."""
        officer = problem.officer
        if officer is not None and officer.role == OfficerRole.OFFICER:
            return self.account(officer)
        return self.unit_officer(problem.unit_id, OfficerRole.BUSINESS_LEAD)

    def reviewer(self, problem: Problem) -> User | None:
        """Who reviews: the unit's 法制员, else (a unit without one) the 法制大队's login."""
        user = self.unit_officer(problem.unit_id, OfficerRole.LEGAL_OFFICER)
        if user is not None:
            return user
        return (
            User.objects.filter(profile__role=Role.LEGAL_BRIGADE, is_active=True)
            .order_by("pk")
            .first()
        )

    # --- what people do -----------------------------------------------------------------------

    def rng(self, problem: Problem, step: str) -> random.Random:
        return random.Random(
            f"fazhi-demo/{self.seed}/{problem.rule_id}/{problem.finding.subject_type}/"
            f"{problem.finding.subject_id}/{problem.created_at.isoformat()}/{step}"
        )

    def schedule(self, kind: str, problem: Problem, at: datetime) -> None:
        self.seq += 1
        heapq.heappush(self.queue, Act(at, self.seq, kind, problem.pk))

    def plan(self, now: datetime) -> None:
        """Plan the next act of every problem waiting for someone (once per status)."""
        people = ~Q(actions__verb=Verb.ESCALATE)
        waiting = (
            Problem.objects.filter(
                status__in=[ProblemStatus.OPEN, ProblemStatus.FIXED, ProblemStatus.APPEALED],
                created_at__lte=now,
            )
            .select_related("finding", "officer")
            # escalations are the tick's, not a person's: they do not re-plan a problem
            .annotate(
                since=Max("actions__at", filter=people),
                steps=Count("actions", filter=people),
            )
        )
        for problem in waiting:
            steps: int = problem.steps  # type: ignore[attr-defined]
            key = (problem.pk, f"{problem.status}/{steps}")
            if key in self.planned:
                continue
            self.planned.add(key)
            since: datetime = problem.since or problem.created_at  # type: ignore[attr-defined]
            if problem.status == ProblemStatus.OPEN:
                self._plan_open(problem, since, first=steps <= 1)
            elif problem.status == ProblemStatus.FIXED:
                rng = self.rng(problem, f"review/{since.isoformat()}")
                kind = "reject" if rng.random() < 0.15 else "approve"
                self.schedule(kind, problem, since + timedelta(hours=rng.uniform(2, 72)))
            else:
                rng = self.rng(problem, "decide")
                self.schedule("decide", problem, since + timedelta(hours=rng.uniform(24, 96)))

    def _plan_open(self, problem: Problem, since: datetime, *, first: bool) -> None:
        rng = self.rng(problem, f"open/{since.isoformat()}")
        window = max(problem.due_at - since, timedelta(hours=4))
        x = rng.random()
        if problem.officer is not None and x < 0.05 and first:
            self.schedule("appeal", problem, since + timedelta(hours=rng.uniform(4, 48)))
        elif x < 0.72:  # in time
            self.schedule("submit", problem, since + window * rng.uniform(0.15, 0.9))
        elif x < 0.93:  # late: the problem escalates while it waits
            self.schedule("submit", problem, problem.due_at + timedelta(days=rng.uniform(1, 25)))
        # else: nobody acts; it climbs the ladder to the 局领导

    def act(self, item: Act) -> None:
        problem = Problem.objects.select_related("finding", "officer").get(pk=item.problem_id)
        try:
            if item.kind == "submit" and problem.status == ProblemStatus.OPEN:
                user = self.fixer(problem)
                if user is None:
                    return
                note = self.rng(problem, "note").choice(FIX_NOTES)
                submit_fix(problem, actor=user, comment=note, now=item.at)
            elif item.kind in {"approve", "reject"} and problem.status == ProblemStatus.FIXED:
                user = self.reviewer(problem)
                if user is None:
                    return
                if item.kind == "approve":
                    approve_fix(problem, actor=user, comment="整改到位，予以销号。", now=item.at)
                else:
                    note = self.rng(problem, "reject-note").choice(REJECT_NOTES)
                    reject_fix(problem, actor=user, comment=note, now=item.at)
            elif item.kind == "appeal" and problem.status == ProblemStatus.OPEN:
                assert problem.officer is not None
                if problem.officer.role != OfficerRole.OFFICER:
                    return
                user = self.account(problem.officer)
                appeal(problem, actor=user, reason=APPEAL_NOTES[0], now=item.at)
            elif item.kind == "decide" and problem.status == ProblemStatus.APPEALED:
                user = self.reviewer(problem)
                if user is None:
                    return
                upheld = self.rng(problem, "upheld").random() < 0.3
                comment = "经核实申诉理由成立。" if upheld else "经核实申诉理由不成立，请按期整改。"
                decide_appeal(problem, actor=user, upheld=upheld, comment=comment, now=item.at)
            else:
                return
        except (DomainError, PermissionDenied) as exc:
            # the service refused (the person may not, or the problem moved on): the history
            # simply goes on without that act, as a refused click does
            self.report.refused[f"{item.kind}: {type(exc).__name__}"] += 1
            return
        self.report.acts[item.kind] += 1

    # --- the walk ----------------------------------------------------------------------------

    def run(self, moments: list[datetime]) -> Report:
        every_moment = [s.name for s in tick_steps() if s.name not in LAST_MOMENT_STEPS]
        for i, moment in enumerate(moments):
            clock = time.perf_counter()
            while self.queue and self.queue[0].at <= moment:
                item = heapq.heappop(self.queue)
                self.act(item)
                self.plan(item.at)
            last = i == len(moments) - 1
            result = run_tick(actor=self.actor, now=moment, only=None if last else every_moment)
            if result is None:
                raise RuntimeError("另一个定时任务正在运行，无法回放历史")
            self.plan(moment)
            spent = {**result["steps"], "total": {"seconds": time.perf_counter() - clock}}
            for name, outcome in spent.items():
                self.report.seconds[name] = self.report.seconds.get(name, 0.0) + outcome["seconds"]
            self.report.moments += 1
        return self.report


def replay(
    *, as_of: datetime, start: datetime, seed: int, actor: User, steps: Steps | None = None
) -> Report:
    """Replay the store's history from ``start`` to ``as_of`` (see the module docstring)."""
    return Replay(seed=seed, actor=actor).run((steps or Steps()).moments(start, as_of))


def history_start(as_of: datetime) -> datetime:
    """Where the demo's history begins: the generated window's first day (a year before)."""
    return as_of - timedelta(days=365)
