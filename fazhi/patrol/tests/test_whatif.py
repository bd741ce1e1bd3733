"""试运行 (what-if): a proposed setting tried on the store without changing it — what it adds,
removes and changes on hand-written cases; that it equals a real run with the same settings; that
the live store is untouched; the CLI contract; who may; adopting it as a recorded rule change."""

from __future__ import annotations

import json
from datetime import datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fazhi.accounts.services import system_user
from fazhi.core.models import AuditEvent
from fazhi.exchange.services import import_bundle
from fazhi.patrol.models import Finding, PatrolRun, Rule, RuleChange, WhatIfRun
from fazhi.patrol.services import PatrolError, change_rule, run_patrol
from fazhi.patrol.tests.conftest import AS_OF, load_records, set_field, t
from fazhi.patrol.whatif import what_if
from fazhi.synth import services as synth

pytestmark = pytest.mark.django_db


def refusal(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The clean case with the procuratorate refusing the arrest (09-09 10:00); the detention
    ends at 15:00, five hours later, within the 12-hour local standard of XS-DB-01."""
    return set_field(records, "M-OK-APPROVE", kind="不批准逮捕")


def editor() -> Any:
    """A rule editor (an administrator) for the real rule changes the trials are checked against."""
    from django.contrib.auth.models import User

    return User.objects.get_or_create(username="fz-admin", defaults={"is_superuser": True})[0]


def store_rows() -> dict[str, Any]:
    return {
        "findings": sorted(Finding.objects.values_list("rule_id", "subject_id", "status",
                                                       "due_at", "is_open", "digest")),
        "runs": PatrolRun.objects.count(),
        "rules": sorted(Rule.objects.values_list("code", "overrides", "enabled")),
        "changes": RuleChange.objects.count(),
    }  # fmt: skip


# --- what it reports, on hand-written cases ----------------------------------------------------


def test_a_shorter_limit_adds_a_late_release(clean_records: Any) -> None:
    # given the refusal and the release five hours later, patrolled clean under 12 hours
    load_records(refusal(clean_records))
    # when a limit of 4 hours is tried
    _run, outcome = what_if(
        actor=system_user(), rule_code="XS-DB-01", settings={"limit": "4小时"}, as_of=AS_OF
    )
    # then the release at 15:00 would be late (due 14:00): one finding added, none removed
    assert outcome.added == [{"subject_type": "event", "subject_id": "M-OK-APPROVE",
                              "status": "late"}]  # fmt: skip
    assert (outcome.baseline, outcome.proposed, outcome.removed, outcome.changed) == (0, 1, [], [])
    assert outcome.settings["limit"] == "4小时"


def test_a_longer_limit_removes_a_late_release(clean_records: Any) -> None:
    # given a release at 23:00, 13 hours after the refusal: late under 12 hours
    load_records(set_field(refusal(clean_records), "M-OK-JL", ended_at=t("2026-09-09 23:00")))
    # when 24 hours is tried
    _run, outcome = what_if(
        actor=system_user(), rule_code="XS-DB-01", settings={"limit": "24小时"}, as_of=AS_OF
    )
    # then the late finding would go
    assert outcome.removed == [{"subject_type": "event", "subject_id": "M-OK-APPROVE",
                                "status": "late"}]  # fmt: skip
    assert outcome.added == []


def test_a_changed_due_time_is_reported_even_when_the_status_stays(clean_records: Any) -> None:
    # given a detention never ended after the refusal: overdue under 12 hours (due 22:00)
    load_records(set_field(refusal(clean_records), "M-OK-JL", ended_at=None))
    # when 4 hours is tried
    _run, outcome = what_if(
        actor=system_user(), rule_code="XS-DB-01", settings={"limit": "4小时"}, as_of=AS_OF
    )
    # then still overdue, but due at 14:00 instead of 22:00
    [row] = outcome.changed
    assert (row["from"], row["to"]) == ("overdue", "overdue")
    assert datetime.fromisoformat(row["due_from"]) == datetime.fromisoformat(t("2026-09-09 22:00"))
    assert datetime.fromisoformat(row["due_to"]) == datetime.fromisoformat(t("2026-09-09 14:00"))


def test_the_run_is_kept_with_counts_tables_and_examples_and_audited(clean_records: Any) -> None:
    load_records(refusal(clean_records))
    run, _outcome = what_if(
        actor=system_user(), rule_code="XS-DB-01", settings={"limit": "4小时"}, as_of=AS_OF
    )
    stored = WhatIfRun.objects.get(pk=run.pk)
    assert stored.counts == {"baseline": 0, "proposed": 1, "added": 1, "removed": 0, "changed": 0}
    assert stored.proposal == {"limit": "4小时"}
    assert [(r["status"], r["added"]) for r in stored.by_status] == [("late", 1)]
    assert [r["added"] for r in stored.by_unit] == [1]
    assert stored.examples["added"][0]["case_id"] == "C-OK"
    event = AuditEvent.objects.get(action="rule.whatif")
    assert event.target_id == "XS-DB-01"
    assert event.details["whatif"] == run.pk


# --- it equals a real run, and touches nothing ---------------------------------------------------


def test_what_if_equals_a_real_run_with_the_same_settings_and_leaves_the_store_as_it_was(
    clean_records: Any,
) -> None:
    # given the never-ended detention, patrolled with the current settings
    load_records(set_field(refusal(clean_records), "M-OK-JL", ended_at=None))
    run_patrol(as_of=AS_OF, actor=system_user())
    before = store_rows()
    # when 4 hours is tried
    _run, outcome = what_if(
        actor=system_user(), rule_code="XS-DB-01", settings={"limit": "4小时"}, as_of=AS_OF
    )
    # then no finding, run, rule setting or change was written
    assert store_rows() == before
    # and when the change is made for real and the patrol runs, it finds what the trial said
    change_rule(Rule.objects.get(pk="XS-DB-01"), actor=editor(), reason="试行4小时",
                settings={"limit": "4小时"})  # fmt: skip
    run_patrol(as_of=AS_OF, actor=system_user())
    real = {
        (f.subject_type, f.subject_id): (f.status, f.due_at)
        for f in Finding.objects.open().filter(rule_id="XS-DB-01")
    }
    tried = {
        (r["subject_type"], r["subject_id"]): (r["to"], datetime.fromisoformat(r["due_to"]))
        for r in outcome.changed
    }
    assert real == tried


TINY = synth.Scale("tiny", cities=0, counties_per_city=0, size=0.01)
CASES: list[tuple[str, dict[str, Any]]] = [
    ("XS-JL-04", {"limit": "2日"}),
    ("GF-XW-04", {"chars_per_minute": 5}),
    ("GF-CW-01", {"limit": "12小时"}),
    ("ZN-JF-01", {"min_count": 5}),
]


@pytest.fixture(scope="module")
def tiny_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("whatif") / "tiny.jsonl"
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(synth.SCALES, TINY.name, TINY)
        synth.generate(synth.Options(TINY.name, 11, out, as_of="2026-11-01T00:00:00+08:00"))
    return out


@pytest.mark.slow
def test_on_a_generated_county_what_if_equals_the_real_run_for_several_rules(
    tiny_bundle: Path,
) -> None:
    # given a small generated county, imported and patrolled
    as_of = datetime.fromisoformat("2026-11-01T00:00:00+08:00")
    assert import_bundle([tiny_bundle], actor=system_user()).ok
    run_patrol(as_of=as_of, actor=system_user())
    for code, settings in CASES:
        before = store_rows()
        stored = {
            (f.subject_type, f.subject_id): f.status
            for f in Finding.objects.open().filter(rule_id=code)
        }
        # when each rule's proposal is tried
        _run, outcome = what_if(actor=system_user(), rule_code=code, settings=settings,
                                as_of=as_of)  # fmt: skip
        # then the store is as it was, and the trial's baseline is what the patrol stored
        assert store_rows() == before, code
        assert outcome.baseline == len(stored), code
        predicted = dict(stored)
        for row in outcome.removed:
            del predicted[(row["subject_type"], row["subject_id"])]
        for row in outcome.added:
            predicted[(row["subject_type"], row["subject_id"])] = row["status"]
        for row in outcome.changed:
            predicted[(row["subject_type"], row["subject_id"])] = row["to"]
        # and the real run with those settings finds exactly what the trial predicted
        change_rule(Rule.objects.get(pk=code), actor=editor(), reason="核对试运行",
                    settings=settings)  # fmt: skip
        run_patrol(as_of=as_of, actor=system_user(), codes=[code])
        real = {
            (f.subject_type, f.subject_id): f.status
            for f in Finding.objects.open().filter(rule_id=code)
        }
        assert real == predicted, code
        assert outcome.added or outcome.removed or outcome.changed, f"{code}: nothing to compare"


# --- a proposed new rule -------------------------------------------------------------------------

ENTRY = """
[pack]
code = "proposal"

[laws]
CPL = "《中华人民共和国刑事诉讼法》"

[[rule]]
code = "XS-DB-09"
name = "不批捕后四小时内未释放"
kind = "deadline"
check = "event_measure_end"
severity = "较重"
basis = ["CPL:91"]
params = { event_kinds = ["不批准逮捕"], measure_kinds = ["刑事拘留"] }
settings = { limit = "4小时", custody = true }
"""


def test_a_proposed_pack_entry_reports_everything_it_would_find_as_added(
    clean_records: Any,
) -> None:
    load_records(refusal(clean_records))
    run, outcome = what_if(actor=system_user(), entry=ENTRY, as_of=AS_OF)
    assert run.rule_code == "XS-DB-09"
    assert run.entry.strip().startswith("[pack]")
    assert [(r["subject_id"], r["status"]) for r in outcome.added] == [("M-OK-APPROVE", "late")]
    assert not Rule.objects.filter(pk="XS-DB-09").exists()


def test_a_malformed_pack_entry_is_refused_naming_the_problem(db: Any) -> None:
    with pytest.raises(PatrolError) as caught:
        what_if(actor=system_user(), entry=ENTRY.replace('check = "event_measure_end"',
                                                         'check = "no_such_check"'))  # fmt: skip
    assert "no_such_check" in caught.value.message


# --- refused -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["zhang", "li", "sun", "wu"])
def test_only_the_legal_brigade_and_administrators_may_try_a_rule(bureau: Any, name: str) -> None:
    with pytest.raises(PatrolError) as caught:
        what_if(actor=bureau.users[name], rule_code="XS-DB-01", settings={"limit": "4小时"})
    assert caught.value.code == "not_allowed"
    assert not WhatIfRun.objects.exists()


def test_the_legal_brigade_may_try_a_rule(bureau: Any) -> None:
    from fazhi.patrol.pack import load_pack
    from fazhi.patrol.services import sync_rules

    sync_rules(load_pack())
    run, _outcome = what_if(actor=bureau.users["zhou"], rule_code="XS-DB-01",
                            settings={"limit": "4小时"})  # fmt: skip
    assert run.created_by == "zhou"


def test_an_unknown_or_malformed_setting_is_refused_naming_rule_and_key(clean_records: Any) -> None:
    load_records(clean_records)
    with pytest.raises(PatrolError) as caught:
        what_if(actor=system_user(), rule_code="XS-DB-01", settings={"limt": "4小时"})
    assert "XS-DB-01" in caught.value.message
    assert "limt" in caught.value.message
    with pytest.raises(PatrolError) as caught:
        what_if(actor=system_user(), rule_code="XS-DB-01", settings={"limit": "四个钟头"})
    assert "limit" in caught.value.message


# --- adopting it --------------------------------------------------------------------------------


def test_adopting_links_the_trial_as_the_changes_justification(clean_records: Any) -> None:
    load_records(refusal(clean_records))
    run_patrol(as_of=AS_OF, actor=system_user())
    run, _outcome = what_if(actor=system_user(), rule_code="XS-DB-01",
                            settings={"limit": "4小时"}, as_of=AS_OF)  # fmt: skip
    change = change_rule(Rule.objects.get(pk="XS-DB-01"), actor=editor(),
                         reason="试运行后采纳", settings=run.proposal, whatif=run)  # fmt: skip
    assert change.whatif == run
    assert list(run.adoptions.all()) == [change]
    # a trial of another rule is no justification for this one
    with pytest.raises(PatrolError) as caught:
        change_rule(Rule.objects.get(pk="XS-JL-04"), actor=editor(), reason="误用",
                    settings={"limit": "2日"}, whatif=run)  # fmt: skip
    assert "XS-DB-01" in caught.value.message


# --- the CLI ------------------------------------------------------------------------------------


def test_the_cli_prints_the_contracts_json(clean_records: Any) -> None:
    load_records(refusal(clean_records))
    out = StringIO()
    call_command("whatif", "--rule", "XS-DB-01", "--set", "limit=4小时", "--as-of",
                 "2026-10-08T10:00:00+08:00", "--format", "json", stdout=out)  # fmt: skip
    data = json.loads(out.getvalue())
    assert data["rule"] == "XS-DB-01"
    assert data["settings"]["limit"] == "4小时"
    assert data["added"] == [{"subject_type": "event", "subject_id": "M-OK-APPROVE",
                              "status": "late"}]  # fmt: skip
    assert data["removed"] == []
    assert data["changed"] == []


def test_the_cli_table_reads_in_chinese_and_bad_input_names_the_problem(clean_records: Any) -> None:
    load_records(refusal(clean_records))
    out = StringIO()
    call_command("whatif", "--rule", "XS-DB-01", "--set", "limit=4小时",
                 "--as-of", "2026-10-08T10:00:00", stdout=out)  # fmt: skip
    text = out.getvalue()
    assert "新增 1" in text
    assert "超期办理" in text
    with pytest.raises(CommandError, match="KEY=VALUE"):
        call_command("whatif", "--rule", "XS-DB-01", "--set", "limit")
    with pytest.raises(CommandError, match="规则不存在"):
        call_command("whatif", "--rule", "XX-00-00", "--set", "limit=1日")
