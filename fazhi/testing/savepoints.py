"""Running a scenario twice on one store (in one process, then fanned out) and comparing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction


def in_savepoint(fn: Callable[[], Any]) -> Any:
    """``fn()`` inside a savepoint that is then rolled back: the store is as it was."""
    sid = transaction.savepoint()
    try:
        return fn()
    finally:
        transaction.savepoint_rollback(sid)
