"""Condition checks (规范): the records for which a required condition does not hold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery, Window
from django.db.models.expressions import RowRange
from django.db.models.functions import Lead, Length, Round

from fazhi.patrol.checks.common import first_incident_officer, in_case, of_case
from fazhi.patrol.checks.idnumbers import date_number, person_birth_number
from fazhi.patrol.engine import EvalContext, Fact, RecordQuery, Scope, constant_facts
from fazhi.patrol.models import RuleKind
from fazhi.patrol.periods import add_months, end_of_day, to_shanghai
from fazhi.patrol.registry import register
from fazhi.patrol.sql import seconds_between
from fazhi.records import models as m
from fazhi.records.enums import (
    EventKind,
    MovementKind,
    OfficerRole,
    PropertyStatus,
    Qualification,
)

CONDITION = RuleKind.CONDITION
ADULT = 180000  # YYYYMMDD difference of an 18th birthday

TRANSCRIPT_FACTS = {
    "transcript.kind": ("笔录类别", "kind"),
    "transcript.started_at": ("开始时间", "started_at"),
    "transcript.ended_at": ("结束时间", "ended_at"),
    "person.name": ("被询问/讯问人", "person__name"),
    "case.id": ("案件编号", "case_id"),
}


def _transcripts(
    qs: Any, facts: dict[str, tuple[str, str]] | None = None, **kw: Any
) -> RecordQuery:
    return in_case(
        subject_type="transcript",
        queryset=qs,
        facts={**TRANSCRIPT_FACTS, **(facts or {})},
        **kw,
    )


def with_age_gap(qs: Any, moment_field: str, person_prefix: str) -> Any:
    """Annotate ``_birth`` (YYYYMMDD) and ``_age_gap``: under 18 at the moment iff < ADULT."""
    return qs.annotate(_birth=person_birth_number(person_prefix)).annotate(
        _age_gap=date_number(moment_field) - F("_birth")
    )


@dataclass(frozen=True)
class DepositParams:
    measure_kinds: list[str]


@register(
    "deposit_amount",
    kind=CONDITION,
    subject="measure",
    params=DepositParams,
    settings={"min_deposit": "number", "min_deposit_minor": "number"},
)
def deposit_amount(p: DepositParams, ctx: EvalContext) -> RecordQuery:
    """保证金 below the legal minimum (lower for a minor at the time of the measure)."""
    adult_min = ctx.settings.get("min_deposit", 1000)
    minor_min = ctx.settings.get("min_deposit_minor", 500)
    qs = with_age_gap(
        m.Measure.objects.filter(kind__in=p.measure_kinds, deposit_amount__lt=adult_min),
        "started_at",
        "person__",
    ).filter(Q(deposit_amount__lt=minor_min) | Q(_birth__isnull=True) | Q(_age_gap__gte=ADULT))
    return in_case(
        subject_type="measure",
        queryset=qs,
        facts={
            "measure.kind": ("措施类别", "kind"),
            "measure.deposit_amount": ("保证金（元）", "deposit_amount"),
            "measure.started_at": ("执行时间", "started_at"),
            "person.name": ("人员", "person__name"),
        },
        extra_facts=constant_facts(
            Fact("rule.min_deposit", "法定最低数额（元）", adult_min),
            Fact("rule.min_deposit_minor", "未成年人最低数额（元）", minor_min),
        ),
    )


@dataclass(frozen=True)
class RightsNoticeParams:
    # the criminal-procedure notice (CPL120) concerns 讯问 in criminal cases only
    case_kind: str | None = "刑事"


@register("rights_notice", kind=CONDITION, subject="transcript", params=RightsNoticeParams)
def rights_notice(p: RightsNoticeParams, ctx: EvalContext) -> RecordQuery:
    """The first 讯问 of a person must be preceded by the notice of rights and duties."""
    earlier = m.Transcript.objects.filter(
        kind="讯问", person_id=OuterRef("person_id"), started_at__lt=OuterRef("started_at")
    )
    notice = m.Event.objects.filter(
        kind=EventKind.RIGHTS_NOTICE, person_id=OuterRef("person_id"),
        at__lte=OuterRef("started_at"),
    )  # fmt: skip
    qs = m.Transcript.objects.filter(kind="讯问")
    if p.case_kind:
        qs = qs.filter(case__kind=p.case_kind)
    qs = qs.filter(~Exists(earlier), ~Exists(notice))
    return _transcripts(qs)


@dataclass(frozen=True)
class UnrecordedParams:
    transcript_kinds: list[str]
    case_kind: str | None = None
    venue_kinds: list[str] | None = None


@register("transcript_unrecorded", kind=CONDITION, subject="transcript", params=UnrecordedParams)
def transcript_unrecorded(p: UnrecordedParams, ctx: EvalContext) -> RecordQuery:
    """A transcript that had to be recorded (同步录音录像) and was not."""
    qs = m.Transcript.objects.filter(kind__in=p.transcript_kinds, recorded=False)
    if p.case_kind:
        qs = qs.filter(case__kind=p.case_kind)
    if p.venue_kinds:
        qs = qs.filter(venue__kind__in=p.venue_kinds)
    return _transcripts(qs, {"transcript.recorded": ("同步录音录像", "recorded")})


@register(
    "transcript_officers", kind=CONDITION, subject="transcript", settings={"min_officers": "int"}
)
def transcript_officers(_p: object, ctx: EvalContext) -> RecordQuery:
    """Fewer than two police officers (辅警 do not count) took the statement."""
    need = int(ctx.settings.get("min_officers", 2))
    qs = m.Transcript.objects.annotate(
        officer_count=Count(
            "officer_links", filter=~Q(officer_links__officer__role=OfficerRole.AUXILIARY)
        )
    ).filter(officer_count__lt=need)
    return _transcripts(qs, {"transcript.officer_count": ("民警人数（不含辅警）", "officer_count")})


@register("minor_guardian", kind=CONDITION, subject="transcript")
def minor_guardian(_p: object, ctx: EvalContext) -> RecordQuery:
    """A minor was questioned without a guardian or appropriate adult present."""
    qs = with_age_gap(
        m.Transcript.objects.exclude(guardian_present=True), "started_at", "person__"
    ).filter(_birth__isnull=False, _age_gap__lt=ADULT)
    return _transcripts(
        qs,
        {
            "person.birth": ("出生日期（YYYYMMDD）", "_birth"),
            "transcript.guardian_present": ("监护人在场", "guardian_present"),
        },
    )


def _overlapping_transcripts(scope: Scope | None, units: frozenset[str] | None = None) -> Any:
    order = [F("transcript__started_at").asc(), F("transcript_id").asc()]
    links = m.TranscriptOfficer.objects.all()
    if scope is not None:
        # whole partitions of the officers concerned: their overlaps are computed exactly
        links = links.filter(officer_id__in=_officers_concerned(scope))
    if units is not None:
        # a county part: whole partitions of the officers of its transcripts, not the store's
        links = links.filter(
            officer_id__in=m.TranscriptOfficer.objects.filter(
                transcript__case__unit_id__in=sorted(units)
            ).values("officer_id")
        )
    links = links.annotate(
        start=F("transcript__started_at"),
        end=F("transcript__ended_at"),
        prev_end=Window(
            Max("transcript__ended_at"),
            partition_by=[F("officer_id")],
            order_by=order,
            frame=RowRange(start=None, end=-1),
        ),
        next_start=Window(
            Lead("transcript__started_at"), partition_by=[F("officer_id")], order_by=order
        ),
    )
    return links.filter(Q(prev_end__gt=F("start")) | Q(next_start__lt=F("end"))).values(
        "transcript_id"
    )


def _overlap_partners(rows: list[dict[str, Any]]) -> dict[str, list[Fact]]:
    """For each flagged transcript, the transcripts of its officers that overlap it (3 queries
    for all of them)."""
    flagged = [row["pk"] for row in rows]
    own = list(
        m.TranscriptOfficer.objects.filter(transcript_id__in=flagged).values_list(
            "transcript_id", "officer_id"
        )
    )
    officers = {officer for _, officer in own}
    spans = {
        pk: (start, end)
        for pk, start, end in m.Transcript.objects.filter(pk__in=flagged).values_list(
            "pk", "started_at", "ended_at"
        )
    }
    by_officer: dict[str, list[tuple[Any, Any, str, str]]] = {}
    for officer, name, tid, start, end in (
        m.TranscriptOfficer.objects.filter(officer_id__in=officers)
        .order_by("transcript__started_at", "transcript_id")
        .values_list(
            "officer_id", "officer__name", "transcript_id", "transcript__started_at",
            "transcript__ended_at",
        )
    ):  # fmt: skip
        by_officer.setdefault(officer, []).append((start, end, tid, name))
    partners: dict[str, list[str]] = {pk: [] for pk in flagged}
    for tid, officer in own:
        start, end = spans[tid]
        for other_start, other_end, other, name in by_officer.get(officer, []):
            if other != tid and other_start < end and other_end > start:
                partners[tid].append(f"{name}：{other}")
    return {
        pk: [Fact("overlap.with", "时间重叠的笔录", sorted(found))]
        for pk, found in partners.items()
    }


def _officers_concerned(scope: Scope) -> list[str]:
    """Officers of the transcripts an incremental run re-checks: a changed transcript can
    create or remove an overlap with any other transcript of the same officer."""
    links = m.TranscriptOfficer.objects
    officers = set(
        links.filter(transcript_id__in=scope.transcript_ids).values_list("officer_id", flat=True)
    )
    officers.update(
        links.filter(transcript__case_id__in=scope.case_ids).values_list("officer_id", flat=True)
    )
    return sorted(officers)


def _same_officers(scope: Scope) -> Q:
    return Q(
        pk__in=m.TranscriptOfficer.objects.filter(officer_id__in=_officers_concerned(scope)).values(
            "transcript_id"
        )
    )


@register("officer_overlap", kind=CONDITION, subject="transcript")
def officer_overlap(_p: object, ctx: EvalContext) -> RecordQuery:
    """One officer in two transcripts whose [start, end) overlap: he cannot have been present."""
    qs = m.Transcript.objects.filter(pk__in=_overlapping_transcripts(ctx.scope, ctx.units))
    return _transcripts(
        qs,
        extra_facts=_overlap_partners,
        narrow=_same_officers,
        prescoped=ctx.scope is not None,
    )


@register(
    "transcript_speed", kind=CONDITION, subject="transcript", settings={"chars_per_minute": "int"}
)
def transcript_speed(_p: object, ctx: EvalContext) -> RecordQuery:
    """More text than can be written in the transcript's duration (local standard)."""
    rate = int(ctx.settings.get("chars_per_minute", 250))
    qs = (
        m.Transcript.objects.annotate(
            # rounded to the millisecond: SQLite's julianday() arithmetic is off by microseconds
            # (60 s came out as 59.999996 s, so 250 characters in a minute were reported)
            seconds=Round(seconds_between("started_at", "ended_at"), 3),
            chars=Length("text"),
        )
        .filter(seconds__gte=0)
        .filter(chars__gt=F("seconds") * rate / 60.0)
    )
    return _transcripts(
        qs,
        {
            "transcript.chars": ("笔录字数", "chars"),
            "transcript.seconds": ("用时（秒）", "seconds"),
        },
        extra_facts=constant_facts(Fact("rule.chars_per_minute", "每分钟字数上限", rate)),
    )


