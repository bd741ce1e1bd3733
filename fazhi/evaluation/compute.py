"""The month's computation, set-based: one aggregate query per indicator source and subject kind
gives every item (the record it concerns, the moment of the act, the unit or officer it counts
against); the scores are then made from those items per subject (never a query per record).

Month attribution: an item counts in the month **in which the act it concerns happened**, not the
month it was found: a problem by the act its finding names (the missed deadline, the record's
time), a late rectification by its due time, a review by the decision it reviewed (the case's
closing, else its acceptance), a complaint by the incident or case complained of, a safety event
by when it happened, an escalation by the rectification deadline whose missing made it climb.
A draft month is recomputed whole, so findings that arrive later land in the month of their act
until it is published.

A score starts from 100: each indicator deducts ``deduction`` per item (per 100 cases and
incidents of the unit's month when it is normalised, with the scheme's workload floor), at most
its ``cap``; an indicator whose source has no imported data is 未导入 and leaves the score
(``100 × (imported weights − deductions) / imported weights``), so that it counts neither as
full marks nor as zero. Never below zero.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from fazhi.core.timezones import SHANGHAI
from fazhi.dailycheck.models import DailySheet
from fazhi.evaluation.scheme import Indicator, Scheme, Subject
from fazhi.gongkai.ratings import unit_ratings
from fazhi.patrol.models import PatrolRun
from fazhi.records import models as m
from fazhi.rectification.models import LEVEL_ROLES, Problem, ProblemAction, ProblemStatus, Verb

# Units scored: the ones that handle cases and incidents (派出所 and the 办案单位), not the
# bureaus above them nor the 法制大队 that evaluates them.
# The condition that the unit at a path belongs to one part of a fanned-out computation.
UnitFilter = Callable[[str], Q]

SCORED_UNIT_KINDS = (
    "派出所", "刑侦大队", "治安大队", "交警大队", "经侦大队", "禁毒大队", "网安大队",
)  # fmt: skip
# Officers scored: everyone with enforcement power below the bureau's leaders (辅警 have none).
SCORED_OFFICER_ROLES = ("民警", "法制员", "业务负责人", "分管法制领导", "所队长")
LEADER_ROLES = ("所队长", "分管法制领导", "业务负责人", "法制员")
ROLE_LEVEL = {role: int(level) for level, role in LEVEL_ROLES.items()}

NOT_IMPORTED = "未导入"
SCORED = "已计分"
OUTSIDE_CODE = "WB-01"
OUTSIDE_NAME = "外部评议（当事人与群众评议）"

# The time of the record a finding is about, by the finding's subject type.
SUBJECT_TIMES: dict[str, tuple[type[Any], str]] = {
    "case": (m.Case, "accepted_at"),
    "incident": (m.Incident, "received_at"),
    "measure": (m.Measure, "started_at"),
    "transcript": (m.Transcript, "started_at"),
    "document": (m.Document, "issued_at"),
    "event": (m.Event, "at"),
    "venue_visit": (m.VenueVisit, "entered_at"),
    "property": (m.Property, "seized_at"),
    "recording": (m.Recording, "started_at"),
    "property_movement": (m.PropertyMovement, "at"),
}

Q3 = Decimal("0.001")
Q2 = Decimal("0.01")


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month's first instant and the next month's, in Shanghai time."""
    start = datetime(month.year, month.month, 1, tzinfo=SHANGHAI)
    nxt = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return start, datetime(nxt.year, nxt.month, 1, tzinfo=SHANGHAI)


@dataclass
class SubjectRow:
    subject: str
    unit_id: str
    officer_id: str | None = None
    leader_role: str = ""
    workload: int = 0
    case_count: int = 0
    vetoes: list[dict[str, Any]] = field(default_factory=list)
    items: list[tuple[Indicator, str, str, datetime | None, Decimal]] = field(default_factory=list)
    # withdrawn by an upheld appeal: kept with the score, not counted
    withdrawn: list[tuple[Indicator, str, str, datetime | None, Decimal]] = field(
        default_factory=list
    )
    indicators: list[dict[str, Any]] = field(default_factory=list)
    # the portal's ratings of the unit's milestones in the month: (average 1–5, count)
    outside: tuple[Decimal, int] | None = None
    score: Decimal | None = None
    grade: str = ""
    standing: str = "ranked"
    rank: int | None = None


