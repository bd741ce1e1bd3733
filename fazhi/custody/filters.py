"""The register's filters (``PropertyFilterSet``), shared by ``/custody/`` and its .xlsx export."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from fazhi.accounts.filters import ALL, ScopedFilterSet
from fazhi.core.scope import DataScope
from fazhi.custody.ledger import NO_CHAIN, PLACE_AFTER, kinds_leaving_at
from fazhi.records.enums import PropertyCategory, PropertyStatus


class PropertyFilterSet(ScopedFilterSet):
    unit = django_filters.ChoiceFilter(
        label="办案单位", field_name="case__unit_id", empty_label=ALL
    )
    status = django_filters.ChoiceFilter(
        label="状态", choices=PropertyStatus.choices, empty_label=ALL
    )
    category = django_filters.ChoiceFilter(
        label="类别", choices=PropertyCategory.choices, empty_label=ALL
    )
    place = django_filters.ChoiceFilter(
        label="流转状态",
        choices=[(v, v) for v in dict.fromkeys([*PLACE_AFTER.values(), NO_CHAIN])],
        empty_label=ALL,
        method="filter_place",
    )

    page_fields = ("unit", "status", "category", "place")

    def __init__(self, data: Any, queryset: QuerySet[Any], *, scope: DataScope) -> None:
        super().__init__(data, queryset, scope=scope)
        self.set_choices("unit", self.scope_units)

    def filter_place(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == NO_CHAIN:
            return queryset.filter(last_kind__isnull=True)
        return queryset.filter(last_kind__in=kinds_leaving_at(value))
