"""Admin pages for every FZX record type, built from the schema so none is forgotten."""

from __future__ import annotations

from django.contrib import admin

from fazhi.records.schema import RECORD_TYPES, Kind, RecordType


def _admin_for(rt: RecordType) -> type[admin.ModelAdmin]:
    shown = [s.column for s in rt.fields if s.kind not in (Kind.TEXT, Kind.REFS)][:6]
    filters = [s.name for s in rt.fields if s.kind in (Kind.ENUM, Kind.BOOL)][:4]
    refs = [s.column.removesuffix("_id") for s in rt.fields if s.kind is Kind.REF]
    return type(
        f"{rt.model.__name__}Admin",
        (admin.ModelAdmin,),
        {
            "list_display": ["id", *shown],
            "list_filter": filters,
            "search_fields": ["id"],
            "raw_id_fields": refs,
            "show_full_result_count": False,
            "list_per_page": 50,
        },
    )


for _rt in RECORD_TYPES:
    admin.site.register(_rt.model, _admin_for(_rt))
