"""执法智慧大屏: the page (opened once, audited) and its board (polled by htmx every
``FAZHI_SCREEN_REFRESH_SECONDS``, from the per-scope cache of ``board.cached_board``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from fazhi.core.audit_actions import AuditAction
from fazhi.core.scope import scope_of, visible
from fazhi.core.services import audit_view
from fazhi.records import models as m
from fazhi.screen import charts, permissions
from fazhi.screen.board import cached_board


def _context(request: HttpRequest) -> dict[str, Any]:
    permissions.require_view(request.user)
    scope = scope_of(request.user)
    now = timezone.now()
    data = cached_board(scope, now)
    return {
        "now": now,
        "data": data,
        "charts": charts.options(data),
        "refresh": settings.FAZHI_SCREEN_REFRESH_SECONDS,
    }


@login_required
@require_GET
def screen(request: HttpRequest) -> HttpResponse:
    context = _context(request)
    scope = scope_of(request.user)
    if scope.unit_id and not scope.bureau_wide:
        unit = visible(m.Unit.objects.filter(pk=scope.unit_id), scope).first()
        context["title_unit"] = unit.name if unit else ""
    else:
        context["title_unit"] = ""
    audit_view(request, AuditAction.VIEW_SCREEN, "")
    return render(request, "screen/screen.html", context)


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    # Not audited: a screen polls every minute all day; opening it is the act worth recording.
    response = render(request, "screen/_board.html", _context(request))
    # screen.js swaps only a board: a sign-in page (the session ended) reloads the screen instead
    response["X-Fazhi-Board"] = "1"
    return response
