"""review views: the suspicion review queue (研判复核) for legal officers, thin and scoped.

The queue lists the ZN suspicions nobody has judged yet, in the user's data scope; the review
page shows the evidence side by side (``fazhi.review.evidence``) and the decisions the user may
take, exactly those of ``fazhi.rectification.services.permissions.allowed_finding_actions``.
A 民警 is refused (403); a finding out of scope is a 404, like one that does not exist.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from fazhi.accounts.models import Role
from fazhi.core.audit_actions import AuditAction
from fazhi.core.forms import error_text, plain_error_text
from fazhi.core.paging import page_of
from fazhi.core.scope import DataScope, get_visible_or_404, scope_of, visible
from fazhi.core.services import audit_view, client_addr, signed_in_user
from fazhi.disputes.services import DisputeError, ensure_dispute, escalate
from fazhi.patrol.models import Finding, FindingStatus, Rule
from fazhi.records import models as m
from fazhi.rectification.models import Problem
from fazhi.rectification.services.creation import confirm_suspicion, dismiss_finding
from fazhi.rectification.services.permissions import (
    CONFIRM,
    DISMISS,
    allowed_finding_actions,
    require_finding_action,
)
from fazhi.rectification.services.precision import precision_by_rule
from fazhi.review.evidence import DISPUTE_RULES, ZN_RULES, evidence, explanation, summaries
from fazhi.review.forms import ConfirmForm, DismissForm, EscalateDisputeForm

PAGE_SIZE = 50
# Who opens the queue: everyone with a unit or bureau scope; a 民警 only ever sees his own
# records and does not judge suspicions.
REFUSED_ROLES = (None, Role.OFFICER)
STATES = {"pending": "待复核", "decided": "已复核", "all": "全部"}


def _scope(request: HttpRequest) -> DataScope:
    scope = scope_of(request.user)
    if scope.role in REFUSED_ROLES or scope.own_only:
        raise PermissionDenied("研判复核仅限法制员、法制大队和领导查看")
    return scope


def _judged() -> Exists:
    """A finding was judged: it has a problem (confirmed, pushed, or dismissed)."""
    return Exists(Problem.objects.filter(finding=OuterRef("pk")))


def suspicions(scope: DataScope) -> QuerySet[Finding]:
    """Open ZN suspicions in ``scope``, annotated with whether a decision was taken."""
    return visible(
        Finding.objects.filter(rule_id__in=ZN_RULES, status=FindingStatus.SUSPICION, is_open=True),
        scope,
    ).annotate(judged=_judged())


def pending(scope: DataScope) -> QuerySet[Finding]:
    """The suspicions of ``scope`` nobody has confirmed or dismissed yet."""
    return suspicions(scope).filter(~_judged())


def rule_counts(queryset: QuerySet[Finding]) -> list[dict[str, Any]]:
    """Per ZN rule: its name, the pending count and its precision so far (three queries)."""
    counts = dict(
        queryset.order_by()
        .values_list("rule_id")
        .annotate(n=Count("pk"))
        .values_list("rule_id", "n")
    )
    names = dict(Rule.objects.filter(code__in=ZN_RULES).values_list("code", "name"))
    precision = precision_by_rule()
    empty = {"confirmed": 0, "dismissed": 0, "precision": None}
    rows = []
    for code in ZN_RULES:
        judged = precision.get(code, empty)
        share = judged["precision"]
        rows.append(
            {"code": code, "name": names.get(code, code), "count": counts.get(code, 0), **judged,
             "precision_label": "—" if share is None else f"{share:.0%}"}
        )  # fmt: skip
    return rows


class QueueFilter(forms.Form):
    state = forms.ChoiceField(label="状态", choices=list(STATES.items()), required=False)
    rule = forms.ChoiceField(label="规则", required=False)
    unit = forms.ChoiceField(label="单位", required=False)
    min_score = forms.FloatField(label="分值 ≥", required=False, min_value=0, max_value=1)

    def __init__(self, data: Any, scope: DataScope) -> None:
        super().__init__(data)
        names = dict(Rule.objects.filter(code__in=ZN_RULES).values_list("code", "name"))
        cast(forms.ChoiceField, self.fields["rule"]).choices = [("", "全部")] + [
            (c, f"{c} {names.get(c, '')}".strip()) for c in ZN_RULES
        ]
        units = visible(m.Unit.objects.order_by("pk"), scope).values_list("pk", "name")
        cast(forms.ChoiceField, self.fields["unit"]).choices = [("", "全部"), *units]

    def apply(self, queryset: QuerySet[Finding]) -> QuerySet[Finding]:
        if not self.is_valid():
            return queryset.filter(~_judged())
        data = self.cleaned_data
        state = data.get("state") or "pending"
        if state == "pending":
            queryset = queryset.filter(~_judged())
        elif state == "decided":
            queryset = queryset.filter(_judged())
        if data.get("rule"):
            queryset = queryset.filter(rule_id=data["rule"])
        if data.get("unit"):
            queryset = queryset.filter(unit_id=data["unit"])
        if data.get("min_score") is not None:
            queryset = queryset.filter(score__gte=data["min_score"])
        return queryset


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    form = QueueFilter(request.GET or None, scope)
    base = suspicions(scope)
    rows = form.apply(base).select_related("rule", "unit", "officer").order_by("-score", "-pk")
    page = page_of(request, rows, default=PAGE_SIZE)
    found = list(page)
    items = [{"f": f, "summary": s} for f, s in zip(found, summaries(found, scope), strict=True)]
    audit_view(request, AuditAction.VIEW_INTEL_QUEUE, "", filters=request.GET.dict())
    return render(
        request,
        "review/queue.html",
        {
            "form": form,
            "page": page,
            "items": items,
            "rules": rule_counts(base.filter(~_judged())),
            "states": STATES,
        },
    )


def _finding(request: HttpRequest, pk: int) -> tuple[DataScope, Finding]:
    scope = _scope(request)
    finding = get_visible_or_404(
        Finding.objects.filter(rule_id__in=ZN_RULES, status=FindingStatus.SUSPICION).select_related(
            "rule", "unit", "officer", "case"
        ),
        scope,
        label=f"研判疑点#{pk}",
        pk=pk,
    )
    return scope, finding


def _decisions(finding: Finding) -> list[dict[str, Any]]:
    """Who decided what and when: the first step of each problem of the finding (which is the
    confirmation or the dismissal), with the problem's current status (two queries)."""
    problems = list(
        Problem.objects.filter(finding=finding).prefetch_related("actions").order_by("created_at")
    )
    steps = [(p, p.actions.all()[0]) for p in problems if p.actions.all()]
    users = get_user_model().objects.filter(username__in={a.actor for _, a in steps})
    names = {u.get_username(): u.first_name or u.get_username() for u in users}
    return [{"problem": p, "action": a, "who": names.get(a.actor, a.actor)} for p, a in steps]


