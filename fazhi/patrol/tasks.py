"""The patrol fanned out on the Celery workers (``fazhi.core.fanout``, ``FAZHI_FANOUT``).

A run is cut into parts that write disjoint findings:

- ``county:<unit id>``: every deadline and condition rule on the subjects of one 县局/分局 (its
  unit and the units below it). The county is a filter of each check's query on the subject's
  unit (``services.Slice``), so the evaluation stays one set-based query per rule, only smaller;
  the checks' subqueries (an officer's other cases, a person's earlier measures) still see the
  whole store.
- ``rest``: the same rules on the subjects of the units in no county bureau (a 市局's own
  units) and of no unit.
- ``rule:<code>``: each analysis rule (研判) over the whole store. ZN-BL-01 (near-duplicate
  transcripts) and ZN-JF-01 (one phone in several cases) compare records across counties; the
  other analysis checks build their candidates in Python batches that no unit filter cuts, so
  each analysis rule is one part of its own.

The coordinator (``fanned_patrol``, called by ``services.run_patrol`` when fan-out is on) does
what one process does before and after the rules: it takes the store lock for the watermark,
brings the rules in line with the pack, decides full or incremental (the scope of an
incremental run is computed once and handed to every part), closes the findings of disabled
rules, and finally records the ``PatrolRun`` with its audit row. A lease (``patrol``) keeps two
fanned-out runs apart, as the store lock keeps two runs in one process apart.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from fazhi.core import fanout
from fazhi.core.locks import lock_store
from fazhi.core.models import Lease
from fazhi.core.tick import claim, describe, release
from fazhi.intel import duplicates
from fazhi.patrol.engine import EvalContext, Scope
from fazhi.patrol.error_codes import ErrorCode, PatrolError
from fazhi.patrol.models import PatrolRun, Rule, RuleKind, RunMode
from fazhi.patrol.pack import Pack, load_pack
from fazhi.patrol.periods import HolidayCalendar
from fazhi.patrol.services import (
    Slice,
    close_disabled,
    decide_mode,
    record_run,
    refresh_statistics,
    run_rule,
    settings_changed,
    sync_rules,
)
from fazhi.records import models as m
from fazhi.records.bureaus import county_bureaus, unit_filter

KIND = "patrol"
PATROL_LEASE = "patrol"
COUNTY, REST, RULE, INDEX, LEARN = "county:", "rest", "rule:", "index:", "learn"
# below this many transcripts to sign, ZN-BL-01's own part signs them (a county part's worth)
SIGN_SPLIT = 20_000
_TOTALS = ("found", "created", "updated", "closed")


def plan(params: dict[str, Any]) -> list[list[str]]:
    """The parts of a run in stages, each stage sent when the one before has finished: one part
    per analysis rule, one per county bureau, the rest; parts with nothing to do are left out.

    The workers take parts in the order they are sent, so the analysis rules go first: each is
    one part over the whole store, and sent last one ran alone after every county part had
    finished, doubling the run. ZN-BL-01 needs its index of signed transcripts, which one part
    built for 44 min on a province: when much is to be signed (``params["index"]``) the signing
    is cut per county (``index:county:…``, ``index:rest``), after the boilerplate is learned
    (``index:learn``, beside the other rules), and ZN-BL-01 matches in a last stage."""
    whole = [RULE + code for code in params["whole_rules"]]
    units: list[str] = []
    if params["sliced_rules"] or params.get("index"):
        units = [COUNTY + bureau for bureau in sorted(params["counties"])] + [REST]
    index = params.get("index")
    if not index:
        return [whole + (units if params["sliced_rules"] else [])]
    matcher = RULE + index["rule"]
    others = [key for key in whole if key != matcher]
    sliced = units if params["sliced_rules"] else []
    signing = [INDEX + key for key in units]
    if index["learn"]:
        return [[INDEX + LEARN, *others, *sliced], signing, [matcher]]
    return [[*others, *signing, *sliced], [matcher]]


def patrol_part(params: dict[str, Any], key: str) -> dict[str, Any]:
    """One part of a fanned-out run (the workers call it inside the part's transaction)."""
    pack = load_pack(params["pack"])
    as_of = datetime.fromisoformat(params["as_of"])
    stamp = datetime.fromisoformat(params["stamp"])
    scope = _scope(params["scope"])
    if key == INDEX + LEARN:
        report = duplicates.learn()
        return {"rules": {}, "index": {"learned": report.version, "corpus": report.corpus}}
    if key.startswith(INDEX):
        within = unit_filter(params, key.removeprefix(INDEX), "case__unit_id")
        return {"rules": {}, "index": {"signed": duplicates.sign_stale(within)}}
    if key.startswith(RULE):
        codes, part = [key.removeprefix(RULE)], None
    elif key.startswith(COUNTY):
        codes = params["sliced_rules"]
        part = Slice(frozenset(params["counties"][key.removeprefix(COUNTY)]))
    elif key == REST:
        codes = params["sliced_rules"]
        outside = frozenset(u for units in params["counties"].values() for u in units)
        part = Slice(frozenset(params["rest_units"]), rest=True, outside=outside)
    else:
        raise ValueError(f"unknown patrol part {key!r}")
    rules = {r.code: r for r in Rule.objects.filter(code__in=codes)}
    base = EvalContext(as_of=as_of, calendar=HolidayCalendar.from_database())
    outcomes: dict[str, Any] = {}
    for code in codes:
        rule_scope = None if code in params["full_rules"] else scope
        outcomes[code] = run_rule(pack.rule(code), rules[code], replace(base, scope=rule_scope),
                                  stamp, part)  # fmt: skip
    return {"rules": outcomes}


def fanned_patrol(
    *,
    as_of: datetime,
    actor: User,
    mode: str = RunMode.FULL,
    codes: Iterable[str] | None = None,
    pack_code: str,
    now: datetime | None = None,
) -> PatrolRun:
    """``run_patrol`` with the rules' work done by the workers; records the same ``PatrolRun``
    and audit row as a run in one process."""
    pack = load_pack(pack_code)
    wanted = set(codes) if codes else None
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    claimed = claim(PATROL_LEASE, holder, timezone.now())
    if claimed is None:
        raise PatrolError(
            ErrorCode.PATROL_BUSY,
            f"另一次巡查正在进行（{describe(Lease.objects.filter(name=PATROL_LEASE).first())}），"
            "请待其结束后再巡查",
        )
    stats: dict[str, Any] = {"rules": {}}
    try:
        # The rules are brought in line with the pack in a transaction of their own: the parts'
        # findings refer to them, and must not wait on rows this process has not committed.
        with transaction.atomic():
            lock_store()
            rules = sync_rules(pack)
        with transaction.atomic():
            lock_store()
            started = timezone.now()  # the watermark, taken under the lock (core.locks)
            stamp = now or started
            prev, scope, effective = decide_mode(mode, as_of, stats)
            sliced: list[str] = []
            whole: list[str] = []
            full_rules: list[str] = []
            for rdef in pack.rules:
                if wanted and rdef.code not in wanted:
                    continue
                rule = rules[rdef.code]
                if not rule.enabled:
                    stats["rules"][rdef.code] = close_disabled(rule, stamp)
                    continue
                (whole if rdef.kind == RuleKind.ANALYSIS else sliced).append(rdef.code)
                if settings_changed(rule, prev):
                    full_rules.append(rdef.code)
            counties = county_bureaus()
            params: dict[str, Any] = {
                "pack": pack_code,
                "as_of": as_of.isoformat(),
                "stamp": stamp.isoformat(),
                "scope": _scope_json(scope),
                "sliced_rules": sliced,
                "whole_rules": whole,
                "full_rules": full_rules,
                "counties": {k: sorted(v) for k, v in counties.items()},
                "rest_units": sorted(
                    set(m.Unit.objects.values_list("pk", flat=True)).difference(*counties.values())
                ),
                "index": _index_plan(pack, whole),
            }
        stages = plan(params)
        results: dict[str, dict[str, Any]] = {}
        try:
            for keys in stages:
                results.update(fanout.fan_out(KIND, params, keys))
        except fanout.FanoutFailed as exc:
            raise PatrolError(ErrorCode.FANOUT_FAILED, f"巡查未完成：{exc}") from exc
        keys = [key for stage in stages for key in stage]
        totals = dict.fromkeys(_TOTALS, 0)
        for rdef in pack.rules:
            parts = [r["rules"][rdef.code] for r in results.values() if rdef.code in r["rules"]]
            if rdef.code in stats["rules"] or not parts:
                continue
            outcome: dict[str, Any] = {k: sum(p[k] for p in parts) for k in _TOTALS}
            outcome["seconds"] = round(sum(p["seconds"] for p in parts), 3)
            outcome["incremental"] = all(p["incremental"] for p in parts)
            stats["rules"][rdef.code] = outcome
            for key in _TOTALS:
                totals[key] += outcome[key]
        stats.update(totals)
        stats["calendar_unknown_years"] = HolidayCalendar.from_database().unknown_years(
            as_of.year - 1, as_of.year + 1
        )
        stats["fanout"] = {"parts": len(keys), "counties": len(counties), "stages": len(stages)}
        indexed = [r["index"] for r in results.values() if "index" in r]
        if indexed:
            stats["index"] = {
                "learned": next((i["learned"] for i in indexed if "learned" in i), None),
                "signed": sum(i.get("signed", 0) for i in indexed),
            }
        with transaction.atomic():
            run = record_run(
                actor=actor, as_of=as_of, started=started, mode=effective, stats=stats,
                totals=totals, parts=len(keys),
            )  # fmt: skip
    finally:
        release(PATROL_LEASE, holder, {"parts": stats.get("fanout", {}).get("parts")})
    refresh_statistics(totals)
    return run


def _index_plan(pack: Pack, whole: list[str]) -> dict[str, Any] | None:
    """Whether ZN-BL-01's index is built in parts before it runs: when its boilerplate must be
    learned or at least ``SIGN_SPLIT`` transcripts are to be signed (else its part signs them)."""
    matcher = next((c for c in whole if pack.rule(c).check.name == "transcript_duplicate"), None)
    if matcher is None:
        return None
    state = duplicates.index_state()
    if not state.learn and state.stale < SIGN_SPLIT:
        return None
    return {"rule": matcher, "learn": state.learn, "stale": state.stale}


def _scope_json(scope: Scope | None) -> dict[str, Any] | None:
    if scope is None:
        return None
    return {
        "prev_as_of": scope.prev_as_of.isoformat(),
        "case_ids": sorted(scope.case_ids),
        "incident_ids": sorted(scope.incident_ids),
        "transcript_ids": sorted(scope.transcript_ids),
    }


def _scope(data: dict[str, Any] | None) -> Scope | None:
    if data is None:
        return None
    return Scope(
        prev_as_of=datetime.fromisoformat(data["prev_as_of"]),
        case_ids=frozenset(data["case_ids"]),
        incident_ids=frozenset(data["incident_ids"]),
        transcript_ids=frozenset(data["transcript_ids"]),
    )
