"""Deadline checks (时限): each annotates its trigger records with ``trigger_at`` and ``done_at``
(the first required act in [trigger, as_of]), and optionally ``ext_to`` (a recorded extension),
``ext_count`` (延长期限 approvals) and ``is_complex`` (重大复杂 case)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import IsNull

from fazhi.patrol.checks.common import (
    CASE_FACTS,
    INCIDENT_FACTS,
    MEASURE_FACTS,
    by_incident,
    events,
    first_for_measure,
    first_incident_officer,
    first_time,
    in_case,
    least,
    of_case,
    own_time,
    within,
)
from fazhi.patrol.engine import Closing, EvalContext, RecordQuery
from fazhi.patrol.models import RuleKind
from fazhi.patrol.registry import register
from fazhi.records import models as m
from fazhi.records.enums import (
    CaseStatus,
    Disposition,
    EventKind,
    MovementKind,
    PropertyStatus,
)

DEADLINE = RuleKind.DEADLINE


def _measures(kinds: list[str], case_kind: str | None) -> QuerySet[m.Measure]:
    qs = m.Measure.objects.filter(kind__in=kinds)
    if case_kind:
        qs = qs.filter(case__kind=case_kind)
    return qs


ENDED = Closing("解除时间", "measure.ended_at")


def _records(kinds: list[str]) -> Closing:
    return Closing("、".join(kinds) + "记录")


def _measure_query(qs: object, act: str, trigger: str, *closing: Closing) -> RecordQuery:
    return in_case(
        subject_type="measure",
        queryset=qs,
        facts=MEASURE_FACTS,
        act=act,
        trigger=trigger,
        closing=closing,
    )


@dataclass(frozen=True)
class MeasureEndParams:
    measure_kinds: list[str]
    case_kind: str | None = None


@register(
    "measure_end",
    kind=DEADLINE,
    subject="measure",
    params=MeasureEndParams,
    settings={"cap": "period", "cap_complex": "period"},
)
def measure_end(p: MeasureEndParams, ctx: EvalContext) -> RecordQuery:
    """A measure must end (release, lift, change) within its limit: 传唤, 取保, 扣押 …"""
    qs = _measures(p.measure_kinds, p.case_kind).annotate(
        trigger_at=F("started_at"),
        done_at=own_time("ended_at", "started_at", ctx.as_of),
        ext_to=F("extended_to"),
        is_complex=F("case__complex"),
    )
    return _measure_query(qs, "解除/结束", "、".join(p.measure_kinds) + "执行", ENDED)


@dataclass(frozen=True)
class MeasureEventParams:
    measure_kinds: list[str]
    event_kinds: list[str]
    # acts that count only when their note gives a reason (无法通知家属 needs the why)
    noted_event_kinds: list[str] = field(default_factory=list)
    case_kind: str | None = None
    # the measure ending (release, or a change to another measure: its ended_at) also closes
    # the deadline: a person released within 24 h was never owed to the 看守所 (XS-JL-01);
    # released later without the act, the release is the late act
    end_counts: bool = False


@register("measure_event", kind=DEADLINE, subject="measure", params=MeasureEventParams)
def measure_event(p: MeasureEventParams, ctx: EvalContext) -> RecordQuery:
    """A measure requires an act concerning it within the limit: 送看守所, 通知家属 …"""
    done = first_for_measure(
        events(p.event_kinds).filter(within("at", "started_at", ctx.as_of)), "at"
    )
    if p.noted_event_kinds:
        noted = (
            events(p.noted_event_kinds)
            .filter(within("at", "started_at", ctx.as_of))
            .exclude(note__isnull=True)
            .exclude(note="")
        )
        done = least(done, first_for_measure(noted, "at"))
    act = "、".join(p.event_kinds)
    closing = [_records(p.event_kinds)]
    if p.noted_event_kinds:
        closing.append(Closing("写明原因的" + "、".join(p.noted_event_kinds) + "记录"))
    if p.end_counts:
        done = least(done, own_time("ended_at", "started_at", ctx.as_of))
        act += "或解除"
        closing.append(ENDED)
    qs = _measures(p.measure_kinds, p.case_kind).annotate(trigger_at=F("started_at"), done_at=done)
    return _measure_query(qs, act, "、".join(p.measure_kinds) + "执行", *closing)


@dataclass(frozen=True)
class MeasureTranscriptParams:
    measure_kinds: list[str]
    transcript_kind: str = "讯问"


@register("measure_transcript", kind=DEADLINE, subject="measure", params=MeasureTranscriptParams)
def measure_transcript(p: MeasureTranscriptParams, ctx: EvalContext) -> RecordQuery:
    """After detention or arrest the person must be interrogated within 24 hours."""
    acts = m.Transcript.objects.filter(
        kind=p.transcript_kind,
        person_id=OuterRef("person_id"),
    ).filter(within("started_at", "started_at", ctx.as_of))
    qs = _measures(p.measure_kinds, None).annotate(
        trigger_at=F("started_at"), done_at=first_time(acts, "started_at")
    )
    return _measure_query(
        qs,
        p.transcript_kind,
        "、".join(p.measure_kinds) + "执行",
        Closing(f"该人员的{p.transcript_kind}笔录"),
    )


@dataclass(frozen=True)
class MeasureEventOrEndParams:
    measure_kinds: list[str]
    event_kinds: list[str]
    # an act naming no person but the whole case also counts (移送审查起诉 of the case)
    whole_case_counts: bool = False


@register(
    "measure_event_or_end",
    kind=DEADLINE,
    subject="measure",
    params=MeasureEventOrEndParams,
    settings={"cap": "period", "cap_complex": "period"},
)
def measure_event_or_end(p: MeasureEventOrEndParams, ctx: EvalContext) -> RecordQuery:
    """Custody must lead to the next procedural act for that person, or end."""
    acts = events(p.event_kinds).filter(within("at", "started_at", ctx.as_of))
    # one indexed look-up per way an act can concern the measure, rather than one OR
    done = least(
        first_time(acts.filter(measure_id=OuterRef("pk")), "at"),
        first_time(acts.filter(person_id=OuterRef("person_id"), case_id=OuterRef("case_id")), "at"),
    )
    if p.whole_case_counts:
        whole_case = acts.filter(person_id__isnull=True, case_id=OuterRef("case_id"))
        done = least(done, first_time(whole_case, "at"))
    qs = _measures(p.measure_kinds, None).annotate(
        trigger_at=F("started_at"),
        done_at=least(done, own_time("ended_at", "started_at", ctx.as_of)),
        ext_to=F("extended_to"),
        is_complex=F("case__complex"),
    )
    return _measure_query(
        qs,
        "、".join(p.event_kinds) + "或解除",
        "、".join(p.measure_kinds) + "执行",
        _records(p.event_kinds),
        ENDED,
    )


@dataclass(frozen=True)
class MeasureEndEventParams:
    measure_kinds: list[str]
    event_kinds: list[str]


@register("measure_end_event", kind=DEADLINE, subject="measure", params=MeasureEndEventParams)
def measure_end_event(p: MeasureEndEventParams, ctx: EvalContext) -> RecordQuery:
    """When 取保候审 with a deposit ends, the deposit must be returned or forfeited."""
    acts = events(p.event_kinds).filter(within("at", "ended_at", ctx.as_of))
    qs = (
        m.Measure.objects.filter(kind__in=p.measure_kinds, ended_at__isnull=False)
        .filter(deposit_amount__gt=0)
        .annotate(trigger_at=F("ended_at"), done_at=first_for_measure(acts, "at"))
    )
    return _measure_query(
        qs, "、".join(p.event_kinds), "、".join(p.measure_kinds) + "解除", _records(p.event_kinds)
    )


@dataclass(frozen=True)
class EventMeasureEndParams:
    event_kinds: list[str]
    measure_kinds: list[str]


@register("event_measure_end", kind=DEADLINE, subject="event", params=EventMeasureEndParams)
def event_measure_end(p: EventMeasureEndParams, ctx: EvalContext) -> RecordQuery:
    """不批准逮捕 → the detained person must be released at once."""
    ends = m.Measure.objects.filter(kind__in=p.measure_kinds).filter(
        Q(pk=OuterRef("measure_id"))
        | Q(person_id=OuterRef("person_id"), case_id=OuterRef("case_id"))
    )
    ends = ends.filter(within("ended_at", "at", ctx.as_of))
    qs = events(p.event_kinds).annotate(trigger_at=F("at"), done_at=first_time(ends, "ended_at"))
    return in_case(
        subject_type="event",
        queryset=qs,
        facts={
            "event.kind": ("行为", "kind"),
            "event.at": ("时间", "at"),
            "person.name": ("人员", "person__name"),
            "case.id": ("案件编号", "case_id"),
        },
        act="释放（解除" + "、".join(p.measure_kinds) + "）",
        trigger="、".join(p.event_kinds),
        closing=(Closing("、".join(p.measure_kinds) + "解除时间"),),
    )


@dataclass(frozen=True)
class EventEventParams:
    trigger_kinds: list[str]
    event_kinds: list[str]


@register("event_event", kind=DEADLINE, subject="event", params=EventEventParams)
def event_event(p: EventEventParams, ctx: EvalContext) -> RecordQuery:
    """A decision must be followed by its notice or service in the same case: to the decision's
    person, or naming no person; a decision naming no person is answered by any such act."""
    follow = (
        events(p.event_kinds)
        .filter(case_id=OuterRef("case_id"))
        .filter(
            Q(person_id__isnull=True)
            | Q(person_id=OuterRef("person_id"))
            | Q(IsNull(OuterRef("person_id"), True))
        )
        .filter(within("at", "at", ctx.as_of))
    )
    qs = (
        events(p.trigger_kinds)
        .filter(case_id__isnull=False)
        .annotate(trigger_at=F("at"), done_at=first_time(follow, "at"))
    )
    return in_case(
        subject_type="event",
        queryset=qs,
        facts={
            "event.kind": ("行为", "kind"),
            "event.at": ("时间", "at"),
            "person.name": ("人员", "person__name"),
            "case.id": ("案件编号", "case_id"),
            "case.cause": ("案由", "case__cause"),
        },
        act="、".join(p.event_kinds),
        trigger="、".join(p.trigger_kinds),
        closing=(_records(p.event_kinds),),
    )


def _extensions() -> Subquery:
    return Subquery(
        events([EventKind.EXTENSION])
        .filter(case_id=OuterRef("pk"))
        .order_by()
        .values("case_id")
        .annotate(n=Count("pk"))
        .values("n")[:1],
        output_field=IntegerField(),
    )


def _case_query(qs: object, act: str, trigger: str, *closing: Closing) -> RecordQuery:
    return of_case(
        queryset=qs,
        facts=CASE_FACTS,
        act=act,
        trigger=trigger,
        closing=closing,
    )


@dataclass(frozen=True)
class CaseFilingParams:
    case_kind: str = "刑事"
    refusal_kinds: list[str] = field(default_factory=lambda: [EventKind.NOT_FILING.value])


@register(
    "case_filing",
    kind=DEADLINE,
    subject="case",
    params=CaseFilingParams,
    settings={"extended_limit": "period", "extended_limit_complex": "period"},
)
def case_filing(p: CaseFilingParams, ctx: EvalContext) -> RecordQuery:
    """A criminal case accepted must be filed or refused within the review period."""
    refused = events(p.refusal_kinds).filter(
        case_id=OuterRef("pk"), at__gte=OuterRef("accepted_at"), at__lte=ctx.as_of
    )
    qs = m.Case.objects.filter(kind=p.case_kind).annotate(
        trigger_at=F("accepted_at"),
        done_at=least(own_time("filed_at", "accepted_at", ctx.as_of), first_time(refused, "at")),
        ext_count=Coalesce(_extensions(), 0),
        is_complex=F("complex"),
    )
    return _case_query(
        qs,
        "立案或不予立案",
        "受案",
        Closing("立案时间", "case.filed_at"),
        _records(p.refusal_kinds),
    )


@dataclass(frozen=True)
class CaseDecisionParams:
    case_kind: str = "行政"
    event_kinds: list[str] = field(default_factory=list)


@register(
    "case_decision",
    kind=DEADLINE,
    subject="case",
    params=CaseDecisionParams,
    settings={"extension_step": "period", "max_extensions": "int"},
)
def case_decision(p: CaseDecisionParams, ctx: EvalContext) -> RecordQuery:
    """An administrative case must be decided within its handling period (from filing)."""
    decided = (
        events(p.event_kinds)
        .filter(case_id=OuterRef("pk"))
        .filter(within("at", "trigger_at", ctx.as_of))
    )
    qs = (
        m.Case.objects.filter(kind=p.case_kind)
        .annotate(trigger_at=Coalesce(F("filed_at"), F("accepted_at")))
        .annotate(done_at=first_time(decided, "at"), ext_count=Coalesce(_extensions(), 0))
    )
    return _case_query(
        qs, "、".join(p.event_kinds), "立案（无立案时间的以受案）", _records(p.event_kinds)
    )


@dataclass(frozen=True)
class CaseEventParams:
    event_kinds: list[str]


@register("case_event", kind=DEADLINE, subject="case", params=CaseEventParams)
def case_event(p: CaseEventParams, ctx: EvalContext) -> RecordQuery:
    """An accepted case must produce an act (受案回执) within the limit."""
    acts = (
        events(p.event_kinds)
        .filter(case_id=OuterRef("pk"))
        .filter(within("at", "accepted_at", ctx.as_of))
    )
    qs = m.Case.objects.annotate(trigger_at=F("accepted_at"), done_at=first_time(acts, "at"))
    return _case_query(qs, "、".join(p.event_kinds), "受案", _records(p.event_kinds))


def _incident_query(qs: object, act: str, trigger: str, *closing: Closing) -> RecordQuery:
    return RecordQuery(
        subject_type="incident",
        queryset=qs,  # type: ignore[arg-type]
        unit="unit_id",
        officer="first_officer",
        case=None,
        facts=INCIDENT_FACTS,
        act=act,
        trigger=trigger,
        narrow=by_incident("pk"),
        closing=closing,
    )


@dataclass(frozen=True)
class IncidentDisposalParams:
    categories: list[str]


@register("incident_disposal", kind=DEADLINE, subject="incident", params=IncidentDisposalParams)
def incident_disposal(p: IncidentDisposalParams, ctx: EvalContext) -> RecordQuery:
    """An incident must be disposed of (disposition and disposed_at recorded) in time."""
    # a disposal time without a disposition is not a disposal
    done = Case(
        When(
            disposition__isnull=False,
            disposed_at__gte=F("received_at"),
            disposed_at__lte=ctx.as_of,
            then=F("disposed_at"),
        ),
        default=None,
        output_field=DateTimeField(),
    )
    qs = m.Incident.objects.filter(category__in=p.categories).annotate(
        trigger_at=F("received_at"), done_at=done, first_officer=first_incident_officer()
    )
    return _incident_query(
        qs,
        "处置完毕",
        "接警",
        Closing("处置结果", "incident.disposition"),
        Closing("处置完毕时间", "incident.disposed_at"),
    )


@register("incident_case", kind=DEADLINE, subject="incident")
def incident_case(_p: object, ctx: EvalContext) -> RecordQuery:
    """An incident disposed as 受案 must have its case registered (accepted_at) in time."""
    cases = m.Case.objects.filter(incident_id=OuterRef("pk")).filter(
        within("accepted_at", "disposed_at", ctx.as_of)
    )
    qs = m.Incident.objects.filter(
        disposition=Disposition.ACCEPTED, disposed_at__isnull=False
    ).annotate(
        trigger_at=F("disposed_at"),
        done_at=first_time(cases, "accepted_at"),
        first_officer=first_incident_officer(),
    )
    return _incident_query(qs, "录入案件", "处置为受案", Closing("关联该警情的案件"))


@register("property_storage", kind=DEADLINE, subject="property")
def property_storage(_p: object, ctx: EvalContext) -> RecordQuery:
    """Seized property must be put into storage (财物入库 naming it) in time."""
    stored = (
        events([EventKind.PROPERTY_STORED])
        .filter(property_id=OuterRef("pk"))
        .filter(within("at", "seized_at", ctx.as_of))
    )
    qs = m.Property.objects.annotate(trigger_at=F("seized_at"), done_at=first_time(stored, "at"))
    return in_case(
        subject_type="property",
        queryset=qs,
        facts={
            "property.name": ("财物", "name"),
            "property.category": ("类别", "category"),
            "property.seized_at": ("扣押时间", "seized_at"),
            "property.status": ("状态", "status"),
            "case.id": ("案件编号", "case_id"),
        },
        act="财物入库",
        trigger="扣押",
        closing=(Closing("财物入库记录"),),
    )


@register("unrelated_property_return", kind=DEADLINE, subject="property")
def unrelated_property_return(_p: object, ctx: EvalContext) -> RecordQuery:
    """Property found unrelated to the case must go back to its owner in time: a 返还 in its
    custody chain (FZX v1.1 ``property_movement``) from the moment it was found unrelated."""
    returned = m.PropertyMovement.objects.filter(
        property_id=OuterRef("pk"), kind=MovementKind.RETURN_TO_OWNER
    ).filter(within("at", "unrelated_at", ctx.as_of))
    qs = m.Property.objects.filter(unrelated=True, unrelated_at__isnull=False).annotate(
        trigger_at=F("unrelated_at"),
        # A status of 已返还 with no 返还 recorded says it went back but not when: it counts as
        # done (nothing shows it was late), unlike GF-CW-01's 在库, which must show its time.
        done_at=Coalesce(
            first_time(returned, "at"),
            Case(When(status=PropertyStatus.RETURNED, then=F("unrelated_at"))),
        ),
    )
    return in_case(
        subject_type="property",
        queryset=qs,
        facts={
            "property.name": ("财物", "name"),
            "property.unrelated_at": ("认定无关时间", "unrelated_at"),
            "property.status": ("状态", "status"),
            "property.location": ("保管位置", "location"),
            "case.id": ("案件编号", "case_id"),
        },
        act="返还原主",
        trigger="认定与案件无关",
        closing=(Closing("返还原主的财物流转记录"),),
    )


@register("borrowed_property_return", kind=DEADLINE, subject="property_movement")
def borrowed_property_return(_p: object, ctx: EvalContext) -> RecordQuery:
    """An item taken out of the store on loan (调用: identification, an expert opinion) must
    come back (归还) by the return date its approval recorded (``due_back_at``, FZX v1.1), or
    within the rule's limit when none was recorded."""
    back = m.PropertyMovement.objects.filter(
        property_id=OuterRef("property_id"), kind=MovementKind.BRING_BACK
    ).filter(within("at", "at", ctx.as_of))
    qs = m.PropertyMovement.objects.filter(kind=MovementKind.BORROW).annotate(
        trigger_at=F("at"), done_at=first_time(back, "at"), due_to=F("due_back_at")
    )
    return RecordQuery(
        subject_type="property_movement",
        queryset=qs,
        unit="property__case__unit_id",
        officer="property__case__lead_officer_id",
        case="property__case_id",
        facts={
            "property.name": ("财物", "property__name"),
            "property.location": ("保管位置", "property__location"),
            "property_movement.at": ("调用时间", "at"),
            "property_movement.due_back_at": ("应归还时间", "due_back_at"),
            "property_movement.approved_by": ("批准人", "approved_by__name"),
            "case.id": ("案件编号", "property__case_id"),
        },
        act="归还入库",
        trigger="调用出库",
        narrow=lambda scope: Q(property__case_id__in=scope.case_ids),
        closing=(Closing("归还入库的财物流转记录"),),
        due_label="应归还时间",
    )


