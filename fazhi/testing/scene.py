"""A scene on top of the ``bureau`` fixture: one 城南 case of zhang's with a running custody
clock and a warning due in a few hours, one 城北 case of zhao's with a violation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from fazhi.patrol.models import Finding, Rule
from fazhi.patrol.pack import load_pack
from fazhi.patrol.services import sync_rules
from fazhi.records import models as m
from fazhi.standards.models import Standard

HOSTILE = "<script>alert('x')</script>"
ID_NUMBER = "110101199001011237"
PHONE = "13812345678"


@dataclass
class Scene:
    bureau: Any
    now: datetime
    south_case: m.Case
    north_case: m.Case
    south_incident: m.Incident
    person: m.Person
    measure: m.Measure
    warning: Finding
    violation: Finding
    standard: Standard

    def client(self, name: str) -> Client:
        client = Client()
        client.force_login(self.bureau.users[name])
        return client


def make_finding(rule_code: str, **fields: Any) -> Finding:
    rule = Rule.objects.get(pk=rule_code)
    fields.setdefault("severity", rule.default_severity)
    fields.setdefault("digest", "test")
    return Finding.objects.create(rule=rule, **fields)


def add_case_records(case: m.Case, person: m.Person, n: int, start: datetime) -> None:
    """``n`` events and ``n`` transcripts more in ``case`` (for the query-count tests)."""
    officer = case.lead_officer
    assert officer is not None
    for i in range(n):
        ev = m.Event.objects.create(
            id=f"{case.pk}-XE{i}", kind="讯问", at=start + timedelta(minutes=i), case=case,
            person=person,
        )  # fmt: skip
        m.EventOfficer.objects.create(event=ev, officer=officer, position=0)
        tr = m.Transcript.objects.create(
            id=f"{case.pk}-XT{i}", case=case, person=person, kind="讯问",
            started_at=start + timedelta(minutes=i), ended_at=start + timedelta(minutes=i + 1),
            recorded=True, text=f"第{i}次讯问",
        )  # fmt: skip
        m.TranscriptOfficer.objects.create(transcript=tr, officer=officer, position=0)


@pytest.fixture
def scene(bureau: Any) -> Scene:
    sync_rules(load_pack())
    now = timezone.now()
    south, north = bureau.units["south"], bureau.units["north"]
    zhang, zhao = bureau.officers["zhang"], bureau.officers["zhao"]
    incident = m.Incident.objects.create(
        id="J-S1", received_at=now - timedelta(days=3), source="110", category="刑事",
        unit=south, address="城南路1号", description="有人盗窃电动车", reporter_name="报警人甲",
        reporter_phone=PHONE,
    )  # fmt: skip
    m.IncidentOfficer.objects.create(incident=incident, officer=zhang, position=0)
    case = m.Case.objects.create(
        id="A-S1", kind="刑事", cause="盗窃", unit=south, lead_officer=zhang, incident=incident,
        accepted_at=now - timedelta(days=3), filed_at=now - timedelta(days=3), status="立案",
    )  # fmt: skip
    person = m.Person.objects.create(
        id="A-S1-P1", case=case, name="钱某", id_number=ID_NUMBER, role="犯罪嫌疑人", phone=PHONE
    )
    measure = m.Measure.objects.create(
        id="A-S1-M1", case=case, person=person, kind="刑事拘留",
        started_at=now - timedelta(days=3) + timedelta(hours=3),
    )  # fmt: skip
    ev = m.Event.objects.create(
        id="A-S1-E1", kind="送看守所", at=now - timedelta(days=2), case=case, person=person,
        measure=measure,
    )  # fmt: skip
    m.EventOfficer.objects.create(event=ev, officer=zhang, position=0)
    tr = m.Transcript.objects.create(
        id="A-S1-T1", case=case, person=person, kind="讯问",
        started_at=now - timedelta(hours=46), ended_at=now - timedelta(hours=45), recorded=True,
        text=f"问：你叫什么名字？答：{HOSTILE}",
    )  # fmt: skip
    m.TranscriptOfficer.objects.create(transcript=tr, officer=zhang, position=0)
    m.Property.objects.create(
        id="A-S1-W1", case=case, name="电动车", category="车辆", quantity=1,
        seized_at=now - timedelta(days=2), status="在库",
    )  # fmt: skip
    m.Document.objects.create(
        id="A-S1-D1", case=case, kind="拘留证", issued_at=now - timedelta(days=3), signed=True,
        measure=measure, person=person,
    )  # fmt: skip
    warning = make_finding(
        "XS-JL-04", subject_type="measure", subject_id=measure.pk, status="warning",
        unit=south, officer=zhang, case=case, trigger_at=measure.started_at,
        due_at=now + timedelta(hours=3),
        facts=[{"field": "measure.kind", "label": "措施类别", "value": "刑事拘留"},
               {"field": "person.name", "label": "人员", "value": "钱某"}],
        explanation="自拘留执行起算，期间3日；至期满日24:00。",
    )  # fmt: skip
    north_case = m.Case.objects.create(
        id="A-N1", kind="行政", cause="殴打他人", unit=north, lead_officer=zhao,
        accepted_at=now - timedelta(days=1), status="受案",
    )  # fmt: skip
    north_person = m.Person.objects.create(
        id="A-N1-P1", case=north_case, name="孙某", id_number=ID_NUMBER, role="违法行为人"
    )
    venue = m.Venue.objects.create(id="V-N", name="城北办案区", unit=north, kind="办案区")
    visit = m.VenueVisit.objects.create(
        id="A-N1-V1", venue=venue, person=north_person, case=north_case,
        entered_at=now - timedelta(hours=20), left_at=now - timedelta(hours=18),
        safety_checked=False, belongings_registered=True, recorded=True,
    )  # fmt: skip
    violation = make_finding(
        "GF-BA-01", subject_type="venue_visit", subject_id=visit.pk, status="violation",
        unit=north, officer=zhao, case=north_case,
        facts=[{"field": "venue_visit.safety_checked", "label": "人身安全检查", "value": False}],
        explanation="进入办案区未进行人身安全检查。",
    )  # fmt: skip
    standard = Standard.objects.create(
        code="BZ-T-01", title="刑事拘留后依法提请批准逮捕", category="执法办案",
        text="拘留后三日内提请批准逮捕。", effective_from=(now - timedelta(days=400)).date(),
    )  # fmt: skip
    standard.rules.set([warning.rule])
    return Scene(
        bureau, now, case, north_case, incident, person, measure, warning, violation, standard
    )
