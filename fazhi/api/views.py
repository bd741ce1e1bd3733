"""The JSON API, version 1 (``/api/v1/``): the same data scope, masking and services as the
pages. Every call is authenticated (token or session), narrowed by ``core.scope.visible``
(a detail out of scope answers 404, like a page) and written to the audit log once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import NinjaAPI, Query
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from fazhi.accounts.filters import ScopedFilterSet
from fazhi.accounts.people import people_names
from fazhi.accounts.scope import UNMASK_PERMISSION, units_below
from fazhi.api import schemas as s
from fazhi.api.auth import AUTH, signed_in, via
from fazhi.core.audit_actions import AuditAction
from fazhi.core.errors import DomainError
from fazhi.core.masking import mask_facts, mask_text
from fazhi.core.scope import DataScope, get_visible_or_404, scope_of, visible
from fazhi.core.services import client_addr, record_audit, signed_in_user
from fazhi.core.timezones import SHANGHAI
from fazhi.dailycheck.filters import DailySheetFilterSet
from fazhi.dailycheck.models import DailySheet
from fazhi.disputes.filters import DisputeFilterSet
from fazhi.disputes.models import Dispute
from fazhi.evaluation.models import Score, SubjectKind
from fazhi.evaluation.services import parse_month, readable_versions
from fazhi.patrol.filters import FindingFilterSet
from fazhi.patrol.models import Finding, Rule
from fazhi.records import models as m
from fazhi.rectification.filters import ProblemFilterSet
from fazhi.rectification.models import Problem
from fazhi.rectification.services.creation import dismiss_finding
from fazhi.rectification.services.permissions import (
    APPEAL,
    APPROVE,
    DECIDE,
    DISMISS,
    REJECT,
    SUBMIT,
    allowed_actions,
    require_action,
)
from fazhi.rectification.services.precision import precision_by_rule, rule_precision
from fazhi.rectification.services.transitions import (
    appeal,
    approve_fix,
    decide_appeal,
    reject_fix,
    submit_fix,
)
from fazhi.reports import permissions as report_permissions
from fazhi.reports import services as report_services
from fazhi.reports.common import BUREAU as WHOLE_BUREAU
from fazhi.reports.models import Report
from fazhi.search.services import search as run_search
from fazhi.servicedesk import permissions as desk
from fazhi.servicedesk import services as desk_services
from fazhi.servicedesk.filters import RequestFilterSet
from fazhi.servicedesk.models import ServiceRequest
from fazhi.standards.models import Standard

DESCRIPTION = """
智慧法制监督平台的只读为主的数据接口。认证方式二选一：

* **接口令牌**：请求头 `Authorization: Bearer <令牌>`
  （令牌由管理员用 `fazhi api_token create` 创建）；
* **登录会话**：网页登录后的会话 Cookie；写操作（POST）须带 `X-CSRFToken` 请求头。

所有数据按当前用户的数据范围过滤：不在范围内的单条记录返回 404。列表接口以 `limit`/`offset`
分页（`limit` 最大 500）。身份证号、电话号码除非用户有 `accounts.unmask_pii` 权限，一律脱敏。
每次调用都写入审计日志。详见 docs/api.md。
"""

api = NinjaAPI(
    title="fazhi API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api:v1",  # included under the "api" app of fazhi/urls.py
    auth=AUTH,
    docs_decorator=signed_in,
)

# 400: the input guard (fazhi.core.middleware) refuses characters the database cannot store,
# and a list refuses a filter value its filter set does not accept
ERRORS: dict[int, Any] = {400: s.Error, 401: s.Error, 404: s.Error, 422: s.BadParams}
# what a state-changing call may also answer: bad input, refused, conflict with the record's state
WRITE_ERRORS: dict[int, Any] = {403: s.Error, 409: s.Error, **ERRORS}
# what a read answers whose area refuses some roles outright (the reports: 403 for a 民警)
GATED_ERRORS: dict[int, Any] = {403: s.Error, **ERRORS}


# --- errors: one body everywhere, {code, message, field} with the Chinese ``detail`` -------------


def _error(
    request: HttpRequest, status: int, code: str, message: str, field: str | None = None,
    **extra: Any,
) -> HttpResponse:  # fmt: skip
    body = {"code": code, "message": message, "field": field, "detail": message, **extra}
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def _refused(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """Every service's domain error (core/errors.py): its code, message, field and status."""
    return _error(request, exc.status, exc.code.value, exc.message, exc.field)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = _error(
        request,
        401,
        "unauthenticated",
        "未登录或接口令牌无效（请求头 Authorization: Bearer <令牌>）",
    )
    response["WWW-Authenticate"] = 'Bearer realm="fazhi"'
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, "not_found", str(exc) or "记录不存在或不在您的数据范围内")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 403, "permission_denied", str(exc) or "没有权限")


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    # Django's own validation (a model's or form's), not a service's: those are DomainErrors
    return _error(request, 400, "invalid", "；".join(exc.messages))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # django-ninja's own refusals, chiefly a request body that is not JSON (400)
    if exc.status_code == 400:
        return _error(request, 400, "unreadable_body", "请求体无法读取：须为 UTF-8 编码的 JSON")
    if exc.status_code == 403:  # a signed-in session's POST without its CSRF token
        return _error(
            request, 403, "csrf_failed", "CSRF 校验失败：会话方式的写操作须带 X-CSRFToken 请求头"
        )
    return _error(request, exc.status_code, "http_error", f"请求被拒绝（HTTP {exc.status_code}）")


