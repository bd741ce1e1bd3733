"""诚信档案: one officer's file, read together — his 执法资格 and what it allows, trainings and
exams, commendations, disciplines, problems with their rectification, 约谈 reminders, the
complaints and reviews of his cases (or naming him), his monthly evaluation history, and an
early-warning flag with its reasons.

The warning is a prompt for his leaders, never a punishment by itself: over the last
``window_days`` (quality.toml ``[warning]``) each signal counts its records (严重问题, 整改超期,
投诉查实, 监督救济不利结果, 惩戒处理, 约谈提醒) and trips at its threshold; the file is flagged
when at least ``signals_needed`` signals trip. A fixed number of queries, whatever his history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import F, Q, QuerySet

from fazhi.evaluation.models import EvaluationStatus, Score, SubjectKind
from fazhi.evaluation.quality import SIGNALS, TRUE_RESULTS, Quality
from fazhi.records import enums
from fazhi.records import models as m
from fazhi.rectification.models import InterviewReminder, Problem, ProblemStatus

# What each 执法资格 level allows (公安机关人民警察执法资格等级考试制度): the role a level is the
# least for is named, so that the page can say when an officer's role wants more.
ALLOWS: dict[str, str] = {
    enums.Qualification.NONE: "未取得执法资格：不得独立办理案件（不得担任主办民警）",
    enums.Qualification.BASIC: (
        "基本级：可以办理案件、担任主办民警；不能担任执法单位负责人、法制员"
    ),
    enums.Qualification.INTERMEDIATE: (
        "中级：可以办理案件，可以担任执法单位负责人（所队长）、法制员"
    ),
    enums.Qualification.ADVANCED: (
        "高级：可以办理案件，可以担任执法单位负责人、法制员和法制部门负责人"
    ),
}
LEVEL_ORDER = ["无", "基本级", "中级", "高级"]
# the least level a role wants
ROLE_NEEDS = {
    "民警": "基本级",
    "法制员": "中级",
    "业务负责人": "中级",
    "分管法制领导": "中级",
    "所队长": "中级",
}


@dataclass
class Signal:
    key: str
    label: str
    count: int
    threshold: int

    @property
    def tripped(self) -> bool:
        return self.count >= self.threshold


@dataclass
class Warning:
    since: datetime
    needed: int
    signals: list[Signal] = field(default_factory=list)

    @property
    def tripped(self) -> list[Signal]:
        return [s for s in self.signals if s.tripped]

    @property
    def flagged(self) -> bool:
        return len(self.tripped) >= self.needed


def qualification_gap(officer: m.Officer) -> str:
    """What his role wants that his level does not give ("" when nothing)."""
    need = ROLE_NEEDS.get(officer.role)
    have = officer.qualification
    if need and have in LEVEL_ORDER and LEVEL_ORDER.index(have) < LEVEL_ORDER.index(need):
        return f"担任{officer.role}须取得{need}执法资格，现为{have}"
    return ""


def _own_cases(officer_id: str) -> QuerySet[Any]:
    return m.Case.objects.filter(
        Q(lead_officer_id=officer_id)
        | Q(pk__in=m.CaseOfficer.objects.filter(officer_id=officer_id).values("case_id"))
    ).values("pk")


def complaints(officer_id: str) -> QuerySet[m.Complaint]:
    """Complaints naming him, or about a case he led or assisted."""
    named = m.ComplaintOfficer.objects.filter(officer_id=officer_id).values("complaint_id")
    return m.Complaint.objects.filter(Q(pk__in=named) | Q(case_id__in=_own_cases(officer_id)))


def reviews(officer_id: str) -> QuerySet[m.Review]:
    """Reviews holding him responsible, or of a case he led or assisted."""
    named = m.ReviewOfficer.objects.filter(officer_id=officer_id).values("review_id")
    return m.Review.objects.filter(Q(pk__in=named) | Q(case_id__in=_own_cases(officer_id)))


def problems(officer_id: str) -> QuerySet[Problem]:
    return Problem.objects.filter(officer_id=officer_id)


def late_q(now: datetime) -> Q:
    return Q(fixed_at__gt=F("due_at")) | Q(fixed_at__isnull=True, due_at__lt=now)


def warning(officer_id: str, q: Quality, now: datetime) -> Warning:
    """The early-warning signals over the window ending ``now``."""
    w = q.warning
    since = now - timedelta(days=w["window_days"])
    mine = problems(officer_id).exclude(status=ProblemStatus.DISMISSED)
    counts = {
        "grave_problems": mine.filter(severity="严重", created_at__gte=since).count(),
        "overdue_rectifications": mine.filter(late_q(now), due_at__gte=since).count(),
        "complaints_true": complaints(officer_id)
        .filter(result__in=TRUE_RESULTS, received_at__gte=since)
        .count(),
        "reviews_lost": reviews(officer_id)
        .filter(outcome__in=q.review_outcomes, decided_at__gte=since, decided_at__lte=now)
        .count(),
        "disciplines": m.Discipline.objects.filter(
            officer_id=officer_id, at__gte=since.date()
        ).count(),
        "interviews": InterviewReminder.objects.filter(
            officer_id=officer_id, created_at__gte=since
        ).count(),
    }
    return Warning(
        since, w["signals_needed"], [Signal(k, label, counts[k], w[k]) for k, label in SIGNALS]
    )


def history(officer_id: str) -> QuerySet[Score]:
    """His published monthly scores (as an officer and as a middle leader), newest first."""
    return (
        Score.objects.filter(
            officer_id=officer_id,
            subject__in=(SubjectKind.OFFICER, SubjectKind.LEADER),
            evaluation__status=EvaluationStatus.PUBLISHED,
        )
        .select_related("evaluation")
        .order_by("-evaluation__month", "subject", "leader_role")
    )


def file_of(officer: m.Officer, q: Quality, now: datetime) -> dict[str, Any]:
    """Everything the 诚信档案 page shows."""
    oid = officer.pk
    return {
        "allows": ALLOWS.get(officer.qualification, ""),
        "gap": qualification_gap(officer),
        "trainings": m.Training.objects.filter(officer_id=oid).order_by("-at", "pk"),
        "commendations": m.Commendation.objects.filter(officer_id=oid).order_by("-at", "pk"),
        "disciplines": m.Discipline.objects.filter(officer_id=oid).order_by("-at", "pk"),
        "problems": problems(oid).select_related("rule").order_by("-created_at")[:200],
        "interviews": InterviewReminder.objects.filter(officer_id=oid).order_by("-month"),
        "complaints": complaints(oid).order_by("-received_at")[:200],
        "reviews": reviews(oid).order_by("-filed_at")[:200],
        "history": history(oid)[:36],
        "warning": warning(oid, q, now),
    }
