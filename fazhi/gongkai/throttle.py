"""Failed portal queries counted per client address and per code, in the database.

Not django-ratelimit and the cache: the site configures no shared cache (each worker process
would count on its own, and a restart would forget), its fixed windows would let 2×limit tries
through around a window's edge, and it counts requests rather than failures. A row per key in the
database every worker already shares, updated under ``select_for_update``, gives exactly "N
failures, then locked for M minutes" on SQLite and PostgreSQL alike, in tests too.

Keys are keyed digests (``addr:…``, ``code:…``), never a clear address or code.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.crypto import salted_hmac

from fazhi.gongkai.models import Attempt

_SALT = "fazhi.gongkai.throttle"


def max_failures() -> int:
    return int(settings.GONGKAI_MAX_FAILURES)


def lock_period() -> timedelta:
    return timedelta(minutes=int(settings.GONGKAI_LOCK_MINUTES))


def address_key(addr: str) -> str:
    return "addr:" + salted_hmac(_SALT, addr or "-", algorithm="sha256").hexdigest()[:64]


def code_key(code_digest: str) -> str:
    return "code:" + code_digest[:64]


def locked(keys: list[str], now: datetime) -> bool:
    return Attempt.objects.filter(key__in=keys, locked_until__gt=now).exists()


def fail(keys: list[str], now: datetime) -> None:
    """Count one failure against every key; a key reaching the limit is locked for the period.
    A count older than the period starts again."""
    period = lock_period()
    with transaction.atomic():
        for key in keys:
            row = Attempt.objects.select_for_update().filter(key=key).first()
            if row is None:
                row = Attempt(key=key, failures=0, first_at=now)
            elif row.first_at <= now - period and not (row.locked_until and row.locked_until > now):
                row.failures, row.first_at, row.locked_until = 0, now, None
            row.failures += 1
            if row.failures >= max_failures():
                row.locked_until = now + period
            row.save()
        # forget what no longer counts, so the table stays the size of the last period
        Attempt.objects.filter(
            Q(locked_until__isnull=True) | Q(locked_until__lt=now), first_at__lt=now - 2 * period
        ).delete()
