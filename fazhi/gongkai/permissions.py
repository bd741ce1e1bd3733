"""Who may issue a case's query code: the case's own officers (led or assisted: a 民警's data
scope is exactly those), the 法制员 and 所队长 of the case's unit (or a unit above it), and the
法制大队. One gate, used by the case page (whether to show the form) and by the service.

The public's own acts (query, rating, complaint) are not a user's: the code and the phone's last
four digits are their authority, checked by the services themselves."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from fazhi.accounts.models import Role
from fazhi.core.scope import can_see, scope_of
from fazhi.core.services import is_system
from fazhi.records import models as m

ISSUE_ROLES = frozenset({Role.OFFICER, Role.LEGAL_OFFICER, Role.CHIEF, Role.LEGAL_BRIGADE})


def can_issue(case: m.Case, user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    scope = scope_of(user)
    return scope.role in ISSUE_ROLES and can_see(case, scope)


def require_issue(case: m.Case, actor: Any) -> Any:
    """``actor`` if he may issue the code of ``case``; the operator's command (the system
    account) may too. Else PermissionDenied in Chinese."""
    if is_system(actor) or can_issue(case, actor):
        return actor
    role = scope_of(actor).role if getattr(actor, "is_authenticated", False) else None
    raise PermissionDenied(
        f"用户 {actor.get_username()}（{role or '无角色'}）无权签发案件 {case.pk} 的查询码"
    )
