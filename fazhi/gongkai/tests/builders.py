"""Hand-written cases for the portal's tests: a 城南 case of zhang's with a 报案人 (phone ending
5678), a 被害人, a 犯罪嫌疑人 and a 证人, and its milestones as events."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from fazhi.gongkai import services
from fazhi.records import models as m

ACCEPTED = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.get_fixed_timezone(480))
SUSPECT = "钱多多"
SUSPECT_ID = "110101198503071234"
SUSPECT_PHONE = "13900001111"
REPORTER_PHONE = "13812345678"


def make_case(
    bureau: Any, pk: str = "A-GK-1", *, unit: str = "south", lead: str = "zhang",
    filed: bool = True, events: tuple[str, ...] = ("立案告知",), disclosable: bool | None = None,
    minor: bool = False, extra_persons: bool = True,
) -> m.Case:  # fmt: skip
    case = m.Case.objects.create(
        id=pk, kind="刑事", cause="盗窃", unit=bureau.units[unit],
        lead_officer=bureau.officers[lead], accepted_at=ACCEPTED,
        filed_at=ACCEPTED + timedelta(days=2) if filed else None,
        status="立案" if filed else "受案", disclosable=disclosable,
    )  # fmt: skip
    m.CaseOfficer.objects.create(case=case, officer=bureau.officers[lead], position=0)
    m.Person.objects.create(
        id=f"{pk}-P1", case=case, name="孙报案", role="报案人", phone=REPORTER_PHONE,
        id_number="110101197001011236",
    )  # fmt: skip
    if extra_persons:
        m.Person.objects.create(id=f"{pk}-P2", case=case, name="周被害", role="被害人",
                                phone="13700002222")  # fmt: skip
        m.Person.objects.create(
            id=f"{pk}-P3", case=case, name=SUSPECT, role="犯罪嫌疑人", phone=SUSPECT_PHONE,
            id_number=SUSPECT_ID,
            birth_date=date(2010, 1, 1) if minor else date(1985, 3, 7),
        )  # fmt: skip
    for i, kind in enumerate(events):
        m.Event.objects.create(
            id=f"{pk}-E{i}", kind=kind, at=ACCEPTED + timedelta(days=3 + i), case=case
        )
    return case


def issue(bureau: Any, case: m.Case, person: str = "P1", by: str = "zhang") -> str:
    """Issue the case's code to its person ``person`` and return the code in clear."""
    return services.issue_code(
        actor=bureau.users[by], case=case, person_id=f"{case.pk}-{person}"
    ).code
