"""FZX v1.1 (exchange-format.md, "FZX v1.1 additions") under the contract of v1: each new record
type imports with its values, a missing or malformed field is refused naming the record, its line
and the field, a bad record stores nothing, a re-import updates, a deletion leaves a tombstone,
and export → import is the identity. A v1 bundle imports exactly as before."""

from __future__ import annotations

import copy
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import orjson
import pytest

from fazhi.exchange.services import export_store, import_bundle
from fazhi.exchange.tests.conftest import (
    Record,
    by_id,
    deletions_of,
    store_snapshot,
    write_csv_folder,
)
from fazhi.records import models as m

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")

# One record of every v1.1 type, over the clean example's bureau and cases, every field given.
V11: list[Record] = [
    {"type": "property_movement", "id": "PM-IN", "property_id": "PR-OK", "kind": "入库",
     "at": "2026-09-03T12:00:00+08:00", "officer_ids": ["P1", "P2"], "due_back_at": None,
     "approved_by": None, "note": "移交涉案财物管理中心"},
    {"type": "property_movement", "id": "PM-USE", "property_id": "PR-OK", "kind": "调用",
     "at": "2026-09-10T09:00:00+08:00", "officer_ids": ["P2", "P1"],
     "due_back_at": "2026-09-17T09:00:00+08:00", "approved_by": "P5", "note": "辨认"},
    {"type": "recording", "id": "RC-1", "officer_id": "P1", "device_no": "DSJ-0001",
     "started_at": "2026-09-01T08:10:00+08:00", "ended_at": "2026-09-01T08:55:00+08:00",
     "uploaded_at": "2026-09-01T12:00:00+08:00", "incident_id": "I-OK", "case_id": "C-OK",
     "evidence": True, "deleted_at": None},
    {"type": "review", "id": "RV-1", "case_id": "A-OK", "kind": "行政复议",
     "filed_at": "2026-09-25T10:00:00+08:00", "decided_at": "2026-10-20T10:00:00+08:00",
     "outcome": "维持", "officer_ids": ["P1"], "note": "复议机关维持原处罚决定"},
    {"type": "complaint", "id": "CP-1", "received_at": "2026-09-22T09:00:00+08:00",
     "channel": "12389", "unit_id": "U1", "officer_ids": ["P2"], "case_id": "A-OK",
     "incident_id": "I-A-OK", "content": "反映处警民警态度生硬。", "result": "不属实",
     "closed_at": "2026-09-29T17:00:00+08:00"},
    {"type": "safety_event", "id": "SE-1", "at": "2026-09-05T03:00:00+08:00", "unit_id": "U1",
     "kind": "自杀自残", "case_id": "C-OK", "person_id": "S-OK", "venue_id": "V1",
     "officer_ids": ["P1", "P2"], "note": "以头撞墙，经送医无碍"},
    {"type": "training", "id": "TR-1", "officer_id": "P2", "kind": "执法资格考试",
     "title": "2026年度基本级执法资格考试", "at": "2026-05-20", "hours": 8.5, "result": "通过"},
    {"type": "commendation", "id": "CM-1", "officer_id": "P1", "reason": "侦破系列盗窃案",
     "kind": "嘉奖", "at": "2026-08-01"},
    {"type": "discipline", "id": "DS-1", "officer_id": "P4", "reason": "询问笔录未核对签名",
     "kind": "批评教育", "at": "2026-07-15", "case_id": "A-OK"},
]  # fmt: skip
NEW_TYPES = (
    "property_movement", "recording", "review", "complaint", "safety_event", "training",
    "commendation", "discipline",
)  # fmt: skip

