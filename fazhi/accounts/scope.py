"""Data scope (数据权限), enforced in one place: every page and API narrows its querysets here.

- 民警 see their own work: the cases they lead or assist, the incidents they handled, the
  findings and problems addressed to them, and the records of those cases.
- 法制员, 业务负责人, 分管法制领导, 所队长 see their unit and the units below it.
- 局领导, 法制大队, 管理员 (and superusers) see the whole bureau.

Each model that pages show registers how it reaches its unit and, for 民警, what makes a row
"his own" (``register_scope``). ``visible(queryset, scope)`` applies that; a model that was never
registered is refused rather than shown unscoped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.db import models
from django.db.models import Q, QuerySet

from fazhi.accounts.models import Profile, Role
from fazhi.records import models as m

BUREAU_ROLES = frozenset({Role.BUREAU_LEADER, Role.LEGAL_BRIGADE, Role.ADMIN})
UNIT_ROLES = frozenset({Role.LEGAL_OFFICER, Role.BUSINESS_LEAD, Role.LEGAL_LEADER, Role.CHIEF})
UNMASK_PERMISSION = "accounts.unmask_pii"

_M = TypeVar("_M", bound=models.Model)


@dataclass(frozen=True)
class DataScope:
    """What one signed-in user may see."""

    username: str
    role: str | None
    unit_id: str | None  # the user's own unit
    # None: the whole bureau; else the user's unit and every unit below it
    unit_ids: frozenset[str] | None
    # set for 民警: only their own records (within their unit)
    officer_id: str | None

    @property
    def bureau_wide(self) -> bool:
        return self.unit_ids is None and self.officer_id is None

    @property
    def own_only(self) -> bool:
        return self.officer_id is not None

    def sees_unit(self, unit_id: str | None) -> bool:
        return self.unit_ids is None or (unit_id is not None and unit_id in self.unit_ids)


NOTHING = DataScope("", None, None, frozenset(), None)


@dataclass(frozen=True)
class ScopePath:
    """How rows of a model reach their unit, and (for 民警) which rows are an officer's own."""

    unit: str  # lookup path to the unit's id, e.g. "case__unit_id"
    own: Callable[[str], Q] | None  # officer id -> the rows that officer may see


SCOPE_PATHS: dict[type[models.Model], ScopePath] = {}


def register_scope(
    model: type[models.Model], *, unit: str, own: Callable[[str], Q] | None = None
) -> None:
    SCOPE_PATHS[model] = ScopePath(unit, own)


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
    if profile.role in UNIT_ROLES:
        return DataScope(
            username, profile.role, profile.unit_id, units_below(profile.unit_id), None
        )
    # 民警: own records, and never outside the unit tree he belongs to
    if profile.officer_id is None:
        return DataScope(username, profile.role, profile.unit_id, frozenset(), None)
    return DataScope(
        username, profile.role, profile.unit_id, units_below(profile.unit_id), profile.officer_id
    )


def visible(queryset: QuerySet[_M], scope: DataScope) -> QuerySet[_M]:
    """``queryset`` narrowed to what ``scope`` may see."""
    model = queryset.model
    path = SCOPE_PATHS.get(model)
    if path is None:
        raise LookupError(f"{model.__name__} has no data scope: register it in accounts.scope")
    if scope.unit_ids is not None:
        if not scope.unit_ids:
            return queryset.none()
        queryset = queryset.filter(**{f"{path.unit}__in": sorted(scope.unit_ids)})
    if scope.officer_id is not None:
        if path.own is None:
            return queryset.none()
        queryset = queryset.filter(path.own(scope.officer_id))
    return queryset


def can_see(obj: models.Model, scope: DataScope) -> bool:
    """Whether one row is in scope (one query): for detail pages, which answer 404 otherwise."""
    return visible(type(obj)._default_manager.filter(pk=obj.pk), scope).exists()


# --- the records -------------------------------------------------------------------------------


def _own_cases(officer_id: str) -> Q:
    return Q(lead_officer_id=officer_id) | Q(
        pk__in=m.CaseOfficer.objects.filter(officer_id=officer_id).values("case_id")
    )


def in_own_cases(prefix: str) -> Callable[[str], Q]:
    """Rows whose ``prefix`` is a case the officer leads or assists.

    Two ``IN`` lists rather than ``IN (cases WHERE lead = x OR pk IN (...))``: PostgreSQL cannot
    use an index for that OR and reads every case of the city (30 ms on each 民警 page)."""

    def own(officer_id: str) -> Q:
        led = m.Case.objects.filter(lead_officer_id=officer_id).values("pk")
        assisted = m.CaseOfficer.objects.filter(officer_id=officer_id).values("case_id")
        return Q(**{f"{prefix}__in": led}) | Q(**{f"{prefix}__in": assisted})

    return own


def addressed_or_own_case(officer_id: str) -> Q:
    """Rows with ``officer_id`` and ``case_id`` columns (findings, problems) that are the
    officer's own: addressed to him, or about a case he leads or assists."""
    return Q(officer_id=officer_id) | in_own_cases("case_id")(officer_id)


def _in_own_incidents(prefix: str) -> Callable[[str], Q]:
    """Rows whose ``prefix`` is an incident the officer handled."""

    def own(officer_id: str) -> Q:
        handled = m.IncidentOfficer.objects.filter(officer_id=officer_id).values("incident_id")
        return Q(**{f"{prefix}__in": handled})

    return own


register_scope(m.Unit, unit="pk", own=lambda officer_id: Q(officers__pk=officer_id))
register_scope(m.Officer, unit="unit_id", own=lambda officer_id: Q(pk=officer_id))
register_scope(m.Venue, unit="unit_id", own=lambda officer_id: Q())
register_scope(m.Incident, unit="unit_id", own=_in_own_incidents("pk"))
register_scope(m.Case, unit="unit_id", own=_own_cases)
for _model in (
    m.Person, m.Measure, m.Property, m.Event, m.Transcript, m.VenueVisit, m.Document,
):  # fmt: skip
    register_scope(_model, unit="case__unit_id", own=in_own_cases("case_id"))
register_scope(
    m.Followup,
    unit="incident__unit_id",
    own=lambda officer_id: Q(officer_id=officer_id) | _in_own_incidents("incident_id")(officer_id),
)


def _register_findings() -> None:
    from fazhi.patrol.models import Finding

    register_scope(
        Finding,
        unit="unit_id",
        own=addressed_or_own_case,
    )


_register_findings()
