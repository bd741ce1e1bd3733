"""Transcripts, officers and documents (规范, GF): who records and leads, what is signed, stored."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fazhi.synth import incidents, paths
from fazhi.synth.cases import CaseWork, PersonH, Record
from fazhi.synth.county import Officer
from fazhi.synth.injections.common import (
    Planned,
    Rules,
    admin_fine,
    admin_open,
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
from fazhi.synth.periods import DAY, HOUR, MINUTE, latest_day_due

if TYPE_CHECKING:
    from fazhi.synth.services import CountyRun

RULES = Rules()
rule = RULES.rule


@rule("GF-XW-01", "transcript", 0.00085, ("with_auxiliary", 3, 330), ("alone", 3, 330))
def gf_xw_01(run: CountyRun, item: Planned) -> None:
    w, p = admin_open(run, item)
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
    admin_fine(w, p, end)
    kept = w.finish()
    truth(run, kept, item.code, t, "violation")


@rule("GF-XW-02", "transcript", 0.00085, ("violation", 3, 330))
def gf_xw_02(run: CountyRun, item: Planned) -> None:
    w = open_case(run, item, "行政", ("fight", "theft"))
    rng = w.rng
    v = w.victim()
    paths.hear(w, v, w.accepted_at + _r(rng, 0.3, 3.0))
    p = w.suspect(minor=True)
    start = w.accepted_at + _r(rng, 1.0, 20.0)
    w.rights(p, start)
    t = w.transcript(p, start + 5 * MINUTE, guardian=False)
    admin_fine(w, p, t["ended_at"])
    kept = w.finish()
    truth(run, kept, item.code, t, "violation")


@rule("GF-XW-03", "transcript", 0.00085, ("violation", 3, 330))
def gf_xw_03(run: CountyRun, item: Planned) -> None:
    w, p = admin_open(run, item)
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
    admin_fine(w, p, end)
    kept = w.finish()
    truth(run, kept, item.code, first, "violation")
    truth(run, kept, item.code, second, "violation")


@rule("GF-XW-04", "transcript", 0.00085, ("violation", 3, 330))
def gf_xw_04(run: CountyRun, item: Planned) -> None:
    w, p = admin_open(run, item)
    rng = w.rng
    start = w.accepted_at + _r(rng, 1.0, 20.0)
    w.rights(p, start)
    t = w.transcript(p, start + 5 * MINUTE, long=True, duration=2 * MINUTE)
    if len(t["text"]) < 2 * 250 * 2:
        t["ended_at"] = t["started_at"] + MINUTE
    admin_fine(w, p, t["ended_at"])
    kept = w.finish()
    truth(run, kept, item.code, t, "violation")


def _place_before_qualification(run: CountyRun, item: Planned) -> list[Planned]:
    """Moves a ``late_qualified`` case before its lead officer's qualification date (both in
    the window); with no officer qualified in the window it becomes an ``auxiliary`` case."""
    if item.variant != "late_qualified":
        return []
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
        return []
    officer = run.rng.choice(recent)
    qualified = officer.qualified_day * DAY  # type: ignore[operator]
    item.at = run.rng.randint(run.window_start + DAY, qualified - 5 * DAY)
    item.data["lead"] = officer
    return []


@rule(
    "GF-ZG-01",
    "case",
    0.0032,
    ("auxiliary", 3, 330),
    ("unqualified", 3, 330),
    ("late_qualified", 3, 330),
    prepare=_place_before_qualification,
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
    truth(run, kept, item.code, w.case, "violation")


def _detention_case(run: CountyRun, item: Planned, **kw: Any) -> tuple[CaseWork, PersonH, Record]:
    w, p, m, at = detained(run, item, **kw)
    change_to_bail(w, p, m, at)
    return w, p, m


@rule("GF-JZ-01", "detention", 0.025, ("violation", 3, 330))
def gf_jz_01(run: CountyRun, item: Planned) -> None:
    w, _p, m = _detention_case(run, item, warrant=False)
    kept = w.finish()
    truth(run, kept, item.code, m, "violation")


@rule("GF-JZ-02", "bail", 0.018, ("violation", 3, 330))
def gf_jz_02(run: CountyRun, item: Planned) -> None:
    w, p, end = bail_case(run, item)
    m = paths.bail(w, p, end, deposit=3000.0, decision=False)
    w.open_bails.append(m)
    prosecute_later(w, [p], end + days(w.rng, 20, 60))
    kept = w.finish()
    truth(run, kept, item.code, m, "violation")


@rule("GF-JZ-03", "admin", 0.0033, ("violation", 10, 330))
def gf_jz_03(run: CountyRun, item: Planned) -> None:
    w, p = admin_open(run, item)
    rng = w.rng
    _, end = paths.admin_summon(w, p, w.accepted_at + _r(rng, 1.0, 20.0), notify=_r(rng, 0.3, 2.0))
    decided = end + days(rng, 1, 5)
    ev = paths.decide(w, p, decided, decision_doc=False)
    paths.serve(w, p, decided + _r(rng, 0.1, 1.0))
    paths.close(w, decided + days(rng, 1, 3))
    kept = w.finish()
    truth(run, kept, item.code, ev, "violation")


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
        w, p, end = bail_case(run, item)
        bail_then_close(w, p, end)
    elif kind == "扣押清单":
        w, _ = _admin_seizure(run, item, close=True)
    else:
        w, p = admin_open(run, item)
        _, end = paths.admin_summon(
            w, p, w.accepted_at + _r(w.rng, 1.0, 20.0), notify=_r(w.rng, 0.3, 2.0)
        )
        admin_fine(w, p, end)
    doc = next(r for r in w.records if r["type"] == "document" and r["kind"] == kind)
    doc["signed"] = False
    kept = w.finish()
    truth(run, kept, item.code, doc, "violation")


@rule(
    "GF-CW-01",
    "property",
    0.0096,
    ("overdue", 4, 200),
    ("late", 4, 200),
    ("stored_no_event", 4, 200),
)
def gf_cw_01(run: CountyRun, item: Planned) -> None:
    w = open_case(run, item, "刑事", ("theft", "fraud", "cards"))
    has_victim = w.facts.family in {"theft", "fraud"}
    _, caught = suspect_flow(w, has_victim=has_victim)
    p = w.suspect()
    _, end = paths.summon(w, p, caught)
    bail_then_close(w, p, end, close=False)  # open case: the property is not disposed of
    rng = w.rng
    store = None if item.variant != "late" else _r(rng, 30.0, 45.0)
    prop = w.seize(caught + _r(rng, 0.3, 2.0), p, store, count=1)[0]
    if item.variant == "stored_no_event":
        w.prop_status[prop["id"]].append((prop["seized_at"] + _r(rng, 1.0, 6.0), "在库"))
    kept = w.finish()
    truth(run, kept, item.code, prop, "late" if item.variant == "late" else "overdue")


def _admin_seizure(run: CountyRun, item: Planned, close: bool) -> tuple[CaseWork, Record]:
    """A 行政 case with one item seized, stored in time, the seizure lifted at the decision;
    the property is disposed of at closing only when ``close``."""
    w = open_case(run, item, "行政", ("gambling", "weapon", "drugs"))
    rng = w.rng
    p = w.suspect()
    start = w.accepted_at + _r(rng, 0.5, 10.0)
    _, end = paths.admin_summon(w, p, start, notify=_r(rng, 0.3, 2.0))
    seizure = w.measure("扣押", p, start + 10 * MINUTE, approver=w.chief())
    prop = w.seize(start + 10 * MINUTE, p, _r(rng, 0.5, 6.0), count=1)[0]
    decided = end + days(rng, 1, 5)
    paths.decide(w, p, decided)
    paths.serve(w, p, decided + _r(rng, 0.1, 1.0))
    seizure["ended_at"] = decided + HOUR
    w.event("解除强制措施", decided + HOUR, p, seizure)
    if close:
        paths.dispose_all(w, [prop], decided, criminal=False)
    paths.close(w, decided + days(rng, 1, 3))
    return w, prop


@rule("GF-CW-02", "property", 0.0064, ("violation", 55, 330))
def gf_cw_02(run: CountyRun, item: Planned) -> None:
    # The condition names the case (closed 30 days ago, something still in store): one finding
    # per case, whatever the number of items; the scenario seizes one.
    w, _ = _admin_seizure(run, item, close=False)
    kept = w.finish()
    truth(run, kept, item.code, w.case, "violation")


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
    w, p = admin_open(run, item)
    rng = w.rng
    _, end = paths.admin_summon(w, p, w.accepted_at + _r(rng, 1.0, 20.0), notify=_r(rng, 0.3, 2.0))
    visit = next(r for r in w.records if r["type"] == "venue_visit")
    visit[flag] = False
    admin_fine(w, p, end)
    kept = w.finish()
    truth(run, kept, item.code, visit, "violation")


@rule("GF-BA-04", "visit", 0.0032, ("overdue", 3, 330), ("late", 4, 330))
def gf_ba_04(run: CountyRun, item: Planned) -> None:
    # Came on his own (no 传唤) and was never detained: leaving is the only act that counts.
    w, p = admin_open(run, item)
    rng = w.rng
    start = w.accepted_at + _r(rng, 1.0, 20.0)
    visit = w.visit_open(p, start)
    w.rights(p, start + 5 * MINUTE)
    t = w.transcript(p, start + 10 * MINUTE)
    if item.variant == "late":
        w.visit_close(p, start + _r(rng, 30.0, 40.0))
    admin_fine(w, p, t["ended_at"])
    kept = w.finish()
    truth(run, kept, item.code, visit, item.variant)


@rule("GF-AJ-01", "criminal", 0.0062, ("overdue", 85, 330))
def gf_aj_01(run: CountyRun, item: Planned) -> None:
    w = open_case(run, item, "刑事", ("theft", "fraud"))
    rng = w.rng
    v = w.victim()
    paths.hear(w, v, w.accepted_at + _r(rng, 0.3, 3.0))
    w.file(w.accepted_at + _r(rng, 1.0, 20.0))
    latest = run.as_of - days(rng, 80, 100)
    w.silent_after = min(latest, w.accepted_at + days(rng, 3, 150))
    kept = w.finish()
    truth(run, kept, item.code, w.case, "overdue")


# --- FZX v1.1: unit leaders' qualification, the custody chain of seized property ---------------


def _lower_leader(run: CountyRun, item: Planned) -> list[Planned]:
    """Before the officers are written: one 所队长 or 法制员 of 中级 or above drops to 基本级."""
    candidates = [
        o
        for o in run.county.officers
        if o.active and o.role in {"所队长", "法制员"} and o.qualification in {"中级", "高级"}
    ]
    officer = run.rng.choice(candidates)
    officer.qualification = "基本级"
    run.writer.truth(item.code, "officer", officer.id, "violation")
    return []


@rule("GF-ZG-02", "leader", 0.05, ("violation", 3, 330), prepare=_lower_leader)
def gf_zg_02(run: CountyRun, item: Planned) -> None:
    """Nothing to do on the day: the officer was changed before he was written."""


def _stored_item(run: CountyRun, item: Planned) -> tuple[CaseWork, Record, int]:
    """An open criminal case (the suspect on bail) with one item seized and stored in time,
    whose custody chain the scenario writes itself; returns the time it was stored."""
    w = open_case(run, item, "刑事", ("theft", "fraud", "cards"))
    has_victim = w.facts.family in {"theft", "fraud"}
    _, caught = suspect_flow(w, has_victim=has_victim)
    p = w.suspect()
    _, end = paths.summon(w, p, caught)
    bail_then_close(w, p, end, close=False)
    rng = w.rng
    seized = caught + _r(rng, 0.3, 2.0)
    after = _r(rng, 0.5, 6.0)
    prop = w.seize(seized, p, after, count=1)[0]
    prop["_fixed"] = True
    return w, prop, seized + after


@rule("GF-CW-03", "property", 0.0016, ("overdue", 25, 200), ("late", 25, 200))
def gf_cw_03(run: CountyRun, item: Planned) -> None:
    w, prop, stored = _stored_item(run, item)
    rng = w.rng
    out = stored + days(rng, 1, 3)
    if item.variant == "overdue":
        # no return date recorded: the 7 days of the local standard, long past
        borrowed = w.move(prop, "调用", out, approved=w.chief().id, note="辨认")
    else:
        due = out + days(rng, 3, 7)
        borrowed = w.move(prop, "调用", out, due=due, approved=w.chief().id, note="鉴定")
        w.move(prop, "归还", due + days(rng, 1, 5))
    kept = w.finish()
    truth(run, kept, item.code, borrowed, item.variant)


@rule("GF-CW-04", "property", 0.0016, ("overdue", 25, 200), ("late", 25, 200))
def gf_cw_04(run: CountyRun, item: Planned) -> None:
    w, prop, stored = _stored_item(run, item)
    rng = w.rng
    found = stored + days(rng, 1, 5)
    prop["unrelated"] = True
    prop["unrelated_at"] = found
    if item.variant == "late":
        # beyond the latest reading of "3 days" (holidays rolled over), by a day or more
        back = latest_day_due(found, 3) + days(rng, 1, 4)
        w.dispose(prop, back, "已返还")
        w.move(prop, "返还", back, note="与案件无关，发还所有人")
    kept = w.finish()
    truth(run, kept, item.code, prop, item.variant)


@rule(
    "GF-CW-05",
    "property",
    0.0016,
    ("no_store", 25, 200),
    ("already_out", 25, 200),
    ("double_in", 25, 200),
)
def gf_cw_05(run: CountyRun, item: Planned) -> None:
    w, prop, stored = _stored_item(run, item)
    rng = w.rng
    if item.variant == "no_store":
        # the store event is there (GF-CW-01 holds) but the chain never took the item in
        prop["_no_store_move"] = True
        back = stored + days(rng, 2, 10)
        w.dispose(prop, back, "已返还")
        wrong = w.move(prop, "返还", back, note="发还被害人")
    elif item.variant == "already_out":
        out = stored + days(rng, 1, 3)
        w.move(prop, "出库", out, approved=w.chief().id, note="送检")
        back = out + days(rng, 2, 5)
        w.dispose(prop, back, "已返还")
        wrong = w.move(prop, "返还", back, note="发还被害人")
    else:
        wrong = w.move(prop, "入库", stored + days(rng, 1, 5), note="重复登记入库")
    kept = w.finish()
    truth(run, kept, item.code, wrong, "violation")