@api.exception_handler(NinjaValidationError)
def _bad_params(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    problems = s.param_problems(exc.errors)
    return _error(
        request, 422, "bad_params", "请求参数不合法：" + "；".join(problems), errors=exc.errors
    )


# --- helpers -----------------------------------------------------------------------------------


def _scope(request: HttpRequest) -> DataScope:
    return scope_of(request.user)


def _audit(
    request: HttpRequest,
    event: AuditAction,
    target_type: str = "",
    target_id: Any = "",
    **details: Any,
) -> None:
    record_audit(
        request.user, event, target_type=target_type,
        target_id=str(target_id), remote_addr=client_addr(request),
        details={"via": via(request), **details},
    )  # fmt: skip


def _page(
    queryset: QuerySet[Any], params: s.PageParams, build: Callable[[Any], dict[str, Any]]
) -> dict[str, Any]:
    """One page: the total (one COUNT) and the rows of [offset, offset + limit) (one query)."""
    rows = list(queryset[params.offset : params.offset + params.limit])
    return {
        "count": queryset.count(),
        "limit": params.limit,
        "offset": params.offset,
        "items": [build(row) for row in rows],
    }


def _filtered(filterset: ScopedFilterSet) -> QuerySet[Any]:
    """The rows the list's filter set (the one its page uses) selects; a value it refuses
    answers 400 with the Chinese reason, naming the parameter."""
    if not filterset.is_valid():
        raise ValidationError(filterset.error_text())
    rows: QuerySet[Any] = filterset.qs
    return rows


def _filters(params: Any) -> dict[str, str]:
    """The filters a list call used, for its audit row."""
    data = params.dict(exclude={"limit", "offset"}, exclude_none=True)
    return {k: str(v.value if hasattr(v, "value") else v) for k, v in data.items()}


def _can_unmask(request: HttpRequest) -> bool:
    return bool(request.user.has_perm(UNMASK_PERMISSION))


# --- /me ---------------------------------------------------------------------------------------


@api.get("/me", response={200: s.MeOut, **ERRORS}, url_name="me", tags=["用户"], summary="当前用户")
def me(request: HttpRequest) -> dict[str, Any]:
    """当前用户、角色、单位和数据范围。"""
    scope = _scope(request)
    user: Any = request.user
    unit = m.Unit.objects.filter(pk=scope.unit_id).first() if scope.unit_id else None
    token = getattr(request, "api_token", None)
    _audit(request, AuditAction.VIEW_API_ME, "user", user.get_username())
    return {
        "username": user.get_username(),
        "name": user.get_full_name() or user.get_username(),
        "role": scope.role,
        "unit": s.Ref.dump(unit) if unit is not None else None,
        "officer_id": scope.officer_id,
        "can_unmask": _can_unmask(request),
        "auth": "token" if token is not None else "session",
        "token_name": token.name if token is not None else None,
        "scope": {
            "bureau_wide": scope.bureau_wide,
            "own_only": scope.own_only,
            "unit_ids": sorted(scope.unit_ids) if scope.unit_ids is not None else None,
            "officer_id": scope.officer_id,
        },
    }


# --- findings ----------------------------------------------------------------------------------


@api.get(
    "/findings", response={200: s.FindingPage, **ERRORS}, url_name="findings",
    tags=["巡查发现"], summary="巡查发现列表",
)  # fmt: skip
def findings(request: HttpRequest, filters: Query[s.FindingFilters]) -> dict[str, Any]:
    """本人数据范围内的巡查发现，新发现在前。"""
    scope = _scope(request)
    data = {
        "within": filters.unit,
        "rule_code": filters.rule,
        "status": filters.status,
        "severity": filters.severity,
        "state": {True: "open", False: "closed", None: "all"}[filters.open],
        "subject_type": filters.subject_type,
        "since": filters.since,
    }
    queryset = _filtered(FindingFilterSet(data, visible(Finding.objects.all(), scope), scope=scope))
    queryset = queryset.select_related("rule", "unit", "officer").order_by("-pk")
    page = _page(queryset, filters, s.FindingOut.dump)
    _audit(
        request, AuditAction.VIEW_API_FINDINGS, "finding", count=page["count"], **_filters(filters)
    )
    return page


@api.get(
    "/findings/{finding_id}", response={200: s.FindingDetail, **ERRORS}, url_name="finding",
    tags=["巡查发现"], summary="巡查发现详情",
)  # fmt: skip
def finding(request: HttpRequest, finding_id: int) -> dict[str, Any]:
    """一条巡查发现：事实、计算说明、法律依据、执行的标准、生成的整改问题。"""
    fd = get_visible_or_404(
        Finding.objects.select_related("rule", "unit", "officer"), _scope(request),
        label=f"巡查发现#{finding_id}", pk=finding_id,
    )  # fmt: skip
    standards = Standard.objects.filter(rules=fd.rule).in_force().order_by("code")
    problems = Problem.objects.filter(finding=fd).order_by("created_at", "pk")
    raw = [f for f in (fd.facts or []) if isinstance(f, dict)]
    masked = mask_facts(raw, unmasked=False)
    explanation = mask_text(fd.explanation)
    clear = _can_unmask(request)
    details: dict[str, Any] = {}
    if clear and (masked != raw or explanation != (fd.explanation or "")):
        details["unmasked"] = ["facts"]  # the audit row says this answer held clear values
    _audit(request, AuditAction.VIEW_API_FINDING, "finding", fd.pk, **details)
    return {
        **s.FindingOut.dump(fd),
        "facts": raw if clear else masked,
        "explanation": fd.explanation if clear else explanation,
        "basis": fd.rule.basis,
        "rule_help": fd.rule.help_text,
        "standards": [s.StandardOut.dump(x) for x in standards],
        "problems": [s.ProblemRef.dump(p) for p in problems],
    }


# --- cases -------------------------------------------------------------------------------------


@api.get(
    "/cases/{case_id}", response={200: s.CaseDetail, **ERRORS}, url_name="case",
    tags=["案件"], summary="案件详情",
)  # fmt: skip
def case(request: HttpRequest, case_id: str) -> dict[str, Any]:
    """一起案件及其涉案人员（身份证号、电话按权限脱敏）、强制措施和巡查发现。"""
    scope = _scope(request)
    cs = get_visible_or_404(
        m.Case.objects.select_related("unit", "lead_officer"), scope,
        label=f"案件{case_id}", pk=case_id,
    )  # fmt: skip
    clear = _can_unmask(request)
    persons = list(cs.persons.order_by("pk"))
    officers = [
        link.officer for link in cs.officer_links.select_related("officer").order_by("position")
    ]
    measures = cs.measures.select_related("approved_by").order_by("started_at", "pk")
    found = (
        visible(Finding.objects.filter(case_id=cs.pk), scope)
        .select_related("rule", "unit", "officer")
        .order_by("-pk")
    )
    details: dict[str, Any] = {}
    if clear and any(p.id_number or p.phone for p in persons):
        # the clear identifiers went out: the audit row says whose (as the unmask page does)
        details["unmasked"] = [p.pk for p in persons if p.id_number or p.phone]
    _audit(request, AuditAction.VIEW_API_CASE, "case", cs.pk, **details)
    return {
        **s.CaseOut.dump(cs),
        "officers": [s.Ref.dump(o) for o in officers],
        "persons": [s.PersonOut.dump_masked(p, clear=clear) for p in persons],
        "measures": [s.MeasureOut.dump(x) for x in measures],
        "findings": [s.FindingOut.dump(f) for f in found],
    }


# --- rules -------------------------------------------------------------------------------------


@api.get(
    "/rules", response={200: s.RulePage, **ERRORS}, url_name="rules",
    tags=["巡查规则"], summary="巡查规则列表",
)  # fmt: skip
def rules(request: HttpRequest, params: Query[s.PageParams]) -> dict[str, Any]:
    """全部规则，附本人数据范围内各状态的有效发现数和规则准确率。"""
    counts = {
        str(row["rule_id"]): row
        for row in visible(Finding.objects.all(), _scope(request)).status_counts("rule_id")
    }
    precision = precision_by_rule()
    page = _page(
        Rule.objects.order_by("code"),
        params,
        lambda r: s.rule_out(r, counts.get(r.code, {}), precision.get(r.code, {})),
    )
    _audit(request, AuditAction.VIEW_API_RULES, "rule", count=page["count"])
    return page


@api.get(
    "/rules/{code}", response={200: s.RuleDetail, **ERRORS}, url_name="rule",
    tags=["巡查规则"], summary="巡查规则详情",
)  # fmt: skip
def rule(request: HttpRequest, code: str) -> dict[str, Any]:
    """一条规则：生效设置、法律依据、说明、执行的标准和准确率。"""
    rl = Rule.objects.filter(pk=code).first()  # the rule catalogue is the same for everyone
    if rl is None:
        raise Http404(f"规则{code}不存在")
    found = visible(Finding.objects.filter(rule=rl), _scope(request))
    counts = found.status_counts("rule_id")
    standards = rl.standards.order_by("code", "-version")
    _audit(request, AuditAction.VIEW_API_RULE, "rule", rl.code)
    return {
        **s.rule_out(rl, counts[0] if counts else {}, rule_precision(rl.code)),
        **s.RuleSettingsOut.dump(rl),
        "standards": [s.StandardOut.dump(x) for x in standards],
    }


# --- problems ----------------------------------------------------------------------------------

PROBLEM_RELATED = ("rule", "unit", "officer")


@api.get(
    "/problems", response={200: s.ProblemPage, **ERRORS}, url_name="problems",
    tags=["整改问题"], summary="整改问题列表",
)  # fmt: skip
def problems(request: HttpRequest, filters: Query[s.ProblemFilters]) -> dict[str, Any]:
    """本人数据范围内的整改问题，新问题在前。"""
    now = timezone.now()
    scope = _scope(request)
    data = {
        "status": filters.status or "all",
        "rule_code": filters.rule,
        "within": filters.unit,
        "officer": filters.officer,
        "severity": filters.severity,
        "active": filters.active,
        "overdue": {True: "1", False: "0", None: None}[filters.overdue],
    }
    queryset = _filtered(
        ProblemFilterSet(data, visible(Problem.objects.all(), scope), scope=scope, now=now)
    )
    queryset = queryset.select_related(*PROBLEM_RELATED).order_by("-created_at", "-id")
    page = _page(queryset, filters, s.ProblemOut.dump)
    _audit(
        request, AuditAction.VIEW_API_PROBLEMS, "problem", count=page["count"], **_filters(filters)
    )
    return page


# internal action names of rectification.services.permissions → the names this API uses
_API_ACTIONS: dict[str, list[str]] = {
    SUBMIT: ["submit_fix"],
    APPROVE: ["approve"],
    REJECT: ["reject"],
    APPEAL: ["appeal"],
    DECIDE: ["uphold_appeal", "overrule_appeal"],
    DISMISS: ["dismiss"],
}


def _problem_detail(request: HttpRequest, p: Problem) -> dict[str, Any]:
    allowed = sorted(a for name in allowed_actions(p, request.user) for a in _API_ACTIONS[name])
    return {
        **s.ProblemOut.dump(p),
        "finding": s.FindingOut.dump(p.finding),
        "history": [s.HistoryOut.dump(a) for a in p.actions.all()],
        "attachments": [s.AttachmentOut.dump(x) for x in p.attachments.all()],
        "allowed_actions": allowed,
    }


def _problem(request: HttpRequest, problem_id: int) -> Problem:
    return get_visible_or_404(
        Problem.objects.select_related(
            *PROBLEM_RELATED, "finding", "finding__rule", "finding__unit", "finding__officer"
        ),
        _scope(request),
        label=f"问题#{problem_id}",
        pk=problem_id,
    )


@api.get(
    "/problems/{problem_id}", response={200: s.ProblemDetail, **ERRORS}, url_name="problem",
    tags=["整改问题"], summary="整改问题详情",
)  # fmt: skip
def problem(request: HttpRequest, problem_id: int) -> dict[str, Any]:
    """一个整改问题：经过、附件，以及当前用户现在可执行的操作。"""
    p = _problem(request, problem_id)
    _audit(request, AuditAction.VIEW_API_PROBLEM, "problem", p.pk)
    return _problem_detail(request, p)


def _dismiss(p: Problem, *, actor: User, comment: str, remote_addr: str) -> Problem:
    # 不予认定 is decided on the finding; check first that it is this problem that may be
    # dismissed, so that a finished problem is never turned into a new cycle from here
    require_action(p, actor, DISMISS)
    return dismiss_finding(p.finding, actor=actor, reason=comment, remote_addr=remote_addr)


_DO: dict[s.ProblemActionName, Callable[..., Problem]] = {
    s.ProblemActionName.SUBMIT_FIX: lambda p, actor, comment, remote_addr: submit_fix(
        p, actor=actor, comment=comment, remote_addr=remote_addr
    ),
    s.ProblemActionName.APPROVE: lambda p, actor, comment, remote_addr: approve_fix(
        p, actor=actor, comment=comment, remote_addr=remote_addr
    ),
    s.ProblemActionName.REJECT: lambda p, actor, comment, remote_addr: reject_fix(
        p, actor=actor, comment=comment, remote_addr=remote_addr
    ),
    s.ProblemActionName.APPEAL: lambda p, actor, comment, remote_addr: appeal(
        p, actor=actor, reason=comment, remote_addr=remote_addr
    ),
    s.ProblemActionName.UPHOLD_APPEAL: lambda p, actor, comment, remote_addr: decide_appeal(
        p, actor=actor, upheld=True, comment=comment, remote_addr=remote_addr
    ),
    s.ProblemActionName.OVERRULE_APPEAL: lambda p, actor, comment, remote_addr: decide_appeal(
        p, actor=actor, upheld=False, comment=comment, remote_addr=remote_addr
    ),
    s.ProblemActionName.DISMISS: lambda p, actor, comment, remote_addr: _dismiss(
        p, actor=actor, comment=comment, remote_addr=remote_addr
    ),
}


@api.post(
    "/problems/{problem_id}/actions/{action}",
    response={200: s.ProblemDetail, **WRITE_ERRORS},
    url_name="problem-action",
    tags=["整改问题"],
    summary="整改问题操作",
    description=f"对整改问题执行一项操作：{s.ACTION_TEXT}。"
    "无权执行返回 403，缺少说明返回 400，当前状态不允许返回 409"
    "（错误体含 code、中文 message 和 field）。",
)
def problem_action(
    request: HttpRequest, problem_id: int, action: s.ProblemActionName, body: s.ActionIn
) -> dict[str, Any]:
    p = _problem(request, problem_id)
    actor = signed_in_user(request)
    with transaction.atomic():
        _DO[action](p, actor, body.comment, client_addr(request))
        # the service wrote its own audit row; this one says it came through the API
        _audit(request, AuditAction.VIEW_API_PROBLEM_ACTION, "problem", p.pk, action=action.value)
    return _problem_detail(request, _problem(request, problem_id))


# --- 每日十问 ----------------------------------------------------------------------------------


@api.get(
    "/daily/sheets", response={200: s.DailyPage, **ERRORS}, url_name="daily-sheets",
    tags=["每日十问"], summary="每日十问",
)  # fmt: skip
def daily_sheets(request: HttpRequest, filters: Query[s.DailyFilters]) -> dict[str, Any]:
    """某日本人数据范围内各单位的每日十问及答案（民警没有每日十问，列表为空）。"""
    day = filters.day or timezone.localtime(timezone.now(), SHANGHAI).date()
    scope = _scope(request)
    data = {"day": day, "within": filters.unit}
    queryset = _filtered(
        DailySheetFilterSet(data, visible(DailySheet.objects.all(), scope), scope=scope)
    )
    # the unit is not constrained (a sheet outlives re-imports): prefetched, None when gone
    queryset = queryset.prefetch_related("answers", "unit").order_by("unit_id")
    page = {**_page(queryset, filters, s.DailySheetOut.dump), "day": day}
    _audit(
        request,
        AuditAction.VIEW_API_DAILY_SHEETS,
        "daily_sheet",
        count=page["count"],
        day=day.isoformat(),
    )
    return page


# --- 矛盾纠纷 ----------------------------------------------------------------------------------


@api.get(
    "/disputes", response={200: s.DisputePage, **ERRORS}, url_name="disputes",
    tags=["矛盾纠纷"], summary="矛盾纠纷列表",
)  # fmt: skip
def disputes(request: HttpRequest, filters: Query[s.DisputeFilters]) -> dict[str, Any]:
    """本人数据范围内的矛盾纠纷，风险分高的在前。"""
    scope = _scope(request)
    data = {
        "colour": filters.colour,
        "status": filters.status,
        "within": filters.unit,
        "open": filters.open,
    }
    queryset = _filtered(DisputeFilterSet(data, visible(Dispute.objects.all(), scope), scope=scope))
    # the unit is not constrained (a dispute outlives re-imports): prefetched, None when gone
    queryset = queryset.select_related("officer").prefetch_related("unit")
    queryset = queryset.order_by("-score", "-created_at", "-pk")
    page = _page(queryset, filters, s.DisputeOut.dump)
    _audit(
        request, AuditAction.VIEW_API_DISPUTES, "dispute", count=page["count"], **_filters(filters)
    )
    return page


@api.get(
    "/disputes/{dispute_id}", response={200: s.DisputeDetail, **ERRORS},
    url_name="dispute", tags=["矛盾纠纷"], summary="矛盾纠纷详情",
)  # fmt: skip
def dispute(request: HttpRequest, dispute_id: int) -> dict[str, Any]:
    """一起矛盾纠纷：风险计分理由、当事人（按权限脱敏）、八必查八必判、回访计划。"""
    d = get_visible_or_404(
        Dispute.objects.select_related("officer").prefetch_related("unit"), _scope(request),
        label=f"纠纷#{dispute_id}", pk=dispute_id,
    )  # fmt: skip
    clear = _can_unmask(request)
    parties = list(d.parties.order_by("pk"))
    checklist = sorted(d.checklist.all(), key=lambda a: a.pk)
    plans = d.plans.order_by("seq")
    details: dict[str, Any] = {}
    if clear and any(p.id_number or p.phone for p in parties):
        details["unmasked"] = [p.name for p in parties if p.id_number or p.phone]
    _audit(request, AuditAction.VIEW_API_DISPUTE, "dispute", d.pk, **details)
    return {
        **s.DisputeOut.dump(d),
        "reasons": [r for r in (d.reasons or []) if isinstance(r, dict)],
        "parties": [s.PartyOut.dump_masked(p, clear=clear) for p in parties],
        "checklist": [s.ChecklistOut.dump(a) for a in checklist],
        "plans": [s.PlanOut.dump(x) for x in plans],
    }


# --- 执法质量考评 ------------------------------------------------------------------------------


@api.get(
    "/evaluations", response={200: s.EvaluationPage, **ERRORS}, url_name="evaluations",
    tags=["执法质量考评"], summary="月度考评列表",
)  # fmt: skip
def evaluations(request: HttpRequest, filters: Query[s.EvaluationFilters]) -> dict[str, Any]:
    """可查看的月度考评版本，新的在前：已发布和已被新版本取代的；法制大队、管理员还可看到草稿和
    已审核的。"""
    queryset = readable_versions(request.user)
    if filters.month:
        queryset = queryset.filter(month=parse_month(filters.month))
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    page = _page(queryset.order_by("-month", "-version"), filters, s.EvaluationOut.dump)
    _audit(
        request, AuditAction.VIEW_API_EVALUATIONS, "evaluation", count=page["count"],
        **_filters(filters),
    )  # fmt: skip
    return page


@api.get(
    "/evaluations/{evaluation_id}", response={200: s.EvaluationDetail, **ERRORS},
    url_name="evaluation", tags=["执法质量考评"], summary="月度考评结果",
)  # fmt: skip
def evaluation(request: HttpRequest, evaluation_id: int) -> dict[str, Any]:
    """一个版本的考评结果：单位、民警、中层领导的得分、等次、名次、一票否决和逐项扣分明细，
    按数据范围过滤（民警只有本人的，法制员本单位的）。草稿仅法制大队、管理员可见。"""
    ev = readable_versions(request.user).filter(pk=evaluation_id).first()
    if ev is None:
        raise Http404(f"月度考评#{evaluation_id}不存在或尚未发布")
    scores = (
        visible(Score.objects.filter(evaluation=ev), _scope(request))
        .prefetch_related("unit", "officer", "items")
        .order_by("subject", "leader_role", F("rank").asc(nulls_last=True), "unit_id", "officer_id")
    )
    groups: dict[str, list[dict[str, Any]]] = {k: [] for k in SubjectKind.values}
    for score in scores:
        groups[score.subject].append(s.ScoreOut.dump(score))
    _audit(request, AuditAction.VIEW_API_EVALUATION, "evaluation", ev.pk, month=ev.month_text)
    return {
        **s.EvaluationOut.dump(ev),
        "changes": [c for c in (ev.changes or []) if isinstance(c, dict)],
        "units": groups[SubjectKind.UNIT],
        "officers": groups[SubjectKind.OFFICER],
        "leaders": groups[SubjectKind.LEADER],
    }


# --- 报告 --------------------------------------------------------------------------------------


# the download answers the file itself: its two content types, for the schema
REPORT_FILE_RESPONSE = {
    "responses": {
        "200": {
            "description": "文件",
            "content": {
                report_services.CONTENT_TYPES[f]: {"schema": {"type": "string", "format": "binary"}}
                for f in report_services.FORMATS
            },
        }
    }
}


def _report_scope(request: HttpRequest) -> DataScope:
    """The reports' gate, as on the pages (``reports.views._scope``): 民警 and users without a
    role are refused (403); the others see the reports of their scope."""
    if not report_permissions.can_use(request.user):
        raise PermissionDenied("报告仅对法制员、所队领导、法制大队和局领导开放")
    return _scope(request)


def _report_body(report: Report, names: dict[str, str]) -> dict[str, Any]:
    unit = report.unit  # prefetched: None for the bureau's report, or a unit gone since
    sizes = {s.ReportFormat.DOCX: report.docx_size, s.ReportFormat.XLSX: report.xlsx_size}
    scope_name = unit.name if unit is not None else (report.unit_id or WHOLE_BUREAU)
    return {
        "id": report.pk,
        "kind": report.kind,
        "kind_label": report.get_kind_display(),
        "period": report.period,
        "period_label": report.period_label,
        "unit": s.Ref.dump(unit) if unit is not None else None,
        "scope_name": scope_name,
        "number": report.number,
        "title": report.title,
        "scheduled": report.scheduled,
        "generated_at": report.generated_at,
        "generated_by": names.get(report.generated_by, report.generated_by),
        "files": [
            {
                "format": fmt,
                "label": s.REPORT_FORMAT_LABELS[fmt],
                "size": size,
                "url": reverse(
                    "api:v1:report-file", kwargs={"report_id": report.pk, "fmt": fmt.value}
                ),
                "page_url": reverse("reports:download", args=[fmt.value, report.pk]),
            }
            for fmt, size in sizes.items()
        ],
    }


def _report(request: HttpRequest, report_id: int) -> Report:
    return get_visible_or_404(
        Report.objects.prefetch_related("unit"), _report_scope(request),
        label=f"报告#{report_id}", pk=report_id,
    )  # fmt: skip


@api.get(
    "/reports", response={200: s.ReportPage, **GATED_ERRORS}, url_name="reports",
    tags=["报告"], summary="报告列表",
)  # fmt: skip
def reports(request: HttpRequest, filters: Query[s.ReportFilters]) -> dict[str, Any]:
    """本人可查看的报告（日巡查、周通报、月考评、季分析），新的在前：法制大队、局领导、管理员为全局
    和各单位的报告，法制员、所队领导为本单位及下级单位的报告；民警无权查看（403）。每条附正文和
    数据附件的下载地址。"""
    queryset = visible(Report.objects.prefetch_related("unit"), _report_scope(request))
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.period:
        queryset = queryset.filter(period=filters.period)
    if filters.unit:
        queryset = queryset.filter(unit_id__in=units_below(filters.unit))
    if filters.scheduled is not None:
        queryset = queryset.filter(scheduled=filters.scheduled)
    queryset = queryset.order_by("-generated_at", "-pk")
    rows = list(queryset[filters.offset : filters.offset + filters.limit])
    names = people_names({r.generated_by for r in rows}) if rows else {}
    page = {
        "count": queryset.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_report_body(r, names) for r in rows],
    }
    _audit(
        request, AuditAction.VIEW_API_REPORTS, "report", count=page["count"], **_filters(filters)
    )
    return page


