"""The county bureaus (县局/分局) of the store and the units of each: the unit of fan-out, since a
case, its people and its acts stay within one county bureau (docs/architecture.md)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from fazhi.records import models as m
from fazhi.records.enums import UnitKind

BUREAU_KINDS = frozenset({UnitKind.COUNTY_BUREAU.value, UnitKind.BRANCH_BUREAU.value})


def county_bureaus() -> dict[str, frozenset[str]]:
    """Each 县局/分局 by id, with the units below it (itself included), read in one query.
    The store's tree keeps a 局 from sitting below another of its rank (``exchange.tree``); a
    bureau met below another would still count on its own and not also in the one above."""
    children: dict[str | None, list[str]] = {}
    kinds: dict[str, str] = {}
    for pk, parent, kind in m.Unit.objects.values_list("pk", "parent_id", "kind"):
        children.setdefault(parent, []).append(pk)
        kinds[pk] = kind
    found: dict[str, frozenset[str]] = {}
    for bureau in sorted(pk for pk, kind in kinds.items() if kind in BUREAU_KINDS):
        seen = {bureau}
        todo = [bureau]
        while todo:
            for child in children.get(todo.pop(), []):
                if child not in seen and kinds[child] not in BUREAU_KINDS:
                    seen.add(child)
                    todo.append(child)
        found[bureau] = frozenset(seen)
    return found


# --- the parts of fanned-out work (``fazhi.core.fanout``) ----------------------------------------

COUNTY, REST = "county:", "rest"


def unit_parts() -> tuple[dict[str, Any], list[str]]:
    """The parts of a piece of work cut by unit, for an app's fan-out: the params naming each
    county's units and the rest (JSON, for the parts), and the keys ``county:<bureau>`` and
    ``rest`` (the units of no county bureau, and records of no unit). Read once by the caller
    and handed to every part, so that the parts of one job cover every unit exactly once even
    when the tree changes meanwhile."""
    counties = county_bureaus()
    inside = set().union(*counties.values()) if counties else set()
    rest = sorted(set(m.Unit.objects.values_list("pk", flat=True)) - inside)
    params: dict[str, Any] = {
        "counties": {bureau: sorted(units) for bureau, units in counties.items()},
        "rest_units": rest,
    }
    return params, [COUNTY + bureau for bureau in sorted(counties)] + [REST]


def unit_filter(params: dict[str, Any], key: str, path: str) -> Q:
    """The condition that a record belongs to the part ``key`` of ``unit_parts``, on the unit at
    ``path`` (``unit_id``, ``incident__unit_id``, …): in SQL, on the unit's index."""
    if key.startswith(COUNTY):
        return Q(**{f"{path}__in": params["counties"][key.removeprefix(COUNTY)]})
    if key == REST:
        return Q(**{f"{path}__in": params["rest_units"]}) | Q(**{f"{path}__isnull": True})
    raise ValueError(f"unknown part {key!r}")