# --- act times ------------------------------------------------------------------------------


def _problem_act_at() -> Coalesce:
    subject_time = Case(
        *[
            When(
                finding__subject_type=kind,
                then=Subquery(
                    model.objects.filter(pk=OuterRef("finding__subject_id")).values(f)[:1]
                ),
            )
            for kind, (model, f) in SUBJECT_TIMES.items()
        ],
        default=Value(None),
        output_field=DateTimeField(),
    )
    # a deadline finding's act is the missed deadline; others the record's own time
    return Coalesce(
        "finding__due_at", "finding__trigger_at", subject_time, "created_at",
        output_field=DateTimeField(),
    )  # fmt: skip


def _problems(as_of: datetime) -> QuerySet[Problem]:
    return (
        Problem.objects.exclude(status=ProblemStatus.DISMISSED)
        .filter(created_at__lte=as_of)
        .annotate(act_at=_problem_act_at())
    )


def _in_month(qs: QuerySet[Any], name: str, start: datetime, end: datetime) -> QuerySet[Any]:
    return qs.filter(**{f"{name}__gte": start, f"{name}__lt": end})


# --- sources: each returns rows (subject id, record type, record id, act time) ------------------


def source_rows(
    ind: Indicator,
    subject: str,
    start: datetime,
    end: datetime,
    as_of: datetime,
    units: UnitFilter | None = None,
) -> list[tuple[str, str, str, datetime | None]]:
    """Every item of indicator ``ind`` in the month, as (subject key, record type, record id,
    act time): the key is the unit id for units and leaders (spread to the unit's leaders by
    the caller), the officer id for officers, or ``unit|level`` for escalations. ``units``: only
    the items whose subject's unit (the unit, or the officer's unit) is in one part of a
    fanned-out computation (``tasks``)."""

    def of(qs: QuerySet[Any], path: str) -> QuerySet[Any]:
        return qs if units is None else qs.filter(units(path))

    p = ind.params
    unit_key = "unit_id" if subject != Subject.OFFICER else "officer_id"
    key_unit = "unit_id" if subject != Subject.OFFICER else "officer__unit_id"
    if ind.source == "problems":
        qs = of(_in_month(_problems(as_of), "act_at", start, end), key_unit)
        if p.get("severities"):
            qs = qs.filter(severity__in=p["severities"])
        if p.get("rules"):
            qs = qs.filter(rule_id__in=p["rules"])
        return [
            (k, "problem", str(pk), at)
            for k, pk, at in qs.filter(**{f"{unit_key}__isnull": False}).values_list(
                unit_key, "pk", "act_at"
            )
        ]
    if ind.source == "overdue_rectifications":
        late = Q(fixed_at__gt=F("due_at")) | Q(fixed_at__isnull=True, due_at__lt=as_of)
        qs = _in_month(
            Problem.objects.exclude(status=ProblemStatus.DISMISSED).filter(
                created_at__lte=as_of, due_at__lt=as_of
            ),
            "due_at", start, end,
        ).filter(late)  # fmt: skip
        qs = of(qs, key_unit)
        return [
            (k, "problem", str(pk), at)
            for k, pk, at in qs.filter(**{f"{unit_key}__isnull": False}).values_list(
                unit_key, "pk", "due_at"
            )
        ]
    if ind.source == "repeat_problems":
        days = int(p.get("within_days", 90))
        earlier = Problem.objects.exclude(status=ProblemStatus.DISMISSED).filter(
            unit_id=OuterRef("unit_id"),
            rule_id=OuterRef("rule_id"),
            created_at__lt=OuterRef("created_at"),
            created_at__gte=OuterRef("created_at") - _days(days),
        )
        qs = of(_in_month(_problems(as_of), "act_at", start, end), "unit_id").filter(
            Exists(earlier), unit_id__isnull=False
        )
        return [
            (k, "problem", str(pk), at) for k, pk, at in qs.values_list("unit_id", "pk", "act_at")
        ]
    if ind.source == "reviews":
        act = Coalesce("case__closed_at", "case__accepted_at")
        qs = _in_month(
            m.Review.objects.filter(decided_at__lte=as_of, outcome__in=p.get("outcomes") or [])
            .filter(kind__in=p.get("kinds") or [])
            .annotate(act_at=act),
            "act_at", start, end,
        )  # fmt: skip
        if subject == Subject.UNIT:
            return [
                (k, "review", pk, at)
                for k, pk, at in of(qs, "case__unit_id").values_list(
                    "case__unit_id", "pk", "act_at"
                )
            ]
        links = of(m.ReviewOfficer.objects.filter(review__in=qs.values("pk")), "officer__unit_id")
        acts = dict(qs.values_list("pk", "act_at"))
        return [
            (o, "review", r, acts.get(r)) for o, r in links.values_list("officer_id", "review_id")
        ]
    if ind.source == "complaints":
        act = Coalesce("incident__received_at", "case__accepted_at", "received_at")
        qs = _in_month(
            m.Complaint.objects.filter(received_at__lte=as_of, result__in=p.get("results") or [])
            .annotate(act_at=act),
            "act_at", start, end,
        )  # fmt: skip
        if subject == Subject.UNIT:
            return [
                (k, "complaint", pk, at)
                for k, pk, at in of(qs, "unit_id").values_list("unit_id", "pk", "act_at")
            ]
        acts = dict(qs.values_list("pk", "act_at"))
        named = of(m.ComplaintOfficer.objects.filter(complaint__in=qs.values("pk")),
                   "officer__unit_id")  # fmt: skip
        return [
            (o, "complaint", c, acts.get(c))
            for o, c in named.values_list("officer_id", "complaint_id")
        ]
    if ind.source == "safety_events":
        qs = _in_month(
            m.SafetyEvent.objects.filter(at__lte=as_of, kind__in=p.get("kinds") or []),
            "at",
            start,
            end,
        )
        qs = of(qs, "unit_id")
        return [(k, "safety_event", pk, at) for k, pk, at in qs.values_list("unit_id", "pk", "at")]
    if ind.source == "daily_unconfirmed":
        today = as_of.astimezone(SHANGHAI).date()
        # today's sheet is not late yet
        qs = of(DailySheet.objects.filter(day__gte=start.date(), day__lt=min(end.date(), today)),
                "unit_id")  # fmt: skip
        late = (
            Q(completed_at__isnull=True)
            | Q(completed_at__gt=as_of)
            | Q(completed_at__date__gt=F("day"))
        )
        return [
            (k, "daily_sheet", str(pk), datetime(d.year, d.month, d.day, tzinfo=SHANGHAI))
            for k, pk, d in qs.filter(late).values_list("unit_id", "pk", "day")
        ]
    if ind.source == "escalations":
        # the act is the missed rectification deadline that made it climb, not the moment the
        # tick happened to record the step (a tick that did not run for days moves nothing)
        qs = _in_month(
            ProblemAction.objects.filter(verb=Verb.ESCALATE, at__lte=as_of),
            "problem__due_at", start, end,
        ).filter(problem__unit_id__isnull=False)  # fmt: skip
        qs = of(qs, "problem__unit_id")
        return [
            (f"{u}|{level}", "problem", str(pid), at)
            for u, level, pid, at in qs.values_list(
                "problem__unit_id", "level", "problem_id", "problem__due_at"
            )
        ]
    raise ValueError(f"未知的数据来源 {ind.source}")


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def imported(ind: Indicator, start: datetime, end: datetime, as_of: datetime) -> bool:
    """Whether the source of ``ind`` has data at all: without it the indicator is 未导入."""
    if ind.source in ("problems", "overdue_rectifications", "repeat_problems", "escalations"):
        # problems exist only where the patrol has looked at the month (its as_of, not the
        # wall-clock time it ran: a patrol replayed at a past as_of counts)
        return PatrolRun.objects.filter(as_of__gte=start).exists()
    if ind.source == "reviews":
        return m.Review.objects.exists()
    if ind.source == "complaints":
        return m.Complaint.objects.exists()
    if ind.source == "safety_events":
        return m.SafetyEvent.objects.exists()
    if ind.source == "daily_unconfirmed":
        return DailySheet.objects.filter(day__gte=start.date(), day__lt=end.date()).exists()
    return False


