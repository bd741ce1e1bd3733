"""The patrol fanned out per 县局/分局 (``patrol.tasks``, ``core.fanout``) finds exactly what one
process finds, and a part that dies part-way leaves nothing and is done once on its retry.

The store is a generated 市局 with two county bureaus (two small counties, ~15,000 records,
``pair_bundle`` in ``fazhi/conftest.py``), generated once for the run. The comparisons run the
fan-out through Celery in eager mode (``eager``: the parts run in this process, through the task
and its retries); one test sends the parts
through Redis (``FAZHI_BROKER_URL``, by default 127.0.0.1:6379, started by ``.ci/run``) on a
queue of its own to ``fazhi worker`` running in a process of its own."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from fazhi.accounts.services import system_user
from fazhi.core import fanout
from fazhi.core.models import FanoutPart, Lease
from fazhi.core.tick import claim
from fazhi.exchange.services import import_bundle
from fazhi.intel import duplicates
from fazhi.intel.models import TranscriptBand, TranscriptSignature
from fazhi.patrol import tasks
from fazhi.patrol.error_codes import PatrolError
from fazhi.patrol.models import Finding, PatrolRun, RunMode
from fazhi.patrol.services import run_patrol, tick_patrol
from fazhi.patrol.tasks import PATROL_LEASE, fanned_patrol
from fazhi.records import models as m
from fazhi.records.bureaus import county_bureaus
from fazhi.rectification.models import Problem
from fazhi.rectification.services.tick import tick_rectification
from fazhi.testing.savepoints import in_savepoint

AS_OF = datetime.fromisoformat("2026-11-01T00:00:00+08:00")
LATER = AS_OF + timedelta(days=3)
EDITED_AT = datetime.fromisoformat("2030-01-01T00:00:00+08:00")  # after any import

FINDING_FIELDS = [
    "rule_id", "subject_type", "subject_id", "status", "severity", "unit_id", "officer_id",
    "case_id", "trigger_at", "due_at", "done_at", "facts", "explanation", "score", "is_open",
    "first_seen_at", "last_changed_at", "closed_at", "close_reason", "digest",
]  # fmt: skip
PROBLEM_FIELDS = [
    "finding__rule_id", "finding__subject_type", "finding__subject_id", "rule_id", "unit_id",
    "officer_id", "case_id", "severity", "status", "source", "due_at", "level",
]  # fmt: skip


def findings() -> list[tuple[Any, ...]]:
    return list(Finding.objects.order_by("rule_id", "subject_type", "subject_id")
                .values_list(*FINDING_FIELDS))  # fmt: skip


def problems() -> list[tuple[Any, ...]]:
    return sorted(Problem.objects.values_list(*PROBLEM_FIELDS), key=repr)


def change_records(now: datetime) -> None:
    """A day's edits: measures released, cases' units moved within their county, times stamped
    as an import stamps them, so that the next incremental run sees them."""
    measures = list(m.Measure.objects.filter(ended_at__isnull=True).order_by("pk")[:15])
    for measure in measures:
        measure.ended_at = measure.started_at + timedelta(days=40)
        measure.changed_at = now
    m.Measure.objects.bulk_update(measures, ["ended_at", "changed_at"])
    events = list(m.Event.objects.order_by("pk")[:30])
    for event in events:
        event.at = event.at + timedelta(days=5)
        event.changed_at = now
    m.Event.objects.bulk_update(events, ["at", "changed_at"])


def scenario(patrol: Any) -> dict[str, Any]:
    """A full patrol, the problems it raises, a day's edits, an incremental patrol, problems:
    what each step left."""
    actor = system_user()
    full = patrol(as_of=AS_OF, actor=actor, mode=RunMode.FULL, now=AS_OF)
    after_full = findings()
    tick_rectification(AS_OF, actor)
    change_records(timezone.now())
    incremental = patrol(as_of=LATER, actor=actor, mode=RunMode.INCREMENTAL, now=LATER)
    tick_rectification(LATER, actor)
    return {
        "full": after_full,
        "full_totals": {k: full.stats[k] for k in ("found", "created", "updated", "closed")},
        "incremental_mode": incremental.mode,
        "incremental": findings(),
        "incremental_totals": {
            k: incremental.stats[k] for k in ("found", "created", "updated", "closed")
        },
        "problems": problems(),
    }


@pytest.mark.slow
def test_fanned_out_per_county_it_finds_and_raises_exactly_what_one_process_does(
    pair_bundle: Path, eager: None, db: Any
) -> None:
    # given a 市局 of two county bureaus
    assert import_bundle([pair_bundle], actor=system_user()).ok
    counties = county_bureaus()
    assert len(counties) == 2
    # when the same full and incremental patrols run in one process, and then fanned out
    one = in_savepoint(lambda: scenario(run_patrol))
    fanned = in_savepoint(lambda: scenario(lambda **kw: fanned_patrol(pack_code="cn-police-2026",
                                                                     **kw)))  # fmt: skip
    # then the findings after each run, the run's counts and the problems are the same
    assert one["full"], "the generated store must have findings to compare"
    assert one["problems"], "the findings must raise problems to compare"
    assert one["incremental_mode"] == fanned["incremental_mode"] == RunMode.INCREMENTAL
    assert one["incremental"] != one["full"], "the edits must change findings"
    for key in one:
        assert fanned[key] == one[key], key
    # and both counties had findings of their own (the split is not trivially one-sided)
    units = {row[FINDING_FIELDS.index("unit_id")] for row in one["full"]}
    assert all(units & set(county_units) for county_units in counties.values())


@pytest.mark.slow
def test_a_part_killed_midway_leaves_nothing_and_its_retry_completes_once(
    pair_bundle: Path, eager: None, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the generated store and what one process finds in it
    assert import_bundle([pair_bundle], actor=system_user()).ok
    expected = in_savepoint(
        lambda: (run_patrol(as_of=AS_OF, actor=system_user(), now=AS_OF), findings())[1]
    )
    # and a worker that dies in its first county part after that part has written findings
    first_county = "county:" + sorted(county_bureaus())[0]
    real = tasks.run_rule
    calls: dict[str, int] = {}

    def dying(rdef: Any, rule: Any, base: Any, stamp: Any, part: Any = None) -> Any:
        outcome = real(rdef, rule, base, stamp, part)
        key = current_key["key"]
        calls[key] = calls.get(key, 0) + 1
        if key == first_county and calls[key] == 3:  # the third rule of its first attempt
            assert Finding.objects.exists(), "the part must have written before it dies"
            raise ConnectionResetError("worker lost")
        return outcome

    current_key: dict[str, str] = {}
    real_part = tasks.patrol_part

    def tracking(params: dict[str, Any], key: str) -> dict[str, Any]:
        current_key["key"] = key
        return real_part(params, key)

    monkeypatch.setattr(tasks, "run_rule", dying)
    monkeypatch.setattr(fanout, "fanout_parts", lambda: {tasks.KIND: tracking})
    # when the run is fanned out
    run = fanned_patrol(as_of=AS_OF, actor=system_user(), pack_code="cn-police-2026", now=AS_OF)
    # then the part was tried twice, finished once, and the findings are one process's
    part = FanoutPart.objects.get(job__kind="patrol", key=first_county)
    assert part.attempts == 2
    assert part.finished_at is not None
    assert not part.error
    assert findings() == expected
    assert run.stats["found"] == sum(1 for row in expected if row[FINDING_FIELDS.index("is_open")])
    # and a copy of the finished part sent again (a redelivery) changes nothing
    before = findings()
    assert fanout.run_part(part.job_id, first_county) == part.result
    assert findings() == before
    assert FanoutPart.objects.get(pk=part.pk).attempts == 2


@pytest.mark.slow
def test_a_part_failing_on_every_attempt_stops_the_run_without_recording_it(
    pair_bundle: Path, eager: None, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a part that always fails
    assert import_bundle([pair_bundle], actor=system_user()).ok

    def broken(params: dict[str, Any], key: str) -> dict[str, Any]:
        if key == tasks.REST:
            raise RuntimeError("磁盘已满")
        return tasks.patrol_part(params, key)

    monkeypatch.setattr(fanout, "fanout_parts", lambda: {tasks.KIND: broken})
    # when the run is fanned out, then it is refused naming the part, no run is recorded (the
    # next incremental run starts from the previous one), and the patrol lease is free again
    with pytest.raises(PatrolError, match="rest"):
        fanned_patrol(as_of=AS_OF, actor=system_user(), pack_code="cn-police-2026")
    assert not PatrolRun.objects.exists()
    failed = FanoutPart.objects.get(key=tasks.REST)
    assert failed.attempts == settings.FANOUT_RETRIES + 1
    assert "磁盘已满" in failed.error
    assert Lease.objects.get(name=PATROL_LEASE).expires_at is None


def test_a_second_fanned_out_run_is_refused_while_one_holds_the_lease(eager: None, db: Any) -> None:
    # given a live fanned-out run holding the patrol lease
    assert claim(PATROL_LEASE, "host:1:other", timezone.now()) == {}
    # when another starts, then it is refused in Chinese, naming the holder
    with pytest.raises(PatrolError, match=r"另一次巡查正在进行.*host:1:other"):
        fanned_patrol(as_of=AS_OF, actor=system_user(), pack_code="cn-police-2026")
    # and, with fan-out on, the tick's patrol step waits for the next tick instead of failing
    with override_settings(FANOUT=True):
        outcome = tick_patrol(AS_OF, system_user())
    assert "另一次巡查正在进行" in outcome["skipped"]
    assert not PatrolRun.objects.exists()


def test_with_fan_out_off_the_patrol_runs_in_this_process_and_sends_nothing(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given fan-out off (the default) and a broker that would refuse every task
    assert settings.FANOUT is False
    monkeypatch.setattr(fanout.part_task, "apply_async", lambda *a, **k: pytest.fail("sent"))
    # when the tick patrols, then the run is recorded with no parts at all
    outcome = tick_patrol(AS_OF, system_user())
    run = PatrolRun.objects.get(pk=outcome["run"])
    assert "fanout" not in run.stats
    assert not FanoutPart.objects.exists()


@pytest.mark.slow
def test_through_redis_a_worker_does_the_parts_and_finds_what_one_process_does(
    pair_bundle: Path, worker: str
) -> None:
    # given the generated store, patrolled once in this process
    actor = system_user()
    assert import_bundle([pair_bundle], actor=actor).ok
    run_patrol(as_of=AS_OF, actor=actor, now=AS_OF)
    expected = findings()
    Finding.objects.all().delete()
    PatrolRun.objects.all().delete()
    # when the same patrol is sent through Redis to ``fazhi worker``
    run = fanned_patrol(as_of=AS_OF, actor=actor, pack_code="cn-police-2026", now=AS_OF)
    # then every part was done by the worker, once, and the findings are the same
    parts = FanoutPart.objects.filter(job__kind="patrol")
    assert parts.count() == run.stats["fanout"]["parts"] > 2
    assert all(p.finished_at and p.attempts == 1 for p in parts)
    assert findings() == expected


def test_the_worker_command_refuses_to_start_without_a_broker(db: Any) -> None:
    # given no broker configured, when ``fazhi worker`` starts, then it stops naming the setting
    with (
        override_settings(FANOUT_BROKER_URL=""),
        pytest.raises(CommandError, match="FAZHI_BROKER_URL"),
    ):
        call_command("worker")


def test_the_whole_store_rules_are_sent_before_the_county_parts() -> None:
    # given a run with two analysis rules over the whole store and three county bureaus, and
    # ZN-BL-01's index up to date
    params: dict[str, Any] = {"sliced_rules": ["XS-JL-01"], "whole_rules": ["ZN-BL-01", "ZN-JQ-01"],
              "counties": {"Q002-U00": [], "Q001-U00": [], "Q003-U00": []},
              "index": None}  # fmt: skip
    # when the run is split into parts
    stages = tasks.plan(params)
    # then the long single parts go to the workers first, the counties (in order) and the rest
    # after them, so that a worker busy with a whole-store rule leaves the counties to the others
    assert stages == [["rule:ZN-BL-01", "rule:ZN-JQ-01", "county:Q001-U00", "county:Q002-U00",
                       "county:Q003-U00", "rest"]]  # fmt: skip


def test_an_index_to_learn_is_learned_beside_the_rules_signed_per_county_then_matched() -> None:
    # given a run whose ZN-BL-01 index must be learned (a first patrol after an import)
    params = {"sliced_rules": ["XS-JL-01"], "whole_rules": ["ZN-BL-01", "ZN-JQ-01"],
              "counties": {"Q002-U00": [], "Q001-U00": []},
              "index": {"rule": "ZN-BL-01", "learn": True, "stale": 30_000}}  # fmt: skip
    # when the run is split into parts
    stages = tasks.plan(params)
    # then the boilerplate is learned first beside the other rules, each county's transcripts
    # are signed when it is learned, and ZN-BL-01 matches on the whole index last
    assert stages == [
        ["index:learn", "rule:ZN-JQ-01", "county:Q001-U00", "county:Q002-U00", "rest"],
        ["index:county:Q001-U00", "index:county:Q002-U00", "index:rest"],
        ["rule:ZN-BL-01"],
    ]
    # and with the boilerplate learned but many transcripts changed, the signing parts go beside
    # the rules and the matching after them
    params["index"] = {"rule": "ZN-BL-01", "learn": False, "stale": 30_000}
    assert tasks.plan(params) == [
        ["rule:ZN-JQ-01", "index:county:Q001-U00", "index:county:Q002-U00", "index:rest",
         "county:Q001-U00", "county:Q002-U00", "rest"],
        ["rule:ZN-BL-01"],
    ]  # fmt: skip
    # and a run of ZN-BL-01 alone still signs per county
    params.update(sliced_rules=[], whole_rules=["ZN-BL-01"])
    assert tasks.plan(params) == [
        ["index:county:Q001-U00", "index:county:Q002-U00", "index:rest"],
        ["rule:ZN-BL-01"],
    ]


def index_rows() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    signatures = [
        (t, v, bytes(h), n, at)
        for t, v, h, n, at in TranscriptSignature.objects.order_by("transcript_id").values_list(
            "transcript_id", "version", "minhash", "shingle_count", "source_changed_at"
        )
    ]
    bands = sorted(TranscriptBand.objects.values_list("transcript_id", "band", "key"))
    return signatures, bands


@pytest.mark.slow
def test_the_index_signed_in_county_parts_is_the_index_one_process_builds(
    pair_bundle: Path, eager: None, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a 市局 of two county bureaus, its ZN-BL-01 index never built
    assert import_bundle([pair_bundle], actor=system_user()).ok
    assert m.Transcript.objects.count() > 100

    def built_in_one_process() -> Any:
        duplicates.rebuild()
        return index_rows()

    def built_in_parts() -> Any:
        run = fanned_patrol(pack_code="cn-police-2026", as_of=AS_OF, actor=system_user(),
                            codes=["ZN-BL-01"], now=AS_OF)  # fmt: skip
        keys = set(FanoutPart.objects.values_list("key", flat=True))
        return run.stats["index"], keys, index_rows()

    # when one process rebuilds the index, and a fanned-out patrol of ZN-BL-01 builds it
    one = in_savepoint(built_in_one_process)
    index, keys, parts = in_savepoint(built_in_parts)
    # then the boilerplate was learned in a part, each county's transcripts signed in its own,
    # and the signatures and index rows are the ones one process writes
    assert {"index:learn", "index:rest", "rule:ZN-BL-01"} <= keys
    assert {k for k in keys if k.startswith("index:county:")} == {
        "index:county:" + c for c in county_bureaus()
    }
    assert index["signed"] == m.Transcript.objects.count()
    assert one[0], "the index must hold signatures to compare"
    assert one[1], "the index must hold band rows to compare"
    assert parts == one

    # given the index built, then a few transcripts edited (an import's changes)
    monkeypatch.setattr(tasks, "SIGN_SPLIT", 3)

    def edited_and_signed(patrol: Any) -> Any:
        patrol()
        edited = list(m.Transcript.objects.order_by("pk")[:3])
        for transcript in edited:
            transcript.text += "\n问：还有什么补充的吗？答：没有了。"
            transcript.changed_at = EDITED_AT  # one stamp for both runs: it is signed with it
        m.Transcript.objects.bulk_update(edited, ["text", "changed_at"])
        FanoutPart.objects.all().delete()
        second = patrol()
        keys = set(FanoutPart.objects.values_list("key", flat=True))
        return second, keys, index_rows(), findings()

    def fanned() -> Any:
        return fanned_patrol(pack_code="cn-police-2026", as_of=AS_OF, actor=system_user(),
                             codes=["ZN-BL-01"], now=AS_OF)  # fmt: skip

    def in_process() -> Any:
        return run_patrol(as_of=AS_OF, actor=system_user(), codes=["ZN-BL-01"], now=AS_OF)

    # when the patrol runs again, fanned out and in one process
    run, keys, rows, found = in_savepoint(lambda: edited_and_signed(fanned))
    _, _, one_rows, one_found = in_savepoint(lambda: edited_and_signed(in_process))
    # then the three are signed in the county parts, not learned again, and the index and the
    # findings are those of one process
    assert run.stats["index"] == {"learned": None, "signed": 3}
    assert "index:learn" not in keys
    assert "index:rest" in keys
    assert rows == one_rows
    assert found == one_found
