"""The standard page's forms (法制大队 and administrators only): publish a new version, abolish,
import a 标准库文件. They parse what was typed; the services judge it and record why."""

from __future__ import annotations

from typing import Any

from django import forms

from fazhi.core.params import DayField
from fazhi.patrol.models import Rule
from fazhi.standards.library import MAX_BYTES


def _rule_choices() -> list[tuple[str, str]]:
    return [
        (code, f"{code} {name}")
        for code, name in Rule.objects.order_by("code").values_list("code", "name")
    ]


class RevisionForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    text = forms.CharField(label="标准内容", widget=forms.Textarea(attrs={"rows": 8}))
    rules = forms.MultipleChoiceField(
        label="执行规则", required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    effective_from = DayField(
        label="新版本生效日期", widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label="修订理由", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rules = self.fields["rules"]
        assert isinstance(rules, forms.MultipleChoiceField)
        rules.choices = _rule_choices()


class AbolishForm(forms.Form):
    abolished_on = DayField(
        label="废除日期", widget=forms.DateInput(attrs={"type": "date"}),
        help_text="自该日起不再执行",
    )  # fmt: skip
    reason = forms.CharField(label="废除理由", widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(forms.Form):
    file = forms.FileField(label="标准库文件", help_text="本系统“导出标准库文件”得到的文件")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"文件超过 {MAX_BYTES // 1024 // 1024} MB")
        return upload
