"""Data scope of the FZX v1.1 records: a 民警 sees his own, a unit role his unit's (and those
below), never another unit's."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from fazhi.core.scope import scope_of, visible
from fazhi.records import models as m

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 9, 1, 2, 0, tzinfo=UTC)


def _ids(model: type[Any], bureau: Any, name: str) -> set[str]:
    return set(
        visible(model.objects.all(), scope_of(bureau.users[name])).values_list("pk", flat=True)
    )


@pytest.fixture
def v11(bureau: Any) -> None:
    south, north = bureau.units["south"], bureau.units["north"]
    zhang, zhao, chen = bureau.officers["zhang"], bureau.officers["zhao"], bureau.officers["chen"]
    case = m.Case.objects.create(
        id="AJ-S", kind="行政", cause="盗窃", unit=south, lead_officer=zhang, accepted_at=T0,
        status="受案",
    )  # fmt: skip
    prop = m.Property.objects.create(
        id="WP-S", case=case, name="手机", category="电子设备", quantity=1, seized_at=T0,
        status="在库",
    )  # fmt: skip
    m.PropertyMovement.objects.create(id="LZ-S", property=prop, kind="入库", at=T0)
    m.Training.objects.create(
        id="PX-Z", officer=zhang, kind="培训", title="执法规范化", at=date(2026, 5, 1)
    )
    m.Training.objects.create(
        id="PX-C", officer=chen, kind="培训", title="执法规范化", at=date(2026, 5, 1)
    )
    m.Training.objects.create(
        id="PX-N", officer=zhao, kind="培训", title="执法规范化", at=date(2026, 5, 1)
    )
    named = m.Complaint.objects.create(
        id="TS-Z", received_at=T0, channel="12389", unit=south, content="态度生硬"
    )
    m.ComplaintOfficer.objects.create(complaint=named, officer=zhang, position=0)
    m.Complaint.objects.create(id="TS-C", received_at=T0, channel="信访", unit=south, case=case,
                               content="久拖不决")  # fmt: skip
    m.Complaint.objects.create(id="TS-N", received_at=T0, channel="网络", unit=north,
                               content="态度生硬")  # fmt: skip
    m.Recording.objects.create(id="LX-Z", officer=zhang, started_at=T0, ended_at=T0)
    m.Recording.objects.create(id="LX-N", officer=zhao, started_at=T0, ended_at=T0)


def test_an_officer_sees_only_his_own_v1_1_records(bureau: Any, v11: None) -> None:
    # zhang (民警, 城南) has one training and one recording, is named in one complaint and
    # leads the case that the other complaint and the movement concern
    assert _ids(m.Training, bureau, "zhang") == {"PX-Z"}
    assert _ids(m.Recording, bureau, "zhang") == {"LX-Z"}
    assert _ids(m.Complaint, bureau, "zhang") == {"TS-Z", "TS-C"}
    assert _ids(m.PropertyMovement, bureau, "zhang") == {"LZ-S"}
    # zhao (民警, 城北) is named in no complaint and works on no case: nothing but his own
    assert _ids(m.Training, bureau, "zhao") == {"PX-N"}
    assert _ids(m.Complaint, bureau, "zhao") == set()
    assert _ids(m.PropertyMovement, bureau, "zhao") == set()


def test_a_unit_role_sees_its_unit_and_not_another(bureau: Any, v11: None) -> None:
    # li (法制员, 城南) sees 城南's records, not 城北's
    assert _ids(m.Training, bureau, "li") == {"PX-Z", "PX-C"}
    assert _ids(m.Complaint, bureau, "li") == {"TS-Z", "TS-C"}
    assert _ids(m.Recording, bureau, "li") == {"LX-Z"}
    assert _ids(m.PropertyMovement, bureau, "li") == {"LZ-S"}
    # wang (法制员, 城北) the other way round
    assert _ids(m.Complaint, bureau, "wang") == {"TS-N"}
    assert _ids(m.PropertyMovement, bureau, "wang") == set()
    # and the bureau leader all of them
    assert _ids(m.Complaint, bureau, "wu") == {"TS-Z", "TS-C", "TS-N"}


def test_reviews_and_safety_events_follow_their_case_and_the_officers_named(bureau: Any) -> None:
    # given a review of a 城南 case led by chen and naming zhang, and a safety event in 城南
    south = bureau.units["south"]
    zhang, chen = bureau.officers["zhang"], bureau.officers["chen"]
    case = m.Case.objects.create(
        id="AJ-S2", kind="行政", cause="殴打他人", unit=south, lead_officer=chen, accepted_at=T0,
        status="结案",
    )  # fmt: skip
    review = m.Review.objects.create(id="FY-S", case=case, kind="行政复议", filed_at=T0)
    m.ReviewOfficer.objects.create(review=review, officer=zhang, position=0)
    m.SafetyEvent.objects.create(id="AQ-S", at=T0, unit=south, kind="自杀自残")
    # then the review is zhang's (named in it) and 城南's, not another 民警's nor 城北's
    assert _ids(m.Review, bureau, "zhang") == {"FY-S"}
    assert _ids(m.Review, bureau, "li") == {"FY-S"}
    assert _ids(m.Review, bureau, "zhao") == set()
    assert _ids(m.Review, bureau, "wang") == set()
    # and the safety event, naming nobody, is 城南's unit roles', not its 民警's nor 城北's
    assert _ids(m.SafetyEvent, bureau, "li") == {"AQ-S"}
    assert _ids(m.SafetyEvent, bureau, "zhang") == set()
    assert _ids(m.SafetyEvent, bureau, "wang") == set()
