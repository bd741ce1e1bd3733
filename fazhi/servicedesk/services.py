"""servicedesk services: every change to a service request (filing, 受理, 办结, 退回,
attachments), the tick's warnings and escalations, and the figures the evaluation and the 大屏
read (``completion_times``).

Each change takes an explicit ``actor``, is refused first by ``permissions``, runs in one
transaction and ends with its audit row. Times are ``now=`` (the wall clock by default), so that
tests and the demo's replay can act at any moment.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.files import File
from django.db import transaction
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Max, Q, QuerySet
from django.utils import timezone

from fazhi.accounts.models import Role
from fazhi.accounts.scope import profile_of
from fazhi.core.audit_actions import AuditAction
from fazhi.core.errors import DomainError
from fazhi.core.services import once_per_submission, record_audit
from fazhi.notifications.services import Message, notify_many
from fazhi.patrol.periods import HolidayCalendar
from fazhi.records import models as m
from fazhi.records.enums import MeasureKind
from fazhi.rectification.services.errors import RectificationError
from fazhi.rectification.services.uploads import CheckedUpload, store_uploads, validate_upload
from fazhi.servicedesk import permissions
from fazhi.servicedesk.error_codes import ErrorCode
from fazhi.servicedesk.limits import LimitError, due_time, limit_of, warning_lead
from fazhi.servicedesk.models import (
    DEPOSIT_KINDS,
    OPEN_STATUSES,
    PROPERTY_KINDS,
    RequestKind,
    RequestStatus,
    ServiceAttachment,
    ServiceRequest,
)

MAX_DETAIL = 2000
# who, besides the centre's staff, hears of a request past its limit: the centre's leaders
ESCALATE_ROLES = (Role.CHIEF, Role.BUSINESS_LEAD)


class ServiceDeskError(DomainError):
    """A refused change to a service request."""


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _text(value: str | None) -> str:
    return (value or "").strip()


def _link(req: ServiceRequest) -> str:
    return f"/servicedesk/{req.pk}/"


# --- filing ---------------------------------------------------------------------------------


def _load(pk: str) -> ServiceRequest:
    return ServiceRequest.objects.get(pk=pk)


@once_per_submission(AuditAction.SERVICEDESK_FILE, _load)
def file_request(
    *,
    actor: User,
    case: m.Case,
    kind: str,
    detail: str,
    property_id: str | None = None,
    measure_id: str | None = None,
    uploads: Sequence[File] = (),
    now: datetime | None = None,
    calendar: HolidayCalendar | None = None,
) -> ServiceRequest:
    """An officer of ``case`` asks the centre for ``kind``; due by the kind's limit."""
    permissions.require_file(case, actor)
    now = _now(now)
    if kind not in RequestKind.values:
        raise ServiceDeskError(ErrorCode.KIND_INVALID, f"申请事项“{kind}”不存在", field="kind")
    detail = _text(detail)
    if not detail:
        raise ServiceDeskError(
            ErrorCode.DETAIL_REQUIRED, f"案件 {case.pk}：须填写申请事由", field="detail"
        )
    if len(detail) > MAX_DETAIL:
        raise ServiceDeskError(
            ErrorCode.DETAIL_REQUIRED,
            f"案件 {case.pk}：申请事由不能超过{MAX_DETAIL}字",
            field="detail",
        )
    prop = measure = None
    if kind in PROPERTY_KINDS:
        prop = m.Property.objects.filter(pk=property_id or "", case=case).first()
        if prop is None:
            raise ServiceDeskError(
                ErrorCode.PROPERTY_REQUIRED,
                f"案件 {case.pk}：须选择本案的涉案财物",
                field="property",
            )
    if kind in DEPOSIT_KINDS:
        measure = m.Measure.objects.filter(
            pk=measure_id or "", case=case, kind=MeasureKind.BAIL
        ).first()
        if measure is None:
            raise ServiceDeskError(
                ErrorCode.MEASURE_REQUIRED,
                f"案件 {case.pk}：须选择本案的取保候审",
                field="measure",
            )
    centre = permissions.centre_of(case.unit_id)
    if centre is None:
        raise ServiceDeskError(
            ErrorCode.NO_CENTRE, f"案件 {case.pk} 的办案单位没有对应的执法办案管理中心"
        )
    try:
        limit = limit_of(kind)
    except LimitError as exc:
        raise ServiceDeskError(ErrorCode.LIMIT_INVALID, str(exc)) from None
    checked = _checked(uploads)
    profile = profile_of(actor)
    assert profile is not None
    assert profile.officer_id is not None
    with transaction.atomic():
        req = ServiceRequest.objects.create(
            kind=kind,
            case=case,
            unit_id=case.unit_id,
            centre_id=centre,
            item=prop,
            measure=measure,
            detail=detail,
            filed_by=actor,
            officer_id=profile.officer_id,
            filed_at=now,
            limit=str(limit),
            due_at=due_time(now, limit, calendar),
        )
        _save(req, checked, actor=actor, now=now)
        notify_many(
            [
                Message(
                    _desk_users(req),
                    "servicedesk",
                    f"新的服务申请：{req.get_kind_display()}（案件 {case.pk}）",
                    f"办理期限 {_fmt(req.due_at)}",
                    _link(req),
                )
            ],
            actor=actor,
            now=now,
        )
        record_audit(
            actor,
            AuditAction.SERVICEDESK_FILE,
            target_type="service_request",
            target_id=str(req.pk),
            details={"case": case.pk, "kind": kind, "due_at": req.due_at.isoformat()},
        )
    return req


