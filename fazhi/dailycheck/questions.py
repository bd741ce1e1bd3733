"""每日十问 as data: the ten questions a unit's 法制员 answers every day, each answered from the
records by one set-based query for ALL units at once.

``QUESTIONS`` is the declarative list (code, the question as asked, the record type behind it,
the name of its query, why it is asked and its legal basis); ``QUERIES`` is the registry the
``@query`` decorator fills. ``answer_all(now)`` runs every query once and groups the records
by unit, so the number of database queries depends on the number of questions only, never on
the number of units or records. docs/daily-questions.md explains each question.

A query receives an ``AskContext`` (the instant the answers are for, and optionally the units to
answer for) and yields ``(unit_id, record)`` pairs; a record is ``{"type", "id", "label"}`` plus
``case_id`` when the record lives in a case (its link then opens the case page).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from fazhi.patrol.models import Finding, FindingStatus
from fazhi.patrol.periods import HolidayCalendar, Period, compute_deadline
from fazhi.patrol.periods import Unit as PeriodUnit
from fazhi.records import models as m
from fazhi.records.enums import (
    CaseKind,
    CaseStatus,
    Disposition,
    EventKind,
    FollowupResult,
    IncidentCategory,
    MeasureKind,
    OfficerRole,
    PropertyStatus,
)

Record = dict[str, str]
Hit = tuple[str, Record]

# An answer keeps at most this many records; its count is always the full number.
MAX_RECORDS = 200


@dataclass(frozen=True)
class AskContext:
    now: datetime
    # None: every unit; else only these (the query narrows in SQL)
    unit_ids: frozenset[str] | None = None
    calendar: HolidayCalendar | None = None

    def narrow(self, queryset: QuerySet[Any], unit_path: str) -> QuerySet[Any]:
        if self.unit_ids is None:
            return queryset
        return queryset.filter(**{f"{unit_path}__in": sorted(self.unit_ids)})


QueryFn = Callable[[AskContext], Iterable[Hit]]
QUERIES: dict[str, QueryFn] = {}


def query(name: str) -> Callable[[QueryFn], QueryFn]:
    """Register a question's query under ``name`` (the name the question list refers to)."""

    def register(fn: QueryFn) -> QueryFn:
        if name in QUERIES:
            raise ValueError(f"每日十问查询 {name} 重复注册")
        QUERIES[name] = fn
        return fn

    return register


@dataclass(frozen=True)
class Question:
    code: str
    title: str  # short, for tables
    text: str  # the question as the 法制员 is asked it
    record_type: str  # the FZX record type behind the answer
    query: str  # name in QUERIES
    reason: str  # why it is asked (shown on the sheet)
    basis: str  # legal basis or local standard

    def ask(self, ctx: AskContext) -> Iterable[Hit]:
        return QUERIES[self.query](ctx)


