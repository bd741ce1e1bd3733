"""A county part's cut of the store (``services.Slice``): on PostgreSQL a path through a relation
is cut on the subject's own key (``Slice.narrow``), and must keep exactly the subjects the join
keeps — for a county, and for the rest (the units of no county, and subjects of no unit)."""

from __future__ import annotations

from typing import Any

import pytest

from fazhi.patrol.services import Slice
from fazhi.patrol.tests.conftest import add, load_records, transcript
from fazhi.records import models as m
from fazhi.records.bureaus import county_bureaus

pytestmark = pytest.mark.django_db


def test_narrow_keeps_what_the_join_keeps_for_a_county_and_for_the_rest(clean_records) -> None:
    # given the clean county (U0) and a 市局 beside it with a case of its own (C-CITY, a
    # transcript and a seized item taken into store in it), and the same in the county's C-OK
    add(clean_records, {"type": "unit", "id": "U-CITY", "name": "示范市公安局", "kind": "市局",
                        "parent_id": None})  # fmt: skip
    case_ok = next(r for r in clean_records if r["id"] == "C-OK")
    add(clean_records, {**case_ok, "id": "C-CITY", "unit_id": "U-CITY", "incident_id": None})
    add(clean_records, transcript("T-CITY", "2026-09-11T14:00:00+08:00",
                                  "2026-09-11T14:30:00+08:00", case_id="C-CITY"))  # fmt: skip
    prop = next(r for r in clean_records if r["id"] == "PR-OK")
    add(clean_records, {**prop, "id": "PR-CITY", "case_id": "C-CITY"})
    for pk, item in (("MV-OK", "PR-OK"), ("MV-CITY", "PR-CITY")):
        add(clean_records, {"type": "property_movement", "id": pk, "property_id": item,
                            "kind": "入库", "at": "2026-09-03T16:00:00+08:00",
                            "officer_ids": ["P1", "P2"], "due_back_at": None, "approved_by": None,
                            "note": None})  # fmt: skip
    load_records(clean_records)
    counties = county_bureaus()
    inside = frozenset(u for units in counties.values() for u in units)
    county = Slice(counties["U0"])
    rest = Slice(frozenset({"U-CITY"}), rest=True, outside=inside)
    # when each slice cuts the transcripts and the property movements by their case's unit
    cuts: dict[tuple[str, str], set[Any]] = {}
    for name, part in (("county", county), ("rest", rest)):
        for model, path in ((m.Transcript, "case__unit_id"),
                            (m.PropertyMovement, "property__case__unit_id")):  # fmt: skip
            joined = set(model.objects.filter(part.q(path)).values_list("pk", flat=True))
            narrowed = set(part.narrow(model.objects.all(), path).values_list("pk", flat=True))
            # then the cut on the subject's key keeps exactly what the join keeps
            assert narrowed == joined, (name, model.__name__)
            cuts[(name, model.__name__)] = joined
    # and the parts are not trivially empty: the county holds its transcripts, the rest the
    # 市局's, and the two never share one
    assert "T-CITY" in cuts[("rest", "Transcript")]
    assert "T-CITY" not in cuts[("county", "Transcript")]
    assert cuts[("county", "PropertyMovement")] == {"MV-OK"}
    assert cuts[("rest", "PropertyMovement")] == {"MV-CITY"}
