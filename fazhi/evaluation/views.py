"""evaluation views: thin, scoped through ``fazhi.core.scope``; every change goes through
``services`` (which refuses a wrong user itself)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from fazhi.core.audit_actions import AuditAction
from fazhi.core.errors import DomainError
from fazhi.core.forms import plain_error_text
from fazhi.core.scope import get_visible_or_404, scope_of, visible
from fazhi.core.services import audit_view, signed_in_user
from fazhi.evaluation import integrity, permissions, quality, services
from fazhi.evaluation.forms import (
    AnalysisDecideForm,
    AnalysisUploadForm,
    AppealForm,
    ComputeForm,
    DecideForm,
    PickForm,
)
from fazhi.evaluation.models import (
    OWED,
    AnalysisDocument,
    AnalysisStatus,
    AnalysisTask,
    Appeal,
    AppealStatus,
    CasePick,
    Evaluation,
    EvaluationStatus,
    Score,
    ScoreItem,
    SubjectKind,
)
from fazhi.evaluation.scheme import FORBIDDEN, SOURCE_LABELS, SUBJECT_LABELS, load
from fazhi.evaluation.services import EvaluationError
from fazhi.records import models as m


def _versions(user: Any) -> QuerySet[Evaluation]:
    return services.readable_versions(user)


def _version_or_404(request: HttpRequest, pk: int) -> Evaluation:
    ev = _versions(request.user).filter(pk=pk).first()
    if ev is None:
        raise Http404("考评结果不存在或尚未发布")
    return ev


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    versions = _versions(request.user).order_by("-month", "-version")[:60]
    audit_view(request, AuditAction.VIEW_EVALUATIONS, "")
    return render(
        request,
        "evaluation/index.html",
        {
            "versions": versions,
            "can_manage": permissions.can_manage(request.user),
            "form": ComputeForm(initial={"month": f"{timezone.localdate():%Y-%m}"}),
        },
    )


@login_required
@require_POST
def compute(request: HttpRequest) -> HttpResponse:
    form = ComputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, plain_error_text(form))
        return redirect("evaluation:index")
    try:
        month = services.parse_month(form.cleaned_data["month"])
        ev = services.compute_month(month, actor=signed_in_user(request))
    except EvaluationError as exc:
        messages.error(request, exc.message)
        return redirect("evaluation:index")
    if ev.status == EvaluationStatus.PUBLISHED:
        messages.info(request, f"{ev.month_text} 已发布，发布结果不随数据变化")
    return redirect("evaluation:version", pk=ev.pk)


def _chart(units: Sequence[Score]) -> dict[str, Any] | None:
    scored = [s for s in units if s.score is not None]
    if not scored:
        return None
    return {
        "grid": {"left": 120, "right": 30, "top": 10, "bottom": 30},
        "xAxis": {"type": "value", "min": 0, "max": 100},
        "yAxis": {"type": "category", "inverse": True, "data": [s.unit.name for s in scored]},
        "series": [{"type": "bar", "data": [float(s.score or 0) for s in scored],
                    "label": {"show": True, "position": "right"}}],
    }  # fmt: skip


PAGE = 100


def _previous_ranks(ev: Evaluation, shown: Sequence[Score]) -> None:
    """Month-on-month movement: each shown score's rank in the previous month's published
    version (``previous_rank``; one query over the shown subjects)."""
    first = ev.month
    prev_month = first.replace(
        year=first.year - (first.month == 1), month=(first.month - 2) % 12 + 1
    )
    rows = Score.objects.filter(
        evaluation__month=prev_month, evaluation__status=EvaluationStatus.PUBLISHED
    ).filter(
        Q(subject=SubjectKind.UNIT, unit_id__in={s.unit_id for s in shown})
        | Q(officer_id__in={s.officer_id for s in shown if s.officer_id})
    )
    before: dict[tuple[str, str, str | None, str], int | None] = {
        (subject, unit, officer, role): rank
        for subject, unit, officer, role, rank in rows.values_list(
            "subject", "unit_id", "officer_id", "leader_role", "rank"
        )
    }
    for s in shown:
        key = (s.subject, s.unit_id, s.officer_id, s.leader_role)
        s.previous_rank = before.get(key)  # type: ignore[attr-defined]


@login_required
@require_GET
def version(request: HttpRequest, pk: int) -> HttpResponse:
    ev = _version_or_404(request, pk)
    scope = scope_of(request.user)
    base = (
        visible(Score.objects.filter(evaluation=ev), scope)
        .select_related("unit", "officer")
        .annotate(n_items=Count("items", filter=Q(items__withdrawn=False)))
    )
    order = (F("rank").asc(nulls_last=True), "unit_id", "officer_id")
    units = list(base.filter(subject=SubjectKind.UNIT).order_by(*order))
    # a city has thousands of officers: their rankings are paged
    officers = Paginator(base.filter(subject=SubjectKind.OFFICER).order_by(*order), PAGE).get_page(
        request.GET.get("officers")
    )
    leaders = Paginator(
        base.filter(subject=SubjectKind.LEADER).order_by("leader_role", *order), PAGE
    ).get_page(request.GET.get("leaders"))
    shown = [*units, *officers, *leaders]
    _previous_ranks(ev, shown)
    chart = _chart(units)
    audit_view(request, AuditAction.VIEW_EVALUATION, ev.pk)
    return render(
        request,
        "evaluation/version.html",
        {
            "ev": ev,
            "units": units,
            "officers": officers,
            "leaders": leaders,
            "chart": chart,
            "can_manage": permissions.can_manage(request.user),
            "history": Evaluation.objects.filter(month=ev.month).order_by("version"),
        },
    )


def _act(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    ev = _version_or_404(request, pk)
    actor = signed_in_user(request)
    try:
        if step == "check":
            services.check_month(ev, actor=actor)
        else:
            services.publish_month(ev, actor=actor)
    except EvaluationError as exc:
        messages.error(request, exc.message)
    return redirect("evaluation:version", pk=ev.pk)


@login_required
@require_POST
def check(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "check")


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "publish")


def _score_or_404(request: HttpRequest, pk: int) -> Score:
    score = get_visible_or_404(
        Score.objects.select_related("evaluation", "unit", "officer"),
        scope_of(request.user), label="考评得分", pk=pk,
    )  # fmt: skip
    _version_or_404(request, score.evaluation_id)
    return score


@login_required
@require_GET
def score_detail(request: HttpRequest, pk: int) -> HttpResponse:
    score = _score_or_404(request, pk)
    items = list(score.items.order_by("indicator", "act_at", "record_id"))
    names = {e.get("code"): e for e in score.indicators}
    open_for_appeal = (
        score.evaluation.status == EvaluationStatus.PUBLISHED
        and score.evaluation.appeal_until is not None
        and timezone.now() <= score.evaluation.appeal_until
        and permissions.can_appeal(request.user, score.unit_id, score.officer_id)
    )
    audit_view(request, AuditAction.VIEW_EVALUATION_SCORE, score.pk)
    return render(
        request,
        "evaluation/score.html",
        {
            "score": score,
            "ev": score.evaluation,
            "items": items,
            "indicators": names,
            "appeal_form": AppealForm() if open_for_appeal else None,
            "appeals": Appeal.objects.filter(item__score=score).order_by("-filed_at"),
        },
    )


@login_required
@require_POST
def appeal(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_visible_or_404(
        ScoreItem.objects.select_related("score__evaluation"), scope_of(request.user),
        label="扣分明细", pk=pk,
    )  # fmt: skip
    form = AppealForm(request.POST)
    if not form.is_valid():
        messages.error(request, plain_error_text(form))
    else:
        try:
            services.file_appeal(
                item, actor=signed_in_user(request), reason=form.cleaned_data["reason"]
            )
            messages.success(request, "申诉已提交，由法制大队决定")
        except EvaluationError as exc:
            messages.error(request, exc.message)
    return redirect("evaluation:score", pk=item.score_id)


@login_required
@require_GET
def appeals(request: HttpRequest) -> HttpResponse:
    rows = (
        visible(Appeal.objects.all(), scope_of(request.user))
        .select_related("item", "evaluation", "unit", "officer", "result")
        .order_by("status", "-filed_at")[:200]
    )
    audit_view(request, AuditAction.VIEW_EVALUATION_APPEALS, "")
    return render(
        request,
        "evaluation/appeals.html",
        {
            "appeals": rows,
            "can_decide": permissions.can_decide(request.user),
            "form": DecideForm(),
            "pending": AppealStatus.PENDING,
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_decide(request.user):
        raise PermissionDenied("只有法制大队或管理员可以决定考评申诉")
    ap = get_visible_or_404(Appeal.objects.all(), scope_of(request.user), label="申诉", pk=pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, plain_error_text(form))
        return redirect("evaluation:appeals")
    try:
        done = services.decide_appeal(
            ap, actor=signed_in_user(request), upheld=form.cleaned_data["upheld"],
            reason=form.cleaned_data["reason"],
        )  # fmt: skip
    except EvaluationError as exc:
        messages.error(request, exc.message)
        return redirect("evaluation:appeals")
    if done.result_id:
        return redirect("evaluation:version", pk=done.result_id)
    return redirect("evaluation:appeals")


@login_required
@require_GET
def scheme_page(request: HttpRequest) -> HttpResponse:
    scheme = load()
    groups = [(label, scheme.for_subject(subject)) for subject, label in SUBJECT_LABELS.items()]
    audit_view(request, AuditAction.VIEW_EVALUATION_SCHEME, scheme.version)
    return render(
        request,
        "evaluation/scheme.html",
        {
            "scheme": scheme,
            "groups": groups,
            "count": len(scheme.indicators),
            "forbidden": [label for label, _words in FORBIDDEN],
            "sources": SOURCE_LABELS,
        },
    )


# --- 最优/最差案件 --------------------------------------------------------------------------------


def _month_param(request: HttpRequest) -> tuple[str, Any]:
    """The month asked for (``?month=YYYY-MM``), else last month: the cases it closed."""
    text = request.GET.get("month") or ""
    try:
        return text, services.parse_month(text)
    except EvaluationError:
        today = timezone.localdate()
        last = today.replace(day=1) - timedelta(days=1)
        return f"{last:%Y-%m}", last.replace(day=1)


@login_required
@require_GET
def cases(request: HttpRequest) -> HttpResponse:
    _text, month = _month_param(request)
    scope = scope_of(request.user)
    q = quality.load()
    top = quality.ranked(month, q, now=timezone.now(), cases=visible(m.Case.objects.all(), scope))
    picks = (
        visible(CasePick.objects.filter(month=month), scope)
        .select_related("case", "unit", "task")
        .order_by("kind", "quality", "case_id")
    )
    audit_view(request, AuditAction.VIEW_EVALUATION_CASES, f"{month:%Y-%m}")
    return render(
        request,
        "evaluation/cases.html",
        {
            "month": month,
            "month_text": f"{month:%Y-%m}",
            "total": top.total,
            "best": top.best,
            "worst": top.worst,
            "picks": picks,
            "picked": set(picks.values_list("case_id", flat=True)),
            # every month's 剖析 not yet accepted, the unit's or the brigade's to act on
            "open_tasks": visible(
                AnalysisTask.objects.exclude(status=AnalysisStatus.ACCEPTED), scope
            )
            .select_related("pick", "unit")
            .order_by("due_at")[:100],
            "weights": [(label, q.cases[key]) for key, label in quality.PARTS],
            "review_outcomes": "、".join(q.review_outcomes),
            "due_days": q.analysis["due_working_days"],
            "remind_days": q.analysis["remind_working_days"],
            "can_pick": permissions.can_pick(request.user),
            # the 剖析 is the unit's business: a 民警 sees his cases' picks, not their tasks
            "sees_tasks": scope.officer_id is None,
            "form": PickForm(),
        },
    )


@login_required
@require_POST
def pick(request: HttpRequest) -> HttpResponse:
    text, month = _month_param(request)
    text = request.POST.get("month") or text
    form = PickForm(request.POST)
    if not form.is_valid():
        messages.error(request, plain_error_text(form))
        return redirect(_cases_url(text))
    try:
        month = services.parse_month(text)
        done = services.pick_case(
            form.cleaned_data["case"], month, actor=signed_in_user(request),
            kind=form.cleaned_data["kind"], reason=form.cleaned_data["reason"],
        )  # fmt: skip
        messages.success(request, f"已将案件 {done.case_id} 评为{done.get_kind_display()}")
    except EvaluationError as exc:
        messages.error(request, exc.message)
    return redirect(_cases_url(text))


def _cases_url(month: str) -> str:
    return f"{reverse('evaluation:cases')}?{urlencode({'month': month})}"


def _task_or_404(request: HttpRequest, pk: int) -> AnalysisTask:
    return get_visible_or_404(
        AnalysisTask.objects.select_related("pick", "pick__case", "unit"),
        scope_of(request.user), label="案件剖析", pk=pk,
    )  # fmt: skip


@login_required
@require_GET
def analysis(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_or_404(request, pk)
    can_submit = task.status in OWED and permissions.can_submit_analysis(request.user, task.unit_id)
    can_decide = task.status == AnalysisStatus.SUBMITTED and permissions.can_pick(request.user)
    audit_view(request, AuditAction.VIEW_EVALUATION_ANALYSIS, task.pk)
    return render(
        request,
        "evaluation/analysis.html",
        {
            "task": task,
            "pick": task.pick,
            "documents": task.documents.order_by("uploaded_at", "pk"),
            "overdue": task.status in OWED and task.due_at <= timezone.now(),
            "upload_form": AnalysisUploadForm() if can_submit else None,
            "decide_form": AnalysisDecideForm() if can_decide else None,
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def analysis_submit(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_or_404(request, pk)
    form = AnalysisUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, plain_error_text(form))
        return redirect("evaluation:analysis", pk=task.pk)
    try:
        services.submit_analysis(
            task, actor=signed_in_user(request), upload=form.cleaned_data["file"]
        )
        messages.success(request, "案件剖析材料已提交，等待法制大队验收")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("evaluation:analysis", pk=task.pk)


@login_required
@require_POST
def analysis_decide(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_or_404(request, pk)
    form = AnalysisDecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, plain_error_text(form))
        return redirect("evaluation:analysis", pk=task.pk)
    try:
        services.decide_analysis(
            task, actor=signed_in_user(request), accepted=form.cleaned_data["accepted"],
            reason=form.cleaned_data["reason"],
        )  # fmt: skip
    except EvaluationError as exc:
        messages.error(request, exc.message)
    return redirect("evaluation:analysis", pk=task.pk)


@login_required
@require_GET
def analysis_document(request: HttpRequest, pk: int) -> FileResponse:
    doc = get_visible_or_404(
        AnalysisDocument.objects.all(), scope_of(request.user), label="案件剖析材料", pk=pk
    )
    audit_view(request, AuditAction.VIEW_EVALUATION_ANALYSIS_FILE, doc.pk)
    return FileResponse(doc.file.open("rb"), as_attachment=True, filename=doc.original_name)


# --- 诚信档案 -------------------------------------------------------------------------------------


@login_required
@require_GET
def integrity_page(request: HttpRequest, pk: str) -> HttpResponse:
    officer = m.Officer.objects.select_related("unit").filter(pk=pk).first()
    if officer is None or not permissions.can_see_integrity(
        request.user, officer.pk, officer.unit_id
    ):
        raise Http404("诚信档案不存在或不在您的数据范围内")
    now = timezone.now()
    data = integrity.file_of(officer, quality.load(), now)
    audit_view(request, AuditAction.VIEW_INTEGRITY, officer.pk)
    return render(request, "evaluation/integrity.html", {"officer": officer, "now": now, **data})
