"""disputes views: thin, scoped through fazhi.core.scope."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fazhi.core.audit_actions import AuditAction
from fazhi.core.forms import error_text, plain_error_text
from fazhi.core.help import help_page
from fazhi.core.paging import page_of
from fazhi.core.params import day_in_range
from fazhi.core.scope import DataScope, get_visible_or_404, scope_of, visible
from fazhi.core.services import client_addr, record_audit, signed_in_user
from fazhi.disputes import permissions, services
from fazhi.disputes.filters import DisputeFilterSet
from fazhi.disputes.forms import ChecklistAnswerForm, EscalateForm, FollowupForm, ResolveForm
from fazhi.disputes.models import (
    CHECKLIST_ITEMS,
    FACTOR_LABELS,
    ChecklistAnswer,
    Dispute,
    DisputeStatus,
    EscalationLetter,
    FollowupPlan,
    RiskColour,
)
from fazhi.intel.addresses import normalise_address
from fazhi.records import models as m
from fazhi.records.enums import FollowupResult


def _audit_view(request: HttpRequest, action: AuditAction, **details: Any) -> None:
    record_audit(request.user, action, remote_addr=client_addr(request), details=details)


def _scope(request: HttpRequest) -> DataScope:
    return scope_of(request.user)


def _dispute_or_404(request: HttpRequest, pk: int) -> Dispute:
    return get_visible_or_404(
        Dispute.objects.select_related("incident", "unit", "officer"), _scope(request), pk=pk
    )


@login_required
def dispute_list(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    filters = {k: request.GET.get(k, "") for k in ("colour", "unit", "status", "type")}
    base = visible(Dispute.objects.all(), scope)
    filterset = DisputeFilterSet(request.GET, base, scope=scope)
    rows = filterset.qs.select_related("incident", "unit", "officer").order_by(
        "status", "-score", "-incident__received_at"
    )
    page = page_of(request, rows, default=50)
    # the board: open disputes by unit and colour (one grouped query)
    board: dict[str, dict[str, Any]] = {}
    for row in (
        base.open()
        .values("unit_id", "unit__name", "colour")
        .annotate(n=Count("pk"))
        .order_by("unit_id")
    ):
        entry = board.setdefault(
            row["unit_id"], {"unit_id": row["unit_id"], "name": row["unit__name"], "counts": {}}
        )
        entry["counts"][row["colour"]] = row["n"]
    colours = [c for c, _label in RiskColour.choices]
    board_rows = [
        {**entry, "cells": [(c, entry["counts"].get(c, 0)) for c in colours]}
        for entry in board.values()
    ]
    totals = [sum(r["counts"].get(c, 0) for r in board_rows) for c in colours]
    _audit_view(request, AuditAction.VIEW_DISPUTES_LIST, **filters)
    return render(
        request,
        "disputes/list.html",
        {
            "page": page,
            "form": filterset,
            "filters": filters,
            "colours": RiskColour.choices,
            "board": board_rows,
            "totals": totals,
            "notices": services.dispute_board(scope)[:20],
        },
    )


@login_required
def dispute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = _dispute_or_404(request, pk)
    # phones and 身份证号 are masked by the template (``pii``); the clear value is revealed one
    # at a time through the audited accounts:unmask
    parties = list(dispute.parties.order_by("pk"))
    answers = {a.item: a for a in ChecklistAnswer.objects.filter(dispute=dispute)}
    checklist: dict[str, list[dict[str, Any]]] = {"八必查": [], "八必判": []}
    for code, kind, label, question in CHECKLIST_ITEMS:
        checklist[kind].append(
            {"code": code, "label": label, "question": question, "answer": answers.get(code)}
        )
    followups = list(
        m.Followup.objects.filter(incident_id=dispute.incident_id)
        .select_related("officer")
        .order_by("at")
    )
    plans = list(
        FollowupPlan.objects.filter(dispute=dispute).select_related("officer", "done_followup")
    )
    letter = EscalationLetter.objects.filter(dispute=dispute).first()
    allowed = permissions.allowed_actions(dispute, request.user, escalated=letter is not None)
    _audit_view(request, AuditAction.VIEW_DISPUTES_DETAIL, dispute=dispute.pk)
    return render(
        request,
        "disputes/detail.html",
        {
            "dispute": dispute,
            "reasons": [
                {**r, "label": FACTOR_LABELS.get(r["factor"], r["factor"])} for r in dispute.reasons
            ],
            "incident": dispute.incident,
            "parties": parties,
            "checklist": checklist,
            "followups": followups,
            "plans": plans,
            "letter": letter,
            "results": FollowupResult.choices,
            "can_act": permissions.CHECKLIST in allowed,
            "can_followup": permissions.FOLLOWUP in allowed,
            "can_resolve": permissions.RESOLVE in allowed,
            "can_escalate": permissions.ESCALATE in allowed,
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def add_followup(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = _dispute_or_404(request, pk)
    form = FollowupForm(request.POST)
    if not form.is_valid():
        messages.error(request, plain_error_text(form))
        return redirect("disputes:detail", pk=pk)
    try:
        services.record_followup(
            dispute, actor=signed_in_user(request), at=form.cleaned_data["at"],
            result=form.cleaned_data["result"], note=form.cleaned_data["note"],
            remote_addr=client_addr(request), once=form.cleaned_data["once"],
        )  # fmt: skip
        messages.success(request, "回访已记录，风险等级已重新评定")
    except services.DisputeError as exc:
        messages.error(request, str(exc))
    return redirect("disputes:detail", pk=pk)


@login_required
@require_POST
def answer_item(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = _dispute_or_404(request, pk)
    form = ChecklistAnswerForm(request.POST)
    if not form.is_valid():  # text only (what it must hold is the service's to say)
        messages.error(request, error_text(form))
        return redirect("disputes:detail", pk=pk)
    try:
        services.answer_checklist(
            dispute, actor=signed_in_user(request), item=form.cleaned_data["item"],
            answer=form.cleaned_data["answer"], note=form.cleaned_data["note"],
            remote_addr=client_addr(request), once=form.cleaned_data["once"],
        )  # fmt: skip
        messages.success(request, "清单已保存")
    except services.DisputeError as exc:
        messages.error(request, str(exc))
    return redirect("disputes:detail", pk=pk)


@login_required
@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = _dispute_or_404(request, pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():  # text only (what it must hold is the service's to say)
        messages.error(request, error_text(form))
        return redirect("disputes:detail", pk=pk)
    try:
        services.resolve_dispute(
            dispute, actor=signed_in_user(request), note=form.cleaned_data["note"],
            remote_addr=client_addr(request), once=form.cleaned_data["once"],
        )  # fmt: skip
        messages.success(request, "已标记为已化解")
    except services.DisputeError as exc:
        messages.error(request, str(exc))
    return redirect("disputes:detail", pk=pk)


@login_required
@require_POST
def escalate(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = _dispute_or_404(request, pk)
    form = EscalateForm(request.POST)
    if not form.is_valid():  # text only (what it must hold is the service's to say)
        messages.error(request, error_text(form))
        return redirect("disputes:detail", pk=pk)
    try:
        letter = services.escalate(
            dispute, actor=signed_in_user(request), reason=form.cleaned_data["reason"],
            remote_addr=client_addr(request), once=form.cleaned_data["once"],
        )  # fmt: skip
        messages.success(request, f"已制发抄告函 {letter.number}")
    except services.DisputeError as exc:
        messages.error(request, str(exc))
    return redirect("disputes:detail", pk=pk)


@login_required
def visits(request: HttpRequest) -> HttpResponse:
    """Pending visits: a 民警 sees his own; unit roles see their units'."""
    scope = _scope(request)
    now = timezone.now()
    plans = (
        visible(FollowupPlan.objects.pending(), scope)
        .filter(dispute__status__in=[DisputeStatus.OPEN, DisputeStatus.IN_PROGRESS])
        .select_related("dispute", "dispute__incident", "dispute__unit", "officer")
        .order_by("due_at")
    )
    if scope.officer_id is not None:
        plans = plans.filter(officer_id=scope.officer_id)
    page = Paginator(plans, 50).get_page(request.GET.get("page"))
    _audit_view(request, AuditAction.VIEW_DISPUTES_VISITS)
    return render(
        request,
        "disputes/visits.html",
        {"page": page, "now": now, "soon": now + timedelta(days=1), "results": FollowupResult},
    )


