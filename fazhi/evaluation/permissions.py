"""Who may do what with the month's evaluation: one gate, used by the services themselves (so a
wrong user is refused from a shell too) and by the pages and commands.

- compute, check, publish: the 法制大队 and administrators (and the system account: the
  operator's ``fazhi evaluate`` run without ``--actor``);
- decide an appeal: the 法制大队 and administrators, persons only (a decision needs a reason
  someone answers for);
- file an appeal against a deduction: the officer it counts against, or a leader or 法制员 of
  the unit within their scope.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from fazhi.accounts.models import Role
from fazhi.accounts.scope import UNIT_ROLES
from fazhi.core.scope import scope_of
from fazhi.core.services import is_system

MANAGERS = frozenset({Role.LEGAL_BRIGADE, Role.ADMIN})


def _active(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def can_manage(user: Any) -> bool:
    """Compute, check and publish a month: the 法制大队, administrators, the system account."""
    if is_system(user):
        return True
    if not _active(user):
        return False
    return bool(user.is_superuser or scope_of(user).role in MANAGERS)


def can_decide(user: Any) -> bool:
    """Decide appeals: the 法制大队 and administrators (a person, never the system)."""
    return _active(user) and bool(user.is_superuser or scope_of(user).role in MANAGERS)


def can_appeal(user: Any, unit_id: str, officer_id: str | None) -> bool:
    """Appeal a deduction of the score of ``officer_id`` (or of unit ``unit_id``)."""
    if not _active(user):
        return False
    scope = scope_of(user)
    if officer_id is not None and scope.officer_id == officer_id:
        return True
    return scope.role in UNIT_ROLES and scope.unit_ids is not None and unit_id in scope.unit_ids


def require_manage(user: Any) -> None:
    if not can_manage(user):
        raise PermissionDenied("只有法制大队或管理员可以计算、审核和发布考评结果")


def require_decide(user: Any) -> None:
    if not can_decide(user):
        raise PermissionDenied("只有法制大队或管理员可以决定考评申诉")


def require_appeal(user: Any, unit_id: str, officer_id: str | None) -> None:
    if not can_appeal(user, unit_id, officer_id):
        raise PermissionDenied("只有被扣分的民警本人或本单位的领导、法制员可以申诉")


# --- 最优/最差案件, 案件剖析 ---------------------------------------------------------------------

# who presents a worst case's 剖析 for the unit: its 法制员 and its 所队长
ANALYSTS = frozenset({Role.LEGAL_OFFICER, Role.CHIEF})


def can_pick(user: Any) -> bool:
    """Pick best and worst cases, accept or return a 剖析: the 法制大队 and administrators, as
    persons (a pick carries a reason someone answers for)."""
    return can_decide(user)


def can_submit_analysis(user: Any, unit_id: str) -> bool:
    """Upload the 剖析 of a worst case of ``unit_id``: the unit's 法制员 or 所队长."""
    if not _active(user):
        return False
    scope = scope_of(user)
    return scope.role in ANALYSTS and scope.unit_ids is not None and unit_id in scope.unit_ids


def require_pick(user: Any) -> None:
    if not can_pick(user):
        raise PermissionDenied("只有法制大队或管理员可以评选最优、最差案件和验收案件剖析")


def require_submit_analysis(user: Any, unit_id: str) -> None:
    if not can_submit_analysis(user, unit_id):
        raise PermissionDenied("只有该单位的法制员或所队长可以提交案件剖析")


# --- 诚信档案 -----------------------------------------------------------------------------------


def can_see_integrity(user: Any, officer_id: str, unit_id: str) -> bool:
    """An officer's 诚信档案: himself; the leaders and 法制员 of his unit (or a unit above it);
    the 法制大队, 局领导 and administrators. Not another 民警, even of the same unit."""
    if not _active(user):
        return False
    scope = scope_of(user)
    if scope.officer_id is not None:
        return scope.officer_id == officer_id
    if scope.unit_ids is None:
        return True
    return scope.role in UNIT_ROLES and unit_id in scope.unit_ids
