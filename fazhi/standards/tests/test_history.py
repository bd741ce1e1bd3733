"""A standard's life: revised with a reason kept on the version, abolished (废除) with a date, a
reason and who did it; the page shows all of it, and only the 法制大队 and administrators act."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from fazhi.core.audit_actions import AuditAction
from fazhi.core.models import AuditEvent
from fazhi.core.services import record_audit
from fazhi.standards.error_codes import ErrorCode
from fazhi.standards.models import Standard
from fazhi.standards.services import StandardError, abolish_standard, revise_standard

pytestmark = pytest.mark.django_db


def _revise(bureau: Any, code: str = "BZ-LC-01", **changes: Any) -> Standard:
    old = Standard.objects.filter(code=code).order_by("-version").first()
    assert old is not None
    args = {
        "actor": bureau.users["zhou"], "title": old.title,
        "text": old.text.replace("24小时", "12小时"), "rules": ["JQ-01"],
        "effective_from": date(2026, 6, 1), "reason": "局务会决定收紧处置时限", **changes,
    }  # fmt: skip
    return revise_standard(old, **args)


def test_a_revision_keeps_its_reason_on_the_new_version(library: Any) -> None:
    # when 周敏 (法制大队) revises BZ-LC-01 with a reason
    new = _revise(library)
    # then the reason is on version 2 itself, not only in the audit row
    assert (new.version, new.reason, new.updated_by) == (2, "局务会决定收紧处置时限", "zhou")
    # and it no longer says it came with the pack
    assert new.source == "本局修订"
    assert Standard.objects.get(code="BZ-LC-01", version=1).reason == "随巡查规则包发布"


def test_abolishing_ends_the_standard_the_day_before_with_its_reason(library: Any) -> None:
    standard = Standard.objects.get(code="BZ-LC-01")
    # when 周敏 abolishes it from 2026-09-01
    abolish_standard(
        standard, actor=library.users["zhou"], on=date(2026, 9, 1), reason="并入新的接处警规范"
    )
    # then it was in force until 31 August and is not afterwards; who, when and why are kept
    standard.refresh_from_db()
    assert standard.effective_to == date(2026, 8, 31)
    assert (standard.abolished_on, standard.abolished_by) == (date(2026, 9, 1), "zhou")
    assert standard.abolition_reason == "并入新的接处警规范"
    assert standard.abolished_at is not None
    assert list(Standard.objects.in_force(date(2026, 8, 31)).filter(code="BZ-LC-01"))
    assert not Standard.objects.in_force(date(2026, 9, 1)).filter(code="BZ-LC-01").exists()
    assert standard.state_on(date(2026, 9, 2)) == "已废除"
    # and the audit row says so
    event = AuditEvent.objects.get(action=AuditAction.STANDARD_ABOLISH)
    assert (event.actor, event.target_id) == ("zhou", "BZ-LC-01")
    assert event.details == {"version": 1, "on": "2026-09-01", "reason": "并入新的接处警规范"}


@pytest.mark.parametrize(
    ("on", "reason", "code", "message"),
    [
        (date(2026, 9, 1), "  ", ErrorCode.REASON_REQUIRED, "废除标准 BZ-LC-01：必须填写理由"),
        (
            date(2026, 1, 1), "r", ErrorCode.EFFECTIVE_DATE_INVALID,
            "废除标准 BZ-LC-01：废除日期必须晚于第1版的生效日期 2026-01-01",
        ),
    ],
)  # fmt: skip
def test_a_bad_abolition_is_refused_and_changes_nothing(
    library: Any, on: date, reason: str, code: ErrorCode, message: str
) -> None:
    standard = Standard.objects.get(code="BZ-LC-01")
    with pytest.raises(StandardError) as refused:
        abolish_standard(standard, actor=library.users["zhou"], on=on, reason=reason)
    assert (refused.value.code, refused.value.message) == (code, message)
    standard.refresh_from_db()
    assert (standard.abolished_on, standard.effective_to) == (None, None)
    assert not AuditEvent.objects.filter(action=AuditAction.STANDARD_ABOLISH).exists()


def test_an_abolished_standard_is_neither_abolished_again_nor_revised(library: Any) -> None:
    zhou = library.users["zhou"]
    standard = Standard.objects.get(code="BZ-LC-01")
    abolish_standard(standard, actor=zhou, on=date(2026, 9, 1), reason="废止")
    # when it is abolished again, or revised, then both are conflicts (409) naming it
    with pytest.raises(StandardError, match="BZ-LC-01 已于 2026-09-01 废除") as again:
        abolish_standard(standard, actor=zhou, on=date(2026, 10, 1), reason="再次废止")
    assert (again.value.code, again.value.status) == (ErrorCode.ABOLISHED, 409)
    with pytest.raises(StandardError, match="不能再修订") as revised:
        _revise(library, effective_from=date(2026, 10, 1))
    assert revised.value.code == ErrorCode.ABOLISHED
    assert Standard.objects.filter(code="BZ-LC-01").count() == 1


def test_only_the_latest_version_is_abolished(library: Any) -> None:
    _revise(library)
    old = Standard.objects.get(code="BZ-LC-01", version=1)
    with pytest.raises(StandardError, match="只能废除最新版本"):
        abolish_standard(old, actor=library.users["zhou"], on=date(2026, 9, 1), reason="r")


@pytest.mark.parametrize("user", ["zhang", "li", "sun", "wu"])
def test_only_the_legal_brigade_and_administrators_abolish(library: Any, user: str) -> None:
    # given a 民警, a 法制员, a 所队长 and the 局领导: they apply the standards, not write them
    standard = Standard.objects.get(code="BZ-LC-01")
    # when one of them abolishes a standard from a shell, then it is refused (403)
    with pytest.raises(StandardError, match="无权废除标准 BZ-LC-01") as refused:
        abolish_standard(
            standard, actor=library.users[user], on=date(2026, 9, 1), reason="试图废除"
        )
    assert (refused.value.code, refused.value.status) == (ErrorCode.NOT_ALLOWED, 403)
    standard.refresh_from_db()
    assert standard.abolished_on is None
    # and the administrator may
    abolish_standard(standard, actor=library.users["admin"], on=date(2026, 9, 1), reason="废止")
    standard.refresh_from_db()
    assert standard.abolished_by == "admin"


def test_the_migration_copies_the_reasons_of_earlier_versions_from_the_audit(
    library: Any,
) -> None:
    from importlib import import_module

    migration = import_module("fazhi.standards.migrations.0004_reason_and_abolition")
    # given a version written before versions kept their reason: only its audit row has it
    new = _revise(library)
    Standard.objects.filter(pk=new.pk).update(reason="")
    # and a later audit row of another standard's version 2, which must not be taken
    record_audit(
        library.users["zhou"], AuditAction.STANDARD_REVISE, target_type="standard",
        target_id="BZ-LC-02", details={"version": 2, "reason": "别的标准的理由"},
    )  # fmt: skip
    # when the migration's data step runs
    migration.reasons_from_audit(django_apps, None)
    # then the version has the reason its own audit row recorded
    assert Standard.objects.get(pk=new.pk).reason == "局务会决定收紧处置时限"


def test_a_version_published_for_tomorrow_is_not_yet_in_force(library: Any) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    new = _revise(library, effective_from=tomorrow)
    assert new.state_on(timezone.localdate()) == "尚未生效"
    old = Standard.objects.get(code="BZ-LC-01", version=1)
    assert old.state_on(timezone.localdate()) == "现行"
    assert old.state_on(tomorrow) == "已被新版本取代"