# The ten questions. Codes are stable: answers, docs and tests refer to them.
QUESTIONS: tuple[Question, ...] = (
    Question(
        "Q01", "警情超时未处置",
        "是否有刑事、治安、纠纷警情接警超过24小时仍未处置完毕？",
        "incident", "undisposed_incidents",
        "警情是执法的源头，接警后不处置、不流转，既损害报警群众权益，也是有案不立的前兆。",
        "公安机关办理行政案件程序规定第60条；本地标准24小时（巡查规则JQ-01）",
    ),
    Question(
        "Q02", "羁押传唤24小时内到期",
        "是否有传唤、拘传、询问查证、刑事拘留、逮捕的法定期限将在24小时内届满（或已届满仍未解除）？",
        "measure", "custody_due",
        "限制人身自由的期限不因节假日顺延，一旦超期即构成违法羁押，须提前一天提醒办案民警"
        "提请批捕、移送起诉、释放或变更措施。",
        "刑事诉讼法第85、91、119、156条；治安管理处罚法第97条",
    ),
    Question(
        "Q03", "财物未入库",
        "是否有涉案财物扣押超过24小时仍处于“待入库”状态？",
        "property", "property_not_stored",
        "涉案财物不入库、体外循环是执法安全的高发风险点，应在24小时内移交涉案财物管理中心。",
        "公安机关办理行政案件程序规定第190条；公安机关涉案财物管理若干规定",
    ),
    Question(
        "Q04", "笔录不足二人",
        "近7日制作的询问、讯问笔录中，是否有询问（讯问）民警不足二人（辅警不计）？",
        "transcript", "transcript_single_officer",
        "一人询问、讯问制作的笔录证据效力存疑，辅警不具有独立询问讯问资格。",
        "刑事诉讼法第118条；治安管理处罚法第108条",
    ),
    Question(
        "Q05", "办案区滞留超时",
        "近30日是否有人员在办案区滞留超过24小时，或进入超过24小时仍未登记离开时间（且未转为羁押）？",
        "venue_visit", "case_area_overstay",
        "办案区滞留超时是执法安全事故的主要诱因，离开时间缺失也使全程监督无法回溯。",
        "治安管理处罚法第97条；刑事诉讼法第119条；办案区使用管理规定",
    ),
    Question(
        "Q06", "受案超期未立案",
        "是否有刑事案件受案超过3日（经批准延长的7日，重大复杂的30日）仍未作出立案或不予立案决定（含24小时内到期）？",
        "case", "filing_decision_due",
        "受案后久拖不决是“有案不立、立而不侦”的起点，须按期审查作出立案或不予立案决定。",
        "公安部关于改革完善受案立案制度的意见（2015）；巡查规则XS-LA-01",
    ),
    Question(
        "Q07", "巡查问题超期",
        "本单位是否有智能巡查发现的执法问题已超过法定期限仍未办理（状态为“超期”）？",
        "finding", "overdue_findings",
        "超期问题仍在持续，需法制员当日督促主办民警补办或说明。",
        "巡查规则目录（各规则的法律依据）",
    ),
    Question(
        "Q08", "纠纷超7日未回访",
        "近60日接报的纠纷警情中，是否有未化解且超过7日未回访的？",
        "incident", "disputes_without_followup",
        "矛盾纠纷不回访、不跟踪，极易“民转刑”“刑转命”；回访留痕是纠纷闭环的要求。",
        "矛盾纠纷排查化解工作机制（社区民警回访）；本地标准7日",
    ),
    Question(
        "Q09", "取保监居7日内到期",
        "是否有取保候审、监视居住的期限将在7日内届满（或已届满仍未解除）？",
        "measure", "release_measures_due",
        "取保候审最长12个月、监视居住最长6个月，到期不解除或不变更即为超期适用强制措施。",
        "刑事诉讼法第79条；公安机关办理刑事案件程序规定第107条",
    ),
    Question(
        "Q10", "拘留逮捕未通知家属",
        "近30日是否有刑事拘留、逮捕、行政拘留执行超过24小时仍未通知家属（未送达拘留/逮捕通知书）？",
        "measure", "custody_family_not_notified",
        "除法定情形外，拘留、逮捕后应在24小时内通知家属；无法通知的须写明原因，由法制员审核。",
        "刑事诉讼法第85、93条；治安管理处罚法第116条",
    ),
)  # fmt: skip

QUESTION_BY_CODE: dict[str, Question] = {q.code: q for q in QUESTIONS}


# --- links -------------------------------------------------------------------------------------

_PAGES = {
    "case": "records:case",
    "incident": "records:incident",
    "person": "records:person",
    "finding": "patrol:finding",
}


def page_url(record_type: str, record_id: str) -> str:
    return reverse(_PAGES[record_type], args=[record_id])


def record_url(record: Record) -> str:
    """The page that shows ``record``: its own page, else its case's page."""
    kind = record.get("type", "")
    if kind in _PAGES:
        return page_url(kind, record["id"])
    if record.get("case_id"):
        return page_url("case", record["case_id"])
    return ""


# --- helpers -----------------------------------------------------------------------------------


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _measure_record(row: dict[str, Any], extra: str) -> Record:
    return {
        "type": "measure",
        "id": row["pk"],
        "label": f"{row['person__name']} {row['kind']}（{_local(row['started_at'])}执行）{extra}",
        "case_id": row["case_id"],
    }


MEASURE_FIELDS = ("pk", "kind", "started_at", "extended_to", "case_id", "case__unit_id",
                  "person__name", "case__complex")  # fmt: skip


def _happened(field: str, now: datetime) -> Q:
    """``field`` recorded and not later than ``now`` (a later time has not happened yet)."""
    return Q(**{f"{field}__isnull": False, f"{field}__lte": now})


def _not_yet(field: str, now: datetime) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gt": now})


# --- the queries -------------------------------------------------------------------------------


