"""Audit actions are one enumeration: stored values unchanged, each named in Chinese."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.test import Client

from fazhi.accounts.services import system_user
from fazhi.core.audit_actions import AuditAction, action_shown
from fazhi.core.models import AuditEvent
from fazhi.core.services import record_audit
from fazhi.records.schema import RECORD_TYPES


def test_every_action_has_a_chinese_label_and_a_unique_value() -> None:
    assert len(set(AuditAction.values)) == len(AuditAction)
    for member in AuditAction:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in member.label), member


def test_values_written_before_the_enumeration_are_kept() -> None:
    # the hash chain covers the stored value: old rows verify only if these stay as they were
    assert AuditAction.VIEW_CASE == "view.case"
    assert AuditAction.IMPORT == "import"
    assert AuditAction.RECTIFICATION_PUSH == "rectification.push"
    assert AuditAction.VIEW_API_PROBLEM_ACTION == "view.api.problem_action"


def test_every_record_page_in_the_admin_has_a_view_action() -> None:
    # records.admin logs view.<record type> for each record type's change page
    for rt in RECORD_TYPES:
        assert AuditAction(f"view.{rt.name}")


def test_an_unknown_stored_value_is_shown_as_it_is() -> None:
    assert action_shown("view.case") == "查看案件（view.case）"
    assert action_shown("view.home") == "view.home"


@pytest.mark.django_db
def test_the_audit_admin_shows_the_label_beside_the_value() -> None:
    event = record_audit(system_user(), AuditAction.STANDARD_REVISE, target_type="standard")
    admin = site._registry[AuditEvent]
    assert admin.action_column(event) == "修订执法标准（standard.revise）"  # type: ignore[attr-defined]
    assert AuditEvent.objects.get(pk=event.pk).get_action_display() == "修订执法标准"


@pytest.mark.django_db
def test_the_audit_admin_filters_by_action_with_chinese_names(bureau) -> None:
    # given two rows of different actions
    record_audit(system_user(), AuditAction.STANDARD_REVISE, target_type="standard")
    record_audit(system_user(), AuditAction.STANDARD_CREATE, target_type="standard")
    client = Client()
    client.force_login(bureau.users["admin"])
    # when the administrator filters the audit log by one action
    page = client.get("/admin/core/auditevent/?action=standard.revise").content.decode()
    # then only that action's row is listed, and the filter offers the actions by their names
    assert "修订执法标准（standard.revise）" in page
    assert "新增执法标准（standard.create）" not in page
    assert ">修订执法标准</a>" in page
