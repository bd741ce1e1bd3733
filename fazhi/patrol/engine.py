"""The patrol engine: evaluators per rule kind, and their query contracts.

Each check builds one set-based query (SQL through the ORM). For deadline rules the query
computes, per trigger record, the time of the first required act in [trigger, as_of], and keeps
only the rows that are not provably done in time: a due time is never earlier than the trigger
plus the period's shortest length (N h, N days, 28 days a month), so an act before that bound is in
time whatever the calendar says. Only the remaining candidates (pending, late or extended rows:
the few that become or nearly become findings) get their exact due time from ``periods``, with
holidays. The engine never loops over all records in Python.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import F, Model, Q, QuerySet

from fazhi.core.templatetags.display import fact_value
from fazhi.core.timezones import SHANGHAI
from fazhi.patrol.models import FindingStatus, RuleKind
from fazhi.patrol.periods import (
    Deadline,
    HolidayCalendar,
    Period,
    compute_deadline,
)
from fazhi.patrol.periods import Unit as PeriodUnit
from fazhi.records import models as m


@dataclass(frozen=True)
class Scope:
    """What an incremental run re-checks: subjects tied to changed records, and subjects whose
    status may have changed with time between the previous ``as_of`` and this one."""

    prev_as_of: datetime
    case_ids: frozenset[str]
    incident_ids: frozenset[str]
    transcript_ids: frozenset[str]


@dataclass(frozen=True)
class EvalContext:
    as_of: datetime
    calendar: HolidayCalendar
    scope: Scope | None = None  # None: a full evaluation
    settings: Mapping[str, Any] = field(default_factory=dict)  # the rule's effective settings
    # incremental: the subject ids to re-check (computed once by ``subjects()``), else None
    subjects: tuple[str, ...] | None = None
    # the units of the county part being evaluated (``services.Slice``), None for the whole
    # store: a check whose subquery ranges over the whole store (an officer's other transcripts)
    # keeps only the rows that can matter to the part's subjects, or every part costs as much as
    # the whole store
    units: frozenset[str] | None = None


@dataclass(frozen=True)
class Fact:
    field: str  # "measure.started_at"
    label: str  # "执行时间"
    value: Any

    def as_json(self) -> dict[str, Any]:
        return {"field": self.field, "label": self.label, "value": self.value}


@dataclass
class Result:
    subject_type: str
    subject_id: str
    status: FindingStatus
    unit_id: str | None
    officer_id: str | None
    case_id: str | None
    facts: list[Fact]
    explanation: str
    trigger_at: datetime | None = None
    due_at: datetime | None = None
    done_at: datetime | None = None
    score: float | None = None

    def digest(self, severity: str) -> str:
        payload = [
            self.status,
            severity,
            self.unit_id,
            self.officer_id,
            self.case_id,
            [f.as_json() for f in self.facts],
            self.explanation,
            _iso(self.trigger_at),
            _iso(self.due_at),
            _iso(self.done_at),
            self.score,
        ]
        raw = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.md5(raw.encode(), usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class Closing:
    """One record or time that closes a deadline, named for the facts of a deadline not closed:
    "离开时间未录入" says more than a count of days. ``fact`` is the subject's own time column
    among the query's facts (``venue_visit.left_at``) when the closing time is one: recorded but
    outside [trigger, as_of], it is named with its value rather than called missing."""

    label: str  # 离开时间, 送看守所记录
    fact: str | None = None


@dataclass(frozen=True)
class RecordQuery:
    """A check's query. ``facts`` maps a fact field (``type.field``) to (label, values path)."""

    subject_type: str
    queryset: QuerySet[Any]
    unit: str
    officer: str | None
    case: str | None
    facts: Mapping[str, tuple[str, str]]
    act: str = ""  # deadline rules: the required act, in Chinese
    trigger: str = ""  # deadline rules: what starts the clock, in Chinese
    # narrows the subject queryset for an incremental run (None: evaluate all subjects)
    narrow: Any = None
    # the check already restricted ``queryset`` to the incremental scope (from ctx.scope):
    # evaluate it as it is; ``narrow`` still names the subjects whose stale findings to close
    prescoped: bool = False
    # condition rules: Python predicate over a candidate row for what SQL cannot decide cheaply
    refine: Any = None
    # facts beyond the row's columns: (all result rows) -> {pk: [Fact]}, computed for all the
    # rule's results at once so that the queries a rule issues never grow with its findings
    extra_facts: Any = None
    # deadline rules: what closes the deadline (any one of them), for the "missing" fact
    closing: tuple[Closing, ...] = ()
    # deadline rules whose query annotates ``due_to`` (a due time the records fix, which
    # replaces the period where recorded): what that time is called, for the explanation
    due_label: str = ""


