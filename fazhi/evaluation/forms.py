"""The evaluation's POST forms: the service judges the values, the form parses them."""

from __future__ import annotations

from django import forms


class ComputeForm(forms.Form):
    month = forms.RegexField(
        label="考评月份", regex=r"^\d{4}-\d{2}$", max_length=7,
        error_messages={"invalid": "考评月份应写作 YYYY-MM，如 2026-10"},
    )  # fmt: skip


class AppealForm(forms.Form):
    reason = forms.CharField(label="申诉理由", max_length=2000, widget=forms.Textarea)


class DecideForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label="决定", choices=[("1", "申诉成立"), ("0", "申诉驳回")], coerce=lambda v: v == "1"
    )
    reason = forms.CharField(label="决定理由", max_length=2000, widget=forms.Textarea)
