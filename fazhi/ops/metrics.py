"""Prometheus metrics (``/metrics``), read from the database at scrape time.

The tick, the patrol and the workers run in other processes than the web server that answers the
scrape (the scheduler, ``fazhi worker``, cron), so nothing is counted in memory: a custom
collector reads what those processes leave in the database — the tick's lease (its last start,
finish, result and failure, ``core.Lease``), the patrol runs (``patrol.PatrolRun``), the webhook
outbox (``notifications.WebhookDelivery``), the workers' parts (``core.FanoutPart``) — and the
broker's queues (Redis list lengths, see ``fazhi.ops.broker``). Any number of web processes
answer the same numbers.

Names follow Prometheus' conventions: seconds, ``_total`` for counters, ``_timestamp_seconds``
for moments (Unix time).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Q, Sum
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    Metric,
    SummaryMetricFamily,
)
from prometheus_client.registry import Collector, CollectorRegistry

from fazhi.core.models import FanoutPart, Lease
from fazhi.core.tick import TICK_LEASE
from fazhi.notifications.models import DeliveryStatus, WebhookDelivery
from fazhi.ops import broker
from fazhi.patrol.models import PatrolRun, RunMode

CONTENT_TYPE = CONTENT_TYPE_LATEST


def _ts(moment: datetime | None) -> float:
    return moment.timestamp() if moment is not None else 0.0


class FazhiCollector(Collector):
    """Every metric, collected afresh at each scrape."""

    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        yield from self.tick(now)
        yield from self.patrol()
        yield from self.webhooks()
        yield from self.queues()
        yield from self.fanout()

    def tick(self, now: datetime) -> Iterator[Metric]:
        lease = Lease.objects.filter(name=TICK_LEASE).first()
        result = (lease.last_result if lease else None) or {}
        started = lease.last_started_at if lease else None
        finished = lease.last_finished_at if lease else None
        yield GaugeMetricFamily(
            "fazhi_tick_last_start_timestamp_seconds",
            "When the last fazhi tick started (0: never).",
            value=_ts(started),
        )
        yield GaugeMetricFamily(
            "fazhi_tick_last_finish_timestamp_seconds",
            "When the last fazhi tick finished (0: never).",
            value=_ts(finished),
        )
        duration = GaugeMetricFamily(
            "fazhi_tick_last_duration_seconds", "How long the last finished fazhi tick took."
        )
        if started is not None and finished is not None and finished >= started:
            duration.add_metric([], (finished - started).total_seconds())
        yield duration
        steps = GaugeMetricFamily(
            "fazhi_tick_step_duration_seconds",
            "How long each step of the last finished fazhi tick took.",
            labels=["step"],
        )
        for name, outcome in sorted((result.get("steps") or {}).items()):
            if isinstance(outcome, dict) and "seconds" in outcome:
                steps.add_metric([name], float(outcome["seconds"]))
        yield steps
        held = lease is not None and lease.expires_at is not None
        running = (
            held
            and lease is not None
            and lease.expires_at is not None
            and (lease.expires_at >= now)
        )
        yield GaugeMetricFamily(
            "fazhi_tick_running", "1 while a fazhi tick holds a live lease.", value=int(running)
        )
        yield GaugeMetricFamily(
            "fazhi_tick_stale",
            "1 when a tick died holding its lease (heartbeat stopped, not yet taken over).",
            value=int(held and not running),
        )
        yield GaugeMetricFamily(
            "fazhi_tick_last_success",
            "1 when the last finished fazhi tick ran every step without an error.",
            value=int(finished is not None and not result.get("failed")),
        )
        yield GaugeMetricFamily(
            "fazhi_tick_last_took_over",
            "1 when the last fazhi tick had to take the lease over from a dead one.",
            value=int(bool(result.get("took_over"))),
        )

    def patrol(self) -> Iterator[Metric]:
        runs = (
            PatrolRun.objects.filter(finished_at__isnull=False)
            .values("mode")
            .annotate(
                n=Count("pk"),
                total=Sum(
                    ExpressionWrapper(
                        F("finished_at") - F("started_at"), output_field=DurationField()
                    )
                ),
                last=Max("pk"),
            )
            .order_by("mode")
        )
        counter = CounterMetricFamily(
            "fazhi_patrol_runs",
            "Patrol runs finished, by mode (full, incremental).",
            labels=["mode"],
        )
        summary = SummaryMetricFamily(
            "fazhi_patrol_duration_seconds",
            "Durations of the finished patrol runs.",
            labels=["mode"],
        )
        last_duration = GaugeMetricFamily(
            "fazhi_patrol_last_duration_seconds",
            "How long the last patrol run took.",
            labels=["mode"],
        )
        last_finish = GaugeMetricFamily(
            "fazhi_patrol_last_finish_timestamp_seconds",
            "When the last patrol run finished.",
            labels=["mode"],
        )
        last_ids: dict[int, str] = {}
        for row in runs:
            mode = row["mode"]
            counter.add_metric([mode], row["n"])
            summary.add_metric([mode], row["n"], (row["total"] or timedelta()).total_seconds())
            last_ids[row["last"]] = mode
        by_id = PatrolRun.objects.in_bulk(list(last_ids))
        for pk, mode in last_ids.items():
            run = by_id[pk]
            assert run.finished_at is not None
            last_duration.add_metric([mode], (run.finished_at - run.started_at).total_seconds())
            last_finish.add_metric([mode], _ts(run.finished_at))
        yield from (counter, summary, last_duration, last_finish)
        rules = GaugeMetricFamily(
            "fazhi_patrol_rule_duration_seconds",
            "How long each rule took in the last full patrol run.",
            labels=["rule"],
        )
        full = (
            PatrolRun.objects.filter(mode=RunMode.FULL, finished_at__isnull=False)
            .order_by("-pk")
            .only("stats")
            .first()
        )
        for code, outcome in sorted(((full.stats if full else {}).get("rules") or {}).items()):
            if isinstance(outcome, dict) and "seconds" in outcome:
                rules.add_metric([code], float(outcome["seconds"]))
        yield rules

    def webhooks(self) -> Iterator[Metric]:
        counts = dict(
            WebhookDelivery.objects.values("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
            .order_by()
        )
        family = GaugeMetricFamily(
            "fazhi_webhook_deliveries",
            "Webhook deliveries in the outbox by status (failed: given up after the retries).",
            labels=["status"],
        )
        for status in DeliveryStatus.values:
            family.add_metric([status], counts.get(status, 0))
        yield family

    def fanout(self) -> Iterator[Metric]:
        """The workers' parts (``core.FanoutPart``): open, finished and given up, and every
        attempt, so that retries show before a run fails."""
        counts = FanoutPart.objects.aggregate(
            open=Count("pk", filter=Q(finished_at__isnull=True, failed_at__isnull=True)),
            finished=Count("pk", filter=Q(finished_at__isnull=False)),
            failed=Count("pk", filter=Q(failed_at__isnull=False)),
            attempts=Sum("attempts"),
        )
        parts = GaugeMetricFamily(
            "fazhi_fanout_parts",
            "Parts of fanned-out work by state (failed: given up after the retries).",
            labels=["state"],
        )
        for state in ("open", "finished", "failed"):
            parts.add_metric([state], counts[state] or 0)
        yield parts
        yield CounterMetricFamily(
            "fazhi_fanout_part_attempts",
            "Attempts the workers made at the parts (more than the parts: retries).",
            value=counts["attempts"] or 0,
        )

    def queues(self) -> Iterator[Metric]:
        url = broker.configured_url()
        up = GaugeMetricFamily(
            "fazhi_broker_up", "1 when the fan-out's broker answers (absent: no broker)."
        )
        if not url:
            return
        try:
            lengths, unacked = broker.queue_lengths(broker.client(url))
        except broker.BrokerError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        waiting = GaugeMetricFamily(
            "fazhi_queue_messages", "Tasks waiting in each broker queue.", labels=["queue"]
        )
        for name, length in lengths.items():
            waiting.add_metric([name], length)
        yield waiting
        yield GaugeMetricFamily(
            "fazhi_queue_unacked_messages",
            "Tasks handed to a worker and not yet acknowledged (in hand).",
            value=unacked,
        )


def exposition() -> bytes:
    """The metrics in Prometheus' text format."""
    registry = CollectorRegistry()
    registry.register(FazhiCollector())
    return generate_latest(registry)
