"""notifications services: in-app notifications and the webhook outbox.

``notify`` writes the notifications and, when ``FAZHI_WEBHOOK_URL`` is set, one outbox row per
message in the same transaction. ``tick_deliver`` (a ``fazhi tick`` step, never a web request)
POSTs the due rows, claiming each with a conditional UPDATE first so that two ticks never send
the same row at once, and retries failures with exponential backoff.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from fazhi.accounts.models import Profile
from fazhi.config import env_str
from fazhi.core.audit_actions import AuditAction
from fazhi.core.services import record_audit
from fazhi.notifications.models import DeliveryStatus, Notification, WebhookDelivery

WEBHOOK_TIMEOUT_SECONDS = 5
MAX_ATTEMPTS = 8
# A claimed row is not sent again by another tick before this; a POST takes at most 5 s.
CLAIM_SECONDS = 120
BATCH = 200


@dataclass
class Message:
    """One notification to several users (one webhook event)."""

    users: Sequence[Any]
    kind: str
    title: str
    body: str = ""
    link: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def webhook_url() -> str:
    """Read at call time (not import time): a deployment may set it after start-up in tests."""
    return env_str("FAZHI_WEBHOOK_URL", "").strip()


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4, 8 … minutes."""
    return timedelta(minutes=2 ** max(attempts - 1, 0))


def notify(
    users: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    *,
    actor: User,
    data: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> list[Notification]:
    """Notify ``users`` (one row each, one bulk insert)."""
    return notify_many(
        [Message(list(users), kind, title, body, link, data or {})], actor=actor, now=now
    )


def notify_many(
    messages: Sequence[Message], *, actor: User, now: datetime | None = None
) -> list[Notification]:
    """Write every message's notifications (one bulk insert) and webhook rows (another),
    stamped ``now`` (the moment of the act that caused them; the wall clock by default)."""
    messages = [msg for msg in messages if msg.users]
    if not messages:
        return []
    now = now or timezone.now()
    url = webhook_url()
    with transaction.atomic():
        rows = [
            Notification(
                user=user,
                kind=msg.kind,
                title=msg.title[:200],
                body=msg.body,
                link=msg.link[:300],
                created_at=now,
            )
            for msg in messages
            for user in _unique(msg.users)
        ]
        created = Notification.objects.bulk_create(rows)
        if url:
            people = _recipients({u.pk for msg in messages for u in msg.users})
            WebhookDelivery.objects.bulk_create(
                WebhookDelivery(
                    event=f"notification.{msg.kind}",
                    payload=_payload(msg, now, [people[u.pk] for u in _unique(msg.users)]),
                    url=url,
                    next_attempt_at=now,
                    created_at=now,
                )
                for msg in messages
            )
        record_audit(
            actor,
            AuditAction.NOTIFICATIONS_NOTIFY,
            target_type="notification",
            details={
                "kinds": sorted({m.kind for m in messages}),
                "notifications": len(created),
                "webhook": bool(url),
            },
        )
    return created


def _unique(users: Iterable[Any]) -> list[Any]:
    seen: set[Any] = set()
    out = []
    for user in users:
        if user.pk not in seen:
            seen.add(user.pk)
            out.append(user)
    return out


def _recipients(user_ids: set[Any]) -> dict[Any, dict[str, Any]]:
    """Who each user is, for the gateway to find a phone number (one query)."""
    people: dict[Any, dict[str, Any]] = {}
    users = get_user_model().objects.filter(pk__in=user_ids)
    profiles = {
        p.user_id: p for p in Profile.objects.filter(user_id__in=user_ids).select_related("officer")
    }
    for user in users:
        profile = profiles.get(user.pk)
        people[user.pk] = {
            "username": user.get_username(),
            "name": user.first_name or user.get_username(),
            "role": profile.role if profile else None,
            "officer_id": profile.officer_id if profile else None,
            "unit_id": profile.unit_id if profile else None,
        }
    return people


def _payload(msg: Message, now: datetime, recipients: list[dict[str, Any]]) -> dict[str, Any]:
    base = env_str("FAZHI_BASE_URL", "").rstrip("/")
    return {
        "event": f"notification.{msg.kind}",
        "kind": msg.kind,
        "title": msg.title,
        "body": msg.body,
        "link": (base + msg.link) if (base and msg.link.startswith("/")) else msg.link,
        "created_at": timezone.localtime(now).isoformat(),
        "recipients": recipients,
        "data": msg.data,
    }


def unread_count(user: Any) -> int:
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user).unread().count()


def mark_read(
    user: Any, ids: Iterable[int] | None, *, actor: User, now: datetime | None = None
) -> int:
    """Mark the user's notifications ``ids`` read (all unread ones when ``ids`` is None).

    Only the user's own rows are touched: another user's id is silently not his to mark.
    """
    now = now or timezone.now()
    with transaction.atomic():
        rows = Notification.objects.filter(user=user, read_at__isnull=True)
        if ids is not None:
            rows = rows.filter(pk__in=list(ids))
        count = rows.update(read_at=now)
        if count:
            record_audit(
                actor,
                AuditAction.NOTIFICATIONS_READ,
                target_type="notification",
                details={"count": count, "all": ids is None},
            )
    return count


# --- the webhook outbox ------------------------------------------------------------------------


def post_json(url: str, payload: dict[str, Any], *, delivery_id: int, event: str) -> None:
    """POST ``payload`` as JSON; raise ``OSError`` (incl. HTTP errors) unless answered 2xx."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "fazhi-webhook/1",
            "X-Fazhi-Event": event,
            "X-Fazhi-Delivery": str(delivery_id),
        },
    )
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
        if not 200 <= response.status < 300:
            raise OSError(f"HTTP {response.status}")


def tick_deliver(now: datetime, actor: User) -> dict[str, Any]:
    """``fazhi tick`` step: POST the pending webhook rows that are due at ``now``."""
    due = list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values("pk", "attempts", "next_attempt_at", "url", "payload", "event")[:BATCH]
    )
    delivered = failed = retried = skipped = 0
    for row in due:
        # Claim: only the tick whose UPDATE matched (same attempts, same due time) sends it.
        claimed = WebhookDelivery.objects.filter(
            pk=row["pk"],
            status=DeliveryStatus.PENDING,
            attempts=row["attempts"],
            next_attempt_at=row["next_attempt_at"],
        ).update(attempts=F("attempts") + 1, next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
        if not claimed:
            skipped += 1
            continue
        attempts = row["attempts"] + 1
        try:
            post_json(row["url"], row["payload"], delivery_id=row["pk"], event=row["event"])
        except (OSError, ValueError) as exc:
            error = _describe(exc)
            if attempts >= MAX_ATTEMPTS:
                WebhookDelivery.objects.filter(pk=row["pk"]).update(
                    status=DeliveryStatus.FAILED, last_error=error
                )
                failed += 1
            else:
                WebhookDelivery.objects.filter(pk=row["pk"]).update(
                    next_attempt_at=now + backoff(attempts), last_error=error
                )
                retried += 1
        else:
            WebhookDelivery.objects.filter(pk=row["pk"]).update(
                status=DeliveryStatus.DELIVERED, delivered_at=now, last_error=""
            )
            delivered += 1
    result = {
        "due": len(due),
        "delivered": delivered,
        "retried": retried,
        "failed": failed,
        "skipped": skipped,
    }
    if due:
        record_audit(
            actor, AuditAction.NOTIFICATIONS_DELIVER, target_type="webhook", details=result
        )
    return result


def _describe(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return f"连接失败：{exc.reason}"
    return f"{type(exc).__name__}: {exc}"[:500]
