from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fazhi.core.services import client_addr, record_audit
from fazhi.standards.models import Standard


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "category", "version", "effective_from", "effective_to"]
    list_filter = ["category"]
    search_fields = ["code", "title", "text"]
    filter_horizontal = ["rules"]
    readonly_fields = ["updated_by", "updated_at", "source"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.updated_by = request.user.get_username()
        super().save_model(request, obj, form, change)
        record_audit(
            obj.updated_by,
            "standard.edit" if change else "standard.create",
            target_type="standard",
            target_id=obj.code,
            remote_addr=client_addr(request),
            details={"version": obj.version, "changed": form.changed_data},
        )
