"""The form of 标为已读: all, or the checked notifications; and where to go back to."""

from __future__ import annotations

from django import forms

from fazhi.core.forms import IdListField

DEFAULT_NEXT = "/notifications/"


class MarkReadForm(forms.Form):
    all = forms.ChoiceField(
        label="全部标为已读", required=False, choices=[("1", "是"), ("0", "否")]
    )
    id = IdListField(label="通知", required=False)
    next = forms.CharField(label="返回页面", required=False)

    def clean_next(self) -> str:
        target: str = self.cleaned_data.get("next", "")
        # only a local path: never redirect off-site
        if not target.startswith("/") or target.startswith("//"):
            return DEFAULT_NEXT
        return target
