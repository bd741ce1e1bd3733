"""What the dynamic evaluation adds to a rule's page (for those who may read it)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from fazhi.core.scope import DataScope
from fazhi.patrol.models import Rule
from fazhi.standards.models import Standard
from fazhi.tuning.dynamics import one_standard_dynamics, rule_dynamics
from fazhi.tuning.permissions import can_view


def rule_page(rule: Rule, request: HttpRequest, scope: DataScope) -> dict[str, Any] | None:
    if not can_view(request.user):
        return None
    for row in rule_dynamics(timezone.now()):
        if row.code == rule.code:
            return {"dynamics": row}
    return None


def rules_page(_obj: Any, request: HttpRequest, scope: DataScope) -> dict[str, Any] | None:
    return {"tuning_link": True} if can_view(request.user) else None


def standard_page(
    standard: Standard, request: HttpRequest, scope: DataScope
) -> dict[str, Any] | None:
    """The standard's twelve months (its rules' violations summed, the trend) and the link to
    its row of the dynamic evaluation; nothing for those who may not read it (no link they
    could not follow). A standard not in force has no row."""
    if not can_view(request.user):
        return None
    row = one_standard_dynamics(timezone.now(), standard)
    return {"tuning_link": True, "standard_dynamics": row}
