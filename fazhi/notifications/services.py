"""notifications services: in-app notifications and the webhook outbox.

``notify`` writes the notifications and, when ``FAZHI_WEBHOOK_URL`` is set, one outbox row per
message in the same transaction. A message with a ``group`` (a case, a day: the caller's grouping
setting) joins the recipient's unread digest of that kind and group instead of standing alone:
one notification, one unread count, one webhook row (merged while it waits) per digest.
``tick_deliver`` (a ``fazhi tick`` step, never a web request) POSTs the due rows, claiming
each with a conditional UPDATE first so that two ticks never send the same row at once, and
retries failures with exponential backoff.
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
from django.urls import reverse
from django.utils import timezone

from fazhi.accounts.models import Profile
from fazhi.config import env_str
from fazhi.core.audit_actions import AuditAction
from fazhi.core.services import record_audit
from fazhi.notifications.models import (
    DeliveryStatus,
    Notification,
    NotificationItem,
    WebhookDelivery,
)

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
    # a digest's key ("case:…", "day:…") and its title (案件 X 的整改通知); "" sends it alone
    group: str = ""
    group_title: str = ""


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
    single = [msg for msg in messages if not msg.group]
    grouped = [msg for msg in messages if msg.group]
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
            for msg in single
            for user in _unique(msg.users)
        ]
        created = Notification.objects.bulk_create(rows)
        people = _recipients({u.pk for msg in messages for u in msg.users}) if url else {}
        if url and single:
            WebhookDelivery.objects.bulk_create(
                WebhookDelivery(
                    event=f"notification.{msg.kind}",
                    payload=_payload(msg, now, [people[u.pk] for u in _unique(msg.users)]),
                    url=url,
                    next_attempt_at=now,
                    created_at=now,
                )
                for msg in single
            )
        digests, items = _gather(grouped, now)
        if url and digests:
            _digest_deliveries(digests, items, now, url, people)
        record_audit(
            actor,
            AuditAction.NOTIFICATIONS_NOTIFY,
            target_type="notification",
            details={
                "kinds": sorted({m.kind for m in messages}),
                "notifications": len(created),
                "digests": len(digests),
                "digest_items": sum(len(v) for v in items.values()),
                "webhook": bool(url),
            },
        )
    return created + list(digests.values())


DigestKey = tuple[Any, str, str]  # (user id, kind, group)


def _gather(
    messages: Sequence[Message], now: datetime
) -> tuple[dict[DigestKey, Notification], dict[DigestKey, list[NotificationItem]]]:
    """Add each grouped message to its recipient's unread digest of the same kind and group
    (opened when there is none): one read of the open digests, two bulk inserts, one bulk
    update, whatever the number of messages."""
    wanted: dict[DigestKey, list[Message]] = {}
    titles: dict[DigestKey, str] = {}
    for msg in messages:
        for user in _unique(msg.users):
            key = (user.pk, msg.kind, msg.group[:120])
            wanted.setdefault(key, []).append(msg)
            titles[key] = msg.group_title or msg.title
    if not wanted:
        return {}, {}
    digests: dict[DigestKey, Notification] = {
        (n.user_id, n.kind, n.group_key): n
        for n in Notification.objects.select_for_update().filter(
            read_at__isnull=True,
            user_id__in={k[0] for k in wanted},
            kind__in={k[1] for k in wanted},
            group_key__in={k[2] for k in wanted},
        )
    }
    fresh = [
        Notification(user_id=key[0], kind=key[1], group_key=key[2], title="", created_at=now,
                     item_count=0)
        for key in wanted
        if key not in digests
    ]  # fmt: skip
    for row in Notification.objects.bulk_create(fresh):
        digests[(row.user_id, row.kind, row.group_key)] = row
    items: dict[DigestKey, list[NotificationItem]] = {}
    for key, msgs in wanted.items():
        digest = digests[key]
        items[key] = [
            NotificationItem(notification=digest, title=m.title[:200], body=m.body,
                             link=m.link[:300], data=m.data, created_at=now)
            for m in msgs
        ]  # fmt: skip
        digest.item_count += len(msgs)
        if digest.item_count == 1:
            # one message so far: it reads as itself
            first = msgs[0]
            digest.title, digest.body, digest.link = first.title[:200], first.body, first.link
        else:
            digest.title = f"{titles[key]}（共{digest.item_count}项）"[:200]
            digest.body = f"最近一项：{msgs[-1].title}"
            digest.link = reverse("notifications:detail", args=[digest.pk])
    NotificationItem.objects.bulk_create([i for rows in items.values() for i in rows])
    touched = {key: digests[key] for key in wanted}
    Notification.objects.bulk_update(
        list(touched.values()), ["item_count", "title", "body", "link"]
    )
    return touched, items


def _digest_deliveries(
    digests: dict[DigestKey, Notification],
    items: dict[DigestKey, list[NotificationItem]],
    now: datetime,
    url: str,
    people: dict[Any, dict[str, Any]],
) -> None:
    """One webhook row per digest: a row still waiting for its first attempt takes the new
    items into its payload; otherwise a new row announces them."""
    waiting = {
        row.digest_id: row
        for row in WebhookDelivery.objects.select_for_update().filter(
            digest_id__in=[d.pk for d in digests.values()],
            status=DeliveryStatus.PENDING,
            attempts=0,
        )
    }
    fresh: list[WebhookDelivery] = []
    merged: list[WebhookDelivery] = []
    for key, digest in digests.items():
        entries = [_item_payload(i) for i in items[key]]
        row = waiting.get(digest.pk)
        if row is not None:
            payload = dict(row.payload)
            payload.update(_digest_head(digest, now))
            payload["items"] = [*payload.get("items", []), *entries]
            row.payload = payload
            merged.append(row)
            continue
        fresh.append(
            WebhookDelivery(
                event=f"notification.{digest.kind}",
                payload={
                    "event": f"notification.{digest.kind}",
                    "kind": digest.kind,
                    **_digest_head(digest, now),
                    "recipients": [people[digest.user_id]],
                    "data": {},
                    "items": entries,
                },
                url=url,
                next_attempt_at=now,
                created_at=now,
                digest=digest,
            )
        )
    WebhookDelivery.objects.bulk_create(fresh)
    WebhookDelivery.objects.bulk_update(merged, ["payload"])


def _absolute(link: str) -> str:
    base = env_str("FAZHI_BASE_URL", "").rstrip("/")
    return (base + link) if (base and link.startswith("/")) else link


def _digest_head(digest: Notification, now: datetime) -> dict[str, Any]:
    return {
        "title": digest.title,
        "body": digest.body,
        "link": _absolute(digest.link),
        "created_at": timezone.localtime(now).isoformat(),
        "group": digest.group_key,
        "count": digest.item_count,
    }


def _item_payload(item: NotificationItem) -> dict[str, Any]:
    return {
        "title": item.title,
        "body": item.body,
        "link": _absolute(item.link),
        "data": item.data,
    }


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
    return {
        "event": f"notification.{msg.kind}",
        "kind": msg.kind,
        "title": msg.title,
        "body": msg.body,
        "link": _absolute(msg.link),
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
