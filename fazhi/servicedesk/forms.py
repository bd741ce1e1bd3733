"""The service desk's POST forms: the filing form on the case page and the centre's actions."""

from __future__ import annotations

from typing import Any

from django import forms

from fazhi.core.forms import OnceForm
from fazhi.servicedesk.models import RequestKind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class FileRequestForm(OnceForm):
    kind = forms.ChoiceField(label="申请事项", choices=RequestKind.choices)
    property = forms.ChoiceField(label="涉案财物", required=False)
    measure = forms.ChoiceField(label="取保候审", required=False)
    detail = forms.CharField(label="申请事由", max_length=2000, widget=forms.Textarea)
    files = MultipleFileField(label="附件", required=False)  # type: ignore[assignment]

    def __init__(
        self,
        *args: Any,
        properties: list[tuple[str, str]] = (),  # type: ignore[assignment]
        measures: list[tuple[str, str]] = (),  # type: ignore[assignment]
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["property"].choices = [("", "（不涉及）"), *properties]  # type: ignore[attr-defined]
        self.fields["measure"].choices = [("", "（不涉及）"), *measures]  # type: ignore[attr-defined]


class AcceptForm(OnceForm):
    pass


class CompleteForm(OnceForm):
    result = forms.CharField(label="办理结果", max_length=2000, widget=forms.Textarea)
    files = MultipleFileField(label="附件", required=False)  # type: ignore[assignment]


class ReturnForm(OnceForm):
    reason = forms.CharField(label="退回理由", max_length=2000, widget=forms.Textarea)


class AttachForm(forms.Form):
    files = MultipleFileField(label="附件")  # type: ignore[assignment]
