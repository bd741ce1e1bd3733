"""disputes services: every state change, with an explicit actor, audited.

``tick_disputes`` (a ``fazhi tick`` step) does the scheduled work and is safe to repeat: a dispute
is unique per incident, a plan per (dispute, seq) with at most one pending, a letter per dispute;
a regrade that finds the same score writes only its time; a tick regrades only the disputes
whose inputs changed, and every open one on the first tick of a day (``_needs_grading``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from fazhi.core import fanout
from fazhi.core.audit_actions import AuditAction
from fazhi.core.errors import DomainError
from fazhi.core.scope import DataScope, visible
from fazhi.core.services import once_per_submission, record_audit
from fazhi.disputes import grading, permissions
from fazhi.disputes.error_codes import ErrorCode
from fazhi.disputes.letters import LetterText, write_letter
from fazhi.disputes.models import (
    CHECKLIST_CODES,
    CHECKLIST_SYSTEM,
    COLOUR_ORDER,
    DEFAULT_POINTS,
    ChecklistAnswer,
    Dispute,
    DisputeStatus,
    EscalationLetter,
    FollowupPlan,
    Party,
    RiskColour,
    RiskPolicy,
)
from fazhi.records import models as m
from fazhi.records.enums import DisputeType, FollowupResult

LETTER_DIR = "letters"
RECIPIENT = "县委政法委"
BATCH = 500


class DisputeError(DomainError, ValueError):
    """A refused change, with a Chinese message naming the record and field (still a
    ``ValueError``, as callers catching that expect)."""


# --- settings -----------------------------------------------------------------------------------


def policy() -> RiskPolicy:
    """The one settings row (created with the defaults on first use)."""
    row = RiskPolicy.objects.order_by("pk").first()
    if row is None:
        row, _ = RiskPolicy.objects.get_or_create(pk=1)
    return row


def first_visit_window(colour: str, p: RiskPolicy) -> timedelta:
    if colour == RiskColour.RED:
        return timedelta(hours=p.red_first_hours)
    if colour == RiskColour.YELLOW:
        return timedelta(days=p.yellow_first_days)
    return timedelta(days=p.blue_first_days)


def repeat_visit_window(colour: str, p: RiskPolicy) -> timedelta:
    days = {
        RiskColour.RED: p.red_repeat_days,
        RiskColour.YELLOW: p.yellow_repeat_days,
    }.get(RiskColour(colour), p.blue_repeat_days)
    return timedelta(days=days)


_POLICY_NUMBERS = (
    "red_at", "yellow_at", "money_at", "money_large_at", "elderly_age", "minor_age",
    "red_first_hours", "red_repeat_days", "yellow_first_days", "yellow_repeat_days",
    "blue_first_days", "blue_repeat_days", "escalate_after_days",
)  # fmt: skip


def change_risk_policy(
    *, actor: User, reason: str, remote_addr: str = "", **changes: Any
) -> RiskPolicy:
    """Change grading points, thresholds or visit windows; ``reason`` is required and recorded.
    ``points`` and ``type_points`` are merged into the current tables."""
    if not permissions.can_change_policy(actor):
        raise PermissionDenied(f"用户 {actor.get_username()} 无权修改风险评定设置")
    if not reason or not reason.strip():
        raise DisputeError(
            ErrorCode.REASON_REQUIRED, "修改风险评定设置须填写理由（字段 reason）", field="reason"
        )
    with transaction.atomic():
        row = policy()
        row = RiskPolicy.objects.select_for_update().get(pk=row.pk)
        before = {f: getattr(row, f) for f in (*_POLICY_NUMBERS, "points", "type_points")}
        for key, value in changes.items():
            if key == "points":
                merged = dict(row.points)
                for factor, points in dict(value).items():
                    if factor not in DEFAULT_POINTS:
                        raise DisputeError(
                            ErrorCode.POLICY_INVALID,
                            f"风险评定设置：未知的计分因素 {factor}（字段 points）",
                            field="points",
                        )
                    merged[factor] = _non_negative(points, f"points.{factor}")
                row.points = merged
            elif key == "type_points":
                merged = dict(row.type_points)
                for kind, points in dict(value).items():
                    if kind not in DisputeType.values:
                        raise DisputeError(
                            ErrorCode.POLICY_INVALID,
                            f"风险评定设置：未知的纠纷类型 {kind}（字段 type_points）",
                            field="type_points",
                        )
                    merged[kind] = _non_negative(points, f"type_points.{kind}")
                row.type_points = merged
            elif key in _POLICY_NUMBERS:
                setattr(row, key, _non_negative(value, key))
            else:
                raise DisputeError(
                    ErrorCode.POLICY_INVALID, f"风险评定设置没有字段 {key}", field=key
                )
        if not 0 < row.yellow_at < row.red_at:
            raise DisputeError(
                ErrorCode.POLICY_INVALID,
                f"风险评定设置：须 0 < 黄色阈值（yellow_at={row.yellow_at}）< 红色阈值"
                f"（red_at={row.red_at}）",
                field="yellow_at",
            )
        if row.money_at > row.money_large_at:
            raise DisputeError(
                ErrorCode.POLICY_INVALID,
                "风险评定设置：涉及金额（money_at）不能大于涉及大额（money_large_at）",
                field="money_at",
            )
        row.changed_at = timezone.now()
        row.changed_by = actor.get_username()
        row.reason = reason.strip()[:200]
        row.save()
        after = {f: getattr(row, f) for f in before}
        record_audit(
            actor, AuditAction.DISPUTES_CHANGE_POLICY, target_type="disputes.riskpolicy",
            target_id=str(row.pk), remote_addr=remote_addr,
            details={
                "reason": row.reason,
                "changed": {k: [before[k], after[k]] for k in before if before[k] != after[k]},
            },
        )  # fmt: skip
    return row


def _non_negative(value: Any, name: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DisputeError(
            ErrorCode.POLICY_INVALID,
            f"风险评定设置：字段 {name} 须为整数，收到 {value!r}",
            field=name,
        ) from None
    if number < 0:
        raise DisputeError(
            ErrorCode.POLICY_INVALID,
            f"风险评定设置：字段 {name} 不能为负数（{number}）",
            field=name,
        )
    return number


# --- creating disputes --------------------------------------------------------------------------


def _create_new(now: datetime, where: Q | None = None) -> list[str]:
    """A dispute for every dispute incident that has none (one bulk insert); the community
    officer is the incident's first officer, else the unit's 民警 with the fewest open disputes
    (those created at ``now``, by this tick, not counted: a fanned-out tick's parts then choose
    as one process does, whichever part commits first). ``where``: only the incidents of one
    part of a fanned-out tick (``tasks``)."""
    first_officer = (
        m.IncidentOfficer.objects.filter(incident_id=OuterRef("pk"))
        .order_by("position", "officer_id")
        .values("officer_id")[:1]
    )
    new = list(
        m.Incident.objects.filter(grading.dispute_incidents())
        .filter(dispute__isnull=True, received_at__lte=now)  # not yet reported at now: later
        .filter(where or Q())
        .annotate(first_officer=Subquery(first_officer))
        .values("id", "unit_id", "dispute_type", "first_officer")
        .order_by("received_at", "id")
    )
    if not new:
        return []
    lacking = {row["unit_id"] for row in new if row["first_officer"] is None}
    load: dict[str, list[list[Any]]] = {}
    if lacking:
        for pk, unit_id, n in (
            m.Officer.objects.filter(unit_id__in=lacking, active=True, role="民警")
            .annotate(
                n=Count(
                    "disputes",
                    filter=~Q(disputes__status=DisputeStatus.RESOLVED)
                    & ~Q(disputes__created_at=now),
                )
            )
            .values_list("pk", "unit_id", "n")
        ):
            load.setdefault(unit_id, []).append([n, pk])
    rows = []
    for row in new:
        officer_id = row["first_officer"]
        if officer_id is None and load.get(row["unit_id"]):
            pick = min(load[row["unit_id"]])
            pick[0] += 1
            officer_id = pick[1]
        rows.append(
            Dispute(
                incident_id=row["id"], unit_id=row["unit_id"], officer_id=officer_id,
                dispute_type=row["dispute_type"] or DisputeType.OTHER,
                created_at=now, graded_at=now,
            )
        )  # fmt: skip
    Dispute.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    return [row["id"] for row in new]


def ensure_dispute(incident_id: str, *, actor: User, now: datetime | None = None) -> Dispute:
    """The dispute of one incident, created and graded if it has none yet (for the intel
    review: confirming a ZN-JF-02 suspicion escalates the dispute of its incident)."""
    now = now or timezone.now()
    existing = Dispute.objects.filter(incident_id=incident_id).first()
    if existing is not None:
        return existing
    incident = m.Incident.objects.filter(pk=incident_id).first()
    if incident is None:
        raise DisputeError(ErrorCode.INCIDENT_NOT_FOUND, f"警情 {incident_id} 不存在")
    with transaction.atomic():
        Dispute.objects.get_or_create(
            incident=incident,
            defaults={
                "unit_id": incident.unit_id,
                "officer_id": incident.officer_links.order_by("position")
                .values_list("officer_id", flat=True)
                .first(),
                "dispute_type": incident.dispute_type or DisputeType.OTHER,
                "created_at": now,
                "graded_at": now,
            },
        )
        regrade([incident_id], now=now, actor=actor)
        _schedule(now, [incident_id])
    return Dispute.objects.get(incident_id=incident_id)


# --- grading ------------------------------------------------------------------------------------


def regrade(incident_ids: Sequence[str], *, now: datetime, actor: User) -> dict[str, int]:
    """Grade the disputes of ``incident_ids`` again; write what changed, and for the rest only
    ``graded_at``. Returns how many were graded, changed and went up a colour."""
    p = policy()
    changed = upgraded = considered = 0
    for start in range(0, len(incident_ids), BATCH):
        batch = list(incident_ids[start : start + BATCH])
        signals = grading.collect(batch, p)
        disputes = {
            d.incident_id: d
            for d in Dispute.objects.filter(incident_id__in=batch).select_related("incident")
        }
        dirty: list[Dispute] = []
        unchanged: list[int] = []
        tightened: dict[int, str] = {}
        for incident_id, dispute in disputes.items():
            sig = signals.get(incident_id)
            if sig is None:
                continue
            reasons = grading.score(sig, p)
            total = sum(r["points"] for r in reasons)
            colour = grading.colour_for(total, p)
            new = {
                "score": total, "colour": colour, "reasons": reasons, "cause": sig.cause,
                "cause_source": sig.cause_source[:100], "consequence": str(sig.consequence),
                "dispute_type": sig.dispute_type,
            }  # fmt: skip
            if all(getattr(dispute, k) == v for k, v in new.items()):
                unchanged.append(dispute.pk)
                continue
            if COLOUR_ORDER[RiskColour(colour)] > COLOUR_ORDER[RiskColour(dispute.colour)]:
                upgraded += 1
                tightened[dispute.pk] = colour
            for k, v in new.items():
                setattr(dispute, k, v)
            if colour == RiskColour.RED and dispute.red_since is None:
                # red from the first grading: red since the incident; else since this regrade
                first = dispute.created_at == now
                dispute.red_since = dispute.incident.received_at if first else now
            elif colour != RiskColour.RED:
                dispute.red_since = None
            dispute.graded_at = now
            dirty.append(dispute)
        fields = [
            "score", "colour", "reasons", "cause", "cause_source", "consequence",
            "dispute_type", "red_since", "graded_at",
        ]  # fmt: skip
        Dispute.objects.bulk_update(dirty, fields, batch_size=BATCH)
        # graded again and found the same: only the time of grading moves (see _needs_grading)
        Dispute.objects.filter(pk__in=unchanged, graded_at__lt=now).update(graded_at=now)
        changed += len(dirty)
        considered += len(disputes)
        _tighten_plans(tightened, now, p)
        _sync_parties(disputes, signals)
        _sync_checklist(disputes, signals, now)
    return {"graded": considered, "regraded": changed, "upgraded": upgraded}


def _tighten_plans(tightened: dict[int, str], now: datetime, p: RiskPolicy) -> None:
    """A dispute that went up a colour gets its pending visit no later than the new colour's
    first-visit window from now."""
    if not tightened:
        return
    plans = list(FollowupPlan.objects.pending().filter(dispute_id__in=list(tightened)))
    for plan in plans:
        latest = now + first_visit_window(tightened[plan.dispute_id], p)
        if plan.due_at > latest:
            plan.due_at = latest
            plan.colour = tightened[plan.dispute_id]
    FollowupPlan.objects.bulk_update(plans, ["due_at", "colour"], batch_size=BATCH)


def _sync_parties(disputes: dict[str, Dispute], signals: dict[str, grading.Signals]) -> None:
    def key(name: str, phone: str, *rest: Any) -> tuple[Any, ...]:
        return (name, phone, *rest)

    stored: dict[int, set[tuple[Any, ...]]] = {}
    for party in Party.objects.filter(dispute_id__in=[d.pk for d in disputes.values()]):
        stored.setdefault(party.dispute_id, set()).add(
            key(party.name, party.phone, party.id_number, party.birth_date, party.source,
                tuple(party.person_ids), len(party.prior_cases), len(party.prior_incidents))
        )  # fmt: skip
    replace: list[int] = []
    rows: list[Party] = []
    for incident_id, dispute in disputes.items():
        sig = signals.get(incident_id)
        if sig is None:
            continue
        wanted = {
            key(p.name, p.phone, p.id_number, p.birth_date, p.source[:100],
                tuple(p.person_ids), len(p.prior_cases), len(p.prior_incidents))
            for p in sig.parties
        }  # fmt: skip
        if wanted == stored.get(dispute.pk, set()):
            continue
        replace.append(dispute.pk)
        seen: set[tuple[str, str]] = set()
        for p in sig.parties:
            if (p.name, p.phone) in seen:
                continue
            seen.add((p.name, p.phone))
            rows.append(
                Party(
                    dispute=dispute, name=p.name[:50], phone=p.phone, id_number=p.id_number,
                    birth_date=p.birth_date, source=p.source[:100], person_ids=p.person_ids,
                    prior_cases=p.prior_cases[:50], prior_incidents=p.prior_incidents[:50],
                )
            )  # fmt: skip
    if replace:
        Party.objects.filter(dispute_id__in=replace).delete()
        Party.objects.bulk_create(rows, batch_size=BATCH)


def _sync_checklist(
    disputes: dict[str, Dispute], signals: dict[str, grading.Signals], now: datetime
) -> None:
    """Pre-fill from the data; an officer's answer is never overwritten."""
    existing: dict[tuple[int, str], ChecklistAnswer] = {
        (a.dispute_id, a.item): a
        for a in ChecklistAnswer.objects.filter(dispute_id__in=[d.pk for d in disputes.values()])
    }
    create: list[ChecklistAnswer] = []
    update: list[ChecklistAnswer] = []
    drop: list[int] = []
    for incident_id, dispute in disputes.items():
        sig = signals.get(incident_id)
        if sig is None:
            continue
        filled = grading.prefill(sig)
        for item, (kind, _label, _question) in CHECKLIST_CODES.items():
            row = existing.get((dispute.pk, item))
            if row is not None and row.by_officer:
                continue
            if item not in filled:
                if row is not None:
                    drop.append(row.pk)
                continue
            answer, source = filled[item]
            answer, source = answer[:200], source[:200]
            if row is None:
                create.append(
                    ChecklistAnswer(
                        dispute=dispute, kind=kind, item=item, answer=answer, source=source,
                        answered_by=CHECKLIST_SYSTEM, answered_at=now,
                    )
                )  # fmt: skip
            elif (row.answer, row.source) != (answer, source):
                row.answer, row.source, row.answered_at = answer, source, now
                update.append(row)
    ChecklistAnswer.objects.bulk_create(create, batch_size=BATCH, ignore_conflicts=True)
    ChecklistAnswer.objects.bulk_update(
        update, ["answer", "source", "answered_at"], batch_size=BATCH
    )
    if drop:
        ChecklistAnswer.objects.filter(pk__in=drop).delete()


