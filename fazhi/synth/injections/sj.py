"""Source-data quality (数据质量, SJ): values that cannot be right."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from fazhi.synth import incidents, names, paths
from fazhi.synth.cases import CaseWork, PersonH
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
from fazhi.synth.periods import DAY, HOUR, MINUTE, date_of

if TYPE_CHECKING:
    from fazhi.synth.services import CountyRun

RULES = Rules()
rule = RULES.rule


def _victim_of(w: CaseWork) -> PersonH:
    return next(p for p in w.persons if p.rec["role"] == "被害人")


@rule("SJ-01", "person", 0.0009, ("violation", 3, 330))
def sj_01(run: CountyRun, item: Planned) -> None:
    w = open_case(run, item, "行政", ("fight", "theft"))
    paths.admin_clean(w, "fine")
    v = _victim_of(w)
    number = v.rec["id_number"]
    wrong = [c for c in names.CHECK_CHARS if c != number[-1]]
    v.rec["id_number"] = number[:-1] + w.rng.choice(wrong)
    kept = w.finish()
    truth(run, kept, item.code, v.rec, "violation")


@rule("SJ-02", "person", 0.0009, ("violation", 3, 330))
def sj_02(run: CountyRun, item: Planned) -> None:
    w = open_case(run, item, "行政", ("fight", "theft"))
    paths.admin_clean(w, "fine")
    v = _victim_of(w)
    # A keying error in the birth date that keeps the person an adult by either date.
    shift = w.rng.choice((-400, -31, -9, 9, 31))
    if shift > 0 and names.age_on(v.birth, date_of(w.accepted_at)) < 21:
        shift = -shift
    v.rec["birth_date"] = (v.birth + dt.timedelta(days=shift)).isoformat()
    kept = w.finish()
    truth(run, kept, item.code, v.rec, "violation")


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
    w, p = admin_open(run, item)
    start = w.accepted_at + _r(rng, 1.0, 20.0)
    if item.variant == "case":
        # 行政: ZA-QX-01 counts from filed_at, and the decision comes within days of both.
        w.case["filed_at"] = w.accepted_at - _r(rng, 1.0, 3.0)
        _, end = paths.admin_summon(w, p, start, notify=_r(rng, 0.3, 2.0))
        admin_fine(w, p, end)
        kept = w.finish()
        truth(run, kept, item.code, w.case, "violation")
    elif item.variant == "measure":
        # No rule reads when a 行政拘留 ends.
        _, end = paths.admin_summon(w, p, start, notify=_r(rng, 0.3, 2.0))
        decided = end + _r(rng, 0.2, 1.0)
        paths.decide(w, p, decided)
        paths.serve(w, p, decided + _r(rng, 0.1, 0.5))
        m = paths.admin_detain(w, p, decided + HOUR, 5, _r(rng, 0.3, 3.0))
        m["ended_at"] = m["started_at"] - days(rng, 1, 5)
        paths.close(w, decided + 6 * DAY)
        kept = w.finish()
        truth(run, kept, item.code, m, "violation")
    elif item.variant == "summon":
        # ended_at before started_at: the end does not count, so ZA-CH-01 is overdue too.
        m, end = paths.admin_summon(w, p, start, notify=_r(rng, 0.3, 2.0))
        m["ended_at"] = start - _r(rng, 1.0, 3.0)
        admin_fine(w, p, end)
        kept = w.finish()
        truth(run, kept, item.code, m, "violation")
        truth(run, kept, "ZA-CH-01", m, "overdue")
    else:
        # left_at before entered_at: leaving does not count, so GF-BA-04 is overdue too.
        visit = w.visit_open(p, start)
        w.rights(p, start + 5 * MINUTE)
        t = w.transcript(p, start + 10 * MINUTE)
        w.visit_close(p, start - _r(rng, 1.0, 3.0))
        admin_fine(w, p, t["ended_at"])
        kept = w.finish()
        truth(run, kept, item.code, visit, "violation")
        truth(run, kept, "GF-BA-04", visit, "overdue")


@rule("SJ-04", "case", 0.0022, ("case", 3, 330), ("person", 3, 330))
def sj_04(run: CountyRun, item: Planned) -> None:
    w = open_case(run, item, "行政", ("fight", "theft"))
    if item.variant == "case":
        paths.admin_clean(w, "fine")
        w.case["lead_officer_id"] = None
        kept = w.finish()
        truth(run, kept, item.code, w.case, "violation")
        return
    rng = w.rng
    v = w.victim()
    paths.hear(w, v, w.accepted_at + _r(rng, 0.3, 3.0))
    p = w.add_person("违法行为人", with_id=False)
    if p.rec["birth_date"] is None:
        p.rec["birth_date"] = p.birth.isoformat()
    _, end = paths.admin_summon(w, p, w.accepted_at + _r(rng, 1.0, 20.0), notify=_r(rng, 0.3, 2.0))
    admin_fine(w, p, end)
    kept = w.finish()
    truth(run, kept, item.code, p.rec, "violation")
