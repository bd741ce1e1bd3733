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
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fazhi.core.audit_actions import AuditAction
from fazhi.core.help import help_page
from fazhi.core.paging import page_of
from fazhi.core.registry import extend_page
from fazhi.core.scope import DataScope, can_see, get_visible_or_404, scope_of, visible
from fazhi.core.services import audit_export, audit_view, signed_in_user
from fazhi.core.xlsx import CONTENT_TYPE as XLSX
from fazhi.intel import quality
from fazhi.patrol.export import findings_xlsx
from fazhi.patrol.filters import FindingFilterSet
from fazhi.patrol.forms import AdoptForm, RuleSettingsForm, WhatIfForm
from fazhi.patrol.inhibition import followers_of, inhibitors_of
from fazhi.patrol.models import (
    Finding,
    FindingStatus,
    Rule,
    RuleKind,
    WhatIfRun,
    status_rows,
)
from fazhi.patrol.permissions import can_change_rules, can_try_rules
from fazhi.patrol.services import PatrolError, change_rule
from fazhi.patrol.whatif import what_if

PAGE_SIZE = 25
# the findings list's orders (?sort=): newest first unless asked
SORTS = {
    "due": lambda rows: rows.by_deadline(),
    "severity": lambda rows: rows.by_severity(),
    "urgency": lambda rows: rows.by_urgency(),
}
SORT_LABELS = [
    ("", "最新发现"),
    ("due", "期限最近"),
    ("severity", "严重程度"),
    ("urgency", "先超期后疑点"),
]


def _filtered_findings(request: HttpRequest, scope: DataScope) -> tuple[FindingFilterSet, Any]:
    filters = FindingFilterSet(request.GET, visible(Finding.objects.all(), scope), scope=scope)
    return filters, filters.qs


@login_required
@require_GET
def findings(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    form, queryset = _filtered_findings(request, scope)
    counts = queryset.status_totals()
    rows = queryset.select_related("rule", "unit", "officer").defer("explanation")
    sort = request.GET.get("sort", "")
    rows = SORTS[sort](rows) if sort in SORTS else rows.order_by("-pk")
    # already counted: no second COUNT(*)
    page = page_of(request, rows, default=PAGE_SIZE, count=counts.get("total") or 0)
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
            "sorts": SORT_LABELS,
            "sort": sort,
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
    # 抑制: the open finding this one follows from, and those that follow from it (in scope)
    source = inhibitors_of([fd]).get(fd.pk)
    context["inhibitor"] = source if source and can_see(source, scope) else None
    context["inhibited_by_source"] = source is not None
    context["followers"] = list(
        visible(followers_of(fd), scope).select_related("rule").order_by("due_at", "pk")[:50]
    )
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
            "changes": rule.changes.select_related("whatif")[:50],
            "whatifs": (
                WhatIfRun.objects.filter(rule_code=rule.code)[:20]
                if can_try_rules(request.user)
                else []
            ),
            "can_change": can_change_rules(request.user),
            "chart": chart if monthly else None,
            # the text rules' measured precision and recall (docs/benchmarks.md)
            "quality": quality.rule_figures(rule.code),
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
    if can_try_rules(request.user):
        context["whatif_form"] = WhatIfForm(rl)
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


@login_required
@require_POST
def rule_whatif(request: HttpRequest, code: str) -> HttpResponse:
    """试运行 a proposed setting of the rule (法制大队 and administrators); the result page."""
    if not can_try_rules(request.user):
        raise PermissionDenied("只有法制大队和管理员可以试运行规则")
    rl = get_object_or_404(Rule, pk=code)
    form = WhatIfForm(rl, request.POST)
    if form.is_valid():
        proposal = form.proposal()
        if not form.errors:
            as_of = form.cleaned_data.get("as_of")
            try:
                run, _outcome = what_if(
                    actor=signed_in_user(request), rule_code=rl.code, settings=proposal,
                    as_of=as_of,
                )  # fmt: skip
            except PatrolError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("patrol:whatif", pk=run.pk)
    context = _rule_context(request, rl, scope_of(request.user))
    context["whatif_form"] = form
    if context["can_change"]:
        context["form"] = RuleSettingsForm(rl)
    return render(request, "patrol/rule.html", context, status=400)


def _labelled_examples(run: WhatIfRun) -> dict[str, list[dict[str, Any]]]:
    labels = dict(FindingStatus.choices)
    return {
        kind: [
            {**row, **{f"{k}_label": labels.get(row[k], row[k]) for k in ("status", "from", "to")
                       if k in row}}
            for row in run.examples.get(kind, [])
        ]
        for kind in ("added", "removed", "changed")
    }  # fmt: skip


def _whatif_or_404(request: HttpRequest, pk: int) -> WhatIfRun:
    if not can_try_rules(request.user):
        raise PermissionDenied("只有法制大队和管理员可以查看规则试运行")
    run = WhatIfRun.objects.filter(pk=pk).first()
    if run is None:
        raise Http404(f"试运行 #{pk} 不存在")
    return run


@login_required
@require_GET
def whatif_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _whatif_or_404(request, pk)
    rl = Rule.objects.filter(pk=run.rule_code).first()
    context = {
        "run": run,
        "rule": rl,
        "examples": _labelled_examples(run),
        "can_adopt": rl is not None and not run.entry and can_change_rules(request.user),
        "adopt_form": AdoptForm(),
    }
    audit_view(request, AuditAction.VIEW_WHATIF, run.pk)
    return render(request, "patrol/whatif.html", context)


@login_required
@require_POST
def whatif_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    """Adopt the trial's proposal: the ordinary recorded rule change, linked to the trial."""
    run = _whatif_or_404(request, pk)
    rl = Rule.objects.filter(pk=run.rule_code).first()
    if rl is None or run.entry:
        raise Http404("新规则须写入规则包后方可启用，不能在此采纳")
    form = AdoptForm(request.POST)
    if form.is_valid():
        try:
            change_rule(rl, actor=signed_in_user(request), reason=form.cleaned_data["reason"],
                        settings=run.proposal, whatif=run)  # fmt: skip
        except PatrolError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"已采纳试运行 #{run.pk} 的设置，规则 {rl.code} 自下次巡查起生效。"
            )
            return redirect("patrol:rule", code=rl.code)
    context = {"run": run, "rule": rl, "examples": _labelled_examples(run),
               "can_adopt": can_change_rules(request.user), "adopt_form": form}  # fmt: skip
    return render(request, "patrol/whatif.html", context, status=400)