# --- follow-ups and plans -----------------------------------------------------------------------


def _link_followups(
    now: datetime, incident_ids: Sequence[str] | None = None, where: Q | None = None
) -> dict[str, int]:
    """Attach every follow-up of a dispute incident that no plan holds yet (imported ones and
    those recorded in the app) to the dispute's pending plan, or to a new done plan when none
    is pending; the visit's result sets the status (已化解 resolves, anything else reopens)."""
    followups = m.Followup.objects.filter(
        incident__dispute__isnull=False, plan__isnull=True, at__lte=now
    ).order_by("incident_id", "at", "id")
    if incident_ids is not None:
        followups = followups.filter(incident_id__in=list(incident_ids))
    if where is not None:
        followups = followups.filter(where)
    fresh = list(followups.values("id", "incident_id", "at", "result", "officer_id"))
    if not fresh:
        return {"linked": 0, "resolved": 0}
    disputes = {
        d.incident_id: d
        for d in Dispute.objects.filter(incident_id__in={f["incident_id"] for f in fresh})
    }
    pending = {
        p.dispute_id: p
        for p in FollowupPlan.objects.pending().filter(
            dispute_id__in=[d.pk for d in disputes.values()]
        )
    }
    seqs = dict(
        FollowupPlan.objects.filter(dispute_id__in=[d.pk for d in disputes.values()])
        .values("dispute_id")
        .annotate(n=Max("seq"))
        .values_list("dispute_id", "n")
    )
    to_update: list[FollowupPlan] = []
    to_create: list[FollowupPlan] = []
    resolved = 0
    for fu in fresh:
        dispute = disputes[fu["incident_id"]]
        plan = pending.pop(dispute.pk, None)
        if plan is not None:
            plan.done_followup_id = fu["id"]
            to_update.append(plan)
        else:
            seqs[dispute.pk] = seqs.get(dispute.pk, 0) + 1
            to_create.append(
                FollowupPlan(
                    dispute=dispute, seq=seqs[dispute.pk], due_at=fu["at"],
                    officer_id=fu["officer_id"], created_at=now, colour=dispute.colour,
                    done_followup_id=fu["id"],
                )
            )  # fmt: skip
        if fu["result"] == FollowupResult.RESOLVED:
            if dispute.status != DisputeStatus.RESOLVED:
                resolved += 1
            dispute.status = DisputeStatus.RESOLVED
            dispute.resolved_at = fu["at"]
        else:
            dispute.status = DisputeStatus.IN_PROGRESS
            dispute.resolved_at = None
    FollowupPlan.objects.bulk_update(to_update, ["done_followup"], batch_size=BATCH)
    FollowupPlan.objects.bulk_create(to_create, batch_size=BATCH)
    # batched: one CASE over a city's disputes is quadratic for PostgreSQL's planner
    Dispute.objects.bulk_update(
        list(disputes.values()), ["status", "resolved_at"], batch_size=BATCH
    )
    return {"linked": len(fresh), "resolved": resolved}


