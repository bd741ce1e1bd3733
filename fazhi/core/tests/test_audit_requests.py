"""The audit helpers that pages call: a record view and an export, each with who and where."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from fazhi.core.audit import verify_chain
from fazhi.core.audit_actions import AuditAction
from fazhi.core.services import audit_export, audit_view, client_addr

pytestmark = pytest.mark.django_db


def request_from(user, addr: str = "10.8.8.8"):
    request = RequestFactory().get("/cases/C-1/", REMOTE_ADDR=addr)
    request.user = user
    return request


def test_a_record_view_is_audited_with_user_record_and_address(bureau) -> None:
    event = audit_view(request_from(bureau.users["li"]), AuditAction.VIEW_CASE, "C-1", tab="时间线")
    assert (event.actor, event.action, event.target_type, event.target_id) == (
        "li", "view.case", "case", "C-1",
    )  # fmt: skip
    assert event.remote_addr == "10.8.8.8"
    assert event.details == {"tab": "时间线"}
    assert verify_chain().ok


def test_an_export_is_audited_with_its_row_count(bureau) -> None:
    event = audit_export(
        request_from(bureau.users["zhou"]), AuditAction.EXPORT_FINDINGS, 1234, unit="U-CN"
    )
    assert (event.actor, event.action, event.target_type) == ("zhou", "export.findings", "findings")
    assert event.details == {"count": 1234, "unit": "U-CN"}


def test_an_anonymous_request_is_attributed_to_anonymous() -> None:
    assert (
        audit_view(request_from(AnonymousUser()), AuditAction.VIEW_CASE, "C-1").actor == "anonymous"
    )


def test_a_page_view_cannot_be_logged_under_an_action_of_another_kind(bureau) -> None:
    # the target type is read from the action's value: an export or a state change is refused
    with pytest.raises(ValueError, match="view"):
        audit_view(request_from(bureau.users["li"]), AuditAction.EXPORT_FINDINGS, "")
    with pytest.raises(ValueError, match="export"):
        audit_export(request_from(bureau.users["li"]), AuditAction.VIEW_CASE, 1)


def test_the_address_is_remote_addr_never_a_forwarded_header() -> None:
    # X-Forwarded-For is set by the client unless a trusted proxy rewrites it
    request = RequestFactory().get("/", REMOTE_ADDR="10.8.8.8", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_addr(request) == "10.8.8.8"
