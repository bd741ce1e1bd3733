"""What the evaluation adds to other apps' pages: on a case, its picks as a best or worst case
of the month (with the 剖析 task); on an officer, the link to his 诚信档案 when the user may
read it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from fazhi.core.scope import DataScope
from fazhi.evaluation import permissions
from fazhi.evaluation.models import CasePick
from fazhi.records import models as m


def case_page(case: m.Case, request: HttpRequest, scope: DataScope) -> dict[str, Any] | None:
    # the case page has already checked the case is in scope; its picks are the unit's
    picks = list(CasePick.objects.filter(case_id=case.pk).select_related("task").order_by("-month"))
    for p in picks:
        # the 剖析 is the unit's business: a 民警 sees the pick, not the task page
        p.task_visible = p.kind == "worst" and scope.officer_id is None  # type: ignore[attr-defined]
    return {"case_picks": picks} if picks else None


def officer_page(
    officer: m.Officer, request: HttpRequest, scope: DataScope
) -> dict[str, Any] | None:
    if not permissions.can_see_integrity(request.user, officer.pk, officer.unit_id):
        return None
    return {"integrity_url": reverse("evaluation:integrity", args=[officer.pk])}
