"""Data scope: who sees which records (the permission matrix of the pages builds on this)."""

from __future__ import annotations

import datetime as dt

import pytest

from fazhi.core.scope import scope_of, visible
from fazhi.records import models as m

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC)


@pytest.fixture
def cases(bureau):
    south = m.Case.objects.create(
        id="C-S", kind="行政", cause="殴打他人", unit=bureau.units["south"],
        lead_officer=bureau.officers["zhang"], accepted_at=AT, status="受案",
    )  # fmt: skip
    south_other = m.Case.objects.create(
        id="C-S2", kind="行政", cause="盗窃", unit=bureau.units["south"],
        lead_officer=bureau.officers["chen"], accepted_at=AT, status="受案",
    )  # fmt: skip
    north = m.Case.objects.create(
        id="C-N", kind="刑事", cause="盗窃", unit=bureau.units["north"],
        lead_officer=bureau.officers["zhao"], accepted_at=AT, status="受案",
    )  # fmt: skip
    m.CaseOfficer.objects.create(case=south_other, officer=bureau.officers["zhang"], position=0)
    return {"south": south, "south_other": south_other, "north": north}


def ids(user):
    return set(visible(m.Case.objects.all(), scope_of(user)).values_list("pk", flat=True))


def test_officer_sees_only_cases_he_leads_or_assists(bureau, cases):
    assert ids(bureau.users["zhang"]) == {"C-S", "C-S2"}
    assert ids(bureau.users["zhao"]) == {"C-N"}


def test_unit_roles_see_their_unit_only(bureau, cases):
    for name in ("li", "chen", "liu", "sun"):
        assert ids(bureau.users[name]) == {"C-S", "C-S2"}, name
    assert ids(bureau.users["wang"]) == {"C-N"}


def test_bureau_roles_see_everything(bureau, cases):
    for name in ("zhou", "wu", "admin"):
        assert ids(bureau.users[name]) == {"C-S", "C-S2", "C-N"}, name


def test_records_of_a_case_follow_the_case(bureau, cases):
    m.Person.objects.create(
        id="P-N", case=cases["north"], name="某甲", role="违法行为人",
        id_number="110101199001011237",
    )  # fmt: skip
    zhang = scope_of(bureau.users["zhang"])
    wang = scope_of(bureau.users["wang"])
    assert not visible(m.Person.objects.all(), zhang).exists()
    assert visible(m.Person.objects.all(), wang).count() == 1


def test_unregistered_models_are_refused(bureau):
    from fazhi.core.models import AuditEvent

    with pytest.raises(LookupError):
        visible(AuditEvent.objects.all(), scope_of(bureau.users["wu"]))


def test_get_visible_or_404_refuses_a_row_out_of_scope_like_a_missing_one(bureau, cases):
    # given C-N of 城北, and 李娜, 法制员 of 城南
    from django.http import Http404

    from fazhi.core.scope import get_visible_or_404

    li, zhou = scope_of(bureau.users["li"]), scope_of(bureau.users["zhou"])
    # when she asks for it, then it is a 404, as for a case that does not exist
    with pytest.raises(Http404):
        get_visible_or_404(m.Case.objects.all(), li, pk="C-N")
    with pytest.raises(Http404):
        get_visible_or_404(m.Case.objects.all(), li, pk="NO-SUCH")
    # and the bureau-wide 法制大队 and her own unit's case are given
    assert get_visible_or_404(m.Case.objects.all(), zhou, pk="C-N").pk == "C-N"
    assert get_visible_or_404(m.Case.objects.all(), li, pk="C-S").pk == "C-S"
