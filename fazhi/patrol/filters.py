"""The findings list's filters (``FindingFilterSet``), shared by the page ``/findings/``, its
.xlsx export and the API's ``GET /api/v1/findings``."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from fazhi.accounts.filters import ALL, ScopedFilterSet
from fazhi.core.params import DayField
from fazhi.core.scope import DataScope
from fazhi.patrol.models import Finding, FindingStatus, Rule, Severity

STATE_CHOICES = [("open", "有效"), ("closed", "已消除"), ("all", "全部")]
PERIOD_FIELDS = [("first_seen", "首次发现"), ("due", "期限")]


def rule_choices() -> list[tuple[str, str]]:
    """Every rule as a filter choice: its code and name."""
    return [
        (code, f"{code} {name}")
        for code, name in Rule.objects.order_by("code").values_list("code", "name")
    ]


class DayFilter(django_filters.DateFilter):
    """A day of the page: ISO, within the range PostgreSQL and Python both take, else a Chinese
    error (``fazhi.core.params.DayField``)."""

    field_class = DayField


class FindingFilterForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError("时间范围有误：开始日期晚于结束日期")
        return data


class FindingFilterSet(ScopedFilterSet):
    # the page's (and the export's)
    unit = django_filters.ChoiceFilter(label="单位", field_name="unit_id", empty_label=ALL)
    rule = django_filters.ChoiceFilter(label="规则", field_name="rule_id", empty_label=ALL)
    severity = django_filters.ChoiceFilter(
        label="严重程度", choices=Severity.choices, empty_label=ALL
    )
    status = django_filters.ChoiceFilter(
        label="状态", choices=FindingStatus.choices, empty_label=ALL
    )
    state = django_filters.ChoiceFilter(
        label="有效/消除", choices=STATE_CHOICES, empty_label=None, method="filter_state"
    )
    period = django_filters.ChoiceFilter(
        label="时间依据", choices=PERIOD_FIELDS, empty_label=None, method="by_start_and_end"
    )
    start = DayFilter(label="自", method="filter_start", widget=forms.DateInput({"type": "date"}))
    end = DayFilter(label="至", method="filter_end", widget=forms.DateInput({"type": "date"}))
    # the API's: a unit with the units below it, any rule code, the subject, a first-seen bound
    within = django_filters.CharFilter(
        label="单位（含下级单位）", field_name="unit_id", method="within_units"
    )
    rule_code = django_filters.CharFilter(label="规则编号", field_name="rule_id")
    subject_type = django_filters.CharFilter(label="对象类型")
    since = django_filters.DateTimeFilter(
        label="首次发现不早于", field_name="first_seen_at", lookup_expr="gte"
    )

    page_fields = ("unit", "rule", "severity", "status", "state", "period", "start", "end")

    class Meta:
        form = FindingFilterForm

    def __init__(self, data: Any, queryset: QuerySet[Finding], *, scope: DataScope) -> None:
        super().__init__(data, queryset, scope=scope)
        self.set_choices("unit", self.scope_units)
        self.set_choices("rule", rule_choices)

    def apply(self, queryset: QuerySet[Any], data: dict[str, Any]) -> QuerySet[Any]:
        # not asked for: the open findings only
        return super().apply(queryset, {**data, "state": data.get("state") or "open"})

    def filter_state(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "open":
            return queryset.filter(is_open=True)
        if value == "closed":
            return queryset.filter(is_open=False)
        return queryset

    def by_start_and_end(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset  # the period names the column ``start`` and ``end`` bound

    def _column(self) -> str:
        return "due_at" if self.form.cleaned_data.get("period") == "due" else "first_seen_at"

    def filter_start(self, queryset: QuerySet[Any], name: str, value: date) -> QuerySet[Any]:
        return queryset.filter(**{f"{self._column()}__gte": _day_start(value)})

    def filter_end(self, queryset: QuerySet[Any], name: str, value: date) -> QuerySet[Any]:
        return queryset.filter(**{f"{self._column()}__lt": _day_start(value) + timedelta(days=1)})


def _day_start(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
