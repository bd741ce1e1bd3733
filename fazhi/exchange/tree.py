"""The unit tree (单位树) that the store and a bundle make together, checked before any write.

Data scope follows the tree: a 法制员 sees his unit and every unit below it
(``accounts.scope.units_below``). A bundle that closes a loop through the store, or hangs a 局
below a 派出所, would hand one unit's staff a whole bureau. So the units must stay a forest of
bureaus:

- no unit is its own ancestor: no loop, including a unit that is its own parent;
- a unit without a parent (a root) is a 市局, 县局 or 分局, or a unit of kind 其他 above them (FZX
  has no kind for a 省公安厅): a 派出所 or 大队 without a parent would be a second root beside the
  bureau it belongs to, so that every bureau has exactly one root;
- a 市局 lies below no other 局 and no 所队 unit (派出所, 大队, 中心); a 县局 or 分局 lies below a
  市局 at most. Units of kind 其他 are passed over wherever they are (a 省厅 above the cities, a
  警务室 below a 派出所): the units above them still count.

A store may hold several bureaus side by side (counties imported without their 市局, several
cities): each is a tree of its own with one root.

The check reads every stored unit's (id, parent, kind) once (a city has a few thousand units),
lays the bundle's units over them and walks the result once. A problem is blamed on the records
of the bundle that made it: those that changed a stored unit's parent (or kind) first, else new
units, else units the bundle restates unchanged on a tree already wrong in the store. A problem
that no record of the bundle touches was there before this import and is not its to refuse.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from fazhi.exchange.staging import StageProblem, Staging
from fazhi.records import models as m
from fazhi.records.enums import UnitKind

# Lower is higher up; 其他 has no rank, every other kind is a 所队 unit.
_RANKS = {
    UnitKind.CITY_BUREAU.value: 0,
    UnitKind.COUNTY_BUREAU.value: 1,
    UnitKind.BRANCH_BUREAU.value: 1,
}
_UNIT_RANK = 2
_PATH_SHOWN = 8  # units of a path named in a message before it is shortened

PARENT, KIND = "parent_id", "kind"
# (id, field) a problem may be blamed on, in order of preference within one tier
Candidates = Sequence[tuple[str, str]]


def _rank(kind: str | None) -> int | None:
    if kind == UnitKind.OTHER.value:
        return None
    return _RANKS.get(kind or "", _UNIT_RANK)


def _path(ids: Sequence[str]) -> str:
    if len(ids) > _PATH_SHOWN:
        ids = [*ids[:4], "…", *ids[-3:]]
    return " → ".join(ids)


def unit_tree_problems(staging: Staging) -> list[StageProblem]:
    """Every way the staged units would break the unit tree, blamed on bundle records."""
    stored: dict[str, tuple[str | None, str]] = {
        rid: (parent, kind)
        for rid, parent, kind in m.Unit.objects.values_list("id", "parent_id", "kind").iterator()
    }
    return UnitTree(stored, staging.unit_rows()).problems()


class UnitTree:
    def __init__(
        self,
        stored: dict[str, tuple[str | None, str]],
        staged: Iterable[tuple[str, str, str | None, str | None, int, int]],
    ) -> None:
        self.stored = stored
        self.final: dict[str, tuple[str | None, str | None]] = dict(stored)
        self.bundled: dict[str, tuple[int, int]] = {}  # id -> (src, line) of its staged row
        for op, rid, parent, kind, src, line in staged:
            if op == "u":
                self.final[rid] = (parent, kind)
                self.bundled[rid] = (src, line)
            elif op == "d":
                self.final.pop(rid, None)
            # "r": refused, the store's version stays
        self.found: dict[tuple[str, str], str] = {}  # (id, field) -> message, first one kept

    def problems(self) -> list[StageProblem]:
        self._check_loops()
        self._check_roots_and_ranks()
        return [
            StageProblem(*self.bundled[rid], "unit", rid, field, message)
            for (rid, field), message in self.found.items()
        ]

    # -- blame ---------------------------------------------------------------------------------

    def _tier(self, rid: str, field: str) -> int | None:
        """0: the bundle changes this stored unit's ``field``; 1: a new unit; 2: restated as
        stored; None: the bundle does not bring it."""
        if rid not in self.bundled:
            return None
        old = self.stored.get(rid)
        if old is None:
            return 1
        index = 0 if field == PARENT else 1
        return 0 if old[index] != self.final[rid][index] else 2

    def _chosen(self, candidates: Candidates, *, every: bool) -> list[tuple[str, str]]:
        """The candidates of the best tier (all of them, or the first); none when the bundle
        brings none of them (the store was like this before the import)."""
        tiers = [(self._tier(rid, field), rid, field) for rid, field in candidates]
        best = min((tier for tier, _rid, _field in tiers if tier is not None), default=None)
        if best is None:
            return []
        chosen = [(rid, field) for tier, rid, field in tiers if tier == best]
        return chosen if every else chosen[:1]

    def _add(self, rid: str, field: str, message: str) -> None:
        self.found.setdefault((rid, field), message)

    # -- checks --------------------------------------------------------------------------------

    def _check_loops(self) -> None:
        final = self.final
        walk_of: dict[str, int] = {}  # unit -> the walk that reached it first
        for walk, start in enumerate(final):
            if start in walk_of:
                continue
            path: list[str] = []
            node: str | None = start
            while node is not None and node in final and node not in walk_of:
                walk_of[node] = walk
                path.append(node)
                node = final[node][0]
            if node is None or walk_of.get(node) != walk:
                continue  # reached a root, a missing parent or a unit walked before
            loop = path[path.index(node) :]
            # The units whose change closed the loop are blamed, each shown the loop from itself.
            for rid, field in self._chosen([(rid, PARENT) for rid in loop], every=True):
                turn = loop.index(rid)
                shown = [*loop[turn:], *loop[:turn], rid]
                self._add(rid, field, f"上级单位形成循环：{_path(shown)}（单位不能是自己的上级）")

    def _check_roots_and_ranks(self) -> None:
        final = self.final
        children: dict[str, list[str]] = {}
        roots: list[str] = []
        for rid, (parent, _kind) in final.items():
            if parent is None or parent not in final:
                roots.append(rid)  # a missing parent is the reference check's to report
            else:
                children.setdefault(parent, []).append(rid)
        # nearest ancestor of any rank, and nearest of rank 1 or 2 (a 县局/分局 or a 所队 unit)
        near: dict[str, tuple[str | None, str | None]] = dict.fromkeys(roots, (None, None))
        todo = list(roots)
        while todo:
            rid = todo.pop()
            ranked, low = near[rid]
            rank = _rank(final[rid][1])
            if rank is not None:
                ranked = rid
                if rank >= 1:
                    low = rid
            for child in children.get(rid, ()):
                near[child] = (ranked, low)
                todo.append(child)
        for rid in roots:
            parent, kind = final[rid]
            if parent is None and _rank(kind) == _UNIT_RANK:
                message = (
                    f"{kind} {rid} 没有上级单位：只有市局、县局、分局（或“其他”类的上级机关，"
                    f"如省厅）可以没有上级，{kind}必须隶属于某个局"
                )
                for unit, field in self._chosen([(rid, PARENT), (rid, KIND)], every=False):
                    self._add(unit, field, message)
        for rid, (ranked, low) in near.items():
            rank = _rank(final[rid][1])
            above = ranked if rank == 0 else low if rank == 1 else None
            if above is not None:
                self._rank_problem(rid, above)

    def _rank_problem(self, rid: str, above: str) -> None:
        final = self.final
        path = [rid]
        while path[-1] != above:
            parent = final[path[-1]][0]
            assert parent is not None  # ``above`` is an ancestor
            path.append(parent)
        kind, above_kind = final[rid][1], final[above][1]
        if _rank(kind) == 0:
            rule = "市局不能隶属于其他局或所队单位"
        else:
            rule = "县局、分局只能隶属于市局，不能隶属于其他县局、分局或派出所、大队等所队单位"
        message = f"{kind} {rid} 将位于{above_kind} {above} 之下（{_path(path)}）：{rule}"
        candidates = [(rid, PARENT), (rid, KIND)]
        candidates += [(unit, PARENT) for unit in path[1:-1]]
        candidates.append((above, KIND))
        for unit, field in self._chosen(candidates, every=False):
            self._add(unit, field, message)