# --- scoring --------------------------------------------------------------------------------


def factor(ind: Indicator, workload: int, floor: int) -> Decimal:
    """Points per item of ``ind``: its deduction, per 100 cases and incidents when normalised."""
    base = Decimal(str(ind.deduction))
    if not ind.normalise:
        return base
    return base * Decimal(100) / Decimal(max(workload, floor))


def score_subject(row: SubjectRow, scheme: Scheme, status: dict[str, str]) -> None:
    """Fill ``row.indicators`` and ``row.score`` from ``row.items`` (the explanation: each
    indicator's items, points, cap and what it deducted)."""
    per: dict[str, list[Decimal]] = defaultdict(list)
    for ind, *_rest, points in row.items:
        per[ind.code].append(points)
    weights = Decimal(0)
    deducted_total = Decimal(0)
    out: list[dict[str, Any]] = []
    for ind in scheme.for_subject(row.subject):
        entry: dict[str, Any] = {
            "code": ind.code, "name": ind.name, "weight": ind.weight, "cap": ind.cap,
            "deduction": ind.deduction, "normalise": ind.normalise, "status": status[ind.code],
            "items": len(per[ind.code]),
        }  # fmt: skip
        if status[ind.code] == SCORED:
            points = sum(per[ind.code], Decimal(0))
            deducted = min(points, Decimal(str(ind.cap)))
            entry.update(points=str(points.quantize(Q3)), deducted=str(deducted.quantize(Q3)))
            entry["capped"] = points > deducted
            weights += Decimal(str(ind.weight))
            deducted_total += deducted
        out.append(entry)
    if row.subject == Subject.UNIT and scheme.outside_weight:
        entry = {"code": OUTSIDE_CODE, "name": OUTSIDE_NAME, "weight": scheme.outside_weight,
                 "cap": scheme.outside_weight, "status": NOT_IMPORTED, "items": 0}  # fmt: skip
        if row.outside is not None:
            # the average rating mapped onto the weight: 5 deducts nothing, 1 deducts it all
            average, count = row.outside
            weight = Decimal(str(scheme.outside_weight))
            deducted = weight * (Decimal(5) - average) / Decimal(4)
            entry.update(status=SCORED, items=count, average=str(average.quantize(Q2)),
                         points=str(deducted.quantize(Q3)), deducted=str(deducted.quantize(Q3)),
                         capped=False)  # fmt: skip
            weights += weight
            deducted_total += deducted
        out.append(entry)
    row.indicators = out
    if weights == 0:
        row.score = None
        row.standing = "not_imported"
    else:
        value = Decimal(100) * (weights - deducted_total) / weights
        row.score = max(Decimal(0), value).quantize(Q2, rounding=ROUND_HALF_UP)
    row.grade = scheme.grade(None if row.score is None else float(row.score), bool(row.vetoes))


