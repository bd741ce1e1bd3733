"""The findings list's filters, shared by the page and its .xlsx export."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from fazhi.core.params import DayField
from fazhi.core.scope import DataScope, visible
from fazhi.patrol.models import Finding, FindingStatus, Rule, Severity
from fazhi.records.models import Unit

STATE_CHOICES = [("open", "有效"), ("closed", "已消除"), ("all", "全部")]
PERIOD_FIELDS = [("first_seen", "首次发现"), ("due", "期限")]
_COLUMNS = {"unit": "unit_id", "rule": "rule_id", "severity": "severity", "status": "status"}


class FindingFilter(forms.Form):
    unit = forms.ChoiceField(label="单位", required=False)
    rule = forms.ChoiceField(label="规则", required=False)
    severity = forms.ChoiceField(
        label="严重程度", required=False, choices=[("", "全部"), *Severity.choices]
    )
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *FindingStatus.choices]
    )
    state = forms.ChoiceField(label="有效/消除", required=False, choices=STATE_CHOICES)
    period = forms.ChoiceField(label="时间依据", required=False, choices=PERIOD_FIELDS)
    start = DayField(label="自", required=False, widget=forms.DateInput({"type": "date"}))
    end = DayField(label="至", required=False, widget=forms.DateInput({"type": "date"}))

    def __init__(self, data: Any, scope: DataScope) -> None:
        super().__init__(data)
        units = visible(Unit.objects.order_by("pk"), scope) if not scope.own_only else None
        unit_choices = [("", "全部")]
        if units is not None:
            unit_choices += [(u.pk, u.name) for u in units.only("pk", "name")]
        cast(forms.ChoiceField, self.fields["unit"]).choices = unit_choices
        cast(forms.ChoiceField, self.fields["rule"]).choices = [("", "全部")] + [
            (code, f"{code} {name}") for code, name in Rule.objects.values_list("code", "name")
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError("时间范围有误：开始日期晚于结束日期")
        return data

    def apply(self, queryset: QuerySet[Finding]) -> QuerySet[Finding]:
        """``queryset`` narrowed by the valid filters (an invalid form filters nothing more)."""
        data = self.cleaned_data if self.is_valid() else {}
        state = data.get("state") or "open"
        if state == "open":
            queryset = queryset.filter(is_open=True)
        elif state == "closed":
            queryset = queryset.filter(is_open=False)
        for field, column in _COLUMNS.items():
            if data.get(field):
                queryset = queryset.filter(**{column: data[field]})
        column = "due_at" if data.get("period") == "due" else "first_seen_at"
        if data.get("start"):
            queryset = queryset.filter(**{f"{column}__gte": _day_start(data["start"])})
        if data.get("end"):
            queryset = queryset.filter(
                **{f"{column}__lt": _day_start(data["end"]) + timedelta(days=1)}
            )
        return queryset

    def controls(self) -> list[dict[str, Any]]:
        """The filter controls as plain data, a select's options already escaped HTML: Django's
        widget templates, or a template loop, cost three renders per option and a bureau-wide
        user has two hundred units and fifty rules to choose from."""
        out = []
        for name, bound in self.fields.items():
            raw = self.data.get(name, "") if self.data else ""
            if isinstance(bound, forms.ChoiceField):
                options = format_html_join(
                    "",
                    '<option value="{}"{}>{}</option>',
                    (
                        (v, mark_safe(" selected") if str(v) == raw else "", label)
                        for v, label in cast(list[tuple[Any, str]], bound.choices)
                    ),
                )
                out.append({"name": name, "label": bound.label, "options": options})
            else:
                out.append({"name": name, "label": bound.label, "value": raw, "type": "date"})
        return out

    def problems(self) -> str:
        """What is wrong with the filters, in Chinese, one clause per field."""
        return "；".join(str(e) for errors in self.errors.values() for e in errors)

    def summary(self) -> dict[str, Any]:
        """The applied filters, for the audit row."""
        data = self.cleaned_data if self.is_valid() else {}
        return {k: str(v) for k, v in data.items() if v not in (None, "")}


def _day_start(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