@api.get(
    "/reports/{report_id}", response={200: s.ReportDetail, **GATED_ERRORS}, url_name="report",
    tags=["报告"], summary="报告详情",
)  # fmt: skip
def report(request: HttpRequest, report_id: int) -> dict[str, Any]:
    """一份报告：文号、期间、范围、生成时间和生成人、主要数字，及正文（.docx）和数据附件（.xlsx）
    的下载地址。不在本人范围内的报告返回 404。"""
    r = _report(request, report_id)
    _audit(request, AuditAction.VIEW_API_REPORT, "report", r.pk, number=r.number)
    names = people_names({r.generated_by})
    return {**_report_body(r, names), "summary": r.summary if isinstance(r.summary, dict) else {}}


@api.get(
    "/reports/{report_id}/files/{fmt}", response=GATED_ERRORS, url_name="report-file",
    tags=["报告"], summary="下载报告",
    description="报告的正文（fmt=docx，GB/T 9704 公文格式的 Word 文档）或数据附件（fmt=xlsx，"
    "Excel）。每次下载记入审计日志（report.download）。不在本人范围内的报告返回 404，"
    "民警 403，文件已不存在 404（file_missing）。",
    openapi_extra=REPORT_FILE_RESPONSE,
)  # fmt: skip
def report_file(request: HttpRequest, report_id: int, fmt: s.ReportFormat) -> FileResponse:
    r = _report(request, report_id)
    path, name = report_services.open_report(
        r, fmt.value, actor=signed_in_user(request), remote_addr=client_addr(request),
        via=via(request),
    )  # fmt: skip
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=name,
        content_type=report_services.CONTENT_TYPES[fmt.value],
    )  # fmt: skip