# --- the centre's work ----------------------------------------------------------------------

# each action's audit row
AUDIT_OF = {
    permissions.ACCEPT: AuditAction.SERVICEDESK_ACCEPT,
    permissions.COMPLETE: AuditAction.SERVICEDESK_COMPLETE,
    permissions.RETURN: AuditAction.SERVICEDESK_RETURN,
    permissions.ATTACH: AuditAction.SERVICEDESK_ATTACH,
}


@dataclass(frozen=True)
class Tell:
    """What the filing officer is told of a step: the title's first words and the body."""

    what: str
    body: str


def _move(
    request: ServiceRequest,
    *,
    actor: User,
    action: str,
    states: Sequence[str],
    now: datetime,
    change: Callable[[ServiceRequest], dict[str, Any]] | None = None,
    checked: Sequence[CheckedUpload] = (),
    tell: Tell | None = None,
    details: Callable[[ServiceRequest, list[ServiceAttachment]], dict[str, Any]] | None = None,
) -> tuple[ServiceRequest, list[ServiceAttachment]]:
    """One step of a request, the shape every action shares (the actor already admitted by
    ``permissions.require_action`` and the input checked): lock the row, refuse a state the
    action cannot leave, set the fields ``change`` gives for the locked row, store the files,
    tell the officer, write the audit row, all in one transaction."""
    with transaction.atomic():
        req = ServiceRequest.objects.select_for_update().get(pk=request.pk)
        if req.status not in states:
            raise ServiceDeskError(
                ErrorCode.WRONG_STATE,
                f"服务申请 {req.pk} 为“{req.get_status_display()}”，"
                f"不能{permissions.ACTION_LABELS[action]}",
                field="status",
            )
        fields = change(req) if change is not None else {}
        if fields:
            for name, value in fields.items():
                setattr(req, name, value)
            req.save(update_fields=list(fields))
        saved = _save(req, checked, actor=actor, now=now)
        if tell is not None:
            title = f"{tell.what}：{req.get_kind_display()}（案件 {req.case_id}）"
            notify_many(
                [Message([req.filed_by], "servicedesk", title, tell.body[:200], _link(req))],
                actor=actor,
                now=now,
            )
        record_audit(
            actor,
            AUDIT_OF[action],
            target_type="service_request",
            target_id=str(req.pk),
            details={"case": req.case_id, "kind": req.kind}
            if details is None
            else details(req, saved),
        )
    return req, saved


@once_per_submission(AuditAction.SERVICEDESK_ACCEPT, _load)
def accept_request(
    *, actor: User, request: ServiceRequest, now: datetime | None = None
) -> ServiceRequest:
    """待受理 → 办理中, the actor its handler."""
    permissions.require_action(request, actor, permissions.ACCEPT)
    now = _now(now)
    req, _ = _move(
        request, actor=actor, action=permissions.ACCEPT, states=(RequestStatus.PENDING,),
        now=now,
        change=lambda _r: {
            "status": RequestStatus.IN_PROGRESS, "handler": actor, "accepted_at": now
        },
    )  # fmt: skip
    return req


