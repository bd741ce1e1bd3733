"""patrol services: run a patrol, change a rule's settings.

``run_patrol`` is the only writer of findings. It is safe to run twice at once, and beside an
import: it holds the store lock (``core.locks``) for its whole transaction, so runs and imports
follow one another and each run's watermark separates exactly the changes it saw.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import F, Lookup, Q, QuerySet
from django.utils import timezone

from fazhi.core import fanout
from fazhi.core.audit_actions import AuditAction
from fazhi.core.locks import lock_store
from fazhi.core.services import record_audit
from fazhi.patrol.engine import (
    EVALUATORS,
    AnalysisQuery,
    EvalContext,
    RecordQuery,
    Result,
    Scope,
)
from fazhi.patrol.error_codes import ErrorCode, PatrolError
from fazhi.patrol.models import (
    Finding,
    FindingStatus,
    PatrolRun,
    Rule,
    RuleChange,
    RuleInhibition,
    RunMode,
    WhatIfRun,
)
from fazhi.patrol.pack import DEFAULT_PACK, Pack, RuleDef, coerce_setting, load_pack
from fazhi.patrol.periods import HolidayCalendar
from fazhi.patrol.permissions import can_change_rules
from fazhi.records import models as m
from fazhi.records.schema import RECORD_TYPES, Kind

log = logging.getLogger(__name__)

# Beyond this many touched cases an incremental run is no cheaper than a full one.
MAX_INCREMENTAL_CASES = 20_000
_CHUNK = 500
# The close reason of a finding whose rectification problem was struck off (销号).
SETTLED = "整改已销号"


@dataclass(frozen=True)
class RuleOutcome:
    code: str
    found: int
    created: int
    updated: int
    closed: int
    incremental: bool


class _AnyOf(Lookup):
    """``column = ANY(array)`` with the array as one parameter (PostgreSQL): a county's ids as
    thousands of ``IN`` parameters cost more to send than the query takes to run."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]


@dataclass(frozen=True)
class Slice:
    """The subjects of one part of a fanned-out patrol (``patrol.tasks``): those whose unit is
    one of ``units`` (a 县局/分局 and the units below it); for the ``rest`` part, the units of no
    county bureau and the subjects of no unit (``outside`` lists every county's units, for the
    findings). The slices of one run cover every subject exactly once."""

    units: frozenset[str]
    rest: bool = False
    outside: frozenset[str] = frozenset()
    # the related rows' ids of ``narrow``, by model and path: a part's rules cut by the same
    # relation (most by the case's unit) read the county's ids once, not once per query; a part
    # runs in one transaction, so they cannot change under it
    _ids: dict[tuple[str, str], list[Any]] = field(
        default_factory=dict, init=False, compare=False, hash=False, repr=False
    )

    def q(self, path: str) -> Q:
        """The condition on the unit at ``path`` (a check's ``RecordQuery.unit``), a filter of
        the query itself: evaluated in SQL, on the unit's index."""
        within = Q(**{f"{path}__in": sorted(self.units)})
        return within | Q(**{f"{path}__isnull": True}) if self.rest else within

    def narrow(self, queryset: QuerySet[Any], path: str) -> QuerySet[Any]:
        """``queryset`` cut to this slice by the unit at ``path``. On PostgreSQL a path through a
        relation (``case__unit_id``) becomes a filter on the subject's own key, with the related
        rows' ids as constants: joined, the planner evaluates a check's correlated subqueries on
        every subject of the store before the join drops the other counties' (on a city a county
        part of XS-DB-01 took 4.7 s instead of 0.2 s), so each part would cost as much as the
        whole store."""
        if "__" not in path or connection.vendor != "postgresql":
            return queryset.filter(self.q(path))
        head, rest = path.split("__", 1)
        related = queryset.model._meta.get_field(head)
        model = related.related_model
        key = (model._meta.label, rest)
        if key not in self._ids:
            self._ids[key] = list(
                model._default_manager.filter(self.q(rest)).order_by().values_list("pk", flat=True)
            )
        ids = self._ids[key]
        within: Q | _AnyOf = _AnyOf(F(related.attname), ids)
        if self.rest:
            within = Q(within) | Q(**{f"{related.attname}__isnull": True})
        return queryset.filter(within)

    def findings(self) -> Q:
        """The findings of this slice by their stored unit (for the rest: every finding whose
        unit is in no county, whether or not that unit still exists)."""
        if not self.rest:
            return self.q("unit_id")
        return Q(unit_id__isnull=True) | ~Q(unit_id__in=sorted(self.outside))