def constant_facts(*facts: Fact) -> Any:
    """``extra_facts`` that add the same facts (a rule's settings) to every finding."""
    return lambda rows: {row["pk"]: list(facts) for row in rows}


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(SHANGHAI).isoformat() if value else None


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(SHANGHAI).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def facts_of(row: Mapping[str, Any], query: RecordQuery) -> list[Fact]:
    facts = [
        Fact(name, label, _json_value(row[f"fact__{name}"]))
        for name, (label, _path) in query.facts.items()
    ]
    return facts


def _values(query: RecordQuery, *extra: str) -> QuerySet[Any]:
    annotations = {f"fact__{name}": F(path) for name, (_label, path) in query.facts.items()}
    refs = {"ref_unit": F(query.unit)}
    if query.officer:
        refs["ref_officer"] = F(query.officer)
    if query.case:
        refs["ref_case"] = F(query.case)
    return query.queryset.annotate(**refs, **annotations).values("pk", *refs, *annotations, *extra)


# ---------------------------------------------------------------------------------------------
# Periods: the bounds that let SQL discard rows that are in time whatever the calendar says.


def shortest(period: Period) -> timedelta:
    amount = float(period.amount)
    if period.unit is PeriodUnit.HOURS:
        return timedelta(hours=amount)
    if period.unit is PeriodUnit.MONTHS:
        return timedelta(days=28 * amount)
    return timedelta(days=amount)  # days, and working days (never fewer calendar days)


def longest(period: Period) -> timedelta:
    # Day periods end at 24:00 (one day more) and may roll over a holiday week (China's longest
    # runs are 8-9 days; 14 is a safe margin). Working days stretch by weekends and holidays.
    amount = float(period.amount)
    if period.unit is PeriodUnit.HOURS:
        return timedelta(hours=amount)
    if period.unit is PeriodUnit.MONTHS:
        return timedelta(days=31 * amount + 15)
    if period.unit is PeriodUnit.WORKING_DAYS:
        return timedelta(days=amount * 7 / 5 + 16)
    return timedelta(days=amount + 15)


def lead_time(settings: Mapping[str, Any], unit: PeriodUnit, span: timedelta) -> timedelta:
    """The warning lead: a fraction of the period, within the bounds of its unit (rules.md)."""
    from fazhi.patrol.pack import parse_period

    fraction = float(settings.get("lead_fraction", 0.25))
    if unit is PeriodUnit.HOURS:
        low: timedelta | None = timedelta(hours=2)
        high: timedelta | None = None
    else:
        low, high = timedelta(days=1), timedelta(days=7)
    if "lead_min" in settings:
        low = shortest(parse_period(settings["lead_min"]))
    if "lead_max" in settings:
        high = shortest(parse_period(settings["lead_max"]))
    lead = span * fraction
    if low is not None:
        lead = max(lead, low)
    if high is not None:
        lead = min(lead, high)
    return lead


# ---------------------------------------------------------------------------------------------


