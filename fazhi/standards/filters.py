"""The library list's filters (``StandardFilterSet``): by category, by whether a rule enforces
the standard (仅书面标准: written practice only, no rule checks it yet), and by state. The list
shows each standard once, as its newest version."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

import django_filters
from django.db.models import Q, QuerySet

from fazhi.accounts.filters import ALL, ScopedFilterSet
from fazhi.core.scope import DataScope
from fazhi.standards.models import Standard, StandardCategory, StandardQuerySet

ENFORCEMENT_CHOICES = [("rules", "有规则执行"), ("written", "仅书面标准（尚无规则执行）")]
STATE_CHOICES = [("current", "现行"), ("abolished", "已废除"), ("all", "全部")]


class StandardFilterSet(ScopedFilterSet):
    category = django_filters.ChoiceFilter(
        label="类别", choices=StandardCategory.choices, empty_label=ALL
    )
    enforcement = django_filters.ChoiceFilter(
        label="执行方式", choices=ENFORCEMENT_CHOICES, empty_label=ALL, method="by_enforcement"
    )
    state = django_filters.ChoiceFilter(
        label="状态", choices=STATE_CHOICES, empty_label=None, method="by_state"
    )

    page_fields = ("category", "enforcement", "state")

    def __init__(
        self, data: Any, queryset: QuerySet[Standard], *, scope: DataScope, today: date
    ) -> None:
        super().__init__(data, queryset, scope=scope)
        self.today = today

    def apply(self, queryset: QuerySet[Any], data: dict[str, Any]) -> QuerySet[Any]:
        # not asked for: the standards not abolished
        return super().apply(queryset, {**data, "state": data.get("state") or "current"})

    def by_enforcement(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        rows = cast(StandardQuerySet, queryset)
        if value == "rules":
            return rows.enforced()
        if value == "written":
            return rows.written_only()
        return rows

    def by_state(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        abolished = Q(abolished_on__isnull=False, abolished_on__lte=self.today)
        if value == "current":
            return queryset.exclude(abolished)
        if value == "abolished":
            return queryset.filter(abolished)
        return queryset
