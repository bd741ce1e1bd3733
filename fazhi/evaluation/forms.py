"""The evaluation's POST forms: the service judges the values, the form parses them."""

from __future__ import annotations

from django import forms


class ComputeForm(forms.Form):
    month = forms.RegexField(
        label="考评月份", regex=r"^\d{4}-\d{2}$", max_length=7,
        error_messages={"invalid": "考评月份应写作 YYYY-MM，如 2026-10"},
    )  # fmt: skip


class AppealForm(forms.Form):
    reason = forms.CharField(label="申诉理由", max_length=2000, widget=forms.Textarea)


class DecideForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label="决定", choices=[("1", "申诉成立"), ("0", "申诉驳回")], coerce=lambda v: v == "1"
    )
    reason = forms.CharField(label="决定理由", max_length=2000, widget=forms.Textarea)


class PickForm(forms.Form):
    case = forms.CharField(label="案件编号", max_length=64)
    kind = forms.ChoiceField(label="评选为", choices=[("best", "最优案件"), ("worst", "最差案件")])
    reason = forms.CharField(label="评选理由", max_length=2000, widget=forms.Textarea)


class AnalysisUploadForm(forms.Form):
    file = forms.FileField(label="剖析材料", error_messages={"required": "须选择剖析材料文件"})


class AnalysisDecideForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label="验收", choices=[("1", "验收通过"), ("0", "退回")], coerce=lambda v: v == "1"
    )
    reason = forms.CharField(label="验收意见", max_length=2000, required=False,
                             widget=forms.Textarea)  # fmt: skip
