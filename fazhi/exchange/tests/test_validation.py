"""Bad records: each kind is reported with its line, type, id, field and reason; the bundle is
refused as a whole unless ``skip_invalid``."""

from __future__ import annotations

import pytest

from fazhi.accounts.services import system_user
from fazhi.core.models import AuditEvent
from fazhi.exchange.services import import_bundle
from fazhi.exchange.tests.conftest import by_id, store_snapshot
from fazhi.records import models as m

pytestmark = pytest.mark.django_db


# (record id, fields to set (None removes), expected field, fragment of the message); a record
# without a usable type or id is one that nothing references, since references to it would
# rightly dangle too
BAD_RECORDS = [
    pytest.param("C-OK", {"kind": "民事"}, "kind", "取值“民事”不在允许范围内（刑事、行政）",
                 id="enumeration"),
    pytest.param("M-OK-JL-JAIL", {"kind": "写检讨"}, "kind", "等 30 项", id="long-enumeration"),
    pytest.param("C-OK", {"accepted_at": "2026-13-01T10:00:00"}, "accepted_at",
                 "时间格式无效“2026-13-01T10:00:00”", id="bad-time"),
    pytest.param("C-OK", {"accepted_at": "2026-09-01"}, "accepted_at", "只有日期“2026-09-01”",
                 id="date-only-time"),
    pytest.param("C-OK", {"accepted_at": 1756692000}, "accepted_at", "应为时间字符串",
                 id="time-as-number"),
    pytest.param("P1", {"qualified_at": "2020/06/01"}, "qualified_at", "日期格式无效",
                 id="bad-date"),
    pytest.param("P1", {"qualified_at": "2020-06-01T08:00:00"}, "qualified_at", "日期格式无效",
                 id="time-in-date"),
    pytest.param("C-OK", {"cause": None}, "cause", "缺少必填字段", id="missing-required"),
    pytest.param("C-OK", {"status": None}, "status", "缺少必填字段", id="missing-enum"),
    pytest.param("C-OK", {"complex": "否"}, "complex", "应为布尔值", id="bool-as-string"),
    pytest.param("P1", {"active": 1}, "active", "应为布尔值", id="bool-as-number"),
    pytest.param("PR-OK", {"quantity": "1"}, "quantity", "应为数字，实际为字符串",
                 id="number-as-string"),
    pytest.param("PR-OK", {"value": 1e15}, "value", "超出范围", id="number-too-large"),
    pytest.param("PR-OK", {"value": True}, "value", "应为数字", id="bool-as-number-field"),
    pytest.param("C-OK", {"cause": ["盗窃"]}, "cause", "应为字符串，实际为列表",
                 id="list-as-text"),
    pytest.param("C-OK", {"cause": "盗" * 101}, "cause", "超过上限 100 个字符", id="too-long"),
    pytest.param("C-OK", {"unit_id": 1}, "unit_id", "应为编号字符串", id="reference-as-number"),
    pytest.param("C-OK", {"officer_ids": "P2"}, "officer_ids", "应为编号列表", id="list-as-string"),
    pytest.param("M-OK-JL-JAIL", {"officer_ids": ["P1", "P2", "P1"]}, "officer_ids",
                 "民警 P1 在列表中重复", id="duplicate-officer"),
    pytest.param("M-OK-JL-JAIL", {"officer_ids": ["P1", 2]}, "officer_ids", "第2项“2”",
                 id="officer-as-number"),
    pytest.param("A-OK-END", {"deleted": "yes"}, "deleted", "应为布尔值", id="deleted-not-bool"),
    pytest.param("A-OK-END", {"type": "lawsuit"}, "type", "未知的记录类型“lawsuit”",
                 id="unknown-type"),
    pytest.param("A-OK-END", {"type": None}, "type", "缺少记录类型", id="missing-type"),
    pytest.param("A-OK-END", {"type": ["event"]}, "type", "未知的记录类型“[\"event\"]”",
                 id="type-as-list"),
    pytest.param("A-OK-END", {"id": "A\x00"}, "id", "空字符", id="id-with-nul"),
    pytest.param("C-OK", {"cause": "盗\x00窃"}, "cause", "空字符", id="text-with-nul"),
    pytest.param("C-OK", {"tags": {"k": "\x00"}}, "", "扩展字段含有空字符", id="extra-with-nul"),
    pytest.param("A-OK-END", {"id": None}, "id", "缺少编号", id="missing-id"),
    pytest.param("A-OK-END", {"id": 17}, "id", "应为字符串", id="id-as-number"),
    pytest.param("A-OK-END", {"id": "C" * 65}, "id", "超过上限 64", id="id-too-long"),
]  # fmt: skip


