"""The reports panel of 我的工作台: the latest report of each kind the user may read, with its
download links — the bureau's for the 法制大队, 局领导 and administrators, the user's own
unit's first for a unit's 所队长, 法制员 … (then those of the units below it). 民警 get none."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Q, When
from django.http import HttpRequest

from fazhi.core.scope import DataScope, visible
from fazhi.reports import permissions
from fazhi.reports.models import Report, ReportKind


def workbench_panel(request: HttpRequest, scope: DataScope) -> dict[str, Any] | None:
    if not permissions.reads(scope):
        return None
    own = Q(unit__isnull=True) if scope.bureau_wide else Q(unit_id=scope.unit_id)
    readable = visible(Report.objects.prefetch_related("unit"), scope).annotate(
        mine=Case(When(own, then=0), default=1, output_field=IntegerField())
    )
    rows = [
        latest
        for kind in ReportKind.values
        if (latest := readable.filter(kind=kind).order_by("mine", "-generated_at", "-pk").first())
    ]
    return {"title": "最新报告", "template": "reports/panel.html", "order": 65, "rows": rows}
