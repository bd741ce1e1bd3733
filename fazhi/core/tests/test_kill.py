"""``kill -9`` at random moments: a ``fazhi import``, ``fazhi patrol`` or ``fazhi tick`` killed
part-way through leaves a consistent store, and the next run ends exactly as an uninterrupted run.

Each command runs as a real subprocess on the test's own database (a file for SQLite, see
``django_db_modify_db_settings`` in fazhi/conftest.py). It reports when Django is set up, so that
the kills fall in the command's work, not in Python's start-up, at moments drawn from a seeded
generator: one in each third of how long the same command takes, measured by a run of it in a
subprocess inside a transaction that is then rolled back. What an uninterrupted run leaves is
known from a reference run in this process, also rolled back. A run that committed before its
moment came counts as a whole run: the checks accept "nothing of it" or "all of it", never a part.
"""

from __future__ import annotations

import hashlib
import json
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import connection, models, transaction

from fazhi.accounts.services import system_user
from fazhi.conftest import SUBPROCESS_APP_NAME
from fazhi.core.audit import verify_chain
from fazhi.core.models import AuditEvent, AuditHead, Lease
from fazhi.core.registry import tick_steps
from fazhi.core.tick import TICK_LEASE, run_tick
from fazhi.exchange.services import import_bundle
from fazhi.patrol.models import Finding, PatrolRun, RunMode
from fazhi.patrol.services import run_patrol
from fazhi.synth import services as synth

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SEED = 20261101
KILLS = 3
SHANGHAI = ZoneInfo("Asia/Shanghai")
# The generator's window ends here; the second bundle is the same county a month later (most
# records again, many changed, some new), as the next monthly export would be.
AS_OF = datetime(2026, 11, 1, tzinfo=SHANGHAI)
NEXT_MONTH = datetime(2026, 12, 1, tzinfo=SHANGHAI)
# A small county: ~5,000 records, a few seconds to import, patrol or tick.
TINY = synth.Scale("tiny", cities=0, counties_per_city=0, size=0.01)

# Started with ``python -c`` in place of the ``fazhi`` script: the same ``fazhi.cli.main``, after
# Django and the command's modules (the tick's steps included) are loaded and "ready" is printed.
# With ROLL_BACK set, the command runs inside a transaction that is rolled back (to time it).
LAUNCHER = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
import django
django.setup()
from django.core.management import call_command, get_commands, load_command_class
from django.db import transaction
from fazhi.cli import ALIASES, main
name = ALIASES.get(sys.argv[1], sys.argv[1])
load_command_class(get_commands()[name], name)
print("ready", flush=True)
if os.environ.get("ROLL_BACK"):
    class RollBack(Exception):
        pass
    try:
        with transaction.atomic():
            call_command(name, *sys.argv[2:])
            raise RollBack
    except RollBack:
        pass
else:
    main(["fazhi", *sys.argv[1:]])
"""


@dataclass(frozen=True)
class Bundles:
    first: Path  # the county at AS_OF
    second: Path  # the same county a month later


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> Bundles:
    folder = tmp_path_factory.mktemp("bundles")
    paths = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(synth.SCALES, TINY.name, TINY)
        for as_of in (AS_OF, NEXT_MONTH):
            out = folder / f"tiny-{as_of:%Y-%m}.jsonl"
            synth.generate(synth.Options(TINY.name, 7, out, as_of=as_of.isoformat()))
            paths.append(out)
    return Bundles(*paths)


# --- the state of the store ---------------------------------------------------------------------


def project_models() -> list[type[models.Model]]:
    """Every table of fazhi (link tables included)."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if apps.get_app_config(model._meta.app_label).name.startswith("fazhi.")
    ]


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def schema() -> list[tuple[str, str]]:
    """Every index and constraint of the database (an import drops and rebuilds indexes)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                "UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2"
            )
        else:
            cursor.execute(
                "SELECT name, coalesce(sql, '') FROM sqlite_master "
                "WHERE type IN ('index', 'table', 'trigger') ORDER BY 1, 2"
            )
        return [tuple(row) for row in cursor.fetchall()]


def store_state(*, leave_out: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Row count and a digest of every column of every row, per table, and the schema."""
    state: dict[str, Any] = {"schema": schema()}
    for model in project_models():
        label = model._meta.label
        if label in leave_out:
            continue
        digest = hashlib.sha256()
        count = 0
        columns = [f.attname for f in model._meta.concrete_fields]
        for row in model._base_manager.order_by("pk").values_list(*columns).iterator():
            digest.update(_dump(row).encode())
            count += 1
        state[label] = (count, digest.hexdigest())
    return state


