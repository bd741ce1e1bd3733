"""Import semantics of FZX (exchange-format.md): upsert, re-import, deletion, references."""

from __future__ import annotations

import copy
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model

from fazhi.core.models import AuditEvent
from fazhi.exchange.services import import_bundle
from fazhi.exchange.tests.conftest import by_id, deletions_of, store_snapshot
from fazhi.records import models as m

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def tester() -> Any:
    """The person importing or exporting (actors are platform users)."""
    return get_user_model().objects.get_or_create(username="tester")[0]


def officer_ids(link_model, **owner) -> list[str]:
    return list(
        link_model.objects.filter(**owner).order_by("position").values_list("officer_id", flat=True)
    )


def test_clean_cases_import_with_no_error(clean, bundle) -> None:
    # given the spec's example bundle
    path = bundle(clean, name="clean.jsonl")
    # when it is imported into an empty store
    report = import_bundle([path], actor=tester())
    # then every record is created and nothing is refused
    assert report.ok
    assert report.errors == []
    assert report.total == 48
    assert {k: v for k, v in report.created.items() if v} == Counter(r["type"] for r in clean)
    assert sum(report.refused.values()) == 0
    assert m.Event.objects.count() == 15
    # and the values are stored as FZX means them
    case = m.Case.objects.get(pk="C-OK")
    assert case.accepted_at == datetime(2026, 9, 1, 10, 0, tzinfo=SHANGHAI)
    assert case.closed_at is None
    assert (case.unit_id, case.lead_officer_id, case.incident_id) == ("U1", "P1", "I-OK")
    assert officer_ids(m.EventOfficer, event_id="M-OK-JL-JAIL") == ["P1", "P2"]
    assert m.Property.objects.get(pk="PR-OK").value == Decimal("2300.00")
    assert m.Officer.objects.get(pk="P1").qualified_at == date(2020, 6, 1)
    assert m.Unit.objects.get(pk="U0").parent_id is None


def test_one_audit_row_per_import_with_counts_and_files(clean, bundle) -> None:
    # given the example bundle
    path = bundle(clean, name="clean.jsonl")
    # when it is imported
    import_bundle([path], actor=tester())
    # then exactly one audit row describes it
    event = AuditEvent.objects.get(action="import")
    assert event.actor == "tester"
    assert event.details["files"] == [str(path)]
    assert event.details["created"]["event"] == 15
    assert event.details["ok"] is True


def test_reimporting_the_same_bundle_changes_nothing(clean, bundle) -> None:
    # given the example imported once
    path = bundle(clean)
    import_bundle([path])
    before = store_snapshot(stamps=True)
    # when the same bundle is imported again
    report = import_bundle([path])
    # then nothing is created or updated, and no changed_at moves
    assert report.ok
    assert sum(report.created.values()) == sum(report.updated.values()) == 0
    assert sum(report.unchanged.values()) == 48
    assert store_snapshot(stamps=True) == before


def test_upsert_replaces_the_whole_record(clean, bundle, changed) -> None:
    # given the example imported
    import_bundle([bundle(clean)])
    stamps = dict(m.Incident.objects.values_list("id", "changed_at"))
    # when I-OK comes again with another address, no reporter name and one officer
    incident = by_id(clean, "I-OK")
    update = {k: v for k, v in incident.items() if k != "reporter_name"}
    update.update(address="示范县城南街道人民路14号", officer_ids=["P2"])
    report = import_bundle([bundle([update])])
    # then the changed value is replaced, the absent optional field becomes null
    assert report.updated["incident"] == 1
    stored = m.Incident.objects.get(pk="I-OK")
    assert stored.address == "示范县城南街道人民路14号"
    assert stored.reporter_name is None
    # and the officer list is replaced
    assert officer_ids(m.IncidentOfficer, incident_id="I-OK") == ["P2"]
    # and only the changed record has a new changed_at
    assert stored.changed_at > stamps["I-OK"]
    assert m.Incident.objects.get(pk="I-A-OK").changed_at == stamps["I-A-OK"]


