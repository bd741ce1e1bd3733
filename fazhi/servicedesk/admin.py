"""Admin for the service desk: read-only. Requests are filed, accepted, completed and returned
through ``services`` (the pages), never edited here."""

from __future__ import annotations

from django.contrib import admin

from fazhi.core.adminkit import ReadOnlyAdmin, time_column
from fazhi.servicedesk.models import ServiceAttachment, ServiceRequest


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "status", "case_id", "unit", "centre", "filed", "due")
    list_filter = ("kind", "status")
    list_select_related = ("unit", "centre")
    search_fields = ("case__id",)
    filed = time_column("filed_at", "申请时间")
    due = time_column("due_at", "办理期限")


@admin.register(ServiceAttachment)
class ServiceAttachmentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "request", "size", "uploaded_by", "uploaded")
    list_select_related = ("request",)
    uploaded = time_column("uploaded_at", "上传时间")
