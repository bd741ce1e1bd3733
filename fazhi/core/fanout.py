"""Work split into parts for Celery workers.

An app that splits a piece of work (the patrol: one part per 县局/分局, one per cross-county
rule) declares a part function per kind on its ``AppConfig`` (``fanout_parts``, from its own
``tasks.py``); ``fan_out(kind, params, keys)`` records the job and its parts, sends one Celery
task per part to the workers (``fazhi worker``) and waits for all of them, reading their
completion from the database (no result backend). With ``FAZHI_FANOUT`` off (the default) the
caller does not fan out at all and does the work itself, as before; the tests run the parts
through Celery's eager mode (in the calling process) and once through Redis to ``fazhi worker``.

A part is claimed by locking its ``FanoutPart`` row inside the one transaction that does its
work and marks it finished, so:

- a worker killed part-way (or a part that raises) leaves nothing of its work: its transaction
  is rolled back, and Celery sends the task again (``acks_late``, ``reject_on_worker_lost``;
  a failure is retried ``FAZHI_FANOUT_RETRIES`` times with backoff);
- a part sent twice (redelivered while the first worker still ran, or after it finished) is
  done once: the second waits on the row lock, then finds it finished and returns its result;
- a part that comes after the caller gave the job up (a part failed on every attempt, or the
  wait ran out) is not done: its job is marked ``given_up_at``, which the part checks, under the
  job row's lock, before it commits.

A worker that vanishes with a part (killed with its children, its machine lost) cannot hand the
task back: Redis gives it to another worker after ``FAZHI_FANOUT_REDELIVER`` s
(``transport_options``), well within the caller's wait ``FAZHI_FANOUT_TIMEOUT``.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Sequence
from typing import Any

from celery import Celery
from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import F
from django.utils import timezone

from fazhi.core.models import FanoutJob, FanoutPart
from fazhi.core.registry import fanout_parts

log = logging.getLogger(__name__)

TASK_NAME = "fazhi.part"
POLL_SECONDS = 0.2


class FanoutFailed(RuntimeError):
    """A part failed on every attempt, or the job outlived ``FAZHI_FANOUT_TIMEOUT``."""

    def __init__(self, job: FanoutJob, message: str) -> None:
        self.job = job
        super().__init__(message)


def make_app() -> Celery:
    """The Celery app of fazhi: broker from the settings, every task late-acknowledged and
    handed back when its worker dies, one task at a time per worker process."""
    app = Celery("fazhi")
    app.conf.update(
        broker_url=settings.FANOUT_BROKER_URL,
        broker_connection_retry_on_startup=True,
        task_default_queue=settings.FANOUT_QUEUE,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        timezone="Asia/Shanghai",
        broker_transport_options=transport_options(),
    )
    return app


def transport_options() -> dict[str, Any]:
    """How Redis holds the tasks. A task a worker took is kept aside, unacknowledged, until the
    part is done; when the worker vanishes with it (killed with its children, the machine lost),
    every other worker looks for such tasks older than ``FAZHI_FANOUT_REDELIVER`` s — at start
    and then every tenth of that (at most a minute) — and puts them back in the queue. Longer
    than any part runs (a county's patrol takes minutes, ZN-BL-01 on a province 23), or a part
    still running is sent again (harmless: the copy waits for it and does nothing); much shorter
    than ``FAZHI_FANOUT_TIMEOUT``, or the waiting run gives up before the part is done again."""
    redeliver = settings.FANOUT_REDELIVER
    return {
        "visibility_timeout": redeliver,
        "unacked_restore_interval": max(1, min(60, redeliver // 10)),
        "unacked_restore_throttle": 1,
        "global_keyprefix": settings.FANOUT_BROKER_PREFIX,
    }


celery_app = make_app()


def enabled() -> bool:
    """Whether work is fanned out to workers (``FAZHI_FANOUT`` with a broker URL)."""
    return bool(settings.FANOUT)


class _GivenUp(Exception):
    """The caller gave the job up while this part ran: its work is rolled back."""


def run_part(job_id: int, key: str) -> dict[str, Any] | None:
    """Do one part, or return what it did when it is already finished; ``None`` (and nothing
    done) when the caller has given the job up: a part that comes late (redelivered after the
    run failed, or left in the queue) must not write a stale moment's work over a later run's."""
    FanoutPart.objects.filter(
        job_id=job_id, key=key, finished_at__isnull=True, job__given_up_at__isnull=True
    ).update(attempts=F("attempts") + 1, started_at=timezone.now())
    try:
        with transaction.atomic():
            # the part's row only (``of``): locking the job's row too would make the parts of a
            # job wait for one another
            part = (
                FanoutPart.objects.select_for_update(of=("self",))
                .select_related("job")
                .get(job_id=job_id, key=key)
            )
            if part.finished_at is not None:
                return part.result
            if part.job.given_up_at is not None:
                raise _GivenUp
            result = fanout_parts()[part.job.kind](part.job.params, key)
            # the job's row, for the moment of the commit only: the caller gives up by updating
            # it, so a part either commits before that (and counts among the finished parts)
            # or sees it and leaves nothing
            job = FanoutJob.objects.select_for_update().only("given_up_at").get(pk=job_id)
            if job.given_up_at is not None:
                raise _GivenUp
            part.result = result
            part.finished_at = timezone.now()
            part.error = ""
            part.save(update_fields=["result", "finished_at", "error"])
    except _GivenUp:
        log.warning("fan-out part %s of job %s comes after the job was given up: not done", key,
                    job_id)  # fmt: skip
        return None
    return result


# The wait before the n-th retry of a failed part: RETRY_SECONDS · 2ⁿ, at most a minute.
RETRY_SECONDS = 2.0


@celery_app.task(name=TASK_NAME, bind=True, max_retries=settings.FANOUT_RETRIES)
def part_task(self: Any, job_id: int, key: str) -> None:
    """The Celery task of every part: ``run_part``, retried after a failure with a growing
    wait; once the retries are spent, the failure is noted on the part for the waiting caller."""
    eager = bool(self.request.is_eager)
    if not eager:
        close_old_connections()
    try:
        run_part(job_id, key)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            FanoutPart.objects.filter(job_id=job_id, key=key, finished_at__isnull=True).update(
                error=traceback.format_exc(limit=20), failed_at=timezone.now()
            )
            raise
        log.warning("fan-out part %s of job %s failed, retrying", key, job_id, exc_info=True)
        raise self.retry(
            exc=exc, countdown=min(60.0, RETRY_SECONDS * 2**self.request.retries)
        ) from exc
    finally:
        if not eager:
            close_old_connections()


def fan_out(
    kind: str,
    params: dict[str, Any],
    keys: Sequence[str],
    *,
    timeout: float | None = None,
) -> dict[str, dict[str, Any]]:
    """Send the parts ``keys`` of a job of ``kind`` to the workers, wait for all of them and
    return their results by key. Raises
    ``FanoutFailed`` when a part failed on every attempt or the time ran out; the parts that
    finished keep what they did (each is whole), and a new job does the work again."""
    if kind not in fanout_parts():
        raise KeyError(f"no app declares fan-out parts of kind {kind!r}")
    job = FanoutJob.objects.create(kind=kind, params=params)
    FanoutPart.objects.bulk_create([FanoutPart(job=job, key=key) for key in keys])
    for key in keys:
        part_task.apply_async((job.pk, key))
    try:
        _wait(job, timeout if timeout is not None else settings.FANOUT_TIMEOUT)
    except FanoutFailed:
        FanoutJob.objects.filter(pk=job.pk).update(given_up_at=timezone.now())
        raise
    FanoutJob.objects.filter(pk=job.pk).update(finished_at=timezone.now())
    parts = FanoutPart.objects.filter(job=job)
    return {part.key: part.result for part in parts}


def _wait(job: FanoutJob, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        open_parts = FanoutPart.objects.filter(job=job, finished_at__isnull=True)
        failed = open_parts.filter(failed_at__isnull=False).first()
        if failed is not None:
            raise FanoutFailed(job, f"分片 {failed.key} 多次重试后仍失败：{failed.error[-500:]}")
        if not open_parts.exists():
            return
        if time.monotonic() > deadline:
            waiting = ", ".join(open_parts.values_list("key", flat=True)[:10])
            raise FanoutFailed(
                job, f"等待后台进程超时（{int(timeout)} 秒），未完成的分片：{waiting}"
            )
        time.sleep(POLL_SECONDS)
