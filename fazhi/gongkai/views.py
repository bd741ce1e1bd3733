"""The portal's pages (namespace ``portal``): step 1 the code, step 2 the phone's last four
digits, then the progress page with its rating and complaint forms. Own minimal templates, no
staff layout, no session, no script; every answer ``no-store``. The staff's issuing form
(namespace ``gongkai``) is an ordinary signed-in page.

A refusal at step 2, whatever its cause, is the step-1 page with one message and status 200:
the body differs from another refusal's only by the CSRF token."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from fazhi.core.forms import plain_error_text
from fazhi.core.scope import get_visible_or_404, scope_of
from fazhi.core.services import client_addr
from fazhi.gongkai import codes, services
from fazhi.gongkai.error_codes import ErrorCode
from fazhi.gongkai.forms import CodeForm, ComplaintForm, IssueForm, RatingForm, TailForm
from fazhi.gongkai.services import Answer, GongkaiError, Verdict
from fazhi.records import models as m

REFUSED = "查询码或电话后四位不正确，请核对受案回执后重新输入。"
LOCKED = "查询尝试次数过多，请{minutes}分钟后再试。如需帮助，请联系办案单位或拨打12389。"
EXPIRED = "查询已过期或已失效，请重新输入查询码。"


def _minutes() -> int:
    return int(settings.GONGKAI_LOCK_MINUTES)


def _query(request: HttpRequest, form: CodeForm | None = None, *, error: str = "",
           status: int = 200) -> HttpResponse:  # fmt: skip
    context = {"form": form or CodeForm(), "error": error}
    return render(request, "gongkai/public/query.html", context, status=status)


def _locked(request: HttpRequest) -> HttpResponse:
    return _query(request, error=LOCKED.format(minutes=_minutes()), status=429)


def _progress(request: HttpRequest, answer: Answer, *, notice: str = "", error: str = "",
              status: int = 200) -> HttpResponse:  # fmt: skip
    row = answer.code
    assert row is not None
    token = services.access_token(row)
    ratings = services.rated(row)
    lines = [
        {"step": s, "rating": ratings.get(s.milestone),
         "form": RatingForm(initial={"token": token, "milestone": s.milestone.value})}
        for s in answer.steps
    ]  # fmt: skip
    name = row.person.name if row.person_id else ""
    context: dict[str, Any] = {
        "lines": lines,
        "unit": row.case.unit.name,
        # the requester's own name, and only its first character: a shared screen shows no more
        "greeting": (name[:1] + "*" * max(len(name) - 1, 1)) if name else "",
        "complaint_form": ComplaintForm(initial={"token": token}),
        "notice": notice,
        "error": error,
    }
    return render(request, "gongkai/public/progress.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def query_page(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _query(request)
    addr = client_addr(request)
    form = CodeForm(request.POST)
    if not form.is_valid():
        if services.is_locked(code_digest=None, remote_addr=addr):
            return _locked(request)
        return _query(request, form)
    ticket = services.ticket_for(form.cleaned_data["code"])
    if services.is_locked(code_digest=codes.digest(form.cleaned_data["code"]), remote_addr=addr):
        return _locked(request)
    return render(
        request, "gongkai/public/tail.html", {"form": TailForm(initial={"ticket": ticket})}
    )


@never_cache
@require_POST
def verify(request: HttpRequest) -> HttpResponse:
    form = TailForm(request.POST)
    digest = services.ticket_digest(request.POST.get("ticket", ""))
    if digest is None:
        return _query(request, error=EXPIRED)
    if not form.is_valid():
        return render(request, "gongkai/public/tail.html", {"form": form}, status=200)
    answer = services.query(
        code_digest=digest, tail=form.cleaned_data["tail"], remote_addr=client_addr(request)
    )
    if answer.verdict == Verdict.LOCKED:
        return _locked(request)
    if answer.verdict == Verdict.REFUSED:
        return _query(request, error=REFUSED)
    return _progress(request, answer)


def _reopened(request: HttpRequest, token: str) -> Answer | HttpResponse:
    try:
        return services.reopen(token)
    except GongkaiError:
        return _query(request, error=EXPIRED)


@never_cache
@require_POST
def rate(request: HttpRequest) -> HttpResponse:
    form = RatingForm(request.POST)
    answer = _reopened(request, request.POST.get("token", ""))
    if isinstance(answer, HttpResponse):
        return answer
    if not form.is_valid():
        return _progress(request, answer, error=plain_error_text(form), status=400)
    data = form.cleaned_data
    try:
        services.rate(
            token=data["token"], milestone=data["milestone"], score=data["score"],
            comment=data["comment"], remote_addr=client_addr(request),
        )  # fmt: skip
    except GongkaiError as exc:
        if exc.code == ErrorCode.EXPIRED:
            return _query(request, error=EXPIRED)
        return _progress(request, answer, error=exc.message, status=exc.status)
    return _progress(request, answer, notice="感谢您的评价。")


@never_cache
@require_POST
def complain(request: HttpRequest) -> HttpResponse:
    form = ComplaintForm(request.POST)
    answer = _reopened(request, request.POST.get("token", ""))
    if isinstance(answer, HttpResponse):
        return answer
    if not form.is_valid():
        return _progress(request, answer, error=plain_error_text(form), status=400)
    try:
        services.complain(
            token=form.cleaned_data["token"], content=form.cleaned_data["content"],
            remote_addr=client_addr(request),
        )  # fmt: skip
    except GongkaiError as exc:
        if exc.code == ErrorCode.EXPIRED:
            return _query(request, error=EXPIRED)
        return _progress(request, answer, error=exc.message, status=exc.status)
    return _progress(request, answer, notice="投诉已收到，将由县公安局法制部门核查处理。")


# --- staff ----------------------------------------------------------------------------------


@login_required
@require_POST
def issue(request: HttpRequest, pk: str) -> HttpResponse:
    """Issue (or reissue) the case's code and show it, once, for the 受案回执."""
    scope = scope_of(request.user)
    case = get_visible_or_404(m.Case.objects.select_related("unit"), scope, pk=pk)
    choices = [(p.pk, p.name) for p in services.parties(case)]
    form = IssueForm(request.POST, parties=choices)
    if not form.is_valid():
        raise GongkaiError(ErrorCode.PERSON_INVALID, f"案件 {case.pk}：{plain_error_text(form)}")
    issued = services.issue_code(
        actor=request.user, case=case, person_id=form.cleaned_data["person"]
    )
    person = m.Person.objects.get(pk=issued.row.person_id)
    context = {
        "case": case, "person": person, "code": codes.grouped(issued.code), "issued": issued,
        "portal": request.build_absolute_uri("/gongkai/"),
    }  # fmt: skip
    return render(request, "gongkai/issued.html", context)
