"""The bureau of ``fazhi/conftest.py`` with its 执法办案管理中心 (U-ZX): ``desk`` (执法服务专岗)
and ``boss`` (the centre's 所队长); a 城南 case C-1 led by zhang with chen (业务负责人) assisting,
one seized item PR-1 and a 取保候审 M-1 with a 3,000 元 deposit."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from fazhi.core.timezones import SHANGHAI


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


class Desk:
    def __init__(self, bureau: Any) -> None:
        from fazhi.accounts.models import Role
        from fazhi.accounts.services import provision_user, system_user
        from fazhi.records import models as m

        self.bureau = bureau
        self.centre = m.Unit.objects.create(
            id="U-ZX",
            name="执法办案管理中心",
            kind="执法办案管理中心",
            parent=bureau.units["county"],
        )
        self.users = dict(bureau.users)
        for i, (key, name, role) in enumerate(
            [("desk", "郑洁", Role.SERVICE_DESK), ("desk2", "冯雪", Role.SERVICE_DESK),
             ("boss", "钱进", Role.CHIEF)], start=50,
        ):  # fmt: skip
            officer = m.Officer.objects.create(
                id=f"O-{i:03d}", name=name, unit=self.centre, role="民警", qualification="中级"
            )
            self.users[key] = provision_user(
                actor=system_user(), username=key, password=bureau.password, role=role,
                officer=officer,
            )  # fmt: skip
        self.case = m.Case.objects.create(
            id="C-1", kind="刑事", cause="盗窃", unit=bureau.units["south"],
            lead_officer=bureau.officers["zhang"], accepted_at=sh(2026, 9, 1, 9),
            status="立案",
        )  # fmt: skip
        m.CaseOfficer.objects.create(case=self.case, officer=bureau.officers["chen"], position=1)
        self.item = m.Property.objects.create(
            id="PR-1", case=self.case, name="电动车", category="车辆", quantity=1,
            seized_at=sh(2026, 9, 2, 10), status="待入库",
        )  # fmt: skip
        person = m.Person.objects.create(id="S-1", case=self.case, name="马六", role="犯罪嫌疑人")
        self.bail = m.Measure.objects.create(
            id="M-1", case=self.case, person=person, kind="取保候审",
            started_at=sh(2026, 9, 3, 10), deposit_amount=Decimal(3000),
        )  # fmt: skip


@pytest.fixture
def desk(bureau: Any) -> Desk:
    return Desk(bureau)
