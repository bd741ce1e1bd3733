"""试运行 (what-if): a proposed change of one rule's settings, or a proposed new rule written as a
pack entry, evaluated on the store as it is without writing a finding, problem or notice.

The rule is evaluated twice at the same ``as_of`` by the patrol's own evaluators: with its
current settings (the baseline: what the next full patrol would find) and with the proposal. The
two sets of results are compared subject by subject: **added** (found only under the proposal),
**removed** (found only now) and **changed** (found by both with another status or due time).
Comparing two fresh evaluations, rather than the proposal with the stored findings, isolates the
effect of the change from whatever else happened since the last run.

Only the counts, the per-unit and per-status tables and a few examples of each kind are kept
(``WhatIfRun``): enough to judge the change and to open examples; adopting it is the ordinary
recorded rule change (``services.change_rule``) with the run linked as its justification.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from fazhi.core.audit_actions import AuditAction
from fazhi.core.services import record_audit
from fazhi.patrol.engine import EvalContext, Result
from fazhi.patrol.error_codes import ErrorCode, PatrolError
from fazhi.patrol.models import FindingStatus, Rule, WhatIfRun
from fazhi.patrol.pack import DEFAULT_PACK, PackError, RuleDef, load_pack, load_pack_text
from fazhi.patrol.periods import HolidayCalendar
from fazhi.patrol.permissions import can_try_rules
from fazhi.patrol.services import _evaluate, _queries, as_warn_only, coerce_settings
from fazhi.records import models as m

EXAMPLES = 20  # examples kept per kind (added, removed, changed)
Key = tuple[str, str]  # (subject_type, subject_id)


@dataclass
class Outcome:
    rule: str
    settings: dict[str, Any]
    as_of: datetime
    baseline: int = 0
    proposed: int = 0
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        """The CLI's contract: rule, settings, added, removed, changed."""
        return {
            "rule": self.rule,
            "settings": self.settings,
            "as_of": self.as_of.isoformat(),
            "baseline": self.baseline,
            "proposed": self.proposed,
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
        }


def parse_setting_text(rdef: RuleDef, key: str, text: str) -> Any:
    """A ``--set KEY=VALUE`` value as the setting's kind wants it (the CLI types text)."""
    kind = rdef.check.allowed_settings.get(key)
    value = text.strip()
    if kind == "bool":
        lowered = value.lower()
        if lowered in {"true", "1", "是", "yes"}:
            return True
        if lowered in {"false", "0", "否", "no"}:
            return False
        return value  # refused by coerce_settings with the rule and key named
    if kind in {"int", "number"}:
        try:
            return int(value) if kind == "int" else float(value)
        except ValueError:
            return value
    return value


def evaluate(
    rdef: RuleDef, settings: Mapping[str, Any], *, as_of: datetime, warn_only: bool = False,
    calendar: HolidayCalendar | None = None,
) -> dict[Key, Result]:  # fmt: skip
    """What a full patrol at ``as_of`` would find for ``rdef`` with ``settings`` (nothing is
    written)."""
    ctx = EvalContext(
        as_of=as_of, calendar=calendar or HolidayCalendar.from_database(), settings=settings
    )
    out: dict[Key, Result] = {}
    for query in _queries(rdef, ctx):
        for result in _evaluate(rdef, query, replace(ctx, scope=None)):
            out[(query.subject_type, result.subject_id)] = (
                as_warn_only(result) if warn_only else result
            )
    return out


def _row(key: Key, result: Result) -> dict[str, Any]:
    return {"subject_type": key[0], "subject_id": key[1], "status": str(result.status)}


def compare(
    rule_code: str, settings: dict[str, Any], as_of: datetime,
    before: dict[Key, Result], after: dict[Key, Result],
) -> Outcome:  # fmt: skip
    outcome = Outcome(
        rule=rule_code, settings=settings, as_of=as_of, baseline=len(before), proposed=len(after)
    )
    for key in sorted(after.keys() - before.keys()):
        outcome.added.append(_row(key, after[key]))
    for key in sorted(before.keys() - after.keys()):
        outcome.removed.append(_row(key, before[key]))
    for key in sorted(before.keys() & after.keys()):
        old, new = before[key], after[key]
        if old.status != new.status or old.due_at != new.due_at:
            outcome.changed.append(
                {
                    "subject_type": key[0],
                    "subject_id": key[1],
                    "from": str(old.status),
                    "to": str(new.status),
                    "due_from": old.due_at.isoformat() if old.due_at else None,
                    "due_to": new.due_at.isoformat() if new.due_at else None,
                }
            )
    return outcome


def _require(actor: User) -> None:
    if not can_try_rules(actor):
        raise PatrolError(
            ErrorCode.NOT_ALLOWED,
            f"用户 {actor.get_username()} 无权试运行规则：只有法制大队和管理员可以试运行",
        )


def _rule_def(code: str, entry: str | None) -> tuple[RuleDef, Rule | None]:
    """The rule's definition: from the proposed pack entry when one is given, else the pack."""
    rule = Rule.objects.filter(pk=code).first() if code else None
    if entry:
        try:
            pack = load_pack_text(entry, source="试运行规则")
        except PackError as exc:
            raise PatrolError(ErrorCode.WHATIF_INVALID, "；".join(exc.problems)) from None
        if len(pack.rules) != 1:
            raise PatrolError(ErrorCode.WHATIF_INVALID, "试运行的规则条目须恰好包含一条规则")
        rdef = pack.rules[0]
        return rdef, Rule.objects.filter(pk=rdef.code).first()
    try:
        # a rule not yet synced (no patrol has run) has the pack's definition and defaults
        return load_pack(rule.pack if rule and rule.pack else DEFAULT_PACK).rule(code), rule
    except KeyError:
        raise PatrolError(ErrorCode.RULE_NOT_FOUND, f"规则不存在：{code}", field="rule") from None


