"""The rectification settings (整改时限, 升级间隔, 约谈阈值): the 法制大队 changes them, with a
reason.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from fazhi.accounts.models import Role
from fazhi.core.audit_actions import AuditAction
from fazhi.core.scope import scope_of
from fazhi.core.services import record_audit
from fazhi.rectification.error_codes import ErrorCode
from fazhi.rectification.models import NoticeGrouping, PolicyChange, RectificationPolicy
from fazhi.rectification.services.errors import RectificationError
from fazhi.rectification.services.permissions import active_user, need_text

POLICY_LIMITS = {
    "due_days_minor": (1, 30),
    "due_days_serious": (1, 30),
    "due_days_grave": (1, 30),
    "escalation_days": (1, 30),
    "interview_threshold": (1, 100),
    "repeat_threshold": (2, 100),
    "burden_alerts_target": (1, 100),
    "burden_minutes_target": (1, 60 * 24 * 30),
}
# settings that take one of a few values (the form shows a select)
POLICY_CHOICES = {"notice_grouping": dict(NoticeGrouping.choices)}


def can_change_policy(user: Any) -> bool:
    return scope_of(user).role == Role.LEGAL_BRIGADE


def change_policy(
    *, actor: User, reason: str, remote_addr: str = "", **values: Any
) -> PolicyChange:
    """法制大队 changes the rectification settings; the reason is required and recorded."""
    user = active_user(actor)
    if not can_change_policy(user):
        raise PermissionDenied(f"用户 {actor} 无权修改整改规则设置（仅法制大队）")
    reason = need_text(reason, "修改理由")
    labels = {f.name: str(f.verbose_name) for f in RectificationPolicy._meta.fields}
    clean: dict[str, int | str] = {}
    for key, raw in values.items():
        if key in POLICY_CHOICES:
            choices = POLICY_CHOICES[key]
            if str(raw).strip() not in choices:
                raise RectificationError(
                    ErrorCode.POLICY_INVALID,
                    f"{labels[key]}：“{raw}”不是可选的值（{'、'.join(choices.values())}）",
                    field=key,
                )
            clean[key] = str(raw).strip()
            continue
        if key not in POLICY_LIMITS:
            raise RectificationError(
                ErrorCode.POLICY_INVALID, f"整改规则设置没有“{key}”这一项", field=key
            )
        low, high = POLICY_LIMITS[key]
        try:
            number = int(str(raw).strip())
        except ValueError:
            raise RectificationError(
                ErrorCode.POLICY_INVALID, f"{labels[key]}：“{raw}”不是整数", field=key
            ) from None
        if not low <= number <= high:
            raise RectificationError(
                ErrorCode.POLICY_INVALID,
                f"{labels[key]}：{number} 超出范围（{low}～{high}）",
                field=key,
            )
        clean[key] = number
    with transaction.atomic():
        policy = RectificationPolicy.current()
        policy = RectificationPolicy.objects.select_for_update().get(pk=policy.pk)
        before = policy.values()
        for key, value in clean.items():
            setattr(policy, key, value)
        policy.changed_at = timezone.now()
        policy.changed_by = actor.get_username()
        policy.save()
        change = PolicyChange.objects.create(
            changed_by=actor.get_username(), reason=reason, before=before, after=policy.values()
        )
        record_audit(
            actor,
            AuditAction.RECTIFICATION_POLICY,
            target_type="policy",
            target_id=str(policy.pk),
            remote_addr=remote_addr,
            details={"reason": reason, "before": before, "after": policy.values()},
        )
    return change