def _schedule(
    now: datetime, incident_ids: Sequence[str] | None = None, where: Q | None = None
) -> int:
    """The next visit of every open dispute without a pending one: the first visit within the
    colour's window of the incident, later ones the colour's repeat window after the last visit."""
    p = policy()
    disputes = (
        Dispute.objects.open()
        .exclude(pk__in=FollowupPlan.objects.pending().values("dispute_id"))
        .annotate(
            last_visit=Max("plans__done_followup__at"),
            last_seq=Max("plans__seq"),
        )
        .values("pk", "colour", "officer_id", "incident__received_at", "last_visit", "last_seq")
    )
    if incident_ids is not None:
        disputes = disputes.filter(incident_id__in=list(incident_ids))
    if where is not None:
        disputes = disputes.filter(where)
    rows = []
    for d in disputes:
        if d["last_visit"] is None:
            due = d["incident__received_at"] + first_visit_window(d["colour"], p)
        else:
            due = d["last_visit"] + repeat_visit_window(d["colour"], p)
        rows.append(
            FollowupPlan(
                dispute_id=d["pk"], seq=(d["last_seq"] or 0) + 1, due_at=due,
                officer_id=d["officer_id"], created_at=now, colour=d["colour"],
            )
        )  # fmt: skip
    FollowupPlan.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    return len(rows)


