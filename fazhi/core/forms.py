"""What every POST form shares: its errors as one Chinese line naming the fields, and a field
for a list of record ids."""

from __future__ import annotations

from typing import Any

from django import forms


def error_text(form: forms.BaseForm) -> str:
    """The form's errors in one Chinese line, each named by its field's label."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        text = "；".join(str(e) for e in errors)
        parts.append(f"{field.label}：{text}" if field is not None and field.label else text)
    return "；".join(parts)


class IdListField(forms.Field):
    """Several ``name=<id>`` values (checkboxes) as a list of integers."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        values = [str(v).strip() for v in value or [] if str(v).strip()]
        bad = [v for v in values if not v.isdigit()]
        if bad:
            raise forms.ValidationError(f"“{bad[0]}”不是记录编号")
        return [int(v) for v in values]


class OnceForm(forms.Form):
    """A POST form that a double click must not act on twice. Its page renders a one-time token
    (``{% load once %}{% once_token %}``, a fresh one each time the page is drawn); the service
    claims it in its transaction (``fazhi.core.services.repeated_submission``)."""

    once = forms.UUIDField(label="表单令牌", required=False, widget=forms.HiddenInput)


def plain_error_text(form: forms.BaseForm) -> str:
    """The form's errors in one line, for messages that already name their field."""
    return "；".join(str(e) for errors in form.errors.values() for e in errors)
