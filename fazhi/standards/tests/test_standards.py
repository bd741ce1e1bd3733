"""The standards library: shipped with the pack, linked to rules, revised as versions."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fazhi.accounts.services import system_user
from fazhi.core.errors import DomainError
from fazhi.core.models import AuditEvent
from fazhi.patrol.pack import load_pack
from fazhi.patrol.services import sync_rules
from fazhi.standards.error_codes import ErrorCode
from fazhi.standards.models import Standard, StandardCategory
from fazhi.standards.services import (
    StandardError,
    add_standard,
    revise_standard,
    sync_pack_standards,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules() -> None:
    sync_rules(load_pack())


def test_every_rule_of_the_pack_is_enforcing_some_standard(rules: None) -> None:
    # when the pack's standards are loaded
    result = sync_pack_standards(actor=system_user())
    # then each of the pack's rules is linked to at least one standard
    assert result.created >= 10
    linked = set(Standard.objects.values_list("rules__code", flat=True))
    assert {r.code for r in load_pack().rules} <= linked


def test_loading_again_keeps_the_bureaus_edits(rules: None) -> None:
    sync_pack_standards(actor=system_user())
    Standard.objects.filter(code="BZ-LC-01").update(text="本局标准：12小时内处置完毕。")
    result = sync_pack_standards(actor=system_user())
    assert result.created == 0
    assert Standard.objects.get(code="BZ-LC-01").text == "本局标准：12小时内处置完毕。"


def test_revision_is_a_new_version_ending_the_old_one_and_is_audited(rules: None) -> None:
    sync_pack_standards(actor=system_user())
    old = Standard.objects.get(code="BZ-LC-01")
    new = revise_standard(
        old, actor=system_user(), title=old.title, text="12小时内处置完毕。", rules=["JQ-01"],
        effective_from=date(2026, 12, 1), reason="局务会决定收紧处置时限",
    )  # fmt: skip
    old.refresh_from_db()
    assert (new.version, old.effective_to) == (2, date(2026, 11, 30))
    assert list(Standard.objects.in_force(date(2026, 12, 2)).filter(code="BZ-LC-01")) == [new]
    assert list(Standard.objects.in_force(date(2026, 11, 2)).filter(code="BZ-LC-01")) == [old]
    assert AuditEvent.objects.filter(action="standard.revise", target_id="BZ-LC-01").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason": " "}, "理由"),
        ({"effective_from": date(2025, 1, 1)}, "晚于"),
        ({"rules": ["XX-99"]}, "XX-99"),
    ],
)
def test_bad_revisions_are_refused(rules: None, changes: dict, message: str) -> None:
    sync_pack_standards(actor=system_user())
    old = Standard.objects.get(code="BZ-LC-01")
    args = {"actor": system_user(), "title": "t", "text": "x", "rules": ["JQ-01"],
            "effective_from": date(2026, 12, 1), "reason": "r", **changes}  # fmt: skip
    with pytest.raises(StandardError, match=message):
        revise_standard(old, **args)
    assert Standard.objects.filter(code="BZ-LC-01").count() == 1


def test_adding_a_standard_that_exists_is_a_conflict(rules: None) -> None:
    # given the pack's standards
    sync_pack_standards(actor=system_user())
    # when 吴敏 adds BZ-LC-01 again as a new standard
    with pytest.raises(StandardError) as refused:
        add_standard(
            actor=system_user(), code="BZ-LC-01", title="t", category=StandardCategory.values[0],
            text="x", rules=["JQ-01"], effective_from=date(2026, 12, 1), reason="本局文件",
        )  # fmt: skip
    # then it is a domain error: a conflict (409) on the field code, naming the standard
    error = refused.value
    assert isinstance(error, DomainError)
    assert (error.code, error.status, error.field) == (ErrorCode.ALREADY_EXISTS, 409, "code")
    assert error.message == "标准 BZ-LC-01 已存在：请发布它的新版本"


def test_a_user_who_may_not_change_rules_is_refused_every_standards_change(
    rules: None, bureau: Any
) -> None:
    # given the pack's standards and 李娜 (法制员 of 城南: she applies standards, not writes them)
    sync_pack_standards(actor=system_user())
    old = Standard.objects.get(code="BZ-LC-01")
    li = bureau.users["li"]
    # when she revises or adds a standard from a shell, then she is refused (403) and nothing
    # is written
    with pytest.raises(StandardError, match="无权修订标准 BZ-LC-01") as refused:
        revise_standard(
            old, actor=li, title="t", text="x", rules=["JQ-01"],
            effective_from=date(2026, 12, 1), reason="r",
        )  # fmt: skip
    assert (refused.value.code, refused.value.status) == (ErrorCode.NOT_ALLOWED, 403)
    with pytest.raises(StandardError, match="无权新增标准 BZ-XX-01"):
        add_standard(
            actor=li, code="BZ-XX-01", title="t", category=StandardCategory.values[0],
            text="x", rules=[], effective_from=date(2026, 12, 1), reason="本局文件",
        )  # fmt: skip
    with pytest.raises(StandardError, match="无权载入标准包"):
        sync_pack_standards(actor=li)
    assert Standard.objects.filter(code="BZ-LC-01").count() == 1
    assert not Standard.objects.filter(code="BZ-XX-01").exists()
    assert not AuditEvent.objects.filter(actor="li").exists()
    # and the 法制大队 may
    zhou = bureau.users["zhou"]
    new = revise_standard(
        old, actor=zhou, title=old.title, text="x", rules=["JQ-01"],
        effective_from=date(2026, 12, 1), reason="局务会决定",
    )  # fmt: skip
    assert new.version == 2
