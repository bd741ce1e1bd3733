"""What the service desk adds to other apps' pages: the case page's 执法服务 section (the case's
requests, and the filing form for the case's officers)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from fazhi.core.scope import DataScope
from fazhi.records import models as m
from fazhi.records.enums import MeasureKind
from fazhi.servicedesk import permissions
from fazhi.servicedesk.forms import FileRequestForm


def case_choices(case: m.Case) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The case's seized items and 取保候审 measures a request may name."""
    properties = [
        (p.pk, f"{p.name}（{p.get_status_display()}）")
        for p in m.Property.objects.filter(case=case).order_by("pk")
    ]
    measures = [
        (ms.pk, f"{ms.person.name if ms.person_id else ''} 取保候审 {ms.pk}")
        for ms in m.Measure.objects.filter(case=case, kind=MeasureKind.BAIL)
        .select_related("person")
        .order_by("pk")
    ]
    return properties, measures


def case_page(case: m.Case, request: HttpRequest, scope: DataScope) -> dict[str, Any]:
    rows = (
        permissions.requests_for(scope)
        .filter(case_id=case.pk)
        .select_related("filed_by")
        .order_by("-filed_at", "-pk")
    )
    context: dict[str, Any] = {"service_requests": list(rows[:50]), "service_desk": True}
    if permissions.can_file(case, request.user):
        properties, measures = case_choices(case)
        context["service_form"] = FileRequestForm(properties=properties, measures=measures)
    return context
