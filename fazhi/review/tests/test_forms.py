"""The review page's POST forms refuse what they cannot take, in Chinese."""

from __future__ import annotations

from fazhi.patrol.models import Finding
from fazhi.review.forms import DismissForm, EscalateDisputeForm


def test_dismiss_form_needs_a_reason_named_by_the_finding() -> None:
    form = DismissForm(Finding(pk=7), {"reason": "   "})
    assert not form.is_valid()
    assert form.errors["reason"] == ["疑点#7不予认定：请填写理由（字段“不予认定理由”）。"]
    form = DismissForm(Finding(pk=7), {"reason": " 误报 "})
    assert form.is_valid()
    assert form.cleaned_data["reason"] == "误报"


def test_escalate_form_reason_is_optional() -> None:
    assert EscalateDisputeForm({}).is_valid()