@once_per_submission(AuditAction.SERVICEDESK_COMPLETE, _load)
def complete_request(
    *,
    actor: User,
    request: ServiceRequest,
    result: str,
    uploads: Sequence[File] = (),
    now: datetime | None = None,
) -> ServiceRequest:
    """办理中 → 已办结 with the result (and its papers) told to the officer."""
    permissions.require_action(request, actor, permissions.COMPLETE)
    now = _now(now)
    result = _text(result)
    if not result:
        raise ServiceDeskError(
            ErrorCode.RESULT_REQUIRED, f"服务申请 {request.pk}：须填写办理结果", field="result"
        )
    checked = _checked(uploads)
    req, _ = _move(
        request, actor=actor, action=permissions.COMPLETE, states=(RequestStatus.IN_PROGRESS,),
        now=now,
        change=lambda _r: {"status": RequestStatus.DONE, "completed_at": now, "result": result},
        checked=checked, tell=Tell("服务申请已办结", result),
        details=lambda r, _saved: {
            "case": r.case_id, "kind": r.kind, "in_time": now <= r.due_at
        },
    )  # fmt: skip
    return req


@once_per_submission(AuditAction.SERVICEDESK_RETURN, _load)
def return_request(
    *, actor: User, request: ServiceRequest, reason: str, now: datetime | None = None
) -> ServiceRequest:
    """待受理 or 办理中 → 退回, with the reason the officer reads."""
    permissions.require_action(request, actor, permissions.RETURN)
    now = _now(now)
    reason = _text(reason)
    if not reason:
        raise ServiceDeskError(
            ErrorCode.REASON_REQUIRED, f"服务申请 {request.pk}：须填写退回理由", field="reason"
        )

    def change(r: ServiceRequest) -> dict[str, Any]:
        # the one who sends it back before anyone accepted it answers for it
        handler = {"handler": actor} if r.handler_id is None else {}
        return {"status": RequestStatus.RETURNED, "returned_at": now, "return_reason": reason,
                **handler}  # fmt: skip

    req, _ = _move(
        request, actor=actor, action=permissions.RETURN, states=OPEN_STATUSES, now=now,
        change=change, tell=Tell("服务申请被退回", reason),
        details=lambda r, _saved: {"case": r.case_id, "kind": r.kind, "reason": reason},
    )  # fmt: skip
    return req


def add_attachments(
    *,
    actor: User,
    request: ServiceRequest,
    uploads: Sequence[File],
    now: datetime | None = None,
) -> list[ServiceAttachment]:
    """Files added to an open request by its officer or the centre's staff."""
    permissions.require_action(request, actor, permissions.ATTACH)
    now = _now(now)
    if not uploads:
        raise ServiceDeskError(
            ErrorCode.ATTACHMENT_INVALID, f"服务申请 {request.pk}：请选择文件", field="files"
        )
    checked = _checked(uploads)
    _, saved = _move(
        request, actor=actor, action=permissions.ATTACH, states=OPEN_STATUSES, now=now,
        checked=checked,
        details=lambda _r, files: {"files": [a.original_name for a in files]},
    )  # fmt: skip
    return saved


def _checked(uploads: Sequence[File]) -> list[CheckedUpload]:
    try:
        return [validate_upload(u) for u in uploads]
    except RectificationError as exc:
        raise ServiceDeskError(ErrorCode.ATTACHMENT_INVALID, str(exc), field="files") from None


def _save(
    req: ServiceRequest, checked: Sequence[CheckedUpload], *, actor: User, now: datetime
) -> list[ServiceAttachment]:
    """Store checked uploads under MEDIA_ROOT (FAZHI_DATA_DIR/media)/servicedesk/yyyy/mm, inside
    the change's transaction (``store_uploads``, as the rectification's attachments)."""
    return store_uploads(
        checked,
        lambda item, sha256: ServiceAttachment(
            request=req,
            original_name=item.name,
            size=item.size,
            sha256=sha256,
            uploaded_by=actor.get_username(),
            uploaded_at=now,
        ),
    )


# --- the tick: warnings before the limit, escalation after it -------------------------------


def _fmt(moment: datetime) -> str:
    from fazhi.core.templatetags.display import local_time

    return str(local_time(moment))


def _desk_users(req: ServiceRequest) -> list[User]:
    return list(
        get_user_model().objects.filter(
            is_active=True, profile__role=Role.SERVICE_DESK, profile__unit_id=req.centre_id
        )
    )


def _centre_leaders(centre_id: str) -> list[User]:
    return list(
        get_user_model().objects.filter(
            is_active=True, profile__role__in=ESCALATE_ROLES, profile__unit_id=centre_id
        )
    )


