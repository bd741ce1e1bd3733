"""The rectification pages' POST forms refuse what they cannot parse, in Chinese."""

from __future__ import annotations

from fazhi.core.forms import error_text
from fazhi.rectification.forms import CommentForm, PolicyForm


def test_comment_form_refuses_a_verdict_that_is_neither() -> None:
    # given an appeal verdict that is neither 成立 ("1") nor 驳回 ("0")
    form = CommentForm({"comment": "理由", "upheld": "yes"})
    # then it is refused, in Chinese, by the field's label
    assert not form.is_valid()
    assert error_text(form).startswith("申诉裁决：")
    assert CommentForm({"comment": "理由", "upheld": "1"}).is_valid()


def test_policy_form_passes_only_the_settings_sent() -> None:
    form = PolicyForm({"reason": "调整", "due_days_minor": "10"})
    assert form.is_valid()
    assert form.values() == {"due_days_minor": "10"}


def test_policy_form_refuses_a_null_character() -> None:
    form = PolicyForm({"reason": "调\x00整"})
    assert not form.is_valid()
    assert error_text(form).startswith("修改理由：")
