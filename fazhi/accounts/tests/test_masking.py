"""Masked 身份证号 and phone numbers; revealing one needs the permission and the data scope, and
is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.template import Context, Template
from django.test import Client, RequestFactory

from fazhi.accounts.models import Role
from fazhi.accounts.services import provision_user
from fazhi.core.masking import mask_id_number, mask_phone
from fazhi.core.models import AuditEvent
from fazhi.records import models as m

AT = dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC)
ID = "110101199001011237"
PHONE = "13812345678"


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("110101199001011237", "110101********1237"),
        ("11010119900101X", "110101*****101X"),  # old 15-character number
        ("", ""),
        (None, ""),
        ("12345", "***45"),
    ],
)
def test_mask_id_number(value: str | None, masked: str) -> None:
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+86 138 1234 5678", "+86 138 **** 5678"),
        ("010-62345678", "010-****5678"),
        ("0755 8888 1234", "0755 **** 1234"),
        ("62345678", "****5678"),
        ("110", "*10"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(value: str | None, masked: str) -> None:
    assert mask_phone(value) == masked


@pytest.fixture
def records(bureau):
    south = m.Case.objects.create(
        id="C-S", kind="行政", cause="殴打他人", unit=bureau.units["south"],
        lead_officer=bureau.officers["zhang"], accepted_at=AT, status="受案",
    )  # fmt: skip
    person = m.Person.objects.create(
        id="P1", case=south, name="某甲", role="违法行为人", id_number=ID, phone=PHONE
    )
    incident = m.Incident.objects.create(
        id="J1", received_at=AT, source="110", category="治安", unit=bureau.units["south"],
        address="城南路 1 号", description="打架", reporter_phone="010-62345678",
    )  # fmt: skip
    m.IncidentOfficer.objects.create(
        incident=incident, officer=bureau.officers["zhang"], position=0
    )
    return {"person": person, "incident": incident}


def client_for(user) -> Client:
    client = Client(REMOTE_ADDR="10.3.3.3")
    client.force_login(user)
    return client


def unmask(client: Client, type_: str, id_: str, field: str):
    return client.get("/accounts/unmask/", {"type": type_, "id": id_, "field": field})


def grant_unmask(user) -> None:
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="accounts", codename="unmask_pii")
    )


@pytest.mark.django_db
def test_legal_brigade_and_admin_get_the_permission_others_do_not(bureau) -> None:
    for name in ("zhou", "admin"):
        assert bureau.users[name].has_perm("accounts.unmask_pii"), name
    for name in ("zhang", "li", "chen", "liu", "sun", "wu"):
        assert not bureau.users[name].has_perm("accounts.unmask_pii"), name


@pytest.mark.django_db
def test_moving_out_of_the_legal_brigade_takes_the_permission_away(bureau) -> None:
    user = provision_user(
        actor=bureau.users["admin"], username="zhou", password=bureau.password, role=Role.OFFICER,
        officer=bureau.officers["zhou"],
    )  # fmt: skip
    user = get_user_model().objects.get(pk=user.pk)  # fresh permission cache
    assert not user.has_perm("accounts.unmask_pii")


@pytest.mark.django_db
def test_legal_brigade_reveals_an_id_number_and_it_is_audited(bureau, records) -> None:
    response = unmask(client_for(bureau.users["zhou"]), "person", "P1", "id_number")
    assert response.status_code == 200
    assert ID in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="pii.unmask")
    assert (event.actor, event.target_type, event.target_id, event.remote_addr) == (
        "zhou", "person", "P1", "10.3.3.3",
    )  # fmt: skip
    assert event.details == {"field": "id_number"}


@pytest.mark.django_db
def test_every_supported_field_can_be_revealed(bureau, records) -> None:
    client = client_for(bureau.users["admin"])
    assert PHONE in unmask(client, "person", "P1", "phone").content.decode()
    assert "010-62345678" in unmask(client, "incident", "J1", "reporter_phone").content.decode()
    assert AuditEvent.objects.filter(action="pii.unmask").count() == 2


@pytest.mark.django_db
def test_user_without_the_permission_is_refused(bureau, records) -> None:
    # li is 城南's legal officer: he may see the person, but not reveal numbers
    response = unmask(client_for(bureau.users["li"]), "person", "P1", "id_number")
    assert response.status_code == 403
    assert ID not in response.content.decode()
    assert not AuditEvent.objects.filter(action="pii.unmask").exists()


@pytest.mark.django_db
def test_officer_of_another_unit_is_refused_even_with_the_permission(bureau, records) -> None:
    # given zhao (民警, 城北) was granted the permission in the admin
    grant_unmask(bureau.users["zhao"])
    client = client_for(bureau.users["zhao"])
    # then 城南's person and incident stay hidden from him
    for args in (("person", "P1", "id_number"), ("incident", "J1", "reporter_phone")):
        response = unmask(client, *args)
        assert response.status_code == 404, args
        assert ID not in response.content.decode()
    assert not AuditEvent.objects.filter(action="pii.unmask").exists()


@pytest.mark.django_db
def test_legal_officer_of_another_unit_is_refused_even_with_the_permission(bureau, records):
    grant_unmask(bureau.users["wang"])
    assert unmask(client_for(bureau.users["wang"]), "person", "P1", "phone").status_code == 404


@pytest.mark.django_db
def test_officer_with_the_permission_may_reveal_his_own_case(bureau, records) -> None:
    grant_unmask(bureau.users["zhang"])
    response = unmask(client_for(bureau.users["zhang"]), "person", "P1", "id_number")
    assert response.status_code == 200


@pytest.mark.django_db
def test_unsupported_fields_and_missing_records_are_refused(bureau, records) -> None:
    client = client_for(bureau.users["zhou"])
    assert unmask(client, "person", "P1", "name").status_code == 400
    assert unmask(client, "officer", "O-001", "phone").status_code == 400
    assert unmask(client, "person", "P-none", "id_number").status_code == 404


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(records) -> None:
    response = unmask(Client(), "person", "P1", "id_number")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.django_db
def test_unmask_is_get_only(bureau, records) -> None:
    client = client_for(bureau.users["zhou"])
    response = client.post("/accounts/unmask/?type=person&id=P1&field=id_number")
    assert response.status_code == 405


def render_tags(user, person, incident) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template(
        "{% load pii %}[{% pii_id person %}][{% pii_phone person %}][{% pii_phone incident %}]"
        "[{% pii_id bare %}]"
    )
    return template.render(
        Context({"request": request, "person": person, "incident": incident, "bare": ID})
    )


@pytest.mark.django_db
def test_tags_show_masked_values_without_a_button_to_users_without_permission(bureau, records):
    html = render_tags(bureau.users["li"], records["person"], records["incident"])
    assert html == "[110101********1237][138****5678][010-****5678][110101********1237]"


@pytest.mark.django_db
def test_tags_offer_the_reveal_button_to_users_with_permission(bureau, records) -> None:
    html = render_tags(bureau.users["zhou"], records["person"], records["incident"])
    assert ID not in html.replace("110101********1237", "")
    assert 'hx-get="/accounts/unmask/?type=person&amp;id=P1&amp;field=id_number"' in html
    assert 'hx-get="/accounts/unmask/?type=person&amp;id=P1&amp;field=phone"' in html
    assert 'hx-get="/accounts/unmask/?type=incident&amp;id=J1&amp;field=reporter_phone"' in html
    assert html.count("显示</button>") == 3  # the bare value gets no button
