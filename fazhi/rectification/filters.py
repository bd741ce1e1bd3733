"""The problem list's filters (``ProblemFilterSet``), shared by the page ``/problems/``, its
.xlsx export (整改台账) and the API's ``GET /api/v1/problems``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import django_filters
from django.db.models import QuerySet

from fazhi.accounts.filters import ALL, ScopedFilterSet
from fazhi.core.scope import DataScope
from fazhi.patrol.filters import rule_choices
from fazhi.patrol.models import Severity
from fazhi.rectification.models import FINAL_STATUSES, Level, ProblemStatus, overdue_q

UNFINISHED = "未办结"
OVERDUE_CHOICES = [("1", "逾期"), ("0", "未逾期")]


class ProblemFilterSet(ScopedFilterSet):
    # the page's (and the export's)
    unit = django_filters.ChoiceFilter(label="单位", field_name="unit_id", empty_label=ALL)
    rule = django_filters.ChoiceFilter(label="规则", field_name="rule_id", empty_label=ALL)
    status = django_filters.ChoiceFilter(
        label="状态",
        choices=[*ProblemStatus.choices, ("all", ALL)],
        empty_label=UNFINISHED,
        method="filter_status",
    )
    level = django_filters.ChoiceFilter(
        label="层级", choices=[(v, f"{v} {label}") for v, label in Level.choices], empty_label=ALL
    )
    overdue = django_filters.ChoiceFilter(
        label="只看逾期", choices=OVERDUE_CHOICES, empty_label=ALL, method="filter_overdue"
    )
    # the API's: a unit with the units below it, any rule code, the officer, severity, 办结
    within = django_filters.CharFilter(
        label="单位（含下级单位）", field_name="unit_id", method="within_units"
    )
    rule_code = django_filters.CharFilter(label="规则编号", field_name="rule_id")
    officer = django_filters.CharFilter(label="责任民警", field_name="officer_id")
    severity = django_filters.ChoiceFilter(
        label="严重程度", choices=Severity.choices, empty_label=ALL
    )
    active = django_filters.BooleanFilter(label="未办结", method="filter_active")

    page_fields = ("unit", "rule", "status", "level")

    def __init__(
        self, data: Any, queryset: QuerySet[Any], *, scope: DataScope, now: datetime
    ) -> None:
        super().__init__(data, queryset, scope=scope)
        self.now = now
        self.set_choices("unit", self.scope_units)
        self.set_choices("rule", rule_choices)

    def apply(self, queryset: QuerySet[Any], data: dict[str, Any]) -> QuerySet[Any]:
        queryset = super().apply(queryset, data)
        if not data.get("status"):
            queryset = queryset.exclude(status__in=FINAL_STATUSES)  # by default: unfinished
        return queryset

    def controls(self) -> list[dict[str, Any]]:
        # a user who sees only his own problems gets no unit to choose
        return [c for c in super().controls() if c["name"] != "unit" or not self.scope.own_only]

    def filter_status(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset if value == "all" else queryset.filter(status=value)

    def filter_overdue(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        late = overdue_q(self.now)
        return queryset.filter(late) if value == "1" else queryset.exclude(late)

    def filter_active(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        if value:
            return queryset.exclude(status__in=FINAL_STATUSES)
        return queryset.filter(status__in=FINAL_STATUSES)