def _actor_officer(actor: User) -> str | None:
    from fazhi.accounts.models import Profile

    return Profile.objects.filter(user=actor).values_list("officer_id", flat=True).first()


@once_per_submission(AuditAction.DISPUTES_RECORD_FOLLOWUP, lambda pk: m.Followup.objects.get(pk=pk))
def record_followup(
    dispute: Dispute,
    *,
    actor: User,
    at: datetime,
    result: str,
    note: str = "",
    now: datetime | None = None,
    remote_addr: str = "",
) -> m.Followup:
    """Record a visit as an FZX follow-up (id ``FU-APP-<uuid>``), attach it to the plan and
    grade the dispute again."""
    permissions.require_role_action(dispute, actor, permissions.FOLLOWUP)
    now = now or timezone.now()
    if result not in FollowupResult.values:
        raise DisputeError(
            ErrorCode.FOLLOWUP_INVALID,
            f"纠纷 {dispute.incident_id} 回访结果须为"
            f"{'、'.join(FollowupResult.values)}之一，收到 {result!r}",
            field="result",
        )
    if at > now + timedelta(minutes=5):
        raise DisputeError(
            ErrorCode.FOLLOWUP_INVALID,
            f"纠纷 {dispute.incident_id} 回访时间不能晚于当前时间",
            field="at",
        )
    officer_id = _actor_officer(actor) or dispute.officer_id
    if officer_id is None:
        raise DisputeError(
            ErrorCode.NO_OFFICER,
            f"纠纷 {dispute.incident_id} 没有社区民警，无法记录回访",
            field="officer",
        )
    with transaction.atomic():
        followup = m.Followup.objects.create(
            id=f"FU-APP-{uuid.uuid4().hex}", incident_id=dispute.incident_id,
            officer_id=officer_id, at=at, result=result, note=note or None, changed_at=now,
        )  # fmt: skip
        _link_followups(now, [dispute.incident_id])
        regrade([dispute.incident_id], now=now, actor=actor)
        _schedule(now, [dispute.incident_id])
        record_audit(
            actor, AuditAction.DISPUTES_RECORD_FOLLOWUP, target_type="disputes.dispute",
            target_id=str(dispute.pk), remote_addr=remote_addr,
            details={"followup": followup.pk, "result": result, "at": at.isoformat()},
        )  # fmt: skip
    dispute.refresh_from_db()
    return followup