def sync_rules(pack: Pack) -> dict[str, Rule]:
    """Bring the Rule rows in line with the pack's definitions, keeping the bureau's settings."""
    existing = {r.code: r for r in Rule.objects.filter(code__in=[d.code for d in pack.rules])}
    changed: list[Rule] = []
    fields = ["pack", "name", "kind", "subject_type", "check_name", "default_severity", "basis",
              "help_text", "defaults"]  # fmt: skip
    for rdef in pack.rules:
        values = {
            "pack": pack.code,
            "name": rdef.name,
            "kind": rdef.kind.value,
            "subject_type": rdef.subject_type,
            "check_name": rdef.check.name,
            "default_severity": rdef.severity.value,
            "basis": rdef.basis,
            "help_text": rdef.help_text,
            "defaults": rdef.defaults,
        }
        rule = existing.get(rdef.code)
        if rule is None:
            existing[rdef.code] = Rule.objects.create(code=rdef.code, **values)
        elif any(getattr(rule, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(rule, k, v)
            changed.append(rule)
    if changed:
        Rule.objects.bulk_update(changed, fields)
    _sync_inhibitions(pack)
    return existing


def _sync_inhibitions(pack: Pack) -> None:
    """The pack's [[inhibit]] table as ``RuleInhibition`` rows: a relation the pack no longer
    declares is removed, a changed one updated (a handful of rows, compared in full)."""
    wanted = {
        (d.source, target): (d.match, d.reason) for d in pack.inhibitions for target in d.targets
    }
    codes = [r.code for r in pack.rules]
    have = {
        (row.source_id, row.target_id): row
        for row in RuleInhibition.objects.filter(source_id__in=codes)
    }
    stale = [row.pk for key, row in have.items() if key not in wanted]
    if stale:
        RuleInhibition.objects.filter(pk__in=stale).delete()
    fresh, changed = [], []
    for (source, target), (match, reason) in wanted.items():
        row = have.get((source, target))
        if row is None:
            fresh.append(
                RuleInhibition(source_id=source, target_id=target, match=match, reason=reason)
            )
        elif (row.match, row.reason) != (match, reason):
            row.match, row.reason = match, reason
            changed.append(row)
    RuleInhibition.objects.bulk_create(fresh)
    if changed:
        RuleInhibition.objects.bulk_update(changed, ["match", "reason"])


def change_rule(
    rule: Rule,
    *,
    actor: User,
    reason: str,
    enabled: bool | None = None,
    warn_only: bool | None = None,
    severity: str | None = None,
    settings: Mapping[str, Any] | None = None,
    whatif: WhatIfRun | None = None,
) -> RuleChange:
    """Change a rule's settings; takes effect from the next patrol run. Only 法制大队 and
    administrators may (``permissions.can_change_rules``, the rule page's own test); the reason
    is required."""
    if not can_change_rules(actor):
        raise PatrolError(
            ErrorCode.NOT_ALLOWED,
            f"用户 {actor.get_username()} 无权修改规则设置：只有法制大队和管理员可以修改",
        )
    if not reason.strip():
        raise PatrolError(ErrorCode.REASON_REQUIRED, "修改规则设置必须填写理由", field="reason")
    if whatif is not None and whatif.rule_code != rule.code:
        raise PatrolError(
            ErrorCode.WHATIF_INVALID,
            f"试运行 #{whatif.pk} 试的是规则 {whatif.rule_code}，"
            f"不能作为规则 {rule.code} 修改的依据",
            field="whatif",
        )
    pack = load_pack(rule.pack or DEFAULT_PACK)
    rdef = pack.rule(rule.code)
    with transaction.atomic():
        rule = Rule.objects.select_for_update().get(pk=rule.pk)
        before = _rule_state(rule)
        if enabled is not None:
            rule.enabled = enabled
        if warn_only is not None:
            rule.warn_only = warn_only
        if severity is not None:
            if severity and severity not in {"一般", "较重", "严重"}:
                raise PatrolError(
                    ErrorCode.SEVERITY_INVALID,
                    f"规则 {rule.code}：严重程度“{severity}”无效（一般/较重/严重）",
                    field="severity",
                )
            rule.severity = severity
        if settings:
            rule.overrides = {**rule.overrides, **coerce_settings(rdef, settings)}
        rule.settings_changed_at = timezone.now()
        rule.save()
        after = _rule_state(rule)
        change = RuleChange.objects.create(
            rule=rule,
            changed_by=actor.get_username(),
            reason=reason.strip(),
            before=before,
            after=after,
            whatif=whatif,
        )
        record_audit(
            actor, AuditAction.RULE_CHANGE, target_type="rule", target_id=rule.code,
            details={"reason": reason, "before": before, "after": after,
                     "whatif": whatif.pk if whatif else None},
        )  # fmt: skip
    return change


def coerce_settings(rdef: RuleDef, settings: Mapping[str, Any]) -> dict[str, Any]:
    """``settings`` checked against what the rule's check allows and converted to their types
    (a period "3日", a number, a yes/no), or a ``PatrolError`` naming the rule and the key."""
    allowed = rdef.check.allowed_settings
    out: dict[str, Any] = {}
    for key, value in settings.items():
        if key not in allowed:
            raise PatrolError(
                ErrorCode.SETTING_UNKNOWN,
                f"规则 {rdef.code}：设置项 {key} 不存在（可用：{'、'.join(allowed)}）",
                field=key,
            )
        try:
            out[key] = coerce_setting(allowed[key], value)
        except ValueError as exc:
            raise PatrolError(
                ErrorCode.SETTING_INVALID, f"规则 {rdef.code}：设置项 {key}：{exc}", field=key
            ) from None
    return out


def as_warn_only(result: Result) -> Result:
    """A rule set to 仅提醒 reports what it finds as a warning (a suspicion stays one), saying
    what the status would have been."""
    if result.status != FindingStatus.SUSPICION:
        if result.status != FindingStatus.WARNING:
            result.explanation += "\n本规则已设为仅提醒，原状态：" + result.status.label
        result.status = FindingStatus.WARNING
    return result


def _rule_state(rule: Rule) -> dict[str, Any]:
    return {
        "enabled": rule.enabled,
        "warn_only": rule.warn_only,
        "severity": rule.effective_severity,
        "settings": rule.settings,
    }


# ---------------------------------------------------------------------------------------------


def _touched_scope(prev: PatrolRun, as_of: datetime) -> tuple[Scope | None, str]:
    """What changed since ``prev``: the cases, incidents and transcripts to re-check; or None
    with the reason why only a full run is exact."""
    if as_of < prev.as_of:
        return None, "巡查时点早于上次巡查"
    # Imports and patrols hold the store lock (core.locks), so every change committed after the
    # previous run took it carries a later stamp than its watermark.
    since = prev.watermark
    if m.Tombstone.objects.filter(deleted_at__gt=since).exists():
        return None, "上次巡查后有记录被删除"
    # Officers' roles and qualifications and venues' kinds enter several rules across many cases;
    # they change rarely, so a full run is the simple exact answer. (Unit fields enter no rule.)
    for model in (m.Officer, m.Venue):
        if model.objects.filter(changed_at__gt=since).exists():
            return None, f"上次巡查后{model._meta.verbose_name}信息有变更"
    cases: set[str] = set()
    incidents: set[str] = set()
    transcripts: set[str] = set()

    def changed(model: type[m.FzxRecord]) -> Any:
        return model.objects.filter(changed_at__gt=since)

    # a change, or a recorded time that as_of has now passed: either may change a finding.
    # One query per condition, so that each can use its own index (an OR of them scans).
    for rt in RECORD_TYPES:
        conditions = [Q(changed_at__gt=since)]
        if as_of > prev.as_of:
            conditions += [
                Q(**{f"{f.column}__gt": prev.as_of, f"{f.column}__lte": as_of})
                for f in rt.fields
                if f.kind is Kind.TIME
            ]
        for condition in conditions:
            _collect(rt.name, rt.model.objects.filter(condition), cases, incidents, transcripts)
        if len(cases) > MAX_INCREMENTAL_CASES:
            return None, "变更过多，全量巡查更快"
    return (
        Scope(
            prev_as_of=prev.as_of,
            case_ids=frozenset(cases),
            incident_ids=frozenset(incidents),
            transcript_ids=frozenset(transcripts),
        ),
        "",
    )


def _collect(
    name: str, qs: Any, cases: set[str], incidents: set[str], transcripts: set[str]
) -> None:
    """Add the cases, incidents and transcripts that records ``qs`` of type ``name`` touch."""
    if name == "case":
        for pk, incident_id in qs.values_list("pk", "incident_id"):
            cases.add(pk)
            if incident_id:
                incidents.add(incident_id)
    elif name == "incident":
        incidents.update(qs.values_list("pk", flat=True))
    elif name == "followup":
        incidents.update(qs.values_list("incident_id", flat=True))
    elif name == "event":
        for row in qs.values_list(
            "case_id", "measure__case_id", "property__case_id", "person__case_id"
        ):
            cases.update(c for c in row if c)
    elif name == "transcript":
        for pk, case_id in qs.values_list("pk", "case_id"):
            transcripts.add(pk)
            cases.add(case_id)
    elif name in {"person", "measure", "property", "document", "venue_visit"}:
        cases.update(qs.values_list("case_id", flat=True))
    # FZX v1.1 records re-check the case (and incident) they concern.
    elif name == "property_movement":
        cases.update(qs.values_list("property__case_id", flat=True))
    elif name in {"recording", "complaint"}:
        for case_id, incident_id in qs.values_list("case_id", "incident_id"):
            if case_id:
                cases.add(case_id)
            if incident_id:
                incidents.add(incident_id)
    elif name in {"review", "safety_event", "discipline"}:
        cases.update(c for c in qs.values_list("case_id", flat=True) if c)


def _queries(rdef: RuleDef, ctx: EvalContext) -> list[RecordQuery | AnalysisQuery]:
    """The check's queries: RecordQuery for deadline and condition rules, AnalysisQuery for
    analysis rules (each evaluator's contract, see ``engine``)."""
    built = rdef.check.build(rdef.params, ctx)
    return list(built) if isinstance(built, list | tuple) else [built]


def _evaluate(
    rdef: RuleDef, query: RecordQuery | AnalysisQuery, ctx: EvalContext
) -> Iterable[Result]:
    evaluator: Any = EVALUATORS[rdef.kind]
    results: Iterable[Result] = evaluator.evaluate(query, ctx.settings, ctx, rdef.name)
    return results


def _reconcile(
    rule: Rule,
    subject_type: str,
    results: Iterable[Result],
    scoped: tuple[str, ...] | None,
    now: datetime,
    part: Slice | None = None,
) -> tuple[int, int, int, int]:
    """Store ``results`` as the findings of (rule, subject_type); close those no longer found
    (among the ``scoped`` subjects when the evaluation was narrowed, else among the findings
    of the ``part`` of a fanned-out run)."""
    severity = rule.effective_severity
    found: dict[str, Result] = {}
    for result in results:
        found[result.subject_id] = as_warn_only(result) if rule.warn_only else result
    created = updated = 0
    ids = list(found)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        existing = {
            f.subject_id: f
            for f in Finding.objects.filter(
                rule=rule, subject_type=subject_type, subject_id__in=chunk
            )
        }
        new: list[Finding] = []
        changed: list[Finding] = []
        for sid in chunk:
            result = found[sid]
            digest = result.digest(severity)
            finding = existing.get(sid)
            if finding is None:
                finding = Finding(rule=rule, subject_type=subject_type, subject_id=sid,
                                  first_seen_at=now)  # fmt: skip
                _fill(finding, result, severity, digest, now)
                new.append(finding)
            elif _stays_settled(finding, result):
                continue
            elif finding.digest != digest or not finding.is_open:
                _fill(finding, result, severity, digest, now)
                changed.append(finding)
        Finding.objects.bulk_create(new, batch_size=_CHUNK)
        _update_findings(changed)
        created += len(new)
        updated += len(changed)
    stale = Finding.objects.filter(rule=rule, subject_type=subject_type, is_open=True)
    if part is not None and scoped is None:
        # A full evaluation of one slice closes only its own findings; the unit is checked
        # again by the UPDATE itself, so a finding another part has just moved to its county
        # (a case moved between bureaus) is left to that part.
        stale = stale.filter(part.findings())
    rechecked = None if scoped is None else set(scoped)
    gone = [
        (pk, status)
        for pk, sid, status in stale.values_list("pk", "subject_id", "status")
        if sid not in found and (rechecked is None or sid in rechecked)
    ]
    for status, reason in ((FindingStatus.WARNING, "已按时办理"), (None, "已不再成立")):
        pks = [pk for pk, s in gone if (s == status if status else s != FindingStatus.WARNING)]
        for start in range(0, len(pks), _CHUNK):
            closing = Finding.objects.filter(pk__in=pks[start : start + _CHUNK])
            if part is not None and scoped is None:
                closing = closing.filter(part.findings())
            closing.update(is_open=False, closed_at=now, close_reason=reason, last_changed_at=now)
    return len(found), created, updated, len(gone)


def _stays_settled(finding: Finding, result: Result) -> bool:
    """A finding struck off (销号) stays closed while the patrol finds it again (a late act is
    late for ever, a fixed overdue becomes late): the 法制员 has settled it. Only a warning that
    has since become a breach (overdue, late) is news and opens it again."""
    if finding.is_open or finding.close_reason != SETTLED:
        return False
    return not (finding.status == FindingStatus.WARNING and result.status != FindingStatus.WARNING)


def settle_finding(finding_id: int, *, now: datetime) -> None:
    """Close a finding at once when its rectification problem is struck off (销号), so that
    its page and every count of open findings follow the 销号. Called by the 销号 service of
    ``rectification`` inside its own transaction, whose audit row records who did it."""
    Finding.objects.filter(pk=finding_id, is_open=True).update(
        is_open=False, closed_at=now, close_reason=SETTLED, last_changed_at=now
    )


_FILLED = [
    "status", "severity", "unit", "officer", "case", "trigger_at", "due_at", "done_at", "facts",
    "explanation", "score", "is_open", "closed_at", "close_reason", "last_changed_at", "digest",
]  # fmt: skip


def _update_findings(findings: list[Finding]) -> None:
    """Write changed findings: one prepared UPDATE executed for all rows (Django's bulk_update
    builds a CASE expression per field and row, which dominated incremental runs)."""
    if not findings:
        return
    fields: list[Any] = [Finding._meta.get_field(name) for name in _FILLED]
    columns = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    sql = f"UPDATE {connection.ops.quote_name(Finding._meta.db_table)} SET {columns} WHERE id = %s"
    rows = [
        [f.get_db_prep_save(getattr(finding, f.attname), connection) for f in fields] + [finding.pk]
        for finding in findings
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _fill(finding: Finding, result: Result, severity: str, digest: str, now: datetime) -> None:
    finding.status = result.status
    finding.severity = severity
    finding.unit_id = result.unit_id
    finding.officer_id = result.officer_id
    finding.case_id = result.case_id
    finding.trigger_at = result.trigger_at
    finding.due_at = result.due_at
    finding.done_at = result.done_at
    finding.facts = [f.as_json() for f in result.facts]
    finding.explanation = result.explanation
    finding.score = result.score
    finding.is_open = True
    finding.closed_at = None
    finding.close_reason = ""
    finding.last_changed_at = now
    finding.digest = digest


def close_disabled(rule: Rule, stamp: datetime) -> dict[str, Any]:
    """A disabled rule's open findings are closed (规则已停用)."""
    closed = Finding.objects.filter(rule=rule, is_open=True).update(
        is_open=False, closed_at=stamp, close_reason="规则已停用", last_changed_at=stamp
    )
    return {"disabled": True, "closed": closed}


def settings_changed(rule: Rule, prev: PatrolRun | None) -> bool:
    """New settings since the previous run: every subject may be judged differently."""
    return bool(prev is not None and rule.settings_changed_at
                and rule.settings_changed_at > prev.started_at)  # fmt: skip


def run_rule(
    rdef: RuleDef, rule: Rule, base: EvalContext, stamp: datetime, part: Slice | None = None
) -> dict[str, Any]:
    """Evaluate one enabled rule (its subjects in ``part`` only, when given: the query is
    filtered by the slice's units in SQL) and reconcile its findings; ``base.scope`` None is a
    full evaluation. The same code runs in one process and in each part of a fanned-out run."""
    ctx = replace(
        base,
        settings={**rdef.defaults, **rule.overrides},
        units=part.units if part is not None and not part.rest else None,
    )
    clock = time.perf_counter()
    outcome: dict[str, Any] = {"found": 0, "created": 0, "updated": 0, "closed": 0}
    for query in _queries(rdef, ctx):
        if part is not None:
            if not isinstance(query, RecordQuery):
                raise TypeError(f"{rdef.code}: an analysis rule cannot be cut by county")
            query = replace(query, queryset=part.narrow(query.queryset, query.unit))
        if ctx.scope is None or query.narrow is None:
            # a query that cannot be narrowed is evaluated in full
            query_ctx = replace(ctx, scope=None)
        else:
            evaluator: Any = EVALUATORS[rdef.kind]
            query_ctx = replace(ctx, subjects=evaluator.subjects(query, ctx.settings, ctx))
        counts = _reconcile(
            rule,
            query.subject_type,
            _evaluate(rdef, query, query_ctx),
            query_ctx.subjects,
            stamp,
            part,
        )
        for key, value in zip(outcome, counts, strict=True):
            outcome[key] += value
    outcome["seconds"] = round(time.perf_counter() - clock, 3)
    outcome["incremental"] = base.scope is not None
    return outcome


def decide_mode(
    mode: str, as_of: datetime, stats: dict[str, Any]
) -> tuple[PatrolRun | None, Scope | None, str]:
    """The previous run, the incremental scope and the mode a run takes: an incremental run falls
    back to a full one (the reason in ``stats["fallback"]``) when there is no run before it or
    what changed since cannot be scoped. One decision for the in-process and the fanned-out
    patrol, so that they cannot differ on it. Call under the store lock."""
    prev = PatrolRun.objects.order_by("-started_at", "-id").first()
    if mode != RunMode.INCREMENTAL:
        return prev, None, RunMode.FULL
    if prev is None:
        stats["fallback"] = "尚无巡查记录"
        return prev, None, RunMode.FULL
    scope, why = _touched_scope(prev, as_of)
    if scope is None:
        stats["fallback"] = why
        return prev, None, RunMode.FULL
    return prev, scope, RunMode.INCREMENTAL


def run_patrol(
    *,
    as_of: datetime,
    actor: User,
    mode: str = RunMode.FULL,
    codes: Iterable[str] | None = None,
    pack_code: str = DEFAULT_PACK,
    now: datetime | None = None,
) -> PatrolRun:
    """Check the rules against the store at ``as_of`` and store the findings.

    ``now`` is the moment the findings' changes are stamped with (first seen, closed, last
    changed): the wall clock by default, a past moment when the bureau's history is replayed.
    The watermark of the incremental runs stays the wall clock, since records are stamped with
    it when they are imported.

    ``mode="incremental"`` re-checks only the subjects tied to records changed since the last
    run, and those whose status may have changed with time since its ``as_of``; it falls back to
    a full run (saying why) where that narrowing would not be exact.
    """
    if timezone.is_naive(as_of):
        raise PatrolError(ErrorCode.NAIVE_TIME, "巡查时点必须带时区", field="as_of")
    pack = load_pack(pack_code)
    wanted = set(codes) if codes else None
    if wanted:
        unknown = wanted - {r.code for r in pack.rules}
        if unknown:
            raise PatrolError(
                ErrorCode.RULE_NOT_FOUND, f"规则不存在：{', '.join(sorted(unknown))}", field="codes"
            )
    if fanout.enabled():
        # one task per county bureau and per cross-county rule, on the workers
        from fazhi.patrol.tasks import fanned_patrol

        return fanned_patrol(
            as_of=as_of, actor=actor, mode=mode, codes=wanted, pack_code=pack_code, now=now
        )
    calendar = HolidayCalendar.from_database()
    stats: dict[str, Any] = {"rules": {}}
    with transaction.atomic():
        lock_store()
        started = timezone.now()  # the watermark: taken under the lock, see core.locks
        stamp = now or started
        rules = sync_rules(pack)
        prev, scope, effective = decide_mode(mode, as_of, stats)
        base = EvalContext(as_of=as_of, calendar=calendar, scope=scope)
        totals = {"found": 0, "created": 0, "updated": 0, "closed": 0}
        for rdef in pack.rules:
            if wanted and rdef.code not in wanted:
                continue
            rule = rules[rdef.code]
            if not rule.enabled:
                stats["rules"][rdef.code] = close_disabled(rule, stamp)
                continue
            rule_scope = None if settings_changed(rule, prev) else scope
            outcome = run_rule(rdef, rule, replace(base, scope=rule_scope), stamp)
            stats["rules"][rdef.code] = outcome
            for key in totals:
                totals[key] += outcome[key]
        stats.update(totals)
        # deadlines reach a year ahead (12-month limits): a year without a holiday calendar is
        # counted with weekends only until the administrator loads its notice
        stats["calendar_unknown_years"] = calendar.unknown_years(as_of.year - 1, as_of.year + 1)
        run = record_run(
            actor=actor, as_of=as_of, started=started, mode=effective, stats=stats, totals=totals
        )
    refresh_statistics(totals)
    return run


def record_run(
    *,
    actor: User,
    as_of: datetime,
    started: datetime,
    mode: str,
    stats: dict[str, Any],
    totals: dict[str, int],
    **details: Any,
) -> PatrolRun:
    """The run's row (its watermark the moment it started) and its audit row, for the
    in-process and the fanned-out patrol alike; ``details`` adds to the audit row's."""
    run = PatrolRun.objects.create(
        started_at=started,
        finished_at=timezone.now(),
        as_of=as_of,
        mode=mode,
        actor=actor.get_username(),
        watermark=started,
        stats=stats,
    )
    record_audit(
        actor, AuditAction.PATROL_RUN, target_type="patrol_run", target_id=str(run.pk),
        details={"as_of": as_of.isoformat(), "mode": mode, **totals,
                 "fallback": stats.get("fallback", ""), **details},
    )  # fmt: skip
    return run


# Findings written by one run from which PostgreSQL's statistics of the table are refreshed.
ANALYZE_AFTER = 5000


def refresh_statistics(totals: dict[str, int]) -> None:
    """``ANALYZE`` the findings table after a run that wrote many findings. Autovacuum would get
    there later, but the pages read the findings at once: right after a city's first full patrol
    the 大屏's numbers took 11 s with the statistics of an empty table (a sequential scan and the
    trigram index chosen for the overdue list), 0.5 s after ``ANALYZE``."""
    written = totals["created"] + totals["updated"] + totals["closed"]
    if connection.vendor != "postgresql" or written < ANALYZE_AFTER:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(Finding._meta.db_table)}")


def finding_json(finding: Finding) -> dict[str, Any]:
    """The CLI/API form of a finding (issue contract: rule, subject_type, subject_id, status,
    severity, due_at, unit_id, officer_id, facts, basis, and more)."""

    def iso(value: datetime | None) -> str | None:
        return timezone.localtime(value).isoformat() if value else None

    return {
        "rule": finding.rule_id,
        "name": finding.rule.name,
        "subject_type": finding.subject_type,
        "subject_id": finding.subject_id,
        "status": finding.status,
        "severity": finding.severity,
        "trigger_at": iso(finding.trigger_at),
        "due_at": iso(finding.due_at),
        "done_at": iso(finding.done_at),
        "unit_id": finding.unit_id,
        "officer_id": finding.officer_id,
        "case_id": finding.case_id,
        "facts": {fact["field"]: fact["value"] for fact in finding.facts},
        "explanation": finding.explanation,
        "basis": finding.rule.basis,
        "score": finding.score,
    }


def tick_patrol(now: datetime, actor: User) -> dict[str, Any]:
    """``fazhi tick`` step: an incremental patrol at ``now`` (it falls back to full by itself).
    Fanned out, a patrol already running (a full run started by cron) makes the step wait for
    the next tick rather than fail the tick."""
    try:
        run = run_patrol(as_of=now, actor=actor, mode=RunMode.INCREMENTAL, now=now)
    except PatrolError as exc:
        if exc.code != ErrorCode.PATROL_BUSY:
            raise
        return {"skipped": exc.message}
    return {
        "run": run.pk,
        "mode": run.mode,
        **{k: run.stats.get(k) for k in ("found", "created", "updated", "closed")},
    }
