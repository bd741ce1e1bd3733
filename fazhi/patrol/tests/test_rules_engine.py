"""The patrol as a whole: reruns, closing, rule settings, pack validation, the CLI contract.

Rule-by-rule behaviour is in test_rules_{xs,za,jq,gf,sj}.py; this file checks what every rule
shares: the same (rule, subject) is one finding across runs, a warning closes by itself when the
act is done in time, a bureau's settings (switch off, warn-only, local standard, severity) take
effect on the next run and need a reason, and a broken pack is refused naming every problem.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from fazhi.accounts.models import Role
from fazhi.accounts.services import provision_user, system_user
from fazhi.core.errors import DomainError
from fazhi.patrol.error_codes import ErrorCode
from fazhi.patrol.models import Finding, PatrolRun, Rule, RuleChange
from fazhi.patrol.pack import PackError, load_pack, load_pack_text
from fazhi.patrol.services import PatrolError, change_rule, run_patrol, sync_rules
from fazhi.patrol.tests.conftest import (
    AS_OF,
    CLEAN_FILE,
    add,
    drop,
    event,
    keys,
    load_records,
    only,
    read_clean,
    restriction_case,
    set_field,
    sh,
    t,
)

TESTS = Path(__file__).parent


def person(username: str, role: Role = Role.LEGAL_BRIGADE) -> Any:
    """A user named ``username`` of the 法制大队 (actors are users, not names, and only the
    法制大队 and administrators change rules; these tests have no bureau)."""
    return provision_user(
        actor=system_user(), username=username, password="不用于登录的口令", role=role
    )


def _rule(code: str) -> Rule:
    sync_rules(load_pack())
    return Rule.objects.get(code=code)


# ---------------------------------------------------------------------------------------------
# The pack and the coverage of this suite


def test_pack_has_the_60_rules_of_the_catalogue() -> None:
    # given the shipped pack
    pack = load_pack()
    codes = [r.code for r in pack.rules]
    # then it holds the rules of rules.md once: 19 XS, 7 ZA, 3 JQ, 20 GF, 3 LX, 4 SJ, 4 ZN
    assert len(codes) == len(set(codes)) == 60
    families = Counter(code.split("-")[0] for code in codes)
    assert families == {"XS": 19, "ZA": 7, "JQ": 3, "GF": 20, "LX": 3, "SJ": 4, "ZN": 4}


def test_every_rule_of_the_pack_has_rule_tests() -> None:
    # given the rule test modules (the analysis rules ZN are tested in test_analysis.py)
    sources = "".join(
        (TESTS / f"test_rules_{family}.py").read_text(encoding="utf-8")
        for family in ("xs", "za", "jq", "gf", "lx", "sj")
    ) + (TESTS / "test_analysis.py").read_text(encoding="utf-8")
    # then each rule code is named in a quoted expectation there
    untested = [r.code for r in load_pack().rules if f'"{r.code}"' not in sources]
    # GF-BA-01..03 are parametrized in one test; the others are named one by one
    assert untested == []


def test_clean_copy_matches_the_spec_example() -> None:
    # the clean cases kept with the tests are the spec's example, byte for byte (when present)
    # the shared/ folder stands beside the repository (as in CI)
    spec = Path(__file__).resolve().parents[3].parent / "shared/spec/examples/clean-cases.jsonl"
    if not spec.exists():
        pytest.skip("spec folder not present")
    assert CLEAN_FILE.read_bytes() == spec.read_bytes()


def test_clean_cases_through_the_importer_patrol_to_no_finding(db) -> None:
    # given the clean cases imported with the real importer
    from fazhi.exchange.services import import_bundle

    report = import_bundle([CLEAN_FILE], actor=system_user())
    assert report.ok, [str(e) for e in report.errors]
    # when patrolled at 2026-10-08 10:00
    run = run_patrol(as_of=AS_OF, actor=system_user())
    # then nothing is found, by any of the 60 rules
    assert Finding.objects.count() == 0
    assert run.stats["found"] == 0
    assert len(run.stats["rules"]) == 60


def test_clean_cases_patrol_to_no_finding_at_other_quiet_moments(patrol, rerun) -> None:
    # given the clean cases
    # when patrolled on several days between the last act and the first coming warning
    # (XS-JY-01 warns from 11-03: the arrest of 09-09 ends 11-09 24:00)
    assert patrol(read_clean(), sh(2026, 9, 28)) == []
    for moment in (AS_OF, sh(2026, 10, 20), sh(2026, 11, 3)):
        # then nothing
        assert rerun(moment) == [], moment
    # and a minute later the arrest's warning appears
    assert keys(rerun(sh(2026, 11, 3, 0, 1))) == {("XS-JY-01", "measure", "M-OK-DB")}


# ---------------------------------------------------------------------------------------------
# Reruns and closing


def _three_findings(records):
    drop(records, "M-OK-JL-JAIL", "C-OK-RC")
    return set_field(records, "VV-OK", recorded=False)


def test_rerun_updates_never_duplicates(patrol, rerun, clean_records) -> None:
    # given three things wrong, patrolled once
    first = patrol(_three_findings(clean_records))
    ids = sorted(Finding.objects.values_list("pk", flat=True))
    assert len(first) == len(ids) == 3
    # when patrolled again at the same moment
    second = rerun(AS_OF)
    # then the same findings, the same rows, nothing created or changed
    assert second == first
    assert sorted(Finding.objects.values_list("pk", flat=True)) == ids
    last = PatrolRun.objects.order_by("-id")[0]
    assert (last.stats["found"], last.stats["created"], last.stats["updated"]) == (3, 0, 0)


def test_rerun_later_changes_status_in_place(patrol, rerun, clean_records) -> None:
    # given the detention without 送看守所, patrolled inside the warning lead
    drop(clean_records, "M-OK-JL-JAIL")
    warned = only(patrol(clean_records, sh(2026, 9, 4, 6)), "XS-JL-01", "measure", "M-OK-JL")
    assert warned["status"] == "warning"
    pk = Finding.objects.get().pk
    # when patrolled after the due time
    overdue = only(rerun(sh(2026, 9, 4, 10)), "XS-JL-01", "measure", "M-OK-JL")
    # then the same finding has become overdue
    assert overdue["status"] == "overdue"
    assert Finding.objects.get().pk == pk


def test_warning_closes_by_itself_when_done_in_time(patrol, rerun, clean_records) -> None:
    # given the case's receipt missing, patrolled inside the lead: a warning
    drop(clean_records, "C-OK-RC")
    only(patrol(clean_records, sh(2026, 9, 2, 5)), "JQ-03", "case", "C-OK")
    # when the receipt arrives (issued 09:00, in time) and the patrol runs again
    load_records([event("C-OK-RC", "受案回执", t("2026-09-02 09:00"), case_id="C-OK")])
    findings = rerun(sh(2026, 9, 2, 12))
    # then no open finding; the warning is closed as done in time
    assert findings == []
    closed = Finding.objects.get()
    assert (closed.is_open, closed.close_reason) == (False, "已按时办理")
    assert closed.closed_at is not None


def test_overdue_then_done_late_stays_open_as_late(patrol, rerun, clean_records) -> None:
    # given the receipt missing, patrolled after the due time: overdue
    drop(clean_records, "C-OK-RC")
    patrol(clean_records, sh(2026, 9, 2, 12))
    pk = Finding.objects.get().pk
    # when the receipt is then issued late and the patrol runs again
    load_records([event("C-OK-RC", "受案回执", t("2026-09-02 13:00"), case_id="C-OK")])
    f = only(rerun(sh(2026, 9, 2, 14)), "JQ-03", "case", "C-OK")
    # then the same finding is now "late"
    assert (f["status"], f["done_at"]) == ("late", t("2026-09-02 13:00"))
    assert Finding.objects.get().pk == pk


def test_findings_depend_on_as_of_not_on_the_order_of_runs(patrol, rerun, clean_records) -> None:
    # given a late receipt, patrolled at a later then an earlier moment
    set_field(clean_records, "C-OK-RC", at=t("2026-09-02 13:00"))
    patrol(clean_records, AS_OF)
    # when patrolled before the receipt was issued, inside the lead
    f = only(rerun(sh(2026, 9, 2, 5)), "JQ-03", "case", "C-OK")
    # then the finding is what that moment says: a warning, the receipt not yet counted
    assert (f["status"], f["done_at"]) == ("warning", None)


def test_before_any_trigger_nothing_is_found(patrol, clean_records) -> None:
    # given the clean cases with things wrong / when patrolled before any of them happened
    findings = patrol(_three_findings(clean_records), sh(2026, 8, 1))
    # then deadline rules see no trigger yet, and the condition rule (recording) no visit: a
    # record that begins after as_of did not exist at as_of
    assert keys(findings) == set()


# ---------------------------------------------------------------------------------------------
# Rule settings


def test_disabled_rule_finds_nothing_and_closes_its_findings(patrol, rerun, clean_records) -> None:
    # given a missing 送看守所, found once
    drop(clean_records, "M-OK-JL-JAIL")
    only(patrol(clean_records), "XS-JL-01", "measure", "M-OK-JL")
    # when the rule is switched off and the patrol runs again
    change_rule(_rule("XS-JL-01"), actor=person("法制员陈静"), reason="试点期间暂停", enabled=False)
    findings = rerun(AS_OF)
    # then nothing, and the old finding is closed as 规则已停用
    assert findings == []
    assert Finding.objects.get().close_reason == "规则已停用"
    # and when switched on again, it is found again (reopened, not duplicated)
    change_rule(_rule("XS-JL-01"), actor=person("法制员陈静"), reason="恢复", enabled=True)
    assert keys(rerun(AS_OF)) == {("XS-JL-01", "measure", "M-OK-JL")}
    assert Finding.objects.count() == 1


def test_disabled_rule_on_first_run(patrol, db, clean_records) -> None:
    # given the rule switched off before any patrol
    change_rule(_rule("JQ-03"), actor=person("a"), reason="不适用", enabled=False)
    drop(clean_records, "C-OK-RC")
    # when patrolled / then the missing receipt is not reported
    assert patrol(clean_records) == []


def test_warn_only_turns_every_finding_into_a_warning(patrol, db, clean_records) -> None:
    # given JQ-03 set to warn only
    change_rule(_rule("JQ-03"), actor=person("a"), reason="本地试行", warn_only=True)
    drop(clean_records, "C-OK-RC")
    # when patrolled after the due time
    f = only(patrol(clean_records), "JQ-03", "case", "C-OK")
    # then a warning instead of overdue, saying what it would have been
    assert f["status"] == "warning"
    assert "仅提醒" in f["explanation"]
    assert "超期" in f["explanation"]


def test_warn_only_applies_to_condition_rules(patrol, db, clean_records) -> None:
    # given GF-BA-03 warn-only and an unrecorded visit
    change_rule(_rule("GF-BA-03"), actor=person("a"), reason="设备改造中", warn_only=True)
    set_field(clean_records, "VV-OK", recorded=False)
    # when patrolled / then a warning, not a violation
    assert only(patrol(clean_records), "GF-BA-03", "venue_visit", "VV-OK")["status"] == "warning"


def test_changed_local_standard_takes_effect_on_next_run(patrol, rerun, clean_records) -> None:
    # given the clean cases (incidents disposed of 2 hours after the call), patrolled: nothing
    assert patrol(clean_records) == []
    # when the bureau shortens JQ-01's local standard to 1 hour, with a reason
    change = change_rule(
        _rule("JQ-01"),
        actor=person("法制大队吴敏"),
        reason="市局新规：1小时内处置",
        settings={"limit": "1小时"},
    )
    findings = rerun(AS_OF)
    # then both incidents are reported late against 1 hour
    assert keys(findings) == {("JQ-01", "incident", "I-OK"), ("JQ-01", "incident", "I-A-OK")}
    by_id = {f["subject_id"]: f for f in findings}
    assert (by_id["I-OK"]["status"], by_id["I-OK"]["due_at"]) == ("late", t("2026-09-01 09:00"))
    # and the change is recorded with who, why, before and after
    assert (change.changed_by, change.reason) == ("法制大队吴敏", "市局新规：1小时内处置")
    assert change.before["settings"]["limit"] == "24小时"
    assert change.after["settings"]["limit"] == "1小时"


def test_changed_warning_lead_takes_effect(patrol, db, clean_records) -> None:
    # given JQ-03's warning lead raised to 50% and a receipt missing
    change_rule(
        _rule("JQ-03"), actor=person("a"), reason="提前提醒", settings={"lead_fraction": 0.5}
    )
    drop(clean_records, "C-OK-RC")
    # when patrolled 11 hours before the due time (outside the default 6 h lead, inside 12 h)
    f = only(patrol(clean_records, sh(2026, 9, 1, 23)), "JQ-03", "case", "C-OK")
    # then a warning
    assert f["status"] == "warning"


def test_changed_severity_shows_on_findings(patrol, db, clean_records) -> None:
    # given JQ-03 raised to 严重
    change_rule(_rule("JQ-03"), actor=person("a"), reason="重点整治", severity="严重")
    drop(clean_records, "C-OK-RC")
    # when patrolled / then the finding carries the bureau's severity
    assert only(patrol(clean_records), "JQ-03", "case", "C-OK")["severity"] == "严重"


@pytest.mark.parametrize("reason", ["", "   "])
def test_change_without_reason_is_refused(db, reason) -> None:
    # given a rule
    rule = _rule("JQ-01")
    # when changed without a reason / then refused, and nothing changed or recorded
    with pytest.raises(PatrolError, match="理由"):
        change_rule(rule, actor=person("a"), reason=reason, settings={"limit": "1小时"})
    rule.refresh_from_db()
    assert rule.overrides == {}
    assert not RuleChange.objects.exists()


@pytest.mark.parametrize(
    "settings",
    [{"limit": "三天"}, {"limit": "3周"}, {"nonsense": 1}, {"custody": "yes"}],
    ids=["chinese-numeral", "weeks", "unknown-setting", "not-a-bool"],
)
def test_change_with_bad_setting_is_refused(db, settings) -> None:
    # given a rule / when changed with a value that is not a setting of it
    rule = _rule("JQ-01")
    with pytest.raises(PatrolError):
        change_rule(rule, actor=person("a"), reason="试", settings=settings)
    # then nothing changed
    rule.refresh_from_db()
    assert rule.overrides == {}


# ---------------------------------------------------------------------------------------------
# Pack validation

GOOD_RULE = """
[[rule]]
code = "JQ-03"
name = "受案未出具回执"
kind = "deadline"
check = "case_event"
severity = "一般"
basis = ["CPR:171"]
params = { event_kinds = ["受案回执"] }
settings = { limit = "24小时", custody = false }
"""

BROKEN_PACK = (
    """