def tick_servicedesk(now: datetime, actor: User) -> dict[str, Any]:
    """Warn the centre's staff of open requests entering the last part of their limit, and
    escalate those past it to the centre's leaders (and tell the officer). Each request is
    claimed with a conditional UPDATE first, so a repeated tick sends nothing twice."""
    open_rows = ServiceRequest.objects.open()
    # the lead is a fraction of each request's own span, so the warning point is computed per
    # row; open requests past that point are few (the SQL bound is the longest lead possible)
    candidates = list(
        open_rows.filter(warned_at__isnull=True, due_at__lte=now + timedelta(days=30))
        .select_related("filed_by")
        .order_by("pk")
    )
    warn = [r for r in candidates if now >= r.due_at - warning_lead(r.filed_at, r.due_at)]
    late = list(
        open_rows.filter(escalated_at__isnull=True, due_at__lt=now)
        .select_related("filed_by")
        .order_by("pk")
    )
    messages: list[Message] = []
    warned = escalated = 0
    with transaction.atomic():
        for req in warn:
            if not ServiceRequest.objects.filter(pk=req.pk, warned_at__isnull=True).update(
                warned_at=now
            ):
                continue
            warned += 1
            users = _desk_users(req)
            if req.handler_id is not None:
                users = [u for u in users if u.pk == req.handler_id] or users
            messages.append(
                Message(
                    users,
                    "servicedesk_warning",
                    f"服务申请即将超时：{req.get_kind_display()}（案件 {req.case_id}）",
                    f"办理期限 {_fmt(req.due_at)}",
                    _link(req),
                )
            )
        for req in late:
            if not ServiceRequest.objects.filter(pk=req.pk, escalated_at__isnull=True).update(
                escalated_at=now
            ):
                continue
            escalated += 1
            title = f"服务申请已超时：{req.get_kind_display()}（案件 {req.case_id}）"
            body = f"办理期限 {_fmt(req.due_at)}，已超时，请督办"
            messages.append(
                Message(
                    _centre_leaders(req.centre_id) + _desk_users(req),
                    "servicedesk_overdue",
                    title,
                    body,
                    _link(req),
                )
            )
            messages.append(Message([req.filed_by], "servicedesk_overdue", title, body, _link(req)))
        notify_many(messages, actor=actor, now=now)
        if warned or escalated:
            record_audit(
                actor,
                AuditAction.SERVICEDESK_TICK,
                target_type="service_request",
                details={"warned": warned, "escalated": escalated},
            )
    return {"warned": warned, "escalated": escalated}


# --- figures for the evaluation and the 大屏 -------------------------------------------------


@dataclass(frozen=True)
class CompletionFigure:
    """Requests of one kind and requesting unit completed in a period."""

    kind: str
    kind_label: str
    unit_id: str
    completed: int
    in_time: int
    mean: timedelta | None  # filing to 办结
    longest: timedelta | None

    @property
    def in_time_rate(self) -> float | None:
        return self.in_time / self.completed if self.completed else None


def completion_times(
    start: datetime,
    end: datetime,
    *,
    unit_ids: Sequence[str] | None = None,
    queryset: QuerySet[ServiceRequest] | None = None,
) -> list[CompletionFigure]:
    """Time to complete per kind and requesting unit, for requests 办结 in [start, end): one
    grouped query. ``unit_ids`` narrows to those units; ``queryset`` to a scope's requests."""
    rows = (queryset if queryset is not None else ServiceRequest.objects.all()).filter(
        status=RequestStatus.DONE, completed_at__gte=start, completed_at__lt=end
    )
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=list(unit_ids))
    took = ExpressionWrapper(F("completed_at") - F("filed_at"), output_field=DurationField())
    labels = dict(RequestKind.choices)
    grouped = (
        rows.values("kind", "unit_id")
        .annotate(
            n=Count("pk"),
            in_time=Count("pk", filter=Q(completed_at__lte=F("due_at"))),
            mean=Avg(took),
            longest=Max(took),
        )
        .order_by("kind", "unit_id")
    )
    return [
        CompletionFigure(
            kind=row["kind"],
            kind_label=labels.get(row["kind"], row["kind"]),
            unit_id=row["unit_id"],
            completed=row["n"],
            in_time=row["in_time"],
            mean=_duration(row["mean"]),
            longest=_duration(row["longest"]),
        )
        for row in grouped
    ]


def _duration(value: Any) -> timedelta | None:
    # PostgreSQL gives an interval; SQLite a number of microseconds for an average
    if value is None or isinstance(value, timedelta):
        return value
    return timedelta(microseconds=float(value))