@query("undisposed_incidents")
def undisposed_incidents(ctx: AskContext) -> Iterator[Hit]:
    now = ctx.now
    qs = m.Incident.objects.filter(
        Q(category__in=[IncidentCategory.CRIMINAL, IncidentCategory.PUBLIC_ORDER,
                        IncidentCategory.DISPUTE])
        & Q(received_at__lte=now - timedelta(hours=24))
        & _not_yet("disposed_at", now)
    )  # fmt: skip
    rows = ctx.narrow(qs, "unit_id").order_by("received_at", "pk")
    for r in rows.values("pk", "unit_id", "category", "received_at", "address"):
        yield (
            r["unit_id"],
            {
                "type": "incident",
                "id": r["pk"],
                "label": f"{r['category']}警情 接警{_local(r['received_at'])} {r['address']}",
            },
        )


# kind: (period, cap of a recorded extension, the cap in a case marked complex)
_CUSTODY_LIMITS: dict[str, tuple[Period, Period | None, Period | None]] = {
    MeasureKind.SUMMONS: (Period.hours(12), Period.hours(24), None),
    MeasureKind.COMPELLED_APPEARANCE: (Period.hours(12), Period.hours(24), None),
    MeasureKind.ADMIN_SUMMONS: (Period.hours(8), Period.hours(24), None),
    MeasureKind.CRIMINAL_DETENTION: (Period.days(3), Period.days(7), Period.days(30)),
    MeasureKind.ARREST: (Period.months(2), Period.months(7), None),
}
# Overdue measures stay on the list this long after their due time (older ones are patrol work).
OVERDUE_WINDOW = timedelta(days=30)


def _span(period: Period, month_days: int) -> timedelta:
    """``period`` as a plain duration, counting a month as ``month_days`` days."""
    amount = float(period.amount)
    if period.unit is PeriodUnit.HOURS:
        return timedelta(hours=amount)
    if period.unit is PeriodUnit.MONTHS:
        return timedelta(days=amount * month_days)
    return timedelta(days=amount)


def _due(
    started_at: datetime,
    extended_to: datetime | None,
    period: Period,
    cap: Period | None,
    *,
    custody: bool,
    calendar: HolidayCalendar | None,
) -> datetime:
    due = compute_deadline(started_at, period, custody=custody, calendar=calendar).due
    if extended_to is not None and cap is not None:
        capped = compute_deadline(started_at, cap, custody=custody, calendar=calendar).due
        due = min(max(extended_to, due), capped)
    return due


def _measure_candidates(
    ctx: AskContext, limits: dict[str, tuple[Period, Period | None, Period | None]],
    horizon: datetime,
) -> QuerySet[m.Measure]:  # fmt: skip
    """Running measures of ``limits``' kinds whose due time may fall in (now - window, horizon].

    A due time is never earlier than start + the period's shortest length and never later than
    start + the longest cap (+ a month-end and holiday margin), so SQL discards every other row;
    the exact due time is computed in Python for the few that remain.
    """
    now = ctx.now
    oldest = now - OVERDUE_WINDOW
    window = Q()
    for kind, (period, cap, cap_complex) in limits.items():
        longest = max(_span(p, 31) for p in (period, cap, cap_complex) if p is not None)
        window |= Q(
            kind=kind,
            started_at__lte=horizon - _span(period, 28) + timedelta(days=1),
            started_at__gt=oldest - longest - timedelta(days=20),
        )
    qs = m.Measure.objects.filter(window & Q(started_at__lte=now) & _not_yet("ended_at", now))
    return ctx.narrow(qs, "case__unit_id")


