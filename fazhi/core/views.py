"""The first page: what the store holds, and what the patrol found (per rule, per unit)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fazhi.core.services import record_audit, unit_record_counts
from fazhi.patrol.models import Finding, FindingStatus, PatrolRun, Rule
from fazhi.records.models import Unit


@login_required
def home(request: HttpRequest) -> HttpResponse:
    rule_code = request.GET.get("rule", "")
    unit_id = request.GET.get("unit", "")
    status = request.GET.get("status", "")
    findings = (
        Finding.objects.open()
        .select_related("rule", "unit")
        .order_by("-severity", "rule_id", "subject_id")
    )
    if rule_code:
        findings = findings.filter(rule_id=rule_code)
    if unit_id:
        findings = findings.filter(unit_id=unit_id)
    if status in FindingStatus.values:
        findings = findings.filter(status=status)
    page = Paginator(findings, 50).get_page(request.GET.get("page"))
    rules = {r.code: r for r in Rule.objects.all()}
    units = {u.pk: u for u in Unit.objects.all()}
    by_rule = Finding.objects.status_counts("rule_id")
    for row in by_rule:
        row["rule"] = rules.get(str(row["rule_id"]))
    by_unit = Finding.objects.status_counts("unit_id")
    for row in by_unit:
        row["unit"] = units.get(str(row["unit_id"]))
    record_audit(
        request.user.get_username(), "view.home",
        remote_addr=request.META.get("REMOTE_ADDR", ""),
        details={"rule": rule_code, "unit": unit_id, "status": status},
    )  # fmt: skip
    context = {
        **unit_record_counts(),
        "last_run": PatrolRun.objects.first(),
        "statuses": FindingStatus.choices,
        "by_rule": by_rule,
        "by_unit": by_unit,
        "page": page,
        "filters": {"rule": rule_code, "unit": unit_id, "status": status},
        "filter_rule": rules.get(rule_code),
        "filter_unit": units.get(unit_id),
    }
    return render(request, "core/home.html", context)
