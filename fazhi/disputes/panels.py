"""The disputes panel of 我的工作台: a 民警's due visits (我的回访); for leaders, the red
disputes of their scope."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from fazhi.accounts.models import Role
from fazhi.core.scope import DataScope, visible
from fazhi.disputes.models import Dispute, FollowupPlan, RiskColour

LEADER_ROLES = frozenset(
    {Role.BUSINESS_LEAD, Role.LEGAL_LEADER, Role.CHIEF, Role.BUREAU_LEADER, Role.LEGAL_BRIGADE}
)
# a visit due within this many days is shown as upcoming
UPCOMING_DAYS = 3


def workbench_panel(request: HttpRequest, scope: DataScope) -> dict[str, Any] | None:
    now = timezone.now()
    if scope.role == Role.OFFICER and scope.officer_id:
        plans = (
            visible(FollowupPlan.objects.pending(), scope)
            .filter(officer_id=scope.officer_id)
            .exclude(dispute__status="已化解")
            .select_related("dispute", "dispute__incident")
            .order_by("due_at")
        )
        due = plans.filter(due_at__lte=now + timedelta(days=UPCOMING_DAYS))
        return {
            "title": "我的回访",
            "template": "disputes/panel.html",
            "order": 40,
            "kind": "visits",
            "plans": list(due[:10]),
            "total": plans.count(),
            "now": now,
        }
    if scope.role in LEADER_ROLES:
        disputes = visible(Dispute.objects.open(), scope)
        red = disputes.filter(colour=RiskColour.RED)
        return {
            "title": "矛盾纠纷风险",
            "template": "disputes/panel.html",
            "order": 60,
            "kind": "red",
            "red": red.count(),
            "escalated": red.filter(escalated_at__isnull=False).count(),
            "overdue": visible(FollowupPlan.objects.pending(), scope)
            .filter(due_at__lt=now, dispute__in=disputes)
            .count(),
        }
    return None
