"""A ``fazhi worker`` killed in the middle of a part (SIGKILL to the whole worker, main process and
children, as when its machine is lost) leaves nothing of that part, the part is handed to another
worker once Redis's visibility timeout (``FAZHI_FANOUT_REDELIVER``) has passed, and the run
completes with every finding exactly once. And when only the worker's process doing the part
is killed (a prefork child: out of memory), the worker hands the task back at once
(``reject_on_worker_lost``) and does the part again in a new process.

The workers are real ``fazhi worker`` processes on the test's database (committed data only:
``subprocess_env``, SQLite in a file) fed through Redis (127.0.0.1:6379) under a key prefix and a
queue of this test's own, so that neither they nor their short visibility timeout touch the tasks
of anything else using that Redis (another test run, a benchmark's workers). The first worker is
started through a launcher that wraps the patrol's part function: after the held part's rules
have written their findings (uncommitted, in the part's transaction) it writes a marker file and
sleeps, the first time. Nothing of this is in fazhi itself; the second worker is ``fazhi worker``
unchanged.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, wait
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings

from fazhi.accounts.services import system_user
from fazhi.core import fanout
from fazhi.core.models import AuditEvent, FanoutPart
from fazhi.exchange.services import import_bundle
from fazhi.patrol import tasks
from fazhi.patrol.models import Finding, PatrolRun
from fazhi.patrol.services import run_patrol
from fazhi.records.bureaus import county_bureaus

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

AS_OF = datetime.fromisoformat("2026-11-01T00:00:00+08:00")
PACK = "cn-police-2026"
# Every wait of the test polls up to this long (the whole test takes about half a minute).
PATIENCE = 60.0
# The second worker's visibility timeout: a task unacknowledged this long is handed out again.
REDELIVER = 2
HELD_APP_NAME = "fazhi-test-held-worker"

# ``fazhi worker``, with the patrol's part function wrapped: the part FAZHI_TEST_HOLD does all its
# work, then writes its process id to FAZHI_TEST_MARKER and sleeps inside its open transaction
# until it is killed (the first time only).
HOLDING_WORKER = """
import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
import django
django.setup()
from pathlib import Path
from fazhi.core import fanout
from fazhi.cli import main
parts = fanout.fanout_parts()
real = parts["patrol"]
def holding(params, key):
    result = real(params, key)
    marker = Path(os.environ["FAZHI_TEST_MARKER"])
    if key == os.environ["FAZHI_TEST_HOLD"] and not marker.exists():
        marker.write_text(str(os.getpid()))
        time.sleep(3600)
    return result
fanout.fanout_parts = lambda: {**parts, "patrol": holding}
main(["fazhi", *sys.argv[1:]])
"""
# ``fazhi worker`` as it is, started only once FAZHI_TEST_GO exists: Python and Django, which take
# a loaded machine longer to load than the rest of the test, are loaded while the test prepares.
WAITING_WORKER = """
import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
import django
django.setup()
from pathlib import Path
from fazhi.cli import main
import fazhi.core.management.commands.worker
go = Path(os.environ["FAZHI_TEST_GO"])
while not go.exists():
    time.sleep(0.05)
main(["fazhi", *sys.argv[1:]])
"""


def findings() -> list[tuple[Any, ...]]:
    return list(
        Finding.objects.order_by("rule_id", "subject_type", "subject_id").values_list(
            "rule_id", "subject_type", "subject_id", "status", "unit_id", "case_id", "due_at",
            "is_open", "digest",
        )
    )  # fmt: skip


def poll(what: str, check: Callable[[], Any], patience: float = PATIENCE) -> Any:
    deadline = time.monotonic() + patience
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"waited {patience:.0f} s for {what}"
        time.sleep(0.1)


def gone(pgid: int) -> bool:
    """No process of the group runs any more (a killed child that its new parent has not reaped
    yet is a zombie: it runs nothing)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid and fields[0] not in "ZX":
                return False
    return True