def changed_tables(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(k for k in before if before[k] != after.get(k))


# Columns stamped with the clock of the machine (not the run's ``now``) and random file names:
# they differ between two runs doing the same work.
VOLATILE = {
    "records.*": {"changed_at"},
    "patrol.Finding": {"first_seen_at", "last_changed_at", "closed_at"},
    "disputes.EscalationLetter": {"file_path"},
    # a report's files are named with a random part; its rendering time and zipped sizes vary
    "reports.Report": {"docx_path", "xlsx_path", "docx_size", "xlsx_size", "seconds"},
    "intel.TranscriptSignature": {"changed_at"},
    # a pair's score is stamped with its two signatures' clock times, a reading with its
    # incident's changed_at
    "intel.TranscriptPairScore": {"a_signed_at", "b_signed_at"},
    "intel.IncidentSuggestion": {"source_changed_at"},
    # the patrol run it follows, by id (PostgreSQL's sequence moves on in a killed run too)
    "custody.Reconciled": {"patrol_run"},
}
# Logs of runs rather than results: each run adds its own rows.
RUN_LOGS = frozenset({AuditEvent._meta.label, AuditHead._meta.label, Lease._meta.label,
                      PatrolRun._meta.label})  # fmt: skip


# Rows that JSON columns name by automatic id ({"type": "finding", "id": "12"}: 每日十问's records).
JSON_REFERENCES = {"finding": Finding}


def _volatile(model: type[models.Model]) -> set[str]:
    meta = model._meta
    return VOLATILE.get(meta.label, set()) | VOLATILE.get(f"{meta.app_label}.*", set())


def _is_auto(model: Any) -> bool:
    return isinstance(model._meta.pk, models.AutoField)  # BigAutoField is one too


class Content:
    """Rows comparable between two runs doing the same work: automatic ids differ (a rolled-back
    or killed run still consumes PostgreSQL's sequence numbers, and rows may be created in
    another order), so a row's automatic id is left out and a reference to one is replaced by
    the referenced row's own content (its digest)."""

    def __init__(self) -> None:
        self.keys: dict[type[models.Model], dict[Any, str]] = {}

    def rows(self, model: type[models.Model]) -> list[tuple[Any, str]]:
        skip = _volatile(model)
        fields = [f for f in model._meta.concrete_fields if f.name not in skip]
        if _is_auto(model):
            fields = [f for f in fields if not f.primary_key]
        result = []
        names = ["pk", *(f.attname for f in fields)]
        for pk, *values in model._base_manager.order_by("pk").values_list(*names).iterator():
            row = {}
            for f, value in zip(fields, values, strict=True):
                if f.is_relation and value is not None and _is_auto(f.related_model):
                    value = self.key(f.related_model, value)
                elif isinstance(f, models.JSONField):
                    value = self.resolve(value)
                row[f.name] = value
            result.append((pk, _dump(row)))
        return result

    def key(self, model: Any, pk: Any) -> str:
        if model not in self.keys:
            self.keys[model] = {}  # a cycle of references would read as missing, not loop
            digests = {k: hashlib.sha256(row.encode()).hexdigest() for k, row in self.rows(model)}
            self.keys[model] = digests
        return self.keys[model].get(pk, f"missing {model._meta.label} {pk}")

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if isinstance(value, dict):
            value = {k: self.resolve(v) for k, v in value.items()}
            model = JSON_REFERENCES.get(value.get("type", ""))
            if model is not None and "id" in value:
                value["id"] = self.key(model, int(value["id"]))
        return value


def content(*, leave_out: frozenset[str] = RUN_LOGS) -> dict[str, list[str]]:
    """What a run leaves, comparable between runs (see Content): every row of every table
    without the columns in VOLATILE, as a sorted list."""
    reader = Content()
    return {
        model._meta.label: sorted(row for _, row in reader.rows(model))
        for model in project_models()
        if model._meta.label not in leave_out
    }


def assert_same_content(actual: dict[str, list[str]], expected: dict[str, list[str]]) -> None:
    differing = {}
    for label in expected:
        if actual[label] != expected[label]:
            extra = sorted(set(actual[label]) - set(expected[label]))
            missing = sorted(set(expected[label]) - set(actual[label]))
            differing[label] = {
                "rows": (len(actual[label]), len(expected[label])),
                "unexpected": [row[:300] for row in extra[:2]],
                "missing": [row[:300] for row in missing[:2]],
            }
    assert not differing, json.dumps(differing, ensure_ascii=False, indent=1)


# --- running and killing ------------------------------------------------------------------------


class Reference(Exception):
    """Raised to roll back a reference run."""


@contextmanager
def rolled_back() -> Iterator[None]:
    try:
        with transaction.atomic():
            yield
            raise Reference
    except Reference:
        pass


def reference_run(work: Callable[[], object]) -> dict[str, list[str]]:
    """What ``work`` leaves when nothing interrupts it; the store is left as it was."""
    with rolled_back():
        work()
        return content()


def kill_moments(env: dict[str, str], args: tuple[str, ...], seed: int) -> list[float]:
    """KILLS moments within the time ``fazhi ARGS`` takes (a rolled-back run tells), one in each
    of as many equal stretches (early, middle, late), at a seeded random point of each."""
    timing = fazhi(env, *args, roll_back=True)
    assert timing.returncode == 0, timing
    rng = random.Random(seed)
    return [round((k + rng.random()) / KILLS * timing.seconds, 3) for k in range(KILLS)]


@dataclass
class Outcome:
    killed: bool
    returncode: int
    stdout: str
    stderr: str
    seconds: float  # from "ready" to the end


def fazhi(
    env: dict[str, str], *args: str, kill_after: float | None = None, roll_back: bool = False
) -> Outcome:
    """Run ``fazhi ARGS``; with ``kill_after``, SIGKILL it that many seconds after it is ready
    (unless it has finished by then); with ``roll_back``, leave nothing of it (a timing run)."""
    if roll_back:
        env = {**env, "ROLL_BACK": "1"}
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    ready = process.stdout.readline()
    clock = time.monotonic()
    killed = False
    if ready.strip() == "ready" and kill_after is not None:
        try:
            process.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            killed = True
    stdout, stderr = process.communicate(timeout=600)
    seconds = time.monotonic() - clock
    wait_for_orphaned_sessions()
    outcome = Outcome(killed, process.returncode, ready + stdout, stderr, seconds)
    if killed:
        assert outcome.returncode == -signal.SIGKILL, outcome
    return outcome


def wait_for_orphaned_sessions() -> None:
    """PostgreSQL notices a killed client only when its backend next talks to it: wait until
    the killed subprocess's backends (named by ``PGAPPNAME``, see ``subprocess_env``) have rolled
    back and gone, as the next run would (on its locks). Idle sessions other tests' threads left
    open are not the subprocess's and are not waited for."""
    if connection.vendor != "postgresql":
        return
    deadline = time.monotonic() + 120
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND application_name = %s",
                [SUBPROCESS_APP_NAME],
            )
            (others,) = cursor.fetchone()
        if not others:
            return
        assert time.monotonic() < deadline, "a killed client's session never ended"
        time.sleep(0.05)