@query("custody_due")
def custody_due(ctx: AskContext) -> Iterator[Hit]:
    now = ctx.now
    horizon = now + timedelta(hours=24)
    qs = _measure_candidates(ctx, _CUSTODY_LIMITS, horizon)
    # 刑事拘留 is answered by 提请批准逮捕 (the detention limit is the police's to keep only until
    # then); 逮捕's investigation custody by 移送审查起诉 of the person or of the whole case.
    requested = m.Event.objects.filter(
        kind=EventKind.ARREST_REQUESTED, at__gte=OuterRef("started_at"), at__lte=now,
        case_id=OuterRef("case_id"),
    ).filter(Q(person_id=OuterRef("person_id")) | Q(person_id__isnull=True))  # fmt: skip
    transferred = m.Event.objects.filter(
        kind=EventKind.TO_PROSECUTION, at__gte=OuterRef("started_at"), at__lte=now,
        case_id=OuterRef("case_id"),
    ).filter(Q(person_id=OuterRef("person_id")) | Q(person_id__isnull=True))  # fmt: skip
    qs = qs.exclude(Q(kind=MeasureKind.CRIMINAL_DETENTION) & Exists(requested))
    qs = qs.exclude(Q(kind=MeasureKind.ARREST) & Exists(transferred))
    rows = []
    for r in qs.order_by("started_at", "pk").values(*MEASURE_FIELDS):
        period, cap, cap_complex = _CUSTODY_LIMITS[r["kind"]]
        if r["case__complex"] and cap_complex is not None:
            cap = cap_complex
        due = _due(r["started_at"], r["extended_to"], period, cap, custody=True,
                   calendar=ctx.calendar)  # fmt: skip
        if now - OVERDUE_WINDOW < due <= horizon:
            rows.append((due, r))
    rows.sort(key=lambda pair: (pair[0], pair[1]["pk"]))
    for due, r in rows:
        state = "已超期" if due <= now else "将到期"
        yield r["case__unit_id"], _measure_record(r, f"期限{_local(due)}，{state}")


@query("property_not_stored")
def property_not_stored(ctx: AskContext) -> Iterator[Hit]:
    qs = m.Property.objects.filter(
        status=PropertyStatus.AWAITING_STORAGE, seized_at__lte=ctx.now - timedelta(hours=24)
    )
    rows = ctx.narrow(qs, "case__unit_id").order_by("seized_at", "pk")
    for r in rows.values("pk", "name", "category", "seized_at", "case_id", "case__unit_id"):
        yield (
            r["case__unit_id"],
            {
                "type": "property",
                "id": r["pk"],
                "label": f"{r['name']}（{r['category']}）扣押于{_local(r['seized_at'])}",
                "case_id": r["case_id"],
            },
        )


TRANSCRIPT_LOOKBACK = timedelta(days=7)


@query("transcript_single_officer")
def transcript_single_officer(ctx: AskContext) -> Iterator[Hit]:
    now = ctx.now
    qs = (
        m.Transcript.objects.filter(started_at__gt=now - TRANSCRIPT_LOOKBACK, started_at__lte=now)
        .annotate(
            officer_count=Count(
                "officer_links", filter=~Q(officer_links__officer__role=OfficerRole.AUXILIARY)
            )
        )
        .filter(officer_count__lt=2)
    )
    rows = ctx.narrow(qs, "case__unit_id").order_by("started_at", "pk")
    fields = ("pk", "kind", "started_at", "person__name", "case_id", "case__unit_id",
              "officer_count")  # fmt: skip
    for r in rows.values(*fields):
        yield (
            r["case__unit_id"],
            {
                "type": "transcript",
                "id": r["pk"],
                "label": f"{r['person__name']} {r['kind']}笔录（{_local(r['started_at'])}），"
                f"民警{r['officer_count']}人",
                "case_id": r["case_id"],
            },
        )


VISIT_LOOKBACK = timedelta(days=30)
CASE_AREA_LIMIT = timedelta(hours=24)
_DETENTIONS = [MeasureKind.CRIMINAL_DETENTION, MeasureKind.ARREST, MeasureKind.ADMIN_DETENTION]


@query("case_area_overstay")
def case_area_overstay(ctx: AskContext) -> Iterator[Hit]:
    now = ctx.now
    # Taken into detention within the limit: the stay ended by a transfer (rule GF-BA-04).
    detained = m.Measure.objects.filter(
        kind__in=_DETENTIONS,
        person_id=OuterRef("person_id"),
        started_at__gte=OuterRef("entered_at"),
        started_at__lte=OuterRef("entered_at") + CASE_AREA_LIMIT,
    ).filter(started_at__lte=now)
    qs = m.VenueVisit.objects.filter(
        entered_at__gt=now - VISIT_LOOKBACK, entered_at__lte=now - CASE_AREA_LIMIT
    ).filter(_not_yet("left_at", now) | Q(left_at__gt=F("entered_at") + CASE_AREA_LIMIT))
    qs = qs.exclude(Exists(detained))
    rows = ctx.narrow(qs, "case__unit_id").order_by("entered_at", "pk")
    fields = ("pk", "entered_at", "left_at", "venue__name", "person__name", "case_id",
              "case__unit_id")  # fmt: skip
    for r in rows.values(*fields):
        left = r["left_at"]
        state = "未登记离开" if left is None or left > now else f"{_local(left)}离开"
        yield (
            r["case__unit_id"],
            {
                "type": "venue_visit",
                "id": r["pk"],
                "label": f"{r['person__name']} {r['venue__name']} "
                f"{_local(r['entered_at'])}进入，{state}",
                "case_id": r["case_id"],
            },
        )


