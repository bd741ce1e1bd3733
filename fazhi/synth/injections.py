"""Injected violations, one scenario per rule code of rules.md, with their exact ground truth.

Each scenario is a case (or incident) built from the same steps as clean data, with one act
missing, late, or made non-compliant, on a path chosen so that nothing else fires: an omitted
notification is never followed by another notification of the same person that a patrol could
match instead, a late act is the first act of its kind after the trigger, and so on. Deadline
violations are placed after the latest due time any reading of holiday roll-over or working-day
counting gives, and overdue ones have that due time well before ``as_of``.

Counts: ``rate`` × the rule's population (cases, detentions, incidents … of a full county-year)
× the county's size; at least one when the rate is positive. Variants (overdue/late/violation,
or kinds of subject) take turns, so every status of a rule appears once there are enough.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fazhi.synth import incidents, names, paths, transcripts
from fazhi.synth.cases import CaseWork, PersonH, Record
from fazhi.synth.county import Officer
from fazhi.synth.paths import _r
from fazhi.synth.periods import (
    DAY,
    HOUR,
    MINUTE,
    add_months,
    date_of,
    day_of,
    latest_day_due,
    month_due,
)

if TYPE_CHECKING:
    from fazhi.synth.services import CountyRun

# Size of each population in a full county-year: injections scale with it.
POPULATIONS = {
    "criminal": 2600,
    "detention": 650,
    "arrest": 300,
    "bail": 900,
    "surveillance": 150,
    "admin": 4900,
    "incident": 60000,
    "dispute": 13000,
    "case": 7500,
    "transcript": 19000,
    "person": 18000,
    "property": 2500,
    "visit": 5000,
    "document": 40000,
}


@dataclass
class Planned:
    code: str
    variant: str
    at: int
    recipe: Callable[[CountyRun, Planned], None]
    data: dict[str, Any] = field(default_factory=dict)

    def run(self, run: CountyRun) -> None:
        self.recipe(run, self)


@dataclass(frozen=True)
class Rule:
    code: str
    population: str
    rate: float
    variants: tuple[tuple[str, float, float], ...]  # (variant, min days, max days before as_of)
    recipe: Callable[[CountyRun, Planned], None]


RULES: dict[str, Rule] = {}


def rule(
    code: str, population: str, rate: float, *variants: tuple[str, float, float]
) -> Callable[[Callable[[CountyRun, Planned], None]], Callable[[CountyRun, Planned], None]]:
    def register(fn: Callable[[CountyRun, Planned], None]) -> Callable[[CountyRun, Planned], None]:
        RULES[code] = Rule(code, population, rate, variants, fn)
        return fn

    return register


def plan(run: CountyRun, rates: dict[str, float]) -> list[Planned]:
    rng = run.rng
    items: list[Planned] = []
    for code, spec in RULES.items():
        rate = rates.get(code, spec.rate)
        if rate <= 0:
            continue
        count = max(1, round(rate * POPULATIONS[spec.population] * run.size))
        if code not in rates:
            count = max(count, len(spec.variants))  # defaults show every variant
        for i in range(count):
            variant, low, high = spec.variants[i % len(spec.variants)]
            days = rng.uniform(low, high)
            day = day_of(run.as_of) - int(days) - 1
            at = day * DAY + incidents.draw_time_of_day(rng)
            if code != "XS-QB-01":
                at = max(at, run.window_start + HOUR)
            items.append(Planned(code, variant, at, spec.recipe))
    for item in list(items):
        if item.code == "ZN-JF-01":
            _reserve_repeat(run, item)
            # The group's later reports are planned on their own days, so incident numbers
            # follow the order calls came in.
            for offset in (_days(rng, 3, 10), _days(rng, 13, 24)):
                items.append(
                    Planned(item.code, item.variant, item.at + offset, item.recipe, item.data)
                )
        if item.code == "GF-ZG-01" and item.variant == "late_qualified":
            _place_before_qualification(run, item)
    items.sort(key=lambda p: (p.at, p.code))
    return items


# --- helpers ----------------------------------------------------------------------------


def _truth(run: CountyRun, kept: dict[str, Record], code: str, rec: Record, status: str) -> None:
    """A truth row, after checking the subject survived the cut at as_of."""
    if rec["id"] not in kept:
        raise AssertionError(f"{code}: subject {rec['type']} {rec['id']} not written")
    run.writer.truth(code, rec["type"], rec["id"], status)


def _open(
    run: CountyRun,
    item: Planned,
    kind: str,
    families: tuple[str, ...] = (),
    *,
    dispose_after: int | None = None,
    accepted_after: int | None = None,
    **kwargs: Any,
) -> CaseWork:
    """An incident taken on as a case of ``kind`` (and one of ``families``)."""
    rng = run.rng
    while True:
        cause = incidents.draw_cause(rng, kind)
        family = transcripts.FAMILY_OF_CAUSE.get(cause.cause, "theft")
        if not families or family in families:
            break
    town, station = run.town_and_station()
    address = names.full_address(rng, run.county.name, town)
    text = incidents.fill_slots(rng, rng.choice(cause.descriptions), {"place": (address,)})
    unit = run.county.brigades["交警大队"] if cause.category == "交通" else station
    disposed = dispose_after if dispose_after is not None else run.dispose_delay()
    rec = run.incident(
        item.at, cause.category, unit, address, text, disposition="受案", dispose_after=disposed
    )
    run.emit_incident(rec)
    accepted = rec["disposed_at"] + (accepted_after or rng.randint(1, 30) * MINUTE)
    return run.new_case(cause, rec, accepted, town, station, **kwargs)


def _suspect_flow(w: CaseWork, *, has_victim: bool = True) -> tuple[PersonH | None, int]:
    """Victim heard and case filed: the common opening of a criminal scenario."""
    rng = w.rng
    t0 = w.accepted_at
    victim = None
    if has_victim:
        victim = w.victim()
        paths.hear(w, victim, t0 + _r(rng, 0.3, 3.0))
    filed = t0 + _r(rng, 1.0, 20.0)
    w.file(filed)
    return victim, filed + _r(rng, 1.0, 8.0)


def _prosecute_later(w: CaseWork, suspects: list[PersonH], at: int) -> None:
    """Close a criminal case: end open bails (deposit back at once) and dispose of property."""
    paths.prosecute(w, at, suspects)
    for m in w.open_bails:
        paths.end_bail(w, m, at + 5 * MINUTE, _r(w.rng, 0.5, 20.0))
    for m in w.open_surveils:
        m["ended_at"] = at + 5 * MINUTE
        w.event("解除强制措施", at + 5 * MINUTE, w.person_of(m), m)
    paths.dispose_all(w, w.props, at - 72 * HOUR, criminal=True)


def _bail_then_close(w: CaseWork, p: PersonH, at: int, close: bool = True) -> Record:
    m = paths.bail(w, p, at, deposit=float(w.rng.choice((2000, 3000, 5000))))
    w.open_bails.append(m)
    if close:
        _prosecute_later(w, [p], at + _r(w.rng, 24.0 * 20, 24.0 * 60))
    return m


def _admin_open(
    run: CountyRun, item: Planned, families: tuple[str, ...] = ("fight",), **kw: Any
) -> tuple[CaseWork, PersonH]:
    w = _open(run, item, "行政", families, **kw)
    rng = w.rng
    v = w.victim()
    paths.hear(w, v, w.accepted_at + _r(rng, 0.3, 3.0))
    p = w.suspect()
    return w, p


def _admin_fine(w: CaseWork, p: PersonH, heard_end: int, *, close: bool = True) -> Record:
    rng = w.rng
    decided = heard_end + _r(rng, 1.0, 24.0 * 5)
    ev = paths.decide(w, p, decided)
    paths.serve(w, p, decided + _r(rng, 0.1, 1.0))
    if close:
        paths.close(w, decided + _r(rng, 24.0, 24.0 * 4))
    return ev


def _days(rng: random.Random, low: float, high: float) -> int:
    return _r(rng, 24.0 * low, 24.0 * high)


# --- criminal procedure (XS) ------------------------------------------------------------


@rule("XS-CH-01", "criminal", 0.0092, ("overdue", 3, 60), ("late", 3, 330), ("violation", 3, 330))
def xs_ch_01(run: CountyRun, item: Planned) -> None:
    w = _open(run, item, "刑事", ("theft", "fraud", "fight"))
    _, caught = _suspect_flow(w)
    p = w.suspect()
    if item.variant == "overdue":
        m, end = paths.summon(w, p, caught, ended=False)
    elif item.variant == "late":
        m, end = paths.summon(w, p, caught, end_after=_r(w.rng, 15.0, 20.0))
        _bail_then_close(w, p, end)
    else:
        m, end = paths.summon(w, p, caught, extended_to=caught + _r(w.rng, 30.0, 40.0))
        _bail_then_close(w, p, end)
    kept = w.finish()
    _truth(run, kept, item.code, m, item.variant)


def _detained(
    run: CountyRun, item: Planned, **detain_kw: Any
) -> tuple[CaseWork, PersonH, Record, int]:
    w = _open(run, item, "刑事", ("theft", "fraud", "fight"))
    _, caught = _suspect_flow(w)
    p = w.suspect()
    rng = w.rng
    kw: dict[str, Any] = {
        "jail": _r(rng, 2.0, 6.0),
        "notify": _r(rng, 0.5, 8.0),
        "interrogate": _r(rng, 0.3, 4.0),
    }
    kw.update(detain_kw)
    m = paths.detain(w, p, caught, **kw)
    return w, p, m, caught


def _change_to_bail(w: CaseWork, p: PersonH, m: Record, at: int, close: bool = True) -> None:
    change = at + _r(w.rng, 16.0, 30.0)
    m["ended_at"] = change
    b = paths.bail(w, p, change, deposit=3000.0, from_measure=m)
    w.open_bails.append(b)
    if close:
        _prosecute_later(w, [p], change + _days(w.rng, 20, 60))


def _refused_then_bail(w: CaseWork, p: PersonH, m: Record, request_at: int) -> None:
    paths.request_arrest(w, p, m, request_at)
    decided = request_at + _days(w.rng, 2, 5)
    released = paths.refuse_arrest(w, p, m, decided, _r(w.rng, 0.5, 3.0))
    _bail_then_close(w, p, released)


@rule("XS-JL-01", "detention", 0.03, ("overdue", 4, 330), ("late", 4, 330))
def xs_jl_01(run: CountyRun, item: Planned) -> None:
    if item.variant == "overdue":
        # Never sent to 看守所 and never arrested: no later 送看守所 a patrol could match.
        w, p, m, at = _detained(run, item, jail=None)
        _change_to_bail(w, p, m, at)
    else:
        late = _r(run.rng, 30.0, 40.0)
        w, p, m, at = _detained(
            run, item, jail=late, interrogate=_r(run.rng, 0.5, 3.0), visit_left=5 * HOUR
        )
        _refused_then_bail(w, p, m, at + _r(w.rng, 48.0, 60.0))
    kept = w.finish()
    _truth(run, kept, item.code, m, item.variant)


@rule("XS-JL-02", "detention", 0.03, ("overdue", 4, 330), ("late", 6, 330))
def xs_jl_02(run: CountyRun, item: Planned) -> None:
    if item.variant == "overdue":
        w, p, m, at = _detained(run, item, notify=None)
        _change_to_bail(w, p, m, at)
    else:
        w, p, m, at = _detained(run, item, notify=_r(run.rng, 30.0, 50.0))
        _refused_then_bail(w, p, m, at + _r(w.rng, 20.0, 30.0))
    kept = w.finish()
    _truth(run, kept, item.code, m, item.variant)


@rule("XS-JL-03", "detention", 0.03, ("overdue", 4, 200), ("late", 8, 330))
def xs_jl_03(run: CountyRun, item: Planned) -> None:
    if item.variant == "overdue":
        # No 讯问 of this person after the detention at all (not even after a later 逮捕).
        w, p, m, at = _detained(run, item, interrogate=None)
        _change_to_bail(w, p, m, at)
    else:
        w, p, m, at = _detained(run, item, interrogate=_r(run.rng, 30.0, 40.0))
        _refused_then_bail(w, p, m, at + _r(w.rng, 20.0, 28.0))
    kept = w.finish()
    _truth(run, kept, item.code, m, item.variant)


@rule("XS-JL-04", "detention", 0.037, ("overdue", 6, 40), ("late", 12, 330), ("violation", 4, 330))
def xs_jl_04(run: CountyRun, item: Planned) -> None:
    w, p, m, at = _detained(run, item)
    rng = w.rng
    if item.variant == "overdue":
        pass  # still detained, no 提请批准逮捕
    elif item.variant == "late":
        request_at = at + _r(rng, 24.0 * 5, 24.0 * 6)
        paths.request_arrest(w, p, m, request_at)
        decided = request_at + _days(rng, 1, 4)
        a_start = decided + _r(rng, 1.0, 3.0)
        paths.arrest(
            w, p, m, decided, a_start, notify=_r(rng, 0.5, 6.0), interrogate=_r(rng, 1.0, 6.0)
        )
        _prosecute_later(w, [p], a_start + _days(rng, 14, 25))
    else:
        # An extension beyond the 7-day cap of a case not marked complex.
        w.extend(m, at + _r(rng, 20.0, 30.0), at + _days(rng, 9, 12), "提请批准逮捕时间延长")
        _refused_then_bail(w, p, m, at + _r(rng, 36.0, 44.0))
    kept = w.finish()
    _truth(run, kept, item.code, m, item.variant)


def _arrested(
    run: CountyRun, item: Planned, **arrest_kw: Any
) -> tuple[CaseWork, PersonH, Record, int]:
    w, p, m, at = _detained(run, item)
    rng = w.rng
    request_at = at + _r(rng, 18.0, 30.0)
    paths.request_arrest(w, p, m, request_at)
    decided = request_at + _days(rng, 2, 5)
    a_start = decided + _r(rng, 1.0, 3.0)
    kw: dict[str, Any] = {"notify": _r(rng, 0.5, 6.0), "interrogate": _r(rng, 1.0, 6.0)}
    kw.update(arrest_kw)
    a = paths.arrest(w, p, m, decided, a_start, **kw)
    return w, p, a, a_start


@rule("XS-DB-01", "arrest", 0.054, ("overdue", 10, 60), ("late", 12, 330))
def xs_db_01(run: CountyRun, item: Planned) -> None:
    w, p, m, at = _detained(run, item)
    rng = w.rng
    request_at = at + _r(rng, 18.0, 30.0)
    paths.request_arrest(w, p, m, request_at)
    decided = request_at + _days(rng, 2, 4)
    if item.variant == "overdue":
        paths.refuse_arrest(w, p, m, decided, None)
    else:
        released = paths.refuse_arrest(w, p, m, decided, _r(rng, 18.0, 30.0))
        _bail_then_close(w, p, released)
    kept = w.finish()
    refusal = next(r for r in kept.values() if r["type"] == "event" and r["kind"] == "不批准逮捕")
    _truth(run, kept, item.code, refusal, item.variant)


@rule("XS-DB-02", "arrest", 0.054, ("overdue", 12, 330), ("late", 14, 330))
def xs_db_02(run: CountyRun, item: Planned) -> None:
    notify = None if item.variant == "overdue" else _r(run.rng, 30.0, 50.0)
    w, p, a, start = _arrested(run, item, notify=notify)
    w.transcript(p, start + _days(w.rng, 4, 9), in_custody=True)
    _prosecute_later(w, [p], start + _days(w.rng, 14, 25))
    kept = w.finish()
    _truth(run, kept, item.code, a, item.variant)


@rule("XS-DB-03", "arrest", 0.054, ("overdue", 12, 330), ("late", 14, 330))
def xs_db_03(run: CountyRun, item: Planned) -> None:
    if item.variant == "overdue":
        w, p, a, start = _arrested(run, item, interrogate=None)
    else:
        w, p, a, start = _arrested(run, item, interrogate=_r(run.rng, 30.0, 45.0))
        w.transcript(p, start + _days(w.rng, 5, 9), in_custody=True)
    _prosecute_later(w, [p], start + _days(w.rng, 14, 25))
    kept = w.finish()
    _truth(run, kept, item.code, a, item.variant)


@rule("XS-JY-01", "arrest", 0.08, ("overdue", 80, 200), ("late", 110, 330), ("violation", 40, 330))
def xs_jy_01(run: CountyRun, item: Planned) -> None:
    w, p, a, start = _arrested(run, item)
    rng = w.rng
    w.transcript(p, start + _days(rng, 4, 9), in_custody=True)
    if item.variant == "late":
        _prosecute_later(w, [p], add_months(start, 2) + _days(rng, 6, 20))
    elif item.variant == "violation":
        w.extend(a, start + _days(rng, 5, 10), add_months(start, 8), "延长侦查羁押期限")
        _prosecute_later(w, [p], start + _days(rng, 14, 25))
    kept = w.finish()
    _truth(run, kept, item.code, a, item.variant)


def _bail_case(run: CountyRun, item: Planned) -> tuple[CaseWork, PersonH, int]:
    w = _open(run, item, "刑事", ("theft", "fraud", "fight", "drunk_driving", "cards"))
    has_victim = w.facts.family in {"theft", "fraud", "fight"}
    _, caught = _suspect_flow(w, has_victim=has_victim)
    p = w.suspect()
    _, end = paths.summon(w, p, caught)
    return w, p, end


@rule("XS-QB-01", "bail", 0.018, ("overdue", 395, 470), ("late", 425, 500))
def xs_qb_01(run: CountyRun, item: Planned) -> None:
    # Carried over from before the one-year window: 取保候审 is a 12-month measure.
    w, p, start = _bail_case(run, item)
    m = _bail_then_close(w, p, start, close=False)
    if item.variant == "late":
        _prosecute_later(w, [p], month_due(start, 12, True) + _days(w.rng, 5, 15))
    kept = w.finish()
    _truth(run, kept, item.code, m, item.variant)


@rule("XS-QB-02", "surveillance", 0.107, ("overdue", 205, 340), ("late", 215, 350))
def xs_qb_02(run: CountyRun, item: Planned) -> None:
    w, p, m, at = _detained(run, item)
    rng = w.rng
    change = at + _r(rng, 16.0, 30.0)
    m["ended_at"] = change
    w.event("变更强制措施", change, p, m, note="变更为监视居住")
    designated = rng.random() < 0.3
    s = paths.surveil(w, p, change, designated, _r(rng, 1.0, 8.0))
    if item.variant == "late":
        w.open_surveils.append(s)
        _prosecute_later(w, [p], month_due(change, 6, True) + _days(rng, 5, 15))
    kept = w.finish()
    _truth(run, kept, item.code, s, item.variant)


@rule("XS-QB-03", "bail", 0.018, ("adult", 3, 330), ("minor", 3, 330))
def xs_qb_03(run: CountyRun, item: Planned) -> None:
    w = _open(run, item, "刑事", ("theft", "fight"))
    _, caught = _suspect_flow(w)
    p = w.suspect(minor=item.variant == "minor")
    _, end = paths.summon(w, p, caught)
    deposit = float(
        w.rng.choice((500, 600, 800, 900))
        if item.variant == "adult"
        else w.rng.choice((200, 300, 400))
    )
    m = paths.bail(w, p, end, deposit=deposit)
    w.open_bails.append(m)
    _prosecute_later(w, [p], end + _days(w.rng, 20, 60))
    kept = w.finish()
    _truth(run, kept, item.code, m, "violation")


@rule("XS-QB-04", "bail", 0.018, ("overdue", 40, 330), ("late", 40, 330))
def xs_qb_04(run: CountyRun, item: Planned) -> None:
    w, p, start = _bail_case(run, item)
    rng = w.rng
    m = paths.bail(w, p, start, deposit=float(rng.choice((2000, 3000, 5000))))
    end = min(start + _days(rng, 20, 60), run.as_of - _days(rng, 16, 25))
    paths.prosecute(w, end, [p])
    if item.variant == "overdue":
        paths.end_bail(w, m, end + 5 * MINUTE, None)
    else:
        ended = end + 5 * MINUTE
        late = latest_day_due(ended, 3) - ended + _days(rng, 1, 3)
        paths.end_bail(w, m, ended, late)
    kept = w.finish()
    _truth(run, kept, item.code, m, item.variant)


@rule("XS-JS-01", "surveillance", 0.107, ("overdue", 8, 330), ("late", 8, 330))
def xs_js_01(run: CountyRun, item: Planned) -> None:
    w, p, m, at = _detained(run, item)
    rng = w.rng
    change = at + _r(rng, 16.0, 30.0)
    m["ended_at"] = change
    w.event("变更强制措施", change, p, m, note="变更为指定居所监视居住")
    notify = None if item.variant == "overdue" else _r(rng, 30.0, 50.0)
    s = paths.surveil(w, p, change, True, notify)
    w.open_surveils.append(s)
    _prosecute_later(w, [p], change + _days(rng, 20, 60))
    kept = w.finish()
    _truth(run, kept, item.code, s, item.variant)


@rule("XS-LA-01", "criminal", 0.0062, ("overdue", 16, 200), ("late", 25, 330))
def xs_la_01(run: CountyRun, item: Planned) -> None:
    w = _open(run, item, "刑事", ("theft", "fraud"))
    rng = w.rng
    v = w.victim()
    paths.hear(w, v, w.accepted_at + _r(rng, 0.3, 3.0))
    if item.variant == "late":
        due = latest_day_due(w.accepted_at, 3)
        w.file(due + _days(rng, 1, 4))
    kept = w.finish()
    _truth(run, kept, item.code, w.case, item.variant)


@rule("XS-LA-02", "criminal", 0.0062, ("overdue", 16, 330), ("late", 25, 330))
def xs_la_02(run: CountyRun, item: Planned) -> None:
    w = _open(run, item, "刑事", ("theft", "fraud"))
    rng = w.rng
    v = w.victim()
    paths.hear(w, v, w.accepted_at + _r(rng, 0.3, 3.0))
    at = w.accepted_at + _r(rng, 4.0, 30.0)
    notice = None if item.variant == "overdue" else latest_day_due(at, 3) - at + _days(rng, 1, 3)
    paths.not_file(w, at, notice)
    kept = w.finish()
    ev = next(r for r in kept.values() if r["type"] == "event" and r["kind"] == "不予立案")
    _truth(run, kept, item.code, ev, item.variant)


@rule("XS-LA-03", "criminal", 0.0062, ("overdue", 45, 330), ("late", 50, 330))
def xs_la_03(run: CountyRun, item: Planned) -> None:
    w, p, start = _bail_case(run, item)
    rng = w.rng
    m = paths.bail(w, p, start, deposit=3000.0)
    at = min(start + _days(rng, 20, 60), run.as_of - _days(rng, 16, 25))
    serve = None if item.variant == "overdue" else latest_day_due(at, 3) - at + _days(rng, 1, 3)
    paths.revoke(w, at, [p], serve)
    paths.end_bail(w, m, at + 5 * MINUTE, _r(rng, 0.5, 12.0))
    kept = w.finish()
    ev = next(r for r in kept.values() if r["type"] == "event" and r["kind"] == "撤销案件")
    _truth(run, kept, item.code, ev, item.variant)


@rule("XS-XW-01", "criminal", 0.0062, ("violation", 3, 330))
def xs_xw_01(run: CountyRun, item: Planned) -> None:
    w = _open(run, item, "刑事", ("theft", "fraud", "fight", "drunk_driving", "cards"))
    has_victim = w.facts.family in {"theft", "fraud", "fight"}
    _, caught = _suspect_flow(w, has_victim=has_victim)
    p = w.suspect()
    p.no_rights = True
    _, end = paths.summon(w, p, caught)
    _bail_then_close(w, p, end)
    kept = w.finish()
    first = min(
        (r for r in kept.values() if r["type"] == "transcript" and r["person_id"] == p.rec["id"]),
        key=lambda r: r["started_at"],
    )
    _truth(run, kept, item.code, first, "violation")


@rule("XS-XW-02", "arrest", 0.054, ("violation", 10, 330))
def xs_xw_02(run: CountyRun, item: Planned) -> None:
    w, p, _a, start = _arrested(run, item, interrogate=None)
    t = w.transcript(p, start + _r(w.rng, 1.0, 6.0), in_custody=True, recorded=False)
    _prosecute_later(w, [p], start + _days(w.rng, 14, 25))
    kept = w.finish()
    _truth(run, kept, item.code, t, "violation")


# --- administrative cases (ZA) ----------------------------------------------------------


@rule("ZA-CH-01", "admin", 0.0049, ("overdue", 3, 330), ("late", 3, 330), ("violation", 3, 330))
def za_ch_01(run: CountyRun, item: Planned) -> None:
    w, p = _admin_open(run, item)
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
    _admin_fine(w, p, end)
    kept = w.finish()
    _truth(run, kept, item.code, m, item.variant)


@rule("ZA-CH-02", "admin", 0.0033, ("overdue", 3, 330), ("late", 3, 330))
def za_ch_02(run: CountyRun, item: Planned) -> None:
    w, p = _admin_open(run, item)
    rng = w.rng
    start = w.accepted_at + _r(rng, 1.0, 20.0)
    notify = None if item.variant == "overdue" else _r(rng, 12.0, 20.0)
    m, end = paths.admin_summon(w, p, start, notify=notify)
    _admin_fine(w, p, end)
    kept = w.finish()
    _truth(run, kept, item.code, m, item.variant)


@rule("ZA-QX-01", "admin", 0.0033, ("overdue", 50, 300), ("late", 60, 330))
def za_qx_01(run: CountyRun, item: Planned) -> None:
    w, p = _admin_open(run, item)
    rng = w.rng
    w.case["filed_at"] = w.accepted_at
    _, _end = paths.admin_summon(w, p, w.accepted_at + _r(rng, 1.0, 20.0), notify=_r(rng, 0.3, 2.0))
    if item.variant == "late":
        decided = latest_day_due(w.accepted_at, 30) + _days(rng, 2, 8)
        paths.decide(w, p, decided)
        paths.serve(w, p, decided + _r(rng, 0.1, 1.0))
        paths.close(w, decided + _days(rng, 1, 3))
    kept = w.finish()
    _truth(run, kept, item.code, w.case, item.variant)


@rule("ZA-SD-01", "admin", 0.0033, ("overdue", 15, 330), ("late", 20, 330))
def za_sd_01(run: CountyRun, item: Planned) -> None:
    w, p = _admin_open(run, item)
    rng = w.rng
    _, end = paths.admin_summon(w, p, w.accepted_at + _r(rng, 1.0, 20.0), notify=_r(rng, 0.3, 2.0))
    decided = end + _days(rng, 1, 5)
    ev = paths.decide(w, p, decided)
    if item.variant == "late":
        served = latest_day_due(decided, 2) + _days(rng, 1, 3)
        paths.serve(w, p, served)
        paths.close(w, served + _days(rng, 1, 3))
    kept = w.finish()
    _truth(run, kept, item.code, ev, item.variant)


@rule("ZA-JL-01", "admin", 0.0033, ("overdue", 8, 330), ("late", 8, 330))
def za_jl_01(run: CountyRun, item: Planned) -> None:
    w, p = _admin_open(run, item)
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
    _truth(run, kept, item.code, m, item.variant)


@rule("ZA-KY-01", "admin", 0.0049, ("overdue", 50, 300), ("late", 60, 330), ("violation", 10, 330))
def za_ky_01(run: CountyRun, item: Planned) -> None:
    w = _open(run, item, "行政", ("gambling", "weapon", "drugs"))
    rng = w.rng
    p = w.suspect()
    start = w.accepted_at + _r(rng, 0.5, 10.0)
    _, end = paths.admin_summon(w, p, start, notify=_r(rng, 0.3, 2.0))
    seizure = w.measure("扣押", p, start + 10 * MINUTE, approver=w.chief())
    props = w.seize(start + 10 * MINUTE, p, _r(rng, 0.5, 6.0))
    decided = end + _days(rng, 1, 5)
    paths.decide(w, p, decided)
    paths.serve(w, p, decided + _r(rng, 0.1, 1.0))
    if item.variant == "overdue":
        pass  # still seized; the case stays open (已处罚, not 结案) with the property in store
    else:
        if item.variant == "late":
            ended = latest_day_due(seizure["started_at"], 30) + _days(rng, 2, 8)
        else:
            w.extend(
                seizure,
                seizure["started_at"] + _days(rng, 1, 3),
                seizure["started_at"] + _days(rng, 70, 80),
                "扣押期限延长",
            )
            ended = decided + _r(rng, 1.0, 20.0)
        seizure["ended_at"] = ended
        w.event("解除强制措施", ended, p, seizure)
        paths.dispose_all(w, props, ended - 2 * HOUR, criminal=False)
        paths.close(w, max(ended, decided) + _days(rng, 1, 3))
    kept = w.finish()
    _truth(run, kept, item.code, seizure, item.variant)


@rule("ZA-XW-01", "admin", 0.0033, ("violation", 3, 330))
def za_xw_01(run: CountyRun, item: Planned) -> None:
    w, p = _admin_open(run, item)
    rng = w.rng
    start = w.accepted_at + _r(rng, 1.0, 20.0)
    w.rights(p, start)
    room = w.unit.venue("询问室", rng) or run.county.brigades["执法办案管理中心"].venue(
        "询问室", rng
    )
    t = w.transcript(p, start + 5 * MINUTE, recorded=False, venue=room)
    _admin_fine(w, p, t["ended_at"])
    kept = w.finish()
    _truth(run, kept, item.code, t, "violation")


# --- incidents (JQ) -----------------------------------------------------------------------


def _dispute_incident(
    run: CountyRun,
    t: int,
    text: str,
    dispute_type: str,
    *,
    disposition: str | None,
    dispose_after: int | None,
    address: str | None = None,
    reporter: tuple[str, str] | None = None,
    note_guard: bool = True,
) -> Record:
    if address is None or reporter is None:
        addr, person, station = run.dispute_address(t)
        address = address or addr
        reporter = reporter or person
    else:
        station = run.town_and_station()[1]
        if note_guard:
            run.guard.note((incidents.building_key(address), reporter[1]), t)
    rec = run.incident(
        t,
        "纠纷",
        station,
        address,
        text,
        disposition=disposition,
        dispose_after=dispose_after,
        dispute_type=dispute_type,
        reporter=reporter,
    )
    run.emit_incident(rec)
    run.followups(rec, station)
    return rec


@rule("JQ-01", "incident", 0.00027, ("overdue", 3, 330), ("late", 4, 330))
def jq_01(run: CountyRun, item: Planned) -> None:
    rng = run.rng
    if item.variant == "overdue":
        category = rng.choice(("刑事", "治安", "纠纷"))
        if category == "纠纷":
            dispute_type = rng.choice(tuple(incidents.DISPUTES))
            rec = _dispute_incident(
                run,
                item.at,
                incidents.dispute_text(rng, dispute_type),
                dispute_type,
                disposition=None,
                dispose_after=None,
            )
        else:
            cause = incidents.draw_cause(rng, "刑事" if category == "刑事" else "行政")
            while cause.category != category:
                cause = incidents.draw_cause(rng, cause.case_kind)
            town, station = run.town_and_station()
            address = names.full_address(rng, run.county.name, town)
            text = incidents.fill_slots(rng, rng.choice(cause.descriptions), {"place": (address,)})
            rec = run.incident(
                item.at, category, station, address, text, disposition=None, dispose_after=None
            )
            run.emit_incident(rec)
    else:
        dispute_type = rng.choice(tuple(incidents.DISPUTES))
        rec = _dispute_incident(
            run,
            item.at,
            incidents.dispute_text(rng, dispute_type),
            dispute_type,
            disposition="调解",
            dispose_after=_r(rng, 30.0, 50.0),
        )
    run.writer.truth(item.code, "incident", rec["id"], item.variant)


@rule("JQ-02", "incident", 0.00027, ("overdue", 3, 330), ("late", 5, 330))
def jq_02(run: CountyRun, item: Planned) -> None:
    rng = run.rng
    if item.variant == "overdue":
        cause = incidents.draw_cause(rng, "行政")
        town, station = run.town_and_station()
        address = names.full_address(rng, run.county.name, town)
        text = incidents.fill_slots(rng, rng.choice(cause.descriptions), {"place": (address,)})
        rec = run.incident(
            item.at,
            cause.category,
            station,
            address,
            text,
            disposition="受案",
            dispose_after=run.dispose_delay(),
        )
        run.emit_incident(rec)
        run.writer.truth(item.code, "incident", rec["id"], "overdue")
        return
    w = _open(run, item, "行政", accepted_after=_r(rng, 30.0, 50.0))
    paths.admin_clean(w, "fine")
    kept = w.finish()
    incident_id = w.case["incident_id"]
    if w.case["id"] not in kept:
        raise AssertionError("JQ-02 late case not written")
    run.writer.truth(item.code, "incident", incident_id, "late")


@rule("JQ-03", "case", 0.0022, ("overdue", 3, 330), ("late", 4, 330))
def jq_03(run: CountyRun, item: Planned) -> None:
    receipt = None if item.variant == "overdue" else _r(run.rng, 30.0, 50.0)
    w = _open(run, item, "行政", receipt_after=receipt)
    paths.admin_clean(w, "fine")
    kept = w.finish()
    _truth(run, kept, item.code, w.case, item.variant)


# --- transcripts, officers, documents (GF) ----------------------------------------------


@rule("GF-XW-01", "transcript", 0.00085, ("with_auxiliary", 3, 330), ("alone", 3, 330))
def gf_xw_01(run: CountyRun, item: Planned) -> None:
    w, p = _admin_open(run, item)
    rng = w.rng
    v = w.add_person("证人")
    sworn = [o for o in w.unit.sworn() if o.role == "民警"] or w.unit.sworn()
    aux = w.unit.auxiliaries()
    groups: list[list[Officer]]
    if item.variant == "with_auxiliary" and aux:
        groups = [[rng.choice(sworn), rng.choice(aux)] for _ in range(12)]
    else:
        groups = [[rng.choice(sworn)] for _ in range(12)]
    w.rights(v, w.accepted_at + HOUR)
    t = w.transcript(v, w.accepted_at + HOUR + 5 * MINUTE, pairs=groups, max_shift=12 * HOUR)
    _, end = paths.admin_summon(w, p, w.accepted_at + _r(rng, 2.0, 20.0), notify=_r(rng, 0.3, 2.0))
    _admin_fine(w, p, end)
    kept = w.finish()
    _truth(run, kept, item.code, t, "violation")


@rule("GF-XW-02", "transcript", 0.00085, ("violation", 3, 330))
def gf_xw_02(run: CountyRun, item: Planned) -> None:
    w = _open(run, item, "行政", ("fight", "theft"))
    rng = w.rng
    v = w.victim()
    paths.hear(w, v, w.accepted_at + _r(rng, 0.3, 3.0))
    p = w.suspect(minor=True)
    start = w.accepted_at + _r(rng, 1.0, 20.0)
    w.rights(p, start)
    t = w.transcript(p, start + 5 * MINUTE, guardian=False)
    _admin_fine(w, p, t["ended_at"])
    kept = w.finish()
    _truth(run, kept, item.code, t, "violation")


@rule("GF-XW-03", "transcript", 0.00085, ("violation", 3, 330))
def gf_xw_03(run: CountyRun, item: Planned) -> None:
    w, p = _admin_open(run, item)
    rng = w.rng
    first = next(r for r in w.records if r["type"] == "transcript")
    shared = next(o for o in run.county.officers if o.id == first["officer_ids"][0])
    others = [o for o in w.unit.sworn() if o.id not in first["officer_ids"]]
    rng.shuffle(others)
    # at city scale a busy unit may have no sworn officer free: borrow one from another unit
    own = {o.id for o in others} | set(first["officer_ids"])
    borrowed = [o for o in run.county.officers if o.id not in own and o.sworn]
    rng.shuffle(borrowed)
    others += borrowed
    witness = w.add_person("证人")
    span = first["ended_at"] - first["started_at"]
    w.rights(witness, first["started_at"])
    second: Record | None = None
    for part in (3, 4, 2, 6):
        start = first["started_at"] + max(5 * MINUTE, span // part)
        try:
            second = w.transcript(
                witness,
                start,
                pairs=[[shared, o] for o in others],
                # any start inside the first transcript overlaps it
                max_shift=max(0, first["ended_at"] - start - 5 * MINUTE),
                ignore=(first["started_at"], first["ended_at"]),
            )
            break
        except RuntimeError:
            witness.seq -= 1
    if second is None:
        # Last resort, which cannot fail for the shared officer: the second transcript lies
        # wholly inside the first, where he is free by construction (his first transcript is
        # ignored); its length leaves the writing speed far below GF-XW-04's limit.
        start = first["started_at"] + 5 * MINUTE
        second = w.transcript(
            witness,
            start,
            pairs=[[shared, o] for o in others],
            max_shift=0,
            duration=max(span - 10 * MINUTE, 10 * MINUTE),
            ignore=(first["started_at"], first["ended_at"]),
        )
    if second["started_at"] >= first["ended_at"]:
        raise AssertionError("GF-XW-03: transcripts do not overlap")
    _, end = paths.admin_summon(w, p, w.accepted_at + _r(rng, 6.0, 20.0), notify=_r(rng, 0.3, 2.0))
    _admin_fine(w, p, end)
    kept = w.finish()
    _truth(run, kept, item.code, first, "violation")
    _truth(run, kept, item.code, second, "violation")


@rule("GF-XW-04", "transcript", 0.00085, ("violation", 3, 330))
def gf_xw_04(run: CountyRun, item: Planned) -> None:
    w, p = _admin_open(run, item)
    rng = w.rng
    start = w.accepted_at + _r(rng, 1.0, 20.0)
    w.rights(p, start)
    t = w.transcript(p, start + 5 * MINUTE, long=True, duration=2 * MINUTE)
    if len(t["text"]) < 2 * 250 * 2:
        t["ended_at"] = t["started_at"] + MINUTE
    _admin_fine(w, p, t["ended_at"])
    kept = w.finish()
    _truth(run, kept, item.code, t, "violation")


@rule(
    "GF-ZG-01",
    "case",
    0.0032,
    ("auxiliary", 3, 330),
    ("unqualified", 3, 330),
    ("late_qualified", 3, 330),
)
def gf_zg_01(run: CountyRun, item: Planned) -> None:
    lead: Officer | None = item.data.get("lead")
    if lead is None:
        candidates = [
            o
            for o in run.county.officers
            if o.active
            and (
                o.role == "辅警"
                if item.variant == "auxiliary"
                else o.role == "民警" and o.qualification == "无"
            )
        ]
        if not candidates:
            candidates = [o for o in run.county.officers if o.active and o.role == "辅警"]
        lead = run.rng.choice(candidates)
    unit = run.county.unit_by_id(lead.unit_id)
    town = unit.towns[0] if unit.towns else run.town_and_station()[0]
    cause = incidents.draw_cause(run.rng, "行政")
    w = CaseWork(
        run.ctx,
        kind="行政",
        cause=cause,
        unit=unit,
        incident=None,
        accepted_at=item.at,
        town=town,
        lead=lead,
    )
    paths.admin_clean(w, "fine")
    kept = w.finish()
    _truth(run, kept, item.code, w.case, "violation")


def _place_before_qualification(run: CountyRun, item: Planned) -> None:
    recent = [
        o
        for o in run.county.officers
        if o.active
        and o.role == "民警"
        and o.qualified_day is not None
        and o.qualified_day * DAY > run.window_start + 20 * DAY
        and o.qualified_day * DAY < run.as_of - 20 * DAY
    ]
    if not recent:
        item.variant = "auxiliary"
        return
    officer = run.rng.choice(recent)
    qualified = officer.qualified_day * DAY  # type: ignore[operator]
    item.at = run.rng.randint(run.window_start + DAY, qualified - 5 * DAY)
    item.data["lead"] = officer


def _detention_case(run: CountyRun, item: Planned, **kw: Any) -> tuple[CaseWork, PersonH, Record]:
    w, p, m, at = _detained(run, item, **kw)
    _change_to_bail(w, p, m, at)
    return w, p, m


@rule("GF-JZ-01", "detention", 0.025, ("violation", 3, 330))
def gf_jz_01(run: CountyRun, item: Planned) -> None:
    w, _p, m = _detention_case(run, item, warrant=False)
    kept = w.finish()
    _truth(run, kept, item.code, m, "violation")


@rule("GF-JZ-02", "bail", 0.018, ("violation", 3, 330))
def gf_jz_02(run: CountyRun, item: Planned) -> None:
    w, p, end = _bail_case(run, item)
    m = paths.bail(w, p, end, deposit=3000.0, decision=False)
    w.open_bails.append(m)
    _prosecute_later(w, [p], end + _days(w.rng, 20, 60))
    kept = w.finish()
    _truth(run, kept, item.code, m, "violation")


@rule("GF-JZ-03", "admin", 0.0033, ("violation", 10, 330))
def gf_jz_03(run: CountyRun, item: Planned) -> None:
    w, p = _admin_open(run, item)
    rng = w.rng
    _, end = paths.admin_summon(w, p, w.accepted_at + _r(rng, 1.0, 20.0), notify=_r(rng, 0.3, 2.0))
    decided = end + _days(rng, 1, 5)
    ev = paths.decide(w, p, decided, decision_doc=False)
    paths.serve(w, p, decided + _r(rng, 0.1, 1.0))
    paths.close(w, decided + _days(rng, 1, 3))
    kept = w.finish()
    _truth(run, kept, item.code, ev, "violation")


@rule(
    "GF-JZ-04",
    "document",
    0.0006,
    ("送达回执", 10, 330),
    ("传唤证", 10, 330),
    ("拘留证", 10, 330),
    ("取保候审决定书", 10, 330),
    ("扣押清单", 10, 330),
    ("行政处罚决定书", 10, 330),
)
def gf_jz_04(run: CountyRun, item: Planned) -> None:
    kind = item.variant
    if kind == "拘留证":
        w, _, _ = _detention_case(run, item)
    elif kind == "取保候审决定书":
        w, p, end = _bail_case(run, item)
        _bail_then_close(w, p, end)
    elif kind == "扣押清单":
        w, _ = _admin_seizure(run, item, close=True)
    else:
        w, p = _admin_open(run, item)
        _, end = paths.admin_summon(
            w, p, w.accepted_at + _r(w.rng, 1.0, 20.0), notify=_r(w.rng, 0.3, 2.0)
        )
        _admin_fine(w, p, end)
    doc = next(r for r in w.records if r["type"] == "document" and r["kind"] == kind)
    doc["signed"] = False
    kept = w.finish()
    _truth(run, kept, item.code, doc, "violation")


@rule(
    "GF-CW-01",
    "property",
    0.0096,
    ("overdue", 4, 200),
    ("late", 4, 200),
    ("stored_no_event", 4, 200),
)
def gf_cw_01(run: CountyRun, item: Planned) -> None:
    w = _open(run, item, "刑事", ("theft", "fraud", "cards"))
    has_victim = w.facts.family in {"theft", "fraud"}
    _, caught = _suspect_flow(w, has_victim=has_victim)
    p = w.suspect()
    _, end = paths.summon(w, p, caught)
    _bail_then_close(w, p, end, close=False)  # open case: the property is not disposed of
    rng = w.rng
    store = None if item.variant != "late" else _r(rng, 30.0, 45.0)
    prop = w.seize(caught + _r(rng, 0.3, 2.0), p, store, count=1)[0]
    if item.variant == "stored_no_event":
        w.prop_status[prop["id"]].append((prop["seized_at"] + _r(rng, 1.0, 6.0), "在库"))
    kept = w.finish()
    _truth(run, kept, item.code, prop, "late" if item.variant == "late" else "overdue")


def _admin_seizure(run: CountyRun, item: Planned, close: bool) -> tuple[CaseWork, Record]:
    """A 行政 case with one item seized, stored in time, the seizure lifted at the decision;
    the property is disposed of at closing only when ``close``."""
    w = _open(run, item, "行政", ("gambling", "weapon", "drugs"))
    rng = w.rng
    p = w.suspect()
    start = w.accepted_at + _r(rng, 0.5, 10.0)
    _, end = paths.admin_summon(w, p, start, notify=_r(rng, 0.3, 2.0))
    seizure = w.measure("扣押", p, start + 10 * MINUTE, approver=w.chief())
    prop = w.seize(start + 10 * MINUTE, p, _r(rng, 0.5, 6.0), count=1)[0]
    decided = end + _days(rng, 1, 5)
    paths.decide(w, p, decided)
    paths.serve(w, p, decided + _r(rng, 0.1, 1.0))
    seizure["ended_at"] = decided + HOUR
    w.event("解除强制措施", decided + HOUR, p, seizure)
    if close:
        paths.dispose_all(w, [prop], decided, criminal=False)
    paths.close(w, decided + _days(rng, 1, 3))
    return w, prop


@rule("GF-CW-02", "property", 0.0064, ("violation", 55, 330))
def gf_cw_02(run: CountyRun, item: Planned) -> None:
    # The condition names the case (closed 30 days ago, something still in store): one finding
    # per case, whatever the number of items; the scenario seizes one.
    w, _ = _admin_seizure(run, item, close=False)
    kept = w.finish()
    _truth(run, kept, item.code, w.case, "violation")


@rule("GF-BA-01", "visit", 0.0032, ("violation", 3, 330))
def gf_ba_01(run: CountyRun, item: Planned) -> None:
    _visit_flag(run, item, "safety_checked")


@rule("GF-BA-02", "visit", 0.0032, ("violation", 3, 330))
def gf_ba_02(run: CountyRun, item: Planned) -> None:
    _visit_flag(run, item, "belongings_registered")


@rule("GF-BA-03", "visit", 0.0032, ("violation", 3, 330))
def gf_ba_03(run: CountyRun, item: Planned) -> None:
    _visit_flag(run, item, "recorded")


def _visit_flag(run: CountyRun, item: Planned, flag: str) -> None:
    w, p = _admin_open(run, item)
    rng = w.rng
    _, end = paths.admin_summon(w, p, w.accepted_at + _r(rng, 1.0, 20.0), notify=_r(rng, 0.3, 2.0))
    visit = next(r for r in w.records if r["type"] == "venue_visit")
    visit[flag] = False
    _admin_fine(w, p, end)
    kept = w.finish()
    _truth(run, kept, item.code, visit, "violation")


@rule("GF-BA-04", "visit", 0.0032, ("overdue", 3, 330), ("late", 4, 330))
def gf_ba_04(run: CountyRun, item: Planned) -> None:
    # Came on his own (no 传唤) and was never detained: leaving is the only act that counts.
    w, p = _admin_open(run, item)
    rng = w.rng
    start = w.accepted_at + _r(rng, 1.0, 20.0)
    visit = w.visit_open(p, start)
    w.rights(p, start + 5 * MINUTE)
    t = w.transcript(p, start + 10 * MINUTE)
    if item.variant == "late":
        w.visit_close(p, start + _r(rng, 30.0, 40.0))
    _admin_fine(w, p, t["ended_at"])
    kept = w.finish()
    _truth(run, kept, item.code, visit, item.variant)


@rule("GF-AJ-01", "criminal", 0.0062, ("overdue", 85, 330))
def gf_aj_01(run: CountyRun, item: Planned) -> None:
    w = _open(run, item, "刑事", ("theft", "fraud"))
    rng = w.rng
    v = w.victim()
    paths.hear(w, v, w.accepted_at + _r(rng, 0.3, 3.0))
    w.file(w.accepted_at + _r(rng, 1.0, 20.0))
    latest = run.as_of - _days(rng, 80, 100)
    w.silent_after = min(latest, w.accepted_at + _days(rng, 3, 150))
    kept = w.finish()
    _truth(run, kept, item.code, w.case, "overdue")


# --- data quality (SJ) ------------------------------------------------------------------


def _victim_of(w: CaseWork) -> PersonH:
    return next(p for p in w.persons if p.rec["role"] == "被害人")


@rule("SJ-01", "person", 0.0009, ("violation", 3, 330))
def sj_01(run: CountyRun, item: Planned) -> None:
    w = _open(run, item, "行政", ("fight", "theft"))
    paths.admin_clean(w, "fine")
    v = _victim_of(w)
    number = v.rec["id_number"]
    wrong = [c for c in names.CHECK_CHARS if c != number[-1]]
    v.rec["id_number"] = number[:-1] + w.rng.choice(wrong)
    kept = w.finish()
    _truth(run, kept, item.code, v.rec, "violation")


@rule("SJ-02", "person", 0.0009, ("violation", 3, 330))
def sj_02(run: CountyRun, item: Planned) -> None:
    w = _open(run, item, "行政", ("fight", "theft"))
    paths.admin_clean(w, "fine")
    v = _victim_of(w)
    # A keying error in the birth date that keeps the person an adult by either date.
    shift = w.rng.choice((-400, -31, -9, 9, 31))
    if shift > 0 and names.age_on(v.birth, date_of(w.accepted_at)) < 21:
        shift = -shift
    v.rec["birth_date"] = (v.birth + dt.timedelta(days=shift)).isoformat()
    kept = w.finish()
    _truth(run, kept, item.code, v.rec, "violation")


@rule(
    "SJ-03",
    "case",
    0.0027,
    ("incident", 3, 330),
    ("case", 3, 330),
    ("measure", 8, 330),
    ("summon", 3, 330),
    ("visit", 3, 330),
)
def sj_03(run: CountyRun, item: Planned) -> None:
    rng = run.rng
    if item.variant == "incident":
        # A 求助 call: no deadline rule reads its disposal time.
        town, station = run.town_and_station()
        rec = run.incident(
            item.at,
            "求助",
            station,
            names.full_address(rng, run.county.name, town),
            incidents.other_text(rng, "求助"),
            disposition="现场处置",
            dispose_after=_r(rng, 1.0, 3.0),
        )
        rec["disposed_at"] = item.at - _r(rng, 0.5, 2.0)
        run.emit_incident(rec)
        run.writer.truth(item.code, "incident", rec["id"], "violation")
        return
    w, p = _admin_open(run, item)
    start = w.accepted_at + _r(rng, 1.0, 20.0)
    if item.variant == "case":
        # 行政: ZA-QX-01 counts from filed_at, and the decision comes within days of both.
        w.case["filed_at"] = w.accepted_at - _r(rng, 1.0, 3.0)
        _, end = paths.admin_summon(w, p, start, notify=_r(rng, 0.3, 2.0))
        _admin_fine(w, p, end)
        kept = w.finish()
        _truth(run, kept, item.code, w.case, "violation")
    elif item.variant == "measure":
        # No rule reads when a 行政拘留 ends.
        _, end = paths.admin_summon(w, p, start, notify=_r(rng, 0.3, 2.0))
        decided = end + _r(rng, 0.2, 1.0)
        paths.decide(w, p, decided)
        paths.serve(w, p, decided + _r(rng, 0.1, 0.5))
        m = paths.admin_detain(w, p, decided + HOUR, 5, _r(rng, 0.3, 3.0))
        m["ended_at"] = m["started_at"] - _days(rng, 1, 5)
        paths.close(w, decided + 6 * DAY)
        kept = w.finish()
        _truth(run, kept, item.code, m, "violation")
    elif item.variant == "summon":
        # ended_at before started_at: the end does not count, so ZA-CH-01 is overdue too.
        m, end = paths.admin_summon(w, p, start, notify=_r(rng, 0.3, 2.0))
        m["ended_at"] = start - _r(rng, 1.0, 3.0)
        _admin_fine(w, p, end)
        kept = w.finish()
        _truth(run, kept, item.code, m, "violation")
        _truth(run, kept, "ZA-CH-01", m, "overdue")
    else:
        # left_at before entered_at: leaving does not count, so GF-BA-04 is overdue too.
        visit = w.visit_open(p, start)
        w.rights(p, start + 5 * MINUTE)
        t = w.transcript(p, start + 10 * MINUTE)
        w.visit_close(p, start - _r(rng, 1.0, 3.0))
        _admin_fine(w, p, t["ended_at"])
        kept = w.finish()
        _truth(run, kept, item.code, visit, "violation")
        _truth(run, kept, "GF-BA-04", visit, "overdue")


@rule("SJ-04", "case", 0.0022, ("case", 3, 330), ("person", 3, 330))
def sj_04(run: CountyRun, item: Planned) -> None:
    w = _open(run, item, "行政", ("fight", "theft"))
    if item.variant == "case":
        paths.admin_clean(w, "fine")
        w.case["lead_officer_id"] = None
        kept = w.finish()
        _truth(run, kept, item.code, w.case, "violation")
        return
    rng = w.rng
    v = w.victim()
    paths.hear(w, v, w.accepted_at + _r(rng, 0.3, 3.0))
    p = w.add_person("违法行为人", with_id=False)
    if p.rec["birth_date"] is None:
        p.rec["birth_date"] = p.birth.isoformat()
    _, end = paths.admin_summon(w, p, w.accepted_at + _r(rng, 1.0, 20.0), notify=_r(rng, 0.3, 2.0))
    _admin_fine(w, p, end)
    kept = w.finish()
    _truth(run, kept, item.code, p.rec, "violation")


# --- analysis (ZN) ----------------------------------------------------------------------


@rule("ZN-BL-01", "transcript", 0.00085, ("suspicion", 3, 330))
def zn_bl_01(run: CountyRun, item: Planned) -> None:
    w = _open(run, item, "行政", ("fight", "disorder", "theft"))
    rng = w.rng
    v = w.victim()
    paths.hear(w, v, w.accepted_at + _r(rng, 0.3, 2.0))
    first_w = w.add_person("证人")
    second_w = w.add_person("证人")
    room = w.unit.venue("询问室", rng) or run.county.brigades["执法办案管理中心"].venue(
        "询问室", rng
    )
    start = w.accepted_at + _r(rng, 3.0, 6.0)
    w.rights(first_w, start)
    original = w.transcript(first_w, start + 5 * MINUTE, long=True, venue=room)
    body = _copied_body(rng, original["_body"], first_w, second_w)
    w.rights(second_w, original["ended_at"] + 5 * MINUTE)
    copy = w.transcript(second_w, original["ended_at"] + 10 * MINUTE, body=body, venue=room)
    score = transcripts.jaccard(
        transcripts.shingles(transcripts.narrative_text(original["text"])),
        transcripts.shingles(transcripts.narrative_text(copy["text"])),
    )
    if score < 0.85:
        raise AssertionError(f"ZN-BL-01 copy too different: {score:.2f}")
    p = w.suspect()
    _, end = paths.admin_summon(w, p, copy["ended_at"] + HOUR, notify=_r(rng, 0.3, 2.0))
    _admin_fine(w, p, end)
    kept = w.finish()
    _truth(run, kept, item.code, original, "suspicion")
    _truth(run, kept, item.code, copy, "suspicion")


def _copied_body(rng: random.Random, body: list[str], src: PersonH, dst: PersonH) -> list[str]:
    """Another person's statement pasted in: the name swapped, a sentence or two touched up."""
    out = [line.replace(src.rec["name"], dst.rec["name"]) for line in body]
    answers = [i for i, line in enumerate(out) if line.startswith("答：") and len(line) > 30]
    for i in rng.sample(answers, min(2, len(answers))):
        line = out[i]
        cut = line.rfind("，")
        if cut > 10:
            out[i] = (
                line[:cut]
                + "，"
                + rng.choice(("具体记不太清了。", "大概就是这样。", "我印象是这样的。"))
            )
    return out


