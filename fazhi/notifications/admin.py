from __future__ import annotations

from django.contrib import admin

from fazhi.core.admin import UneditableAdmin
from fazhi.notifications.models import Notification, WebhookDelivery


@admin.register(Notification)
class NotificationAdmin(UneditableAdmin):
    list_display = ["created_at", "user", "kind", "title", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "user__username"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(UneditableAdmin):
    list_display = ["created_at", "event", "status", "attempts", "next_attempt_at", "last_error"]
    list_filter = ["status", "event"]
