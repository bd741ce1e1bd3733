"""Incidents (警情, JQ): disposal and taking on of calls."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fazhi.synth import incidents, names, paths
from fazhi.synth.injections.common import Planned, Rules, dispute_incident, open_case, truth
from fazhi.synth.paths import _r

if TYPE_CHECKING:
    from fazhi.synth.services import CountyRun

RULES = Rules()
rule = RULES.rule


@rule("JQ-01", "incident", 0.00027, ("overdue", 3, 330), ("late", 4, 330))
def jq_01(run: CountyRun, item: Planned) -> None:
    rng = run.rng
    if item.variant == "overdue":
        category = rng.choice(("刑事", "治安", "纠纷"))
        if category == "纠纷":
            dispute_type = rng.choice(tuple(incidents.DISPUTES))
            rec = dispute_incident(
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
        rec = dispute_incident(
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
    w = open_case(run, item, "行政", accepted_after=_r(rng, 30.0, 50.0))
    paths.admin_clean(w, "fine")
    kept = w.finish()
    incident_id = w.case["incident_id"]
    if w.case["id"] not in kept:
        raise AssertionError("JQ-02 late case not written")
    run.writer.truth(item.code, "incident", incident_id, "late")


@rule("JQ-03", "case", 0.0022, ("overdue", 3, 330), ("late", 4, 330))
def jq_03(run: CountyRun, item: Planned) -> None:
    receipt = None if item.variant == "overdue" else _r(run.rng, 30.0, 50.0)
    w = open_case(run, item, "行政", receipt_after=receipt)
    paths.admin_clean(w, "fine")
    kept = w.finish()
    truth(run, kept, item.code, w.case, item.variant)