# The required fields of each type, as the spec's tables list them (not read from the schema).
REQUIRED = [
    ("PM-USE", "property_id"), ("PM-USE", "kind"), ("PM-USE", "at"),
    ("RC-1", "officer_id"), ("RC-1", "started_at"), ("RC-1", "ended_at"),
    ("RV-1", "case_id"), ("RV-1", "kind"), ("RV-1", "filed_at"),
    ("CP-1", "received_at"), ("CP-1", "channel"), ("CP-1", "unit_id"), ("CP-1", "content"),
    ("SE-1", "at"), ("SE-1", "unit_id"), ("SE-1", "kind"),
    ("TR-1", "officer_id"), ("TR-1", "kind"), ("TR-1", "title"), ("TR-1", "at"),
    ("CM-1", "officer_id"), ("CM-1", "reason"), ("CM-1", "kind"), ("CM-1", "at"),
    ("DS-1", "officer_id"), ("DS-1", "reason"), ("DS-1", "kind"), ("DS-1", "at"),
]  # fmt: skip

MALFORMED = [
    pytest.param("PM-USE", "kind", "借出", "取值“借出”不在允许范围内", id="movement-kind"),
    pytest.param("PM-USE", "due_back_at", "2026-09-31T09:00:00", "时间格式无效",
                 id="movement-due-back"),
    pytest.param("PM-USE", "approved_by", "P99", "引用的民警 P99 不存在", id="movement-approver"),
    pytest.param("PM-USE", "officer_ids", ["P1", "P1"], "民警 P1 在列表中重复",
                 id="movement-officers"),
    pytest.param("PM-USE", "property_id", "PR-NONE", "引用的涉案财物 PR-NONE 不存在",
                 id="movement-property"),
    pytest.param("RC-1", "evidence", "是", "应为布尔值", id="recording-evidence"),
    pytest.param("RC-1", "deleted_at", "2026-10-01", "只有日期", id="recording-deleted-at"),
    pytest.param("RC-1", "incident_id", "I-NONE", "引用的警情 I-NONE 不存在",
                 id="recording-incident"),
    pytest.param("RC-1", "device_no", 17, "应为字符串", id="recording-device"),
    pytest.param("RV-1", "kind", "申诉", "取值“申诉”不在允许范围内", id="review-kind"),
    pytest.param("RV-1", "outcome", "败诉", "取值“败诉”不在允许范围内", id="review-outcome"),
    pytest.param("RV-1", "officer_ids", "P1", "应为编号列表", id="review-officers"),
    pytest.param("CP-1", "channel", "110", "取值“110”不在允许范围内", id="complaint-channel"),
    pytest.param("CP-1", "result", "查无实据", "不在允许范围内", id="complaint-result"),
    pytest.param("CP-1", "unit_id", "U9", "引用的单位 U9 不存在", id="complaint-unit"),
    pytest.param("SE-1", "kind", "受伤", "取值“受伤”不在允许范围内", id="safety-kind"),
    pytest.param("SE-1", "venue_id", "V9", "引用的场所 V9 不存在", id="safety-venue"),
    pytest.param("SE-1", "person_id", 3, "应为编号字符串", id="safety-person"),
    pytest.param("TR-1", "at", "2026-05-20T09:00:00", "日期格式无效", id="training-date"),
    pytest.param("TR-1", "hours", "8", "应为数字", id="training-hours"),
    pytest.param("TR-1", "hours", 1e7, "超出范围", id="training-hours-range"),
    pytest.param("TR-1", "result", "优秀", "取值“优秀”不在允许范围内", id="training-result"),
    pytest.param("CM-1", "kind", "特等功", "取值“特等功”不在允许范围内", id="commendation-kind"),
    pytest.param("CM-1", "reason", "由" * 256, "超过上限 255 个字符", id="commendation-reason"),
    pytest.param("DS-1", "kind", "罚款", "取值“罚款”不在允许范围内", id="discipline-kind"),
    pytest.param("DS-1", "case_id", "C-NONE", "引用的案件 C-NONE 不存在", id="discipline-case"),
    pytest.param("C-OK", "disclosable", "否", "应为布尔值", id="case-disclosable"),
    pytest.param("PR-OK", "unrelated", 0, "应为布尔值", id="property-unrelated"),
    pytest.param("PR-OK", "unrelated_at", "昨天", "时间格式无效", id="property-unrelated-at"),
    pytest.param("PR-OK", "location", "库" * 101, "超过上限 100 个字符", id="property-location"),
]  # fmt: skip

