"""Records for the dispute tests, built directly in the store."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fazhi.records import models as m

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 10, 8, 9, 0, tzinfo=TZ)


def incident(
    bureau: Any,
    pk: str,
    text: str = "报警人称与邻居因楼道卫生问题产生矛盾，要求民警调解。",
    *,
    at: datetime | None = None,
    address: str = "示范县城南街道幸福路12号3幢2单元301室",
    phone: str | None = "13900000001",
    name: str | None = "王某",
    dispute_type: str | None = "邻里",
    category: str = "纠纷",
    unit: str = "south",
    officer: str | None = "zhang",
    disposition: str | None = "调解",
) -> m.Incident:
    received = at or NOW - timedelta(hours=1)
    row = m.Incident.objects.create(
        id=pk, received_at=received, source="110", category=category,
        unit=bureau.units[unit], address=address, description=text, reporter_name=name,
        reporter_phone=phone, disposition=disposition, dispute_type=dispute_type,
        disposed_at=received + timedelta(minutes=40) if disposition else None,
    )  # fmt: skip
    if officer:
        m.IncidentOfficer.objects.create(incident=row, officer=bureau.officers[officer], position=0)
    return row


def case_with_person(
    bureau: Any,
    pk: str,
    *,
    cause: str = "殴打他人",
    accepted_at: datetime,
    name: str = "王某",
    phone: str | None = "13900000001",
    id_number: str | None = None,
    birth_date: date | None = None,
    role: str = "违法行为人",
    incident_id: str | None = None,
) -> m.Person:
    case = m.Case.objects.create(
        id=pk, kind="行政", cause=cause, unit=bureau.units["south"],
        lead_officer=bureau.officers["zhang"], incident_id=incident_id,
        accepted_at=accepted_at, status="已处罚",
    )  # fmt: skip
    return m.Person.objects.create(
        id=f"{pk}-P1", case=case, name=name, phone=phone, id_number=id_number,
        birth_date=birth_date, role=role,
    )  # fmt: skip


def followup(
    bureau: Any, pk: str, incident_id: str, at: datetime, result: str, officer: str = "zhang"
) -> m.Followup:
    return m.Followup.objects.create(
        id=pk, incident_id=incident_id, officer=bureau.officers[officer], at=at, result=result
    )