# --- 执法服务专岗 ------------------------------------------------------------------------------

# the queue's and a request's relations: the units and the officer are not constrained (they
# outlive re-imports), so they are prefetched and None when gone
REQUEST_RELATED = ("unit", "centre", "officer")
# the gate's actions the API offers (attachments are uploaded on the web page)
_SERVICE_ACTIONS = frozenset(a.value for a in s.ServiceActionName)


def _requests(request: HttpRequest) -> QuerySet[ServiceRequest]:
    """The requests the user may read, as on the pages: the centre's queue for its 执法服务专岗,
    the data scope's for everyone else (``servicedesk.permissions.requests_for``)."""
    return desk.requests_for(_scope(request))


def _service_request(request: HttpRequest, request_id: int) -> ServiceRequest:
    row = (
        _requests(request)
        .select_related("handler")
        .prefetch_related(*REQUEST_RELATED, "attachments")
        .filter(pk=request_id)
        .first()
    )
    if row is None:
        raise Http404(f"服务申请#{request_id}不存在或不在您的数据范围内")
    return row


def _service_request_detail(request: HttpRequest, req: ServiceRequest) -> dict[str, Any]:
    clear = _can_unmask(request)
    texts = {name: getattr(req, name) or "" for name in ("detail", "result", "return_reason")}
    return {
        **s.ServiceRequestOut.dump(req),
        **(texts if clear else {k: mask_text(v) for k, v in texts.items()}),
        "attachments": [s.AttachmentOut.dump(a) for a in req.attachments.all()],
        "allowed_actions": sorted(
            a for a in desk.allowed_actions(req, request.user) if a in _SERVICE_ACTIONS
        ),
    }


