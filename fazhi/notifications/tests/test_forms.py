"""标为已读's form: ids are record numbers, and it goes back only to a local page."""

from __future__ import annotations

from django.http import QueryDict

from fazhi.core.forms import error_text
from fazhi.notifications.forms import MarkReadForm


def test_mark_read_form_refuses_an_id_that_is_not_a_number() -> None:
    form = MarkReadForm(QueryDict("id=3&id=x1"))
    assert not form.is_valid()
    assert error_text(form) == "通知：“x1”不是记录编号"


def test_mark_read_form_reads_ids_and_keeps_next_local() -> None:
    form = MarkReadForm(QueryDict("id=3&id=5&next=//evil.example/"))
    assert form.is_valid()
    assert form.cleaned_data["id"] == [3, 5]
    assert form.cleaned_data["next"] == "/notifications/"
    form = MarkReadForm(QueryDict("all=1&next=/problems/"))
    assert form.is_valid()
    assert (form.cleaned_data["all"], form.cleaned_data["next"]) == ("1", "/problems/")