@once_per_submission(
    AuditAction.DISPUTES_ANSWER_CHECKLIST, lambda pk: ChecklistAnswer.objects.get(pk=pk)
)
def answer_checklist(
    dispute: Dispute,
    *,
    actor: User,
    item: str,
    answer: str,
    note: str = "",
    now: datetime | None = None,
    remote_addr: str = "",
) -> ChecklistAnswer:
    permissions.require_role_action(dispute, actor, permissions.CHECKLIST)
    now = now or timezone.now()
    if item not in CHECKLIST_CODES:
        raise DisputeError(
            ErrorCode.CHECKLIST_INVALID,
            f"纠纷 {dispute.incident_id}：没有清单项目 {item}",
            field="item",
        )
    if not answer or not answer.strip():
        kind, label, _q = CHECKLIST_CODES[item]
        raise DisputeError(
            ErrorCode.CHECKLIST_INVALID,
            f"纠纷 {dispute.incident_id} {kind}「{label}」须填写结论",
            field="answer",
        )
    kind, label, _q = CHECKLIST_CODES[item]
    with transaction.atomic():
        row, _ = ChecklistAnswer.objects.update_or_create(
            dispute=dispute, item=item,
            defaults={
                "kind": kind, "answer": answer.strip()[:200], "note": note.strip(),
                "source": f"社区民警核实（{actor.get_username()}）",
                "answered_by": actor.get_username(), "answered_at": now,
            },
        )  # fmt: skip
        record_audit(
            actor, AuditAction.DISPUTES_ANSWER_CHECKLIST, target_type="disputes.dispute",
            target_id=str(dispute.pk), remote_addr=remote_addr,
            details={"item": item, "answer": row.answer},
        )  # fmt: skip
    return row


