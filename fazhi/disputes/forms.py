"""The forms of the dispute page's POSTs: they parse what was sent; what it may be (a result
from the list, a checklist item, an answer) is checked by ``fazhi.disputes.services``."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils import timezone

from fazhi.core.forms import OnceForm
from fazhi.core.params import parse_moment
from fazhi.records.enums import FollowupResult


class FollowupForm(OnceForm):
    at = forms.CharField(label="回访时间", required=False)
    # no default: an empty submission must not record a visit (least of all 已化解)
    result = forms.ChoiceField(
        label="回访结果",
        choices=FollowupResult.choices,
        error_messages={
            "required": "请选择回访结果",
            "invalid_choice": "回访结果须为" + "、".join(FollowupResult.labels) + "之一",
        },
    )
    note = forms.CharField(label="回访情况", required=False)

    def clean_at(self) -> datetime:
        raw = self.cleaned_data.get("at", "")
        if not raw:
            return timezone.now()  # not given: the visit is recorded as now
        try:  # ISO only, any offset (stored as the instant, in UTC), within the calendar's range
            return parse_moment(raw)
        except ValueError as exc:
            raise forms.ValidationError(f"回访时间有误：{exc}") from None


class ChecklistAnswerForm(OnceForm):
    item = forms.CharField(label="清单项目", required=False)
    answer = forms.CharField(label="结论", required=False, strip=False)
    note = forms.CharField(label="说明", required=False, strip=False)


class ResolveForm(OnceForm):
    note = forms.CharField(label="化解情况", required=False, strip=False)


class EscalateForm(OnceForm):
    reason = forms.CharField(label="抄告理由", required=False, strip=False)