@register("lead_qualification", kind=CONDITION, subject="case")
def lead_qualification(_p: object, ctx: EvalContext) -> RecordQuery:
    """The case's lead officer had no law-enforcement qualification when the case was accepted."""
    qs = (
        m.Case.objects.filter(lead_officer__isnull=False)
        .annotate(
            _qualified=date_number("lead_officer__qualified_at"),
            _accepted=date_number("accepted_at"),
        )
        .filter(
            Q(lead_officer__role=OfficerRole.AUXILIARY)
            | Q(lead_officer__qualification=Qualification.NONE)
            # qualified only after the case was accepted: not qualified when it mattered
            | Q(lead_officer__qualified_at__isnull=False, _qualified__gt=F("_accepted"))
        )
    )
    return of_case(
        queryset=qs,
        facts={
            "case.accepted_at": ("受案时间", "accepted_at"),
            "officer.name": ("主办民警", "lead_officer__name"),
            "officer.role": ("角色", "lead_officer__role"),
            "officer.qualification": ("执法资格", "lead_officer__qualification"),
            "officer.qualified_at": ("取得资格日期", "lead_officer__qualified_at"),
        },
    )


@dataclass(frozen=True)
class LeaderQualificationParams:
    roles: list[str]  # the roles that need the level
    levels: list[str]  # the levels below it (the local standard: 中级 for unit leaders)


