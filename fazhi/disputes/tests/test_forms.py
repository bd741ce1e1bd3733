"""The dispute page's POST forms refuse what they cannot parse, in Chinese."""

from __future__ import annotations

from django.utils import timezone

from fazhi.disputes.forms import ChecklistAnswerForm, FollowupForm


def test_followup_form_refuses_a_bad_time() -> None:
    # given a time that is not one, and one well formed but impossible (month 13: a 500 before)
    for raw in ("昨天下午", "2026-13-01T09:00"):
        form = FollowupForm({"at": raw, "result": "已化解", "note": ""})
        # then the form refuses it, naming the field as the page always did
        assert not form.is_valid()
        [message] = form.errors["at"]
        assert str(message).startswith("回访时间有误：")
        assert raw in str(message)


def test_followup_form_reads_a_local_time_and_defaults_to_now() -> None:
    form = FollowupForm({"at": "2026-03-01T09:30", "result": "已化解"})
    assert form.is_valid()
    assert timezone.localtime(form.cleaned_data["at"]).strftime("%H:%M") == "09:30"
    form = FollowupForm({"result": "已化解"})
    assert form.is_valid()
    assert abs((timezone.now() - form.cleaned_data["at"]).total_seconds()) < 60


def test_checklist_form_refuses_a_null_character() -> None:
    form = ChecklistAnswerForm({"item": "C1", "answer": "是\x00", "note": ""})
    assert not form.is_valid()
    assert "answer" in form.errors
