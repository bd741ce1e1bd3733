"""dailycheck views: thin, scoped through fazhi.core.scope.

- ``/daily/``: a 法制员's own unit's sheet of today; for everyone else with a unit scope
  (unit leaders, 法制大队, 局领导) today's completion of every unit in scope.
- ``/daily/<unit>/<date>/``: one sheet, its ten questions with their records, the confirm forms.
- ``/daily/stats/``: completion by unit over a period.
民警 have no daily sheet: the list pages answer 403, a sheet page 404 (out of scope).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fazhi.accounts.models import Role
from fazhi.core.audit_actions import AuditAction
from fazhi.core.forms import error_text
from fazhi.core.scope import DataScope, get_visible_or_404, scope_of, visible
from fazhi.core.services import audit_view, client_addr, record_audit, signed_in_user
from fazhi.dailycheck import services
from fazhi.dailycheck.forms import ConfirmAnswerForm, StatsPeriodForm
from fazhi.dailycheck.models import DailyAnswer, DailySheet
from fazhi.dailycheck.questions import QUESTION_BY_CODE, QUESTIONS, record_url
from fazhi.records.models import Unit

# Who may (re)generate the sheets by hand, besides the tick.
GENERATE_ROLES = frozenset({Role.LEGAL_OFFICER, Role.LEGAL_BRIGADE, Role.ADMIN})


def _scope(request: HttpRequest) -> DataScope:
    """The user's scope; 民警 and users without any unit are refused the daily pages."""
    scope = scope_of(request.user)
    if scope.own_only or scope.role is None or (scope.unit_ids is not None and not scope.unit_ids):
        raise PermissionDenied("每日十问仅对法制员、所队领导、法制大队和局领导开放")
    return scope


def _units_in_scope(scope: DataScope) -> list[Unit]:
    units = Unit.objects.filter(kind__in=services.SHEET_UNIT_KINDS).order_by("pk")
    if scope.unit_ids is not None:
        units = units.filter(pk__in=sorted(scope.unit_ids))
    return list(units)


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Http404(f"日期格式有误：{text}（应为 YYYY-MM-DD）") from None


@login_required
def index(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    today = timezone.localdate()
    own_unit = scope.unit_id
    if (
        scope.role == Role.LEGAL_OFFICER
        and own_unit
        and Unit.objects.filter(pk=own_unit, kind__in=services.SHEET_UNIT_KINDS).exists()
    ):
        return _render_sheet(request, scope, own_unit, today, is_index=True)
    units = _units_in_scope(scope)
    sheets = {
        s.unit_id: s
        for s in DailySheet.objects.with_progress().filter(
            day=today, unit_id__in=[u.pk for u in units]
        )
    }
    rows = [{"unit": u, "sheet": sheets.get(u.pk)} for u in units]
    record_audit(request.user, AuditAction.VIEW_DAILY_INDEX, remote_addr=client_addr(request),
                 details={"day": today.isoformat()})  # fmt: skip
    context = {
        "day": today,
        "rows": rows,
        "completed": sum(1 for s in sheets.values() if s.completed_at),
        "total": len(units),
        "question_count": len(QUESTIONS),
        "can_generate": scope.role in GENERATE_ROLES,
    }
    return render(request, "dailycheck/index.html", context)


@login_required
def sheet(request: HttpRequest, unit_id: str, day: str) -> HttpResponse:
    # A detail page: out of scope (民警 included, who have no sheets) is 404, not 403.
    scope = scope_of(request.user)
    return _render_sheet(request, scope, unit_id, _parse_day(day))


def _render_sheet(
    request: HttpRequest,
    scope: DataScope,
    unit_id: str,
    day: date,
    *,
    is_index: bool = False,
    errors: dict[int, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    if not scope.sees_unit(unit_id):
        raise Http404("无此单位的每日十问")
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise Http404("无此单位")
    found = visible(DailySheet.objects.filter(unit_id=unit_id, day=day), scope).first()
    if found is None and not is_index:
        raise Http404(f"{unit.name} {day} 的每日十问尚未生成")
    answers: list[dict[str, Any]] = []
    if found is not None:
        for a in DailyAnswer.objects.filter(sheet=found).order_by("code"):
            question = QUESTION_BY_CODE.get(a.code)
            records = [{**r, "url": record_url(r)} for r in a.records]
            answers.append(
                {
                    "answer": a,
                    "question": question,
                    "records": records,
                    "truncated": a.count - len(records),
                    "error": (errors or {}).get(a.pk, ""),
                }
            )
        audit_view(request, AuditAction.VIEW_DAILY_SHEET, str(found.pk))
    context = {
        "unit": unit,
        "day": day,
        "sheet": found,
        "answers": answers,
        "confirmed": sum(1 for a in answers if a["answer"].confirmed_at),
        "with_records": sum(1 for a in answers if a["answer"].count),
        "question_count": len(QUESTIONS),
        "can_confirm": services.may_confirm_scope(scope, unit_id),
        "can_generate": scope.role in GENERATE_ROLES,
        "is_today": day == timezone.localdate(),
    }
    return render(request, "dailycheck/sheet.html", context, status=status)


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request)
    answer = get_visible_or_404(
        DailyAnswer.objects.select_related("sheet"), scope, label=f"每日十问问题#{pk}", pk=pk
    )
    sheet_obj = answer.sheet
    form = ConfirmAnswerForm(request.POST)
    if not form.is_valid():
        return _render_sheet(
            request, scope, sheet_obj.unit_id, sheet_obj.day,
            errors={answer.pk: f"{answer.code}：{error_text(form)}"}, status=400,
        )  # fmt: skip
    try:
        services.confirm_answer(
            answer, actor=signed_in_user(request), note=form.cleaned_data["note"],
            seen_count=form.cleaned_data["seen_count"], remote_addr=client_addr(request),
        )  # fmt: skip
    except services.DailyCheckError as exc:
        return _render_sheet(
            request, scope, sheet_obj.unit_id, sheet_obj.day,
            errors={answer.pk: str(exc)}, status=400,
        )  # fmt: skip
    messages.success(request, f"{answer.code} 已确认")
    url = reverse("dailycheck:sheet", args=[sheet_obj.unit_id, sheet_obj.day.isoformat()])
    return HttpResponseRedirect(f"{url}#{answer.code}")


@login_required
@require_POST
def generate(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    if scope.role not in GENERATE_ROLES:
        raise PermissionDenied("只有法制员、法制大队或管理员可以生成每日十问")
    now = timezone.now()
    stats = services.generate_sheets(timezone.localdate(now), now, actor=signed_in_user(request))
    messages.success(
        request,
        f"已生成{stats['sheets_created']}个单位的每日十问，更新{stats['answers_updated']}项答案",
    )
    return HttpResponseRedirect(reverse("dailycheck:index"))


@login_required
def stats(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    start, end = services.default_period(timezone.localdate())
    error = ""
    form = StatsPeriodForm(request.GET)
    if form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    else:
        error = f"统计期间有误：{error_text(form)}"
    try:
        table = services.completion_stats(scope, start, end)
    except services.DailyCheckError as exc:  # a start given alone after the default end
        error = f"统计期间有误：{exc}"
        start, end = services.default_period(timezone.localdate())
        table = services.completion_stats(scope, start, end)
    record_audit(request.user, AuditAction.VIEW_DAILY_STATS, remote_addr=client_addr(request),
                 details={"start": start.isoformat(), "end": end.isoformat()})  # fmt: skip
    return render(
        request,
        "dailycheck/stats.html",
        {"start": start, "end": end, "table": table, "error": error},
        status=400 if error else 200,
    )
