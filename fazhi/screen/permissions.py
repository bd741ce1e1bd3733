"""Who may open the 执法智慧大屏: every signed-in user who sees a unit's or the bureau's work
(法制员, 所队长, leaders, the 法制大队, administrators), each within his data scope. A 民警's scope
is his own records: a command-room screen of one officer's cases would tell him nothing his
workbench does not, and would put his unit's figures on it wrongly, so he is refused."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from fazhi.core.scope import scope_of


def can_view(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    scope = scope_of(user)
    if user.is_superuser:
        return True
    return scope.role is not None and not scope.own_only


def require_view(user: Any) -> None:
    if not can_view(user):
        raise PermissionDenied("执法智慧大屏仅向法制员、所队长、各级领导和法制大队开放")
