"""The evaluation panel of 我的工作台: a 民警's own score of the last published month; a unit's
leaders and 法制员 their units' scores and ranks; the 法制大队, administrators and 局领导 the
appeals waiting for a decision."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from fazhi.accounts.models import Role
from fazhi.accounts.scope import BUREAU_ROLES, UNIT_ROLES
from fazhi.core.scope import DataScope, visible
from fazhi.evaluation.models import (
    OWED,
    AnalysisStatus,
    AnalysisTask,
    Appeal,
    AppealStatus,
    Evaluation,
    EvaluationStatus,
    Score,
)


def workbench_panel(request: HttpRequest, scope: DataScope) -> dict[str, Any] | None:
    ev = Evaluation.objects.filter(status=EvaluationStatus.PUBLISHED).order_by("-month").first()
    base = {"title": "执法质量考评", "template": "evaluation/panel.html", "order": 55, "ev": ev}
    if scope.role == Role.OFFICER and scope.officer_id:
        if ev is None:
            return None
        score = (
            visible(Score.objects.filter(evaluation=ev, subject="officer"), scope)
            .filter(officer_id=scope.officer_id)
            .first()
        )
        return {**base, "kind": "own", "score": score} if score else None
    if scope.role in UNIT_ROLES:
        units = (
            list(
                visible(Score.objects.filter(evaluation=ev, subject="unit"), scope)
                .select_related("unit")
                .order_by("rank", "unit_id")[:5]
            )
            if ev is not None
            else []
        )
        # the worst cases' 剖析 the unit still owes
        owed = list(
            visible(AnalysisTask.objects.filter(status__in=OWED), scope)
            .select_related("pick")
            .order_by("due_at")[:3]
        )
        if not units and not owed:
            return None
        return {**base, "kind": "unit", "units": units, "owed": owed}
    if scope.role in BUREAU_ROLES or request.user.is_superuser:
        pending = visible(Appeal.objects.filter(status=AppealStatus.PENDING), scope).count()
        submitted = AnalysisTask.objects.filter(status=AnalysisStatus.SUBMITTED).count()
        return {**base, "kind": "appeals", "pending": pending, "submitted": submitted}
    return None
