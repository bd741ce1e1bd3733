"""The dispute list's filters (``DisputeFilterSet``), shared by the page ``/disputes/`` and the
API's ``GET /api/v1/disputes``."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from fazhi.accounts.filters import ALL, ScopedFilterSet
from fazhi.core.scope import DataScope
from fazhi.disputes.models import DisputeStatus, RiskColour
from fazhi.records import models as m
from fazhi.records.enums import DisputeType


class DisputeFilterSet(ScopedFilterSet):
    # the page's
    colour = django_filters.ChoiceFilter(label="等级", choices=RiskColour.choices, empty_label=ALL)
    status = django_filters.ChoiceFilter(
        label="状态", choices=DisputeStatus.choices, empty_label=ALL
    )
    type = django_filters.ChoiceFilter(
        label="类型", field_name="dispute_type", choices=DisputeType.choices, empty_label=ALL
    )
    unit = django_filters.ChoiceFilter(label="单位", field_name="unit_id", empty_label=ALL)
    # the API's: a unit with the units below it, open (未化解 and 化解中) or resolved
    within = django_filters.CharFilter(
        label="单位（含下级单位）", field_name="unit_id", method="within_units"
    )
    open = django_filters.BooleanFilter(label="未化解", method="filter_open")

    page_fields = ("colour", "status", "type", "unit")

    def __init__(self, data: Any, queryset: QuerySet[Any], *, scope: DataScope) -> None:
        super().__init__(data, queryset, scope=scope)
        # the units offered are those the user's disputes are in
        self.set_choices(
            "unit",
            lambda: [
                (u.pk, u.name)
                for u in m.Unit.objects.filter(pk__in=queryset.values("unit_id")).order_by("id")
            ],
        )

    def filter_open(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        if value:
            return queryset.exclude(status=DisputeStatus.RESOLVED)
        return queryset.filter(status=DisputeStatus.RESOLVED)
