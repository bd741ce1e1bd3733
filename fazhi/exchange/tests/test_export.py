"""Export: the store back as FZX; import → export → import is the identity of the store, and
export → import → export gives the same bytes."""

from __future__ import annotations

import gzip
from typing import Any

import orjson
import pytest
from django.contrib.auth import get_user_model

from fazhi.core.models import AuditEvent
from fazhi.exchange.services import export_store, import_bundle
from fazhi.exchange.tests.conftest import by_id, deletions_of, store_snapshot
from fazhi.records import models as m
from fazhi.records.schema import TYPE_ORDER

pytestmark = pytest.mark.django_db


def tester() -> Any:
    """The person importing or exporting (actors are platform users)."""
    return get_user_model().objects.get_or_create(username="tester")[0]


def read_lines(path) -> list[dict]:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    return [orjson.loads(line) for line in data.splitlines()]


def test_export_writes_every_record_as_fzx(clean, bundle, changed, tmp_path) -> None:
    # given the example imported, one case carrying an unknown field
    import_bundle([bundle(changed(clean, "C-OK", 办案系统编号="A330122"))])
    # when the store is exported
    out = tmp_path / "out.jsonl"
    counts = export_store(out, actor=tester())
    # then every record is there, by type in schema order
    exported = read_lines(out)
    assert sum(counts.values()) == len(exported) == 48
    order = [TYPE_ORDER.index(r["type"]) for r in exported]
    assert order == sorted(order)
    case = by_id(exported, "C-OK")
    # with spec fields, times at +08:00, the officer list in order, extra, no internal column
    assert case["accepted_at"] == "2026-09-01T10:00:00+08:00"
    assert case["closed_at"] is None
    assert case["officer_ids"] == ["P2"]
    assert case["办案系统编号"] == "A330122"
    assert "changed_at" not in case
    assert "extra" not in case
    assert by_id(exported, "M-OK-JL-JAIL")["officer_ids"] == ["P1", "P2"]
    assert by_id(exported, "P1")["qualified_at"] == "2020-06-01"
    # numbers as JSON numbers, integral ones as integers
    prop = by_id(exported, "PR-OK")
    assert (prop["quantity"], prop["value"]) == (1, 2300)
    assert isinstance(prop["quantity"], int)
    # and the export is audited
    event = AuditEvent.objects.get(action="export")
    assert event.actor == "tester"
    assert event.details["counts"]["event"] == 15


def test_every_field_of_the_example_survives_the_export(clean, bundle, tmp_path) -> None:
    # given the example imported and exported
    import_bundle([bundle(clean)])
    export_store(tmp_path / "out.jsonl")
    exported = {(r["type"], r["id"]): r for r in read_lines(tmp_path / "out.jsonl")}
    # then each exported record states every field the example gave, with the same value
    for record in clean:
        out = exported[record["type"], record["id"]]
        for name, value in record.items():
            assert out[name] == value, (record["id"], name)


def test_fractional_numbers_are_exported_as_json_numbers(clean, bundle, changed, tmp_path) -> None:
    # given a property with fractional amounts
    import_bundle([bundle(changed(clean, "PR-OK", value=2300.5, quantity=0.25))])
    # when exported, then they are JSON numbers with their fractions
    export_store(tmp_path / "out.jsonl")
    prop = by_id(read_lines(tmp_path / "out.jsonl"), "PR-OK")
    assert (prop["value"], prop["quantity"]) == (2300.5, 0.25)


def test_import_export_import_is_the_identity_and_export_is_byte_stable(
    clean, bundle, changed, tmp_path
) -> None:
    # given a store with every kind of value: extras, fractions, nulls, lists, old times
    records = changed(clean, "C-OK", tags=["重点", 1], 备注={"来源": "警综"})
    records = changed(records, "PR-OK", value=12.34)
    records = changed(records, "S-OK", birth_date=None)
    by_id(records, "W-OK")["来源系统"] = None
    records = changed(records, "I-OK", received_at="1988-07-01T14:20:00.5")
    import_bundle([bundle(records)])
    stored = store_snapshot()
    # when it is exported, emptied, and the export imported again
    first = tmp_path / "first.jsonl"
    export_store(first)
    emptied = import_bundle([bundle(deletions_of(records))])
    assert emptied.ok
    assert all(not rows for rows in store_snapshot().values())
    report = import_bundle([first])
    # then the store is the same, and exporting it again gives the same bytes
    assert report.ok
    assert store_snapshot() == stored
    second = tmp_path / "second.jsonl"
    export_store(second)
    assert second.read_bytes() == first.read_bytes()
    # and importing the export over the store it came from changes nothing
    again = import_bundle([second])
    assert sum(again.updated.values()) == sum(again.created.values()) == 0


def test_gzipped_export_is_deterministic_and_holds_the_same_lines(clean, bundle, tmp_path) -> None:
    # given the example imported
    import_bundle([bundle(clean)])
    # when exported twice compressed and once plain
    export_store(tmp_path / "a.jsonl.gz")
    export_store(tmp_path / "b.jsonl.gz")
    export_store(tmp_path / "c.jsonl")
    # then the compressed files are identical and decompress to the plain one
    assert (tmp_path / "a.jsonl.gz").read_bytes() == (tmp_path / "b.jsonl.gz").read_bytes()
    assert (
        gzip.decompress((tmp_path / "a.jsonl.gz").read_bytes())
        == (tmp_path / "c.jsonl").read_bytes()
    )
    # and the compressed export imports as it is
    assert sum(import_bundle([tmp_path / "a.jsonl.gz"]).unchanged.values()) == 48


def test_an_empty_store_exports_an_empty_file(tmp_path) -> None:
    # given an empty store, when exported, then the file is there and empty
    counts = export_store(tmp_path / "empty.jsonl")
    assert sum(counts.values()) == 0
    assert (tmp_path / "empty.jsonl").read_bytes() == b""


def test_a_failed_export_leaves_no_file(clean, bundle, tmp_path, monkeypatch) -> None:
    # given a store and an export that fails half way
    import_bundle([bundle(clean)])
    from fazhi.exchange import services

    real = services._export_type

    def failing(name, stream):
        if name == "case":
            raise RuntimeError("disk full")
        return real(name, stream)

    monkeypatch.setattr(services, "_export_type", failing)
    out = tmp_path / "out.jsonl"
    with pytest.raises(RuntimeError):
        export_store(out)
    # then neither the file nor a partial one is left behind
    assert list(tmp_path.glob("out.jsonl*")) == []
    assert m.Case.objects.count() == 2
