"""The 我的工作台 panel "本单位每日十问": today's sheet of the user's unit (unit roles), or today's
completion across the bureau (法制大队, 局领导, 管理员). 民警 get no panel."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from fazhi.accounts.models import Role
from fazhi.accounts.scope import UNIT_ROLES
from fazhi.core.scope import DataScope
from fazhi.dailycheck.models import DailySheet
from fazhi.dailycheck.questions import QUESTIONS
from fazhi.dailycheck.services import SHEET_UNIT_KINDS
from fazhi.records.models import Unit

BUREAU_PANEL_ROLES = frozenset({Role.LEGAL_BRIGADE, Role.BUREAU_LEADER, Role.ADMIN})


def workbench_panel(request: HttpRequest, scope: DataScope) -> dict[str, Any] | None:
    today = timezone.localdate()
    base = {
        "title": "本单位每日十问",
        "template": "dailycheck/panel.html",
        "order": 40,
        "day": today,
        "question_count": len(QUESTIONS),
    }
    if scope.role in UNIT_ROLES and scope.unit_id and not scope.own_only:
        sheet = DailySheet.objects.with_progress().filter(unit_id=scope.unit_id, day=today).first()
        return {
            **base,
            "mode": "unit",
            "unit_id": scope.unit_id,
            "sheet": sheet,
            "with_records": getattr(sheet, "with_records", 0),
            "confirmed": getattr(sheet, "confirmed", 0),
        }
    if scope.role in BUREAU_PANEL_ROLES and not scope.own_only:
        units = Unit.objects.filter(kind__in=SHEET_UNIT_KINDS)
        if scope.unit_ids is not None:
            units = units.filter(pk__in=sorted(scope.unit_ids))
        total = units.count()
        completed = DailySheet.objects.filter(
            day=today, unit_id__in=units.values("pk"), completed_at__isnull=False
        ).count()
        return {
            **base,
            "title": "各单位每日十问",
            "mode": "bureau",
            "total": total,
            "completed": completed,
        }
    return None
