"""The 研判复核 panel of 我的工作台: 待复核疑点 for the people who judge them (法制员, 法制大队)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from fazhi.accounts.models import Role
from fazhi.core.scope import DataScope
from fazhi.review.evidence import summaries
from fazhi.review.views import pending, rule_counts

TOP = 5


def workbench_panel(request: HttpRequest, scope: DataScope) -> dict[str, Any] | None:
    if scope.role not in (Role.LEGAL_OFFICER, Role.LEGAL_BRIGADE):
        return None
    queue = pending(scope)
    rules = rule_counts(queue)
    top = list(queue.select_related("rule", "unit").order_by("-score", "-pk")[:TOP])
    return {
        "title": "待复核疑点",
        "template": "review/panel.html",
        "order": 35,
        "rules": rules,
        "total": sum(r["count"] for r in rules),
        "top": [{"f": f, "summary": s} for f, s in zip(top, summaries(top, scope), strict=True)],
    }