def audit_seq() -> int:
    head = AuditHead.objects.first()
    return head.seq if head else 0


def nothing_or_all(
    outcome: Outcome,
    before: dict[str, Any],
    seq_before: int,
    expected: dict[str, list[str]],
    action: str,
) -> tuple[dict[str, Any], bool]:
    """Assert that the store holds nothing of the run, or all of it (it committed before the
    kill came, or finished): what an uninterrupted run leaves, with the run's one audit row
    ``action``. Returns the state after, and whether nothing of the run was stored."""
    after = store_state()
    if not outcome.killed:
        assert outcome.returncode == 0, outcome
    if outcome.killed and not changed_tables(before, after):
        return after, True
    assert_same_content(content(), expected)
    audited = list(AuditEvent.objects.filter(seq__gt=seq_before).values_list("action", flat=True))
    assert audited == [action], audited
    return after, False


def assert_chain_intact() -> None:
    report = verify_chain()
    assert report.ok, report.lines()


# --- fazhi import -------------------------------------------------------------------------------


def test_a_killed_import_leaves_the_store_as_it_was(bundles: Bundles, subprocess_env) -> None:
    # given a store holding the county's first bundle
    assert import_bundle([bundles.first], actor=system_user()).ok
    # and what importing the next month's bundle leaves when nothing interrupts it
    expected = reference_run(lambda: import_bundle([bundles.second], actor=system_user()))
    before = store_state()
    args = ("import", str(bundles.second))
    # when `fazhi import` of that bundle is killed at random moments
    undone = []
    for moment in kill_moments(subprocess_env, args, SEED):
        seq_before = audit_seq()
        outcome = fazhi(subprocess_env, *args, kill_after=moment)
        # then nothing of it is stored (every table, counted and digested, the audit log and the
        # indexes are as they were), or all of it when it committed before the kill came
        before, nothing = nothing_or_all(outcome, before, seq_before, expected, "import")
        undone.append(nothing)
        assert_chain_intact()
    assert any(undone), "every kill came after the commit: the moments test nothing"
    # and the next import completes and leaves what an uninterrupted import leaves
    seq_before = audit_seq()
    outcome = fazhi(subprocess_env, *args)
    assert "导入完成" in outcome.stdout
    nothing_or_all(outcome, before, seq_before, expected, "import")
    assert_chain_intact()


