from __future__ import annotations

from typing import Any

from django import forms

from fazhi.core.forms import OnceForm

BUREAU_CHOICE = ""  # the whole bureau


class GenerateForm(OnceForm):
    period = forms.CharField(
        label="期间", max_length=16, error_messages={"required": "请填写报告期间"}
    )
    unit = forms.ChoiceField(label="范围", required=False)

    def __init__(self, *args: Any, units: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ChoiceField)
        unit.choices = units
        self.fields["unit"].error_messages["invalid_choice"] = "所选单位不在您的范围内"