def _reserve_repeat(run: CountyRun, item: Planned) -> None:
    rng = run.rng
    town, _ = run.town_and_station()
    while True:
        address = names.building_address(rng, run.county.name, town)
        phone = names.phone(rng)
        key = incidents.building_key(address)
        if (
            key not in run.guard.reserved
            and key not in run.guard.seen
            and phone not in run.guard.seen
        ):
            break
    run.guard.reserved.update({key, phone})
    item.data["address"] = address
    item.data["phone"] = phone
    item.data["reporter"] = names.full_name(rng, rng.random() < 0.5)


@rule("ZN-JF-01", "dispute", 0.0012, ("address", 30, 330), ("phone", 30, 330))
def zn_jf_01(run: CountyRun, item: Planned) -> None:
    """One report of a group of three at one address, or from one phone, within 24 days."""
    rng = run.rng
    t = item.at
    dispute_type = item.data.setdefault(
        "dispute_type", rng.choice(("邻里", "婚恋家庭", "经济", "物业"))
    )
    if item.variant == "address":
        address = item.data["address"]
        reporter = (names.full_name(rng, rng.random() < 0.5), names.phone(rng))
    else:
        town, _ = run.town_and_station()
        address = names.full_address(rng, run.county.name, town)
        while not run.guard.allowed((incidents.building_key(address),), t):
            address = names.full_address(rng, run.county.name, town)
        run.guard.note((incidents.building_key(address),), t)
        reporter = (item.data["reporter"], item.data["phone"])
    rec = _dispute_incident(
        run,
        t,
        incidents.dispute_text(rng, dispute_type),
        dispute_type,
        disposition="调解",
        dispose_after=run.dispose_delay(),
        address=address,
        reporter=reporter,
        note_guard=False,
    )
    run.writer.truth(item.code, "incident", rec["id"], "suspicion")


