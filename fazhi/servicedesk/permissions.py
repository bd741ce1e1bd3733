"""Who may do what with a service request: ``allowed_actions`` is the one gate, used by the
request page (which forms to show), its POSTs and the services (``require_action``), so that a
wrong user is refused from a shell too.

- Filing: an officer of the case (its lead or an assisting officer) who can see the case.
- Accepting, completing, returning: the 执法服务专岗 of the centre the request is addressed to.
- Attaching files: those, and the officer who filed it, while it is open.

The centre's staff reach their queue by the centre (``requests_for``); everyone else through the
request's data scope (the requesting unit, an officer his own requests).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from fazhi.accounts.models import Role
from fazhi.accounts.scope import DESK_ROLES, profile_of
from fazhi.core.scope import DataScope, can_see, scope_of, visible
from fazhi.records import models as m
from fazhi.records.enums import UnitKind
from fazhi.servicedesk.models import RequestStatus, ServiceRequest

FILE = "file"
ACCEPT = "accept"
COMPLETE = "complete"
RETURN = "return"
ATTACH = "attach"

ACTION_LABELS = {
    FILE: "提交服务申请",
    ACCEPT: "受理",
    COMPLETE: "办结",
    RETURN: "退回",
    ATTACH: "上传附件",
}


def _active(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def is_desk(scope: DataScope) -> bool:
    return scope.role in DESK_ROLES


def requests_for(scope: DataScope) -> QuerySet[ServiceRequest]:
    """The requests a user may see: a centre's staff their centre's queue; the others those of
    their data scope (an officer his own, a unit's leaders their unit's, the bureau all)."""
    rows = ServiceRequest.objects.all()
    if is_desk(scope):
        if not scope.unit_ids:
            return rows.none()
        return rows.filter(centre_id__in=sorted(scope.unit_ids))
    return visible(rows, scope)


def serves(scope: DataScope, request: ServiceRequest) -> bool:
    """Whether the user is a 执法服务专岗 of the request's centre."""
    return is_desk(scope) and scope.unit_ids is not None and request.centre_id in scope.unit_ids


def centre_of(unit_id: str) -> str | None:
    """The 执法办案管理中心 serving ``unit_id``: the nearest one beside the unit or beside one
    of its ancestors (a county's centre serves its stations; a city's, the city's own units)."""
    units = list(m.Unit.objects.values_list("pk", "parent_id", "kind"))
    parent = {pk: par for pk, par, _kind in units}
    centres: dict[str | None, list[str]] = {}
    for pk, par, kind in units:
        if kind == UnitKind.CASE_CENTRE:
            centres.setdefault(par, []).append(pk)
    here: str | None = unit_id
    seen: set[str] = set()
    while here is not None and here not in seen:
        seen.add(here)
        if centres.get(here):
            return sorted(centres[here])[0]
        here = parent.get(here)
    return None


def case_officer_ids(case: m.Case) -> set[str]:
    ids = set(m.CaseOfficer.objects.filter(case=case).values_list("officer_id", flat=True))
    if case.lead_officer_id:
        ids.add(case.lead_officer_id)
    return ids


def can_see_case(request: ServiceRequest, user: Any) -> bool:
    """Whether the request's page may link its case (the centre's staff see the request, not
    the station's case file)."""
    return _active(user) and can_see(request.case, scope_of(user))


def can_file(case: m.Case, user: Any) -> bool:
    if not _active(user):
        return False
    profile = profile_of(user)
    if profile is None or profile.officer_id is None or profile.role in DESK_ROLES:
        return False
    return can_see(case, scope_of(user)) and profile.officer_id in case_officer_ids(case)


def allowed_actions(request: ServiceRequest, user: Any) -> set[str]:
    """What ``user`` may do with ``request`` now."""
    if not _active(user) or not request.is_open:
        return set()
    scope = scope_of(user)
    actions: set[str] = set()
    if serves(scope, request):
        actions |= {RETURN, ATTACH}
        if request.status == RequestStatus.PENDING:
            actions.add(ACCEPT)
        else:
            actions.add(COMPLETE)
    profile = profile_of(user)
    if (
        profile is not None
        and profile.role != Role.SERVICE_DESK
        and request.filed_by_id == user.pk
        and profile.officer_id == request.officer_id
    ):
        actions.add(ATTACH)
    return actions


def _refuse(actor: User, what: str) -> PermissionDenied:
    scope = scope_of(actor)
    return PermissionDenied(f"用户 {actor.get_username()}（{scope.role or '无角色'}）无权{what}")


def require_file(case: m.Case, actor: User) -> User:
    if not can_file(case, actor):
        raise _refuse(actor, f"为案件 {case.pk} {ACTION_LABELS[FILE]}（仅本案办案民警可以申请）")
    return actor


def require_action(request: ServiceRequest, actor: User, action: str) -> User:
    """``actor`` if he may take ``action`` on ``request`` at all (his role and the centre); what
    the request's state forbids is the service's ``ServiceDeskError``."""
    label = ACTION_LABELS[action]
    if not _active(actor):
        raise PermissionDenied(f"用户 {getattr(actor, 'username', '')} 已停用，不能{label}")
    scope = scope_of(actor)
    if action in (ACCEPT, COMPLETE, RETURN):
        allowed = serves(scope, request)
    else:
        profile = profile_of(actor)
        allowed = serves(scope, request) or (
            profile is not None
            and request.filed_by_id == actor.pk
            and profile.officer_id == request.officer_id
        )
    if not allowed:
        raise _refuse(actor, f"对服务申请 {request.pk} {label}")
    return actor