@register(
    "leader_qualification", kind=CONDITION, subject="officer", params=LeaderQualificationParams
)
def leader_qualification(p: LeaderQualificationParams, ctx: EvalContext) -> RecordQuery:
    """An active unit leader or legal officer whose qualification is below what the role needs."""
    unknown = sorted(set(p.roles) - set(OfficerRole.values)) + sorted(
        set(p.levels) - set(Qualification.values)
    )
    if unknown:
        raise ValueError(f"角色或执法资格等级 {'、'.join(unknown)} 不存在")
    qs = m.Officer.objects.filter(active=True, role__in=p.roles, qualification__in=p.levels)
    # Officers are few and a change to one makes the incremental run a full one: no narrowing.
    return RecordQuery(
        subject_type="officer",
        queryset=qs,
        unit="unit_id",
        officer="pk",
        case=None,
        facts={
            "officer.name": ("民警", "name"),
            "officer.role": ("角色", "role"),
            "officer.qualification": ("执法资格", "qualification"),
            "officer.qualified_at": ("取得资格日期", "qualified_at"),
        },
        extra_facts=constant_facts(Fact("rule.levels", "不足的等级", p.levels)),
    )


@dataclass(frozen=True)
class ArrivalRecordingParams:
    categories: list[str]  # incidents whose attendance must be recorded (VR art. 4)
    grace_minutes: int  # a recording may start this long after the arrival
    # Recordings are looked for only this far back from the arrival: one index range per
    # officer instead of his whole year (a body camera runs a shift at most).
    longest_hours: int


