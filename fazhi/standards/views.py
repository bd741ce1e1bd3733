"""The standards library's pages: the list and a standard with its versions and the findings of
the rules that enforce it. Thin, scoped through ``fazhi.core.scope``, every view audited."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fazhi.core.audit_actions import AuditAction
from fazhi.core.scope import scope_of, visible
from fazhi.core.services import audit_view
from fazhi.patrol.models import Finding
from fazhi.standards.models import Standard


@login_required
@require_GET
def standards(request: HttpRequest) -> HttpResponse:
    rows = Standard.objects.prefetch_related("rules").order_by("category", "code", "-version")
    audit_view(request, AuditAction.VIEW_STANDARDS, "")
    return render(request, "standards/standards.html", {"standards": rows})


@login_required
@require_GET
def standard(request: HttpRequest, code: str) -> HttpResponse:
    scope = scope_of(request.user)
    versions = list(
        Standard.objects.filter(code=code).prefetch_related("rules").order_by("-version")
    )
    if not versions:
        raise Http404("没有这个标准")
    rule_codes = {r.code for v in versions for r in v.rules.all()}
    found = visible(Finding.objects.filter(rule_id__in=rule_codes), scope)
    counts = {row["rule_id"]: row for row in found.status_counts("rule_id")}
    rules_rows = [
        {"rule": r, "counts": counts.get(r.code, {})}
        for r in sorted({r for v in versions for r in v.rules.all()}, key=lambda r: r.code)
    ]
    audit_view(request, AuditAction.VIEW_STANDARD, code)
    return render(
        request,
        "standards/standard.html",
        {"current": versions[0], "versions": versions, "rules": rules_rows},
    )
