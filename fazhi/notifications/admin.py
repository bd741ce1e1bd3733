"""Read-only: notices are written and marked read by the services and pages, deliveries by the
webhook sender; deleting one here would lose what a user was told."""

from __future__ import annotations

from django.contrib import admin

from fazhi.core.adminkit import ReadOnlyAdmin, time_column
from fazhi.notifications.models import Notification, WebhookDelivery


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    created = time_column("created_at", "时间")
    read = time_column("read_at", "已读时间")
    list_display = ["created", "user", "kind", "title", "read"]
    list_filter = ["kind"]
    search_fields = ["title", "user__username"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    created = time_column("created_at", "创建时间")
    next_attempt = time_column("next_attempt_at", "下次尝试")
    list_display = ["created", "event", "status", "attempts", "next_attempt", "last_error"]
    list_filter = ["status", "event"]