FILING_PERIOD = Period.days(3)
FILING_EXTENDED = Period.days(7)
FILING_COMPLEX = Period.days(30)


@query("filing_decision_due")
def filing_decision_due(ctx: AskContext) -> Iterator[Hit]:
    now = ctx.now
    horizon = now + timedelta(hours=24)
    decided = m.Event.objects.filter(
        case_id=OuterRef("pk"), kind__in=[EventKind.FILING, EventKind.NOT_FILING], at__lte=now
    )
    extended = m.Event.objects.filter(case_id=OuterRef("pk"), kind=EventKind.EXTENSION, at__lte=now)
    qs = (
        m.Case.objects.filter(
            kind=CaseKind.CRIMINAL,
            status=CaseStatus.ACCEPTED,
            accepted_at__lte=horizon - timedelta(days=3),
        )
        .filter(_not_yet("filed_at", now))
        .exclude(Exists(decided))
        .annotate(is_extended=Exists(extended))
    )
    rows = ctx.narrow(qs, "unit_id").order_by("accepted_at", "pk")
    hits = []
    for r in rows.values("pk", "cause", "accepted_at", "unit_id", "complex", "is_extended"):
        period = FILING_PERIOD
        if r["is_extended"]:
            period = FILING_COMPLEX if r["complex"] else FILING_EXTENDED
        due = compute_deadline(r["accepted_at"], period, custody=False, calendar=ctx.calendar).due
        if due <= horizon:
            state = "已超期" if due <= now else "将到期"
            hits.append((r["unit_id"], {
                "type": "case",
                "id": r["pk"],
                "label": f"{r['cause']}案 受案{_local(r['accepted_at'])}，审查期限"
                f"{_local(due)}，{state}",
            }))  # fmt: skip
    yield from hits


@query("overdue_findings")
def overdue_findings(ctx: AskContext) -> Iterator[Hit]:
    qs = Finding.objects.filter(is_open=True, status=FindingStatus.OVERDUE, unit_id__isnull=False)
    rows = ctx.narrow(qs, "unit_id").order_by("due_at", "pk")
    fields = ("pk", "rule_id", "rule__name", "subject_type", "subject_id", "due_at", "unit_id",
              "case_id")  # fmt: skip
    for r in rows.values(*fields):
        yield (
            r["unit_id"],
            {
                "type": "finding",
                "id": str(r["pk"]),
                "label": f"{r['rule_id']} {r['rule__name']}：{r['subject_id']}，期限"
                f"{_local(r['due_at'])}",
                "case_id": r["case_id"] or "",
            },
        )


DISPUTE_LOOKBACK = timedelta(days=60)
FOLLOWUP_INTERVAL = timedelta(days=7)


@query("disputes_without_followup")
def disputes_without_followup(ctx: AskContext) -> Iterator[Hit]:
    now = ctx.now
    resolved = m.Followup.objects.filter(
        incident_id=OuterRef("pk"), result=FollowupResult.RESOLVED, at__lte=now
    )
    recent = m.Followup.objects.filter(
        incident_id=OuterRef("pk"), at__gt=now - FOLLOWUP_INTERVAL, at__lte=now
    )
    qs = (
        m.Incident.objects.filter(
            category=IncidentCategory.DISPUTE,
            received_at__gt=now - DISPUTE_LOOKBACK,
            received_at__lte=now - FOLLOWUP_INTERVAL,
        )
        .exclude(disposition=Disposition.INVALID)
        .exclude(Exists(resolved))
        .exclude(Exists(recent))
    )
    rows = ctx.narrow(qs, "unit_id").order_by("received_at", "pk")
    for r in rows.values("pk", "unit_id", "received_at", "dispute_type", "address"):
        kind = r["dispute_type"] or "纠纷"
        yield (
            r["unit_id"],
            {
                "type": "incident",
                "id": r["pk"],
                "label": f"{kind}纠纷 接警{_local(r['received_at'])} {r['address']}",
            },
        )