def _month(raw: str) -> tuple[datetime, datetime, str]:
    now = timezone.localtime()
    try:
        year, month = (int(x) for x in raw.split("-", 1))
        start = datetime.combine(day_in_range(date(year, month, 1)), time.min)
    except (ValueError, TypeError):  # also a month beyond fazhi.core.params' day range
        start = datetime(now.year, now.month, 1)
    end = datetime(start.year + start.month // 12, start.month % 12 + 1, 1)
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(start, tz),
        timezone.make_aware(end, tz),
        f"{start.year}-{start.month:02d}",
    )


@login_required
def analysis(request: HttpRequest) -> HttpResponse:
    """Monthly analysis: by type, colour, unit; resolution rate; places reported again."""
    scope = _scope(request)
    start, end, label = _month(request.GET.get("month", ""))
    month = visible(Dispute.objects.all(), scope).filter(
        incident__received_at__gte=start, incident__received_at__lt=end
    )
    total = month.count()
    resolved = month.filter(status=DisputeStatus.RESOLVED).count()
    by_type = list(month.values("dispute_type").annotate(n=Count("pk")).order_by("-n"))
    by_colour = {
        r["colour"]: r["n"] for r in month.values("colour").annotate(n=Count("pk")).order_by()
    }
    by_unit = list(
        month.values("unit_id", "unit__name")
        .annotate(
            n=Count("pk"),
            red=Count("pk", filter=Q(colour=RiskColour.RED)),
            resolved=Count("pk", filter=Q(status=DisputeStatus.RESOLVED)),
        )
        .order_by("unit_id")
    )
    for row in by_unit:
        row["rate"] = round(100 * row["resolved"] / row["n"], 1) if row["n"] else 0
    places: dict[str, list[str]] = {}
    # in the order they were received: without an ORDER BY, PostgreSQL returns rows in whatever
    # order their last update left them, and the page listed a place's incidents at random
    for incident_id, address in month.order_by("incident__received_at", "incident_id").values_list(
        "incident_id", "incident__address"
    ):
        key = normalise_address(address or "")
        if key:
            places.setdefault(key, []).append(incident_id)
    repeated = sorted(
        ((k, v) for k, v in places.items() if len(v) > 1), key=lambda kv: (-len(kv[1]), kv[0])
    )
    repeats = [{"place": k, "count": len(v), "incidents": v} for k, v in repeated[:30]]
    colours = [(c, lbl, by_colour.get(c, 0)) for c, lbl in RiskColour.choices]
    chart = {
        "types": [r["dispute_type"] for r in by_type],
        "type_counts": [r["n"] for r in by_type],
        "colours": [lbl for _c, lbl, _n in colours],
        "colour_counts": [n for _c, _l, n in colours],
    }
    _audit_view(request, AuditAction.VIEW_DISPUTES_ANALYSIS, month=label)
    return render(
        request,
        "disputes/analysis.html",
        {
            "month": label,
            "total": total,
            "resolved": resolved,
            "rate": round(100 * resolved / total, 1) if total else 0,
            "by_type": by_type,
            "colours": colours,
            "by_unit": by_unit,
            "repeats": repeats,
            "chart": chart,
            "echarts": finders.find("core/echarts.min.js") is not None,
        },
    )