@pytest.mark.parametrize(("rid", "fields", "field", "fragment"), BAD_RECORDS)
def test_each_kind_of_bad_record_is_reported(clean, bundle, rid, fields, field, fragment) -> None:
    # given the example with one record made bad
    records = [dict(r) for r in clean]
    line = records.index(by_id(records, rid)) + 1
    bad = records[line - 1]
    for name, value in fields.items():
        if value is None:
            bad.pop(name)
        else:
            bad[name] = value
    # when it is imported
    report = import_bundle([bundle(records, name="b.jsonl")])
    # then the bundle is refused with exactly that record reported, at its line
    assert not report.ok
    assert len(report.errors) == 1, [str(e) for e in report.errors]
    [error] = report.errors
    assert error.location == f"b.jsonl 第{line}行"
    assert error.field == field
    assert fragment in error.message
    assert sum(report.refused.values()) == 1
    # and nothing at all is stored
    assert all(not rows for rows in store_snapshot().values())


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ('{"type": "unit", "id": "U9", "name": "x",', "不是有效的 JSON"),
        ('["unit", "U9"]', "应为 JSON 对象"),
        ("unit,U9", "不是有效的 JSON"),
    ],
)
def test_a_line_that_is_not_a_json_object_is_reported(bundle, line, fragment) -> None:
    # given a bundle with one good unit and one broken line
    good = {"type": "unit", "id": "U0", "name": "示范县公安局", "kind": "县局"}
    report = import_bundle([bundle([good, line], name="b.jsonl")])
    # then the broken line is reported and nothing is stored
    assert not report.ok
    [error] = report.errors
    assert error.location == "b.jsonl 第2行"
    assert fragment in error.message
    assert not m.Unit.objects.exists()


def test_blank_lines_are_skipped(bundle) -> None:
    # given a unit between blank lines
    good = {"type": "unit", "id": "U0", "name": "示范县公安局", "kind": "县局"}
    # when imported, then the blank lines are no records and no errors
    report = import_bundle([bundle(["", good, "   "])])
    assert report.ok
    assert report.total == 1


def test_every_bad_record_is_reported_not_just_the_first(clean, bundle, changed) -> None:
    # given four bad records of different kinds far apart in the bundle
    records = changed(clean, "U2", kind="大队")
    records = changed(records, "C-OK", accepted_at="yesterday")
    records = changed(records, "A-OK-END", officer_ids=["P1", "P404"])
    records = changed(records, "M-A-OK-JL", kind="劳动教养", started_at="2026-09-18")
    # when imported
    report = import_bundle([bundle(records, name="b.jsonl")])
    # then all are reported, in bundle order, one line per bad field
    assert not report.ok
    got = [(e.record_id, e.field) for e in report.errors]
    assert got == [
        ("U2", "kind"),
        ("C-OK", "accepted_at"),
        ("M-A-OK-JL", "kind"),
        ("M-A-OK-JL", "started_at"),
        ("A-OK-END", "officer_ids"),
    ]
    # and each bad record is counted once
    assert report.refused == {"unit": 1, "case": 1, "measure": 1, "event": 1}


