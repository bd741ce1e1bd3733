"""The disputes step of the tick fanned out per 县局/分局 (``disputes.tasks``) leaves exactly what
one process leaves, and a part that dies part-way leaves nothing and is done once on its retry.

The store is the generated 市局 of two small county bureaus (``pair_bundle``,
``fazhi/conftest.py``); the parts run through Celery in eager mode (``eager``), in this process."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

from fazhi.accounts.services import system_user
from fazhi.core import fanout
from fazhi.core.audit_actions import AuditAction
from fazhi.core.models import AuditEvent, FanoutPart
from fazhi.core.tick import run_tick
from fazhi.disputes import services, tasks
from fazhi.disputes.models import ChecklistAnswer, Dispute, EscalationLetter, FollowupPlan, Party
from fazhi.exchange.services import import_bundle
from fazhi.notifications.models import Notification
from fazhi.patrol.models import Finding
from fazhi.records.bureaus import county_bureaus
from fazhi.rectification.models import Problem
from fazhi.testing.savepoints import in_savepoint

AS_OF = datetime.fromisoformat("2026-11-01T00:00:00+08:00")  # the bundle's (``PAIR_AS_OF``)
NEXT_DAY = AS_OF + timedelta(days=1, minutes=5)  # the first tick of a day regrades every open one

DISPUTE = [
    "incident_id", "unit_id", "officer_id", "dispute_type", "consequence", "cause",
    "cause_source", "status", "colour", "score", "reasons", "created_at", "graded_at",
    "red_since", "resolved_at", "escalated_at",
]  # fmt: skip
PLAN = ["dispute__incident_id", "seq", "due_at", "officer_id", "created_at", "colour",
        "done_followup_id", "cancelled_at"]  # fmt: skip
PARTY = ["dispute__incident_id", "name", "phone", "id_number", "birth_date", "source",
         "person_ids", "prior_cases", "prior_incidents"]  # fmt: skip
ANSWER = ["dispute__incident_id", "kind", "item", "answer", "source", "answered_by",
          "answered_at"]  # fmt: skip
FINDING = ["rule_id", "subject_type", "subject_id", "status", "severity", "unit_id", "officer_id",
           "due_at", "is_open", "digest"]  # fmt: skip
PROBLEM = ["finding__rule_id", "finding__subject_type", "finding__subject_id", "unit_id",
           "officer_id", "severity", "status", "source", "due_at", "level"]  # fmt: skip
NOTIFICATION = ["user__username", "kind", "title", "body", "link", "group_key", "item_count"]
LETTER = ["dispute__incident_id", "year", "seq", "number", "created_at", "reason"]


def rows(model: Any, fields: list[str]) -> list[tuple[Any, ...]]:
    return sorted(model.objects.values_list(*fields), key=repr)


def state() -> dict[str, list[tuple[Any, ...]]]:
    """What the step leaves, by natural keys (the rows' ids follow the order they were written)."""
    return {
        "disputes": rows(Dispute, DISPUTE),
        "plans": rows(FollowupPlan, PLAN),
        "parties": rows(Party, PARTY),
        "answers": rows(ChecklistAnswer, ANSWER),
        "letters": rows(EscalationLetter, LETTER),
    }


def scenario(fanned: bool) -> dict[str, Any]:
    """Two ticks' disputes steps (the first creates and grades, the next day's regrades every
    open dispute and writes the letters now due) and what each left."""
    actor = system_user()
    with override_settings(FANOUT=fanned):
        first = services.tick_disputes(AS_OF, actor)
        after_first = state()
        second = services.tick_disputes(NEXT_DAY, actor)
    return {"first": after_first, "second": state(), "outcomes": [first, second]}


def totals(outcome: dict[str, Any]) -> dict[str, Any]:
    return {k: outcome[k] for k in (*services.TICK_TOTALS, "letters")}


def tick_audits() -> list[dict[str, Any]]:
    return list(
        AuditEvent.objects.filter(action=AuditAction.DISPUTES_TICK).values_list(
            "details", flat=True
        )
    )


@pytest.mark.slow
def test_fanned_out_per_county_the_disputes_step_leaves_what_one_process_leaves(
    pair_bundle: Path, eager: None, db: Any
) -> None:
    # given a 市局 of two county bureaus
    assert import_bundle([pair_bundle], actor=system_user()).ok
    counties = county_bureaus()
    assert len(counties) == 2
    # when two ticks' disputes steps run in one process, and then fanned out
    one = in_savepoint(lambda: scenario(False))
    fanned = scenario(True)
    # then every dispute, plan, party, checklist answer and letter is the same after each
    assert one["first"]["disputes"], "the generated store must have disputes to compare"
    assert one["first"]["plans"], "and plans"
    assert one["first"]["parties"], "and parties"
    assert one["first"]["answers"], "and checklist answers"
    for key in ("first", "second"):
        for kind in one[key]:
            assert fanned[key][kind] == one[key][kind], (key, kind)
    # and so are the step's totals; the work was done by one part per county and the rest
    for mine, theirs in zip(fanned["outcomes"], one["outcomes"], strict=True):
        assert totals(mine) == totals(theirs)
        assert mine["fanout"] == {"parts": 3}
    # and each county had disputes of its own (the split is not trivially one-sided)
    units = {row[DISPUTE.index("unit_id")] for row in one["first"]["disputes"]}
    assert all(units & county_units for county_units in counties.values())
    # and each part that changed something audited it once, naming itself
    parts = [d["part"] for d in tick_audits() if d["now"] == AS_OF.isoformat()]
    keys = set(FanoutPart.objects.filter(job__kind=tasks.KIND).values_list("key", flat=True))
    assert len(parts) == len(set(parts)) >= 2
    assert set(parts) <= keys


def whole_tick(fanned: bool) -> dict[str, Any]:
    """``fazhi tick`` once, every step: what the patrol, rectification, disputes and
    notification steps left, and which steps ran."""
    with override_settings(FANOUT=fanned):
        result = run_tick(now=AS_OF)
    assert result is not None
    return {
        "steps": sorted(result["steps"]),
        "findings": rows(Finding, FINDING),
        "problems": rows(Problem, PROBLEM),
        "notifications": rows(Notification, NOTIFICATION),
        **state(),
    }


@pytest.mark.slow
def test_a_whole_tick_fanned_out_leaves_what_one_process_leaves(
    pair_bundle: Path, eager: None, db: Any
) -> None:
    # given the 市局 of two county bureaus
    assert import_bundle([pair_bundle], actor=system_user()).ok
    # when a whole tick runs in one process, and then with fan-out on (its patrol and disputes
    # steps by the parts, the others as always in the tick's process)
    one = in_savepoint(lambda: whole_tick(False))
    fanned = whole_tick(True)
    # then the findings, problems, notifications and disputes it leaves are the same
    assert one["findings"], "the tick's patrol must find something"
    assert one["problems"], "and raise problems"
    assert one["disputes"], "and open disputes"
    for key in one:
        assert fanned[key] == one[key], key
    kinds = set(FanoutPart.objects.values_list("job__kind", flat=True))
    assert kinds == {"patrol", tasks.KIND}


@pytest.mark.slow
def test_a_part_killed_midway_leaves_nothing_and_its_retry_completes_once(
    pair_bundle: Path, eager: None, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the generated store and what one process leaves after the step
    assert import_bundle([pair_bundle], actor=system_user()).ok
    expected = in_savepoint(lambda: (services.tick_disputes(AS_OF, system_user()), state())[1])
    # and a worker that dies in the first county's part after it has created and graded
    first_county = "county:" + sorted(county_bureaus())[0]
    real = services._schedule
    died: list[str] = []

    def dying(now: datetime, incident_ids: Any = None, where: Any = None) -> int:
        key = current["key"]
        if key == first_county and not died:
            assert Dispute.objects.exists(), "the part must have written before it dies"
            died.append(key)
            raise ConnectionResetError("worker lost")
        return real(now, incident_ids, where)

    current: dict[str, str] = {}

    def tracking(params: dict[str, Any], key: str) -> dict[str, Any]:
        current["key"] = key
        return tasks.tick_part(params, key)

    monkeypatch.setattr(services, "_schedule", dying)
    monkeypatch.setattr(fanout, "fanout_parts", lambda: {tasks.KIND: tracking})
    # when the step is fanned out
    with override_settings(FANOUT=True):
        services.tick_disputes(AS_OF, system_user())
    # then the part was tried twice, finished once, and the disputes are one process's
    assert died == [first_county]
    part = FanoutPart.objects.get(job__kind=tasks.KIND, key=first_county)
    assert (part.attempts, part.error) == (2, "")
    assert part.finished_at is not None
    assert state() == expected
    # and the part's audit row was written once, by the attempt that finished
    assert [d["part"] for d in tick_audits()].count(first_county) == 1
    # and a copy of the finished part sent again (a redelivery) changes nothing
    before, audits = state(), AuditEvent.objects.count()
    assert fanout.run_part(part.job_id, first_county) == part.result
    assert state() == before
    assert AuditEvent.objects.count() == audits


@pytest.mark.slow
def test_a_part_failing_on_every_attempt_stops_the_step_naming_it(
    pair_bundle: Path, eager: None, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a part that always fails
    assert import_bundle([pair_bundle], actor=system_user()).ok

    def broken(params: dict[str, Any], key: str) -> dict[str, Any]:
        if key == "rest":
            raise RuntimeError("磁盘已满")
        return tasks.tick_part(params, key)

    monkeypatch.setattr(fanout, "fanout_parts", lambda: {tasks.KIND: broken})
    # when the step is fanned out, then it is refused in Chinese naming the part, and no letter
    # is written (the letters come after every part)
    with override_settings(FANOUT=True), pytest.raises(services.DisputeError, match="rest"):
        services.tick_disputes(AS_OF, system_user())
    failed = FanoutPart.objects.get(key="rest")
    assert failed.attempts == settings.FANOUT_RETRIES + 1
    assert "磁盘已满" in failed.error
    assert not EscalationLetter.objects.exists()


def test_with_fan_out_off_the_step_runs_in_this_process_and_sends_nothing(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given fan-out off (the default) and a broker that would refuse every task
    assert settings.FANOUT is False
    monkeypatch.setattr(fanout.part_task, "apply_async", lambda *a, **k: pytest.fail("sent"))
    # when the step runs, then it does its work here, without parts
    outcome = services.tick_disputes(AS_OF, system_user())
    assert "fanout" not in outcome
    assert not FanoutPart.objects.exists()


@pytest.mark.slow
def test_through_redis_a_worker_does_the_parts_and_leaves_what_one_process_leaves(
    pair_bundle: Path, worker: str
) -> None:
    # given the generated store, its disputes step sent through Redis to ``fazhi worker``
    actor = system_user()
    assert import_bundle([pair_bundle], actor=actor).ok
    with override_settings(FANOUT=True):
        fanned_outcome = services.tick_disputes(AS_OF, actor)
    fanned = state()
    # when the step runs again in this process on the store without those disputes
    Dispute.objects.all().delete()  # with their plans, parties, answers and letters
    outcome = services.tick_disputes(AS_OF, actor)
    # then the worker did every part once, and left what this process leaves
    parts = FanoutPart.objects.filter(job__kind=tasks.KIND)
    assert parts.count() == fanned_outcome["fanout"]["parts"] == 3
    assert all(p.finished_at and p.attempts == 1 for p in parts)
    assert fanned["disputes"], "the step must have created disputes"
    assert state() == fanned
    assert totals(outcome) == totals(fanned_outcome)