class Workers:
    """The test's ``fazhi worker`` processes, each the leader of a process group of its own (its
    prefork children with it), all killed at the end whatever happened."""

    def __init__(self, env: dict[str, str], queue: str) -> None:
        self.env = env
        self.queue = queue
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, code: str, log: Path, **env: str) -> subprocess.Popen[bytes]:
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-c", code, "worker", "--concurrency=1",
                 f"--queue={self.queue}", "--loglevel=INFO"],
                env={**self.env, **env}, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        self.started.append(process)
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """SIGKILL to the worker's whole process group: nothing of it runs any more."""
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=PATIENCE)
        poll("the killed worker's children to end", lambda: gone(process.pid))

    def kill_all(self) -> None:
        for process in self.started:
            self.kill(process)


@contextmanager
def broker_of_this_test(prefix: str, queue: str) -> Iterator[None]:
    """This process sends its parts to the test's queue under the test's key prefix (a new
    connection pool, as the pool is made from the transport options); as before afterwards."""
    app = fanout.celery_app
    conf = app.conf
    before = conf.task_default_queue, conf.broker_transport_options

    def new_pool() -> None:
        app._pool = None
        app.amqp._producer_pool = None

    with override_settings(FANOUT_BROKER_PREFIX=prefix):
        conf.task_default_queue, conf.broker_transport_options = queue, fanout.transport_options()
    new_pool()
    try:
        yield
    finally:
        conf.task_default_queue, conf.broker_transport_options = before
        new_pool()


def in_thread(fn: Callable[[], Any]) -> Future[Any]:
    """``fn()`` in a thread of its own (with its own database connection, closed at its end)."""
    future: Future[Any] = Future()

    def run() -> None:
        try:
            future.set_result(fn())
        except BaseException as exc:
            future.set_exception(exc)
        finally:
            connection.close()

    threading.Thread(target=run, daemon=True).start()
    return future


def held_sessions(*, idle_in_transaction: bool = False) -> int | None:
    """On PostgreSQL, the held worker's sessions (those inside an open transaction only, when
    asked); ``None`` on SQLite, which cannot tell (the marker file has to do)."""
    if connection.vendor != "postgresql":
        return None
    state = " AND state = 'idle in transaction'" if idle_in_transaction else ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            f"AND application_name = %s{state}",
            [HELD_APP_NAME],
        )
        (count,) = cursor.fetchone()
    return int(count)


def held_transaction_open() -> bool:
    """That the held worker's session is inside its open transaction (its findings written, not
    committed)."""
    return held_sessions(idle_in_transaction=True) in (None, 1)


def held_sessions_gone() -> bool:
    return held_sessions() in (None, 0)