def test_absent_field_with_a_default_takes_the_default(clean, bundle) -> None:
    # given officer P4 stored as no longer active
    officer = by_id(clean, "P4")
    import_bundle([bundle([by_id(clean, "U0"), by_id(clean, "U1"), {**officer, "active": False}])])
    # when P4 comes again without the field
    report = import_bundle([bundle([{k: v for k, v in officer.items() if k != "active"}])])
    # then it takes the schema default (active)
    assert report.updated["officer"] == 1
    assert m.Officer.objects.get(pk="P4").active is True


def test_reordering_an_officer_list_is_an_update(clean, bundle, changed) -> None:
    # given the example imported
    import_bundle([bundle(clean)])
    # when one event lists the same officers in the other order
    report = import_bundle([bundle(changed(clean, "M-OK-JL-JAIL", officer_ids=["P2", "P1"]))])
    # then that event alone is updated, with the new order
    assert report.updated == {**dict.fromkeys(report.updated, 0), "event": 1}
    assert officer_ids(m.EventOfficer, event_id="M-OK-JL-JAIL") == ["P2", "P1"]


def test_unknown_fields_are_kept_in_extra_and_replaced_on_upsert(clean, bundle, changed) -> None:
    # given a case with two fields FZX does not define
    first = changed(clean, "C-OK", 办案系统编号="A330122", tags=["重点"])
    report = import_bundle([bundle(first)])
    # then they are kept, not reported
    assert report.errors == []
    assert m.Case.objects.get(pk="C-OK").extra == {"办案系统编号": "A330122", "tags": ["重点"]}
    # when the case comes again with only one of them
    report = import_bundle([bundle(changed(clean, "C-OK", tags=["普通"]))])
    # then extra is replaced as a whole
    assert report.updated["case"] == 1
    assert m.Case.objects.get(pk="C-OK").extra == {"tags": ["普通"]}


def test_a_deletion_removes_the_record_and_leaves_a_tombstone(clean, bundle) -> None:
    # given the example imported
    import_bundle([bundle(clean)])
    # when an event nobody references is deleted
    deletion = bundle(deletions_of([by_id(clean, "C-OK-RC")]))
    report = import_bundle([deletion])
    # then it is gone with its officer list, and a tombstone records it
    assert report.ok
    assert report.deleted["event"] == 1
    assert not m.Event.objects.filter(pk="C-OK-RC").exists()
    assert not m.EventOfficer.objects.filter(event_id="C-OK-RC").exists()
    assert m.Tombstone.objects.filter(record_type="event", record_id="C-OK-RC").count() == 1
    # when the same deletion is imported again, it changes nothing
    again = import_bundle([deletion])
    assert again.ok
    assert sum(again.deleted.values()) == 0
    assert m.Tombstone.objects.count() == 1


def test_deleting_a_referenced_record_is_an_error_of_the_deletion(clean, bundle) -> None:
    # given the example imported
    import_bundle([bundle(clean)])
    before = store_snapshot(stamps=True)
    # when person S-OK is deleted while measures, events and transcripts still name it
    report = import_bundle([bundle(deletions_of([by_id(clean, "S-OK")]), name="del.jsonl")])
    # then the deletion is refused and the error names a referrer
    assert not report.ok
    [error] = report.errors
    assert (error.location, error.record_type, error.record_id) == (
        "del.jsonl 第1行",
        "person",
        "S-OK",
    )
    assert "不能删除" in error.message
    assert "引用" in error.message
    assert store_snapshot(stamps=True) == before


def test_deleting_a_record_together_with_everything_that_references_it(clean, bundle) -> None:
    # given the example imported
    import_bundle([bundle(clean)])
    # when the administrative case and every record of it are deleted in one bundle
    case_records = [r for r in clean if r["id"] == "A-OK" or r.get("case_id") == "A-OK"]
    report = import_bundle([bundle(deletions_of(case_records))])
    # then all of them are gone
    assert report.ok, [str(e) for e in report.errors]
    assert sum(report.deleted.values()) == len(case_records)
    assert not m.Case.objects.filter(pk="A-OK").exists()
    assert m.Case.objects.filter(pk="C-OK").exists()


