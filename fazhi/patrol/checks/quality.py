"""Source-data quality checks (数据质量, SJ): errors in what the source systems recorded."""

from __future__ import annotations

from django.db.models import F, Q

from fazhi.patrol.checks.common import by_case, by_incident, in_case
from fazhi.patrol.checks.idnumbers import date_number, date_ok, has_format, number, valid
from fazhi.patrol.engine import EvalContext, RecordQuery
from fazhi.patrol.models import RuleKind
from fazhi.patrol.registry import register
from fazhi.records import models as m
from fazhi.records.enums import PersonRole

CONDITION = RuleKind.CONDITION

PERSON_FACTS = {
    "person.name": ("姓名", "name"),
    "person.role": ("人员类别", "role"),
    "person.id_number": ("身份证号", "id_number"),
    "person.birth_date": ("出生日期", "birth_date"),
    "case.id": ("案件编号", "case_id"),
}


def _persons(qs: object) -> RecordQuery:
    return in_case(
        subject_type="person",
        queryset=qs,
        facts=PERSON_FACTS,
    )


@register("id_number_invalid", kind=CONDITION, subject="person")
def id_number_invalid(_p: object, ctx: EvalContext) -> RecordQuery:
    """身份证号 that fails its check character or whose date part is not a real date."""
    qs = (
        m.Person.objects.filter(id_number__isnull=False)
        .exclude(id_number="")
        .exclude(valid("id_number"))
    )
    return _persons(qs)


@register("birth_date_mismatch", kind=CONDITION, subject="person")
def birth_date_mismatch(_p: object, ctx: EvalContext) -> RecordQuery:
    """A recorded birth date that disagrees with the date in the 身份证号."""
    qs = (
        m.Person.objects.filter(birth_date__isnull=False)
        .filter(has_format("id_number") & date_ok("id_number"))
        .annotate(_recorded=date_number("birth_date"), _written=number("id_number", 7, 8))
        .exclude(_recorded=F("_written"))
    )
    return _persons(qs)


# (record type, model, start field, end field, labels, how to reach the case/incident)
_TIME_PAIRS = (
    ("measure", m.Measure, "started_at", "ended_at", ("执行时间", "解除时间")),
    ("transcript", m.Transcript, "started_at", "ended_at", ("开始时间", "结束时间")),
    ("incident", m.Incident, "received_at", "disposed_at", ("接警时间", "处置完毕")),
    ("case", m.Case, "accepted_at", "filed_at", ("受案时间", "立案时间")),
    ("venue_visit", m.VenueVisit, "entered_at", "left_at", ("进入时间", "离开时间")),
)


@register("time_order", kind=CONDITION, subject="*")
def time_order(_p: object, ctx: EvalContext) -> list[RecordQuery]:
    """An end recorded before its start."""
    queries = []
    for name, model, start, end, (start_label, end_label) in _TIME_PAIRS:
        qs = model.objects.filter(**{f"{end}__lt": F(start)})
        if name == "incident":
            unit, officer, case, narrow = "unit_id", None, None, by_incident("pk")
        elif name == "case":
            unit, officer, case, narrow = "unit_id", "lead_officer_id", "pk", by_case("pk")
        else:
            unit, officer, case = "case__unit_id", "case__lead_officer_id", "case_id"
            narrow = by_case("case_id")
        queries.append(
            RecordQuery(
                subject_type=name,
                queryset=qs,
                unit=unit,
                officer=officer,
                case=case,
                facts={f"{name}.{start}": (start_label, start), f"{name}.{end}": (end_label, end)},
                narrow=narrow,
            )
        )
    return queries


@register("missing_required", kind=CONDITION, subject="*")
def missing_required(_p: object, ctx: EvalContext) -> list[RecordQuery]:
    """Fields every record of its kind must carry: a case's lead officer; a suspect's or
    offender's 身份证号, unless a note (extra field ``id_number_note`` or ``note``) says why."""
    cases = m.Case.objects.filter(lead_officer__isnull=True)
    persons = (
        m.Person.objects.filter(role__in=[PersonRole.SUSPECT, PersonRole.OFFENDER])
        .filter(Q(id_number__isnull=True) | Q(id_number=""))
        .exclude(extra__has_key="id_number_note")
        .exclude(extra__has_key="note")
    )
    return [
        RecordQuery(
            subject_type="case",
            queryset=cases,
            unit="unit_id",
            officer=None,
            case="pk",
            facts={
                "case.cause": ("案由", "cause"),
                "case.accepted_at": ("受案时间", "accepted_at"),
                "case.lead_officer_id": ("主办民警", "lead_officer_id"),
            },
            narrow=by_case("pk"),
        ),
        _persons(persons),
    ]