def stored_outside(indicators: list[dict[str, Any]]) -> tuple[Decimal, int] | None:
    """The outside ratings a stored score was made with (to score it again on appeal)."""
    for entry in indicators:
        if entry.get("code") == OUTSIDE_CODE and entry.get("status") == SCORED:
            return Decimal(entry["average"]), int(entry["items"])
    return None


def too_few_cases(row: SubjectRow) -> None:
    """An officer with fewer cases than the scheme's minimum: listed 案件数不足, neither ranked
    nor graded (a few quiet cases prove nothing), except that a veto still fails him."""
    row.standing = "too_few_cases"
    row.grade = "不达标" if row.vetoes else ""


def rank(rows: list[SubjectRow]) -> None:
    """Competition ranking (1, 1, 3) of the ranked rows: vetoed last, then by score."""
    ranked = [r for r in rows if r.standing == "ranked" and r.score is not None]
    ranked.sort(key=lambda r: (bool(r.vetoes), -(r.score or 0)))
    previous: tuple[bool, Decimal | None] | None = None
    for position, row in enumerate(ranked, start=1):
        key = (bool(row.vetoes), row.score)
        if key != previous:
            row.rank = position
        else:
            row.rank = ranked[position - 2].rank
        previous = key
    for row in rows:
        if row not in ranked:
            row.rank = None


