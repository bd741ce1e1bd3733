"""The admin may not write what only the services write: rows are added, changed and deleted
through the services (with their audit rows), never by hand in the admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.db import models
from django.test import RequestFactory

from fazhi.api.models import ApiToken
from fazhi.core.models import AuditEvent, AuditHead
from fazhi.notifications.models import Notification, WebhookDelivery
from fazhi.patrol.models import Finding, PatrolRun
from fazhi.rectification.models import Attachment, InterviewReminder, PolicyChange, Problem

# model: (may add, may change, may delete)
EXPECTED: list[tuple[type[models.Model], tuple[bool, bool, bool]]] = [
    (AuditEvent, (False, False, False)),
    (AuditHead, (False, False, False)),
    (ApiToken, (False, False, False)),
    (Finding, (False, False, False)),
    (Problem, (False, False, False)),
    (Attachment, (False, False, False)),
    (PolicyChange, (False, False, False)),
    (InterviewReminder, (False, False, False)),
    (PatrolRun, (False, False, False)),
    (Notification, (False, False, False)),
    (WebhookDelivery, (False, False, False)),
]


@pytest.mark.parametrize(("model", "allowed"), EXPECTED, ids=[m.__name__ for m, _ in EXPECTED])
def test_even_a_superuser_may_not_add_or_change_service_written_rows(
    bureau: Any, model: type[models.Model], allowed: tuple[bool, bool, bool]
) -> None:
    # given the superuser on the admin page of the model
    request = RequestFactory().get("/admin/")
    request.user = bureau.users["admin"]
    model_admin = admin.site._registry[model]
    # when the admin is asked what he may do there
    granted = (
        model_admin.has_add_permission(request),
        model_admin.has_change_permission(request),
        model_admin.has_delete_permission(request),
    )
    # then he may neither add, change nor delete
    assert granted == allowed
