"""The monthly evaluation computed per 县局/分局 on the workers (``evaluation.tasks``) stores
exactly the rows one process stores, ranked across the counties; a part that fails is done again
with no trace of its first attempt; with fan-out off nothing is sent.

The store is the generated 市局 of two small county bureaus (``pair_bundle``,
``fazhi/conftest.py``), patrolled and its problems raised; the parts run through Celery in
eager mode (``eager``), in this process."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

from fazhi.accounts.services import system_user
from fazhi.core import fanout
from fazhi.core.audit_actions import AuditAction
from fazhi.core.models import AuditEvent, FanoutPart
from fazhi.evaluation import tasks
from fazhi.evaluation.models import Evaluation, Score, ScoreItem
from fazhi.evaluation.services import EvaluationError, compute_month
from fazhi.exchange.services import import_bundle
from fazhi.patrol.services import run_patrol
from fazhi.records.bureaus import county_bureaus
from fazhi.rectification.services.tick import tick_rectification
from fazhi.testing.savepoints import in_savepoint

AS_OF = datetime.fromisoformat("2026-11-01T00:00:00+08:00")  # the bundle's (``PAIR_AS_OF``)
COMPUTED = AS_OF + timedelta(days=9)
OCTOBER = date(2026, 10, 1)

SCORE = ["subject", "unit_id", "officer_id", "leader_role", "workload", "case_count", "score",
         "grade", "standing", "rank", "vetoes", "indicators"]  # fmt: skip
ITEM = ["score__subject", "score__unit_id", "score__officer_id", "score__leader_role",
        "indicator", "indicator_name", "points", "record_type", "record_id", "act_at",
        "withdrawn"]  # fmt: skip


def stored() -> dict[str, Any]:
    """The month's version as stored, by natural keys (ids follow the order of writing)."""
    evaluation = Evaluation.objects.get(month=OCTOBER)
    return {
        "version": (evaluation.version, evaluation.status, evaluation.indicators),
        "scores": sorted(Score.objects.values_list(*SCORE), key=repr),
        "items": sorted(ScoreItem.objects.values_list(*ITEM), key=repr),
    }


def computed(fanned: bool) -> dict[str, Any]:
    with override_settings(FANOUT=fanned):
        compute_month(OCTOBER, actor=system_user(), as_of=COMPUTED)
    return stored()


@pytest.fixture
def patrolled(pair_bundle: Path, db: Any) -> None:
    """The two counties imported, patrolled and their problems raised, as before a month's end."""
    actor = system_user()
    assert import_bundle([pair_bundle], actor=actor).ok
    run_patrol(as_of=AS_OF, actor=actor, now=AS_OF)
    tick_rectification(AS_OF, actor)


@pytest.mark.slow
def test_fanned_out_per_county_the_month_stores_what_one_process_stores(
    patrolled: None, eager: None
) -> None:
    # given the patrolled 市局 of two county bureaus
    counties = county_bureaus()
    assert len(counties) == 2
    # when October is computed in one process, and then by the parts
    one = in_savepoint(lambda: computed(False))
    fanned = computed(True)
    # then every score (rank included) and every item is the same
    assert one["items"], "the month must have deductions to compare"
    ranks = {row[SCORE.index("rank")] for row in one["scores"]}
    assert len(ranks) > 2, "the scores must differ, so that the ranking is compared"
    assert fanned == one
    # and the ranking crosses the counties: a unit of each is ranked in the one list
    ranked_units = {
        row[SCORE.index("unit_id")]
        for row in one["scores"]
        if row[SCORE.index("subject")] == "unit" and row[SCORE.index("rank")] is not None
    }
    assert all(ranked_units & county_units for county_units in counties.values())
    # and the parts were one per county and the rest, the audit row one, as in one process
    keys = set(FanoutPart.objects.filter(job__kind=tasks.KIND).values_list("key", flat=True))
    assert keys == {"county:" + bureau for bureau in counties} | {"rest"}
    assert AuditEvent.objects.filter(action=AuditAction.EVALUATION_COMPUTE).count() == 1


@pytest.mark.slow
def test_a_part_failing_once_is_done_again_and_the_month_is_stored_once(
    patrolled: None, eager: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given what one process stores, and a worker that dies in the first county's part
    expected = in_savepoint(lambda: computed(False))
    first_county = "county:" + sorted(county_bureaus())[0]
    died: list[str] = []

    def dying(params: dict[str, Any], key: str) -> dict[str, Any]:
        result = tasks.compute_part(params, key)
        if key == first_county and not died:
            died.append(key)
            raise ConnectionResetError("worker lost")
        return result

    monkeypatch.setattr(fanout, "fanout_parts", lambda: {tasks.KIND: dying})
    # when the month is computed by the parts
    fanned = computed(True)
    # then the part was tried twice and finished once, and the month is one process's, once
    part = FanoutPart.objects.get(job__kind=tasks.KIND, key=first_county)
    assert died == [first_county]
    assert (part.attempts, part.error) == (2, "")
    assert fanned == expected
    assert Evaluation.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.EVALUATION_COMPUTE).count() == 1


@pytest.mark.slow
def test_a_part_failing_on_every_attempt_leaves_the_month_as_it_was(
    patrolled: None, eager: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a part that always fails
    def broken(params: dict[str, Any], key: str) -> dict[str, Any]:
        if key == "rest":
            raise RuntimeError("磁盘已满")
        return tasks.compute_part(params, key)

    monkeypatch.setattr(fanout, "fanout_parts", lambda: {tasks.KIND: broken})
    # when the month is computed by the parts, then it is refused in Chinese naming the part,
    # and no version is stored or audited
    with (
        override_settings(FANOUT=True),
        pytest.raises(EvaluationError, match=r"考评计算未完成.*rest"),
    ):
        compute_month(OCTOBER, actor=system_user(), as_of=COMPUTED)
    assert FanoutPart.objects.get(key="rest").attempts == settings.FANOUT_RETRIES + 1
    assert not Evaluation.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.EVALUATION_COMPUTE).exists()


def test_with_fan_out_off_the_month_is_computed_here_and_nothing_is_sent(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given fan-out off (the default) and a broker that would refuse every task
    assert settings.FANOUT is False
    monkeypatch.setattr(fanout.part_task, "apply_async", lambda *a, **k: pytest.fail("sent"))
    # when a month is computed, then it is stored without parts
    compute_month(OCTOBER, actor=system_user(), as_of=COMPUTED)
    assert Evaluation.objects.filter(month=OCTOBER).exists()
    assert not FanoutPart.objects.exists()


@pytest.mark.slow
def test_through_redis_a_worker_scores_the_parts_and_the_month_is_one_process_s(
    pair_bundle: Path, worker: str
) -> None:
    # given the imported 市局 and its October computed in this process
    assert import_bundle([pair_bundle], actor=system_user()).ok
    one = computed(False)
    # when October is computed again, its parts sent through Redis to ``fazhi worker``
    fanned = computed(True)
    # then the worker did every part once, and the version stored is the same
    parts = FanoutPart.objects.filter(job__kind=tasks.KIND)
    assert parts.count() == 3
    assert all(p.finished_at and p.attempts == 1 for p in parts)
    assert one["scores"], "the month must have scores"
    assert fanned == one
