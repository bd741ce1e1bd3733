"""A first load into an empty PostgreSQL store writes the records straight into the main tables
(``Staging.create``'s direct load): it must store, count, refuse and report exactly as the
ordinary import does, and a refused or failing one must leave nothing behind."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.db import connection

from fazhi.core.audit_actions import AuditAction
from fazhi.core.models import AuditEvent
from fazhi.exchange import staging
from fazhi.exchange.services import import_bundle
from fazhi.exchange.tests.conftest import by_id, deletions_of, store_snapshot
from fazhi.exchange.tests.test_import import HOSTILE
from fazhi.exchange.tests.test_transactions import index_definitions

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the direct load is PostgreSQL's"
)


@pytest.fixture
def paths(monkeypatch) -> list[bool]:
    """Which path each import took: True for a direct load."""
    taken: list[bool] = []
    real = staging.Staging.create

    def create(self, **kwargs: Any) -> None:
        real(self, **kwargs)
        taken.append(self.direct)

    monkeypatch.setattr(staging.Staging, "create", create)
    return taken


def ordinary_only(monkeypatch) -> None:
    """Make every import take the ordinary path, as into a store that holds something."""
    monkeypatch.setattr(staging.Staging, "store_is_empty", lambda self: False)


def hostile(clean: list[dict]) -> list[dict]:
    records = copy.deepcopy(clean)
    by_id(records, "C-OK")["cause"] = HOSTILE
    by_id(records, "M-OK-JL-T")["text"] = HOSTILE * 3
    extra = {"备注": HOSTILE, "nested": {"list": [HOSTILE, None, 1.5, True, ""], "\\N": "\t"}}
    by_id(records, "C-OK-RC")["tags"] = extra
    return records


def counts(report: Any) -> tuple[Any, ...]:
    return (report.ok, report.total, report.created, report.updated, report.unchanged,
            report.deleted, report.refused)  # fmt: skip


@pytest.mark.django_db
def test_a_first_load_stores_exactly_what_an_ordinary_import_stores(
    clean, bundle, paths, monkeypatch
) -> None:
    # given the example with hostile text (COPY's escapes, JSON) and an empty store
    records = hostile(clean)
    path = bundle(records)
    indexes = index_definitions()
    # when it is imported (a direct load)
    direct = import_bundle([path])
    # then everything is stored, with every index, key and foreign key back as it was
    assert direct.ok, direct.errors
    assert paths == [True]
    assert index_definitions() == indexes
    loaded = store_snapshot()
    stamps = {s[-1] for rows in store_snapshot(stamps=True).values() for s in rows if len(s) > 3}
    assert len(stamps) == 1  # one changed_at for the whole import
    # and the same bundle imported again (ordinary: the store is no longer empty) finds it equal
    again = import_bundle([path])
    assert paths == [True, False]
    assert sum(again.unchanged.values()) == 48
    assert sum(again.updated.values()) == 0
    # when the store is emptied and the bundle imported the ordinary way
    assert import_bundle([bundle(deletions_of(records), name="deletions.jsonl")]).ok
    assert all(not rows for rows in store_snapshot().values())
    ordinary_only(monkeypatch)
    ordinary = import_bundle([path])
    # then it stores exactly the same rows and officer lists, and reports the same counts
    assert paths[-1] is False
    assert store_snapshot() == loaded
    assert counts(ordinary) == counts(direct)
    assert index_definitions() == indexes


def faulty(clean: list[dict], fault: str) -> list[dict]:
    records = copy.deepcopy(clean)
    if fault == "dangling reference":
        by_id(records, "C-OK")["unit_id"] = "U9"
    elif fault == "dangling officer in a list":
        by_id(records, "I-OK")["officer_ids"] = ["P1", "P9"]
    elif fault == "named twice":
        # both copies carry an officer list; the second also names a missing officer
        twice = copy.deepcopy(by_id(records, "I-OK"))
        twice["officer_ids"] = ["P9"]
        records.append(twice)
    elif fault == "invalid value":
        by_id(records, "C-OK")["accepted_at"] = "2026-13-01"
    elif fault == "unit tree":
        by_id(records, "U0")["parent_id"] = "U1"
    elif fault == "deletion of a referenced record":
        records.append({"type": "officer", "id": "P-NEW", "deleted": True})
        by_id(records, "I-OK")["officer_ids"] = ["P1", "P-NEW"]
    return records


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fault",
    [
        "dangling reference",
        "dangling officer in a list",
        "named twice",
        "invalid value",
        "unit tree",
        "deletion of a referenced record",
    ],
)
def test_a_refused_first_load_writes_nothing_and_reports_as_the_ordinary_import(
    clean, bundle, paths, monkeypatch, fault
) -> None:
    # given an empty store and a bundle with one fault
    path = bundle(faulty(clean, fault))
    indexes = index_definitions()
    audits = AuditEvent.objects.filter(action=AuditAction.IMPORT).count()
    # when it is imported (a direct load)
    direct = import_bundle([path])
    # then it is refused, nothing is stored, every index is back, and the attempt is audited
    assert paths == [True]
    assert not direct.ok
    assert direct.errors
    assert all(not rows for rows in store_snapshot().values())
    assert index_definitions() == indexes
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT).count() == audits + 1
    # and the ordinary import reports exactly the same errors, naming record and field
    ordinary_only(monkeypatch)
    ordinary = import_bundle([path])
    assert paths[-1] is False
    assert ordinary.errors == direct.errors
    assert counts(ordinary) == counts(direct)


@pytest.mark.django_db(transaction=True)
def test_a_first_load_failing_midway_leaves_the_store_and_its_indexes(
    clean, bundle, paths, monkeypatch
) -> None:
    # given a direct load that fails after writing its first batch into the main tables
    indexes = index_definitions()
    real = staging.Staging.flush

    def flush_then_fail(self) -> None:
        real(self)
        raise RuntimeError("power cut")

    monkeypatch.setattr(staging.Staging, "flush", flush_then_fail)
    with pytest.raises(RuntimeError):
        import_bundle([bundle(clean)])
    # then the store is empty and every index, key and foreign key is still there
    assert paths == [True]
    assert all(not rows for rows in store_snapshot().values())
    assert index_definitions() == indexes
