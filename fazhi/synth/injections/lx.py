"""Audio-visual recording (执法记录, LX; FZX v1.1 ``recording``): an arrival nobody recorded, a
recording uploaded late or never, a recording deleted too early or while it had to be kept.

The clean recordings are ``oversight.Oversight``'s; these scenarios add one recording to a
dispute incident (or a case) of their own, written as given (``fixed``), or keep an incident's
arrival unrecorded and block every recording of its officers that could cover it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fazhi.synth import incidents, paths
from fazhi.synth.cases import Record
from fazhi.synth.county import Officer
from fazhi.synth.injections.common import (
    Planned,
    Rules,
    bail_then_close,
    days,
    open_case,
    suspect_flow,
)
from fazhi.synth.paths import _r
from fazhi.synth.periods import HOUR, MINUTE

if TYPE_CHECKING:
    from fazhi.synth.services import CountyRun

RULES = Rules()
rule = RULES.rule


def _dispute(run: CountyRun, at: int, *, unrecorded: bool = False) -> Record:
    """A dispute reported by 110 and attended (so it has an arrival); ``unrecorded``: by
    officers none of whose recordings reaches the arrival, which stays unrecorded (LX-01)."""
    rng = run.rng
    address, reporter, station = run.dispute_address(at)
    dispute_type = rng.choices(*zip(*incidents.DISPUTE_WEIGHTS, strict=True))[0]
    rec = run.incident(
        at,
        "纠纷",
        station,
        address,
        incidents.dispute_text(rng, dispute_type),
        disposition=rng.choices(("调解", "现场处置"), (70, 30))[0],
        dispose_after=run.dispose_delay(),
        dispute_type=dispute_type,
        reporter=reporter,
        source="110",
    )
    if unrecorded:
        # a case's interrogations are written when the case is, possibly ahead of this day:
        # take officers none of whose recordings written so far reaches past ``at``
        def free(officers: list[Officer]) -> list[Officer]:
            return [o for o in officers if run.oversight.last_end.get(o.id, -1) < at]

        sworn = free(station.sworn()) or free(
            [o for o in run.county.officers if o.active and o.sworn]
        )
        aux = free(station.auxiliaries())
        rec["officer_ids"] = [rng.choice(sworn).id] + ([rng.choice(aux).id] if aux else [])
        rec["_no_recording"] = True
        for officer_id in rec["officer_ids"]:
            run.oversight.blocked.setdefault(officer_id, []).append(rec["arrived_at"])
    run.emit_incident(rec)
    run.followups(rec, station)
    return rec


def _extra_recording(
    run: CountyRun,
    officer_ids: list[str],
    start: int,
    end: int,
    *,
    uploaded: int | None,
    deleted: int | None = None,
    incident_id: str | None = None,
    case_id: str | None = None,
    evidence: bool | None = None,
) -> Record:
    """A recording written as given, by the first of ``officer_ids`` whose recordings may
    cover the interval (none of them blocked by an LX-01 scenario)."""
    for officer_id in officer_ids:
        rec = run.oversight.recording(
            officer_id, start, end, incident_id=incident_id, case_id=case_id,
            evidence=evidence, fixed=True, uploaded_at=uploaded, deleted_at=deleted,
        )  # fmt: skip
        if rec is not None:
            return rec
    raise RuntimeError("LX: no officer free to record")


@rule("LX-01", "incident", 0.0001, ("violation", 3, 330))
def lx_01(run: CountyRun, item: Planned) -> None:
    rec = _dispute(run, item.at, unrecorded=True)
    run.writer.truth(item.code, "incident", rec["id"], "violation")


@rule("LX-02", "incident", 0.00008, ("overdue", 3, 330), ("late", 4, 330))
def lx_02(run: CountyRun, item: Planned) -> None:
    rng = run.rng
    inc = _dispute(run, item.at)
    start = inc["arrived_at"] - MINUTE
    end = start + _r(rng, 0.3, 0.9)
    uploaded = None if item.variant == "overdue" else end + _r(rng, 30.0, 60.0)
    rec = _extra_recording(
        run, inc["officer_ids"][::-1], start, end, uploaded=uploaded, incident_id=inc["id"]
    )
    run.writer.truth(item.code, "recording", rec["id"], item.variant)


@rule("LX-03", "incident", 0.00008, ("early", 160, 330), ("evidence", 10, 330),
      ("open_case", 10, 330))  # fmt: skip
def lx_03(run: CountyRun, item: Planned) -> None:
    rng = run.rng
    if item.variant == "open_case":
        # a search of the scene filmed for an open case (the suspect on bail), then deleted
        w = open_case(run, item, "刑事", ("theft", "fraud"))
        _, caught = suspect_flow(w)
        p = w.suspect()
        _, end = paths.summon(w, p, caught)
        bail_then_close(w, p, end, close=False)
        w.finish()
        start = w.accepted_at + _r(rng, 1.0, 5.0)
        stop = start + _r(rng, 0.5, 1.5)
        rec = _extra_recording(
            run, w.pair(), start, stop, uploaded=stop + _r(rng, 1.0, 12.0),
            deleted=stop + days(rng, 5, 8), case_id=w.id,
        )  # fmt: skip
    else:
        inc = _dispute(run, item.at)
        start = inc["arrived_at"] - MINUTE
        stop = start + _r(rng, 0.3, 0.9)
        evidence = item.variant == "evidence"
        after = days(rng, 30, 150) if item.variant == "early" else days(rng, 2, 8)
        rec = _extra_recording(
            run, inc["officer_ids"][::-1], start, stop, uploaded=stop + _r(rng, 1.0, 12.0),
            deleted=stop + after, incident_id=inc["id"], evidence=evidence or None,
        )  # fmt: skip
    if rec["deleted_at"] > run.as_of or rec["uploaded_at"] > run.as_of - HOUR:
        raise AssertionError(f"LX-03 {rec['id']}: deleted after as_of")
    run.writer.truth(item.code, "recording", rec["id"], "violation")
