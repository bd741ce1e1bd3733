"""The unit tree after an import (issue 10): data scope follows it, so the importer keeps it a
forest of bureaus whatever the bundle says (fazhi/exchange/tree.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fazhi.accounts.scope import scope_of, units_below
from fazhi.exchange.services import import_bundle
from fazhi.exchange.tests.conftest import store_snapshot
from fazhi.records import models as m

pytestmark = pytest.mark.django_db


def unit(rid: str, kind: str, parent: str | None = None, name: str = "") -> dict[str, Any]:
    return {"type": "unit", "id": rid, "name": name or f"单位{rid}", "kind": kind,
            "parent_id": parent}  # fmt: skip


def county() -> dict[str, Any]:
    return unit("U-XJ", "县局", name="示范县公安局")


def errors(report: Any) -> list[tuple[str, str, str]]:
    return [(e.location.split(" ")[-1], e.record_id, e.field) for e in report.errors]


def test_a_loop_through_a_station_is_refused_and_its_legal_officer_keeps_his_scope(
    bureau, bundle
) -> None:
    # given li, 法制员 of 城南派出所, who sees his 派出所 only
    li = bureau.users["li"]
    assert scope_of(li).unit_ids == {"U-CN"}
    before = store_snapshot(stamps=True)
    # when a two-line bundle hangs the 县局 below a new unit under 城南派出所
    report = import_bundle(
        [bundle([unit("X", "派出所", "U-CN"), {**county(), "parent_id": "X"}], name="b.jsonl")]
    )
    # then it is refused, naming the 县局's line and its parent field
    assert not report.ok
    assert errors(report) == [("第2行", "U-XJ", "parent_id")]
    assert report.errors[0].message == (
        "单位 U-XJ 字段 parent_id：上级单位形成循环：U-XJ → X → U-CN → U-XJ（单位不能是自己的上级）"
    )
    # and nothing changed: li still sees his 派出所 only
    assert store_snapshot(stamps=True) == before
    del li._fazhi_scope
    assert scope_of(li).unit_ids == {"U-CN"}


def test_with_skip_invalid_the_loop_is_refused_and_the_rest_stored(bureau, bundle) -> None:
    # given the same bundle, imported with --skip-invalid
    report = import_bundle(
        [bundle([unit("X", "派出所", "U-CN"), {**county(), "parent_id": "X"}])], skip_invalid=True
    )
    # then the 县局 keeps its place at the root and the new unit is stored below 城南派出所
    assert report.refused == {"unit": 1}
    assert m.Unit.objects.get(pk="U-XJ").parent_id is None
    assert units_below("U-CN") == {"U-CN", "X"}


def test_a_bureau_moved_below_another_bureaus_station_is_refused(bureau, bundle) -> None:
    # given a second county bureau stored beside the first
    assert import_bundle([bundle([unit("U-DX", "县局", name="东县公安局")])]).ok
    # when a bundle moves it below 城南派出所 (no loop: the scope of 城南 would grow)
    report = import_bundle([bundle([unit("U-DX", "县局", "U-CN", name="东县公安局")])])
    # then it is refused
    assert errors(report) == [("第1行", "U-DX", "parent_id")]
    assert "县局 U-DX 将位于派出所 U-CN 之下" in report.errors[0].message
    assert units_below("U-CN") == {"U-CN"}


def test_a_bureau_below_a_station_through_a_unit_of_kind_other_is_refused(bureau, bundle) -> None:
    # given a 警务室 (其他) under 城南派出所, and a new 县局 under that
    records = [unit("JW", "其他", "U-CN"), unit("U-DX", "县局", "JW")]
    # when imported, then the 县局 is refused: 其他 is passed over, the 派出所 above it is not
    report = import_bundle([bundle(records)])
    assert errors(report) == [("第2行", "U-DX", "parent_id")]
    assert "（U-DX → JW → U-CN）" in report.errors[0].message


@pytest.mark.parametrize(
    ("records", "blamed"),
    [
        ([unit("U-DX", "县局", "U-XJ")], ("U-DX", "parent_id")),  # 县局 under a 县局
        ([unit("SJ", "市局", "U-XJ")], ("SJ", "parent_id")),  # 市局 under a 县局
        # a stored 县局 turned into a 派出所 without parent: the kind change is at fault
        ([{**county(), "kind": "派出所"}], ("U-XJ", "kind")),
    ],
    ids=["county-under-county", "city-under-county", "bureau-becomes-station"],
)
def test_bureaus_only_below_higher_bureaus(bureau, bundle, records, blamed) -> None:
    # when a bundle breaks the order of the bureaus, then the record at fault is named
    report = import_bundle([bundle(records)])
    assert not report.ok
    assert [(e.record_id, e.field) for e in report.errors] == [blamed]


def test_the_organisations_police_have_are_accepted(bureau, bundle) -> None:
    # given a province office (其他) above a 市局, the 县局 moved below that 市局, a 分局 beside
    # it, a second county stored as a bureau of its own, and a 警务室 below a 派出所
    records = [
        unit("ST", "其他", name="省公安厅"),
        unit("SJ", "市局", "ST"),
        {**county(), "parent_id": "SJ"},
        unit("FJ", "分局", "SJ"),
        unit("U-DX", "县局", name="东县公安局"),
        unit("JW", "其他", "U-CN"),
    ]
    # when imported, then all is stored
    report = import_bundle([bundle(records)])
    assert report.ok, [str(e) for e in report.errors]
    # and the 市局's scope holds the county, which holds the 警务室 — and nothing else does
    assert units_below("SJ") == {"SJ", "U-XJ", "FJ", "U-CN", "U-CB", "U-FZ", "JW"}
    assert units_below("U-CN") == {"U-CN", "JW"}


def test_a_loop_already_in_the_store_is_not_blamed_on_an_unrelated_bundle(bureau, bundle) -> None:
    # given two units of kind 其他 that a past import left in a loop
    m.Unit.objects.create(id="A", name="甲", kind="其他", parent_id="U-XJ")
    m.Unit.objects.create(id="B", name="乙", kind="其他", parent_id="A")
    m.Unit.objects.filter(pk="A").update(parent_id="B")
    # when a bundle that does not touch them is imported, then it is stored
    assert import_bundle([bundle([unit("U-NEW", "派出所", "U-XJ")])]).ok
    # but a bundle that restates one of them is refused: it asserts the loop
    report = import_bundle([bundle([unit("A", "其他", "B", name="甲")])])
    assert [(e.record_id, e.field) for e in report.errors] == [("A", "parent_id")]
    # and one that breaks the loop is accepted
    assert import_bundle([bundle([unit("A", "其他", "U-XJ", name="甲")])]).ok


def test_the_tree_check_does_not_query_per_unit(bureau, bundle) -> None:
    # given bundles of 5 and of 200 new units below the county
    small = bundle([unit(f"S{i:03d}", "派出所", "U-XJ") for i in range(5)])
    large = bundle([unit(f"L{i:03d}", "派出所", "U-XJ") for i in range(200)])
    # when each is imported, then both take the same number of queries
    with CaptureQueriesContext(connection) as few:
        assert import_bundle([small]).ok
    with CaptureQueriesContext(connection) as many:
        assert import_bundle([large]).ok
    assert len(many) == len(few)
