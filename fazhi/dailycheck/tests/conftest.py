"""Small builders of FZX records for the daily-check tests (real rows, no mocks)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fazhi.records import models as m

SH = dt.timezone(dt.timedelta(hours=8))
# A Tuesday without holidays nearby.
NOW = dt.datetime(2026, 11, 10, 10, 0, tzinfo=SH)
TODAY = NOW.date()


class Builder:
    """Creates records in the bureau fixture's units with unique ids."""

    def __init__(self, bureau: Any) -> None:
        self.bureau = bureau
        self.n = 0

    def _id(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}-{self.n:04d}"

    def unit(self, key: str = "south") -> m.Unit:
        return self.bureau.units[key]

    def incident(self, unit: str = "south", **kw: Any) -> m.Incident:
        fields: dict[str, Any] = {
            "received_at": NOW - dt.timedelta(hours=30), "source": "110", "category": "刑事",
            "address": "城南路1号", "description": "报警称被盗",
        }  # fmt: skip
        fields.update(kw)
        return m.Incident.objects.create(id=self._id("J"), unit=self.unit(unit), **fields)

    def case(self, unit: str = "south", **kw: Any) -> m.Case:
        officer = self.bureau.officers["zhang" if unit == "south" else "zhao"]
        fields: dict[str, Any] = {
            "kind": "刑事", "cause": "盗窃", "lead_officer": officer,
            "accepted_at": NOW - dt.timedelta(days=1), "status": "立案",
        }  # fmt: skip
        fields.update(kw)
        return m.Case.objects.create(id=self._id("A"), unit=self.unit(unit), **fields)

    def person(self, case: m.Case, **kw: Any) -> m.Person:
        fields: dict[str, Any] = {"name": "王某", "role": "犯罪嫌疑人"}
        fields.update(kw)
        return m.Person.objects.create(id=self._id("P"), case=case, **fields)

    def measure(
        self, kind: str, started_at: dt.datetime, unit: str = "south", **kw: Any
    ) -> m.Measure:
        case = kw.pop("case", None) or self.case(unit)
        person = kw.pop("person", None) or self.person(case)
        return m.Measure.objects.create(
            id=self._id("M"), case=case, person=person, kind=kind, started_at=started_at, **kw
        )

    def event(self, kind: str, at: dt.datetime, case: m.Case, **kw: Any) -> m.Event:
        return m.Event.objects.create(id=self._id("E"), kind=kind, at=at, case=case, **kw)

    def property(self, status: str, seized_at: dt.datetime, unit: str = "south") -> m.Property:
        return m.Property.objects.create(
            id=self._id("W"), case=self.case(unit), name="手机", category="电子设备",
            quantity=1, seized_at=seized_at, status=status,
        )  # fmt: skip

    def transcript(self, officers: list[m.Officer], started_at: dt.datetime,
                   unit: str = "south") -> m.Transcript:  # fmt: skip
        case = self.case(unit)
        t = m.Transcript.objects.create(
            id=self._id("T"), case=case, person=self.person(case), kind="询问",
            started_at=started_at, ended_at=started_at + dt.timedelta(hours=1), recorded=True,
            text="问：……答：……",
        )  # fmt: skip
        for i, officer in enumerate(officers):
            m.TranscriptOfficer.objects.create(transcript=t, officer=officer, position=i)
        return t

    def visit(self, entered_at: dt.datetime, left_at: dt.datetime | None,
              unit: str = "south") -> m.VenueVisit:  # fmt: skip
        case = self.case(unit)
        venue, _ = m.Venue.objects.get_or_create(
            id=f"V-{unit}", defaults={"name": "办案区", "unit": self.unit(unit), "kind": "办案区"}
        )
        return m.VenueVisit.objects.create(
            id=self._id("VV"), venue=venue, person=self.person(case), case=case,
            entered_at=entered_at, left_at=left_at, safety_checked=True,
            belongings_registered=True, recorded=True,
        )  # fmt: skip

    def followup(self, incident: m.Incident, at: dt.datetime, result: str = "未化解") -> m.Followup:
        return m.Followup.objects.create(
            id=self._id("F"), incident=incident, officer=self.bureau.officers["zhang"], at=at,
            result=result,
        )  # fmt: skip

    def auxiliary(self) -> m.Officer:
        officer, _ = m.Officer.objects.get_or_create(
            id="O-AUX", defaults={"name": "辅警甲", "unit": self.unit(), "role": "辅警",
                                  "qualification": "无"},
        )  # fmt: skip
        return officer


@pytest.fixture
def build(bureau: Any) -> Builder:
    return Builder(bureau)
