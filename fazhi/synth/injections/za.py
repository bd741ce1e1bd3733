"""Public-order and other administrative cases (治安/行政, ZA)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fazhi.synth import paths
from fazhi.synth.injections.common import (
    Planned,
    Rules,
    admin_fine,
    admin_open,
    days,
    open_case,
    truth,
)
from fazhi.synth.paths import _r
from fazhi.synth.periods import DAY, HOUR, MINUTE, latest_day_due

if TYPE_CHECKING:
    from fazhi.synth.services import CountyRun

RULES = Rules()
rule = RULES.rule


@rule("ZA-CH-01", "admin", 0.0049, ("overdue", 3, 330), ("late", 3, 330), ("violation", 3, 330))
def za_ch_01(run: CountyRun, item: Planned) -> None:
    w, p = admin_open(run, item)
    rng = w.rng
    start = w.accepted_at + _r(rng, 1.0, 20.0)
    if item.variant == "overdue":
        m, end = paths.admin_summon(w, p, start, notify=_r(rng, 0.3, 2.0), ended=False)
        end = start + 4 * HOUR
    elif item.variant == "late":
        m, end = paths.admin_summon(
            w, p, start, notify=_r(rng, 0.3, 2.0), end_after=_r(rng, 12.0, 16.0)
        )
    else:
        m, end = paths.admin_summon(
            w, p, start, notify=_r(rng, 0.3, 2.0), extended_to=start + _r(rng, 30.0, 40.0)
        )
    admin_fine(w, p, end)
    kept = w.finish()
    truth(run, kept, item.code, m, item.variant)


@rule("ZA-CH-02", "admin", 0.0033, ("overdue", 3, 330), ("late", 3, 330))
def za_ch_02(run: CountyRun, item: Planned) -> None:
    w, p = admin_open(run, item)
    rng = w.rng
    start = w.accepted_at + _r(rng, 1.0, 20.0)
    notify = None if item.variant == "overdue" else _r(rng, 12.0, 20.0)
    m, end = paths.admin_summon(w, p, start, notify=notify)
    admin_fine(w, p, end)
    kept = w.finish()
    truth(run, kept, item.code, m, item.variant)


@rule("ZA-QX-01", "admin", 0.0033, ("overdue", 50, 300), ("late", 60, 330))
def za_qx_01(run: CountyRun, item: Planned) -> None:
    w, p = admin_open(run, item)
    rng = w.rng
    w.case["filed_at"] = w.accepted_at
    _, _end = paths.admin_summon(w, p, w.accepted_at + _r(rng, 1.0, 20.0), notify=_r(rng, 0.3, 2.0))
    if item.variant == "late":
        decided = latest_day_due(w.accepted_at, 30) + days(rng, 2, 8)
        paths.decide(w, p, decided)
        paths.serve(w, p, decided + _r(rng, 0.1, 1.0))
        paths.close(w, decided + days(rng, 1, 3))
    kept = w.finish()
    truth(run, kept, item.code, w.case, item.variant)


@rule("ZA-SD-01", "admin", 0.0033, ("overdue", 15, 330), ("late", 20, 330))
def za_sd_01(run: CountyRun, item: Planned) -> None:
    w, p = admin_open(run, item)
    rng = w.rng
    _, end = paths.admin_summon(w, p, w.accepted_at + _r(rng, 1.0, 20.0), notify=_r(rng, 0.3, 2.0))
    decided = end + days(rng, 1, 5)
    ev = paths.decide(w, p, decided)
    if item.variant == "late":
        served = latest_day_due(decided, 2) + days(rng, 1, 3)
        paths.serve(w, p, served)
        paths.close(w, served + days(rng, 1, 3))
    kept = w.finish()
    truth(run, kept, item.code, ev, item.variant)


@rule("ZA-JL-01", "admin", 0.0033, ("overdue", 8, 330), ("late", 8, 330))
def za_jl_01(run: CountyRun, item: Planned) -> None:
    w, p = admin_open(run, item)
    rng = w.rng
    _, end = paths.admin_summon(w, p, w.accepted_at + _r(rng, 1.0, 20.0), notify=_r(rng, 0.3, 2.0))
    decided = end + _r(rng, 0.2, 1.0)
    paths.decide(w, p, decided)
    paths.serve(w, p, decided + _r(rng, 0.1, 0.5))
    start = decided + _r(rng, 0.8, 2.0)
    notify = None if item.variant == "overdue" else _r(rng, 30.0, 50.0)
    m = paths.admin_detain(w, p, start, 5, notify)
    paths.close(w, start + 5 * DAY + _r(rng, 2.0, 30.0))
    kept = w.finish()
    truth(run, kept, item.code, m, item.variant)


@rule("ZA-KY-01", "admin", 0.0049, ("overdue", 50, 300), ("late", 60, 330), ("violation", 10, 330))
def za_ky_01(run: CountyRun, item: Planned) -> None:
    w = open_case(run, item, "行政", ("gambling", "weapon", "drugs"))
    rng = w.rng
    p = w.suspect()
    start = w.accepted_at + _r(rng, 0.5, 10.0)
    _, end = paths.admin_summon(w, p, start, notify=_r(rng, 0.3, 2.0))
    seizure = w.measure("扣押", p, start + 10 * MINUTE, approver=w.chief())
    props = w.seize(start + 10 * MINUTE, p, _r(rng, 0.5, 6.0))
    decided = end + days(rng, 1, 5)
    paths.decide(w, p, decided)
    paths.serve(w, p, decided + _r(rng, 0.1, 1.0))
    if item.variant == "overdue":
        pass  # still seized; the case stays open (已处罚, not 结案) with the property in store
    else:
        if item.variant == "late":
            ended = latest_day_due(seizure["started_at"], 30) + days(rng, 2, 8)
        else:
            w.extend(
                seizure,
                seizure["started_at"] + days(rng, 1, 3),
                seizure["started_at"] + days(rng, 70, 80),
                "扣押期限延长",
            )
            ended = decided + _r(rng, 1.0, 20.0)
        seizure["ended_at"] = ended
        w.event("解除强制措施", ended, p, seizure)
        paths.dispose_all(w, props, ended - 2 * HOUR, criminal=False)
        paths.close(w, max(ended, decided) + days(rng, 1, 3))
    kept = w.finish()
    truth(run, kept, item.code, seizure, item.variant)


@rule("ZA-XW-01", "admin", 0.0033, ("violation", 3, 330))
def za_xw_01(run: CountyRun, item: Planned) -> None:
    w, p = admin_open(run, item)
    rng = w.rng
    start = w.accepted_at + _r(rng, 1.0, 20.0)
    w.rights(p, start)
    room = w.room("询问室")
    t = w.transcript(p, start + 5 * MINUTE, recorded=False, venue=room)
    admin_fine(w, p, t["ended_at"])
    kept = w.finish()
    truth(run, kept, item.code, t, "violation")
