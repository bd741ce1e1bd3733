"""The Celery broker as the health check and the metrics see it: Redis, read directly.

The fan-out (``FAZHI_FANOUT`` with ``FAZHI_BROKER_URL``) sends its tasks through Redis, where
kombu keeps each queue as a list (``<queue>`` and, for the priorities 3, 6 and 9,
``<queue>\\x06\\x16<priority>``), the messages handed to a worker and not yet acknowledged in
the hash ``unacked``, and each exchange's bindings in the set ``_kombu.binding.<exchange>``
(members ``routing key\\x06\\x16pattern\\x06\\x16queue``). The queues are found from those
bindings, so a queue any producer or worker declared is counted without this module knowing its
name; the fan-out's own queue (``FANOUT_QUEUE``) is always counted.
"""

from __future__ import annotations

from typing import Any

import redis
from django.conf import settings

BrokerError: tuple[type[Exception], ...] = (redis.RedisError, OSError, ValueError)
SEP = "\x06\x16"
PRIORITY_STEPS = (0, 3, 6, 9)  # kombu.transport.redis.PRIORITY_STEPS
TIMEOUT_SECONDS = 2


def configured_url() -> str:
    """The broker's URL when the fan-out is on, else ``""`` (everything runs in-process)."""
    if not getattr(settings, "FANOUT", False):
        return ""
    return str(getattr(settings, "FANOUT_BROKER_URL", "") or "")


def client(url: str) -> Any:
    return redis.Redis.from_url(
        url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
    )


def _is_celery_control(queue: str) -> bool:
    # the workers' remote-control and event queues: fanout exchanges, never a backlog of work
    return queue.endswith(".pidbox") or queue.startswith("celeryev.")


def queue_names(conn: Any) -> list[str]:
    names = {str(getattr(settings, "FANOUT_QUEUE", "") or "celery")}
    for key in conn.scan_iter(match="_kombu.binding.*", count=200):
        for member in conn.smembers(key):
            parts = member.decode("utf-8", "replace").split(SEP)
            if len(parts) == 3 and parts[2] and not _is_celery_control(parts[2]):
                names.add(parts[2])
    return sorted(names)


def queue_lengths(conn: Any) -> tuple[dict[str, int], int]:
    """Messages waiting in each queue, and messages delivered to workers but not yet acknowledged
    (the tasks in hand)."""
    names = queue_names(conn)
    pipe = conn.pipeline()
    for name in names:
        for step in PRIORITY_STEPS:
            pipe.llen(f"{name}{SEP}{step}" if step else name)
    pipe.hlen("unacked")
    sizes = pipe.execute()
    steps = len(PRIORITY_STEPS)
    lengths = {
        name: sum(int(n) for n in sizes[i * steps : (i + 1) * steps])
        for i, name in enumerate(names)
    }
    return lengths, int(sizes[-1])
