"""Query pieces the checks share: first act in a window, null-safe least, scope narrowing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db.models import (
    Case,
    DateTimeField,
    Expression,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce, Least

from fazhi.patrol.engine import RecordQuery, Scope
from fazhi.records import models as m

MEASURE_FACTS = {
    "measure.kind": ("措施类别", "kind"),
    "measure.started_at": ("执行时间", "started_at"),
    "measure.ended_at": ("解除时间", "ended_at"),
    "person.name": ("人员", "person__name"),
    "case.id": ("案件编号", "case_id"),
    "case.cause": ("案由", "case__cause"),
}
CASE_FACTS = {
    "case.kind": ("案件类别", "kind"),
    "case.cause": ("案由", "cause"),
    "case.accepted_at": ("受案时间", "accepted_at"),
    "case.filed_at": ("立案时间", "filed_at"),
    "case.status": ("状态", "status"),
}
INCIDENT_FACTS = {
    "incident.category": ("接警类别", "category"),
    "incident.received_at": ("接警时间", "received_at"),
    "incident.address": ("地址", "address"),
    "incident.disposition": ("处置结果", "disposition"),
    "incident.disposed_at": ("处置完毕", "disposed_at"),
}


def first_time(qs: QuerySet[Any], time_field: str) -> Subquery:
    """The earliest ``time_field`` of ``qs`` (already correlated with OuterRef), or NULL."""
    return Subquery(qs.order_by(time_field).values(time_field)[:1], output_field=DateTimeField())


def within(time_field: str, trigger: str, as_of: datetime) -> Q:
    """The act counts when it happens at or after the trigger and at or before as_of."""
    return Q(**{f"{time_field}__gte": OuterRef(trigger), f"{time_field}__lte": as_of})


def own_time(time_field: str, trigger: str, as_of: datetime) -> Expression:
    """A time column of the subject itself used as its act (e.g. ``ended_at``), if in window."""
    return Case(
        When(
            Q(**{f"{time_field}__gte": F(trigger), f"{time_field}__lte": as_of}),
            then=F(time_field),
        ),
        default=None,
        output_field=DateTimeField(),
    )


def least(a: Any, b: Any) -> Expression:
    """The earlier of two nullable times; NULL only when both are (LEAST differs per DB)."""
    return Least(Coalesce(a, b), Coalesce(b, a), output_field=DateTimeField())


def for_measure(measure_ref: str = "pk") -> Q:
    """Acts that concern the outer measure: naming it, or naming no measure but its person and
    case (an act for the person in that case)."""
    return Q(measure_id=OuterRef(measure_ref)) | Q(
        measure_id__isnull=True,
        person_id=OuterRef("person_id"),
        case_id=OuterRef("case_id"),
    )


def first_for_measure(acts: QuerySet[Any], time_field: str) -> Expression:
    """The first of ``acts`` (already filtered by kind and window) that concerns the outer
    measure (see ``for_measure``). Two indexed look-ups instead of one OR that no index serves."""
    named = acts.filter(measure_id=OuterRef("pk"))
    unnamed = acts.filter(
        measure_id__isnull=True, person_id=OuterRef("person_id"), case_id=OuterRef("case_id")
    )
    return least(first_time(named, time_field), first_time(unnamed, time_field))


def events(kinds: list[str] | tuple[str, ...]) -> QuerySet[m.Event]:
    return m.Event.objects.filter(kind__in=list(kinds))


def in_case(*, subject_type: str, queryset: Any, **fields: Any) -> RecordQuery:
    """A query whose subjects belong to a case: the case's unit and lead officer answer for
    them, and an incremental run re-checks them with their case."""
    fields.setdefault("narrow", by_case("case_id"))
    return RecordQuery(
        subject_type=subject_type,
        queryset=queryset,
        unit="case__unit_id",
        officer="case__lead_officer_id",
        case="case_id",
        **fields,
    )


def of_case(*, queryset: Any, **fields: Any) -> RecordQuery:
    """A query whose subject is the case itself."""
    fields.setdefault("narrow", by_case("pk"))
    return RecordQuery(
        subject_type="case",
        queryset=queryset,
        unit="unit_id",
        officer="lead_officer_id",
        case="pk",
        **fields,
    )


def by_case(path: str) -> Callable[[Scope], Q]:
    return lambda scope: Q(**{f"{path}__in": scope.case_ids})


def by_incident(path: str) -> Callable[[Scope], Q]:
    return lambda scope: Q(**{f"{path}__in": scope.incident_ids})


def first_incident_officer() -> Subquery:
    return Subquery(
        m.IncidentOfficer.objects.filter(incident_id=OuterRef("pk"))
        .order_by("position")
        .values("officer_id")[:1]
    )
