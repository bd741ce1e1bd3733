"""Who reads the dynamic evaluation: the bureau-wide roles (法制大队, 局领导, administrators).
Its figures are the whole bureau's (a rule's trend, its precision, the burden on every unit's
officers), which a unit's users do not see elsewhere either."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from fazhi.core.scope import scope_of


def can_view(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or scope_of(user).bureau_wide)


def require_view(user: Any) -> None:
    if not can_view(user):
        raise PermissionDenied("标准动态评估仅向法制大队、局领导和管理员开放")
