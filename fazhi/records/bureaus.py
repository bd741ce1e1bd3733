"""The county bureaus (县局/分局) of the store and the units of each: the unit of fan-out, since a
case, its people and its acts stay within one county bureau (docs/architecture.md)."""

from __future__ import annotations

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