def test_deleting_an_officer_still_listed_on_an_event_is_refused(clean, bundle) -> None:
    # given an officer who is only named in officer lists
    records = [r for r in clean if r["type"] in ("unit", "officer")]
    event = {"type": "event", "id": "E1", "kind": "权利义务告知", "at": "2026-09-01T10:00:00",
             "officer_ids": ["P3", "P4"]}  # fmt: skip
    import_bundle([bundle([*records, event])])
    # when P4 is deleted
    report = import_bundle([bundle(deletions_of([by_id(clean, "P4")]))])
    # then the deletion is refused, naming the event and the list field
    assert not report.ok
    [error] = report.errors
    assert error.record_id == "P4"
    assert "E1" in error.message
    assert "officer_ids" in error.message


def test_deleting_a_record_a_bundled_record_references_is_refused(clean, bundle) -> None:
    # given the example imported
    import_bundle([bundle(clean)])
    # when one bundle adds an event on property PR-OK and deletes PR-OK's other event and PR-OK
    event = {"type": "event", "id": "PR-OK-OUT", "kind": "财物返还", "at": "2026-09-20T10:00:00",
             "case_id": "C-OK", "property_id": "PR-OK", "officer_ids": ["P1", "P2"]}  # fmt: skip
    deletions = deletions_of([by_id(clean, "PR-OK-IN"), by_id(clean, "PR-OK")])
    report = import_bundle([bundle([event, *deletions])])
    # then only the deletion of PR-OK is wrong: the new event still needs it
    assert not report.ok
    [error] = report.errors
    assert error.record_id == "PR-OK"
    assert "PR-OK-OUT" in error.message


def test_a_reference_to_a_record_stored_earlier_resolves(clean, bundle) -> None:
    # given the organisation imported first
    organisation = [r for r in clean if r["type"] in ("unit", "officer", "venue")]
    import_bundle([bundle(organisation)])
    # when the cases come in a second bundle
    report = import_bundle([bundle([r for r in clean if r not in organisation])])
    # then their references to units, officers and venues resolve in the store
    assert report.ok, [str(e) for e in report.errors]
    assert m.Transcript.objects.get(pk="T-A-OK").venue_id == "V2"


def test_a_dangling_reference_is_an_error_naming_record_field_and_id(
    clean, bundle, changed
) -> None:
    # given the example with one case pointing at a unit nobody has
    records = changed(clean, "C-OK", unit_id="U9")
    path = bundle(records, name="clean.jsonl")
    # when it is imported
    report = import_bundle([path])
    # then the case is the bad record, at its line, with the field and the missing id
    assert not report.ok
    [error] = report.errors
    line = records.index(by_id(records, "C-OK")) + 1
    assert error.location == f"clean.jsonl 第{line}行"
    assert (error.record_type, error.record_id, error.field) == ("case", "C-OK", "unit_id")
    assert error.message == "案件 C-OK 字段 unit_id：引用的单位 U9 不存在"
    assert str(error) == f"clean.jsonl 第{line}行：案件 C-OK 字段 unit_id：引用的单位 U9 不存在"


def test_a_dangling_officer_in_a_list_is_an_error(clean, bundle, changed) -> None:
    # given an event listing an officer nobody has
    report = import_bundle([bundle(changed(clean, "A-OK-END", officer_ids=["P1", "P99"]))])
    # then the event is refused, naming the list field and the missing officer
    assert not report.ok
    [error] = report.errors
    assert (error.record_id, error.field) == ("A-OK-END", "officer_ids")
    assert "民警 P99 不存在" in error.message