# --- fazhi patrol -------------------------------------------------------------------------------

LATER = NEXT_MONTH + timedelta(days=10, hours=9)


def test_a_killed_patrol_stores_no_part_of_its_findings(bundles: Bundles, subprocess_env) -> None:
    # given a store patrolled a month ago, then the next month's records imported
    assert import_bundle([bundles.first], actor=system_user()).ok
    run_patrol(as_of=AS_OF, actor=system_user())
    assert import_bundle([bundles.second], actor=system_user()).ok
    # and what a full patrol now leaves when nothing interrupts it (findings of the new records
    # rule by rule, deadlines passed since)
    expected = reference_run(
        lambda: run_patrol(as_of=LATER, actor=system_user(), mode=RunMode.FULL)
    )
    before = store_state()
    args = ("patrol", "--as-of", LATER.isoformat(), "--full", "--format", "none")
    # when `fazhi patrol` is killed at random moments
    undone = []
    for moment in kill_moments(subprocess_env, args, SEED + 1):
        seq_before = audit_seq()
        outcome = fazhi(subprocess_env, *args, kill_after=moment)
        # then no finding, run or audit row of it is stored, or all of them
        before, nothing = nothing_or_all(outcome, before, seq_before, expected, "patrol.run")
        undone.append(nothing)
        assert_chain_intact()
    assert any(undone), "every kill came after the commit: the moments test nothing"
    # and the next patrol completes with the findings of an uninterrupted one
    seq_before = audit_seq()
    outcome = fazhi(subprocess_env, *args)
    assert "全量巡查完成" in outcome.stderr
    nothing_or_all(outcome, before, seq_before, expected, "patrol.run")
    assert_chain_intact()


# --- fazhi tick ---------------------------------------------------------------------------------

# The day after: the first tick of a day re-grades every open dispute and opens new daily sheets.
TICK_AT = LATER + timedelta(days=1, hours=1)


@dataclass(frozen=True)
class Unit:
    """What one step of the tick writes, and the audit actions it commits with it. ``whole``: the
    step is a single transaction (rectification commits its creations, escalations and
    reminders separately; disputes its grading, then each 抄告 letter)."""

    tables: frozenset[str]
    actions: frozenset[str]
    whole: bool