@login_required
@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    scope, finding = _finding(request, pk)
    allowed = allowed_finding_actions(finding, request.user)
    proof = evidence(finding, scope)
    audit_view(
        request,
        AuditAction.VIEW_FINDING,
        str(finding.pk),
        page="intel_review",
        rule=finding.rule_id,
        other=proof.get("other_id", ""),
    )
    return render(
        request,
        "review/review.html",
        {
            "f": finding,
            "ev": proof,
            "explanation": explanation(finding, proof),
            "can_confirm": CONFIRM in allowed,
            "can_dismiss": DISMISS in allowed,
            "can_escalate": CONFIRM in allowed and finding.rule_id in DISPUTE_RULES,
            "decisions": _decisions(finding),
        },
    )


def _refusal(finding: Finding, request: HttpRequest, action: str) -> str | None:
    """Raise PermissionDenied (403) when the user may not take ``action`` at all (not a
    reviewer: a 局领导, a 所队长 …); the Chinese message when only the finding's state forbids it
    now (judged already, by someone quicker, or a problem in progress); None when allowed."""
    try:
        require_finding_action(finding, signed_in_user(request), action)
    except ValidationError as exc:
        return "；".join(exc.messages)
    return None


def _back(finding: Finding) -> HttpResponse:
    return redirect("review:review", pk=finding.pk)


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    _, finding = _finding(request, pk)
    refused = _refusal(finding, request, CONFIRM)
    if refused:
        messages.error(request, refused)
        return _back(finding)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return _back(finding)
    try:
        problem = confirm_suspicion(
            finding,
            actor=signed_in_user(request),
            comment=form.cleaned_data["comment"],
            remote_addr=client_addr(request),
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return _back(finding)
    messages.success(request, f"已确认为问题：问题#{problem.pk}，已推送责任民警整改。")
    return redirect(f"/problems/{problem.pk}/")


@login_required
@require_POST
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    _, finding = _finding(request, pk)
    refused = _refusal(finding, request, DISMISS)
    if refused:
        messages.error(request, refused)
        return _back(finding)
    form = DismissForm(finding, request.POST)
    if not form.is_valid():
        messages.error(request, plain_error_text(form))
        return _back(finding)
    reason = form.cleaned_data["reason"]
    try:
        dismiss_finding(
            finding,
            actor=signed_in_user(request),
            reason=reason,
            remote_addr=client_addr(request),
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return _back(finding)
    messages.success(request, f"疑点#{finding.pk}已不予认定，计入规则 {finding.rule_id} 的误报。")
    return redirect(reverse("review:queue"))


@login_required
@require_POST
def escalate_dispute(request: HttpRequest, pk: int) -> HttpResponse:
    """确认为纠纷升级: the incident's dispute (created if it has none) is escalated with a 抄告
    letter, and the suspicion is confirmed (so it counts as true for its rule and the unit
    follows it up in the rectification loop), all or nothing."""
    _, finding = _finding(request, pk)
    if finding.rule_id not in DISPUTE_RULES:
        raise PermissionDenied(f"规则 {finding.rule_id} 的疑点不能确认为纠纷升级")
    refused = _refusal(finding, request, CONFIRM)
    if refused:
        messages.error(request, refused)
        return _back(finding)
    form = EscalateDisputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return _back(finding)
    actor = signed_in_user(request)
    reason = form.cleaned_data["reason"]
    try:
        with transaction.atomic():
            dispute = ensure_dispute(finding.subject_id, actor=actor)
            letter = escalate(
                dispute,
                actor=actor,
                reason=reason or f"研判疑点 {finding.rule_id} {finding.rule.name}经法制员确认",
                remote_addr=client_addr(request),
            )
            confirm_suspicion(
                finding,
                actor=actor,
                comment=f"确认为纠纷升级：纠纷 {dispute.incident_id} 已抄告（{letter.number}）"
                + (f"。{reason}" if reason else ""),
                remote_addr=client_addr(request),
            )
    except DisputeError as exc:
        messages.error(request, f"无法确认为纠纷升级：{exc}")
        return _back(finding)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return _back(finding)
    messages.success(request, f"已确认为纠纷升级：抄告函 {letter.number} 已制发。")
    return redirect(f"/disputes/{dispute.pk}/")
