"""The data-scope mechanism (数据权限): what one signed-in user may see, and how each model's rows
reach their unit.

It lives in ``core``, the lowest layer, so that every app registers its own models at the bottom
of its own ``models.py`` (``register_scope``) without importing an app above it. Who a user is —
the roles, the unit tree, ``scope_of(user)`` — is ``fazhi.accounts.scope``.

``visible(queryset, scope)`` narrows a queryset; a model that was never registered is refused
rather than shown unscoped. ``scope_of(user)`` is the one way every page, API call and service
asks for a user's scope; accounts, which knows users, units and roles, provides the answer
(``set_scope_resolver`` in its ``AppConfig.ready()``; a site without it fails its system check).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

# The queryset type is kept (a FindingQuerySet stays one, with its methods).
_Q = TypeVar("_Q", bound=QuerySet[Any])
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


_resolver: Callable[[Any], DataScope] | None = None


def set_scope_resolver(resolver: Callable[[Any], DataScope]) -> None:
    global _resolver
    _resolver = resolver


def has_scope_resolver() -> bool:
    return _resolver is not None


def scope_of(user: Any) -> DataScope:
    """The data scope of ``user`` (anonymous, inactive or unknown users see nothing)."""
    if _resolver is None:
        raise RuntimeError("没有登记数据范围的计算（fazhi.accounts 未安装？）")
    return _resolver(user)


def register_scope(
    model: type[models.Model], *, unit: str, own: Callable[[str], Q] | None = None
) -> None:
    """Declare how ``model`` is scoped; called at the bottom of the model's own ``models.py``."""
    SCOPE_PATHS[model] = ScopePath(unit, own)


def visible(queryset: _Q, scope: DataScope) -> _Q:
    """``queryset`` narrowed to what ``scope`` may see."""
    model = queryset.model
    path = SCOPE_PATHS.get(model)
    if path is None:
        raise LookupError(
            f"{model.__name__} has no data scope: call register_scope in its models.py"
        )
    if scope.unit_ids is not None:
        if not scope.unit_ids:
            return queryset.none()
        queryset = queryset.filter(**{f"{path.unit}__in": sorted(scope.unit_ids)})
    if scope.officer_id is not None:
        if path.own is None:
            return queryset.none()
        queryset = queryset.filter(path.own(scope.officer_id))
    return queryset


def get_visible_or_404(
    queryset: QuerySet[_M], scope: DataScope, *, label: str = "", **lookup: Any
) -> _M:
    """The one row of ``queryset`` matching ``lookup`` that ``scope`` may see; a row out of scope
    is a 404 exactly like a row that does not exist (the gate of the detail pages, the API and
    the services). ``label`` names the record in the Chinese message (the model's name when
    not given), which the 404 page and the API's error body show."""
    try:
        return visible(queryset, scope).get(**lookup)
    except ObjectDoesNotExist:
        what = label or str(queryset.model._meta.verbose_name)
        raise Http404(f"{what}不存在或不在您的数据范围内") from None


def can_see(obj: models.Model, scope: DataScope) -> bool:
    """Whether one row is in scope (one query): for detail pages, which answer 404 otherwise."""
    return visible(type(obj)._default_manager.filter(pk=obj.pk), scope).exists()
