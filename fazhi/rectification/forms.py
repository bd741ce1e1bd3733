"""The forms of the rectification pages' POSTs. They parse what was sent; whether the action
is allowed now, and what a comment or a setting must hold, is for the services to say."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from fazhi.core.forms import OnceForm
from fazhi.rectification.models import RectificationPolicy


class CommentForm(OnceForm):
    """An action on a problem or a finding: its comment (reason), and for 申诉裁决 the verdict."""

    comment = forms.CharField(label="说明", required=False, strip=False)
    upheld = forms.ChoiceField(
        label="申诉裁决", required=False, choices=[("1", "申诉成立"), ("0", "申诉驳回")]
    )


class PolicyForm(forms.Form):
    reason = forms.CharField(label="修改理由", required=False, strip=False)

    def __init__(self, data: Any) -> None:
        super().__init__(data)
        labels = {f.name: str(f.verbose_name) for f in RectificationPolicy._meta.fields}
        for name in RectificationPolicy.FIELDS:
            # text: the service says, in Chinese and by label, what is not a whole number in range
            self.fields[name] = forms.CharField(label=labels[name], required=False, strip=False)

    def values(self) -> dict[str, str]:
        """The settings that were sent (a setting left out keeps its value)."""
        return {k: self.cleaned_data[k] for k in RectificationPolicy.FIELDS if k in self.data}


class SilenceForm(forms.Form):
    """规则静默: one unit or one officer (by 警号), a period, a reason."""

    unit = forms.ChoiceField(label="单位", required=False)
    officer = forms.CharField(label="民警警号", required=False, max_length=32)
    starts_at = forms.DateTimeField(
        label="开始时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )  # fmt: skip
    ends_at = forms.DateTimeField(
        label="结束时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )  # fmt: skip
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from fazhi.records import models as m

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["unit"]).choices = [
            ("", "（按民警静默）"),
            *m.Unit.objects.order_by("pk").values_list("pk", "name"),
        ]

    def clean(self) -> dict[str, Any]:
        from fazhi.records import models as m

        data = super().clean() or {}
        unit_id, officer_id = data.get("unit") or "", (data.get("officer") or "").strip()
        if bool(unit_id) == bool(officer_id):
            raise forms.ValidationError("请指定一个单位或一名民警（二者选一）")
        data["unit_obj"] = m.Unit.objects.filter(pk=unit_id).first() if unit_id else None
        data["officer_obj"] = (
            m.Officer.objects.filter(pk=officer_id).first() if officer_id else None
        )
        if officer_id and data["officer_obj"] is None:
            self.add_error("officer", f"警号 {officer_id} 的民警不存在")
        return data


class LiftForm(forms.Form):
    reason = forms.CharField(label="解除理由", widget=forms.Textarea(attrs={"rows": 2}))