def test_a_reference_to_a_record_deleted_earlier_dangles(clean, bundle) -> None:
    # given an incident imported and then deleted by a second import
    import_bundle([bundle(clean)])
    incident = {**by_id(clean, "I-OK"), "id": "I-NEW"}
    import_bundle([bundle([incident])])
    import_bundle([bundle(deletions_of([incident]))])
    # when a case names that incident
    case = {**by_id(clean, "A-OK"), "id": "A-NEW", "incident_id": "I-NEW"}
    report = import_bundle([bundle([case])])
    # then its reference dangles
    assert not report.ok
    assert [(e.record_id, e.field) for e in report.errors] == [("A-NEW", "incident_id")]


def test_a_reference_to_a_record_the_same_bundle_deletes_is_the_deletion_s_error(
    clean, bundle
) -> None:
    # given the example imported
    import_bundle([bundle(clean)])
    # when one bundle deletes incident I-A-OK and brings a follow-up on it
    followup = {"type": "followup", "id": "F1", "incident_id": "I-A-OK", "officer_id": "P1",
                "at": "2026-09-25T10:00:00", "result": "已化解"}  # fmt: skip
    report = import_bundle([bundle([followup, *deletions_of([by_id(clean, "I-A-OK")])])])
    # then the deletion is refused (the follow-up, a case and itself still need the incident)
    assert not report.ok
    assert [(e.record_type, e.record_id) for e in report.errors] == [("incident", "I-A-OK")]


def test_a_record_named_twice_is_refused_naming_both_lines(clean, bundle) -> None:
    # given a bundle naming unit U3 twice, the second time renamed
    second = {**by_id(clean, "U3"), "name": "法制大队（新）"}
    # when it is imported
    report = import_bundle([bundle([*clean, second], name="twice.jsonl")])
    # then it is refused: the second line is reported, naming the first
    assert not report.ok
    [error] = report.errors
    assert (error.location, error.record_type, error.record_id, error.field) == (
        "twice.jsonl 第49行",
        "unit",
        "U3",
        "id",
    )
    assert "与 twice.jsonl 第4行 是同一记录" in error.message
    # and nothing is stored
    assert not m.Unit.objects.exists()


def test_a_deletion_and_the_same_record_again_in_one_bundle_are_refused(clean, bundle) -> None:
    # given the example imported
    import_bundle([bundle(clean)])
    before = store_snapshot(stamps=True)
    # when one bundle deletes an event and then brings it back changed
    event = {**by_id(clean, "C-OK-RC"), "note": "补录"}
    report = import_bundle([bundle([*deletions_of([event]), event])])
    # then the bundle is refused and the store is as it was
    assert not report.ok
    assert [(e.record_id, e.field) for e in report.errors] == [("C-OK-RC", "id")]
    assert store_snapshot(stamps=True) == before


def test_skip_invalid_keeps_the_stored_version_of_a_record_named_twice(clean, bundle) -> None:
    # given the example imported
    import_bundle([bundle(clean)])
    # when a bundle names unit U3 twice and brings a new unit, with --skip-invalid
    twice = [{**by_id(clean, "U3"), "name": f"法制大队{n}"} for n in (1, 2)]
    new = {"type": "unit", "id": "U4", "name": "城东派出所", "kind": "派出所", "parent_id": "U0"}
    report = import_bundle([bundle([*twice, new])], skip_invalid=True)
    # then the new unit is stored, and U3 keeps its stored name
    assert report.refused == {"unit": 1}
    assert report.created["unit"] == 1
    assert m.Unit.objects.get(pk="U3").name == "法制大队"


