"""workbench views: thin, scoped through fazhi.accounts.scope, every view audited.

Detail pages fetch their row through ``visible(...)`` so that a row out of the user's scope is
a 404, exactly like a row that does not exist.
"""

from __future__ import annotations

import importlib
from datetime import timedelta
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fazhi.accounts.scope import DataScope, scope_of, visible
from fazhi.core.services import audit_export, audit_view
from fazhi.core.xlsx import CONTENT_TYPE as XLSX
from fazhi.patrol.models import (
    Finding,
    FindingQuerySet,
    FindingStatus,
    PatrolRun,
    Rule,
    RuleKind,
)
from fazhi.records import models as m
from fazhi.standards.models import Standard
from fazhi.workbench.export import findings_xlsx
from fazhi.workbench.filters import FindingFilter
from fazhi.workbench.panels import collect_panels
from fazhi.workbench.rules import RuleSettingsForm, can_change_rules, rule_precision
from fazhi.workbench.timeline import case_findings, case_timeline, legal_clocks

# Rows per list page and per workbench list: what a 1366×768 screen shows in a scroll or two,
# and a bound on the template work per request (rows are most of a page's rendering time).
PAGE_SIZE = 25
TIMELINE_PAGE = 500
HOME_ROWS = 10


def _grouped_counts(queryset: Any, group: str) -> list[dict[str, Any]]:
    """Open findings of ``queryset`` per ``group`` and status (one query)."""
    return cast(FindingQuerySet, queryset).status_counts(group)


def _status_counts(queryset: Any) -> dict[str, int]:
    """Total and per-status counts of ``queryset`` in one query."""
    counts = {s: Count("pk", filter=Q(status=s)) for s in FindingStatus.values}
    return queryset.order_by().aggregate(total=Count("pk"), **counts)


def _status_rows(counts: dict[str, int]) -> list[dict[str, Any]]:
    return [
        {"status": value, "label": label, "count": counts.get(value) or 0}
        for value, label in FindingStatus.choices
    ]


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
    others = findings.exclude(status=FindingStatus.WARNING).order_by("due_at", "-pk")
    counts = _status_counts(findings)
    context = {
        "scope": scope,
        "now": timezone.now(),
        "warnings": list(warnings[:HOME_ROWS]),
        "warning_count": counts.get(FindingStatus.WARNING) or 0,
        "open_findings": list(others[:HOME_ROWS]),
        "open_count": (counts.get("total") or 0) - (counts.get(FindingStatus.WARNING) or 0),
        "status_rows": _status_rows(counts),
        "panels": collect_panels(request, scope),
        "last_run": PatrolRun.objects.only("as_of", "mode", "stats").first(),
        "by_unit": [] if scope.own_only else _by_unit(scope),
    }
    audit_view(request, "workbench", "")
    return render(request, "workbench/home.html", context)


def _by_unit(scope: DataScope) -> list[dict[str, Any]]:
    """Open findings per unit and status (two queries)."""
    rows = _grouped_counts(visible(Finding.objects.all(), scope), "unit_id")
    names = dict(visible(m.Unit.objects.all(), scope).values_list("pk", "name"))
    for row in rows:
        row["name"] = names.get(str(row["unit_id"]), "")
    return rows


# --- findings ---------------------------------------------------------------------------------


def _filtered_findings(request: HttpRequest, scope: DataScope) -> tuple[FindingFilter, Any]:
    form = FindingFilter(request.GET, scope)
    return form, form.apply(visible(Finding.objects.all(), scope))


