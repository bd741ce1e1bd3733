"""custody views: the register, a case's ledger with its chains, the differences, the deposit
ledger; all narrowed by the viewer's data scope (``visible``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from fazhi.core.audit_actions import AuditAction
from fazhi.core.help import help_page
from fazhi.core.paging import page_of
from fazhi.core.scope import get_visible_or_404, scope_of, visible
from fazhi.core.services import audit_export, audit_view
from fazhi.core.xlsx import CONTENT_TYPE, beijing, text, write_xlsx
from fazhi.custody import ledger
from fazhi.custody.filters import PropertyFilterSet
from fazhi.custody.models import StoredDifference
from fazhi.records import models as m

HEADER = ["编号", "财物", "类别", "数量", "价值", "案件", "办案单位", "扣押时间", "状态",
          "保管位置", "流转状态", "最后流转时间", "流转次数"]  # fmt: skip
WIDTHS = [18, 20, 10, 8, 10, 18, 16, 17, 8, 14, 10, 17, 8]


def _register(request: HttpRequest) -> tuple[PropertyFilterSet, Any]:
    scope = scope_of(request.user)
    base = ledger.register(visible(m.Property.objects.all(), scope))
    filterset = PropertyFilterSet(request.GET, base, scope=scope)
    return filterset, filterset.qs.select_related("case", "case__unit").order_by("seized_at", "pk")


@login_required
@require_GET
def ledger_page(request: HttpRequest) -> HttpResponse:
    filterset, rows = _register(request)
    page = page_of(request, rows, default=50)
    for p in page:
        p.place = ledger.place_of(p.last_kind)
    audit_view(request, AuditAction.VIEW_CUSTODY, "ledger", **filterset.summary())
    return render(request, "custody/ledger.html", {"page": page, "form": filterset})


def _cells(ws: WriteOnlyWorksheet, p: m.Property) -> list[Any]:
    return [
        text(ws, p.pk), text(ws, p.name), text(ws, p.get_category_display()), p.quantity,
        p.value, text(ws, p.case_id), text(ws, p.case.unit.name), beijing(p.seized_at),
        text(ws, p.get_status_display()), text(ws, p.location or "—"),
        text(ws, ledger.place_of(p.last_kind)),  # type: ignore[attr-defined]
        beijing(p.last_at),  # type: ignore[attr-defined]
        p.moves,  # type: ignore[attr-defined]
    ]  # fmt: skip


@login_required
@require_GET
def ledger_export(request: HttpRequest) -> FileResponse:
    filterset, rows = _register(request)
    out, count = write_xlsx("涉案财物台账", HEADER, WIDTHS, rows.iterator(chunk_size=2000), _cells)
    audit_export(request, AuditAction.EXPORT_CUSTODY, count, filters=filterset.summary())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(
        out, as_attachment=True, filename=f"涉案财物台账-{stamp}.xlsx", content_type=CONTENT_TYPE
    )


@login_required
@require_GET
def case_ledger(request: HttpRequest, case_id: str) -> HttpResponse:
    scope = scope_of(request.user)
    case = get_visible_or_404(
        m.Case.objects.select_related("unit"), scope, label="案件", pk=case_id
    )
    items = list(ledger.register(m.Property.objects.filter(case=case)).order_by("seized_at", "pk"))
    for p in items:
        p.place = ledger.place_of(p.last_kind)  # type: ignore[attr-defined]
    chains = ledger.chains(items)
    rec = ledger.reconcile(
        m.Property.objects.filter(case=case),
        m.PropertyMovement.objects.filter(property__case=case),
        m.Event.objects.filter(case=case),
        timezone.now(),
    )
    audit_view(request, AuditAction.VIEW_CUSTODY, case.pk)
    return render(
        request,
        "custody/case.html",
        {"case": case, "items": [(p, chains[p.pk]) for p in items], "rec": rec},
    )


@login_required
@require_GET
def differences(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    run = ledger.latest_stored()
    if run is not None:
        # what the tick stored at the latest patrol run's moment, narrowed to the scope
        rec = ledger.stored(visible(StoredDifference.objects.all(), scope), run)
    else:
        # before the first patrol run has been reconciled: computed now
        rec = ledger.reconcile(
            visible(m.Property.objects.all(), scope),
            visible(m.PropertyMovement.objects.all(), scope),
            visible(m.Event.objects.all(), scope),
            timezone.now(),
        )
    audit_view(request, AuditAction.VIEW_CUSTODY, "differences")
    return render(
        request,
        "custody/differences.html",
        {"rec": rec, "shown": ledger.SHOWN, "stored": run is not None},
    )


@login_required
@require_GET
def deposits(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    now = timezone.now()
    rows = ledger.deposits(visible(m.Measure.objects.all(), scope), now)
    totals = ledger.deposit_totals(rows)
    units = dict(m.Unit.objects.filter(pk__in=[u for u in totals if u]).values_list("pk", "name"))
    by_unit = [(units.get(u, u), t) for u, t in totals.items() if u]
    diffs = ledger.deposit_differences(rows, visible(m.Event.objects.all(), scope), now)
    sections = [
        (label, list(diffs[key][: ledger.SHOWN]), diffs[key].count())
        for key, label in ledger.DEPOSIT_DIFFERENCES.items()
    ]
    page = page_of(request, rows.select_related("person", "case").order_by("-started_at", "pk"))
    audit_view(request, AuditAction.VIEW_CUSTODY, "deposits")
    return render(
        request,
        "custody/deposits.html",
        {
            "total": totals[""],
            "by_unit": by_unit,
            "sections": sections,
            "page": page,
            "states": ledger.DEPOSIT_STATES,
        },
    )


@login_required
@require_GET
def help_view(request: HttpRequest) -> HttpResponse:
    return help_page(
        request,
        area="涉案财物台账",
        intro=(
            "涉案财物实行办案与保管分离：扣押后24小时内移交入库，调用须经批准并按期归还，"
            "与案件无关的财物3日内退还。台账按流转记录汇总每件财物的保管位置和去向，并与"
            "财物入库、返还、处置的执法记录逐条核对。"
        ),
        statuses=[
            (
                "有流转记录无执法记录",
                "保管部门登记了入库、返还或处置，案件中没有对应记录",
                "核实后补录执法记录",
            ),
            (
                "有执法记录无流转记录",
                "案件中记录了入库、返还或处置，保管台账没有对应流转",
                "核实财物去向，补正流转登记",
            ),
            ("未在24小时内入库", "扣押后超过24小时才入库或尚未入库", "督促办案民警移交入库"),
            ("调用逾期未归还", "调用的财物超过应归还时间仍未归还", "督促调用人归还入库"),
            ("无关财物未在3日内退还", "认定与案件无关后3日内未退还", "督促退还原主"),
        ],
        back_url="/custody/",
        back_label="涉案财物台账",
    )
