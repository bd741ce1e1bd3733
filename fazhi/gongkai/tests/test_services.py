"""The services of 执法公开, called directly: who may issue a code, what a code is and how it
is kept, the milestones told, a rating once per milestone, a complaint as a record."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from fazhi.core.models import AuditEvent
from fazhi.gongkai import codes, services
from fazhi.gongkai.milestones import steps
from fazhi.gongkai.models import Milestone, QueryCode, Rating
from fazhi.gongkai.services import GongkaiError, Verdict
from fazhi.gongkai.tests.builders import ACCEPTED, issue, make_case
from fazhi.records import models as m

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["zhang", "li", "sun", "zhou"])
def test_the_cases_officers_its_units_legal_officer_and_chief_and_the_legal_brigade_issue(
    bureau: Any, who: str
) -> None:
    # given zhang's 城南 case
    case = make_case(bureau)
    # when each allowed user issues its code
    code = issue(bureau, case, by=who)
    # then a code of 12 characters of the alphabet works, kept only as its digest
    assert codes.FORMAT.match(code)
    row = QueryCode.objects.get(case_id=case.pk)
    assert row.digest == codes.digest(code)
    assert code not in row.digest
    assert row.issued_by == who
    event = AuditEvent.objects.filter(action="gongkai.issue").latest("seq")
    assert (event.actor, event.target_id) == (who, case.pk)
    assert code not in str(event.details)


@pytest.mark.parametrize("who", ["zhao", "wang", "chen", "liu", "wu"])
def test_others_are_refused(bureau: Any, who: str) -> None:
    # given zhang's 城南 case; 城北's 民警 and 法制员, and roles that do not issue codes
    case = make_case(bureau)
    # when they try to issue its code, then they are refused and nothing is written
    with pytest.raises(PermissionDenied):
        issue(bureau, case, by=who)
    assert not QueryCode.objects.exists()


def test_another_officers_case_is_refused_to_a_minjing(bureau: Any) -> None:
    # given a 城南 case led by li (zhang has no part in it)
    case = make_case(bureau, lead="li")
    with pytest.raises(PermissionDenied):
        issue(bureau, case, by="zhang")


def test_reissuing_invalidates_the_old_code(bureau: Any) -> None:
    case = make_case(bureau)
    old = issue(bureau, case)
    new = issue(bureau, case, person="P2")
    assert old != new
    assert QueryCode.objects.active().get().digest == codes.digest(new)
    assert QueryCode.objects.filter(digest=codes.digest(old), revoked_at__isnull=False).exists()


def test_only_a_reporter_or_victim_with_a_phone_gets_a_code(bureau: Any) -> None:
    case = make_case(bureau)
    with pytest.raises(GongkaiError) as suspect:
        issue(bureau, case, person="P3")
    assert suspect.value.code == "person_invalid"
    m.Person.objects.filter(pk=f"{case.pk}-P2").update(phone="110")
    with pytest.raises(GongkaiError) as no_phone:
        issue(bureau, case, person="P2")
    assert no_phone.value.code == "no_phone"


def test_undisclosable_and_minor_cases_get_no_code(bureau: Any) -> None:
    with pytest.raises(GongkaiError) as closed:
        issue(bureau, make_case(bureau, "A-GK-2", disclosable=False))
    assert closed.value.code == "not_disclosable"
    with pytest.raises(GongkaiError) as minor:
        issue(bureau, make_case(bureau, "A-GK-3", minor=True))
    assert minor.value.code == "minor"


def test_a_minor_is_read_from_the_id_number_when_no_birth_date(bureau: Any) -> None:
    # given a case whose only person under 18 has no birth date, but a 身份证号 of 2012
    case = make_case(bureau, extra_persons=False)
    m.Person.objects.create(id="A-GK-1-P9", case=case, name="小明", role="证人",
                            id_number="110101201205050013")  # fmt: skip
    assert services.has_minor(case.pk)
    # and a recorded birth date wins: 18 the day before the case is no minor, 18 the day
    # after is one
    m.Person.objects.filter(pk="A-GK-1-P9").update(birth_date=date(2008, 3, 1))
    assert not services.has_minor(case.pk)
    m.Person.objects.filter(pk="A-GK-1-P9").update(birth_date=date(2008, 3, 3))
    assert services.has_minor(case.pk)


def test_milestones_come_from_the_case_and_its_events(bureau: Any) -> None:
    # given a case accepted, filed (with its notice), sent for prosecution and closed
    case = make_case(bureau, events=("立案告知", "移送审查起诉", "结案", "讯问"))
    # when its steps are read
    found = steps(case, ACCEPTED + timedelta(days=30))
    # then 受案, 立案 (told in writing), 移送审查起诉, 结案 — never the 讯问
    assert [s.milestone for s in found] == [
        Milestone.ACCEPTED,
        Milestone.FILED,
        Milestone.PROSECUTION,
        Milestone.CLOSED,
    ]
    assert found[1].notice_at == ACCEPTED + timedelta(days=3)
    # and at an earlier moment only what had happened by then
    assert [s.milestone for s in steps(case, ACCEPTED + timedelta(days=2, hours=1))] == [
        Milestone.ACCEPTED,
        Milestone.FILED,
    ]


def test_not_filed_with_its_notice(bureau: Any) -> None:
    case = make_case(bureau, filed=False, events=("不予立案", "不立案告知"))
    found = steps(case, ACCEPTED + timedelta(days=30))
    assert [s.milestone for s in found] == [Milestone.ACCEPTED, Milestone.NOT_FILED]
    assert found[1].notice_at == ACCEPTED + timedelta(days=4)


def _shown(bureau: Any, case: m.Case, code: str) -> services.Answer:
    answer = services.query(code_digest=codes.digest(code), tail="5678", remote_addr="10.0.0.1")
    assert answer.verdict == Verdict.SHOWN
    return answer


def test_a_milestone_is_rated_once(bureau: Any) -> None:
    # given a shown case
    case = make_case(bureau)
    answer = _shown(bureau, case, issue(bureau, case))
    assert answer.code is not None
    token = services.access_token(answer.code)
    # when its 受案 is rated, then the rating is kept with the case's unit and the step's time
    rating = services.rate(token=token, milestone="受案", score=4, comment="态度好",
                           remote_addr="10.0.0.1")  # fmt: skip
    assert (rating.unit_id, rating.milestone_at, rating.score) == ("U-CN", ACCEPTED, 4)
    # and a second rating of it is refused in Chinese
    with pytest.raises(GongkaiError) as again:
        services.rate(token=token, milestone="受案", score=1, comment="", remote_addr="x")
    assert again.value.code == "already_rated"
    assert "只能评价一次" in again.value.message
    assert Rating.objects.count() == 1
    # and a milestone the case has not reached cannot be rated
    with pytest.raises(GongkaiError) as later:
        services.rate(token=token, milestone="结案", score=5, comment="", remote_addr="x")
    assert later.value.code == "milestone_invalid"


def test_a_complaint_becomes_a_complaint_record(bureau: Any) -> None:
    case = make_case(bureau)
    answer = _shown(bureau, case, issue(bureau, case))
    assert answer.code is not None
    token = services.access_token(answer.code)
    complaint = services.complain(token=token, content="民警迟迟不回电话", remote_addr="10.0.0.1")
    stored = m.Complaint.objects.get(pk=complaint.pk)
    assert stored.channel == "执法公开平台"
    assert stored.extra["source"] == "gongkai"
    assert (stored.unit_id, stored.case_id, stored.content) == ("U-CN", case.pk, "民警迟迟不回电话")
    assert AuditEvent.objects.filter(action="gongkai.complain", target_id=complaint.pk).exists()


def test_complaints_are_limited_per_day(bureau: Any, settings: Any) -> None:
    settings.GONGKAI_COMPLAINTS_PER_DAY = 2
    case = make_case(bureau)
    answer = _shown(bureau, case, issue(bureau, case))
    assert answer.code is not None
    token = services.access_token(answer.code)
    for _ in range(2):
        services.complain(token=token, content="第一次投诉内容", remote_addr="x")
    with pytest.raises(GongkaiError) as third:
        services.complain(token=token, content="第三次投诉内容", remote_addr="x")
    assert third.value.code == "too_many_complaints"
    assert m.Complaint.objects.count() == 2


def test_a_revoked_code_no_longer_opens_the_forms(bureau: Any) -> None:
    case = make_case(bureau)
    answer = _shown(bureau, case, issue(bureau, case))
    assert answer.code is not None
    token = services.access_token(answer.code)
    issue(bureau, case)  # reissued: the old code stops working
    with pytest.raises(GongkaiError) as expired:
        services.rate(token=token, milestone="受案", score=5, comment="", remote_addr="x")
    assert expired.value.code == "expired"


def test_every_query_is_audited_without_the_code(bureau: Any) -> None:
    case = make_case(bureau)
    code = issue(bureau, case)
    _shown(bureau, case, code)
    services.query(code_digest=codes.digest(code), tail="0000", remote_addr="10.0.0.2")
    rows = list(AuditEvent.objects.filter(action="gongkai.query").order_by("seq"))
    assert [r.details["result"] for r in rows] == ["shown", "refused"]
    assert [r.target_id for r in rows] == [case.pk, ""]
    assert rows[1].remote_addr == "10.0.0.2"
    assert all(code not in str(r.details) for r in rows)