@login_required
def letter_file(request: HttpRequest, pk: int) -> FileResponse:
    letter = get_visible_or_404(
        EscalationLetter.objects.select_related("dispute"), _scope(request), pk=pk
    )
    path = Path(settings.MEDIA_ROOT) / letter.file_path
    if not path.is_file():
        raise Http404(f"抄告函 {letter.number} 的文件不存在")
    _audit_view(request, AuditAction.VIEW_DISPUTES_LETTER, letter=letter.pk, number=letter.number)
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"抄告函{letter.number}.docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


_DISPUTE_HELP = {
    DisputeStatus.OPEN: (
        "纠纷尚未化解。",
        "按风险等级回访：红色当日、黄色三日内、蓝色七日内；完成八必查、八必判。",
    ),
    DisputeStatus.IN_PROGRESS: (
        "已开始化解，仍需跟进。",
        "按期回访并记录回访结果；有升级信号及时抄告。",
    ),
    DisputeStatus.RESOLVED: ("纠纷已化解。", "无需再回访；如再次报警，将重新纳入。"),
}


@login_required
@require_GET
def disputes_help(request: HttpRequest) -> HttpResponse:
    statuses = [
        (label, *_DISPUTE_HELP[DisputeStatus(value)]) for value, label in DisputeStatus.choices
    ]
    colours = "、".join(label for _, label in RiskColour.choices)
    return help_page(
        request, area="矛盾纠纷", back_url="/disputes/", back_label="矛盾纠纷",
        intro="纠纷警情自动建立纠纷档案，按风险分级（" + colours + "），跟踪回访直至化解。",
        statuses=statuses,
        notes=["风险等级随警情内容（凶器、扬言、自杀等信号）和反复报警自动调整。"],
    )  # fmt: skip
