from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from fazhi.core.adminkit import ReadOnlyAdmin, time_column
from fazhi.core.audit_actions import AuditAction
from fazhi.core.models import AuditEvent, AuditHead

# The admin is 数据管理 for the 法制大队's administrators: Chinese throughout (docs/security.md).
admin.site.site_header = "智慧法制监督平台 · 数据管理"
admin.site.site_title = "数据管理"
admin.site.index_title = "数据管理"


class ActionFilter(admin.SimpleListFilter):
    title = "操作"
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(value), str(label)) for value, label in AuditAction.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: a row added or changed by hand would break the hash chain."""

    at_time = time_column("at", "时间")
    list_display = [
        "seq", "at_time", "actor", "action_column", "target_type", "target_id", "remote_addr",
    ]  # fmt: skip
    list_filter = [ActionFilter]
    search_fields = ["actor", "target_id", "hash"]
    readonly_fields = [
        "seq", "at_time", "actor", "action_column", "target_type", "target_id", "remote_addr",
        "details", "prev_hash", "hash",
    ]  # fmt: skip
    fields = list(readonly_fields)

    @admin.display(description="操作", ordering="action")
    def action_column(self, obj: AuditEvent) -> str:
        # The Chinese name for the reader, the stored value for searching and for the chain.
        return obj.action_shown


@admin.register(AuditHead)
class AuditHeadAdmin(ReadOnlyAdmin):
    list_display = ["pk", "seq", "hash"]
