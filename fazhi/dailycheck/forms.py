"""The form of 确认 on a daily question: how many records were looked at, and a note."""

from __future__ import annotations

from django import forms


class ConfirmAnswerForm(forms.Form):
    seen_count = forms.IntegerField(
        label="已查看条数", required=False, min_value=0,
        error_messages={"invalid": "须为非负整数"},
    )  # fmt: skip
    note = forms.CharField(label="说明", required=False, strip=False)