ESCALATIONS = (
    ("报警人称与{rel}因家庭琐事争吵，{rel}扬言要喝农药。", "调解"),
    ("报警人称{rel}因{matter}与其争吵后情绪失控，扬言要跳楼。", "调解"),
    ("报警人称邻居有精神病史，近日因{noise}问题多次上门争吵。", "调解"),
    ("报警人称与{party}因欠款发生争执，对方扬言要报复。", "移交"),
    ("报警人称与{party}因工钱结算争吵，对方手持菜刀在门口叫骂。", "移交"),
    ("报警人称{rel}因{matter}闹矛盾，称不想活了要自杀。", "移交"),
)


@rule("ZN-JF-02", "dispute", 0.0012, ("suspicion", 3, 330))
def zn_jf_02(run: CountyRun, item: Planned) -> None:
    rng = run.rng
    template, disposition = rng.choice(ESCALATIONS)
    text = incidents.fill_slots(rng, template, incidents.DISPUTE_SLOTS)
    dispute_type = (
        "婚恋家庭" if "{rel}" in template else "邻里" if "{noise}" in template else "经济"
    )
    rec = _dispute_incident(
        run, item.at, text, dispute_type, disposition=disposition, dispose_after=run.dispose_delay()
    )
    run.writer.truth(item.code, "incident", rec["id"], "suspicion")


