"""The portal's forms (plain HTML, no script needed) and the staff's issuing form. They parse;
what a value may be (a milestone the case reached, a party of the case) the services judge."""

from __future__ import annotations

from django import forms

from fazhi.gongkai import codes
from fazhi.gongkai.models import Milestone


class CodeForm(forms.Form):
    code = forms.CharField(
        label="查询码", max_length=32,
        error_messages={"required": "请输入查询码"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                      "spellcheck": "false", "inputmode": "text"}),
    )  # fmt: skip

    def clean_code(self) -> str:
        code = codes.normalise(self.cleaned_data["code"])
        if not codes.FORMAT.match(code):
            # format only: says nothing about whether such a code exists
            raise forms.ValidationError("查询码为受案回执上的12位字母和数字，请核对后重新输入")
        return code


class TailForm(forms.Form):
    ticket = forms.CharField(widget=forms.HiddenInput, max_length=400)
    tail = forms.RegexField(
        label="电话后四位", regex=r"^[0-9]{4}$",
        error_messages={"required": "请输入电话号码后四位", "invalid": "请输入4位数字"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric",
                                      "maxlength": "4"}),
    )  # fmt: skip


class AccessForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=400)


class RatingForm(AccessForm):
    milestone = forms.ChoiceField(choices=Milestone.choices, widget=forms.HiddenInput)
    score = forms.TypedChoiceField(
        label="评分", coerce=int, choices=[(i, f"{i}分") for i in range(5, 0, -1)],
        widget=forms.RadioSelect, error_messages={"required": "请选择评分"},
    )  # fmt: skip
    comment = forms.CharField(
        label="意见（可不填）", required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


class ComplaintForm(AccessForm):
    content = forms.CharField(
        label="投诉内容", min_length=5, max_length=2000,
        error_messages={"required": "请填写投诉内容", "min_length": "投诉内容请至少写5个字"},
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip


class IssueForm(forms.Form):
    person = forms.ChoiceField(label="签发对象", error_messages={"required": "请选择签发对象"})

    def __init__(self, *args: object, parties: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["person"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = parties
