"""The record pages: a case, an incident, a person, an officer. Thin, scoped through
``fazhi.core.scope`` (a row out of the user's scope is a 404, exactly like a row that does not
exist), every view audited.

A record page shows the record; what other apps know about it (the patrol's findings and the
deadlines they time, the rectification problems of an officer) they add through the page's
extensions (``fazhi.core.registry``: page keys ``case``, ``incident``, ``person``, ``officer``).
On the case page an extension may return ``timeline`` (lines, ``records.timeline.Item``),
``clocks`` (``records.timeline.Clock``) and ``timed_measures`` (measure ids its clocks already
time); every other key is merged into the page's context.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from fazhi.core.audit_actions import AuditAction
from fazhi.core.help import help_page
from fazhi.core.registry import extend_page, page_extensions
from fazhi.core.scope import get_visible_or_404, scope_of, visible
from fazhi.core.services import audit_view
from fazhi.records import enums
from fazhi.records import models as m
from fazhi.records.timeline import Clock, Item, case_timeline, measure_clocks, sort_clocks

TIMELINE_PAGE = 500
PAGE_SIZE = 25


@login_required
@require_GET
def case(request: HttpRequest, pk: str) -> HttpResponse:
    scope = scope_of(request.user)
    cs = get_visible_or_404(
        m.Case.objects.select_related("unit", "lead_officer", "incident"), scope, pk=pk
    )
    context: dict[str, Any] = {}
    lines: list[Item] = []
    clocks: list[Clock] = []
    timed: set[str] = set()
    for extension in page_extensions("case"):
        extra = dict(extension(cs, request, scope) or {})
        lines += extra.pop("timeline", [])
        clocks += extra.pop("clocks", [])
        timed |= extra.pop("timed_measures", set())
        context.update(extra)
    paginator = Paginator(case_timeline(cs, lines), TIMELINE_PAGE)
    officers = [
        link.officer for link in cs.officer_links.select_related("officer").order_by("position")
    ]
    audit_view(request, AuditAction.VIEW_CASE, cs.pk)
    context.update(
        {
            "case": cs,
            "officers": officers,
            "persons": cs.persons.order_by("pk"),
            "clocks": sort_clocks(clocks + measure_clocks(cs, timed)),
            "timeline": paginator.get_page(request.GET.get("page")),
            "now": timezone.now(),
        }
    )
    return render(request, "records/case.html", context)


@login_required
@require_GET
def incident(request: HttpRequest, pk: str) -> HttpResponse:
    scope = scope_of(request.user)
    inc = get_visible_or_404(m.Incident.objects.select_related("unit"), scope, pk=pk)
    officers = [
        link.officer for link in inc.officer_links.select_related("officer").order_by("position")
    ]
    cases = visible(m.Case.objects.filter(incident=inc), scope).select_related("unit")
    followups = inc.followups.select_related("officer").order_by("at")
    context = extend_page("incident", inc, request, scope)
    audit_view(request, AuditAction.VIEW_INCIDENT, inc.pk)
    context.update(
        {
            "incident": inc,
            "officers": officers,
            "cases": cases,
            "followups": followups,
            "now": timezone.now(),
        }
    )
    return render(request, "records/incident.html", context)


@login_required
@require_GET
def person(request: HttpRequest, pk: str) -> HttpResponse:
    scope = scope_of(request.user)
    ps = get_visible_or_404(m.Person.objects.select_related("case", "case__unit"), scope, pk=pk)
    others = m.Person.objects.none()
    if ps.id_number:
        # The same person (by 身份证号) in other cases: only the cases this user may see.
        others = (
            visible(m.Person.objects.filter(id_number=ps.id_number), scope)
            .exclude(pk=ps.pk)
            .select_related("case", "case__unit")
            .order_by("-case__accepted_at")[:100]
        )
    context = extend_page("person", ps, request, scope)
    audit_view(request, AuditAction.VIEW_PERSON, ps.pk)
    context.update({"person": ps, "others": others, "measures": ps.measures.order_by("started_at")})
    return render(request, "records/person.html", context)


@login_required
@require_GET
def officer(request: HttpRequest, pk: str) -> HttpResponse:
    scope = scope_of(request.user)
    off = get_visible_or_404(m.Officer.objects.select_related("unit"), scope, pk=pk)
    cases = (
        visible(m.Case.objects.all(), scope)
        .filter(
            Q(lead_officer=off)
            | Q(pk__in=m.CaseOfficer.objects.filter(officer=off).values("case_id"))
        )
        .select_related("unit", "lead_officer")
        .order_by("-accepted_at")
    )
    context = extend_page("officer", off, request, scope)
    audit_view(request, AuditAction.VIEW_OFFICER, off.pk)
    context.update(
        {
            "officer": off,
            "cases": Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page")),
            "now": timezone.now(),
        }
    )
    return render(request, "records/officer.html", context)


_CASE_HELP = {
    "受案": ("已受理，尚未作出立案或不予立案决定。", "在法定期限内审查并作出立案或不予立案决定。"),
    "立案": ("已立案，进入侦查或调查。", "依法采取措施、制作笔录，注意页面上正在计时的法定期限。"),
    "不予立案": ("经审查不予立案。", "依法告知报案人，归档相关文书。"),
    "侦查中": ("刑事案件侦查中。", "关注羁押、取保等期限，按时提请批捕或变更强制措施。"),
    "移送审查起诉": ("已移送检察机关审查起诉。", "按要求补充侦查，处置涉案财物。"),
    "撤销案件": ("案件已撤销。", "解除强制措施，退还或处置涉案财物。"),
    "终止侦查": ("已终止侦查。", "解除强制措施，处置涉案财物。"),
    "已处罚": ("行政案件已作出处罚决定。", "送达决定书，按期执行，处置涉案财物。"),
}


@login_required
@require_GET
def cases_help(request: HttpRequest) -> HttpResponse:
    statuses = [
        (label, *_CASE_HELP.get(value, ("", ""))) for value, label in enums.CaseStatus.choices
    ]
    return help_page(
        request, area="案件", back_url="/", back_label="我的工作台",
        intro="案件页汇总一个案件的全部执法要素：人员、措施、笔录、文书、财物，以及正在计时的法定期限和巡查发现。",
        statuses=statuses,
        notes=[
            "“正在计时的法定期限”按剩余时间着色：红色已超期，橙色24小时内到期。",
            "民警可查看本人主办、协办的案件及其警情；法制员等可查看本单位及下级单位的案件。",
        ],
    )  # fmt: skip