@register("recording_upload", kind=DEADLINE, subject="recording")
def recording_upload(_p: object, ctx: EvalContext) -> RecordQuery:
    """An enforcement recording (执法记录仪, fixed cameras) must reach the management system in
    time after it ends (FZX v1.1 ``recording``: a bureau that sends none has no subjects)."""
    qs = m.Recording.objects.annotate(
        trigger_at=F("ended_at"), done_at=own_time("uploaded_at", "ended_at", ctx.as_of)
    )
    # Not tied to a case: the officer who wore the device and his unit answer for it. Every
    # recording is evaluated (no narrowing): the check is one indexed scan of the table.
    return RecordQuery(
        subject_type="recording",
        queryset=qs,
        unit="officer__unit_id",
        officer="officer_id",
        case="case_id",
        facts={
            "officer.name": ("记录民警", "officer__name"),
            "recording.device_no": ("执法记录仪编号", "device_no"),
            "recording.started_at": ("开始时间", "started_at"),
            "recording.ended_at": ("结束时间", "ended_at"),
            "recording.uploaded_at": ("上传时间", "uploaded_at"),
            "incident.id": ("警情编号", "incident_id"),
            "case.id": ("案件编号", "case_id"),
        },
        act="上传至执法音视频管理系统",
        trigger="录制结束",
        closing=(Closing("上传时间", "recording.uploaded_at"),),
    )


