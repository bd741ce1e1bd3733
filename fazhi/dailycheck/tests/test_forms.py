"""确认's form: the number of records looked at is a whole number, not below zero."""

from __future__ import annotations

from fazhi.core.forms import error_text
from fazhi.dailycheck.forms import ConfirmAnswerForm


def test_confirm_form_refuses_a_count_that_is_not_a_whole_number() -> None:
    # before: silently dropped; now refused, in Chinese
    for raw in ("三", "-1", "2.5"):
        form = ConfirmAnswerForm({"seen_count": raw, "note": ""})
        assert not form.is_valid(), raw
        assert error_text(form).startswith("已查看条数："), raw
    form = ConfirmAnswerForm({"seen_count": "", "note": "看过"})
    assert form.is_valid()
    assert form.cleaned_data["seen_count"] is None
