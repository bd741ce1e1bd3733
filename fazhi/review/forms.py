"""The forms of the review page's POSTs (确认、不予认定、确认为纠纷升级)."""

from __future__ import annotations

from typing import Any

from django import forms

from fazhi.patrol.models import Finding


class ConfirmForm(forms.Form):
    comment = forms.CharField(label="确认意见", required=False, strip=False)


class DismissForm(forms.Form):
    reason = forms.CharField(label="不予认定理由")

    def __init__(self, finding: Finding, data: Any) -> None:
        super().__init__(data)
        self.fields["reason"].error_messages["required"] = (
            f"疑点#{finding.pk}不予认定：请填写理由（字段“不予认定理由”）。"
        )


class EscalateDisputeForm(forms.Form):
    reason = forms.CharField(label="升级说明", required=False)
