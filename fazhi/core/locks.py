"""One lock for everything that writes the record store or reads it to derive findings.

Imports and patrol runs take it at the start of their transaction, so they never overlap: a
patrol's watermark (the moment it took the lock) separates exactly the changes it saw from those
the next incremental run must see. On PostgreSQL it is a transaction-scoped advisory lock; on
SQLite every transaction is IMMEDIATE (see settings), so the database's own write lock, held from
BEGIN, already does this.
"""

from __future__ import annotations

from django.db import connection

STORE_LOCK_KEY = 0x66617A68  # "fazh"


def lock_store() -> None:
    """Wait for, then hold until commit, the store lock. Call inside ``transaction.atomic()``."""
    if not connection.in_atomic_block:
        raise RuntimeError("lock_store() must be called inside a transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [STORE_LOCK_KEY])
