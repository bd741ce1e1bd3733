"""Who may do what with the patrol's rules: one predicate, used by the rule page (whether to show
the settings form), its POST and ``services.change_rule`` itself, so that a wrong user is refused
even from a shell."""

from __future__ import annotations

from typing import Any

from fazhi.accounts.models import Role
from fazhi.core.scope import scope_of

RULE_EDITORS = frozenset({Role.LEGAL_BRIGADE, Role.ADMIN})


def can_change_rules(user: Any) -> bool:
    """法制大队, 管理员 and superusers change the bureau's rule settings."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or scope_of(user).role in RULE_EDITORS)
