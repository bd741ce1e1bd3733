"""Who may do what with the patrol's rules and calendar: one predicate each, used by the pages
(whether to show a form), their POSTs and the services themselves (``services.change_rule``,
``calendar_models.save_notice``), so that a wrong user is refused even from a shell."""

from __future__ import annotations

from typing import Any

from fazhi.accounts.models import Role
from fazhi.core.scope import scope_of
from fazhi.core.services import is_system

RULE_EDITORS = frozenset({Role.LEGAL_BRIGADE, Role.ADMIN})


def can_change_rules(user: Any) -> bool:
    """法制大队, 管理员 and superusers change the bureau's rule settings."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or scope_of(user).role in RULE_EDITORS)


def can_load_notices(user: Any) -> bool:
    """Who enters the State Council's holiday notice, on which every deadline depends: the rule
    editors, and the system account (the operator's ``fazhi holiday_notice load``)."""
    return is_system(user) or can_change_rules(user)


def can_try_rules(user: Any) -> bool:
    """Who runs a 试运行 (what-if) of a proposed setting or rule: the rule editors, and the system
    account (the operator's ``fazhi whatif``). It writes no finding, but it reads the whole
    store's outcome of a rule, which only those who may change rules need."""
    return is_system(user) or can_change_rules(user)
