"""The milestones of a case that its parties may know, each with its date: derived from the case
row (受案, 立案, 结案 times) and the first event of each kind (``records.Event``), never from the
file's text, its persons or its measures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Min

from fazhi.gongkai.models import Milestone
from fazhi.records import enums
from fazhi.records import models as m

EVENT_OF = {
    Milestone.FILED: enums.EventKind.FILING,
    Milestone.NOT_FILED: enums.EventKind.NOT_FILING,
    Milestone.PROSECUTION: enums.EventKind.TO_PROSECUTION,
    Milestone.PENALTY: enums.EventKind.PENALTY_DECISION,
    Milestone.NO_PENALTY: enums.EventKind.NO_PENALTY_DECISION,
    Milestone.REVOKED: enums.EventKind.CASE_REVOKED,
    Milestone.CLOSED: enums.EventKind.CLOSING,
}
NOTICES = (enums.EventKind.FILING_NOTICE, enums.EventKind.NOT_FILING_NOTICE)


@dataclass(frozen=True)
class Step:
    milestone: Milestone
    at: datetime
    # when the party was told in writing (立案告知 / 不立案告知), for 立案 and 不予立案
    notice_at: datetime | None = None

    @property
    def label(self) -> str:
        return str(self.milestone.label)


def steps(case: m.Case, now: datetime) -> list[Step]:
    """The case's milestones up to ``now``, in order (one query for the events)."""
    kinds = [*EVENT_OF.values(), *NOTICES]
    first: dict[str, datetime] = dict(
        m.Event.objects.filter(case_id=case.pk, kind__in=kinds, at__lte=now)
        .values_list("kind")
        .annotate(at=Min("at"))
        .order_by()
    )
    at: dict[Milestone, datetime | None] = {Milestone.ACCEPTED: case.accepted_at}
    for milestone, kind in EVENT_OF.items():
        at[milestone] = first.get(kind)
    # the case row's own times win over events: they are what the file says happened
    if case.filed_at:
        at[Milestone.FILED] = case.filed_at
    if case.closed_at:
        at[Milestone.CLOSED] = case.closed_at
    if at[Milestone.FILED]:
        at[Milestone.NOT_FILED] = None  # a later 立案 supersedes an earlier refusal
    notice = {
        Milestone.FILED: first.get(enums.EventKind.FILING_NOTICE),
        Milestone.NOT_FILED: first.get(enums.EventKind.NOT_FILING_NOTICE),
    }
    out = [
        Step(milestone, when, notice.get(milestone))
        for milestone, when in at.items()
        if when is not None and when <= now
    ]
    order = list(Milestone)
    out.sort(key=lambda s: (s.at, order.index(s.milestone)))
    return out
