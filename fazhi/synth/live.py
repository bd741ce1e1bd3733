"""Open clocks at ``as_of``: the work a bureau has in hand at the moment the county is cut.

The clean paths do every act early in its period, so at ``as_of`` no clock is close to its end
and a patrol shows no 执法提醒. A real bureau at any moment has people in custody whose 送看守所
is due tonight, summons running out, cases awaiting a 立案 decision, property awaiting storage,
cases silent for seven weeks. This module plans such work for every deadline rule of the pack:
the rule's trigger is placed so that ``as_of`` falls inside the warning lead before the due time
under *every* reading of rules.md (holiday roll-over or not, working days or calendar days), and
the required act is simply not done yet (it would come after ``as_of``, which the cut removes).
Every other act of these cases is done early, as on the clean paths, so they add warnings and
nothing else: the ground truth (violations only) is unchanged.

The plan draws from its own random stream (seeded from the county's), so it does not shift the
rest of the county; the scenarios themselves run in the county's day loop like any planned item.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fazhi.synth import incidents, names, paths
from fazhi.synth.cases import CaseWork, PersonH, Record
from fazhi.synth.injections.common import Planned, admin_open, open_case, suspect_flow
from fazhi.synth.injections.gf import _stored_item
from fazhi.synth.injections.lx import _dispute, _extra_recording
from fazhi.synth.paths import _r
from fazhi.synth.periods import (
    DAY,
    HOUR,
    MINUTE,
    day_due,
    month_due,
)

if TYPE_CHECKING:
    from fazhi.synth.services import CountyRun

# Open subjects per deadline rule in a full county (at least two in any county).
PER_RULE = 8


@dataclass(frozen=True)
class Clock:
    """A legal period as rules.md states it: ``amount`` hours, days or months."""

    amount: int
    unit: str  # "hours" | "days" | "months"
    custody: bool

    def due_bounds(self, t: int) -> tuple[int, int]:
        """The earliest and the latest due time rules.md gives: hours exact; days and months
        end at 24:00, rolled over a rest day unless the rule is marked custody. (Working-day
        counting is for APL/AEL periods of ten days or less, which no deadline rule has.)"""
        if self.unit == "hours":
            due = t + self.amount * HOUR
        elif self.unit == "days":
            due = day_due(t, self.amount, rollover=not self.custody)
        else:
            due = month_due(t, self.amount, rollover=not self.custody)
        return due, due

    def lead(self) -> int:
        """The shortest warning lead rules.md allows for this period (a quarter of it, at least
        2 hours or 1 day, at most 7 days)."""
        if self.unit == "hours":
            return max(2 * HOUR, self.amount * HOUR // 4)
        days = self.amount * (28 if self.unit == "months" else 1)
        return min(7 * DAY, max(DAY, days * DAY // 4))

    def nominal(self) -> int:
        if self.unit == "hours":
            return self.amount * HOUR
        return self.amount * (30 if self.unit == "months" else 1) * DAY


def warning_trigger(clock: Clock, as_of: int, rng: random.Random) -> int:
    """A trigger time whose due time is after ``as_of`` by less than the warning lead:
    ``as_of`` is inside the warning window, with time left."""
    lead = clock.lead()
    margin = min(30 * MINUTE, lead // 8)
    step = 10 * MINUTE if clock.unit == "hours" else HOUR
    start = as_of + int(lead * rng.uniform(0.25, 0.75)) - clock.nominal()
    for k in range(24 * 60):
        for t in (start - k * step, start + k * step):
            earliest, latest = clock.due_bounds(t)
            if earliest > as_of + margin and latest - lead < as_of - margin:
                return t
    # No such trigger exists for a day period whose lead is one day when ``as_of`` is at midnight
    # or on a rest day (the period ends at 24:00 of a working day): then the clock whose warning
    # begins first after ``as_of``.
    candidates = [start - k * step for k in range(24 * 14)]
    return min(
        (t for t in candidates if clock.due_bounds(t)[0] > as_of + margin),
        key=lambda t: (clock.due_bounds(t)[1], -t),
    )


# --- scenario openings ----------------------------------------------------------------------


def _case(
    run: CountyRun, code: str, kind: str, accepted: int, families: tuple[str, ...] = ()
) -> CaseWork:
    """An incident taken on as a case accepted exactly at ``accepted``."""
    rng = run.rng
    dispose = rng.randint(25, 240) * MINUTE
    after = rng.randint(1, 30) * MINUTE
    item = Planned(code, "live", accepted - dispose - after, _noop)
    return open_case(run, item, kind, families, dispose_after=dispose, accepted_after=after)


def _noop(run: CountyRun, item: Planned) -> None:
    return None


def _criminal_suspect(run: CountyRun, code: str, caught: int) -> tuple[CaseWork, PersonH]:
    """A filed criminal case whose suspect is caught at ``caught``."""
    rng = run.rng
    w = _case(run, code, "刑事", caught - _r(rng, 30.0, 40.0), ("theft", "fraud", "fight"))
    _, ready = suspect_flow(w)
    assert ready <= caught, (ready, caught)
    return w, w.suspect()


def _detained(run: CountyRun, code: str, at: int, **kw: int | None) -> tuple[CaseWork, Record]:
    w, p = _criminal_suspect(run, code, at)
    rng = w.rng
    args: dict[str, Any] = {
        "jail": _r(rng, 2.0, 6.0),
        "notify": _r(rng, 0.5, 8.0),
        "interrogate": _r(rng, 0.3, 4.0),
    }
    args.update(kw)
    return w, paths.detain(w, p, at, **args)


def _arrested(run: CountyRun, code: str, start: int, **kw: int | None) -> tuple[CaseWork, Record]:
    rng = run.rng
    detained_at = start - _r(rng, 24.0 * 4, 24.0 * 5)
    w, m = _detained(run, code, detained_at)
    p = w.person_of(m)
    paths.request_arrest(w, p, m, detained_at + _r(rng, 18.0, 30.0))
    args: dict[str, Any] = {"notify": _r(rng, 0.5, 6.0), "interrogate": _r(rng, 1.0, 6.0)}
    args.update(kw)
    a = paths.arrest(w, p, m, start - _r(rng, 1.0, 3.0), start, **args)
    return w, a


# --- one scenario per deadline rule: ``t`` is the trigger, the act is still to come ---------


def xs_ch_01(run: CountyRun, t: int) -> None:
    w, p = _criminal_suspect(run, "XS-CH-01", t)
    paths.summon(w, p, t, ended=False, keep_visit=True)
    w.finish()


def xs_jl_01(run: CountyRun, t: int) -> None:
    # still in the case area, the 看守所 transfer due tonight
    w, _ = _detained(run, "XS-JL-01", t, jail=None, visit_left=30 * HOUR)
    w.finish()


def xs_jl_02(run: CountyRun, t: int) -> None:
    w, _ = _detained(run, "XS-JL-02", t, notify=None)
    w.finish()


def xs_jl_03(run: CountyRun, t: int) -> None:
    w, _ = _detained(run, "XS-JL-03", t, interrogate=None)
    w.finish()


def xs_jl_04(run: CountyRun, t: int) -> None:
    w, m = _detained(run, "XS-JL-04", t)
    w.transcript(w.person_of(m), t + _r(w.rng, 24.0, 40.0), in_custody=True)
    w.finish()


def xs_db_01(run: CountyRun, t: int) -> None:
    rng = run.rng
    detained_at = t - _r(rng, 24.0 * 3, 24.0 * 4)
    w, m = _detained(run, "XS-DB-01", detained_at)
    p = w.person_of(m)
    paths.request_arrest(w, p, m, detained_at + _r(rng, 18.0, 30.0))
    paths.refuse_arrest(w, p, m, t, None)
    w.finish()


def xs_db_02(run: CountyRun, t: int) -> None:
    w, _ = _arrested(run, "XS-DB-02", t, notify=None)
    w.finish()


def xs_db_03(run: CountyRun, t: int) -> None:
    w, _ = _arrested(run, "XS-DB-03", t, interrogate=None)
    w.finish()


def xs_jy_01(run: CountyRun, t: int) -> None:
    w, a = _arrested(run, "XS-JY-01", t)
    w.transcript(w.person_of(a), t + _r(w.rng, 24.0 * 4, 24.0 * 9), in_custody=True)
    w.finish()


def _bailed(run: CountyRun, code: str, start: int) -> tuple[CaseWork, PersonH, Record]:
    w, p = _criminal_suspect(run, code, start - _r(run.rng, 2.0, 6.0))
    m = paths.bail(w, p, start, deposit=float(w.rng.choice((2000, 3000, 5000))))
    return w, p, m


def xs_qb_01(run: CountyRun, t: int) -> None:
    w, _, _ = _bailed(run, "XS-QB-01", t)
    w.finish()


def xs_qb_02(run: CountyRun, t: int) -> None:
    w, p = _criminal_suspect(run, "XS-QB-02", t - _r(run.rng, 2.0, 6.0))
    paths.surveil(w, p, t, designated=False, notify=None)
    w.finish()


def xs_qb_04(run: CountyRun, t: int) -> None:
    # the case went to the procuratorate; the deposit is still to be returned
    rng = run.rng
    w, p, m = _bailed(run, "XS-QB-04", t - _r(rng, 24.0 * 40, 24.0 * 90))
    paths.prosecute(w, t - 5 * MINUTE, [p])
    paths.end_bail(w, m, t, None)
    w.finish()


def xs_js_01(run: CountyRun, t: int) -> None:
    w, p = _criminal_suspect(run, "XS-JS-01", t - _r(run.rng, 2.0, 6.0))
    paths.surveil(w, p, t, designated=True, notify=None)
    w.finish()


def xs_la_01(run: CountyRun, t: int) -> None:
    w = _case(run, "XS-LA-01", "刑事", t, ("theft", "fraud"))
    v = w.victim()
    paths.hear(w, v, t + _r(w.rng, 0.3, 3.0))
    w.finish()


def _victim_case(run: CountyRun, code: str, accepted: int) -> CaseWork:
    w = _case(run, code, "刑事", accepted, ("theft", "fraud"))
    paths.hear(w, w.victim(), accepted + _r(w.rng, 0.3, 3.0))
    return w


def xs_la_02(run: CountyRun, t: int) -> None:
    w = _victim_case(run, "XS-LA-02", t - _r(run.rng, 24.0, 48.0))
    paths.not_file(w, t, None)
    w.finish()


def xs_la_03(run: CountyRun, t: int) -> None:
    rng = run.rng
    w = _victim_case(run, "XS-LA-03", t - _r(rng, 24.0 * 10, 24.0 * 20))
    w.file(w.accepted_at + _r(rng, 1.0, 20.0))
    p = w.suspect()
    paths.hear(w, p, w.accepted_at + _r(rng, 30.0, 60.0))
    paths.revoke(w, t, [p], None)
    w.finish()


def _admin(run: CountyRun, code: str, accepted: int) -> tuple[CaseWork, PersonH]:
    item = Planned(code, "live", accepted, _noop)
    rng = run.rng
    dispose = rng.randint(25, 240) * MINUTE
    after = rng.randint(1, 30) * MINUTE
    item.at = accepted - dispose - after
    return admin_open(run, item, dispose_after=dispose, accepted_after=after)


def za_ch_01(run: CountyRun, t: int) -> None:
    w, p = _admin(run, "ZA-CH-01", t - _r(run.rng, 2.0, 10.0))
    paths.admin_summon(w, p, t, notify=_r(w.rng, 0.3, 2.0), ended=False)
    w.finish()


def za_ch_02(run: CountyRun, t: int) -> None:
    w, p = _admin(run, "ZA-CH-02", t - _r(run.rng, 2.0, 10.0))
    paths.admin_summon(w, p, t, notify=None, end_after=_r(w.rng, 2.0, 4.0))
    w.finish()


def za_qx_01(run: CountyRun, t: int) -> None:
    w, p = _admin(run, "ZA-QX-01", t)
    paths.admin_summon(w, p, t + _r(w.rng, 1.0, 20.0), notify=_r(w.rng, 0.3, 2.0))
    w.finish()


def za_sd_01(run: CountyRun, t: int) -> None:
    w, p = _admin(run, "ZA-SD-01", t - _r(run.rng, 24.0 * 2, 24.0 * 6))
    _, end = paths.admin_summon(w, p, w.accepted_at + _r(w.rng, 1.0, 10.0), notify=HOUR)
    assert end < t
    paths.decide(w, p, t)
    w.finish()


def za_jl_01(run: CountyRun, t: int) -> None:
    w, p = _admin(run, "ZA-JL-01", t - _r(run.rng, 24.0 * 2, 24.0 * 4))
    paths.admin_summon(w, p, w.accepted_at + _r(w.rng, 1.0, 10.0), notify=HOUR)
    decided = t - _r(w.rng, 0.5, 2.0)
    paths.decide(w, p, decided)
    paths.serve(w, p, decided + 10 * MINUTE)
    paths.admin_detain(w, p, t, w.rng.randint(5, 10), notify=None)
    w.finish()


def za_ky_01(run: CountyRun, t: int) -> None:
    rng = run.rng
    w = _case(run, "ZA-KY-01", "行政", t - _r(rng, 1.0, 8.0), ("gambling", "weapon", "drugs"))
    p = w.suspect()
    paths.admin_summon(w, p, t - 10 * MINUTE, notify=_r(rng, 0.3, 2.0))
    w.measure("扣押", p, t, approver=w.chief())
    w.seize(t, p, _r(rng, 0.5, 6.0))
    decided = t + _r(rng, 24.0, 24.0 * 5)
    paths.decide(w, p, decided)
    paths.serve(w, p, decided + _r(rng, 0.1, 1.0))
    w.finish()


def jq_01(run: CountyRun, t: int) -> None:
    rng = run.rng
    cause = incidents.draw_cause(rng, "行政")
    while cause.category != "治安":
        cause = incidents.draw_cause(rng, "行政")
    town, station = run.town_and_station()
    address = names.full_address(rng, run.county.name, town)
    text = incidents.fill_slots(rng, rng.choice(cause.descriptions), {"place": (address,)})
    rec = run.incident(t, cause.category, station, address, text, disposition=None,
                       dispose_after=None)  # fmt: skip
    run.emit_incident(rec)


def jq_02(run: CountyRun, t: int) -> None:
    rng = run.rng
    cause = incidents.draw_cause(rng, "行政")
    town, station = run.town_and_station()
    address = names.full_address(rng, run.county.name, town)
    text = incidents.fill_slots(rng, rng.choice(cause.descriptions), {"place": (address,)})
    delay = rng.randint(25, 240) * MINUTE
    rec = run.incident(t - delay, cause.category, station, address, text, disposition="受案",
                       dispose_after=delay)  # fmt: skip
    run.emit_incident(rec)


def jq_03(run: CountyRun, t: int) -> None:
    rng = run.rng
    dispose = rng.randint(25, 240) * MINUTE
    after = rng.randint(1, 30) * MINUTE
    item = Planned("JQ-03", "live", t - dispose - after, _noop)
    w = open_case(run, item, "行政", dispose_after=dispose, accepted_after=after,
                  receipt_after=None)  # fmt: skip
    v = w.victim()
    paths.hear(w, v, t + _r(rng, 0.3, 3.0))
    w.finish()


def gf_cw_01(run: CountyRun, t: int) -> None:
    w, p = _criminal_suspect(run, "GF-CW-01", t - _r(run.rng, 1.0, 4.0))
    w.seize(t, p, None)
    w.finish()


def gf_ba_04(run: CountyRun, t: int) -> None:
    # came on his own and is still being heard: neither left nor detained yet
    w, p = _admin(run, "GF-BA-04", t - _r(run.rng, 1.0, 8.0))
    w.visit_open(p, t)
    w.rights(p, t + 5 * MINUTE)
    w.transcript(p, t + 10 * MINUTE)
    w.finish()


def gf_aj_01(run: CountyRun, t: int) -> None:
    # filed, and nothing done since: ``t`` is the filing, the case's last activity
    rng = run.rng
    w = _victim_case(run, "GF-AJ-01", t - _r(rng, 4.0, 20.0))
    w.file(t, notify_victim=False)
    w.silent_after = t
    w.finish()


def gf_cw_04(run: CountyRun, t: int) -> None:
    # seized and stored in an open case, found unrelated at ``t``, not yet given back
    item = Planned("GF-CW-04", "live", t - 6 * DAY, _noop)
    w, prop, stored = _stored_item(run, item)
    if stored >= t:
        raise AssertionError(f"live GF-CW-04 {w.id}: stored after it was found unrelated")
    prop["unrelated"] = True
    prop["unrelated_at"] = t
    w.finish()


def gf_cw_03(run: CountyRun, t: int) -> None:
    # seized and stored in an open case, borrowed at ``t`` with no return date recorded (the
    # rule's 7 days apply), not yet brought back
    item = Planned("GF-CW-03", "live", t - 6 * DAY, _noop)
    w, prop, stored = _stored_item(run, item)
    if stored >= t:
        raise AssertionError(f"live GF-CW-03 {w.id}: stored after it was borrowed")
    w.move(prop, "调用", t, approved=w.chief().id, note="辨认")
    w.finish()


def lx_02(run: CountyRun, t: int) -> None:
    # a dispute attended and filmed until ``t``; the recording is not uploaded yet
    inc = _dispute(run, t - 3 * HOUR)
    start = inc["arrived_at"] - MINUTE
    if start >= t:
        raise AssertionError(f"live LX-02 {inc['id']}: arrived after the recording ended")
    _extra_recording(run, inc["officer_ids"][::-1], start, t, uploaded=None, incident_id=inc["id"])


Scenario = Callable[["CountyRun", int], None]

H, D = "hours", "days"
SCENARIOS: dict[str, tuple[Clock, Scenario]] = {
    "XS-CH-01": (Clock(12, H, True), xs_ch_01),
    "XS-JL-01": (Clock(24, H, True), xs_jl_01),
    "XS-JL-02": (Clock(24, H, True), xs_jl_02),
    "XS-JL-03": (Clock(24, H, True), xs_jl_03),
    "XS-JL-04": (Clock(3, D, True), xs_jl_04),
    "XS-DB-01": (Clock(12, H, True), xs_db_01),
    "XS-DB-02": (Clock(24, H, True), xs_db_02),
    "XS-DB-03": (Clock(24, H, True), xs_db_03),
    "XS-JY-01": (Clock(2, "months", True), xs_jy_01),
    "XS-QB-01": (Clock(12, "months", False), xs_qb_01),
    "XS-QB-02": (Clock(6, "months", False), xs_qb_02),
    "XS-QB-04": (Clock(3, D, False), xs_qb_04),
    "XS-JS-01": (Clock(24, H, False), xs_js_01),
    "XS-LA-01": (Clock(3, D, False), xs_la_01),
    "XS-LA-02": (Clock(3, D, False), xs_la_02),
    "XS-LA-03": (Clock(3, D, False), xs_la_03),
    "ZA-CH-01": (Clock(8, H, True), za_ch_01),
    "ZA-CH-02": (Clock(8, H, True), za_ch_02),
    "ZA-QX-01": (Clock(30, D, False), za_qx_01),
    "ZA-SD-01": (Clock(2, D, False), za_sd_01),
    "ZA-JL-01": (Clock(24, H, True), za_jl_01),
    "ZA-KY-01": (Clock(30, D, False), za_ky_01),
    "JQ-01": (Clock(24, H, False), jq_01),
    "JQ-02": (Clock(24, H, False), jq_02),
    "JQ-03": (Clock(24, H, False), jq_03),
    "GF-CW-01": (Clock(24, H, False), gf_cw_01),
    "GF-BA-04": (Clock(24, H, True), gf_ba_04),
    "GF-AJ-01": (Clock(60, D, False), gf_aj_01),
    "GF-CW-03": (Clock(7, D, False), gf_cw_03),
    "GF-CW-04": (Clock(3, D, False), gf_cw_04),
    "LX-02": (Clock(24, H, False), lx_02),
}


# Scenarios whose first records lie further before the trigger than the usual week.
LEAD_IN = {"XS-QB-04": 90 * DAY, "XS-LA-03": 20 * DAY}


def plan(run: CountyRun) -> list[Planned]:
    """The open-clock scenarios of one county, each run in the day loop at its start time."""
    # its own stream, seeded by what the seed already fixed (the county's name and as_of)
    rng = random.Random(f"fazhi-synth/live/{run.county.name}/{run.as_of}")
    count = max(2, round(PER_RULE * run.size))
    items: list[Planned] = []
    for code, (clock, scenario) in SCENARIOS.items():
        back = LEAD_IN.get(code, 0)
        for _ in range(count):
            t = warning_trigger(clock, run.as_of, rng)
            # started early enough that every record of the scenario lies after the day it
            # runs on (officers' calendars are pruned behind the day loop)
            items.append(Planned(code, "live", t - back - 8 * DAY, _runner(scenario, t)))
    return items


def _runner(scenario: Scenario, t: int) -> Callable[[CountyRun, Planned], None]:
    def run_it(run: CountyRun, item: Planned) -> None:
        scenario(run, t)

    return run_it
