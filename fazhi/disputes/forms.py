"""The forms of the dispute page's POSTs: they parse what was sent; what it may be (a result
from the list, a checklist item, an answer) is checked by ``fazhi.disputes.services``."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils import timezone

from fazhi.core.params import parse_moment


class FollowupForm(forms.Form):
    at = forms.CharField(label="回访时间", required=False)
    result = forms.CharField(label="回访结果", required=False)
    note = forms.CharField(label="回访情况", required=False)

    def clean_at(self) -> datetime:
        raw = self.cleaned_data.get("at", "")
        if not raw:
            return timezone.now()  # not given: the visit is recorded as now
        try:  # ISO only, any offset (stored as the instant, in UTC), within the calendar's range
            return parse_moment(raw)
        except ValueError as exc:
            raise forms.ValidationError(f"回访时间有误：{exc}") from None


class ChecklistAnswerForm(forms.Form):
    item = forms.CharField(label="清单项目", required=False)
    answer = forms.CharField(label="结论", required=False, strip=False)
    note = forms.CharField(label="说明", required=False, strip=False)


class ResolveForm(forms.Form):
    note = forms.CharField(label="化解情况", required=False, strip=False)


class EscalateForm(forms.Form):
    reason = forms.CharField(label="抄告理由", required=False, strip=False)
