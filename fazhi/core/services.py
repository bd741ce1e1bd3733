"""core services: the audit writer (a hash chain, see ``fazhi.core.audit``) and the audit helpers
that views call for record views and exports."""

from __future__ import annotations

import logging
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from fazhi.core.audit import GENESIS_HASH, HEAD_ID, event_hash, normalize_details
from fazhi.core.audit_actions import AuditAction
from fazhi.core.models import AuditEvent, AuditHead

SYSTEM_ACTOR = "system"
ANONYMOUS_ACTOR = "anonymous"
# Distinct from fazhi.core.locks.STORE_LOCK_KEY: appending audit rows must not wait for imports.
AUDIT_LOCK_KEY = 0x61756474  # "audt"

log = logging.getLogger(__name__)


def _chain_end() -> tuple[int, str]:
    """The (seq, hash) to append after, locked until the end of the current transaction.

    Normally one query: the head row, read FOR UPDATE. That row lock serialises appenders on
    PostgreSQL exactly like an advisory lock would (a second writer waits, then reads the head
    the first one committed), at one query less on a path every page view takes. On SQLite the
    transaction is IMMEDIATE, so the database's write lock, held from BEGIN, serialises them.
    Without a head row (a fresh or flushed database) the advisory lock guards its creation.
    """
    row = AuditHead.objects.select_for_update().filter(pk=HEAD_ID).values_list("seq", "hash")
    head = row.first()
    if head is not None:
        return head
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_LOCK_KEY])
        head = row.first()
        if head is not None:
            return head
    last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    if last is not None:
        log.warning("审计链头缺失，按最后一条记录（序号 %s）重建", last[0])
    seq, hash_ = last or (0, GENESIS_HASH)
    AuditHead.objects.create(pk=HEAD_ID, seq=seq, hash=hash_)
    return seq, hash_


def record_audit(
    actor: str,
    action: AuditAction,
    *,
    target_type: str = "",
    target_id: str = "",
    remote_addr: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit row to the chain. Call it inside the transaction of the change it
    describes, preferably as its last statement: the chain stays locked until that commits."""
    fields: dict[str, Any] = {
        "at": timezone.now(),
        "actor": (actor or SYSTEM_ACTOR)[:150],
        "action": str(action.value)[:64],
        "target_type": str(target_type)[:32],
        "target_id": str(target_id)[:64],
        "remote_addr": remote_addr[:64],
        "details": normalize_details(details),
    }
    # savepoint=False: an audit row that cannot be written fails the change it describes, and
    # a page view costs no SAVEPOINT round trips.
    with transaction.atomic(savepoint=False):
        last_seq, last_hash = _chain_end()
        seq = last_seq + 1
        digest = event_hash(seq=seq, prev_hash=last_hash, **fields)
        event = AuditEvent.objects.create(seq=seq, prev_hash=last_hash, hash=digest, **fields)
        AuditHead.objects.filter(pk=HEAD_ID).update(seq=seq, hash=digest, updated_at=fields["at"])
    return event


def client_addr(request: HttpRequest) -> str:
    """Where a request came from: REMOTE_ADDR only. Behind a reverse proxy the proxy must pass
    the client's address as REMOTE_ADDR (forwarded headers can be forged by the client)."""
    return str(request.META.get("REMOTE_ADDR") or "")[:64]


def _request_actor(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ANONYMOUS_ACTOR
    return str(user.get_username())


def _target(action: AuditAction, prefix: str) -> str:
    """The target type an action names (``view.case`` → ``case``); an action of another kind is
    a programming error, refused before anything is written."""
    if not action.value.startswith(prefix):
        raise ValueError(f"{action.value} is not a {prefix}* audit action")
    return action.value.removeprefix(prefix)


def audit_view(
    request: HttpRequest, action: AuditAction, target_id: Any, **details: Any
) -> AuditEvent:
    """Log that the signed-in user opened a page (``action`` is a ``view.<target_type>``
    member, e.g. ``AuditAction.VIEW_CASE``)."""
    return record_audit(
        _request_actor(request), action, target_type=_target(action, "view."),
        target_id=str(target_id), remote_addr=client_addr(request), details=details,
    )  # fmt: skip


def audit_export(
    request: HttpRequest, action: AuditAction, count: int, **details: Any
) -> AuditEvent:
    """Log an export (``action`` is an ``export.<what>`` member) with its number of rows."""
    return record_audit(
        _request_actor(request), action, target_type=_target(action, "export."),
        remote_addr=client_addr(request), details={"count": count, **details},
    )  # fmt: skip
