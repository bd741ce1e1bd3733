"""What the rectification loop adds to other apps' pages: on a finding, its problem and the
push/confirm/dismiss actions; on a rule, its precision; on an officer, his problems by status."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from django.urls import reverse

from fazhi.core.scope import DataScope, visible
from fazhi.patrol.models import Finding, Rule
from fazhi.records import models as m
from fazhi.rectification.models import Problem, ProblemStatus
from fazhi.rectification.services.burden import burden_summary
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
    from django.utils import timezone

    from fazhi.patrol.permissions import can_change_rules
    from fazhi.rectification.forms import LiftForm, SilenceForm
    from fazhi.rectification.models import Silence

    editor = can_change_rules(request.user)
    now = timezone.now()
    return {
        "precision": rule_precision(rule.code),
        "burden": burden_summary(visible(Problem.objects.filter(rule=rule), scope), now),
        # the silences within the reader's scope: current and those of the last 90 days
        "silences": list(
            visible(Silence.objects.filter(rule=rule), scope)
            .filter(ends_at__gte=now - timedelta(days=90))
            .select_related("unit", "officer")[:50]
        ),
        "silence_now": now,
        "silence_form": SilenceForm() if editor else None,
        "lift_form": LiftForm() if editor else None,
    }


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
