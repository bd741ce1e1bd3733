"""The workbench panel of notifications: the user's unread ones."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from fazhi.core.scope import DataScope
from fazhi.notifications.models import Notification

PANEL_ROWS = 5


def workbench_panel(request: HttpRequest, scope: DataScope) -> dict[str, Any] | None:
    if not request.user.is_authenticated:
        return None
    unread = Notification.objects.filter(user=request.user).unread()
    return {
        "title": "未读通知",
        "template": "notifications/panel.html",
        "order": 5,
        "notifications": list(unread[:PANEL_ROWS]),
        "unread_count": unread.count(),
    }
