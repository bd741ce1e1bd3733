"""The admin's FZX record pages: lists, search and the record's page, never an edit.

Records change only by import (which stamps ``changed_at`` and leaves tombstones), so the admin
refuses add, change and delete to everyone, superusers included.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from fazhi.core.models import AuditEvent
from fazhi.records import models as m
from fazhi.records.schema import RECORD_TYPES

pytestmark = pytest.mark.django_db


def _client(bureau: Any, name: str) -> Client:
    client = Client()
    client.force_login(bureau.users[name])
    return client


def _admin_url(model: type[Any], view: str, pk: str = "") -> str:
    label = f"/admin/records/{model._meta.model_name}/"
    return label + (f"{pk}/{view}/" if pk else f"{view}/")


@pytest.fixture
def incident(bureau: Any) -> m.Incident:
    # received 02:05:07 UTC = 10:05:07 in Asia/Shanghai
    return m.Incident.objects.create(
        id="JQ-1", received_at=datetime(2026, 9, 21, 2, 5, 7, tzinfo=UTC), source="110",
        category="纠纷", unit=bureau.units["south"], address="城南路1号", description="邻里纠纷",
        reporter_name="钱某", reporter_phone="13812345678",
        changed_at=datetime(2026, 9, 22, 1, 2, 3, tzinfo=UTC),
    )  # fmt: skip


@pytest.mark.parametrize("rt", RECORD_TYPES, ids=lambda rt: rt.name)
def test_no_record_type_can_be_added_in_the_admin_even_by_a_superuser(bureau: Any, rt: Any) -> None:
    client = _client(bureau, "admin")
    # when the superuser opens the add page of any record type, or posts to it
    # then it is refused, and the list offers no add button
    assert client.get(_admin_url(rt.model, "add")).status_code == 403
    assert client.post(_admin_url(rt.model, "add"), {"id": "NEW-1"}).status_code == 403
    listing = client.get(_admin_url(rt.model, "")[:-1])
    assert listing.status_code == 200
    assert _admin_url(rt.model, "add") not in listing.content.decode()
    assert not rt.model.objects.filter(pk="NEW-1").exists()


def test_a_unit_cannot_be_changed_or_deleted_in_the_admin(bureau: Any) -> None:
    client = _client(bureau, "admin")
    unit = bureau.units["south"]
    before = unit.changed_at
    # when the superuser opens the unit's page
    page = client.get(_admin_url(m.Unit, "change", unit.pk))
    # then it is shown read-only: no save or delete button
    assert page.status_code == 200
    html = page.content.decode()
    assert "城南派出所" in html
    assert 'name="_save"' not in html
    assert _admin_url(m.Unit, "delete", unit.pk) not in html
    # when he posts a change, or the delete confirmation, or the list's delete action
    changed = client.post(
        _admin_url(m.Unit, "change", unit.pk), {"name": "改名派出所", "kind": "派出所"}
    )
    deleted = client.post(_admin_url(m.Unit, "delete", unit.pk), {"post": "yes"})
    action = client.post(
        "/admin/records/unit/",
        {"action": "delete_selected", "_selected_action": [unit.pk], "post": "yes"},
    )
    # then each is refused and the unit is as it was, changed_at included
    assert changed.status_code == 403
    assert deleted.status_code == 403
    assert action.status_code in (200, 302)
    unit.refresh_from_db()
    assert (unit.name, unit.changed_at) == ("城南派出所", before)


def test_the_admin_lists_and_searches_records_with_seconds_in_local_time(
    bureau: Any, incident: m.Incident
) -> None:
    client = _client(bureau, "admin")
    # when the superuser searches the incidents for JQ-1
    listing = client.get("/admin/records/incident/", {"q": "JQ-1"})
    # then it is listed with its times to the second in Asia/Shanghai, the phone masked
    html = listing.content.decode()
    assert listing.status_code == 200
    assert "2026-09-21 10:05:07" in html
    assert "2026-09-22 09:02:03" in html
    # and on its page the same, and the opening is audited like the record pages
    page = client.get(_admin_url(m.Incident, "change", "JQ-1")).content.decode()
    assert "2026-09-21 10:05:07" in page
    assert "2026-09-22 09:02:03" in page
    assert "13812345678" not in page
    assert "138****5678" in page
    assert AuditEvent.objects.filter(
        actor="admin", action="view.incident", target_id="JQ-1"
    ).exists()


def test_a_v1_1_record_page_is_read_only_and_its_opening_audited(bureau: Any) -> None:
    # given a review of a case (FZX v1.1), with the officer held responsible
    south, zhang = bureau.units["south"], bureau.officers["zhang"]
    case = m.Case.objects.create(
        id="AJ-1", kind="行政", cause="殴打他人", unit=south, lead_officer=zhang,
        accepted_at=datetime(2026, 9, 1, 2, 0, tzinfo=UTC), status="结案",
    )  # fmt: skip
    review = m.Review.objects.create(
        id="FY-1", case=case, kind="行政复议", filed_at=datetime(2026, 9, 25, 2, 0, 7, tzinfo=UTC),
        outcome="撤销",
    )  # fmt: skip
    m.ReviewOfficer.objects.create(review=review, officer=zhang, position=0)
    client = _client(bureau, "admin")
    # when the superuser opens its page
    page = client.get(_admin_url(m.Review, "change", "FY-1"))
    # then it is shown read-only, its times in local time to the second, in Chinese
    html = page.content.decode()
    assert page.status_code == 200
    assert "执法监督救济" in html
    assert "2026-09-25 10:00:07" in html
    assert 'name="_save"' not in html
    # and a posted change is refused and the opening is audited as a review view
    changed = client.post(_admin_url(m.Review, "change", "FY-1"), {"outcome": "维持"})
    assert changed.status_code == 403
    assert m.Review.objects.get(pk="FY-1").outcome == "撤销"
    assert AuditEvent.objects.filter(actor="admin", action="view.review", target_id="FY-1").exists()