@once_per_submission(AuditAction.DISPUTES_RESOLVE, lambda pk: Dispute.objects.get(pk=pk))
def resolve_dispute(
    dispute: Dispute,
    *,
    actor: User,
    note: str = "",
    now: datetime | None = None,
    remote_addr: str = "",
) -> Dispute:
    """Mark a dispute resolved (化解) by hand; its pending visit is cancelled."""
    permissions.require_role_action(dispute, actor, permissions.RESOLVE)
    now = now or timezone.now()
    with transaction.atomic():
        updated = (
            Dispute.objects.filter(pk=dispute.pk)
            .exclude(status=DisputeStatus.RESOLVED)
            .update(status=DisputeStatus.RESOLVED, resolved_at=now)
        )
        if not updated:
            raise DisputeError(
                ErrorCode.ALREADY_RESOLVED,
                f"纠纷 {dispute.incident_id} 已化解",
                field="status",
            )
        FollowupPlan.objects.pending().filter(dispute=dispute).update(cancelled_at=now)
        record_audit(
            actor,
            AuditAction.DISPUTES_RESOLVE,
            target_type="disputes.dispute",
            target_id=str(dispute.pk),
            remote_addr=remote_addr,
            details={"note": note},
        )
    dispute.refresh_from_db()
    return dispute


# --- escalation ---------------------------------------------------------------------------------


def _issuer() -> str:
    root = m.Unit.objects.filter(parent__isnull=True).order_by("id").values_list("name", flat=True)
    return root.first() or "公安局"


