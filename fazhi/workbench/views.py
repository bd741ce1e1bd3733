"""我的工作台: the first page of every role, with the panels every app contributes
(``fazhi.core.registry``). Thin, scoped through ``fazhi.core.scope``, audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from fazhi.accounts.scope import sees_upkeep_notices
from fazhi.core.audit_actions import AuditAction
from fazhi.core.scope import DataScope, scope_of, visible
from fazhi.core.services import audit_view
from fazhi.patrol.models import Finding, FindingStatus, PatrolRun, status_rows
from fazhi.records import models as m
from fazhi.workbench.panel_registry import collect_panels

# Rows per workbench list: what a 1366×768 screen shows in a scroll or two,
# and a bound on the template work per request (rows are most of a page's rendering time).
HOME_ROWS = 10


# --- 我的工作台 --------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    findings = (
        visible(Finding.objects.open(), scope)
        .select_related("rule", "unit", "officer")
        .defer("facts", "explanation")  # the rows show neither
    )
    if scope.own_only:
        # 民警: the warnings addressed to him; his cases' other findings follow below.
        warnings = findings.filter(status=FindingStatus.WARNING, officer_id=scope.officer_id)
    else:
        warnings = findings.filter(status=FindingStatus.WARNING)
    warnings = warnings.order_by("due_at", "pk")
    others = findings.exclude(status=FindingStatus.WARNING).by_urgency()
    counts = findings.status_totals()
    last_run = PatrolRun.objects.only("as_of", "mode", "stats").first()
    context = {
        "scope": scope,
        "now": timezone.now(),
        "warnings": list(warnings[:HOME_ROWS]),
        "warning_count": counts.get(FindingStatus.WARNING) or 0,
        "open_findings": list(others[:HOME_ROWS]),
        "open_count": (counts.get("total") or 0) - (counts.get(FindingStatus.WARNING) or 0),
        "status_rows": status_rows(counts),
        "panels": collect_panels(request, scope),
        "last_run": last_run,
        # the administrators' instruction to load a year's holiday notice: theirs to act on
        "unknown_calendar_years": (
            last_run.stats.get("calendar_unknown_years", [])
            if last_run is not None and sees_upkeep_notices(request.user)
            else []
        ),
        "by_unit": [] if scope.own_only else _by_unit(scope),
    }
    audit_view(request, AuditAction.VIEW_WORKBENCH, "")
    return render(request, "workbench/home.html", context)


def _by_unit(scope: DataScope) -> list[dict[str, Any]]:
    """Open findings per unit and status (two queries)."""
    rows = visible(Finding.objects.all(), scope).status_counts("unit_id")
    names = dict(visible(m.Unit.objects.all(), scope).values_list("pk", "name"))
    for row in rows:
        row["name"] = names.get(str(row["unit_id"]), "")
    return rows