ZN_JQ_CUES = (
    ("求助", "报警人称其电动车被盗，要求民警帮助查找。"),
    ("求助", "报警人称在{spot}被打，现已离开。"),
    ("其他", "报警人称网上购物遭遇诈骗，损失{amount}元。"),
    ("求助", "报警人称手机被抢，对方已跑远。"),
)


@rule("ZN-JQ-01", "incident", 0.00027, ("category", 3, 330), ("cue", 3, 330))
def zn_jq_01(run: CountyRun, item: Planned) -> None:
    rng = run.rng
    town, station = run.town_and_station()
    address = names.full_address(rng, run.county.name, town)
    if item.variant == "category":
        cause = incidents.draw_cause(rng, "行政")
        category = cause.category
        text = incidents.fill_slots(rng, rng.choice(cause.descriptions), {"place": (address,)})
        disposition = rng.choice(("调解", "现场处置", "不予受案", "无效警情"))
    else:
        category, template = rng.choice(ZN_JQ_CUES)
        text = incidents.fill_slots(rng, template, incidents.OTHER_SLOTS)
        disposition = rng.choice(("现场处置", "调解", "无效警情"))
    rec = run.incident(
        item.at,
        category,
        station,
        address,
        text,
        disposition=disposition,
        dispose_after=run.dispose_delay(),
    )
    run.emit_incident(rec)
    run.writer.truth(item.code, "incident", rec["id"], "suspicion")
