"""Who may generate and read reports: one gate, used by the pages, the CLI and the services.

- the bureau's reports (the whole bureau): 法制大队, 局领导 and administrators;
- a unit's reports: those roles, and the unit roles (所队长, 法制员, 业务负责人, 分管法制领导) of
  the unit or a unit above it;
- 民警 and users without a role: none;
- the system account (the tick, the operator's CLI): any.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from fazhi.accounts.models import Profile
from fazhi.accounts.scope import BUREAU_ROLES, DESK_ROLES, UNIT_ROLES
from fazhi.core.scope import DataScope, scope_of
from fazhi.core.services import is_system
from fazhi.records.models import Unit

# the 执法服务专岗 of a 执法办案管理中心 read their centre's reports, as a unit's users do theirs
READERS = BUREAU_ROLES | UNIT_ROLES | DESK_ROLES
# who reads a unit's reports rather than the bureau's
UNIT_READERS = READERS - BUREAU_ROLES


def can_use(user: Any) -> bool:
    if is_system(user):
        return True
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return reads(scope_of(user))


def reads(scope: DataScope) -> bool:
    """Whether a signed-in user of this scope reads reports at all (``can_use`` once the user
    is known to be active: 我的工作台's panel has the scope)."""
    return scope.role in READERS and not scope.own_only


def may_report_on(user: Any, unit_id: str | None) -> bool:
    if is_system(user):
        return True
    if not can_use(user):
        return False
    scope = scope_of(user)
    return scope.bureau_wide if unit_id is None else scope.sees_unit(unit_id)


def require_report_on(user: Any, unit_id: str | None) -> None:
    if not can_use(user):
        raise PermissionDenied("报告仅对法制员、所队领导、法制大队和局领导开放")
    if not may_report_on(user, unit_id):
        if unit_id is None:
            raise PermissionDenied("全局报告仅法制大队、局领导和管理员可以生成和下载")
        raise PermissionDenied(f"无权生成或下载单位 {unit_id} 的报告")


def reading_units() -> list[str]:
    """The units with an active user of a unit role (所队长, 法制员, 业务负责人, 分管法制领导,
    执法服务专岗) placed in that very unit: those the tick issues a unit report for (one query).
    A bureau-wide user's unit is not among them: he reads the bureau's reports."""
    return list(
        Unit.objects.filter(
            pk__in=Profile.objects.filter(
                role__in=UNIT_READERS, unit_id__isnull=False, user__is_active=True,
                user__is_superuser=False,
            ).values("unit_id")
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )  # fmt: skip