class DeadlineEvaluator:
    """Deadline rules (时限): trigger → required act within a limit (rules.md)."""

    def periods(self, settings: Mapping[str, Any]) -> list[Period]:
        from fazhi.patrol.pack import parse_period

        found = [parse_period(settings["limit"])]
        for key in ("cap", "cap_complex", "extended_limit", "extended_limit_complex"):
            if key in settings:
                found.append(parse_period(settings[key]))
        if "extension_step" in settings:
            step = parse_period(settings["extension_step"])
            total = found[0].amount + step.amount * int(settings.get("max_extensions", 0))
            found.append(Period(total, found[0].unit))
        return found

    def subjects(
        self, query: RecordQuery, settings: Mapping[str, Any], ctx: EvalContext
    ) -> tuple[str, ...]:
        """The subjects an incremental run must re-check: those tied to changed records, and
        those whose warning point or due time ``as_of`` may have crossed since the last run.
        Each part is its own indexed query; together they replace one OR that no index serves."""
        assert ctx.scope is not None
        assert query.narrow is not None
        qs = query.queryset.filter(trigger_at__lte=ctx.as_of)
        found = set(qs.filter(query.narrow(ctx.scope)).values_list("pk", flat=True))
        if ctx.as_of > ctx.scope.prev_as_of:
            periods = self.periods(settings)
            low = min(shortest(p) for p in periods)
            # extensions are within the longest period (caps, extended limits), so this bound
            # covers extended rows too
            high = max(longest(p) for p in periods)
            lead = max(lead_time(settings, p.unit, longest(p)) for p in periods)
            crossing = qs.filter(
                trigger_at__gt=ctx.scope.prev_as_of - high, trigger_at__lte=ctx.as_of - low + lead
            )
            found.update(crossing.values_list("pk", flat=True))
            if "due_to" in query.queryset.query.annotations:
                # recorded due times are not bounded by the period: every one still open
                recorded = qs.filter(due_to__isnull=False, done_at__isnull=True)
                found.update(recorded.values_list("pk", flat=True))
        return tuple(sorted(found))

    def evaluate(
        self, query: RecordQuery, settings: Mapping[str, Any], ctx: EvalContext, rule_name: str
    ) -> Iterator[Result]:
        from fazhi.patrol.pack import parse_period

        limit = parse_period(settings["limit"])
        periods = self.periods(settings)
        low = min(shortest(p) for p in periods)
        lead_bound = max(lead_time(settings, p.unit, longest(p)) for p in periods)
        candidate = Q(done_at__isnull=True, trigger_at__lte=ctx.as_of - low + lead_bound) | Q(
            done_at__gt=F("trigger_at") + low
        )
        names = set(query.queryset.query.annotations)
        extra = ["trigger_at", "done_at"]
        for name in ("ext_to", "ext_count", "is_complex"):
            if name in names:
                extra.append(name)
        # A recorded extended_to beyond its cap is a violation however early the act was done.
        # (An approved 延长期限 only lengthens the period, so it never makes an act done within
        # the base limit late: counting approvals for every trigger is not needed here.)
        if "ext_to" in names:
            candidate |= Q(ext_to__isnull=False)
        # A due time the records fix themselves (a borrowed item's 应归还时间) may come before
        # trigger + the shortest period: every such row still open, or closed after it, is
        # judged (open loans are few).
        if "due_to" in names:
            extra.append("due_to")
            candidate |= Q(due_to__isnull=False, done_at__isnull=True) | Q(
                due_to__isnull=False, done_at__gt=F("due_to")
            )
        custody = bool(settings["custody"])
        rows = _values(query, *extra).filter(trigger_at__lte=ctx.as_of).filter(candidate)
        for chunk in _chunks(rows, ctx.subjects):
            for row in chunk:
                result = self.judge(row, query, settings, limit, custody, ctx)
                if result is not None:
                    yield result

    def judge(
        self,
        row: Mapping[str, Any],
        query: RecordQuery,
        settings: Mapping[str, Any],
        limit: Period,
        custody: bool,
        ctx: EvalContext,
    ) -> Result | None:
        from fazhi.patrol.pack import parse_period

        trigger: datetime = row["trigger_at"]
        done: datetime | None = row["done_at"]
        notes: list[str] = []
        beyond_cap = False
        period = limit
        ext_to: datetime | None = row.get("ext_to")
        ext_count = int(row.get("ext_count") or 0)
        complex_case = bool(row.get("is_complex"))
        recorded_due: datetime | None = row.get("due_to")
        deadline: Deadline
        if recorded_due is not None:
            # the records fix the due time (a loan's 应归还时间): the period does not apply
            deadline = compute_deadline(trigger, period, custody=custody, calendar=ctx.calendar)
            notes.append(f"以记录的{query.due_label or '期限'} {_fmt(recorded_due)} 为准")
        elif ext_to is not None and "cap" in settings:
            cap_key = "cap_complex" if complex_case and "cap_complex" in settings else "cap"
            cap = compute_deadline(
                trigger, parse_period(settings[cap_key]), custody=custody, calendar=ctx.calendar
            )
            if ext_to > cap.due:
                beyond_cap = True
                deadline = cap
                notes.append(
                    f"记录的延长期限 {_fmt(ext_to)} 超过法定上限（{cap.period}），按上限计算期限，"
                    "延长本身违规"
                )
            else:
                deadline = cap
                notes.append(f"已批准延长至 {_fmt(ext_to)}，以延长后的期限为准")
        else:
            if ext_count and "extended_limit" in settings:
                key = (
                    "extended_limit_complex"
                    if complex_case and "extended_limit_complex" in settings
                    else "extended_limit"
                )
                period = parse_period(settings[key])
                notes.append(f"案件有延长期限审批，期限延长为 {period}")
            elif ext_count and "extension_step" in settings:
                step = parse_period(settings["extension_step"])
                allowed = int(settings.get("max_extensions", 0))
                used = min(ext_count, allowed)
                period = Period(limit.amount + step.amount * used, limit.unit)
                notes.append(f"延长期限 {used} 次，每次 {step}，期限为 {period}")
                if ext_count > allowed:
                    notes.append(f"记录了 {ext_count} 次延长，超过最多 {allowed} 次，多余的不计")
            deadline = compute_deadline(trigger, period, custody=custody, calendar=ctx.calendar)
        due = deadline.due
        if ext_to is not None and "cap" in settings and not beyond_cap:
            due = ext_to
        span = (
            ext_to if (ext_to is not None and not beyond_cap) else deadline.nominal_due
        ) - trigger
        if recorded_due is not None:
            due = recorded_due
            span = max(recorded_due - trigger, timedelta(0))
        lead = lead_time(settings, period.unit, span)
        status: FindingStatus | None = None
        if beyond_cap:
            status = FindingStatus.VIOLATION
        elif done is not None:
            if done > due:
                status = FindingStatus.LATE
        elif ctx.as_of > due:
            status = FindingStatus.OVERDUE
        elif ctx.as_of > due - lead:
            status = FindingStatus.WARNING
        if status is None:
            return None
        facts = facts_of(row, query)
        if done is None and query.closing:
            # first, so that the findings list (which shows the first facts) says it too
            missing = _missing(row, query, trigger, ctx)
            facts.insert(0, Fact("deadline.missing", "缺少记录", missing))
        facts.append(Fact("deadline.due_at", "期限", _json_value(due)))
        if done is not None:
            facts.append(Fact("deadline.done_at", f"{query.act}时间", _json_value(done)))
            if done > due:
                facts.append(Fact("deadline.late_by", "超期时长", _duration(done - due)))
        else:
            facts.append(Fact("deadline.done_at", f"{query.act}时间", None))
        lines = [
            f"起算：{query.trigger} {_fmt(trigger)}；应办：{query.act}；期限：{period}"
            + ("（限制人身自由，期满遇节假日不顺延）" if custody else ""),
            "" if recorded_due is not None else deadline.explain(),
            *notes,
            f"提前提醒：到期前 {_duration(lead)} 起提醒",
        ]
        return Result(
            subject_type=query.subject_type,
            subject_id=row["pk"],
            status=status,
            unit_id=row["ref_unit"],
            officer_id=row.get("ref_officer"),
            case_id=row.get("ref_case"),
            facts=facts,
            explanation="\n".join(line for line in lines if line),
            trigger_at=trigger,
            due_at=due,
            done_at=done,
        )


