"""What the dynamic evaluation adds to a rule's page (for those who may read it)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from fazhi.core.scope import DataScope
from fazhi.patrol.models import Rule
from fazhi.tuning.dynamics import rule_dynamics
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