LABELS = {
    "property_movement": "涉案财物流转", "recording": "执法音视频", "review": "执法监督救济",
    "complaint": "投诉信访", "safety_event": "执法安全事故", "training": "培训考试",
    "commendation": "表彰奖励", "discipline": "惩戒处理", "case": "案件", "property": "涉案财物",
}  # fmt: skip


@pytest.fixture
def full(clean: list[Record]) -> list[Record]:
    """The clean example with the v1.1 fields of a case and a property, and every v1.1 type."""
    records = copy.deepcopy(clean)
    by_id(records, "C-OK")["disclosable"] = False
    by_id(records, "PR-OK").update(location="A区-03-12", unrelated=False, unrelated_at=None)
    return records + copy.deepcopy(V11)


def _links(link_model: Any, **owner: str) -> list[str]:
    rows = link_model.objects.filter(**owner).order_by("position")
    return list(rows.values_list("officer_id", flat=True))


def _read(path: Path) -> list[Record]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def test_every_v1_1_type_imports_with_its_values(full, bundle) -> None:
    # given the example with one record of every v1.1 type
    # when it is imported
    report = import_bundle([bundle(full)])
    # then everything is created
    assert report.ok, [str(e.message) for e in report.errors]
    created = {k: v for k, v in report.created.items() if v}
    assert created == Counter(r["type"] for r in full)
    # and the values are stored as FZX means them: local times, dates, decimals, lists in order
    use = m.PropertyMovement.objects.get(pk="PM-USE")
    assert (use.property_id, use.kind, use.approved_by_id) == ("PR-OK", "调用", "P5")
    assert use.due_back_at == datetime(2026, 9, 17, 9, 0, tzinfo=SHANGHAI)
    assert _links(m.PropertyMovementOfficer, movement_id="PM-USE") == ["P2", "P1"]
    rec = m.Recording.objects.get(pk="RC-1")
    assert (rec.officer_id, rec.incident_id, rec.case_id, rec.evidence) == (
        "P1", "I-OK", "C-OK", True
    )  # fmt: skip
    assert rec.deleted_at is None
    review = m.Review.objects.get(pk="RV-1")
    assert (review.kind, review.outcome) == ("行政复议", "维持")
    assert _links(m.ReviewOfficer, review_id="RV-1") == ["P1"]
    complaint = m.Complaint.objects.get(pk="CP-1")
    assert (complaint.channel, complaint.result, complaint.unit_id) == ("12389", "不属实", "U1")
    assert _links(m.ComplaintOfficer, complaint_id="CP-1") == ["P2"]
    event = m.SafetyEvent.objects.get(pk="SE-1")
    assert (event.kind, event.person_id, event.venue_id) == ("自杀自残", "S-OK", "V1")
    assert _links(m.SafetyEventOfficer, safety_event_id="SE-1") == ["P1", "P2"]
    training = m.Training.objects.get(pk="TR-1")
    assert (training.at, training.hours, training.result) == (
        date(2026, 5, 20),
        Decimal("8.5"),
        "通过",
    )
    assert m.Commendation.objects.get(pk="CM-1").kind == "嘉奖"
    assert m.Discipline.objects.get(pk="DS-1").case_id == "A-OK"
    assert m.Case.objects.get(pk="C-OK").disclosable is False
    prop = m.Property.objects.get(pk="PR-OK")
    assert (prop.location, prop.unrelated, prop.unrelated_at) == ("A区-03-12", False, None)


