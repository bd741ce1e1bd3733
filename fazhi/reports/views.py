"""reports pages: the kinds, each with its form (period, and unit by scope) and the history of
its reports; downloads through ``services.open_report`` (audited). Thin: the services refuse a
wrong user themselves."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fazhi.core.audit_actions import AuditAction
from fazhi.core.forms import plain_error_text
from fazhi.core.paging import page_of
from fazhi.core.scope import DataScope, get_visible_or_404, scope_of, visible
from fazhi.core.services import audit_view, client_addr, signed_in_user
from fazhi.records.models import Unit
from fazhi.reports import permissions, services
from fazhi.reports.forms import BUREAU_CHOICE, GenerateForm
from fazhi.reports.models import Report, ReportKind
from fazhi.reports.periods import EXAMPLES, KIND_NAMES, ReportError, period_containing

HINTS = {
    "daily": "前一日的新增巡查发现和整改问题、24小时内到期的提醒、每日十问完成情况",
    "weekly": "各单位本周通报、整改、逾期问题和整改率，通报晾晒，典型问题，红色风险纠纷",
    "monthly": "已发布的月度考评：排名、等次、一票否决、名次变化",
    "quarterly": "本季度按规则、单位和标准的走势，风险纠纷，向好的方面，标准动态评估，附图表",
}


def _scope(request: HttpRequest) -> DataScope:
    if not permissions.can_use(request.user):
        raise PermissionDenied("报告仅对法制员、所队领导、法制大队和局领导开放")
    return scope_of(request.user)


def _kind(kind: str) -> str:
    if kind not in KIND_NAMES:
        raise Http404("没有这种报告")
    return kind


def _units(scope: DataScope) -> list[tuple[str, str]]:
    units = list(visible(Unit.objects.all(), scope).order_by("pk").values_list("pk", "name"))
    return ([(BUREAU_CHOICE, "全局")] if scope.bureau_wide else []) + units


def _default_period(kind: str) -> str:
    today = timezone.localdate()
    if kind == "daily":
        return period_containing(kind, today - timedelta(days=1)).key
    return period_containing(kind, today).previous().key


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    reports = visible(Report.objects.select_related("unit"), scope)
    kinds = [
        {"kind": k, "label": label, "hint": HINTS[k],
         "latest": list(reports.filter(kind=k).order_by("-generated_at", "-pk")[:3])}
        for k, label in ReportKind.choices
    ]  # fmt: skip
    audit_view(request, AuditAction.VIEW_REPORTS, "")
    return render(request, "reports/index.html", {"kinds": kinds})


def _kind_context(
    request: HttpRequest, kind: str, scope: DataScope, form: GenerateForm
) -> dict[str, Any]:
    rows = visible(Report.objects.select_related("unit"), scope).filter(kind=kind)
    return {
        "kind": kind,
        "label": KIND_NAMES[kind],
        "kind_label": services.kind_label(kind),
        "hint": HINTS[kind],
        "example": EXAMPLES[kind],
        "form": form,
        "page": page_of(request, rows.order_by("-generated_at", "-pk"), default=20),
    }


@login_required
@require_GET
def kind_page(request: HttpRequest, kind: str) -> HttpResponse:
    kind = _kind(kind)
    scope = _scope(request)
    units = _units(scope)
    initial = {"period": _default_period(kind),
               "unit": BUREAU_CHOICE if scope.bureau_wide else scope.unit_id}  # fmt: skip
    form = GenerateForm(initial=initial, units=units)
    audit_view(request, AuditAction.VIEW_REPORTS, kind)
    return render(request, "reports/kind.html", _kind_context(request, kind, scope, form))


@login_required
@require_POST
def generate(request: HttpRequest, kind: str) -> HttpResponse:
    kind = _kind(kind)
    scope = _scope(request)
    form = GenerateForm(request.POST, units=_units(scope))
    if not form.is_valid():
        messages.error(request, plain_error_text(form))
        return redirect("reports:kind", kind=kind)
    unit_id = form.cleaned_data["unit"] or None
    try:
        report = services.generate_report(
            actor=signed_in_user(request), kind=kind, period=form.cleaned_data["period"],
            unit_id=unit_id, remote_addr=client_addr(request), once=form.cleaned_data["once"],
        )  # fmt: skip
    except ReportError as exc:
        messages.error(request, exc.message)
        return redirect("reports:kind", kind=kind)
    messages.success(request, f"已生成 {report.title}（{report.number}）")
    return redirect("reports:kind", kind=kind)


@login_required
@require_GET
def download(request: HttpRequest, fmt: str, pk: int) -> FileResponse:
    scope = _scope(request)
    report = get_visible_or_404(Report.objects.all(), scope, label=f"报告#{pk}", pk=pk)
    if fmt not in services.FORMATS:
        raise Http404("没有这种格式")
    path, name = services.open_report(
        report, fmt, actor=signed_in_user(request), remote_addr=client_addr(request)
    )
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=name, content_type=services.CONTENT_TYPES[fmt]
    )
