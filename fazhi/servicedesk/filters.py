"""The queue's filters (``RequestFilterSet``), for ``/servicedesk/``."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone

from fazhi.accounts.filters import ALL, ScopedFilterSet
from fazhi.core.scope import DataScope
from fazhi.records import models as m
from fazhi.servicedesk.models import OPEN_STATUSES, RequestKind, RequestStatus


class RequestFilterSet(ScopedFilterSet):
    status = django_filters.ChoiceFilter(
        label="状态", choices=RequestStatus.choices, empty_label=ALL
    )
    kind = django_filters.ChoiceFilter(label="事项", choices=RequestKind.choices, empty_label=ALL)
    unit = django_filters.ChoiceFilter(label="办案单位", field_name="unit_id", empty_label=ALL)
    # the API's (``GET /api/v1/servicedesk/requests?unit=``): a unit and the units below it
    within = django_filters.CharFilter(
        label="申请单位（含下级单位）", field_name="unit_id", method="within_units"
    )
    overdue = django_filters.ChoiceFilter(
        label="时限",
        choices=[("1", "已超时未办结")],
        empty_label=ALL,
        method="filter_overdue",
    )

    page_fields = ("status", "kind", "unit", "overdue")

    def __init__(self, data: Any, queryset: QuerySet[Any], *, scope: DataScope) -> None:
        super().__init__(data, queryset, scope=scope)
        # the units offered are those the queue's requests come from
        self.set_choices(
            "unit",
            lambda: [
                (u.pk, u.name)
                for u in m.Unit.objects.filter(pk__in=queryset.values("unit_id")).order_by("id")
            ],
        )

    def filter_overdue(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "1":
            return queryset.filter(status__in=OPEN_STATUSES, due_at__lt=timezone.now())
        return queryset
