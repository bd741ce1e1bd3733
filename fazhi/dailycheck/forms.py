"""The forms of the daily pages: 确认 on a daily question (how many records were looked at, and
a note) and the period of the completion statistics."""

from __future__ import annotations

from typing import Any

from django import forms

from fazhi.core.params import DayField


class ConfirmAnswerForm(forms.Form):
    seen_count = forms.IntegerField(
        label="已查看条数", required=False, min_value=0,
        error_messages={"invalid": "须为非负整数"},
    )  # fmt: skip
    note = forms.CharField(label="说明", required=False, strip=False)


class StatsPeriodForm(forms.Form):
    """统计期间: both days optional (the default period fills them), the start not after the end."""

    start = DayField(label="开始日期", required=False)
    end = DayField(label="结束日期", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError("开始日期晚于结束日期")
        return data