@register("arrival_recording", kind=CONDITION, subject="incident", params=ArrivalRecordingParams)
def arrival_recording(p: ArrivalRecordingParams, ctx: EvalContext) -> RecordQuery:
    """An attended incident that none of its officers recorded from the arrival on (FZX v1.1
    ``recording``; a bureau that sends no recordings at all gets no finding)."""
    if p.grace_minutes < 0 or p.longest_hours < 1:
        raise ValueError("grace_minutes 应不小于0，longest_hours 应为正整数")
    arrived = OuterRef(OuterRef("arrived_at"))
    covering = m.Recording.objects.filter(
        officer_id=OuterRef("officer_id"),
        started_at__lte=arrived + timedelta(minutes=p.grace_minutes),
        started_at__gte=arrived - timedelta(hours=p.longest_hours),
        ended_at__gte=arrived,
    )
    recorded = m.IncidentOfficer.objects.filter(incident_id=OuterRef("pk")).filter(Exists(covering))
    if ctx.units is not None:
        # the same rows (the incident is the part's), said so that the planner does not hash
        # every incident's officers of the store for one county's anti-join
        recorded = recorded.filter(incident__unit_id__in=sorted(ctx.units))
    qs = (
        m.Incident.objects.filter(
            category__in=p.categories, arrived_at__isnull=False, arrived_at__lte=ctx.as_of
        )
        .filter(~Exists(recorded))
        .annotate(first_officer=first_incident_officer())
    )
    if not m.Recording.objects.exists():
        qs = qs.none()
    # Another officer's recording can change the answer for any incident he attended: every
    # incident is evaluated (no narrowing), each with one indexed look-up per officer.
    return RecordQuery(
        subject_type="incident",
        queryset=qs,
        unit="unit_id",
        officer="first_officer",
        case=None,
        facts={
            "incident.category": ("接警类别", "category"),
            "incident.received_at": ("接警时间", "received_at"),
            "incident.arrived_at": ("到达现场", "arrived_at"),
            "incident.address": ("地址", "address"),
        },
        extra_facts=constant_facts(
            Fact("rule.grace", "记录应开始于", f"到达现场后{p.grace_minutes}分钟内")
        ),
    )


