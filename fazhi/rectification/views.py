"""rectification views: thin, scoped through fazhi.core.scope.

Rows out of the user's scope answer 404; an action the user may not take answers 403; an action
the problem's state forbids shows the Chinese reason on the page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fazhi.core.audit_actions import AuditAction
from fazhi.core.forms import error_text
from fazhi.core.help import help_page
from fazhi.core.paging import page_of
from fazhi.core.scope import DataScope, get_visible_or_404, scope_of, visible
from fazhi.core.services import audit_export, audit_view, client_addr, record_audit, signed_in_user
from fazhi.core.xlsx import CONTENT_TYPE as XLSX
from fazhi.patrol.models import Finding
from fazhi.rectification.export import problems_xlsx
from fazhi.rectification.filters import ProblemFilterSet
from fazhi.rectification.forms import CommentForm, PolicyForm
from fazhi.rectification.models import (
    Attachment,
    Level,
    PolicyChange,
    Problem,
    ProblemStatus,
    RectificationPolicy,
    time_left_text,
)
from fazhi.rectification.services.board import overdue_board
from fazhi.rectification.services.creation import confirm_suspicion, dismiss_finding, push_problem
from fazhi.rectification.services.errors import RectificationError
from fazhi.rectification.services.permissions import (
    ACTION_LABELS,
    APPEAL,
    APPROVE,
    CONFIRM,
    DECIDE,
    DISMISS,
    PUSH,
    REJECT,
    SUBMIT,
    allowed_actions,
    require_finding_action,
)
from fazhi.rectification.services.policy import POLICY_CHOICES, can_change_policy, change_policy
from fazhi.rectification.services.transitions import (
    appeal,
    approve_fix,
    decide_appeal,
    reject_fix,
    submit_fix,
)
from fazhi.rectification.services.uploads import TYPES_TEXT

PAGE_SIZE = 50


def _error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def _problem_or_404(request: HttpRequest, pk: int) -> Problem:
    return get_visible_or_404(
        Problem.objects.select_related("rule", "unit", "officer", "case", "finding"),
        scope_of(request.user),
        label=f"整改问题#{pk}",
        pk=pk,
    )


FILTERS = ("unit", "rule", "status", "level", "overdue")


def _filtered_problems(
    request: HttpRequest, scope: DataScope, now: datetime
) -> tuple[ProblemFilterSet, dict[str, str], QuerySet[Problem]]:
    """The list's filters (``ProblemFilterSet``, shared by the page, its .xlsx export and the
    API), the query string's values of them (for the links and the audit row), and the
    problems in scope they select (by default the unfinished ones)."""
    problems = visible(
        Problem.objects.select_related("rule", "unit", "officer", "finding"), scope
    ).order_by("due_at", "pk")
    filterset = ProblemFilterSet(request.GET, problems, scope=scope, now=now)
    filters = {k: request.GET.get(k, "") for k in FILTERS}
    return filterset, filters, filterset.qs


@login_required
@require_GET
def problem_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    now = timezone.now()
    filterset, filters, problems = _filtered_problems(request, scope, now)
    sort = request.GET.get("sort", "")
    if sort == "severity":  # 严重 first, then the nearest due time
        problems = problems.annotate(
            _gravity=Case(
                When(severity="严重", then=Value(0)), When(severity="较重", then=Value(1)),
                default=Value(2), output_field=IntegerField(),
            )
        ).order_by("_gravity", "due_at", "pk")  # fmt: skip
    page = page_of(request, problems, default=PAGE_SIZE)
    for p in page:
        p.time_left = time_left_text(p.due_at, now)
        p.overdue = p.is_overdue(now)
    record_audit(
        request.user,
        AuditAction.VIEW_PROBLEMS,
        remote_addr=client_addr(request),
        details=filters,
    )
    query = urlencode({k: v for k, v in filters.items() if v})
    return render(
        request,
        "rectification/list.html",
        {
            "page": page,
            "form": filterset,
            "filters": filters,
            "query": query,
            "sort": sort,
        },
    )


@login_required
@require_GET
def problem_export(request: HttpRequest) -> FileResponse:
    """The problems the list shows under the same filters, as 整改台账 .xlsx (every page of
    them), audited with the row count."""
    now = timezone.now()
    _filterset, filters, problems = _filtered_problems(request, scope_of(request.user), now)
    out, count = problems_xlsx(problems, now)
    audit_export(
        request, AuditAction.EXPORT_PROBLEMS, count, filters={k: v for k, v in filters.items() if v}
    )
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    return FileResponse(
        out, as_attachment=True, filename=f"整改台账-{stamp}.xlsx", content_type=XLSX
    )


@login_required
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem = _problem_or_404(request, pk)
    now = timezone.now()
    audit_view(request, AuditAction.VIEW_PROBLEM, str(problem.pk))
    return render(
        request,
        "rectification/detail.html",
        {
            "problem": problem,
            "finding": problem.finding,
            "actions": allowed_actions(problem, request.user),
            "history": problem.actions.all(),
            "attachments": problem.attachments.all(),
            "time_left": time_left_text(problem.due_at, now),
            "overdue": problem.is_overdue(now),
            "types_text": TYPES_TEXT,
            "levels": Level.choices,
        },
    )


@login_required
@require_POST
def problem_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    problem = _problem_or_404(request, pk)
    actor = signed_in_user(request)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return redirect("rectification:detail", pk=problem.pk)
    comment = form.cleaned_data["comment"]
    files = request.FILES.getlist("files")
    common: dict[str, Any] = {
        "actor": actor,
        "remote_addr": client_addr(request),
        "once": form.cleaned_data["once"],
    }
    calls: dict[str, Callable[[], Any]] = {
        SUBMIT: lambda: submit_fix(problem, comment=comment, files=files, **common),
        APPROVE: lambda: approve_fix(problem, comment=comment, **common),
        REJECT: lambda: reject_fix(problem, comment=comment, **common),
        APPEAL: lambda: appeal(problem, reason=comment, files=files, **common),
        DECIDE: lambda: decide_appeal(
            problem, upheld=form.cleaned_data["upheld"] == "1", comment=comment, **common
        ),
        DISMISS: lambda: dismiss_finding(problem.finding, reason=comment, **common),
    }
    if action not in calls:
        raise Http404("没有这个操作")
    try:
        calls[action]()
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, f"已{ACTION_LABELS[action]}")
    return redirect("rectification:detail", pk=problem.pk)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    attachment = Attachment.objects.filter(pk=pk).select_related("problem").first()
    if (
        attachment is None
        or not visible(
            Problem.objects.filter(pk=attachment.problem_id), scope_of(request.user)
        ).exists()
    ):
        raise Http404("没有这个附件，或不在您的数据范围内")
    record_audit(
        request.user,
        AuditAction.DOWNLOAD_ATTACHMENT,
        target_type="attachment",
        target_id=str(attachment.pk),
        remote_addr=client_addr(request),
        details={"problem": attachment.problem_id, "name": attachment.original_name},
    )
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name
    )


@login_required
def board(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    record_audit(request.user, AuditAction.VIEW_PROBLEM_BOARD, remote_addr=client_addr(request))
    return render(request, "rectification/board.html", overdue_board(scope))


@login_required
def policy(request: HttpRequest) -> HttpResponse:
    editable = can_change_policy(request.user)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("仅法制大队可以修改整改规则设置")
        form = PolicyForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(error_text(form))
            change_policy(
                actor=signed_in_user(request),
                reason=form.cleaned_data["reason"],
                remote_addr=client_addr(request),
                **form.values(),
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, "整改规则设置已修改")
        return redirect("rectification:policy")
    current = RectificationPolicy.current()
    labels = {f.name: f.verbose_name for f in RectificationPolicy._meta.fields}
    fields = [
        (name, labels[name], getattr(current, name), POLICY_CHOICES.get(name))
        for name in RectificationPolicy.FIELDS
    ]
    return render(
        request,
        "rectification/policy.html",
        {
            "policy": current,
            "fields": fields,
            "editable": editable,
            "changes": PolicyChange.objects.all()[:20],
        },
    )


# --- a finding's push / confirm / dismiss ------------------------------------------------------

_FINDING_PAGES = {
    PUSH: ("推送整改", "推送说明（可选）"),
    CONFIRM: ("确认疑点", "确认意见（可选）"),
    DISMISS: ("不予认定", "不予认定的理由（必填）"),
}


def _finding_page(request: HttpRequest, finding_id: int, action: str) -> HttpResponse:
    finding = get_visible_or_404(
        Finding.objects.select_related("rule", "unit", "officer"), scope_of(request.user),
        label=f"巡查发现#{finding_id}", pk=finding_id,
    )  # fmt: skip
    actor = signed_in_user(request)
    title, prompt = _FINDING_PAGES[action]
    if request.method == "POST":
        form = CommentForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(error_text(form))
            comment = form.cleaned_data["comment"]
            common = {
                "actor": actor,
                "remote_addr": client_addr(request),
                "once": form.cleaned_data["once"],
            }
            if action == PUSH:
                problem = push_problem(finding, comment=comment, **common)
            elif action == CONFIRM:
                problem = confirm_suspicion(finding, comment=comment, **common)
            else:
                problem = dismiss_finding(finding, reason=comment, **common)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
            return redirect(request.path)
        messages.success(request, f"已{title}")
        return redirect("rectification:detail", pk=problem.pk)
    error = ""
    try:
        require_finding_action(finding, actor, action)  # PermissionDenied: 403
    except ValidationError as exc:
        error = _error_text(exc)
    current = Problem.objects.filter(finding=finding).order_by("-created_at", "-pk").first()
    return render(
        request,
        "rectification/finding_action.html",
        {
            "finding": finding,
            "action": action,
            "title": title,
            "prompt": prompt,
            "error": error,
            "current": current,
        },
    )


@login_required
def finding_push(request: HttpRequest, finding_id: int) -> HttpResponse:
    return _finding_page(request, finding_id, PUSH)


@login_required
def finding_confirm(request: HttpRequest, finding_id: int) -> HttpResponse:
    return _finding_page(request, finding_id, CONFIRM)


@login_required
def finding_dismiss(request: HttpRequest, finding_id: int) -> HttpResponse:
    return _finding_page(request, finding_id, DISMISS)


_PROBLEM_HELP = {
    ProblemStatus.OPEN: (
        "问题已推送给责任民警，等待整改。",
        "责任民警在期限内提交整改说明和证明材料，或提出申诉；逾期将逐级督办。",
    ),
    ProblemStatus.FIXED: (
        "民警已提交整改，等待法制员审核。",
        "法制员审核：通过则销号，不通过则退回重新整改。",
    ),
    ProblemStatus.CLOSED: (
        "整改经审核通过，已销号。",
        "无需再办理；如同一问题再次出现，会生成新的问题。",
    ),
    ProblemStatus.APPEALED: (
        "民警认为发现不成立，已提出申诉。",
        "法制员或法制大队裁决：申诉成立则不予认定，驳回则继续整改。",
    ),
    ProblemStatus.DISMISSED: (
        "巡查发现不成立（误报），不予认定。",
        "无需整改；计入该规则的准确率，供法制大队调整规则。",
    ),
}


@login_required
@require_GET
def problems_help(request: HttpRequest) -> HttpResponse:
    statuses = [
        (label, *_PROBLEM_HELP[ProblemStatus(value)]) for value, label in ProblemStatus.choices
    ]
    levels = "、".join(f"第{value}级{label}" for value, label in Level.choices)
    return help_page(
        request, area="整改问题", back_url="/problems/", back_label="整改问题",
        intro="巡查发现推送后成为整改问题，经整改、审核直至销号（整改闭环）。",
        statuses=statuses,
        notes=[
            f"逾期未整改的问题逐级督办：{levels}。",
            "证明材料支持 PDF 文件、JPG 或 PNG 图片、Word 文档、Excel 表格。",
            "整改台账可导出为 Excel 表格，带筛选，与页面显示一致。",
        ],
    )  # fmt: skip


@login_required
@require_POST
def silence_create(request: HttpRequest, code: str) -> HttpResponse:
    """静默 a rule for a unit or an officer (the rule page's form; 法制大队 and administrators)."""
    from fazhi.patrol.models import Rule
    from fazhi.patrol.permissions import can_change_rules
    from fazhi.rectification.forms import SilenceForm
    from fazhi.rectification.services.silences import silence_rule

    if not can_change_rules(request.user):
        raise PermissionDenied("只有法制大队和管理员可以设置规则静默")
    rule = Rule.objects.filter(pk=code).first()
    if rule is None:
        raise Http404(f"规则 {code} 不存在")
    form = SilenceForm(request.POST)
    if form.is_valid():
        try:
            silence_rule(
                actor=signed_in_user(request), rule=rule, unit=form.cleaned_data["unit_obj"],
                officer=form.cleaned_data["officer_obj"],
                starts_at=form.cleaned_data["starts_at"], ends_at=form.cleaned_data["ends_at"],
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except RectificationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, f"已设置规则 {rule.code} 的静默：期间内发现照常列出，不再推送整改。"
            )
    else:
        messages.error(request, "静默未设置：" + error_text(form))
    return redirect("patrol:rule", code=rule.code)


@login_required
@require_POST
def silence_lift(request: HttpRequest, pk: int) -> HttpResponse:
    from fazhi.patrol.permissions import can_change_rules
    from fazhi.rectification.forms import LiftForm
    from fazhi.rectification.models import Silence
    from fazhi.rectification.services.silences import lift_silence

    if not can_change_rules(request.user):
        raise PermissionDenied("只有法制大队和管理员可以解除规则静默")
    silence = Silence.objects.filter(pk=pk).first()
    if silence is None:
        raise Http404(f"静默 #{pk} 不存在")
    form = LiftForm(request.POST)
    if form.is_valid():
        try:
            lift_silence(actor=signed_in_user(request), silence=silence,
                         reason=form.cleaned_data["reason"])  # fmt: skip
        except RectificationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"静默 #{pk} 已解除。")
    else:
        messages.error(request, "静默未解除：" + error_text(form))
    return redirect("patrol:rule", code=silence.rule_id)