_RELEASE_LIMITS: dict[str, tuple[Period, Period | None, Period | None]] = {
    MeasureKind.BAIL: (Period.months(12), None, None),
    MeasureKind.RESIDENTIAL_SURVEILLANCE: (Period.months(6), None, None),
    MeasureKind.DESIGNATED_RESIDENCE: (Period.months(6), None, None),
}
RELEASE_HORIZON = timedelta(days=7)


@query("release_measures_due")
def release_measures_due(ctx: AskContext) -> Iterator[Hit]:
    now = ctx.now
    horizon = now + RELEASE_HORIZON
    qs = _measure_candidates(ctx, _RELEASE_LIMITS, horizon)
    rows = []
    for r in qs.order_by("started_at", "pk").values(*MEASURE_FIELDS):
        period = _RELEASE_LIMITS[r["kind"]][0]
        # Not custody: the liberty is not taken, so the period rolls over holidays (rules.md).
        due = _due(r["started_at"], None, period, None, custody=False, calendar=ctx.calendar)
        if now - OVERDUE_WINDOW < due <= horizon:
            rows.append((due, r))
    rows.sort(key=lambda pair: (pair[0], pair[1]["pk"]))
    for due, r in rows:
        state = "已届满" if due <= now else "将届满"
        yield r["case__unit_id"], _measure_record(r, f"期限{_local(due)}，{state}")


NOTIFY_LIMIT = timedelta(hours=24)
NOTIFY_LOOKBACK = timedelta(days=30)


@query("custody_family_not_notified")
def custody_family_not_notified(ctx: AskContext) -> Iterator[Hit]:
    now = ctx.now
    acts = m.Event.objects.filter(at__gte=OuterRef("started_at"), at__lte=now).filter(
        Q(kind=EventKind.FAMILY_NOTIFIED)
        # 无法通知家属 counts only with its reason written down (CPR127)
        | (Q(kind=EventKind.FAMILY_UNREACHABLE) & Q(note__isnull=False) & ~Q(note=""))
    )
    named = acts.filter(measure_id=OuterRef("pk"))
    unnamed = acts.filter(
        measure_id__isnull=True, person_id=OuterRef("person_id"), case_id=OuterRef("case_id")
    )
    qs = (
        m.Measure.objects.filter(
            kind__in=_DETENTIONS,
            started_at__gt=now - NOTIFY_LOOKBACK,
            started_at__lte=now - NOTIFY_LIMIT,
        )
        .exclude(Exists(named))
        .exclude(Exists(unnamed))
    )
    rows = ctx.narrow(qs, "case__unit_id").order_by("started_at", "pk")
    for r in rows.values(*MEASURE_FIELDS):
        yield r["case__unit_id"], _measure_record(r, "未通知家属")


# --- answering ---------------------------------------------------------------------------------


@dataclass
class Answer:
    count: int
    records: list[Record]


def answer_all(
    now: datetime,
    unit_ids: Iterable[str] | None = None,
    *,
    calendar: HolidayCalendar | None = None,
) -> dict[str, dict[str, Answer]]:
    """Every question for every unit: ``{code: {unit_id: Answer}}`` (units without records are
    absent). One or two queries per question, whatever the number of units and records."""
    if now.tzinfo is None:
        raise ValueError("每日十问的时点必须带时区")
    ctx = AskContext(now, frozenset(unit_ids) if unit_ids is not None else None, calendar)
    result: dict[str, dict[str, Answer]] = {}
    for question in QUESTIONS:
        per_unit: dict[str, Answer] = {}
        for unit_id, record in question.ask(ctx):
            if ctx.unit_ids is not None and unit_id not in ctx.unit_ids:
                continue
            answer = per_unit.setdefault(unit_id, Answer(0, []))
            answer.count += 1
            if len(answer.records) < MAX_RECORDS:
                answer.records.append(record)
        result[question.code] = per_unit
    return result


def _check_registry() -> None:
    missing = [q.code for q in QUESTIONS if q.query not in QUERIES]
    codes = [q.code for q in QUESTIONS]
    if missing or len(set(codes)) != len(codes) or len(QUESTIONS) != 10:
        raise RuntimeError(f"每日十问定义有误：缺少查询 {missing}，编号 {codes}")


_check_registry()