@dataclass(frozen=True)
class RecordingRetentionParams:
    months: int  # the shortest time a recording is kept (VR art. 13: 6 months)


# More than any ``months`` months can last: the SQL candidates, which ``refine`` decides exactly.
_DAYS_PER_MONTH_AT_MOST = 31


@register(
    "recording_retention", kind=CONDITION, subject="recording", params=RecordingRetentionParams
)
def recording_retention(p: RecordingRetentionParams, ctx: EvalContext) -> RecordQuery:
    """An enforcement recording deleted before it could be: while used as evidence, while its
    case was still open, or before the retention period ended (FZX v1.1 ``recording``)."""
    if p.months < 1:
        raise ValueError("保存期限 months 应为正整数")
    open_case = Q(case__isnull=False) & (
        Q(case__closed_at__isnull=True) | Q(case__closed_at__gt=F("deleted_at"))
    )
    early = Q(deleted_at__lt=F("ended_at") + timedelta(days=_DAYS_PER_MONTH_AT_MOST * p.months))
    qs = m.Recording.objects.filter(deleted_at__isnull=False, deleted_at__lte=ctx.as_of).filter(
        Q(evidence=True) | open_case | early
    )

    def refine(row: dict[str, Any], _settings: Any, _ctx: EvalContext) -> bool:
        return bool(_retention_breaches(row, p.months))

    def reasons(rows: list[dict[str, Any]]) -> dict[str, list[Fact]]:
        return {
            row["pk"]: [Fact("recording.breach", "违规情形", _retention_breaches(row, p.months))]
            for row in rows
        }

    # Only deleted recordings are candidates, a small set: evaluated whole (no narrowing).
    return RecordQuery(
        subject_type="recording",
        queryset=qs,
        unit="officer__unit_id",
        officer="officer_id",
        case="case_id",
        facts={
            "officer.name": ("记录民警", "officer__name"),
            "recording.device_no": ("执法记录仪编号", "device_no"),
            "recording.ended_at": ("结束时间", "ended_at"),
            "recording.deleted_at": ("删除时间", "deleted_at"),
            "recording.evidence": ("作为证据", "evidence"),
            "case.id": ("案件编号", "case_id"),
            "case.closed_at": ("结案时间", "case__closed_at"),
        },
        refine=refine,
        extra_facts=reasons,
    )


def _retention_breaches(row: dict[str, Any], months: int) -> list[str]:
    """Why deleting the recording of ``row`` was not allowed, in Chinese (empty: it was)."""
    deleted = row["fact__recording.deleted_at"]
    ended = row["fact__recording.ended_at"]
    closed = row["fact__case.closed_at"]
    found = []
    if row["fact__recording.evidence"]:
        found.append("作为证据使用的音视频应当永久保存")
    if row["fact__case.id"] and (closed is None or closed > deleted):
        found.append("所涉案件尚未办结")
    # The period runs from the day it ended to the same day ``months`` later (or that month's
    # last day), to its end: deleting before that day is over is too early.
    last_day, _why = add_months(to_shanghai(ended).date(), months)
    if deleted < end_of_day(last_day):
        found.append(f"保存不足{months}个月（至{last_day.isoformat()}期满）")
    return found