class ConditionEvaluator:
    """Condition rules (规范): a violation wherever the check's condition holds."""

    def subjects(
        self, query: RecordQuery, settings: Mapping[str, Any], ctx: EvalContext
    ) -> tuple[str, ...]:
        """The subjects an incremental run must re-check (see ``RecordQuery.narrow``)."""
        assert ctx.scope is not None
        assert query.narrow is not None
        narrowed = query.queryset.filter(query.narrow(ctx.scope))
        return tuple(sorted(set(narrowed.values_list("pk", flat=True))))

    def evaluate(
        self, query: RecordQuery, settings: Mapping[str, Any], ctx: EvalContext, rule_name: str
    ) -> Iterator[Result]:
        subjects = None if query.prescoped else ctx.subjects
        query = replace(query, queryset=query.queryset.filter(existed(query.subject_type, ctx)))
        rows = [row for chunk in _chunks(_values(query), subjects) for row in chunk]
        if query.refine is not None:
            rows = [row for row in rows if query.refine(row, settings, ctx)]
        extra = query.extra_facts(rows) if query.extra_facts is not None and rows else {}
        for row in rows:
            facts = facts_of(row, query) + extra.get(row["pk"], [])
            yield Result(
                subject_type=query.subject_type,
                subject_id=row["pk"],
                status=FindingStatus.VIOLATION,
                unit_id=row["ref_unit"],
                officer_id=row.get("ref_officer"),
                case_id=row.get("ref_case"),
                facts=facts,
                explanation=f"{rule_name}："
                + "；".join(f"{f.label}：{_display(f.value)}" for f in facts),
            )