def test_facts_the_patrol_judges_are_accepted(clean, bundle, changed) -> None:
    # given records that break rules SJ-01..04 but not the format
    records = changed(clean, "S-OK", id_number="330122199004121232", birth_date="1991-01-01")
    records = changed(records, "M-OK-JL", ended_at="2026-09-02T09:00:00+08:00")
    records = changed(records, "C-OK", lead_officer_id=None)
    # when they are imported
    report = import_bundle([bundle(records)])
    # then they are stored as they are, for the patrol to report
    assert report.ok, [str(e) for e in report.errors]
    assert m.Case.objects.get(pk="C-OK").lead_officer_id is None
    assert m.Person.objects.get(pk="S-OK").id_number == "330122199004121232"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-05T14:20:00+08:00", datetime(2026, 3, 5, 14, 20, tzinfo=SHANGHAI)),
        ("2026-03-05T14:20:00", datetime(2026, 3, 5, 14, 20, tzinfo=SHANGHAI)),
        ("2026-03-05T06:20:00Z", datetime(2026, 3, 5, 14, 20, tzinfo=SHANGHAI)),
        ("2026-03-05T07:20:00+01:00", datetime(2026, 3, 5, 14, 20, tzinfo=SHANGHAI)),
        ("2026-03-05 14:20", datetime(2026, 3, 5, 14, 20, tzinfo=SHANGHAI)),
        ("2026-03-05T14:20:00.250+08:00", datetime(2026, 3, 5, 14, 20, 0, 250000, SHANGHAI)),
        # Asia/Shanghai kept summer time in 1986–1991: local 14:20 was 05:20 UTC then
        ("1988-07-01T14:20:00", datetime(1988, 7, 1, 14, 20, tzinfo=SHANGHAI)),
    ],
)
def test_times_with_or_without_offset(clean, bundle, changed, text, expected) -> None:
    # given a case accepted at a time written in one of the accepted ways
    report = import_bundle([bundle(changed(clean, "C-OK", accepted_at=text))])
    # then it is stored as that instant (no offset meaning Asia/Shanghai)
    assert report.ok, [str(e) for e in report.errors]
    assert m.Case.objects.get(pk="C-OK").accepted_at == expected


def test_numbers_are_rounded_to_their_column(clean, bundle, changed) -> None:
    # given amounts with more decimals than the column keeps
    records = changed(clean, "PR-OK", value=2300.456, quantity=1.5)
    # when imported
    report = import_bundle([bundle(records)])
    # then they are rounded (half up) to 分 and to the quantity's thousandths
    assert report.ok
    stored = m.Property.objects.get(pk="PR-OK")
    assert (stored.value, stored.quantity) == (Decimal("2300.46"), Decimal("1.500"))
    # and importing the same numbers again changes nothing
    assert sum(import_bundle([bundle(records)]).updated.values()) == 0


def test_an_empty_bundle_is_fine(bundle) -> None:
    # given an empty file, when imported, then nothing happens and nothing is wrong
    report = import_bundle([bundle([])])
    assert report.ok
    assert report.total == 0


# Text that the stage tables' loading must carry unchanged: COPY's delimiters and escapes
# (tab, newline, carriage return, backslash, \N, a lone period line), quotes, and non-BMP text.
HOSTILE = "a\tb\nc\r\nd\\e\\N\\\\N \"引号\" '单' \\.\n.\n\\x41 ,;| 𠀀 end\\"


def test_hostile_text_and_json_are_stored_exactly_and_reimport_unchanged(clean, bundle) -> None:
    # given the example bundle with hostile text in free-text fields and in extra (JSON)
    records = copy.deepcopy(clean)
    by_id(records, "C-OK")["cause"] = HOSTILE
    by_id(records, "M-OK-JL-T")["text"] = HOSTILE * 3
    extra = {"备注": HOSTILE, "nested": {"list": [HOSTILE, None, 1.5, True, ""], "\\N": "\t"}}
    by_id(records, "C-OK-RC")["tags"] = extra
    path = bundle(records)
    # when it is imported
    report = import_bundle([path], actor=tester())
    # then every value reads back exactly as written
    assert report.ok, report.errors
    assert m.Case.objects.get(pk="C-OK").cause == HOSTILE
    assert m.Transcript.objects.get(pk="M-OK-JL-T").text == HOSTILE * 3
    assert m.Event.objects.get(pk="C-OK-RC").extra == {"tags": extra}
    # and importing the same bundle again finds nothing changed (stage and store compare equal)
    before = store_snapshot(stamps=True)
    again = import_bundle([path], actor=tester())
    assert again.ok
    assert sum(again.updated.values()) == 0
    assert sum(again.unchanged.values()) == 48
    assert store_snapshot(stamps=True) == before
