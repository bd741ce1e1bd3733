"""What the rectification loop adds to other apps' pages: on a finding, its problem and the
push/confirm/dismiss actions; on a rule, its precision; on an officer, his problems by status."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from django.urls import reverse

from fazhi.core.scope import DataScope, visible
from fazhi.patrol.models import Finding, FindingStatus, Rule
from fazhi.records import models as m
from fazhi.rectification.models import Problem, ProblemStatus
from fazhi.rectification.services.precision import rule_precision


def finding_page(fd: Finding, request: HttpRequest, scope: DataScope) -> dict[str, Any]:
    actions = []
    if not scope.own_only and fd.is_open:
        candidates = [("push", "推送整改", "")]
        if fd.status == FindingStatus.SUSPICION:
            candidates += [("confirm", "确认疑点", ""), ("dismiss", "不予认定", "danger")]
        actions = [
            {"url": reverse(f"rectification:{verb}", args=[fd.pk]), "label": label, "css": css}
            for verb, label, css in candidates
        ]
    return {"actions": actions, "problem": Problem.objects.filter(finding=fd).first()}


def rule_page(rule: Rule, request: HttpRequest, scope: DataScope) -> dict[str, Any]:
    return {"precision": rule_precision(rule.code)}


def officer_page(officer: m.Officer, request: HttpRequest, scope: DataScope) -> dict[str, Any]:
    labels = dict(ProblemStatus.choices)
    counts = (
        visible(Problem.objects.filter(officer_id=officer.pk), scope)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by("status")
    )
    return {
        "problems": [
            {"label": labels.get(r["status"], r["status"]), "count": r["n"]} for r in counts
        ]
    }