def rank_all(rows: list[SubjectRow]) -> None:
    """Units and officers ranked among themselves; leaders within their role."""
    groups: dict[tuple[str, str], list[SubjectRow]] = defaultdict(list)
    for row in rows:
        groups[(row.subject, row.leader_role)].append(row)
    for group in groups.values():
        rank(group)


# --- the month ------------------------------------------------------------------------------


def _vetoes(
    scheme: Scheme, start: datetime, end: datetime, as_of: datetime
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[dict[str, Any]]]]:
    """一票否决 by unit and by officer, each with its record."""
    by_unit: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_officer: dict[str, list[dict[str, Any]]] = defaultdict(list)
    events = _in_month(
        m.SafetyEvent.objects.filter(kind__in=scheme.veto_safety_kinds, at__lte=as_of),
        "at", start, end,
    )  # fmt: skip
    for pk, unit_id, kind, at in events.values_list("pk", "unit_id", "kind", "at"):
        by_unit[unit_id].append(_veto(kind, "safety_event", pk, at))
    for officer_id, pk, kind, at in m.SafetyEventOfficer.objects.filter(
        safety_event__in=events.values("pk")
    ).values_list("officer_id", "safety_event_id", "safety_event__kind", "safety_event__at"):
        by_officer[officer_id].append(_veto(kind, "safety_event", pk, at))
    reviews = _in_month(
        m.Review.objects.filter(
            kind__in=scheme.veto_review_kinds, decided_at__lte=as_of, outcome__isnull=False
        )
        .exclude(outcome__in=scheme.veto_review_exempt)
        .annotate(act_at=Coalesce("case__closed_at", "case__accepted_at")),
        "act_at", start, end,
    )  # fmt: skip
    for pk, unit_id, kind, at in reviews.values_list("pk", "case__unit_id", "kind", "act_at"):
        by_unit[unit_id].append(_veto(kind, "review", pk, at))
    acts = dict(reviews.values_list("pk", "act_at"))
    for officer_id, pk, kind in m.ReviewOfficer.objects.filter(
        review__in=reviews.values("pk")
    ).values_list("officer_id", "review_id", "review__kind"):
        by_officer[officer_id].append(_veto(kind, "review", pk, acts.get(pk)))
    return by_unit, by_officer


def _veto(kind: str, record_type: str, record_id: str, at: datetime | None) -> dict[str, Any]:
    return {
        "kind": kind, "record_type": record_type, "record_id": record_id,
        "at": at.isoformat() if at else None,
    }  # fmt: skip


