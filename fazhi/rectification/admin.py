"""Read-only admin pages: problems change state only through the services (the pages)."""

from __future__ import annotations

from django.contrib import admin

from fazhi.core.adminkit import ReadOnlyAdmin
from fazhi.rectification.models import (
    Attachment,
    InterviewReminder,
    PolicyChange,
    Problem,
    ProblemAction,
)


class ActionInline(admin.TabularInline):
    model = ProblemAction
    extra = 0
    can_delete = False
    fields = ("at", "actor", "verb", "from_status", "to_status", "level", "comment")
    readonly_fields = fields

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Problem)
class ProblemAdmin(ReadOnlyAdmin):
    list_display = ["pk", "rule", "unit", "officer", "status", "level", "due_at", "source"]
    list_filter = ["status", "level", "source", "severity"]
    raw_id_fields = ["finding", "unit", "officer", "case"]
    inlines = [ActionInline]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "problem", "size", "uploaded_by", "uploaded_at"]


@admin.register(PolicyChange)
class PolicyChangeAdmin(ReadOnlyAdmin):
    list_display = ["changed_at", "changed_by", "reason"]


@admin.register(InterviewReminder)
class InterviewReminderAdmin(ReadOnlyAdmin):
    list_display = ["month", "officer", "unit", "problem_count", "created_at"]
