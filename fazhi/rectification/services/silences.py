"""静默 (silences): the 法制大队 silences a rule for a unit or an officer for a period, with a
reason. A silenced finding is still found, listed and counted; it only pushes no problem (so no
notice and no escalation follow). Problems pushed before the silence run their course. A rule the
bureau wants silent everywhere is a rule change (停用 or 仅提醒), not a silence."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet
from django.utils import timezone

from fazhi.core.audit_actions import AuditAction
from fazhi.core.services import record_audit
from fazhi.patrol.models import Rule
from fazhi.patrol.permissions import can_change_rules
from fazhi.records import models as m
from fazhi.rectification.error_codes import ErrorCode
from fazhi.rectification.models import Silence
from fazhi.rectification.services.errors import RectificationError

# A silence is a pause while a rule or its data is looked at, not a way to switch it off.
MAX_DAYS = 90


def silenced(now: datetime) -> QuerySet[Silence]:
    """For ``~Exists(...)`` over findings: an active silence of the finding's rule naming its
    unit or its officer."""
    return (
        Silence.objects.active(now)
        .filter(rule_id=OuterRef("rule_id"))
        .filter(Q(unit_id=OuterRef("unit_id")) | Q(officer_id=OuterRef("officer_id")))
    )


def _require(actor: User) -> None:
    if not can_change_rules(actor):
        raise RectificationError(
            ErrorCode.SILENCE_NOT_ALLOWED,
            f"用户 {actor.get_username()} 无权设置规则静默：只有法制大队和管理员可以设置",
        )


def silence_rule(
    *, actor: User, rule: Rule, starts_at: datetime, ends_at: datetime, reason: str,
    unit: m.Unit | None = None, officer: m.Officer | None = None,
) -> Silence:  # fmt: skip
    _require(actor)
    if (unit is None) == (officer is None):
        raise RectificationError(
            ErrorCode.SILENCE_INVALID, f"规则 {rule.code} 的静默须指定一个单位或一名民警",
            field="unit",
        )  # fmt: skip
    if not reason.strip():
        raise RectificationError(
            ErrorCode.TEXT_REQUIRED, "设置规则静默必须填写理由", field="reason"
        )
    if ends_at <= starts_at:
        raise RectificationError(
            ErrorCode.SILENCE_INVALID, "静默的结束时间须晚于开始时间", field="ends_at"
        )
    if (ends_at - starts_at).days > MAX_DAYS:
        raise RectificationError(
            ErrorCode.SILENCE_INVALID,
            f"静默最长 {MAX_DAYS} 天；长期不适用的规则请停用或改为仅提醒",
            field="ends_at",
        )
    with transaction.atomic():
        silence = Silence.objects.create(
            rule=rule, unit=unit, officer=officer, starts_at=starts_at, ends_at=ends_at,
            reason=reason.strip(), created_by=actor.get_username(),
        )  # fmt: skip
        record_audit(
            actor, AuditAction.RULE_SILENCE, target_type="rule", target_id=rule.code,
            details={"silence": silence.pk, "unit": unit.pk if unit else None,
                     "officer": officer.pk if officer else None, "starts_at":
                     starts_at.isoformat(), "ends_at": ends_at.isoformat(), "reason": reason},
        )  # fmt: skip
    return silence


def lift_silence(*, actor: User, silence: Silence, reason: str) -> Silence:
    _require(actor)
    if not reason.strip():
        raise RectificationError(ErrorCode.TEXT_REQUIRED, "解除静默必须填写理由", field="reason")
    with transaction.atomic():
        silence = Silence.objects.select_for_update().get(pk=silence.pk)
        if silence.lifted_at is not None:
            raise RectificationError(ErrorCode.SILENCE_LIFTED, f"静默 #{silence.pk} 已解除")
        silence.lifted_at = timezone.now()
        silence.lifted_by = actor.get_username()
        silence.lift_reason = reason.strip()
        silence.save()
        record_audit(
            actor, AuditAction.RULE_SILENCE_LIFT, target_type="rule", target_id=silence.rule_id,
            details={"silence": silence.pk, "reason": reason},
        )  # fmt: skip
    return silence
