"""The standards library's pages: the list (each standard once, filtered by category, by whether
a rule enforces it, by state), a standard with its whole history (every version, what changed and
why, who changed it, the rules enforcing each version, its abolition), and the library as a file
(export for every reader; import, revision and abolition for the 法制大队 and administrators).
Thin: the services judge and audit every change, ``permissions`` says who may act."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fazhi.core.audit_actions import AuditAction
from fazhi.core.help import help_page
from fazhi.core.registry import extend_page
from fazhi.core.scope import scope_of, visible
from fazhi.core.services import audit_export, audit_view, signed_in_user
from fazhi.patrol.models import Finding
from fazhi.standards import diff, library
from fazhi.standards.filters import StandardFilterSet
from fazhi.standards.forms import AbolishForm, ImportForm, RevisionForm
from fazhi.standards.models import Standard, StandardCategory
from fazhi.standards.permissions import can_edit_standards, require_edit_standards
from fazhi.standards.services import StandardError, abolish_standard, revise_standard


@login_required
@require_GET
def standards(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    latest = Standard.objects.latest_versions()
    form = StandardFilterSet(request.GET, latest, scope=scope_of(request.user), today=today)
    # the categories in the order the bureaus' 标准体系 lists them, not by their characters
    in_order = Case(
        *(When(category=c.value, then=Value(i)) for i, c in enumerate(StandardCategory)),
        default=Value(len(StandardCategory)),
    )
    rows = form.qs.prefetch_related("rules").order_by(in_order, "code")
    # the written-only standards (no rule enforces them yet), per category, among those in force
    written = Counter(
        latest.written_only()
        .exclude(abolished_on__isnull=False, abolished_on__lte=today)
        .values_list("category", flat=True)
    )
    audit_view(request, AuditAction.VIEW_STANDARDS, "", filters=form.summary())
    return render(
        request,
        "standards/standards.html",
        {
            "standards": rows,
            "form": form,
            "today": today,
            "written": [(c.value, c.label, written.get(c.value, 0)) for c in StandardCategory],
            "written_total": sum(written.values()),
            "can_edit": can_edit_standards(request.user),
        },
    )


def _history(versions: list[Standard], today: date) -> list[dict[str, Any]]:
    """Oldest first: each version with its rules and what changed from the one before."""
    out: list[dict[str, Any]] = []
    before: Standard | None = None
    for v in versions:
        rules = sorted(v.rules.all(), key=lambda r: r.code)
        codes = [r.code for r in rules]
        change = None
        if before is not None:
            change = diff.compare(
                before.title, before.get_category_display(), before.text, out[-1]["codes"],
                v.title, v.get_category_display(), v.text, codes,
            )  # fmt: skip
        out.append(
            {
                "v": v, "rules": rules, "codes": codes, "change": change,
                "previous": before.version if before else None, "state": v.state_on(today),
            }
        )  # fmt: skip
        before = v
    return out


def _standard_context(request: HttpRequest, code: str) -> dict[str, Any]:
    scope = scope_of(request.user)
    versions = list(
        Standard.objects.filter(code=code).prefetch_related("rules").order_by("version")
    )
    if not versions:
        raise Http404("没有这个标准")
    current = versions[-1]
    today = timezone.localdate()
    in_force = [v for v in versions if v.state_on(today) == "现行"]
    shown = in_force[-1] if in_force else current
    rule_codes = {r.code for v in versions for r in v.rules.all()}
    found = visible(Finding.objects.filter(rule_id__in=rule_codes), scope)
    counts = {row["rule_id"]: row for row in found.status_counts("rule_id")}
    current_rules = {r.code for r in current.rules.all()}
    rules_rows = [
        {"rule": r, "counts": counts.get(r.code, {}), "current": r.code in current_rules}
        for r in sorted({r for v in versions for r in v.rules.all()}, key=lambda r: r.code)
    ]
    editable = can_edit_standards(request.user) and not current.is_abolished
    return {
        "current": current,
        "shown": shown,
        "state": shown.state_on(today),
        "today": today,
        "history": list(reversed(_history(versions, today))),
        "rules": rules_rows,
        "can_edit": editable,
        "revise_form": RevisionForm(
            initial={
                "title": current.title,
                "text": current.text,
                "rules": sorted(current_rules),
            }
        )
        if editable
        else None,
        "abolish_form": AbolishForm() if editable else None,
        **extend_page("standard", shown, request, scope),
    }


@login_required
@require_GET
def standard(request: HttpRequest, code: str) -> HttpResponse:
    context = _standard_context(request, code)
    audit_view(request, AuditAction.VIEW_STANDARD, code)
    return render(request, "standards/standard.html", context)


def _latest_or_404(code: str) -> Standard:
    current = Standard.objects.filter(code=code).order_by("-version").first()
    if current is None:
        raise Http404("没有这个标准")
    return current


@login_required
@require_POST
def standard_revise(request: HttpRequest, code: str) -> HttpResponse:
    require_edit_standards(request.user)
    current = _latest_or_404(code)
    form = RevisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            new = revise_standard(
                current, actor=signed_in_user(request), title=data["title"], text=data["text"],
                rules=list(data["rules"]), effective_from=data["effective_from"],
                reason=data["reason"],
            )  # fmt: skip
        except StandardError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                f"已发布标准 {new.code} 第{new.version}版，{new.effective_from:%Y-%m-%d}起生效。",
            )
            return redirect("standards:standard", code=code)
    context = _standard_context(request, code)
    context["revise_form"] = form
    context["open_form"] = "revise"
    return render(request, "standards/standard.html", context, status=400)


@login_required
@require_POST
def standard_abolish(request: HttpRequest, code: str) -> HttpResponse:
    require_edit_standards(request.user)
    current = _latest_or_404(code)
    form = AbolishForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            abolish_standard(
                current, actor=signed_in_user(request), on=data["abolished_on"],
                reason=data["reason"],
            )  # fmt: skip
        except StandardError as exc:
            field = "abolished_on" if exc.field == "abolished_on" else None
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            messages.success(
                request, f"已废除标准 {code}，自 {data['abolished_on']:%Y-%m-%d} 起不再执行。"
            )
            return redirect("standards:standard", code=code)
    context = _standard_context(request, code)
    context["abolish_form"] = form
    context["open_form"] = "abolish"
    return render(request, "standards/standard.html", context, status=400)


@login_required
@require_GET
def help_view(request: HttpRequest) -> HttpResponse:
    return help_page(
        request,
        area="执法标准",
        intro="执法标准体系收录本局的执法办案、警务流程、管理服务和队伍建设标准。每条标准可有多个版本，"
        "每个版本写明生效日期、修订理由和执行它的巡查规则。",
        statuses=STATE_HELP,
        back_url=reverse("standards:standards"),
        back_label="返回标准体系",
        notes=(
            "仅书面标准：没有巡查规则执行的标准，巡查不检查，动态评估无从评估；可在列表中按“执行方式”筛选。",
            "法制大队和管理员在标准页面发布新版本或废除标准，须填写理由；标准库文件的导入导出见列表页。",
        ),
    )


STATE_HELP = (
    ("现行", "该版本今天有效。", "按标准内容办理；违反时由执行规则产生巡查发现。"),
    ("尚未生效", "已发布的新版本，生效日期在今天之后。", "生效前仍按现行版本办理。"),
    (
        "已被新版本取代",
        "旧版本，至新版本生效前一天失效。",
        "仅供查阅历史。",
    ),
    ("已废除", "标准已废除，自废除日期起不再执行。", "页面写明废除人和理由；废除的标准不再修订。"),
)


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    text = library.export_library()
    count = text.count("\n") - 1
    audit_export(request, AuditAction.EXPORT_STANDARDS, count)
    name = f"standards-{timezone.localdate():%Y%m%d}.jsonl"
    response = HttpResponse(text.encode("utf-8"), content_type="application/x-ndjson")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_file(request: HttpRequest) -> HttpResponse:
    require_edit_standards(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    problems: list[str] = []
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = library.import_library(
                    upload.read(), actor=signed_in_user(request), name=upload.name or ""
                )
            except StandardError as exc:
                problems = exc.message.splitlines()
            else:
                messages.success(request, f"标准库文件已导入：{result.summary()}。")
                return redirect("standards:standards")
    context = {"form": form, "problems": problems}
    return render(request, "standards/import.html", context, status=status)
