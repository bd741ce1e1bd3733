"""The disputes step of ``fazhi tick`` fanned out on the Celery workers (``fazhi.core.fanout``).

Grading a dispute reads only records (its incident, the cases and people on it, earlier
incidents at its place or phone) and writes only that dispute's rows (its grade, parties,
checklist, plans), so the step is cut by the incident's unit: one part per 县局/分局 and one for
the rest (``records.bureaus.unit_parts``). Each part creates, links, grades and schedules the
disputes of its incidents in the one transaction that claims it, and writes its own
``disputes.tick`` audit row there (naming the part): a part that dies leaves nothing, a part
sent again after it finished does nothing. The 抄告函 are numbered in one sequence for the
bureau, so the caller writes them after the parts, as one process does.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from django.contrib.auth.models import User

from fazhi.core import fanout
from fazhi.disputes import services
from fazhi.disputes.error_codes import ErrorCode
from fazhi.records.bureaus import unit_filter, unit_parts

KIND = "disputes-tick"


def tick_part(params: dict[str, Any], key: str) -> dict[str, Any]:
    """One county's share of the tick (the workers call it inside the part's transaction)."""
    actor = User.objects.get(pk=params["actor"])
    now = datetime.fromisoformat(params["now"])
    return services.tick_incidents(now, actor, partial(unit_filter, params, key), part=key)


def fanned_tick(now: datetime, actor: User) -> dict[str, Any]:
    """The step's work up to the letters, by the workers; the totals of its parts."""
    services.policy()  # created here once, not by two parts at the same time
    params, keys = unit_parts()
    params.update(now=now.isoformat(), actor=actor.pk)
    try:
        results = fanout.fan_out(KIND, params, keys)
    except fanout.FanoutFailed as exc:
        raise services.DisputeError(ErrorCode.FANOUT_FAILED, f"纠纷研判未完成：{exc}") from exc
    outcome: dict[str, Any] = {k: sum(r.get(k, 0) for r in results.values())
                               for k in services.TICK_TOTALS}  # fmt: skip
    outcome["fanout"] = {"parts": len(keys)}
    return outcome