def compute(
    scheme: Scheme,
    month: date,
    as_of: datetime,
    units: UnitFilter | None = None,
    ranked: bool = True,
) -> tuple[list[SubjectRow], dict[str, Any]]:
    """Every score of ``month`` as of ``as_of``: the rows to store, and the indicators' status
    per subject kind. ``units``: only the subjects of one part of a fanned-out computation
    (units, and officers and leaders by their unit; ``tasks``), which the caller ranks with
    the other parts' (``ranked=False``): a subject's score reads only its own records, its rank
    every subject of its kind."""

    def of(qs: QuerySet[Any], path: str) -> QuerySet[Any]:
        return qs if units is None else qs.filter(units(path))

    start, end = month_bounds(month)
    cutoff = min(end, as_of)
    status = {
        ind.code: SCORED if imported(ind, start, end, as_of) else NOT_IMPORTED
        for ind in scheme.indicators
    }
    # workload: cases and incidents of the month, by unit (two aggregate queries)
    workload: dict[str, int] = defaultdict(int)
    for unit_id, n in (
        of(m.Case.objects.filter(accepted_at__gte=start, accepted_at__lt=cutoff), "unit_id")
        .values_list("unit_id").annotate(n=Count("pk")).order_by()
    ):  # fmt: skip
        workload[unit_id] += n
    for unit_id, n in (
        of(m.Incident.objects.filter(received_at__gte=start, received_at__lt=cutoff), "unit_id")
        .filter(unit_id__isnull=False)
        .values_list("unit_id").annotate(n=Count("pk")).order_by()
    ):  # fmt: skip
        workload[unit_id] += n
    # cases per officer: led or assisted, accepted in the month
    month_cases = m.Case.objects.filter(accepted_at__gte=start, accepted_at__lt=cutoff)
    cases: dict[str, int] = defaultdict(int)
    for officer_id, n in (
        of(month_cases.filter(lead_officer__isnull=False), "lead_officer__unit_id")
        .values_list("lead_officer_id")
        .annotate(n=Count("pk")).order_by()
    ):  # fmt: skip
        cases[officer_id] += n
    for officer_id, n in (
        of(m.CaseOfficer.objects.filter(case__in=month_cases.values("pk")), "officer__unit_id")
        .exclude(case__lead_officer_id=F("officer_id"))
        .values_list("officer_id").annotate(n=Count("case_id", distinct=True)).order_by()
    ):  # fmt: skip
        cases[officer_id] += n

    unit_vetoes, officer_vetoes = _vetoes(scheme, start, end, as_of)

    rows: dict[tuple[str, ...], SubjectRow] = {}
    scored_units = of(m.Unit.objects.filter(kind__in=SCORED_UNIT_KINDS), "pk")
    for unit_id in scored_units.values_list("pk", flat=True):
        rows[(Subject.UNIT, unit_id)] = SubjectRow(
            Subject.UNIT, unit_id, workload=workload[unit_id], vetoes=unit_vetoes.get(unit_id, [])
        )
    leaders_of: dict[str, list[SubjectRow]] = defaultdict(list)
    for officer_id, unit_id, role in of(
        m.Officer.objects.filter(active=True, role__in=SCORED_OFFICER_ROLES), "unit_id"
    ).values_list("pk", "unit_id", "role"):
        rows[(Subject.OFFICER, officer_id)] = SubjectRow(
            Subject.OFFICER, unit_id, officer_id, workload=cases[officer_id],
            case_count=cases[officer_id], vetoes=officer_vetoes.get(officer_id, []),
        )  # fmt: skip
        if role in LEADER_ROLES:
            leader = SubjectRow(
                Subject.LEADER, unit_id, officer_id, leader_role=role, workload=workload[unit_id],
                case_count=cases[officer_id],
            )  # fmt: skip
            rows[(Subject.LEADER, officer_id)] = leader
            leaders_of[unit_id].append(leader)

    for ind in scheme.indicators:
        if status[ind.code] != SCORED:
            continue
        for key, record_type, record_id, at in source_rows(
            ind, ind.subject, start, end, as_of, units
        ):
            targets: list[SubjectRow]
            if ind.subject == Subject.LEADER:
                if ind.source == "escalations":
                    unit_id, level = key.split("|")
                    targets = [
                        r
                        for r in leaders_of.get(unit_id, [])
                        if ROLE_LEVEL[r.leader_role] == int(level)
                    ]
                else:
                    targets = leaders_of.get(key, [])
            else:
                row = rows.get((ind.subject, key))
                targets = [row] if row else []
            for row in targets:
                points = factor(ind, row.workload, scheme.workload_floor).quantize(Q3)
                row.items.append((ind, record_type, record_id, at, points))

    for unit_id, outside in unit_ratings(start, end, as_of).items():
        if (unit_row := rows.get((Subject.UNIT, unit_id))) is not None:
            unit_row.outside = outside

    result = list(rows.values())
    for row in result:
        score_subject(row, scheme, status)
        if row.subject == Subject.OFFICER and row.case_count < scheme.min_cases:
            too_few_cases(row)
    if ranked:
        rank_all(result)
    summary = {
        subject: [
            {"code": i.code, "name": i.name, "status": status[i.code]}
            for i in scheme.for_subject(subject)
        ]
        for subject in (Subject.UNIT, Subject.OFFICER, Subject.LEADER)
    }
    return result, summary
