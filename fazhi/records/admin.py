"""Read-only admin pages for every FZX record type, built from the schema so none is forgotten.

Records change only by import (``fazhi.exchange``): it stamps ``changed_at``, which incremental
patrols and exports read, and leaves a tombstone for each deletion, which the next export carries.
An edit here would do neither, so no one, superusers included, adds, changes or deletes a record
in the admin; lists, search and the record's page stay. Times are shown to the second in local
time, 身份证号 and phone numbers masked (the clear value is the audited unmask of the record pages),
and opening a record's page is audited like the record pages are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from fazhi.core.adminkit import ReadOnlyAdmin, time_column
from fazhi.core.audit_actions import AuditAction
from fazhi.core.masking import mask_id_number, mask_phone
from fazhi.core.services import audit_view
from fazhi.records.schema import RECORD_TYPES, Kind, RecordType

# (record type, column) → how the admin masks it; the same fields as accounts.views.UNMASKABLE
MASKED: dict[tuple[str, str], Callable[[str | None], str]] = {
    ("person", "id_number"): mask_id_number,
    ("person", "phone"): mask_phone,
    ("incident", "reporter_phone"): mask_phone,
}


def _masked_column(name: str, label: str, mask: Callable[[str | None], str]) -> Any:
    @admin.display(description=label)
    def show(self: Any, obj: Any) -> str:
        return mask(getattr(obj, name)) or "-"

    show.__name__ = f"{name}_masked"
    return show


def _admin_for(rt: RecordType) -> type[admin.ModelAdmin]:
    methods: dict[str, Any] = {}

    def shown_as(column: str, kind: Kind, label: str, *, link: bool = False) -> str:
        """The name the admin shows ``column`` under: a time with seconds, a masked value, the
        referenced record (``link``: its name, linked to its page) or the model field itself."""
        if link and kind is Kind.REF:
            return column.removesuffix("_id")
        if kind is Kind.TIME:
            methods[f"{column}_time"] = time_column(column, label)
            return f"{column}_time"
        mask = MASKED.get((rt.name, column))
        if mask is not None:
            methods[f"{column}_masked"] = _masked_column(column, label, mask)
            return f"{column}_masked"
        return column

    columns = [(s.column, s.kind, s.label) for s in rt.fields if s.kind is not Kind.REFS]
    listed = [shown_as(c, k, lbl) for c, k, lbl in columns if k is not Kind.TEXT][:6]
    changed = shown_as("changed_at", Kind.TIME, "变更时间")
    page = ["id", *(shown_as(c, k, lbl, link=True) for c, k, lbl in columns), "extra", changed]
    filters = [s.name for s in rt.fields if s.kind in (Kind.ENUM, Kind.BOOL)][:4]
    record_type = rt.name

    def change_view(
        self: ReadOnlyAdmin,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = ReadOnlyAdmin.change_view(self, request, object_id, form_url, extra_context)
        if response.status_code == 200:
            audit_view(request, AuditAction(f"view.{record_type}"), object_id, via="admin")
        return response

    return type(
        f"{rt.model.__name__}Admin",
        (ReadOnlyAdmin,),
        {
            **methods,
            "__module__": __name__,
            "list_display": ["id", *listed, changed],
            "list_filter": filters,
            "search_fields": ["id"],
            "fields": page,
            "readonly_fields": page,
            "show_full_result_count": False,
            "list_per_page": 50,
            "change_view": change_view,
        },
    )


for _rt in RECORD_TYPES:
    admin.site.register(_rt.model, _admin_for(_rt))