@api.get(
    "/servicedesk/requests", response={200: s.ServiceRequestPage, **ERRORS},
    url_name="service-requests", tags=["执法服务专岗"], summary="服务申请列表",
)  # fmt: skip
def service_requests(
    request: HttpRequest, filters: Query[s.ServiceRequestFilters]
) -> dict[str, Any]:
    """服务申请，与“服务申请”页面相同：执法服务专岗看到本中心受理的全部申请（办理队列），
    其他用户看到数据范围内的申请（民警本人的，法制员本单位的）。按状态、办理期限排序。"""
    scope = _scope(request)
    data = {
        "status": filters.status,
        "kind": filters.kind,
        "within": filters.unit,
        "overdue": "1" if filters.overdue else None,
    }
    queryset = _filtered(RequestFilterSet(data, _requests(request), scope=scope))
    queryset = queryset.select_related("handler").prefetch_related(*REQUEST_RELATED)
    page = _page(queryset.order_by("status", "due_at", "pk"), filters, s.ServiceRequestOut.dump)
    _audit(
        request, AuditAction.VIEW_API_SERVICE_REQUESTS, "service_request", count=page["count"],
        **_filters(filters),
    )  # fmt: skip
    return page


@api.get(
    "/servicedesk/requests/{request_id}", response={200: s.ServiceRequestDetail, **ERRORS},
    url_name="service-request", tags=["执法服务专岗"], summary="服务申请详情",
)  # fmt: skip
def service_request(request: HttpRequest, request_id: int) -> dict[str, Any]:
    """一条服务申请：事由、办理结果或退回理由、附件，以及当前用户现在可执行的操作。"""
    req = _service_request(request, request_id)
    _audit(request, AuditAction.VIEW_API_SERVICE_REQUEST, "service_request", req.pk)
    return _service_request_detail(request, req)