def what_if(
    *, actor: User, rule_code: str = "", settings: Mapping[str, Any] | None = None,
    as_of: datetime | None = None, entry: str | None = None,
) -> tuple[WhatIfRun, Outcome]:  # fmt: skip
    """Try ``settings`` on rule ``rule_code`` (or the new rule of pack ``entry``) at ``as_of``
    (default now); store the run's summary and return it with the full outcome."""
    _require(actor)
    as_of = as_of or timezone.now()
    if timezone.is_naive(as_of):
        raise PatrolError(ErrorCode.NAIVE_TIME, "试运行时点必须带时区", field="as_of")
    rdef, rule = _rule_def(rule_code, entry)
    proposal = coerce_settings(rdef, settings or {})
    calendar = HolidayCalendar.from_database()
    started = time.perf_counter()
    if entry:
        # a new rule (or a new definition of one): compared with what the live rule finds now
        before = (
            evaluate(load_pack(rule.pack or DEFAULT_PACK).rule(rule.code),
                     rule.settings, as_of=as_of, warn_only=rule.warn_only, calendar=calendar)
            if rule is not None and rule.enabled and _in_pack(rule) else {}
        )  # fmt: skip
        current: dict[str, Any] = {**rdef.defaults}
        warn_only = False
    else:
        current = {**rdef.defaults, **(rule.overrides if rule else {})}
        warn_only = bool(rule and rule.warn_only)
        before = (
            evaluate(rdef, current, as_of=as_of, warn_only=warn_only, calendar=calendar)
            if rule is None or rule.enabled
            else {}
        )
    proposed = {**current, **proposal}
    after = evaluate(rdef, proposed, as_of=as_of, warn_only=warn_only, calendar=calendar)
    outcome = compare(rdef.code, proposed, as_of, before, after)
    outcome.seconds = round(time.perf_counter() - started, 3)
    with transaction.atomic():
        run = WhatIfRun.objects.create(
            rule_code=rdef.code,
            rule_name=rdef.name,
            proposal=proposal,
            settings=_jsonable(proposed),
            entry=entry or "",
            as_of=as_of,
            created_by=actor.get_username(),
            seconds=outcome.seconds,
            counts={
                "baseline": outcome.baseline,
                "proposed": outcome.proposed,
                "added": len(outcome.added),
                "removed": len(outcome.removed),
                "changed": len(outcome.changed),
            },
            by_unit=_by_unit(before, after, outcome),
            by_status=_by_status(outcome),
            examples=_examples(before, after, outcome),
        )
        record_audit(
            actor, AuditAction.RULE_WHATIF, target_type="rule", target_id=rdef.code,
            details={"whatif": run.pk, "proposal": run.proposal, "as_of": as_of.isoformat(),
                     **run.counts},
        )  # fmt: skip
    return run, outcome


def _in_pack(rule: Rule) -> bool:
    try:
        load_pack(rule.pack or DEFAULT_PACK).rule(rule.code)
    except KeyError:
        return False
    return True


def _jsonable(settings: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: v if isinstance(v, bool | int | float | str) else str(v) for k, v in settings.items()
    }


def _unit_of(key: Key, before: dict[Key, Result], after: dict[Key, Result]) -> str:
    result = after.get(key) or before.get(key)
    return (result.unit_id or "") if result else ""


def _by_unit(
    before: dict[Key, Result], after: dict[Key, Result], outcome: Outcome
) -> list[dict[str, Any]]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for kind in ("added", "removed", "changed"):
        for row in getattr(outcome, kind):
            key = (row["subject_type"], row["subject_id"])
            counts[_unit_of(key, before, after)][kind] += 1
    names = dict(m.Unit.objects.filter(pk__in=counts).values_list("pk", "name"))
    order = sorted(counts, key=lambda uid: (-sum(counts[uid].values()), names.get(uid, uid)))
    return [
        {"unit_id": uid, "unit": names.get(uid, "（未归属单位）"),
         "added": counts[uid]["added"], "removed": counts[uid]["removed"],
         "changed": counts[uid]["changed"]}
        for uid in order
    ]  # fmt: skip


def _by_status(outcome: Outcome) -> list[dict[str, Any]]:
    labels = dict(FindingStatus.choices)
    added = Counter(r["status"] for r in outcome.added)
    removed = Counter(r["status"] for r in outcome.removed)
    changed_to = Counter(r["to"] for r in outcome.changed)
    return [
        {"status": s, "label": labels[s], "added": added[s], "removed": removed[s],
         "changed_to": changed_to[s]}
        for s in FindingStatus.values
        if added[s] or removed[s] or changed_to[s]
    ]  # fmt: skip


def _examples(
    before: dict[Key, Result], after: dict[Key, Result], outcome: Outcome
) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for kind in ("added", "removed", "changed"):
        rows = []
        for row in getattr(outcome, kind)[:EXAMPLES]:
            key = (row["subject_type"], row["subject_id"])
            result = after.get(key) or before[key]
            rows.append(
                {
                    **row,
                    "unit_id": result.unit_id or "",
                    "case_id": result.case_id or "",
                    "due_at": result.due_at.isoformat() if result.due_at else None,
                    "explanation": result.explanation,
                }
            )
        out[kind] = rows
    return out
