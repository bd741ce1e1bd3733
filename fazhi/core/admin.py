from django.contrib import admin

from fazhi.core.models import AuditEvent, AuditHead


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: a row added or changed by hand would break the hash chain."""

    list_display = ["seq", "at", "actor", "action", "target_type", "target_id", "remote_addr"]
    list_filter = ["action"]
    search_fields = ["actor", "target_id", "hash"]
    readonly_fields = ["seq", "prev_hash", "hash"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(AuditHead)
class AuditHeadAdmin(admin.ModelAdmin):
    list_display = ["pk", "seq", "hash"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