_SERVICE_DO: dict[s.ServiceActionName, Callable[[ServiceRequest, User, str], ServiceRequest]] = {
    s.ServiceActionName.ACCEPT: lambda req, actor, _comment: desk_services.accept_request(
        actor=actor, request=req
    ),
    s.ServiceActionName.COMPLETE: lambda req, actor, comment: desk_services.complete_request(
        actor=actor, request=req, result=comment
    ),
    s.ServiceActionName.RETURN: lambda req, actor, comment: desk_services.return_request(
        actor=actor, request=req, reason=comment
    ),
}


@api.post(
    "/servicedesk/requests/{request_id}/actions/{action}",
    response={200: s.ServiceRequestDetail, **WRITE_ERRORS},
    url_name="service-request-action",
    tags=["执法服务专岗"],
    summary="服务申请操作",
    description=f"对服务申请执行一项操作：{s.SERVICE_ACTION_TEXT}。"
    "无权执行返回 403，缺少办理结果或退回理由返回 400，当前状态不允许返回 409"
    "（错误体含 code、中文 message 和 field）。",
)
def service_request_action(
    request: HttpRequest, request_id: int, action: s.ServiceActionName, body: s.ActionIn
) -> dict[str, Any]:
    req = _service_request(request, request_id)
    actor = signed_in_user(request)
    with transaction.atomic():
        # the service checks the gate (servicedesk.permissions) and writes its own audit row;
        # this one says it came through the API
        _SERVICE_DO[action](req, actor, body.comment)
        _audit(
            request, AuditAction.VIEW_API_SERVICE_REQUEST_ACTION, "service_request", req.pk,
            action=action.value,
        )  # fmt: skip
    return _service_request_detail(request, _service_request(request, request_id))


# --- search ------------------------------------------------------------------------------------


@api.get(
    "/search", response={200: s.SearchOut, **ERRORS}, url_name="search",
    tags=["搜索"], summary="搜索",
)  # fmt: skip
def search(request: HttpRequest, params: Query[s.SearchParams]) -> dict[str, Any]:
    """顶栏搜索框的接口：本人数据范围内的案件、警情、涉案人员、民警和整改问题，按类别分组。
    身份证号只按完整号码精确匹配，结果中脱敏。每次搜索都记入审计日志（search）。"""
    results = run_search(
        signed_in_user(request), params.q, kind=params.kind, limit=params.limit,
        remote_addr=client_addr(request), via=via(request),
    )  # fmt: skip
    return s.SearchOut.dump(results)
