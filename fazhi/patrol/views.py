"""The patrol's pages: the findings list and its .xlsx export, a finding, the rules and a rule
with its settings. Thin, scoped through ``fazhi.core.scope``, every view audited.

What other apps know about a finding or a rule (the rectification problem and its actions, the
standards a rule enforces, a rule's precision) they add through the page extensions ``finding``
``rules`` and ``rule`` (``fazhi.core.registry``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fazhi.core.audit_actions import AuditAction
from fazhi.core.registry import extend_page
from fazhi.core.scope import DataScope, get_visible_or_404, scope_of, visible
from fazhi.core.services import audit_export, audit_view, signed_in_user
from fazhi.core.xlsx import CONTENT_TYPE as XLSX
from fazhi.patrol.export import findings_xlsx
from fazhi.patrol.filters import FindingFilterSet
from fazhi.patrol.forms import RuleSettingsForm
from fazhi.patrol.models import Finding, FindingStatus, Rule, RuleKind, status_rows
from fazhi.patrol.permissions import can_change_rules

PAGE_SIZE = 25


def _filtered_findings(request: HttpRequest, scope: DataScope) -> tuple[FindingFilterSet, Any]:
    filters = FindingFilterSet(request.GET, visible(Finding.objects.all(), scope), scope=scope)
    return filters, filters.qs


@login_required
@require_GET
def findings(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    form, queryset = _filtered_findings(request, scope)
    counts = queryset.status_totals()
    paginator = Paginator(
        queryset.select_related("rule", "unit", "officer").defer("explanation").order_by("-pk"),
        PAGE_SIZE,
    )
    paginator.count = counts.get("total") or 0  # already counted: no second COUNT(*)
    page = paginator.get_page(request.GET.get("page"))
    audit_view(request, AuditAction.VIEW_FINDINGS, "", **form.summary())
    return render(
        request,
        "patrol/findings.html",
        {
            "form": form,
            "page": page,
            "total": counts.get("total") or 0,
            "status_rows": status_rows(counts),
            "now": timezone.now(),
        },
    )


@login_required
@require_GET
def findings_export(request: HttpRequest) -> HttpResponseBase:
    scope = scope_of(request.user)
    form, queryset = _filtered_findings(request, scope)
    if not form.is_valid():  # not the unfiltered list in place of the one asked for
        return HttpResponseBadRequest(
            render_to_string(
                "400.html", {"reason": "导出条件有误：" + form.error_text()}, request=request
            )
        )
    out, count = findings_xlsx(queryset)
    audit_export(request, AuditAction.EXPORT_FINDINGS, count, filters=form.summary())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"巡查发现-{stamp}.xlsx",
        content_type=XLSX,
    )


@login_required
@require_GET
def finding(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request.user)
    fd = get_visible_or_404(
        Finding.objects.select_related("rule", "unit", "officer", "case"), scope, pk=pk
    )
    context = extend_page("finding", fd, request, scope)
    audit_view(request, AuditAction.VIEW_FINDING, str(fd.pk))
    context.update({"f": fd, "now": timezone.now(), "deadline": fd.rule.kind == RuleKind.DEADLINE})
    return render(request, "patrol/finding.html", context)


@login_required
@require_GET
def rules(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    counts = {
        row["rule_id"]: row
        for row in visible(Finding.objects.all(), scope).status_counts("rule_id")
    }
    context = extend_page("rules", None, request, scope)
    per_rule = context.pop("standards_per_rule", {})
    rows = list(Rule.objects.order_by("code"))
    for rule in rows:
        rule.counts = counts.get(rule.code, {})  # type: ignore[attr-defined]
        rule.n_standards = per_rule.get(rule.code, 0)  # type: ignore[attr-defined]
    audit_view(request, AuditAction.VIEW_RULES, "")
    context.update({"rules": rows, "statuses": FindingStatus.choices})
    return render(request, "patrol/rules.html", context)


def _rule_context(request: HttpRequest, rule: Rule, scope: DataScope) -> dict[str, Any]:
    found = visible(Finding.objects.filter(rule=rule), scope)
    counts = found.filter(is_open=True).status_totals()
    since = timezone.now() - timedelta(days=365)
    monthly = list(
        found.filter(first_seen_at__gte=since)
        .annotate(month=TruncMonth("first_seen_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    chart = {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 16, "top": 24, "bottom": 28},
        "xAxis": {"type": "category", "data": [f"{r['month']:%Y-%m}" for r in monthly]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"name": "新发现", "type": "bar", "data": [r["n"] for r in monthly]}],
    }
    context = extend_page("rule", rule, request, scope)
    context.update(
        {
            "rule": rule,
            "status_rows": status_rows(counts),
            "open_total": counts.get("total") or 0,
            "closed_total": found.filter(is_open=False).count(),
            "changes": rule.changes.all()[:50],
            "can_change": can_change_rules(request.user),
            "chart": chart if monthly else None,
        }
    )
    return context


@login_required
@require_GET
def rule(request: HttpRequest, code: str) -> HttpResponse:
    scope = scope_of(request.user)
    rl = get_object_or_404(Rule, pk=code)
    context = _rule_context(request, rl, scope)
    if context["can_change"]:
        context["form"] = RuleSettingsForm(rl)
    audit_view(request, AuditAction.VIEW_RULE, rl.code)
    return render(request, "patrol/rule.html", context)


@login_required
@require_POST
def rule_settings(request: HttpRequest, code: str) -> HttpResponse:
    scope = scope_of(request.user)
    if not can_change_rules(request.user):
        raise PermissionDenied("只有法制大队和管理员可以修改规则设置")
    rl = get_object_or_404(Rule, pk=code)
    form = RuleSettingsForm(rl, request.POST)
    if form.is_valid():
        change = form.save(actor=signed_in_user(request))
        if change is not None:
            messages.success(request, f"规则 {rl.code} 的设置已修改，自下次巡查起生效。")
            return redirect("patrol:rule", code=rl.code)
    context = _rule_context(request, rl, scope)
    context["form"] = form
    return render(request, "patrol/rule.html", context, status=400)