@dataclass(frozen=True)
class AnalysisQuery:
    """An analysis check's query (研判). ``run(ctx)`` yields the rule's Results — scored, with
    facts and explanation — evaluating only ``ctx.subjects`` when it is set (an incremental run).
    The text analysis runs in Python on candidates that SQL pre-selected, in batches.

    ``narrow(ctx)`` returns the subjects an incremental run must re-check (``ctx.scope`` says
    what changed); ``None`` means the check cannot be narrowed exactly and always runs in full.
    """

    subject_type: str
    run: Callable[[EvalContext], Iterable[Result]]
    narrow: Callable[[EvalContext], tuple[str, ...]] | None = None


class AnalysisEvaluator:
    """Analysis rules (研判): the check yields scored Results; every one is a suspicion (疑点)
    for a person to confirm."""

    def subjects(
        self, query: AnalysisQuery, settings: Mapping[str, Any], ctx: EvalContext
    ) -> tuple[str, ...]:
        assert query.narrow is not None
        return query.narrow(ctx)

    def evaluate(
        self, query: AnalysisQuery, settings: Mapping[str, Any], ctx: EvalContext, rule_name: str
    ) -> Iterator[Result]:
        wanted = None if ctx.subjects is None else set(ctx.subjects)
        results = [r for r in query.run(ctx) if wanted is None or r.subject_id in wanted]
        model = SUBJECT_MODELS.get(query.subject_type)
        if model is not None and results:
            # a subject that came to exist after as_of is not judged at as_of
            ids = [r.subject_id for r in results]
            later = {
                pk
                for start in range(0, len(ids), _ID_CHUNK)
                for pk in model._default_manager.filter(pk__in=ids[start : start + _ID_CHUNK])
                .exclude(existed(query.subject_type, ctx))
                .values_list("pk", flat=True)
            }
            results = [r for r in results if r.subject_id not in later]
        for result in results:
            result.status = FindingStatus.SUSPICION
            yield result


