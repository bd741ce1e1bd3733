"""标准动态评估: the attention list, every rule's and every standard's twelve months."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from fazhi.core.audit_actions import AuditAction
from fazhi.core.services import audit_view
from fazhi.tuning import permissions
from fazhi.tuning.dynamics import rule_dynamics, standard_dynamics


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    permissions.require_view(request.user)
    now = timezone.now()
    rules = rule_dynamics(now)
    standards = standard_dynamics(now, rules)
    audit_view(request, AuditAction.VIEW_TUNING, "")
    return render(
        request,
        "tuning/index.html",
        {
            "now": now,
            "rules": rules,
            "standards": standards,
            "attention": [r for r in rules if r.attention],
            "standard_attention": [s for s in standards if s.attention],
            "months": rules[0].months if rules else [],
        },
    )