@dataclass(frozen=True)
class VisitLeaveParams:
    measure_kinds: list[str]


@register("visit_leave", kind=DEADLINE, subject="venue_visit", params=VisitLeaveParams)
def visit_leave(p: VisitLeaveParams, ctx: EvalContext) -> RecordQuery:
    """A person may stay in the case area only so long: leave, or be detained."""
    detained = m.Measure.objects.filter(kind__in=p.measure_kinds, person_id=OuterRef("person_id"))
    detained = detained.filter(within("started_at", "entered_at", ctx.as_of))
    qs = m.VenueVisit.objects.annotate(
        trigger_at=F("entered_at"),
        done_at=least(
            own_time("left_at", "entered_at", ctx.as_of), first_time(detained, "started_at")
        ),
    )
    return in_case(
        subject_type="venue_visit",
        queryset=qs,
        facts={
            "venue.name": ("场所", "venue__name"),
            "person.name": ("人员", "person__name"),
            "venue_visit.entered_at": ("进入时间", "entered_at"),
            "venue_visit.left_at": ("离开时间", "left_at"),
            "case.id": ("案件编号", "case_id"),
        },
        act="离开办案区或转为羁押",
        trigger="进入办案区",
        # the detention that also ends the stay is an alternative, not a record that is owed
        closing=(Closing("离开时间", "venue_visit.left_at"),),
    )


