"""What 执法公开 adds to the case page: the query code's state and, for those who may issue it,
the form that issues (or reissues) it for the 受案回执."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from fazhi.core.scope import DataScope
from fazhi.gongkai import services
from fazhi.gongkai.permissions import can_issue
from fazhi.records import models as m


def case_page(case: m.Case, request: HttpRequest, scope: DataScope) -> dict[str, Any] | None:
    if not can_issue(case, request.user):
        return None
    active = services.active_code(case)
    holder = m.Person.objects.filter(pk=active.person_id).first() if active else None
    blocked = ""
    if case.disclosable is False:
        blocked = "本案标记为不允许当事人查询，不签发查询码。"
    elif services.has_minor(case.pk):
        blocked = "本案涉及未成年人，不提供网上查询，不签发查询码。"
    return {
        "gongkai_panel": {
            "template": "gongkai/case_panel.html",
            "active": active,
            "holder": holder,
            "parties": [] if blocked else services.parties(case),
            "blocked": blocked,
        }
    }
