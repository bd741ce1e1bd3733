"""/metrics: behind a bearer token; the tick's and the patrol's durations, the outbox's failures
and the broker's queue lengths, read from the database and Redis at scrape time."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import redis
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from kombu import Connection
from prometheus_client.parser import text_string_to_metric_families

from fazhi.core.tick import run_tick
from fazhi.notifications.models import DeliveryStatus, WebhookDelivery
from fazhi.patrol.models import PatrolRun
from fazhi.patrol.services import run_patrol

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-0123456789"
REDIS = "redis://127.0.0.1:6379/14"


def scrape(token: str | None = TOKEN) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client().get("/metrics", headers=headers)


def samples() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = scrape()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            found[sample.name, tuple(sorted(sample.labels.items()))] = sample.value
    return found


@override_settings(METRICS_TOKEN="")
def test_metrics_are_off_without_a_token() -> None:
    assert scrape().status_code == 404
    assert scrape(None).status_code == 404


@override_settings(METRICS_TOKEN=TOKEN)
def test_metrics_refuse_a_scrape_without_the_token() -> None:
    for response in (scrape(None), scrape("wrong"), Client().get("/metrics?token=" + TOKEN)):
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert b"fazhi_" not in response.content


@override_settings(METRICS_TOKEN=TOKEN)
def test_patrol_and_tick_durations_come_from_their_rows(bureau: Any) -> None:
    # given two full patrol runs (one of 90 s, as its row says), an incremental one by the
    # tick, and one webhook delivery given up
    admin = bureau.users["admin"]
    first = run_patrol(as_of=timezone.now(), actor=admin)
    PatrolRun.objects.filter(pk=first.pk).update(
        started_at=first.started_at - timedelta(seconds=90), finished_at=first.started_at
    )
    run_patrol(as_of=timezone.now(), actor=admin)
    tick = run_tick(only=["patrol"])
    assert tick is not None
    WebhookDelivery.objects.create(
        event="x", payload={}, url="http://sms.invalid/", status=DeliveryStatus.FAILED
    )
    # when Prometheus scrapes
    found = samples()
    # then the runs are counted by mode and the full runs' durations add up to at least 90 s
    assert found["fazhi_patrol_runs_total", (("mode", "full"),)] == 2
    assert found["fazhi_patrol_runs_total", (("mode", "incremental"),)] == 1
    assert found["fazhi_patrol_duration_seconds_count", (("mode", "full"),)] == 2
    assert 90 <= found["fazhi_patrol_duration_seconds_sum", (("mode", "full"),)] < 120
    assert found["fazhi_patrol_last_duration_seconds", (("mode", "full"),)] < 30
    assert any(name == "fazhi_patrol_rule_duration_seconds" for name, _ in found)
    # and the tick's last run: its patrol step, success, not running
    step = found["fazhi_tick_step_duration_seconds", (("step", "patrol"),)]
    assert step == tick["steps"]["patrol"]["seconds"]
    assert found["fazhi_tick_last_success", ()] == 1
    assert found["fazhi_tick_running", ()] == 0
    assert found["fazhi_tick_last_finish_timestamp_seconds", ()] > 0
    # and the outbox's failure
    assert found["fazhi_webhook_deliveries", (("status", "failed"),)] == 1
    assert found["fazhi_webhook_deliveries", (("status", "pending"),)] == 0
    # no broker configured: no queue metrics
    assert not any(name.startswith("fazhi_queue") for name, _ in found)


@override_settings(METRICS_TOKEN=TOKEN)
def test_a_scrape_costs_the_same_queries_however_many_runs_there_are(bureau: Any) -> None:
    admin = bureau.users["admin"]
    run_patrol(as_of=timezone.now(), actor=admin)
    with CaptureQueriesContext(connection) as one:
        samples()
    for _ in range(3):
        run_patrol(as_of=timezone.now(), actor=admin)
    run_tick(only=["patrol"])
    with CaptureQueriesContext(connection) as more:
        samples()
    assert len(more) == len(one)


@pytest.fixture
def queue() -> Iterator[str]:
    """A queue of its own on a Redis database of its own, removed afterwards."""
    name = f"fazhi-test-{uuid.uuid4().hex[:8]}"
    yield name
    client = redis.Redis.from_url(REDIS)
    for key in client.scan_iter(match=f"*{name}*"):
        client.delete(key)
    for key in client.scan_iter(match="_kombu.binding.*"):
        for member in client.smembers(key):
            if name.encode() in member:
                client.srem(key, member)


@override_settings(METRICS_TOKEN=TOKEN, FANOUT=True, FANOUT_BROKER_URL=REDIS)
def test_queue_lengths_are_read_from_redis(queue: str) -> None:
    # given three tasks waiting in a queue declared through kombu, one of them at priority 9
    with Connection(REDIS) as conn:
        waiting = conn.SimpleQueue(queue)
        waiting.put({"n": 1})
        waiting.put({"n": 2})
        waiting.put({"n": 3}, priority=9)
        waiting.close()
    # when Prometheus scrapes, then the broker is up and the queue holds three
    found = samples()
    assert found["fazhi_broker_up", ()] == 1
    assert found["fazhi_queue_messages", (("queue", queue),)] == 3
    assert ("fazhi_queue_unacked_messages", ()) in found


@override_settings(METRICS_TOKEN=TOKEN, FANOUT=True, FANOUT_BROKER_URL="redis://127.0.0.1:1/0")
def test_an_unreachable_broker_is_reported_down() -> None:
    # given the fan-out on, with nothing listening at the broker's address, and no tick yet
    # when Prometheus scrapes, then the broker is down and the database's metrics still come
    found = samples()
    assert found["fazhi_broker_up", ()] == 0
    assert found["fazhi_tick_last_success", ()] == 0
    assert found["fazhi_tick_last_finish_timestamp_seconds", ()] == 0


@override_settings(METRICS_TOKEN=TOKEN)
def test_the_workers_parts_are_counted_by_state_with_their_attempts() -> None:
    # given a fanned-out patrol: one part done at the second attempt, one given up, one waiting
    from fazhi.core.models import FanoutJob, FanoutPart

    now = timezone.now()
    job = FanoutJob.objects.create(kind="patrol", params={})
    FanoutPart.objects.create(job=job, key="county:A", attempts=2, finished_at=now)
    FanoutPart.objects.create(job=job, key="county:B", attempts=4, failed_at=now, error="x")
    FanoutPart.objects.create(job=job, key="rule:ZN-BL-01", attempts=1)
    # when Prometheus scrapes
    found = samples()
    # then each state is counted, and the retries show in the attempts
    assert found["fazhi_fanout_parts", (("state", "open"),)] == 1
    assert found["fazhi_fanout_parts", (("state", "finished"),)] == 1
    assert found["fazhi_fanout_parts", (("state", "failed"),)] == 1
    assert found["fazhi_fanout_part_attempts_total", ()] == 7