@pytest.mark.parametrize(
    "killed",
    [
        # the machine lost: nobody hands the task back, another worker takes it after REDELIVER
        "worker",
        # a worker's process (out of memory): the worker hands the task back at once, and does
        # it again in a new process
        "process",
    ],
)
def test_a_worker_killed_mid_part_leaves_nothing_and_the_part_is_done_once_by_another(
    killed: str, pair_bundle: Path, subprocess_env: dict[str, str], tmp_path: Path
) -> None:
    import redis

    client = redis.Redis.from_url(settings.FANOUT_BROKER_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail("Redis 未运行（127.0.0.1:6379）：请先 redis-server --daemonize yes")
    # given a 市局 of two county bureaus
    actor = system_user()
    assert import_bundle([pair_bundle], actor=actor).ok
    held = "county:" + sorted(county_bureaus())[0]
    tag = uuid.uuid4().hex[:8]
    prefix, queue = f"fazhi-test-{tag}:", f"fazhi-test-{tag}"
    env = {**subprocess_env, "FAZHI_BROKER_PREFIX": prefix}
    marker, go = tmp_path / "held", tmp_path / "go"
    workers = Workers(env, queue)
    run: Future[PatrolRun] | None = None
    try:
        # and a worker that, in the part of the first county, will write that county's findings
        # and not commit them (a slow part, caught in the middle); the second worker waits
        first = workers.start(
            HOLDING_WORKER, tmp_path / "first.log", FAZHI_TEST_HOLD=held,
            FAZHI_TEST_MARKER=str(marker), PGAPPNAME=HELD_APP_NAME,
        )  # fmt: skip
        if killed == "worker":
            second = workers.start(
                WAITING_WORKER, tmp_path / "second.log", FAZHI_TEST_GO=str(go),
                FAZHI_FANOUT_REDELIVER=str(REDELIVER),
            )  # fmt: skip
        # and what one process finds in the store (rolled back)
        with transaction.atomic():
            run_patrol(as_of=AS_OF, actor=actor, now=AS_OF, pack_code=PACK)
            expected = findings()
            transaction.set_rollback(True)
        assert expected
        assert not Finding.objects.exists()
        audits_before = AuditEvent.objects.filter(action="patrol.run").count()
        # (the run gives up before the test does: its thread always ends, with its connection)
        with broker_of_this_test(prefix, queue), override_settings(FANOUT_TIMEOUT=2 * PATIENCE):
            # when the patrol is fanned out, and the first worker is in the held part
            run = in_thread(lambda: tasks.fanned_patrol(as_of=AS_OF, actor=actor, pack_code=PACK,
                                                        now=AS_OF))  # fmt: skip
            poll("the held part to have done its work", marker.exists)
            part = FanoutPart.objects.get(job__kind=tasks.KIND, key=held)
            assert part.attempts == 1
            assert part.finished_at is None
            poll("the held part's transaction", held_transaction_open)
            if killed == "worker":
                # and the whole worker is killed (main process and children, SIGKILL)
                workers.kill(first)
                assert first.returncode == -signal.SIGKILL
                poll("the killed worker's sessions to end", held_sessions_gone)
                # then nothing of the held part is stored, and the part is not finished
                sliced = part.job.params["sliced_rules"]
                units = part.job.params["counties"][held.removeprefix(tasks.COUNTY)]
                assert Finding.objects.exists(), "the analysis parts before it have committed"
                assert not Finding.objects.filter(rule_id__in=sliced, unit_id__in=units).exists()
                assert FanoutPart.objects.get(pk=part.pk).finished_at is None
                assert not run.done()
                # and when another worker starts (it takes up tasks unacknowledged for
                # REDELIVER s)
                go.touch()
                remaining = second
            else:
                # and the worker's process doing the part is killed (SIGKILL), the worker lives
                os.kill(int(marker.read_text()), signal.SIGKILL)
                remaining = first
            patrol = run.result(timeout=3 * PATIENCE)
            # then the run completes, the held part done on its second attempt, the others once
            attempts = dict(
                FanoutPart.objects.filter(job__kind=tasks.KIND).values_list("key", "attempts")
            )
            assert attempts[held] == 2
            assert all(n == 1 for key, n in attempts.items() if key != held), attempts
            assert not FanoutPart.objects.filter(finished_at__isnull=True).exists()
            # and every finding is there exactly once, as one process finds them
            assert findings() == expected
            assert patrol.stats["created"] == len(expected) == Finding.objects.count()
            assert PatrolRun.objects.count() == 1
            assert AuditEvent.objects.filter(action="patrol.run").count() == audits_before + 1
            # and the worker that is left stops cleanly
            remaining.send_signal(signal.SIGTERM)
            remaining.wait(timeout=PATIENCE)
            log = tmp_path / ("second.log" if killed == "worker" else "first.log")
            assert remaining.returncode == 0, log.read_text()[-2000:]
    finally:
        workers.kill_all()
        if run is not None:
            wait([run], timeout=3 * PATIENCE)
        keys = client.keys(f"{prefix}*")
        if keys:
            client.delete(*keys)
