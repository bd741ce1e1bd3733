"""The search box's form (a GET: searching changes nothing but the audit log)."""

from __future__ import annotations

from django import forms

from fazhi.search.kinds import Kind
from fazhi.search.services import MAX_LENGTH


class SearchForm(forms.Form):
    q = forms.CharField(
        label="搜索内容", max_length=MAX_LENGTH, required=False, strip=True,
        error_messages={"max_length": f"最多{MAX_LENGTH}个字"},
    )  # fmt: skip
    kind = forms.ChoiceField(
        label="类别", required=False, choices=[("", "全部"), *Kind.choices],
        error_messages={"invalid_choice": "没有这一类记录"},
    )  # fmt: skip
