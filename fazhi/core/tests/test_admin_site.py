"""The admin (数据管理) as a whole: no page deletes, and only the pages whose forms call a service
(with a reason, audited) add or change anything, for superusers too."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import RequestFactory

pytestmark = pytest.mark.django_db

# model label → what its admin form calls (see docs/security.md, 数据管理)
ADDS = {
    "accounts.Profile": "change_profile",
    "auth.User": "create_account",
    "standards.Standard": "add_standard",
    "patrol.HolidayNotice": "save_notice",
}
CHANGES = {"accounts.Profile": "change_profile", "auth.User": "change_account"}


def test_no_admin_page_deletes_and_only_service_pages_add_or_change(bureau: Any) -> None:
    # given the superuser's request
    request = RequestFactory().get("/admin/")
    request.user = bureau.users["admin"]
    adds, changes = set(), set()
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        # then no page deletes
        assert not model_admin.has_delete_permission(request), label
        if model_admin.has_add_permission(request):
            adds.add(label)
        if model_admin.has_change_permission(request):
            changes.add(label)
    # and only the pages that go through a service add or change
    assert adds == set(ADDS)
    assert changes == set(CHANGES)
