"""What the rectification loop adds to other apps' pages: on a finding, its problem and the
push/confirm/dismiss actions; on a rule, its precision; on an officer, his problems by status."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from django.urls import reverse

from fazhi.core.scope import DataScope, visible
from fazhi.patrol.models import Finding, Rule
from fazhi.records import models as m
from fazhi.rectification.models import Problem, ProblemStatus
from fazhi.rectification.services.permissions import (
    ACTION_LABELS,
    CONFIRM,
    DISMISS,
    PUSH,
    allowed_finding_actions,
)
from fazhi.rectification.services.precision import rule_precision


def finding_page(fd: Finding, request: HttpRequest, scope: DataScope) -> dict[str, Any]:
    # exactly what the services would accept (the same rules): no 推送整改 on a finding whose
    # problem is in progress, no 确认 of a suspicion already judged
    allowed = allowed_finding_actions(fd, request.user)
    candidates = [(PUSH, ""), (CONFIRM, ""), (DISMISS, "danger")]
    actions = [
        {"url": reverse(f"rectification:{verb}", args=[fd.pk]), "label": ACTION_LABELS[verb],
         "css": css}
        for verb, css in candidates
        if verb in allowed
    ]  # fmt: skip
    problem = Problem.objects.filter(finding=fd).order_by("-created_at", "-pk").first()
    return {"actions": actions, "problem": problem}


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
