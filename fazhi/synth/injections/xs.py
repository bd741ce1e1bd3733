"""Criminal procedure (刑事, XS): summons, detention, arrest, bail, surveillance, filing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fazhi.synth import paths
from fazhi.synth.cases import CaseWork, PersonH, Record
from fazhi.synth.injections.common import (
    Planned,
    Rules,
    bail_case,
    bail_then_close,
    change_to_bail,
    days,
    detained,
    open_case,
    prosecute_later,
    suspect_flow,
    truth,
)
from fazhi.synth.paths import _r
from fazhi.synth.periods import HOUR, MINUTE, add_months, latest_day_due, month_due

if TYPE_CHECKING:
    from fazhi.synth.services import CountyRun

RULES = Rules()
rule = RULES.rule


@rule("XS-CH-01", "criminal", 0.0092, ("overdue", 3, 60), ("late", 3, 330), ("violation", 3, 330))
def xs_ch_01(run: CountyRun, item: Planned) -> None:
    w = open_case(run, item, "刑事", ("theft", "fraud", "fight"))
    _, caught = suspect_flow(w)
    p = w.suspect()
    if item.variant == "overdue":
        m, end = paths.summon(w, p, caught, ended=False)
    elif item.variant == "late":
        m, end = paths.summon(w, p, caught, end_after=_r(w.rng, 15.0, 20.0))
        bail_then_close(w, p, end)
    else:
        m, end = paths.summon(w, p, caught, extended_to=caught + _r(w.rng, 30.0, 40.0))
        bail_then_close(w, p, end)
    kept = w.finish()
    truth(run, kept, item.code, m, item.variant)


def _refused_then_bail(w: CaseWork, p: PersonH, m: Record, request_at: int) -> None:
    paths.request_arrest(w, p, m, request_at)
    decided = request_at + days(w.rng, 2, 5)
    released = paths.refuse_arrest(w, p, m, decided, _r(w.rng, 0.5, 3.0))
    bail_then_close(w, p, released)


# The detention ending (release, change of measure) also closes XS-JL-01: a person released
# within 24 h was never owed to the 看守所, so an overdue one is still held at as_of, and a late
# one was sent late, or released late without ever being sent (the release is the late act).
@rule(
    "XS-JL-01",
    "detention",
    0.03,
    ("overdue", 3, 6),
    ("late", 4, 330),
    ("late_release", 4, 330),
    ("released_in_time", 4, 330),
)
def xs_jl_01(run: CountyRun, item: Planned) -> None:
    status: str | None = item.variant
    if item.variant == "overdue":
        # Still held at as_of (at least 37 h after the detention: the plan puts the incident 3
        # days or more before as_of), never sent; the arrest requested in time, the 检察院's
        # decision still pending. No later 送看守所 or end a patrol could match.
        w, p, m, at = detained(run, item, jail=None)
        paths.request_arrest(w, p, m, at + _r(w.rng, 18.0, 30.0))
    elif item.variant == "late":
        late = _r(run.rng, 30.0, 40.0)
        w, p, m, at = detained(
            run, item, jail=late, interrogate=_r(run.rng, 0.5, 3.0), visit_left=5 * HOUR
        )
        _refused_then_bail(w, p, m, at + _r(w.rng, 48.0, 60.0))
    elif item.variant == "late_release":
        # Never sent; changed to 取保候审 after 30-40 h: late, the change being the late act.
        w, p, m, at = detained(run, item, jail=None)
        change_to_bail(w, p, m, at, after=(30.0, 40.0))
        status = "late"
    else:
        # Never sent, released on 取保候审 within 20 h: not owed to the 看守所, no finding.
        w, p, m, at = detained(run, item, jail=None)
        change_to_bail(w, p, m, at, after=(12.0, 20.0))
        status = None
    kept = w.finish()
    if status is not None:
        truth(run, kept, item.code, m, status)


@rule("XS-JL-02", "detention", 0.03, ("overdue", 4, 330), ("late", 6, 330))
def xs_jl_02(run: CountyRun, item: Planned) -> None:
    if item.variant == "overdue":
        w, p, m, at = detained(run, item, notify=None)
        change_to_bail(w, p, m, at)
    else:
        w, p, m, at = detained(run, item, notify=_r(run.rng, 30.0, 50.0))
        _refused_then_bail(w, p, m, at + _r(w.rng, 20.0, 30.0))
    kept = w.finish()
    truth(run, kept, item.code, m, item.variant)


@rule("XS-JL-03", "detention", 0.03, ("overdue", 4, 200), ("late", 8, 330))
def xs_jl_03(run: CountyRun, item: Planned) -> None:
    if item.variant == "overdue":
        # No 讯问 of this person after the detention at all (not even after a later 逮捕).
        w, p, m, at = detained(run, item, interrogate=None)
        change_to_bail(w, p, m, at)
    else:
        w, p, m, at = detained(run, item, interrogate=_r(run.rng, 30.0, 40.0))
        _refused_then_bail(w, p, m, at + _r(w.rng, 20.0, 28.0))
    kept = w.finish()
    truth(run, kept, item.code, m, item.variant)


@rule("XS-JL-04", "detention", 0.037, ("overdue", 6, 40), ("late", 12, 330), ("violation", 4, 330))
def xs_jl_04(run: CountyRun, item: Planned) -> None:
    w, p, m, at = detained(run, item)
    rng = w.rng
    if item.variant == "overdue":
        pass  # still detained, no 提请批准逮捕
    elif item.variant == "late":
        request_at = at + _r(rng, 24.0 * 5, 24.0 * 6)
        paths.request_arrest(w, p, m, request_at)
        decided = request_at + days(rng, 1, 4)
        a_start = decided + _r(rng, 1.0, 3.0)
        paths.arrest(
            w, p, m, decided, a_start, notify=_r(rng, 0.5, 6.0), interrogate=_r(rng, 1.0, 6.0)
        )
        prosecute_later(w, [p], a_start + days(rng, 14, 25))
    else:
        # An extension beyond the 7-day cap of a case not marked complex.
        w.extend(m, at + _r(rng, 20.0, 30.0), at + days(rng, 9, 12), "提请批准逮捕时间延长")
        _refused_then_bail(w, p, m, at + _r(rng, 36.0, 44.0))
    kept = w.finish()
    truth(run, kept, item.code, m, item.variant)


def _arrested(
    run: CountyRun, item: Planned, **arrest_kw: Any
) -> tuple[CaseWork, PersonH, Record, int]:
    w, p, m, at = detained(run, item)
    rng = w.rng
    request_at = at + _r(rng, 18.0, 30.0)
    paths.request_arrest(w, p, m, request_at)
    decided = request_at + days(rng, 2, 5)
    a_start = decided + _r(rng, 1.0, 3.0)
    kw: dict[str, Any] = {"notify": _r(rng, 0.5, 6.0), "interrogate": _r(rng, 1.0, 6.0)}
    kw.update(arrest_kw)
    a = paths.arrest(w, p, m, decided, a_start, **kw)
    return w, p, a, a_start


@rule("XS-DB-01", "arrest", 0.054, ("overdue", 10, 60), ("late", 12, 330))
def xs_db_01(run: CountyRun, item: Planned) -> None:
    w, p, m, at = detained(run, item)
    rng = w.rng
    request_at = at + _r(rng, 18.0, 30.0)
    paths.request_arrest(w, p, m, request_at)
    decided = request_at + days(rng, 2, 4)
    if item.variant == "overdue":
        paths.refuse_arrest(w, p, m, decided, None)
    else:
        released = paths.refuse_arrest(w, p, m, decided, _r(rng, 18.0, 30.0))
        bail_then_close(w, p, released)
    kept = w.finish()
    refusal = next(r for r in kept.values() if r["type"] == "event" and r["kind"] == "不批准逮捕")
    truth(run, kept, item.code, refusal, item.variant)


@rule("XS-DB-02", "arrest", 0.054, ("overdue", 12, 330), ("late", 14, 330))
def xs_db_02(run: CountyRun, item: Planned) -> None:
    notify = None if item.variant == "overdue" else _r(run.rng, 30.0, 50.0)
    w, p, a, start = _arrested(run, item, notify=notify)
    w.transcript(p, start + days(w.rng, 4, 9), in_custody=True)
    prosecute_later(w, [p], start + days(w.rng, 14, 25))
    kept = w.finish()
    truth(run, kept, item.code, a, item.variant)


@rule("XS-DB-03", "arrest", 0.054, ("overdue", 12, 330), ("late", 14, 330))
def xs_db_03(run: CountyRun, item: Planned) -> None:
    if item.variant == "overdue":
        w, p, a, start = _arrested(run, item, interrogate=None)
    else:
        w, p, a, start = _arrested(run, item, interrogate=_r(run.rng, 30.0, 45.0))
        w.transcript(p, start + days(w.rng, 5, 9), in_custody=True)
    prosecute_later(w, [p], start + days(w.rng, 14, 25))
    kept = w.finish()
    truth(run, kept, item.code, a, item.variant)


@rule("XS-JY-01", "arrest", 0.08, ("overdue", 80, 200), ("late", 110, 330), ("violation", 40, 330))
def xs_jy_01(run: CountyRun, item: Planned) -> None:
    w, p, a, start = _arrested(run, item)
    rng = w.rng
    w.transcript(p, start + days(rng, 4, 9), in_custody=True)
    if item.variant == "late":
        prosecute_later(w, [p], add_months(start, 2) + days(rng, 6, 20))
    elif item.variant == "violation":
        w.extend(a, start + days(rng, 5, 10), add_months(start, 8), "延长侦查羁押期限")
        prosecute_later(w, [p], start + days(rng, 14, 25))
    kept = w.finish()
    truth(run, kept, item.code, a, item.variant)


@rule("XS-QB-01", "bail", 0.018, ("overdue", 395, 470), ("late", 425, 500), carried_over=True)
def xs_qb_01(run: CountyRun, item: Planned) -> None:
    # Carried over from before the one-year window: 取保候审 is a 12-month measure.
    w, p, start = bail_case(run, item)
    m = bail_then_close(w, p, start, close=False)
    if item.variant == "late":
        prosecute_later(w, [p], month_due(start, 12, True) + days(w.rng, 5, 15))
    kept = w.finish()
    truth(run, kept, item.code, m, item.variant)


@rule("XS-QB-02", "surveillance", 0.107, ("overdue", 205, 340), ("late", 215, 350))
def xs_qb_02(run: CountyRun, item: Planned) -> None:
    w, p, m, at = detained(run, item)
    rng = w.rng
    change = at + _r(rng, 16.0, 30.0)
    m["ended_at"] = change
    w.event("变更强制措施", change, p, m, note="变更为监视居住")
    designated = rng.random() < 0.3
    s = paths.surveil(w, p, change, designated, _r(rng, 1.0, 8.0))
    if item.variant == "late":
        w.open_surveils.append(s)
        prosecute_later(w, [p], month_due(change, 6, True) + days(rng, 5, 15))
    kept = w.finish()
    truth(run, kept, item.code, s, item.variant)


@rule("XS-QB-03", "bail", 0.018, ("adult", 3, 330), ("minor", 3, 330))
def xs_qb_03(run: CountyRun, item: Planned) -> None:
    w = open_case(run, item, "刑事", ("theft", "fight"))
    _, caught = suspect_flow(w)
    p = w.suspect(minor=item.variant == "minor")
    _, end = paths.summon(w, p, caught)
    deposit = float(
        w.rng.choice((500, 600, 800, 900))
        if item.variant == "adult"
        else w.rng.choice((200, 300, 400))
    )
    m = paths.bail(w, p, end, deposit=deposit)
    w.open_bails.append(m)
    prosecute_later(w, [p], end + days(w.rng, 20, 60))
    kept = w.finish()
    truth(run, kept, item.code, m, "violation")


@rule("XS-QB-04", "bail", 0.018, ("overdue", 40, 330), ("late", 40, 330))
def xs_qb_04(run: CountyRun, item: Planned) -> None:
    w, p, start = bail_case(run, item)
    rng = w.rng
    m = paths.bail(w, p, start, deposit=float(rng.choice((2000, 3000, 5000))))
    end = min(start + days(rng, 20, 60), run.as_of - days(rng, 16, 25))
    paths.prosecute(w, end, [p])
    if item.variant == "overdue":
        paths.end_bail(w, m, end + 5 * MINUTE, None)
    else:
        ended = end + 5 * MINUTE
        late = latest_day_due(ended, 3) - ended + days(rng, 1, 3)
        paths.end_bail(w, m, ended, late)
    kept = w.finish()
    truth(run, kept, item.code, m, item.variant)


@rule("XS-JS-01", "surveillance", 0.107, ("overdue", 8, 330), ("late", 8, 330))
def xs_js_01(run: CountyRun, item: Planned) -> None:
    w, p, m, at = detained(run, item)
    rng = w.rng
    change = at + _r(rng, 16.0, 30.0)
    m["ended_at"] = change
    w.event("变更强制措施", change, p, m, note="变更为指定居所监视居住")
    notify = None if item.variant == "overdue" else _r(rng, 30.0, 50.0)
    s = paths.surveil(w, p, change, True, notify)
    w.open_surveils.append(s)
    prosecute_later(w, [p], change + days(rng, 20, 60))
    kept = w.finish()
    truth(run, kept, item.code, s, item.variant)


@rule("XS-LA-01", "criminal", 0.0062, ("overdue", 16, 200), ("late", 25, 330))
def xs_la_01(run: CountyRun, item: Planned) -> None:
    w = open_case(run, item, "刑事", ("theft", "fraud"))
    rng = w.rng
    v = w.victim()
    paths.hear(w, v, w.accepted_at + _r(rng, 0.3, 3.0))
    if item.variant == "late":
        due = latest_day_due(w.accepted_at, 3)
        w.file(due + days(rng, 1, 4))
    kept = w.finish()
    truth(run, kept, item.code, w.case, item.variant)


@rule("XS-LA-02", "criminal", 0.0062, ("overdue", 16, 330), ("late", 25, 330))
def xs_la_02(run: CountyRun, item: Planned) -> None:
    w = open_case(run, item, "刑事", ("theft", "fraud"))
    rng = w.rng
    v = w.victim()
    paths.hear(w, v, w.accepted_at + _r(rng, 0.3, 3.0))
    at = w.accepted_at + _r(rng, 4.0, 30.0)
    notice = None if item.variant == "overdue" else latest_day_due(at, 3) - at + days(rng, 1, 3)
    paths.not_file(w, at, notice)
    kept = w.finish()
    ev = next(r for r in kept.values() if r["type"] == "event" and r["kind"] == "不予立案")
    truth(run, kept, item.code, ev, item.variant)


@rule("XS-LA-03", "criminal", 0.0062, ("overdue", 45, 330), ("late", 50, 330))
def xs_la_03(run: CountyRun, item: Planned) -> None:
    w, p, start = bail_case(run, item)
    rng = w.rng
    m = paths.bail(w, p, start, deposit=3000.0)
    at = min(start + days(rng, 20, 60), run.as_of - days(rng, 16, 25))
    serve = None if item.variant == "overdue" else latest_day_due(at, 3) - at + days(rng, 1, 3)
    paths.revoke(w, at, [p], serve)
    paths.end_bail(w, m, at + 5 * MINUTE, _r(rng, 0.5, 12.0))
    kept = w.finish()
    ev = next(r for r in kept.values() if r["type"] == "event" and r["kind"] == "撤销案件")
    truth(run, kept, item.code, ev, item.variant)


@rule("XS-XW-01", "criminal", 0.0062, ("violation", 3, 330))
def xs_xw_01(run: CountyRun, item: Planned) -> None:
    w = open_case(run, item, "刑事", ("theft", "fraud", "fight", "drunk_driving", "cards"))
    has_victim = w.facts.family in {"theft", "fraud", "fight"}
    _, caught = suspect_flow(w, has_victim=has_victim)
    p = w.suspect()
    p.no_rights = True
    _, end = paths.summon(w, p, caught)
    bail_then_close(w, p, end)
    kept = w.finish()
    first = min(
        (r for r in kept.values() if r["type"] == "transcript" and r["person_id"] == p.rec["id"]),
        key=lambda r: r["started_at"],
    )
    truth(run, kept, item.code, first, "violation")


@rule("XS-XW-02", "arrest", 0.054, ("violation", 10, 330))
def xs_xw_02(run: CountyRun, item: Planned) -> None:
    w, p, _a, start = _arrested(run, item, interrogate=None)
    t = w.transcript(p, start + _r(w.rng, 1.0, 6.0), in_custody=True, recorded=False)
    prosecute_later(w, [p], start + days(w.rng, 14, 25))
    kept = w.finish()
    truth(run, kept, item.code, t, "violation")
