"""``fazhi gongkai code --case CASE_ID [--new]``."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fazhi.gongkai import codes
from fazhi.gongkai.models import QueryCode
from fazhi.gongkai.tests.builders import make_case

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("gongkai", *args, stdout=out)
    return out.getvalue()


def printed(text: str) -> str:
    found = re.search(r"([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})", text)
    assert found, text
    return found.group(1).replace("-", "")


def test_code_issues_once_then_says_when_and_new_replaces_it(bureau: Any) -> None:
    case = make_case(bureau)
    # without a code: one is issued to the reporter and printed
    first = printed(run("code", "--case", case.pk))
    assert QueryCode.objects.active().get().digest == codes.digest(first)
    # again: it cannot be shown (kept hashed), so the command says when and to whom
    again = run("code", "--case", case.pk)
    assert "孙报案" in again
    assert "无法再次显示" in again
    assert first not in again
    assert QueryCode.objects.count() == 1
    # --new: a new code, the old one void
    second = printed(run("code", "--case", case.pk, "--new"))
    assert second != first
    assert "原查询码已作废" in run("code", "--case", case.pk, "--new")
    assert QueryCode.objects.active().count() == 1


def test_code_refuses_an_unknown_case_and_a_named_user_without_the_right(bureau: Any) -> None:
    with pytest.raises(CommandError, match="不存在"):
        run("code", "--case", "NOPE")
    case = make_case(bureau)
    with pytest.raises(CommandError, match="无权"):
        run("code", "--case", case.pk, "--actor", "zhao")