# When each kind of subject came to exist. A patrol at a past ``as_of`` (the demo's replayed
# history) judges only what had happened by then: a deadline check's trigger already says so
# (``trigger_at <= as_of``); condition and analysis checks are held to it here.
BEGINS: dict[str, str] = {
    "incident": "received_at",
    "case": "accepted_at",
    "person": "case__accepted_at",
    "measure": "started_at",
    "property": "seized_at",
    "event": "at",
    "transcript": "started_at",
    "venue_visit": "entered_at",
    "document": "issued_at",
    "followup": "at",
}
SUBJECT_MODELS: dict[str, type[Model]] = {
    "incident": m.Incident,
    "case": m.Case,
    "person": m.Person,
    "measure": m.Measure,
    "property": m.Property,
    "event": m.Event,
    "transcript": m.Transcript,
    "venue_visit": m.VenueVisit,
    "document": m.Document,
    "followup": m.Followup,
}


def existed(subject_type: str, ctx: EvalContext) -> Q:
    """The subjects of ``subject_type`` that existed at ``ctx.as_of`` (all, for a type that
    records no beginning: officers, units, venues)."""
    begins = BEGINS.get(subject_type)
    return Q(**{f"{begins}__lte": ctx.as_of}) if begins else Q()


EVALUATORS: dict[RuleKind, Any] = {
    RuleKind.DEADLINE: DeadlineEvaluator(),
    RuleKind.CONDITION: ConditionEvaluator(),
    RuleKind.ANALYSIS: AnalysisEvaluator(),
}


# SQLite allows 32,766 bound parameters a statement; stay well below.
_ID_CHUNK = 5000


def _chunks(rows: QuerySet[Any], subjects: tuple[str, ...] | None) -> Iterator[QuerySet[Any]]:
    """``rows`` whole (a full evaluation), or restricted to ``subjects`` a chunk at a time."""
    if subjects is None:
        yield rows
        return
    for start in range(0, len(subjects), _ID_CHUNK):
        yield rows.filter(pk__in=subjects[start : start + _ID_CHUNK])


def _missing(
    row: Mapping[str, Any], query: RecordQuery, trigger: datetime, ctx: EvalContext
) -> str:
    """Which closing record or time is absent: "离开时间未录入", or a recorded time that does
    not count because it lies before the trigger or after ``as_of``."""
    parts = []
    for closing in query.closing:
        value = row.get(f"fact__{closing.fact}") if closing.fact else None
        if value is None:
            parts.append(f"{closing.label}未录入")
        elif not isinstance(value, datetime) or trigger <= value <= ctx.as_of:
            continue  # recorded and in time: another of the closing values is missing
        elif value < trigger:
            parts.append(f"{closing.label}（{_fmt(value)}）早于{query.trigger}时间，不计")
        else:
            parts.append(f"{closing.label}（{_fmt(value)}）晚于巡查时点 {_fmt(ctx.as_of)}，不计")
    return "；".join(parts) or f"{query.act}未录入"


def _fmt(value: datetime) -> str:
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _display(value: Any) -> str:
    """A fact in an explanation as the pages show it (Beijing time, 是/否, labels, lists with
    、): the pages' one formatter, since the explanation is stored as text."""
    return fact_value(value)


def _duration(delta: timedelta) -> str:
    total = int(delta.total_seconds())
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(f"{days}天")
    if hours:
        parts.append(f"{hours}小时")
    if minutes and not days:
        parts.append(f"{minutes}分钟")
    return "".join(parts) or "0分钟"


__all__ = [
    "EVALUATORS",
    "AnalysisEvaluator",
    "AnalysisQuery",
    "Closing",
    "ConditionEvaluator",
    "DeadlineEvaluator",
    "EvalContext",
    "Fact",
    "RecordQuery",
    "Result",
    "Scope",
    "constant_facts",
    "facts_of",
]
