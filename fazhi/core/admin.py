from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fazhi.core.models import AuditEvent, AuditHead


class UneditableAdmin(admin.ModelAdmin):
    """Rows are written by the services only: the admin shows them and may delete them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(UneditableAdmin):
    """Rows are written by the services only and never deleted by hand."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: a row added or changed by hand would break the hash chain."""

    list_display = ["seq", "at", "actor", "action", "target_type", "target_id", "remote_addr"]
    list_filter = ["action"]
    search_fields = ["actor", "target_id", "hash"]
    readonly_fields = ["seq", "prev_hash", "hash"]


@admin.register(AuditHead)
class AuditHeadAdmin(ReadOnlyAdmin):
    list_display = ["pk", "seq", "hash"]