def test_a_v1_bundle_imports_as_before_with_the_new_fields_not_recorded(clean, bundle) -> None:
    # given the v1 example, which names none of the v1.1 fields or types
    report = import_bundle([bundle(clean)])
    # then it imports, nothing of a v1.1 type is created
    assert report.ok
    assert all(not report.created.get(name) for name in NEW_TYPES)
    # and the new optional fields read "not recorded" (null), never a guessed value
    assert m.Case.objects.get(pk="C-OK").disclosable is None
    prop = m.Property.objects.get(pk="PR-OK")
    assert (prop.location, prop.unrelated, prop.unrelated_at) == (None, None, None)


@pytest.mark.parametrize(("rid", "field"), REQUIRED, ids=lambda x: x)
def test_a_missing_required_field_is_refused_naming_record_line_and_field(
    full, bundle, rid, field
) -> None:
    # given the full bundle with one required field of a v1.1 record left out
    records = copy.deepcopy(full)
    bad = by_id(records, rid)
    del bad[field]
    line = records.index(bad) + 1
    # when it is imported
    report = import_bundle([bundle(records, name="v11.jsonl")])
    # then it is refused, the error naming the record (Chinese type and id), its line and field
    assert not report.ok
    [error] = report.errors
    assert error.location == f"v11.jsonl 第{line}行"
    assert (error.record_type, error.record_id, error.field) == (bad["type"], rid, field)
    assert error.message == f"{LABELS[bad['type']]} {rid} 字段 {field}：缺少必填字段"
    # and nothing at all is stored, the v1 records of the bundle included
    assert all(not rows for rows in store_snapshot().values())


@pytest.mark.parametrize(("rid", "field", "value", "fragment"), MALFORMED)
def test_a_malformed_field_is_refused_naming_record_and_field(
    full, bundle, rid, field, value, fragment
) -> None:
    # given the full bundle with one field of one record malformed
    records = copy.deepcopy(full)
    bad = by_id(records, rid)
    bad[field] = value
    line = records.index(bad) + 1
    # when it is imported
    report = import_bundle([bundle(records, name="v11.jsonl")])
    # then exactly that record is reported, at its line, with the field and what is wrong
    assert not report.ok
    assert len(report.errors) == 1, [e.message for e in report.errors]
    [error] = report.errors
    assert error.location == f"v11.jsonl 第{line}行"
    assert (error.record_id, error.field) == (rid, field)
    assert error.message.startswith(f"{LABELS[bad['type']]} {rid} 字段 {field}：")
    assert fragment in error.message
    # and nothing is stored
    assert all(not rows for rows in store_snapshot().values())


def test_skip_invalid_stores_the_good_v1_1_records_and_refuses_the_bad(full, bundle) -> None:
    # given a review whose case does not exist, with everything else good
    records = copy.deepcopy(full)
    by_id(records, "RV-1")["case_id"] = "C-NONE"
    # when imported with --skip-invalid
    report = import_bundle([bundle(records)], skip_invalid=True)
    # then the review alone is refused and the rest is stored
    assert report.refused == {"review": 1}
    assert not m.Review.objects.exists()
    assert m.Complaint.objects.filter(pk="CP-1").exists()


def test_reimport_updates_a_changed_v1_1_record_and_leaves_the_rest(full, bundle) -> None:
    # given the full bundle imported
    import_bundle([bundle(full)])
    before = store_snapshot(stamps=True)
    # when the review is decided differently and names other officers, and the complaint is
    # re-sent unchanged
    records = copy.deepcopy(full)
    by_id(records, "RV-1").update(outcome="撤销", officer_ids=["P2", "P1"])
    report = import_bundle([bundle(records)])
    # then exactly the review is updated, in place
    assert report.ok
    assert {k: v for k, v in report.updated.items() if v} == {"review": 1}
    assert sum(report.created.values()) == 0
    review = m.Review.objects.get(pk="RV-1")
    assert review.outcome == "撤销"
    assert _links(m.ReviewOfficer, review_id="RV-1") == ["P2", "P1"]
    after = store_snapshot(stamps=True)
    assert after["complaint"] == before["complaint"]
    assert after["review"] != before["review"]