TICK_UNITS = {
    "patrol": Unit(
        frozenset({"patrol.Rule", "patrol.Finding", "patrol.PatrolRun",
                   "intel.TranscriptSignature", "intel.TranscriptBand",
                   "intel.TranscriptPairScore", "intel.IncidentSuggestion"}),
        frozenset({"patrol.run"}),
        whole=True,
    ),
    "custody": Unit(
        frozenset({"custody.Reconciled", "custody.StoredDifference"}),
        frozenset({"custody.refresh"}),
        whole=True,
    ),
    "rectification": Unit(
        frozenset({"rectification.Problem", "rectification.ProblemAction",
                   "rectification.InterviewReminder"}),
        frozenset({"rectification.create", "rectification.escalate", "rectification.interview"}),
        whole=False,
    ),
    "daily": Unit(
        frozenset({"dailycheck.DailySheet", "dailycheck.DailyAnswer"}),
        frozenset({"dailycheck.generate"}),
        whole=True,
    ),
    "disputes": Unit(
        frozenset({"disputes.Dispute", "disputes.Party", "disputes.ChecklistAnswer",
                   "disputes.FollowupPlan", "disputes.EscalationLetter"}),
        frozenset({"disputes.tick", "disputes.escalate"}),
        whole=False,
    ),
    "evaluation": Unit(
        frozenset({"evaluation.AnalysisTask"}),
        frozenset({"evaluation.analysis_tick"}),
        whole=False,
    ),
    "servicedesk": Unit(
        frozenset({"servicedesk.ServiceRequest"}),
        frozenset({"servicedesk.tick"}),
        whole=False,
    ),
    # each report is issued in its own transaction with its audit row
    "reports": Unit(
        frozenset({"reports.Report"}),
        frozenset({"report.generate"}),
        whole=False,
    ),
}  # fmt: skip
# Written inside the units' transactions (notices of new and escalated problems and disputes).
SHARED_TABLES = {"notifications.Notification"}


def assert_tick_consistent(
    before: dict[str, Any], seq_before: int, expected: dict[str, list[str]]
) -> bool:
    """Every step of the tick that changed anything committed its audit row with it; a step that
    is one transaction did all of its work; nothing else changed. Returns whether the tick's
    work is still (partly) undone."""
    after = store_state(leave_out=frozenset({Lease._meta.label}))
    changed = set(changed_tables(before, after)) - {"core.AuditEvent", "core.AuditHead"}
    known = SHARED_TABLES.union(*(unit.tables for unit in TICK_UNITS.values()))
    assert changed <= known, sorted(changed - known)
    audited = set(AuditEvent.objects.filter(seq__gt=seq_before).values_list("action", flat=True))
    now = content()
    for name, unit in TICK_UNITS.items():
        if not changed & unit.tables:
            continue
        assert audited & unit.actions, f"{name}: {sorted(changed & unit.tables)} without audit"
        if unit.whole:
            tables = unit.tables - RUN_LOGS
            assert_same_content(
                {k: v for k, v in now.items() if k in tables},
                {k: v for k, v in expected.items() if k in tables},
            )
    assert_chain_intact()
    return now != expected


def test_a_killed_tick_leaves_a_consistent_store(bundles: Bundles, subprocess_env) -> None:
    # given a store that has had a tick a month ago, then the next month's records
    assert import_bundle([bundles.first], actor=system_user()).ok
    assert run_tick(now=AS_OF + timedelta(hours=8)) is not None
    assert import_bundle([bundles.second], actor=system_user()).ok
    # and what the next tick leaves when nothing interrupts it
    expected = reference_run(lambda: run_tick(now=TICK_AT))
    args = ("tick", "--as-of", TICK_AT.isoformat())
    # when `fazhi tick` is killed at random moments
    undone = []
    for moment in kill_moments(subprocess_env, args, SEED + 2):
        before = store_state(leave_out=frozenset({Lease._meta.label}))
        seq_before = audit_seq()
        outcome = fazhi(subprocess_env, *args, kill_after=moment)
        assert outcome.killed or outcome.returncode == 0, outcome
        # then the steps before the kill are done, each with its audit row, and the step it
        # was killed in left nothing (or, made of several transactions, whole parts)
        undone.append(assert_tick_consistent(before, seq_before, expected))
        # (a killed tick holds the lease until it expires, 30 minutes on: until stale leases are
        # taken over, the test frees it so the next tick runs now)
        Lease.objects.filter(name=TICK_LEASE).update(expires_at=None)
    assert any(undone), "every kill came after the tick's work: the moments test nothing"
    # and the next tick completes and leaves what an uninterrupted tick leaves
    outcome = fazhi(subprocess_env, *args)
    assert outcome.returncode == 0, outcome
    assert json.loads(outcome.stdout.removeprefix("ready\n"))["steps"].keys() == {
        step.name for step in tick_steps()
    }
    assert_same_content(content(), expected)
    assert_chain_intact()