@login_required
@require_GET
def findings(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    form, queryset = _filtered_findings(request, scope)
    counts = _status_counts(queryset)
    paginator = Paginator(
        queryset.select_related("rule", "unit", "officer").defer("explanation").order_by("-pk"),
        PAGE_SIZE,
    )
    paginator.count = counts.get("total") or 0  # already counted: no second COUNT(*)
    page = paginator.get_page(request.GET.get("page"))
    audit_view(request, "findings", "", **form.summary())
    return render(
        request,
        "workbench/findings.html",
        {
            "form": form,
            "page": page,
            "total": counts.get("total") or 0,
            "status_rows": _status_rows(counts),
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
            render_to_string("400.html", {"reason": "导出条件有误：" + form.problems()})
        )
    out, count = findings_xlsx(queryset)
    audit_export(request, "findings", count, filters=form.summary())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"巡查发现-{stamp}.xlsx",
        content_type=XLSX,
    )


def _path_exists(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def _problem_of(finding: Finding) -> Any:
    """The rectification problem made from ``finding``, when that app records one."""
    try:
        models = importlib.import_module("fazhi.rectification.models")
    except ImportError:
        return None
    problem = getattr(models, "Problem", None)
    if problem is None or not any(f.name == "finding" for f in problem._meta.get_fields()):
        return None
    return problem.objects.filter(finding=finding).first()


@login_required
@require_GET
def finding(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request.user)
    fd = get_object_or_404(
        visible(Finding.objects.select_related("rule", "unit", "officer", "case"), scope), pk=pk
    )
    standards = Standard.objects.filter(rules=fd.rule).in_force().order_by("code")
    actions = []
    if not scope.own_only and fd.is_open:
        candidates = [("push", "推送整改", "")]
        if fd.status == FindingStatus.SUSPICION:
            candidates += [("confirm", "确认疑点", ""), ("dismiss", "不予认定", "danger")]
        for verb, label, css in candidates:
            url = f"/problems/{verb}/{fd.pk}/"
            if _path_exists(url):
                actions.append({"url": url, "label": label, "css": css})
    audit_view(request, "finding", str(fd.pk))
    return render(
        request,
        "workbench/finding.html",
        {
            "f": fd,
            "standards": standards,
            "actions": actions,
            "problem": _problem_of(fd),
            "now": timezone.now(),
            "deadline": fd.rule.kind == RuleKind.DEADLINE,
        },
    )


# --- records ----------------------------------------------------------------------------------


@login_required
@require_GET
def case(request: HttpRequest, pk: str) -> HttpResponse:
    scope = scope_of(request.user)
    cs = get_object_or_404(
        visible(m.Case.objects.select_related("unit", "lead_officer", "incident"), scope), pk=pk
    )
    found = case_findings(cs)
    items = case_timeline(cs, found)
    paginator = Paginator(items, TIMELINE_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    officers = [
        link.officer for link in cs.officer_links.select_related("officer").order_by("position")
    ]
    audit_view(request, "case", cs.pk)
    return render(
        request,
        "workbench/case.html",
        {
            "case": cs,
            "officers": officers,
            "persons": cs.persons.order_by("pk"),
            "clocks": legal_clocks(cs, found),
            "timeline": page,
            "findings": found,
            "open_findings": sum(1 for f in found if f.is_open),
            "now": timezone.now(),
        },
    )


@login_required
@require_GET
def incident(request: HttpRequest, pk: str) -> HttpResponse:
    scope = scope_of(request.user)
    inc = get_object_or_404(visible(m.Incident.objects.select_related("unit"), scope), pk=pk)
    officers = [
        link.officer for link in inc.officer_links.select_related("officer").order_by("position")
    ]
    cases = visible(m.Case.objects.filter(incident=inc), scope).select_related("unit")
    followups = inc.followups.select_related("officer").order_by("at")
    found = visible(
        Finding.objects.filter(subject_type="incident", subject_id=inc.pk), scope
    ).select_related("rule")
    audit_view(request, "incident", inc.pk)
    return render(
        request,
        "workbench/incident.html",
        {
            "incident": inc,
            "officers": officers,
            "cases": cases,
            "followups": followups,
            "findings": found,
            "now": timezone.now(),
        },
    )


@login_required
@require_GET
def person(request: HttpRequest, pk: str) -> HttpResponse:
    scope = scope_of(request.user)
    ps = get_object_or_404(
        visible(m.Person.objects.select_related("case", "case__unit"), scope), pk=pk
    )
    others = m.Person.objects.none()
    if ps.id_number:
        # The same person (by 身份证号) in other cases: only the cases this user may see.
        others = (
            visible(m.Person.objects.filter(id_number=ps.id_number), scope)
            .exclude(pk=ps.pk)
            .select_related("case", "case__unit")
            .order_by("-case__accepted_at")[:100]
        )
    measures = ps.measures.order_by("started_at")
    found = visible(
        Finding.objects.filter(subject_type="person", subject_id=ps.pk), scope
    ).select_related("rule")
    audit_view(request, "person", ps.pk)
    return render(
        request,
        "workbench/person.html",
        {"person": ps, "others": others, "measures": measures, "findings": found},
    )


def _problem_counts(officer: m.Officer, scope: DataScope) -> list[dict[str, Any]] | None:
    """The officer's rectification problems per status, when that app records them."""
    try:
        models = importlib.import_module("fazhi.rectification.models")
    except ImportError:
        return None
    problem = getattr(models, "Problem", None)
    if problem is None:
        return None
    names = {f.name for f in problem._meta.get_fields()}
    if not {"officer", "status"} <= names:
        return None
    try:
        rows = visible(problem.objects.filter(officer_id=officer.pk), scope)
    except LookupError:
        return None
    labels = dict(problem._meta.get_field("status").choices or [])
    counts = rows.values("status").annotate(n=Count("pk")).order_by("status")
    return [{"label": labels.get(r["status"], r["status"]), "count": r["n"]} for r in counts]


@login_required
@require_GET
def officer(request: HttpRequest, pk: str) -> HttpResponse:
    scope = scope_of(request.user)
    off = get_object_or_404(visible(m.Officer.objects.select_related("unit"), scope), pk=pk)
    cases = (
        visible(m.Case.objects.all(), scope)
        .filter(
            Q(lead_officer=off)
            | Q(pk__in=m.CaseOfficer.objects.filter(officer=off).values("case_id"))
        )
        .select_related("unit", "lead_officer")
        .order_by("-accepted_at")
    )
    case_page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    found = visible(Finding.objects.filter(officer=off), scope)
    counts = _status_counts(found.filter(is_open=True))
    audit_view(request, "officer", off.pk)
    return render(
        request,
        "workbench/officer.html",
        {
            "officer": off,
            "cases": case_page,
            "status_rows": _status_rows(counts),
            "open_total": counts.get("total") or 0,
            "closed_total": found.filter(is_open=False).count(),
            "open_findings": found.filter(is_open=True)
            .select_related("rule")
            .order_by("due_at", "-pk")[:HOME_ROWS],
            "problems": _problem_counts(off, scope),
            "now": timezone.now(),
        },
    )


# --- rules and standards ----------------------------------------------------------------------


@login_required
@require_GET
def rules(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    counts = {
        row["rule_id"]: row
        for row in _grouped_counts(visible(Finding.objects.all(), scope), "rule_id")
    }
    rows = list(Rule.objects.annotate(n_standards=Count("standards")).order_by("code"))
    for rule in rows:
        rule.counts = counts.get(rule.code, {})  # type: ignore[attr-defined]
    audit_view(request, "rules", "")
    return render(
        request, "workbench/rules.html", {"rules": rows, "statuses": FindingStatus.choices}
    )


def _rule_context(request: HttpRequest, rule: Rule, scope: DataScope) -> dict[str, Any]:
    found = visible(Finding.objects.filter(rule=rule), scope)
    counts = _status_counts(found.filter(is_open=True))
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
    return {
        "rule": rule,
        "standards": rule.standards.order_by("code", "-version"),
        "status_rows": _status_rows(counts),
        "open_total": counts.get("total") or 0,
        "closed_total": found.filter(is_open=False).count(),
        "changes": rule.changes.all()[:50],
        "precision": rule_precision(rule.code),
        "can_change": can_change_rules(request.user, scope),
        "chart": chart if monthly else None,
    }


@login_required
@require_GET
def rule(request: HttpRequest, code: str) -> HttpResponse:
    scope = scope_of(request.user)
    rl = get_object_or_404(Rule, pk=code)
    context = _rule_context(request, rl, scope)
    if context["can_change"]:
        context["form"] = RuleSettingsForm(rl)
    audit_view(request, "rule", rl.code)
    return render(request, "workbench/rule.html", context)


@login_required
@require_POST
def rule_settings(request: HttpRequest, code: str) -> HttpResponse:
    scope = scope_of(request.user)
    if not can_change_rules(request.user, scope):
        raise PermissionDenied("只有法制大队和管理员可以修改规则设置")
    rl = get_object_or_404(Rule, pk=code)
    form = RuleSettingsForm(rl, request.POST)
    if form.is_valid():
        change = form.save(actor=request.user.get_username())
        if change is not None:
            messages.success(request, f"规则 {rl.code} 的设置已修改，自下次巡查起生效。")
            return redirect("workbench:rule", code=rl.code)
    context = _rule_context(request, rl, scope)
    context["form"] = form
    return render(request, "workbench/rule.html", context, status=400)


@login_required
@require_GET
def standards(request: HttpRequest) -> HttpResponse:
    rows = Standard.objects.prefetch_related("rules").order_by("category", "code", "-version")
    audit_view(request, "standards", "")
    return render(request, "workbench/standards.html", {"standards": rows})


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
    counts = {row["rule_id"]: row for row in _grouped_counts(found, "rule_id")}
    rules_rows = [
        {"rule": r, "counts": counts.get(r.code, {})}
        for r in sorted({r for v in versions for r in v.rules.all()}, key=lambda r: r.code)
    ]
    audit_view(request, "standard", code)
    return render(
        request,
        "workbench/standard.html",
        {"current": versions[0], "versions": versions, "rules": rules_rows},
    )