def _letter_text(dispute: Dispute, number: str, signed: datetime, reason: str) -> LetterText:
    incident = dispute.incident
    issuer = _issuer()
    visits = list(
        m.Followup.objects.filter(incident_id=dispute.incident_id)
        .order_by("at")
        .values_list("at", "result")
    )
    received = timezone.localtime(incident.received_at)
    body = [
        f"{received.year}年{received.month}月{received.day}日，{dispute.unit.name}接报一起"
        f"{dispute.dispute_type}纠纷警情（警情编号 {incident.pk}），地点：{incident.address}。"
        f"警情内容：{incident.description}",
        f"经风险评估研判，该纠纷为红色风险等级（风险分 {dispute.score} 分），{reason}。"
        "主要风险点如下：",
    ]
    for i, r in enumerate(dispute.reasons, start=1):
        body.append(f"{i}. {r['reason']}（{r['points']} 分）。")
    if visits:
        last_at, last_result = visits[-1]
        last = timezone.localtime(last_at)
        body.append(
            f"社区民警已回访 {len(visits)} 次，最近一次为 {last.month}月{last.day}日，"
            f"结果为“{last_result}”，矛盾尚未化解。"
        )
    else:
        body.append("社区民警回访尚未取得化解结果，矛盾尚未化解。")
    body.append(
        "该纠纷极易引发“民转刑”“刑转命”案事件。根据矛盾纠纷重大风险隐患通报机制，"
        "现予抄告，建议县委政法委牵头组织责任乡镇（街道）和职能部门研究会商，落实各方责任，"
        "合力做好源头化解、稳控处置工作。"
    )
    body.append("特此抄告。")
    return LetterText(
        issuer=issuer,
        number=number,
        title=f"关于一起{dispute.dispute_type}纠纷存在重大风险隐患的抄告函",
        recipient=RECIPIENT,
        paragraphs=body,
        signed_on=timezone.localtime(signed).date(),
        copy_to=[dispute.unit.name, "县公安局基础管控中心", "县公安局法制大队"],
    )


def letter_prefix() -> str:
    issuer = _issuer()
    return (issuer[:1] or "公") + "公抄"


@once_per_submission(AuditAction.DISPUTES_ESCALATE, lambda pk: EscalationLetter.objects.get(pk=pk))
def escalate(
    dispute: Dispute,
    *,
    actor: User,
    reason: str = "",
    now: datetime | None = None,
    remote_addr: str = "",
) -> EscalationLetter:
    """Write the 抄告函 to the county 政法委 and put the dispute on the 通报 list (one letter
    per dispute; a second call is refused), by a user whose role and scope allow it."""
    permissions.require_role_action(dispute, actor, permissions.ESCALATE)
    return issue_letter(dispute, actor=actor, reason=reason, now=now, remote_addr=remote_addr)


def issue_letter(
    dispute: Dispute,
    *,
    actor: User,
    reason: str = "",
    now: datetime | None = None,
    remote_addr: str = "",
) -> EscalationLetter:
    """The letter itself, without the user gate: for ``escalate`` once it has checked the user,
    and for the tick, which escalates under the system account what stayed red too long."""
    now = now or timezone.now()
    reason = reason.strip() or "经研判存在重大风险隐患"
    with transaction.atomic():
        locked = Dispute.objects.select_for_update().select_related("incident", "unit")
        dispute = locked.get(pk=dispute.pk)
        if EscalationLetter.objects.filter(dispute=dispute).exists():
            raise DisputeError(
                ErrorCode.ALREADY_ESCALATED,
                f"纠纷 {dispute.incident_id} 已抄告，不重复制发",
                field="letter",
            )
        year = timezone.localtime(now).year
        seq = (EscalationLetter.objects.filter(year=year).aggregate(n=Max("seq"))["n"] or 0) + 1
        number = f"{letter_prefix()}〔{year}〕{seq}号"
        relative = f"{LETTER_DIR}/{year}-{seq:04d}-{uuid.uuid4().hex[:8]}.docx"
        write_letter(
            _letter_text(dispute, number, now, reason), Path(settings.MEDIA_ROOT) / relative
        )
        letter = EscalationLetter.objects.create(
            dispute=dispute, year=year, seq=seq, number=number, created_at=now,
            created_by=actor.get_username(), file_path=relative, sent_to=RECIPIENT,
            reason=reason[:200],
        )  # fmt: skip
        Dispute.objects.filter(pk=dispute.pk).update(escalated_at=now)
        record_audit(
            actor,
            AuditAction.DISPUTES_ESCALATE,
            target_type="disputes.dispute",
            target_id=str(dispute.pk),
            remote_addr=remote_addr,
            details={"number": number, "reason": reason},
        )
    return letter


