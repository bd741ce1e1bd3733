"""Portable SQL expressions the checks need and Django does not ship."""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Expression, FloatField, Func
from django.db.models.sql.compiler import SQLCompiler


class EpochSeconds(Func):
    """Seconds since 1970-01-01 UTC of a datetime column (for duration arithmetic)."""

    output_field = FloatField()
    arity = 1

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Any]:
        # Django stores aware datetimes on SQLite as naive UTC text, which julianday() reads.
        return self.as_sql(
            compiler, connection, template="((julianday(%(expressions)s) - 2440587.5) * 86400.0)"
        )

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Any]:
        return self.as_sql(compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)")


def seconds_between(start: Expression | str, end: Expression | str) -> Expression:
    from django.db.models import F

    s = F(start) if isinstance(start, str) else start
    e = F(end) if isinstance(end, str) else end
    return EpochSeconds(e) - EpochSeconds(s)