CLOSED_CRIMINAL = [
    CaseStatus.PROSECUTION,
    CaseStatus.REVOKED,
    CaseStatus.TERMINATED,
    CaseStatus.CLOSED,
    CaseStatus.NOT_FILED,
]


@register("case_activity", kind=DEADLINE, subject="case")
def case_activity(_p: object, ctx: EvalContext) -> RecordQuery:
    """立而不侦: a filed criminal case must show some activity within the period of the latest."""

    def latest(qs: object, time_field: str) -> Subquery:
        return Subquery(
            qs.filter(  # type: ignore[attr-defined]
                case_id=OuterRef("pk"), **{f"{time_field}__lte": ctx.as_of}
            )
            .order_by(f"-{time_field}")
            .values(time_field)[:1]
        )

    filed = F("filed_at")
    qs = (
        m.Case.objects.filter(kind="刑事", filed_at__isnull=False, filed_at__lte=ctx.as_of)
        # closed by as_of: a case closed later was still open at a past as_of
        .exclude(Q(status__in=CLOSED_CRIMINAL) & ~Q(closed_at__gt=ctx.as_of))
        .exclude(closed_at__isnull=False, closed_at__lte=ctx.as_of)
        .annotate(
            trigger_at=Greatest(
                filed,
                Coalesce(latest(m.Event.objects, "at"), filed),
                Coalesce(latest(m.Transcript.objects, "started_at"), filed),
                Coalesce(latest(m.Document.objects, "issued_at"), filed),
                Coalesce(latest(m.Measure.objects, "started_at"), filed),
                Coalesce(latest(m.Measure.objects, "ended_at"), filed),
            ),
            # the clock restarts with every activity, so the act is never "done": a case that
            # shows activity again simply has a later trigger
            done_at=Value(None, output_field=DateTimeField()),
        )
    )
    return _case_query(qs, "下一次办案活动", "最近一次办案活动")
