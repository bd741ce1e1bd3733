"""The service desk's panel on 我的工作台: an officer's own requests; for the centre's staff,
their queue's counts and the requests nearest their limit."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from fazhi.accounts.scope import profile_of
from fazhi.core.scope import DataScope
from fazhi.servicedesk import permissions
from fazhi.servicedesk.models import OPEN_STATUSES, ServiceRequest


def workbench_panel(request: HttpRequest, scope: DataScope) -> dict[str, Any] | None:
    now = timezone.now()
    if permissions.is_desk(scope):
        queue = permissions.requests_for(scope).filter(status__in=OPEN_STATUSES)
        return {
            "title": "服务申请待办",
            "template": "servicedesk/panel.html",
            "order": 25,
            "desk": True,
            "rows": list(queue.select_related("unit").order_by("due_at", "pk")[:10]),
            "open_count": queue.count(),
            "overdue_count": queue.filter(due_at__lt=now).count(),
            "now": now,
        }
    profile = profile_of(request.user)
    if profile is None or profile.officer_id is None:
        return None
    mine = ServiceRequest.objects.filter(filed_by_id=request.user.pk).order_by("-filed_at", "-pk")
    rows = list(mine.select_related("unit")[:10])
    if not rows:
        return None
    return {
        "title": "我的服务申请",
        "template": "servicedesk/panel.html",
        "order": 25,
        "desk": False,
        "rows": rows,
        "open_count": mine.open().count(),
        "overdue_count": mine.overdue(now).count(),
        "now": now,
    }
