"""The FZX schema table and the models must describe the same thing."""

from __future__ import annotations

import pytest
from django.db import models

from fazhi.records.schema import BY_NAME, RECORD_TYPES, Kind

SPEC_TYPES = {
    "unit", "officer", "venue", "incident", "case", "person", "measure", "property",
    "event", "transcript", "venue_visit", "document", "followup",
    # v1.1
    "property_movement", "recording", "review", "complaint", "safety_event", "training",
    "commendation", "discipline",
}  # fmt: skip


def test_every_fzx_type_is_described_once() -> None:
    assert {rt.name for rt in RECORD_TYPES} == SPEC_TYPES
    assert len(RECORD_TYPES) == len(SPEC_TYPES)


@pytest.mark.parametrize("rt", RECORD_TYPES, ids=lambda rt: rt.name)
def test_every_field_has_a_model_column_of_the_right_shape(rt) -> None:
    # given the model's concrete fields by attribute name
    columns = {f.attname: f for f in rt.model._meta.concrete_fields}
    for spec in rt.fields:
        if spec.kind is Kind.REFS:
            link_model, owner = rt.links[spec.name]
            assert owner in {f.attname for f in link_model._meta.concrete_fields}
            continue
        # then each FZX field is stored in a column with matching nullability and choices
        assert spec.column in columns, f"{rt.name}.{spec.name} has no column"
        column = columns[spec.column]
        if spec.required:
            assert not column.null, f"{rt.name}.{spec.name} is required but nullable"
        if spec.kind is Kind.ENUM:
            assert spec.choices is not None
            assert [c[0] for c in column.choices] == list(spec.choices.values)
        if spec.kind is Kind.REF:
            assert isinstance(column, models.ForeignKey)
            assert column.related_model is BY_NAME[spec.target].model


@pytest.mark.parametrize("rt", RECORD_TYPES, ids=lambda rt: rt.name)
def test_no_model_column_is_missing_from_the_schema(rt) -> None:
    described = {s.column for s in rt.fields if s.kind is not Kind.REFS} | {
        "id",
        "extra",
        "changed_at",
    }
    stored = {f.attname for f in rt.model._meta.concrete_fields}
    assert stored == described