# what each status means to the officer who must act, by status (the labels are the choices')
_FINDING_HELP = {
    FindingStatus.WARNING: (
        "法定期限尚未届满，但已进入提醒期。",
        "在剩余时间内办理应办事项并及时录入；录入后下次巡查自动消除。",
    ),
    FindingStatus.OVERDUE: (
        "法定期限已过，应办事项仍未录入。",
        "立即办理并录入；法制员会将其推送为整改问题，逾期不整改逐级督办。",
    ),
    FindingStatus.LATE: (
        "应办事项已办理，但晚于法定期限。",
        "按整改问题说明超期原因，提交整改材料，由法制员审核销号。",
    ),
    FindingStatus.VIOLATION: (
        "记录不符合执法规范（如缺少文书、未全程录像）。",
        "补正记录或说明情况，按整改问题提交整改。",
    ),
    FindingStatus.SUSPICION: (
        "智能研判发现的疑点（如笔录雷同、警情反复），尚需人工核实。",
        "法制员在“研判”中复核：确认后推送整改，不成立的不予认定。",
    ),
}


@login_required
@require_GET
def findings_help(request: HttpRequest) -> HttpResponse:
    statuses = [
        (label, *_FINDING_HELP[FindingStatus(value)]) for value, label in FindingStatus.choices
    ]
    return help_page(
        request, area="巡查发现", back_url="/findings/", back_label="巡查发现",
        intro="巡查规则每次巡查检查全部执法记录，每条发现对应一条规则和一个对象（案件、措施、笔录等）。",
        statuses=statuses,
        notes=[
            "有效：发现仍然成立；已消除：记录已补正或期限已按时办理，注明消除原因。",
            "期限的计算方法写在每条发现的“期限如何计算”中，节假日按国务院办公厅安排顺延（限制人身自由的期限不顺延）。",
            "列表可按期限、严重程度排序；导出的 Excel 表格与页面显示一致，身份证号和电话已打码。",
        ],
    )  # fmt: skip
