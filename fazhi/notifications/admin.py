from __future__ import annotations

from django.contrib import admin

from fazhi.notifications.models import Notification, WebhookDelivery


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "title", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "user__username"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "status", "attempts", "next_attempt_at", "last_error"]
    list_filter = ["status", "event"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
