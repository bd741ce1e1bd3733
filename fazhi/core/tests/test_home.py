"""The first page is 我的工作台: only for signed-in users; the name core:home still leads there;
findings are listed with their explanation, audited, and hostile text is escaped."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from fazhi.accounts.models import Role
from fazhi.accounts.services import provision_user, system_user
from fazhi.core.models import AuditEvent
from fazhi.patrol.models import Finding
from fazhi.patrol.services import run_patrol
from fazhi.records import models as m

pytestmark = pytest.mark.django_db
AS_OF = datetime(2026, 10, 8, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def station() -> m.Unit:
    county = m.Unit.objects.create(id="U0", name="示范县公安局", kind="县局")
    return m.Unit.objects.create(id="U1", name="城南派出所", kind="派出所", parent=county)


@pytest.fixture
def legal_officer(station: m.Unit) -> Client:
    officer = m.Officer.objects.create(
        id="P5", name="陈静", unit=station, role="法制员", qualification="中级"
    )
    user = provision_user(
        actor=system_user(),
        username="chenjing",
        password="s3cret-pass",
        role=Role.LEGAL_OFFICER,
        officer=officer,
    )
    client = Client()
    client.force_login(user)
    return client


def test_anonymous_visitor_is_sent_to_sign_in() -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_core_home_name_still_leads_to_the_workbench() -> None:
    assert reverse("core:home") == reverse("workbench:home") == "/"


def test_sign_in_page_is_chinese() -> None:
    response = Client().get("/login/")
    assert "登录智慧法制监督平台" in response.content.decode()


def test_findings_list_shows_a_finding_with_its_explanation_and_audits_the_view(
    station: m.Unit, legal_officer: Client
) -> None:
    # given a case area visit without a safety check, patrolled
    officer = m.Officer.objects.create(
        id="P1", name="张建国", unit=station, role="民警", qualification="中级"
    )
    case = m.Case.objects.create(
        id="C1", kind="行政", cause="殴打他人", unit=station, lead_officer=officer,
        accepted_at=AS_OF, status="受案",
    )  # fmt: skip
    person = m.Person.objects.create(id="W1", case=case, name="孙某", role="被害人")
    venue = m.Venue.objects.create(id="V1", name="城南派出所办案区", unit=station, kind="办案区")
    m.VenueVisit.objects.create(
        id="VV1", venue=venue, person=person, case=case, entered_at=AS_OF, left_at=AS_OF,
        safety_checked=False, belongings_registered=True, recorded=True,
    )  # fmt: skip
    run_patrol(as_of=AS_OF, actor=system_user(), codes=["GF-BA-01"])
    # when the legal officer opens the findings list filtered by that rule
    response = legal_officer.get("/findings/?rule=GF-BA-01")
    # then the finding, its unit and its legal basis are shown, and the view is audited
    page = response.content.decode()
    assert response.status_code == 200
    assert "办案区未安全检查" in page
    assert "VV1" in page
    assert "城南派出所" in page
    assert AuditEvent.objects.filter(actor="chenjing", action="view.findings").exists()
    # and the finding's own page gives the legal basis
    finding = Finding.objects.get(rule_id="GF-BA-01", subject_id="VV1")
    page = legal_officer.get(f"/findings/{finding.pk}/").content.decode()
    assert "人身安全检查" in page
    assert "<td>否</td>" in page
    assert "《公安机关办理行政案件程序规定》第53条" in page


def test_hostile_text_is_rendered_escaped(station: m.Unit, legal_officer: Client) -> None:
    # given a venue whose name carries markup, appearing in a finding's facts
    officer = m.Officer.objects.create(
        id="P1", name="张建国", unit=station, role="民警", qualification="中级"
    )
    case = m.Case.objects.create(
        id="C1", kind="行政", cause="殴打他人", unit=station, lead_officer=officer,
        accepted_at=AS_OF, status="受案",
    )  # fmt: skip
    person = m.Person.objects.create(
        id="W1", case=case, name="<script>alert(1)</script>", role="被害人"
    )
    venue = m.Venue.objects.create(id="V1", name="办案区", unit=station, kind="办案区")
    m.VenueVisit.objects.create(
        id="VV1", venue=venue, person=person, case=case, entered_at=AS_OF, left_at=AS_OF,
        safety_checked=False, belongings_registered=True, recorded=True,
    )  # fmt: skip
    run_patrol(as_of=AS_OF, actor=system_user(), codes=["GF-BA-01"])
    finding = Finding.objects.get(rule_id="GF-BA-01", subject_id="VV1")
    page = legal_officer.get(f"/findings/{finding.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