def test_all_or_nothing_nothing_is_stored_when_one_record_is_bad(clean, bundle, changed) -> None:
    # given the example stored, and a bundle with a good change, a new record and a bad record
    import_bundle([bundle(clean)])
    before = store_snapshot(stamps=True)
    records = changed(clean, "C-OK", status="移送审查起诉")
    records.append(
        {"type": "unit", "id": "U4", "name": "城东派出所", "kind": "派出所", "parent_id": "U0"}
    )
    records = changed(records, "I-A-OK", source="微信")
    # when it is imported
    report = import_bundle([bundle(records)], actor=system_user())
    # then nothing changes: neither the good update nor the new record is stored
    assert not report.ok
    assert report.created == report.updated == report.deleted == {}
    assert store_snapshot(stamps=True) == before
    # and the refused attempt is still audited
    event = AuditEvent.objects.filter(action="import").latest("id")
    assert event.details["ok"] is False
    assert event.details["errors"] == 1


def test_all_or_nothing_reports_the_cause_not_the_records_that_depend_on_it(
    clean, bundle, changed
) -> None:
    # given a bad case that other records of the bundle reference
    report = import_bundle([bundle(changed(clean, "C-OK", kind="民事"))])
    # then only the case is reported: fixing it is all that is needed
    assert [(e.record_id, e.field) for e in report.errors] == [("C-OK", "kind")]


def test_skip_invalid_stores_the_good_and_refuses_the_bad_and_its_dependents(
    clean, bundle, changed
) -> None:
    # given the example with one bad person, referenced by measures, events, transcripts, …
    records = changed(clean, "W-OK", role="嫌疑人")
    # when imported with skip_invalid
    report = import_bundle([bundle(records, name="b.jsonl")], skip_invalid=True)
    # then the import succeeds and the other case is stored whole
    assert report.ok
    assert m.Person.objects.filter(pk="S-OK").exists()
    assert m.Case.objects.filter(pk="A-OK").exists()
    # and the bad person is refused for its own fault
    first = report.errors[0]
    assert (first.record_id, first.field) == ("W-OK", "role")
    # and every record naming it is refused too, saying why
    dependents = {e.record_id for e in report.errors[1:]}
    naming_w_ok = {r["id"] for r in clean if r.get("person_id") == "W-OK"}
    # events on the refused measures are refused in a further round
    on_measures = {r["id"] for r in clean if r.get("measure_id") in naming_w_ok}
    assert dependents == naming_w_ok | on_measures
    assert all("有错误未能导入，本记录一并拒绝" in e.message for e in report.errors[1:])
    assert not m.Person.objects.filter(pk="W-OK").exists()
    assert not m.Event.objects.filter(pk__in=dependents).exists()
    assert sum(report.refused.values()) == 1 + len(dependents)
    assert sum(report.created.values()) == 48 - 1 - len(dependents)


def test_skip_invalid_keeps_the_stored_version_of_a_refused_record(clean, bundle, changed) -> None:
    # given the example stored
    import_bundle([bundle(clean)])
    # when a bad version of a case arrives with skip_invalid
    report = import_bundle(
        [bundle(changed(clean, "C-OK", status="结案", closed_at="soon"))], skip_invalid=True
    )
    # then the stored case is kept as it was, and its persons etc. are not refused
    assert report.ok
    assert [(e.record_id, e.field) for e in report.errors] == [("C-OK", "closed_at")]
    assert m.Case.objects.get(pk="C-OK").status == "侦查中"
    assert report.refused == {"case": 1}


def test_skip_invalid_refuses_a_blocked_deletion_and_keeps_the_record(clean, bundle) -> None:
    # given the example stored
    import_bundle([bundle(clean)])
    # when a referenced case and an unreferenced event are deleted with skip_invalid
    deletions = [{"type": "case", "id": "C-OK", "deleted": True},
                 {"type": "event", "id": "A-OK-END", "deleted": True}]  # fmt: skip
    report = import_bundle([bundle(deletions)], skip_invalid=True)
    # then the event is deleted and the case, still referenced, is kept
    assert report.ok
    assert report.deleted["event"] == 1
    assert [e.record_id for e in report.errors] == ["C-OK"]
    assert m.Case.objects.filter(pk="C-OK").exists()
