"""The forms of the rectification pages' POSTs. They parse what was sent; whether the action
is allowed now, and what a comment or a setting must hold, is for the services to say."""

from __future__ import annotations

from typing import Any

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