def _escalate_due(now: datetime, actor: User) -> list[str]:
    p = policy()
    due = (
        Dispute.objects.open()
        .red()
        .filter(red_since__lte=now - timedelta(days=p.escalate_after_days), letter__isnull=True)
        # by incident, not pk: the numbers do not depend on the order disputes were created in
        .order_by("red_since", "incident_id")
    )
    numbers = []
    for dispute in due:
        letter = issue_letter(
            dispute,
            actor=actor,
            reason=f"红色风险持续 {p.escalate_after_days} 日以上仍未化解",
            now=now,
        )
        numbers.append(letter.number)
    return numbers


# --- the tick -----------------------------------------------------------------------------------


def _needs_grading(now: datetime, p: RiskPolicy) -> Q:
    """The open disputes whose grade may have moved since ``graded_at``: their incident, a case
    on it, a person of such a case or one of its follow-ups changed since; the risk policy
    changed since; or they were last graded before today (Asia/Shanghai).

    Everything else a grade reads (earlier incidents at the same place or phone, a party's
    earlier cases) lies before the incident, so only a late import can move it; the first tick
    of each day regrades every open dispute and catches that. A tick with nothing new then reads
    a few indexed rows per open dispute instead of grading some 30,000 texts of a city again."""
    since = OuterRef("graded_at")
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    changed = (
        Q(graded_at__lt=day_start)
        | Q(incident__changed_at__gt=F("graded_at"))
        | Q(
            Exists(m.Case.objects.filter(incident_id=OuterRef("incident_id"), changed_at__gt=since))
        )
        | Q(
            Exists(
                m.Person.objects.filter(
                    case__incident_id=OuterRef("incident_id"), changed_at__gt=since
                )
            )
        )
        | Q(
            Exists(
                m.Followup.objects.filter(incident_id=OuterRef("incident_id"), changed_at__gt=since)
            )
        )
    )
    if p.changed_at is not None:
        changed |= Q(graded_at__lt=p.changed_at)
    return changed


TICK_TOTALS = ("created", "linked", "resolved", "graded", "regraded", "upgraded", "scheduled")


def tick_disputes(now: datetime, actor: User) -> dict[str, Any]:
    """Create, grade, schedule, link visits and escalate (safe to run twice). With fan-out on,
    the work up to the letters is done per 县局/分局 by the workers (``tasks``)."""
    if fanout.enabled():
        from fazhi.disputes.tasks import fanned_tick

        outcome = fanned_tick(now, actor)
    else:
        with transaction.atomic():
            outcome = tick_incidents(now, actor)
    # each letter is a transaction of its own, audited as disputes.escalate
    outcome["letters"] = _escalate_due(now, actor)
    return outcome


def tick_incidents(
    now: datetime, actor: User, units: Callable[[str], Q] | None = None, part: str = ""
) -> dict[str, Any]:
    """The tick's work on the disputes, inside the caller's transaction: of every incident, or
    of one part of a fanned-out tick (``units(path)``: the condition on the unit at ``path``
    that the incident's unit belongs to the part), audited with its ``part``."""
    p = policy()
    where = units("incident__unit_id") if units is not None else None
    created = _create_new(now, units("unit_id") if units is not None else None)
    linked = _link_followups(now, where=where)
    # the open disputes that need it, and the new ones even when an imported visit already
    # resolved them (they still need their type, cause, grade and checklists once)
    stale = set(
        Dispute.objects.open()
        .filter(_needs_grading(now, p))
        .filter(where or Q())
        .values_list("incident_id", flat=True)
    )
    graded = regrade(sorted(stale | set(created)), now=now, actor=actor)
    scheduled = _schedule(now, where=where)
    outcome: dict[str, Any] = {
        "created": len(created),
        **linked,
        **graded,
        "scheduled": scheduled,
    }
    # in the transaction of the changes: a tick killed after the commit leaves none
    # unaudited. A grading that found the same still moves graded_at (评定于, shown)
    if created or linked["linked"] or graded["graded"] or scheduled:
        details = {"now": now.isoformat(), **outcome, **({"part": part} if part else {})}
        record_audit(actor, AuditAction.DISPUTES_TICK, details=details)
    return outcome


# --- read side ----------------------------------------------------------------------------------


def dispute_board(scope: DataScope) -> QuerySet[Dispute]:
    """The 通报 list: escalated disputes in scope, the newest first."""
    return (
        visible(Dispute.objects.filter(escalated_at__isnull=False), scope)
        .select_related("incident", "unit", "officer", "letter")
        .order_by("-escalated_at")
    )