def test_deleting_v1_1_records_leaves_tombstones(full, bundle) -> None:
    # given the full bundle imported
    import_bundle([bundle(full)])
    # when every v1.1 record is deleted
    report = import_bundle([bundle(deletions_of(V11))])
    # then they are gone, their officer lists with them, each leaving a tombstone
    assert report.ok
    assert {k: v for k, v in report.deleted.items() if v} == Counter(r["type"] for r in V11)
    for name in NEW_TYPES:
        assert not getattr(m, _model_name(name)).objects.exists()
    assert not m.PropertyMovementOfficer.objects.exists()
    tombs = set(m.Tombstone.objects.values_list("record_type", "record_id"))
    assert tombs == {(r["type"], r["id"]) for r in V11}


def test_a_property_with_movements_cannot_be_deleted_alone(full, bundle) -> None:
    # given the full bundle imported
    import_bundle([bundle(full)])
    # when the property and its storing event are deleted while its movements stay
    deletions = [
        {"type": "event", "id": "PR-OK-IN", "deleted": True},
        {"type": "property", "id": "PR-OK", "deleted": True},
    ]
    report = import_bundle([bundle(deletions)])
    # then the deletion is refused, naming the movements that still reference it
    assert not report.ok
    [error] = report.errors
    assert (error.record_id, error.field) == ("PR-OK", "deleted")
    assert "仍被涉案财物流转 PM-IN（字段 property_id）等 2 条记录引用" in error.message
    assert m.Property.objects.filter(pk="PR-OK").exists()


def test_export_then_import_is_the_identity_for_v1_1(full, bundle, tmp_path) -> None:
    # given the full bundle with an unknown field on a v1.1 record imported
    records = copy.deepcopy(full)
    by_id(records, "CP-1")["信访件编号"] = "XF-2026-0931"
    import_bundle([bundle(records)])
    stored = store_snapshot()
    # when it is exported, the store emptied and the export imported again
    first = tmp_path / "first.jsonl"
    counts = export_store(first)
    assert {name: counts[name] for name in NEW_TYPES} == dict(Counter(r["type"] for r in V11))
    exported = {(r["type"], r["id"]): r for r in _read(first)}
    for record in records:
        out = exported[record["type"], record["id"]]
        assert {k: out[k] for k in record} == record, record["id"]
    assert import_bundle([bundle(deletions_of(records))]).ok
    assert import_bundle([first]).ok
    # then the store is as it was, and a second export gives the same bytes
    assert store_snapshot() == stored
    second = tmp_path / "second.jsonl"
    export_store(second)
    assert second.read_bytes() == first.read_bytes()


def test_v1_1_types_read_from_csv_as_from_json(full, bundle, tmp_path) -> None:
    # given the full bundle as a CSV folder (lists ;-separated, booleans as words)
    folder = write_csv_folder(tmp_path / "csv", full)
    # when it is imported
    report = import_bundle([folder])
    # then it stores what the JSON Lines form stores
    assert report.ok, [e.message for e in report.errors]
    from_csv = store_snapshot()
    assert import_bundle([bundle(deletions_of(full))]).ok
    assert import_bundle([bundle(full)]).ok
    assert store_snapshot() == from_csv


def test_v1_1_types_read_from_an_xlsx_workbook_as_from_json(full, bundle, tmp_path) -> None:
    # given the full bundle as a workbook, one sheet per type (property_movement among them)
    from fazhi.exchange.tests.test_formats import write_xlsx

    book = write_xlsx(tmp_path / "v11.xlsx", full)
    # when it is imported
    report = import_bundle([book])
    # then it stores what the JSON Lines form stores
    assert report.ok, [e.message for e in report.errors]
    from_xlsx = store_snapshot()
    assert import_bundle([bundle(deletions_of(full))]).ok
    assert import_bundle([bundle(full)]).ok
    assert store_snapshot() == from_xlsx


def _model_name(rtype: str) -> str:
    return "".join(part.title() for part in rtype.split("_"))