[pack]
code = "broken"

[laws]
CPR = "《公安机关办理刑事案件程序规定》"
"""
    + GOOD_RULE
    + """
[[rule]]
code = "XX-01"
name = "未知检查"
kind = "condition"
check = "no_such_check"
severity = "一般"

[[rule]]
code = "JQ-01"
name = "设置错误"
kind = "deadline"
check = "incident_disposal"
severity = "一般"
params = { categories = ["刑事"] }
settings = { limit = "24小时", custody = "否", speed = 3 }

[[rule]]
code = "JQ-03"
name = "编号重复"
kind = "deadline"
check = "case_event"
severity = "一般"
params = { event_kinds = ["受案回执"] }
settings = { limit = "24小时", custody = false }

[[rule]]
code = "JQ-02"
name = "期间错误"
kind = "deadline"
check = "incident_case"
severity = "一般"
settings = { limit = "两周", custody = false }
"""
)


def test_broken_pack_is_refused_naming_every_problem() -> None:
    # given a pack with an unknown check, bad settings, a repeated code and a bad period
    # when loaded
    with pytest.raises(PackError) as refused:
        load_pack_text(BROKEN_PACK, source="broken.toml")
    problems = refused.value.problems
    text = "\n".join(problems)
    # then every problem is named, each with its rule
    assert any("XX-01" in p and "no_such_check" in p for p in problems), text
    assert any("JQ-01" in p and "custody" in p for p in problems), text
    assert any("JQ-01" in p and "speed" in p for p in problems), text
    assert any("JQ-03" in p and "重复" in p for p in problems), text
    assert any("JQ-02" in p and "limit" in p for p in problems), text
    # and each line names the rule it is about (follow-on lines such as "必须设置 custody" after
    # an invalid custody value are allowed)
    assert all(re.match(r"^规则 (XX-01|JQ-0[123])：", p) for p in problems), text


def test_pack_with_one_good_rule_loads() -> None:
    # given the good rule alone / when loaded / then accepted with its defaults
    pack = load_pack_text('[pack]\ncode = "ok"\n[laws]\nCPR = "x"\n' + GOOD_RULE)
    rule = pack.rule("JQ-03")
    assert rule.defaults == {"limit": "24小时", "custody": False, "lead_fraction": 0.25}


@pytest.mark.parametrize(
    ("mutation", "needle"),
    [
        (('kind = "deadline"', 'kind = "condition"'), "不符"),
        (('code = "JQ-03"', 'code = "jq-3"'), "编号格式"),
        (('severity = "一般"', 'severity = "很重"'), "严重程度"),
        (('basis = ["CPR:171"]', 'basis = ["XYZ:1"]'), "XYZ"),
        (
            ('settings = { limit = "24小时", custody = false }', "settings = { custody = false }"),
            "limit",
        ),
        (('params = { event_kinds = ["受案回执"] }', 'params = { kinds = ["受案回执"] }'), "参数"),
    ],
    ids=["kind-mismatch", "bad-code", "bad-severity", "unknown-law", "missing-limit", "bad-param"],
)
def test_pack_refuses_each_kind_of_mistake(mutation, needle) -> None:
    # given the good rule with one mistake
    old, new = mutation
    text = '[pack]\ncode = "ok"\n[laws]\nCPR = "x"\n' + GOOD_RULE.replace(old, new)
    # when loaded / then refused, naming it
    with pytest.raises(PackError) as refused:
        load_pack_text(text)
    assert any(needle in p for p in refused.value.problems), refused.value.problems


def test_pack_that_is_not_toml_is_refused() -> None:
    with pytest.raises(PackError, match="TOML"):
        load_pack_text("[[rule]\ncode=", source="x.toml")


# ---------------------------------------------------------------------------------------------
# Running: inputs and the CLI contract


def test_naive_as_of_is_refused(db) -> None:
    from datetime import datetime

    with pytest.raises(PatrolError, match="时区"):
        run_patrol(as_of=datetime(2026, 10, 8, 10), actor=system_user())


def test_unknown_rule_code_is_refused(db) -> None:
    with pytest.raises(PatrolError, match="XS-ZZ-99"):
        run_patrol(as_of=AS_OF, actor=system_user(), codes=["XS-ZZ-99"])


def test_codes_limit_the_run_to_those_rules(patrol, clean_records) -> None:
    # given two rules' acts missing
    drop(clean_records, "C-OK-RC", "M-OK-JL-JAIL")
    # when patrolled for JQ-03 only / then only JQ-03 reports
    findings = patrol(clean_records, AS_OF, codes=["JQ-03"])
    assert keys(findings) == {("JQ-03", "case", "C-OK")}


def test_incremental_run_agrees_with_a_full_run(patrol, rerun, clean_records) -> None:
    # given the clean cases patrolled in full
    assert patrol(clean_records, sh(2026, 9, 30)) == []
    # when the receipt is corrected afterwards to a late time (a change stamped as an import
    # stamps it) and an incremental run follows
    from django.utils import timezone

    from fazhi.records.models import Event

    Event.objects.filter(pk="C-OK-RC").update(at=sh(2026, 9, 2, 13), changed_at=timezone.now())
    incremental = rerun(AS_OF, mode="incremental")
    assert PatrolRun.objects.order_by("-id")[0].mode == "incremental"
    # then it finds what a full run finds
    assert keys(incremental) == {("JQ-03", "case", "C-OK")}
    assert incremental == rerun(AS_OF, mode="full")


def _cli(*args: str) -> str:
    out = io.StringIO()
    call_command("patrol", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_cli_json_contract(db, clean_records) -> None:
    # given the detention without its 送看守所, still held (a release would be the late act)
    drop(clean_records, "M-OK-JL-JAIL")
    set_field(clean_records, "M-OK-JL", ended_at=None)
    load_records(clean_records)
    # when the CLI patrols with --format json
    rows = json.loads(_cli("--as-of", "2026-10-08T10:00:00+08:00", "--format", "json"))
    # then a JSON list with one object per open finding, in the documented shape
    assert len(rows) == 1
    row = rows[0]
    assert {
        "rule",
        "name",
        "subject_type",
        "subject_id",
        "status",
        "severity",
        "trigger_at",
        "due_at",
        "done_at",
        "unit_id",
        "officer_id",
        "case_id",
        "facts",
        "explanation",
        "basis",
    } <= set(row)
    assert (row["rule"], row["subject_type"], row["subject_id"]) == (
        "XS-JL-01",
        "measure",
        "M-OK-JL",
    )
    assert (row["status"], row["severity"]) == ("overdue", "严重")
    assert (row["trigger_at"], row["due_at"], row["done_at"]) == (
        "2026-09-03T09:00:00+08:00",
        "2026-09-04T09:00:00+08:00",
        None,
    )
    assert (row["unit_id"], row["officer_id"], row["case_id"]) == ("U1", "P1", "C-OK")
    assert row["facts"]["measure.started_at"] == "2026-09-03T09:00:00+08:00"
    assert row["facts"]["deadline.missing"] == "送看守所记录未录入；解除时间未录入"
    assert "刑事诉讼法》第85条" in row["basis"]
    # the explanation says how the due time was computed: start, unit, no roll-over for hours
    assert "2026-09-03 09:00" in row["explanation"]
    assert "以小时计算" in row["explanation"]
    assert "不因节假日顺延" in row["explanation"]


def test_cli_json_clean_is_an_empty_list(db, clean_records) -> None:
    load_records(clean_records)
    assert json.loads(_cli("--as-of", "2026-10-08T10:00:00+08:00", "--format", "json")) == []


def test_cli_naive_as_of_is_beijing_time(db, clean_records) -> None:
    # given the receipt missing; due 2026-09-02 10:00 Beijing time
    drop(clean_records, "C-OK-RC")
    load_records(clean_records)
    # when patrolled at "2026-09-02T10:00" (no offset): exactly at the due time
    rows = json.loads(_cli("--as-of", "2026-09-02T10:00", "--format", "json"))
    # then still a warning (were it UTC, 18:00 Beijing, it would be overdue)
    assert [(r["rule"], r["status"]) for r in rows] == [("JQ-03", "warning")]
    # and one minute later, overdue
    rows = json.loads(_cli("--as-of", "2026-09-02T10:01", "--format", "json"))
    assert [(r["rule"], r["status"]) for r in rows] == [("JQ-03", "overdue")]


def test_cli_rule_filter_and_bad_input(db, clean_records) -> None:
    drop(clean_records, "C-OK-RC", "M-OK-JL-JAIL")
    load_records(clean_records)
    rows = json.loads(
        _cli("--as-of", "2026-10-08T10:00+08:00", "--format", "json", "--rule", "XS-JL-01")
    )
    assert [r["rule"] for r in rows] == ["XS-JL-01"]
    with pytest.raises(CommandError):
        _cli("--as-of", "下周一", "--format", "json")
    with pytest.raises(CommandError):
        _cli("--as-of", "2026-10-08T10:00+08:00", "--rule", "ZZ-99")


def test_finding_explanations_name_the_roll_over(patrol, clean_records) -> None:
    # given a bail of 2025-10-01 not lifted, whose 12 months end on a National Day holiday
    add(clean_records, *restriction_case("C-QB", "取保候审", sh(2025, 10, 1, 10)))
    # when patrolled
    f = only(patrol(clean_records), "XS-QB-01", "measure", "C-QB-M")
    # then the explanation gives the start, the unit and the roll-over with its reason
    text = f["explanation"]
    assert "2025-10-01" in text
    assert "12个月" in text
    assert re.search(r"2026-10-01.*顺延至2026-10-08", text), text


def test_the_patrol_warns_about_a_year_without_a_holiday_calendar(db) -> None:
    # given no notice for 2027 (chinese_calendar 1.11 knows up to 2026)
    from io import StringIO

    from django.core.management import call_command

    from fazhi.patrol.periods import HolidayCalendar

    assert not HolidayCalendar.from_database().knows(2027)
    err = StringIO()
    # when a patrol runs in 2026
    call_command("patrol", "--as-of", "2026-10-08T10:00:00+08:00", "--format", "none", stderr=err)
    # then the run records the unknown year and the command warns the administrator
    assert "2027年" in err.getvalue()
    assert "holiday_notice load" in err.getvalue()
    from fazhi.patrol.models import PatrolRun

    assert PatrolRun.objects.latest("started_at").stats["calendar_unknown_years"] == [2027]


def test_an_unknown_rule_is_a_domain_error_not_found(db) -> None:
    # when a run names a rule the pack does not have
    with pytest.raises(PatrolError) as refused:
        run_patrol(as_of=AS_OF, actor=system_user(), codes=["XS-ZZ-99"])
    # then it is a domain error: not found (404), naming the rule
    error = refused.value
    assert isinstance(error, DomainError)
    assert (error.code, error.status) == (ErrorCode.RULE_NOT_FOUND, 404)
    assert error.message == "规则不存在：XS-ZZ-99"


@pytest.mark.parametrize("role", [Role.OFFICER, Role.LEGAL_OFFICER, Role.BUREAU_LEADER])
def test_change_rule_refuses_a_user_who_may_not_change_rules(db: Any, role: Role) -> None:
    # given a rule, and a user who is neither 法制大队 nor administrator
    sync_rules(load_pack())
    user = person(f"u-{role.name.lower()}", role)
    # when he calls the service directly (from a shell, not the rule page)
    with pytest.raises(PatrolError) as refused:
        change_rule(_rule("JQ-03"), actor=user, reason="想停用", enabled=False)
    # then he is refused (403) and nothing changed, nothing recorded
    assert (refused.value.code, refused.value.status) == (ErrorCode.NOT_ALLOWED, 403)
    assert _rule("JQ-03").enabled is True
    assert not RuleChange.objects.exists()


def test_the_system_account_may_not_change_rules_either(db: Any) -> None:
    sync_rules(load_pack())
    with pytest.raises(PatrolError):
        change_rule(_rule("JQ-03"), actor=system_user(), reason="x", enabled=False)


# FZX v1.1 records about the clean cases: none of them is wrong, and no v1 rule reads them.
V11_RECORDS = [
    {"type": "property_movement", "id": "PM-OK-IN", "property_id": "PR-OK", "kind": "入库",
     "at": "2026-09-03T15:00:00+08:00", "officer_ids": ["P1", "P2"]},
    {"type": "recording", "id": "RC-OK", "officer_id": "P1",
     "started_at": "2026-09-01T08:10:00+08:00", "ended_at": "2026-09-01T08:50:00+08:00",
     "uploaded_at": "2026-09-01T11:00:00+08:00", "incident_id": "I-OK", "evidence": True},
    {"type": "recording", "id": "RC-A-OK", "officer_id": "P2",
     "started_at": "2026-09-10T20:09:00+08:00", "ended_at": "2026-09-10T20:45:00+08:00",
     "uploaded_at": "2026-09-10T23:00:00+08:00", "incident_id": "I-A-OK", "evidence": True},
    {"type": "review", "id": "RV-OK", "case_id": "A-OK", "kind": "行政复议",
     "filed_at": "2026-09-25T10:00:00+08:00", "officer_ids": []},
    {"type": "complaint", "id": "CP-OK", "received_at": "2026-09-22T09:00:00+08:00",
     "channel": "12389", "unit_id": "U1", "officer_ids": ["P2"], "case_id": "A-OK",
     "content": "反映处罚过重。"},
    {"type": "training", "id": "TR-OK", "officer_id": "P2", "kind": "培训",
     "title": "执法规范化培训", "at": "2026-05-20"},
]  # fmt: skip


def test_clean_cases_with_v1_1_records_still_patrol_to_nothing(patrol, clean_records) -> None:
    # given the clean cases with a movement, a recording, a review, a complaint and a training
    # when patrolled at the example's as_of / then nothing at all is found
    assert patrol(clean_records + V11_RECORDS, AS_OF) == []


def test_a_changed_v1_1_record_makes_the_next_incremental_run_recheck_its_case(
    patrol, clean_records
) -> None:
    from django.utils import timezone

    from fazhi.patrol.services import _touched_scope
    from fazhi.records.models import PropertyMovement, Review

    # given the clean cases with v1.1 records patrolled, and nothing changed since
    assert patrol(clean_records + V11_RECORDS, AS_OF) == []
    previous = PatrolRun.objects.order_by("-id")[0]
    unchanged, _ = _touched_scope(previous, AS_OF)
    assert unchanged is not None
    assert unchanged.case_ids == frozenset()
    # when the review is decided and the item's movement corrected (stamped as an import does)
    Review.objects.filter(pk="RV-OK").update(outcome="维持", changed_at=timezone.now())
    PropertyMovement.objects.filter(pk="PM-OK-IN").update(changed_at=timezone.now())
    scope, _ = _touched_scope(previous, AS_OF)
    # then the next incremental run re-checks the two cases they concern
    assert scope is not None
    assert scope.case_ids == {"A-OK", "C-OK"}


def _finding_rows_planned() -> float:
    """How many rows PostgreSQL's planner believes the findings table holds (its statistics)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [Finding._meta.db_table]
        )
        return float(cursor.fetchone()[0])


@pytest.mark.parametrize(("threshold", "analyzed"), [(3, True), (4, False)])
def test_a_run_that_writes_many_findings_refreshes_the_planners_statistics(
    patrol, clean_records, monkeypatch, threshold, analyzed
) -> None:
    from django.db import connection

    from fazhi.patrol import services

    if connection.vendor != "postgresql":
        pytest.skip("the planner's statistics are PostgreSQL's (ANALYZE)")
    # given the threshold of findings written from which a run refreshes the statistics, and
    # the planner told the findings table is empty (ANALYZE writes its counts in place, outside
    # the test's transaction, so an earlier test's figure would otherwise linger)
    monkeypatch.setattr(services, "ANALYZE_AFTER", threshold)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Finding._meta.db_table}")
    assert _finding_rows_planned() == 0
    # when a run writes three findings into the table
    assert len(patrol(_three_findings(clean_records))) == 3
    # then the planner knows the three rows only if the run reached the threshold
    assert (_finding_rows_planned() == 3) is analyzed