# A movement that takes the item out of the store, and those after which it is in store.
LEAVING = [
    MovementKind.STORE_OUT, MovementKind.BORROW, MovementKind.HAND_OVER,
    MovementKind.RETURN_TO_OWNER, MovementKind.DISPOSE,
]  # fmt: skip
IN_STORE_AFTER = [MovementKind.STORE_IN, MovementKind.BRING_BACK]


@register("custody_chain", kind=CONDITION, subject="property_movement")
def custody_chain(_p: object, ctx: EvalContext) -> RecordQuery:
    """A movement the item's own chain does not allow: it leaves a store it is not in (never
    taken in, or already out), or is taken into a store it is already in (FZX v1.1)."""
    # The chain's previous step: movements of the item in time order, ties by id.
    previous = m.PropertyMovement.objects.filter(property_id=OuterRef("property_id")).filter(
        Q(at__lt=OuterRef("at")) | Q(at=OuterRef("at"), pk__lt=OuterRef("pk"))
    )
    qs = (
        m.PropertyMovement.objects.filter(at__lte=ctx.as_of)
        .annotate(_previous=Subquery(previous.order_by("-at", "-pk").values("kind")[:1]))
        .filter(
            Q(kind__in=LEAVING, _previous__isnull=True)
            | Q(kind__in=LEAVING, _previous__in=LEAVING)
            | Q(kind=MovementKind.STORE_IN, _previous__in=IN_STORE_AFTER)
        )
    )
    return RecordQuery(
        subject_type="property_movement",
        queryset=qs,
        unit="property__case__unit_id",
        officer="property__case__lead_officer_id",
        case="property__case_id",
        facts={
            "property.name": ("财物", "property__name"),
            "property_movement.kind": ("流转类别", "kind"),
            "property_movement.at": ("时间", "at"),
            "property_movement.previous": ("上一环节", "_previous"),
        },
        narrow=lambda scope: Q(property__case_id__in=scope.case_ids),
    )


@dataclass(frozen=True)
class MeasureDocumentParams:
    measure_kinds: list[str]
    document_kinds: list[str]


@register("measure_document", kind=CONDITION, subject="measure", params=MeasureDocumentParams)
def measure_document(p: MeasureDocumentParams, ctx: EvalContext) -> RecordQuery:
    """A coercive measure without the legal document it requires."""
    documents = m.Document.objects.filter(kind__in=p.document_kinds)
    # two indexed look-ups (see common.for_measure) rather than one OR that no index serves
    named = documents.filter(measure_id=OuterRef("pk"))
    unnamed = documents.filter(
        measure_id__isnull=True, person_id=OuterRef("person_id"), case_id=OuterRef("case_id")
    )
    qs = m.Measure.objects.filter(kind__in=p.measure_kinds).filter(~Exists(named), ~Exists(unnamed))
    return in_case(
        subject_type="measure",
        queryset=qs,
        facts={
            "measure.kind": ("措施类别", "kind"),
            "measure.started_at": ("执行时间", "started_at"),
            "measure.document_no": ("文书编号", "document_no"),
            "person.name": ("人员", "person__name"),
        },
        extra_facts=constant_facts(Fact("rule.document_kinds", "缺少的文书", p.document_kinds)),
    )


@dataclass(frozen=True)
class EventDocumentParams:
    event_kinds: list[str]
    document_kinds: list[str]


