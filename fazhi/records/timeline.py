"""A case on one page: the timeline of everything that happened in it, and its running legal
clocks. One query per record type, whatever the size of the case.

Other apps add their own lines and clocks through the case page's extensions (the patrol adds its
findings and the deadlines they time, ``fazhi.patrol.pages``); this module knows only records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from fazhi.records import models as m

_FAR = datetime.max.replace(tzinfo=UTC)
# At the same instant, the order in which things happen in a case.
_RANK = {"incident": 0, "case": 1, "measure": 2, "venue_visit": 3, "transcript": 4, "event": 5,
         "document": 6, "property": 7, "finding": 8}  # fmt: skip


SUBJECT_LABELS = {
    "case": "案件", "incident": "警情", "person": "人员", "measure": "强制措施",
    "property": "财物", "event": "执法行为", "transcript": "笔录", "venue_visit": "办案区使用",
    "document": "文书", "officer": "民警", "property_movement": "财物流转",
    "recording": "执法音视频",
}  # fmt: skip


@dataclass
class Item:
    """One line of the timeline."""

    at: datetime
    kind: str  # the record type, for the anchor and the style
    label: str  # what happened, in Chinese
    record_id: str
    title: str = ""
    details: list[tuple[str, Any]] = field(default_factory=list)
    officers: list[str] = field(default_factory=list)
    text: str = ""  # transcript text: rendered escaped, folded
    finding: Any = None  # a patrol finding, when the line is one

    @property
    def anchor(self) -> str:
        return f"{self.kind}-{self.record_id}"


@dataclass
class Clock:
    """A legal clock running in the case: a deadline finding, or a measure in force."""

    label: str
    subject: str
    started_at: datetime | None
    due_at: datetime | None
    status: str = ""
    finding: Any = None  # the patrol finding that times it, if any
    note: str = ""


def _hm(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%H:%M") if moment else "未记录"


def _names(links: Any) -> list[str]:
    return [link.officer.name for link in links]


def _officers(model: type[Any]) -> Prefetch:
    return Prefetch(
        "officer_links", queryset=model.objects.select_related("officer").order_by("position")
    )


def case_timeline(case: m.Case, extra: list[Item]) -> list[Item]:
    """Everything recorded about ``case`` and the ``extra`` lines other apps add, oldest first
    (about ten queries, whatever its size)."""
    items: list[Item] = [
        Item(case.accepted_at, "case", "受案", case.pk, f"{case.kind} · {case.cause}")
    ]
    if case.filed_at:
        items.append(Item(case.filed_at, "case", "立案", case.pk))
    if case.closed_at:
        items.append(Item(case.closed_at, "case", "结案", case.pk, case.get_status_display()))
    if case.incident_id and case.incident is not None:
        inc = case.incident
        items.append(
            Item(
                inc.received_at, "incident", "接警", inc.pk, f"{inc.category} · {inc.address}",
                details=[("来源", inc.source), ("警情内容", inc.description)],
            )
        )  # fmt: skip
    events = (
        case.events.select_related("person", "measure")
        .prefetch_related(_officers(m.EventOfficer))
        .order_by("at", "pk")
    )
    for ev in events:
        details: list[tuple[str, Any]] = []
        if ev.person_id:
            details.append(("人员", ev.person.name if ev.person else ev.person_id))
        if ev.measure_id:
            details.append(("强制措施", f"{ev.measure.kind if ev.measure else ''} {ev.measure_id}"))
        if ev.property_id:
            details.append(("财物", ev.property_id))
        if ev.note:
            details.append(("备注", ev.note))
        items.append(
            Item(ev.at, "event", ev.get_kind_display(), ev.pk, details=details,
                 officers=_names(ev.officer_links.all()))
        )  # fmt: skip
    for ms in case.measures.select_related("person", "approved_by").order_by("started_at", "pk"):
        details = [("人员", ms.person.name)]
        if ms.approved_by_id:
            details.append(("批准人", ms.approved_by.name if ms.approved_by else ms.approved_by_id))
        if ms.document_no:
            details.append(("文书编号", ms.document_no))
        if ms.deposit_amount is not None:
            details.append(("保证金", ms.deposit_amount))
        if ms.extended_to:
            details.append(("延长至", ms.extended_to))
        items.append(Item(ms.started_at, "measure", f"{ms.kind}执行", ms.pk, details=details))
        if ms.ended_at:
            items.append(Item(ms.ended_at, "measure", f"{ms.kind}解除", ms.pk, ms.person.name))
    transcripts = (
        case.transcripts.select_related("person", "venue")
        .prefetch_related(_officers(m.TranscriptOfficer))
        .order_by("started_at", "pk")
    )
    for tr in transcripts:
        details = [
            ("人员", tr.person.name),
            ("起止", f"{_hm(tr.started_at)}–{_hm(tr.ended_at)}"),
            ("地点", tr.venue.name if tr.venue else "未记录"),
            ("同步录音录像", "是" if tr.recorded else "否"),
        ]
        if tr.guardian_present is not None:
            details.append(("监护人在场", "是" if tr.guardian_present else "否"))
        items.append(
            Item(tr.started_at, "transcript", f"{tr.get_kind_display()}笔录", tr.pk,
                 details=details, officers=_names(tr.officer_links.all()), text=tr.text)
        )  # fmt: skip
    for pr in case.properties.order_by("seized_at", "pk"):
        items.append(
            Item(pr.seized_at, "property", "扣押财物", pr.pk, pr.name,
                 details=[("类别", pr.category), ("数量", pr.quantity), ("价值", pr.value),
                          ("状态", pr.get_status_display())])
        )  # fmt: skip
    for doc in case.documents.select_related("person").order_by("issued_at", "pk"):
        details = [("文号", doc.number or "未记录"), ("签名捺印", "是" if doc.signed else "否")]
        if doc.person_id:
            details.append(("人员", doc.person.name if doc.person else doc.person_id))
        items.append(Item(doc.issued_at, "document", "开具文书", doc.pk, doc.kind, details))
    visits = case.venue_visits.select_related("venue", "person").order_by("entered_at", "pk")
    for vv in visits:
        items.append(
            Item(vv.entered_at, "venue_visit", "进入办案区", vv.pk, vv.venue.name,
                 details=[("人员", vv.person.name), ("离开", vv.left_at or "尚未离开"),
                          ("人身安全检查", "是" if vv.safety_checked else "否"),
                          ("随身物品登记", "是" if vv.belongings_registered else "否"),
                          ("全程录音录像", "是" if vv.recorded else "否")])
        )  # fmt: skip
    items.extend(extra)
    items.sort(key=lambda item: (item.at, _RANK.get(item.kind, 9), item.record_id))
    return items


def measure_clocks(case: m.Case, timed: set[str]) -> list[Clock]:
    """A clock for every measure in force that no other clock (``timed``, measure ids) already
    times."""
    clocks = []
    for ms in case.running_measures.values():
        if ms.pk in timed:
            continue
        note = "已批准延长" if ms.extended_to else "未到提醒期，巡查将在期限前提醒"
        clocks.append(
            Clock(f"{ms.kind}（在执行）", f"{ms.person.name} · {ms.pk}", ms.started_at,
                  ms.extended_to, "在执行", None, note)
        )  # fmt: skip
    return clocks


def sort_clocks(clocks: list[Clock]) -> list[Clock]:
    """The nearest due first; clocks with no due time last."""
    return sorted(clocks, key=lambda c: (c.due_at is None, c.due_at or c.started_at or _FAR))
