"""servicedesk views: thin; the queue, a request's page and its actions, filing from the case
page, attachments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fazhi.core.audit_actions import AuditAction
from fazhi.core.forms import plain_error_text
from fazhi.core.help import help_page
from fazhi.core.paging import page_of
from fazhi.core.scope import get_visible_or_404, scope_of
from fazhi.core.services import audit_view
from fazhi.records import models as m
from fazhi.servicedesk import permissions, services
from fazhi.servicedesk.filters import RequestFilterSet
from fazhi.servicedesk.forms import (
    AcceptForm,
    AttachForm,
    CompleteForm,
    FileRequestForm,
    ReturnForm,
)
from fazhi.servicedesk.models import RequestStatus, ServiceAttachment, ServiceRequest
from fazhi.servicedesk.pages import case_choices


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # @login_required
    return request.user


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    base = permissions.requests_for(scope)
    filterset = RequestFilterSet(request.GET, base, scope=scope)
    rows = filterset.qs.select_related("case", "unit", "item", "filed_by").order_by(
        "status", "due_at", "pk"
    )
    page = page_of(request, rows, default=50)
    counts = {row["status"]: row["n"] for row in _status_counts(base)}
    audit_view(request, AuditAction.VIEW_SERVICEDESK, "queue", **filterset.summary())
    return render(
        request,
        "servicedesk/queue.html",
        {
            "page": page,
            "form": filterset,
            "is_desk": permissions.is_desk(scope),
            "counts": [(label, counts.get(code, 0)) for code, label in RequestStatus.choices],
            "now": timezone.now(),
        },
    )


def _status_counts(base: Any) -> Any:
    return base.values("status").annotate(n=Count("pk")).order_by("status")


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    req = _detail_row(request, pk)
    actions = permissions.allowed_actions(req, request.user)
    audit_view(request, AuditAction.VIEW_SERVICEDESK, req.pk)
    return render(
        request,
        "servicedesk/detail.html",
        {
            "req": req,
            "actions": actions,
            "attachments": list(req.attachments.all()),
            "accept_form": AcceptForm(),
            "complete_form": CompleteForm(),
            "return_form": ReturnForm(),
            "attach_form": AttachForm(),
            "sees_case": permissions.can_see_case(req, request.user),
            "now": timezone.now(),
        },
    )


def _detail_row(request: HttpRequest, pk: int) -> ServiceRequest:
    row = (
        permissions.requests_for(scope_of(request.user))
        .select_related(
            "case", "unit", "centre", "item", "measure", "officer", "filed_by", "handler"
        )
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise Http404("服务申请不存在或不在您的数据范围内")
    return row


@login_required
@require_POST
def file(request: HttpRequest, case_id: str) -> HttpResponse:
    scope = scope_of(request.user)
    case = get_visible_or_404(m.Case.objects.all(), scope, label="案件", pk=case_id)
    properties, measures = case_choices(case)
    form = FileRequestForm(request.POST, request.FILES, properties=properties, measures=measures)
    if not form.is_valid():
        messages.error(request, plain_error_text(form))
        return redirect("records:case", case.pk)
    data = form.cleaned_data
    try:
        req = services.file_request(
            actor=_user(request),
            case=case,
            kind=data["kind"],
            detail=data["detail"],
            property_id=data["property"] or None,
            measure_id=data["measure"] or None,
            uploads=data["files"],
            once=data["once"],
        )
    except services.ServiceDeskError as exc:
        messages.error(request, str(exc))
        return redirect("records:case", case.pk)
    messages.success(request, f"已提交服务申请：{req.get_kind_display()}")
    return redirect("servicedesk:detail", req.pk)


def _act(request: HttpRequest, pk: int, form_class: Any, run: Any, done: str) -> HttpResponse:
    req = _detail_row(request, pk)
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, plain_error_text(form))
        return redirect("servicedesk:detail", req.pk)
    try:
        run(req, form.cleaned_data)
    except services.ServiceDeskError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("servicedesk:detail", req.pk)


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        AcceptForm,
        lambda req, d: services.accept_request(actor=_user(request), request=req, once=d["once"]),
        "已受理",
    )


@login_required
@require_POST
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        CompleteForm,
        lambda req, d: services.complete_request(
            actor=request.user,
            request=req,
            result=d["result"],
            uploads=d["files"],
            once=d["once"],
        ),
        "已办结",
    )


@login_required
@require_POST
def send_back(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        ReturnForm,
        lambda req, d: services.return_request(
            actor=_user(request), request=req, reason=d["reason"], once=d["once"]
        ),
        "已退回",
    )


@login_required
@require_POST
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        AttachForm,
        lambda req, d: services.add_attachments(
            actor=_user(request), request=req, uploads=d["files"]
        ),
        "附件已上传",
    )


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    att = ServiceAttachment.objects.filter(pk=pk).first()
    if att is None:
        raise Http404("附件不存在或不在您的数据范围内")
    req = _detail_row(request, att.request_id)
    audit_view(request, AuditAction.VIEW_SERVICEDESK, req.pk, attachment=att.pk)
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.original_name)


@login_required
@require_GET
def help_view(request: HttpRequest) -> HttpResponse:
    return help_page(
        request,
        area="执法服务专岗",
        intro=(
            "办案民警在案件页面向执法办案管理中心提交伤势鉴定、资料调取、邮寄送达、涉案财物和"
            "保证金等事项的服务申请，由中心的执法服务专岗在时限内办理。"
        ),
        statuses=[
            ("待受理", "申请已提交，中心尚未受理", "执法服务专岗核对材料后受理，或写明理由退回"),
            ("办理中", "中心已受理，正在办理", "办完后填写办理结果并上传回执等材料，办结"),
            ("已办结", "中心已办完，结果已通知申请民警", "申请民警查看办理结果"),
            ("退回", "材料不全或不属于中心办理", "申请民警按退回理由补正后重新申请"),
        ],
        back_url="/servicedesk/",
        back_label="服务申请",
        notes=[
            "办理时限按工作时间计算：工作日不含申请当日；工作小时只计工作日的上班时间。",
            "时限剩余四分之一时提醒承办人，超过时限报中心负责人督办，并告知申请民警。",
        ],
    )
