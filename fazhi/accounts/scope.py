"""Data scope (数据权限), enforced in one place: every page and API narrows its querysets here.

- 民警 see their own work: the cases they lead or assist, the incidents they handled, the
  findings and problems addressed to them, and the records of those cases.
- 法制员, 业务负责人, 分管法制领导, 所队长 see their unit and the units below it.
- 局领导, 法制大队, 管理员 (and superusers) see the whole bureau.

This module says who a user is (``scope_of``: role, unit and the units below it). The mechanism
that narrows querysets, ``visible(queryset, scope)``, and the registry each model joins at the
bottom of its own ``models.py`` (``register_scope``) are ``fazhi.core.scope``.
"""

from __future__ import annotations

from typing import Any, cast

from fazhi.accounts.models import Profile, Role
from fazhi.core.scope import NOTHING, DataScope
from fazhi.records import models as m

BUREAU_ROLES = frozenset({Role.BUREAU_LEADER, Role.LEGAL_BRIGADE, Role.ADMIN})
UNIT_ROLES = frozenset({Role.LEGAL_OFFICER, Role.BUSINESS_LEAD, Role.LEGAL_LEADER, Role.CHIEF})
# 执法服务专岗: the staff of a 执法办案管理中心 see their centre (its unit and those below it, as a
# unit role) and the centre's queue of service requests (fazhi.servicedesk), never the cases of
# the stations that file them beyond what a request shows.
DESK_ROLES = frozenset({Role.SERVICE_DESK})
UNMASK_PERMISSION = "accounts.unmask_pii"
# Who is told about the platform's upkeep (a year's 国务院办公厅 holiday notice to load …):
# administrators and the 法制大队, who can act on it; never a 民警 or a unit's leaders.
UPKEEP_ROLES = frozenset({Role.ADMIN, Role.LEGAL_BRIGADE})


def units_below(unit_id: str) -> frozenset[str]:
    """The unit and every unit below it (one query; a bureau has at most a few thousand)."""
    children: dict[str | None, list[str]] = {}
    for pk, parent in m.Unit.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    seen = {unit_id}
    todo = [unit_id]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return frozenset(seen)


def scope_of(user: Any) -> DataScope:
    """The data scope of ``user`` (cached on the user object for the request)."""
    cached = getattr(user, "_fazhi_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    if user is not None and getattr(user, "is_authenticated", False):
        user._fazhi_scope = scope
    return scope


def sees_upkeep_notices(user: Any) -> bool:
    """Whether ``user`` is shown the administrators' notices (``UPKEEP_ROLES``, superusers)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser) or scope_of(user).role in UPKEEP_ROLES


def profile_of(user: Any) -> Profile | None:
    """The user's profile with its unit (one query, then cached on the user object for the
    request: the scope and the page's top bar both need it)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_fazhi_profile"):
        user._fazhi_profile = Profile.objects.filter(user=user).select_related("unit").first()
    return cast(Profile | None, user._fazhi_profile)


def _compute_scope(user: Any) -> DataScope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    profile = profile_of(user)
    username = user.get_username()
    if user.is_superuser:
        return DataScope(
            username, profile.role if profile else Role.ADMIN,
            profile.unit_id if profile else None, None, None,
        )  # fmt: skip
    if profile is None:
        return DataScope(username, None, None, frozenset(), None)
    if profile.role in BUREAU_ROLES:
        return DataScope(username, profile.role, profile.unit_id, None, None)
    if profile.unit_id is None:
        return DataScope(username, profile.role, None, frozenset(), None)
    if profile.role in UNIT_ROLES or profile.role in DESK_ROLES:
        return DataScope(
            username, profile.role, profile.unit_id, units_below(profile.unit_id), None
        )
    # 民警: own records, and never outside the unit tree he belongs to
    if profile.officer_id is None:
        return DataScope(username, profile.role, profile.unit_id, frozenset(), None)
    return DataScope(
        username, profile.role, profile.unit_id, units_below(profile.unit_id), profile.officer_id
    )