@register("event_document", kind=CONDITION, subject="event", params=EventDocumentParams)
def event_document(p: EventDocumentParams, ctx: EvalContext) -> RecordQuery:
    """A decision without its written decision in the case file."""
    documents = m.Document.objects.filter(kind__in=p.document_kinds, case_id=OuterRef("case_id"))
    qs = m.Event.objects.filter(kind__in=p.event_kinds, case_id__isnull=False).filter(
        ~Exists(documents)
    )
    return in_case(
        subject_type="event",
        queryset=qs,
        facts={
            "event.kind": ("行为", "kind"),
            "event.at": ("时间", "at"),
            "case.id": ("案件编号", "case_id"),
        },
        extra_facts=constant_facts(Fact("rule.document_kinds", "缺少的文书", p.document_kinds)),
    )


@dataclass(frozen=True)
class UnsignedParams:
    document_kinds: list[str]


@register("unsigned_document", kind=CONDITION, subject="document", params=UnsignedParams)
def unsigned_document(p: UnsignedParams, ctx: EvalContext) -> RecordQuery:
    """A document that needs the party's signature or fingerprint, without it."""
    qs = m.Document.objects.filter(kind__in=p.document_kinds, signed=False)
    return in_case(
        subject_type="document",
        queryset=qs,
        facts={
            "document.kind": ("文书", "kind"),
            "document.number": ("文号", "number"),
            "document.issued_at": ("开具时间", "issued_at"),
            "document.signed": ("签名捺印", "signed"),
        },
    )


@register("closed_case_property", kind=CONDITION, subject="case", settings={"days": "int"})
def closed_case_property(_p: object, ctx: EvalContext) -> RecordQuery:
    """A case closed for longer than the local standard still holds property not disposed of."""
    days = timedelta(days=int(ctx.settings.get("days", 30)))
    pending = m.Property.objects.filter(
        case_id=OuterRef("pk"),
        status__in=[PropertyStatus.AWAITING_STORAGE, PropertyStatus.STORED],
    )
    qs = m.Case.objects.filter(closed_at__isnull=False, closed_at__lt=ctx.as_of - days).filter(
        Exists(pending)
    )

    def narrow(scope: Scope) -> Q:
        # the finding appears with time: when closed_at + days passes between the two runs
        return Q(pk__in=scope.case_ids) | Q(
            closed_at__gte=scope.prev_as_of - days, closed_at__lt=ctx.as_of - days
        )

    return of_case(
        queryset=qs,
        facts={
            "case.closed_at": ("结案时间", "closed_at"),
            "case.status": ("状态", "status"),
        },
        narrow=narrow,
        extra_facts=_pending_property,
    )


def _pending_property(rows: list[dict[str, Any]]) -> dict[str, list[Fact]]:
    pending: dict[str, list[str]] = {row["pk"]: [] for row in rows}
    for case_id, pk in (
        m.Property.objects.filter(
            case_id__in=list(pending),
            status__in=[PropertyStatus.AWAITING_STORAGE, PropertyStatus.STORED],
        )
        .order_by("case_id", "pk")
        .values_list("case_id", "pk")
    ):
        pending[case_id].append(pk)
    return {case: [Fact("property.pending", "未处置财物", ids)] for case, ids in pending.items()}


@dataclass(frozen=True)
class VisitFlagParams:
    flag: str


VISIT_FLAGS = {
    "safety_checked": "人身安全检查",
    "belongings_registered": "随身物品登记",
    "recorded": "全程录音录像",
}


@register("visit_flag", kind=CONDITION, subject="venue_visit", params=VisitFlagParams)
def visit_flag(p: VisitFlagParams, ctx: EvalContext) -> RecordQuery:
    """A case-area visit without a required safeguard (check, registration, recording)."""
    if p.flag not in VISIT_FLAGS:
        raise ValueError(f"办案区检查项 {p.flag} 不存在")
    qs = m.VenueVisit.objects.filter(**{p.flag: False})
    return in_case(
        subject_type="venue_visit",
        queryset=qs,
        facts={
            "venue.name": ("场所", "venue__name"),
            "person.name": ("人员", "person__name"),
            "venue_visit.entered_at": ("进入时间", "entered_at"),
            f"venue_visit.{p.flag}": (VISIT_FLAGS[p.flag], p.flag),
        },
    )
