"""身份证号 (GB 11643) as SQL: format, real birth date, ISO 7064 MOD 11-2 check character.

Digits are read with STRPOS/INSTR in the string "0123456789" instead of CAST, so that a malformed
number can never make PostgreSQL raise in the middle of a patrol.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import (
    ExtractDay,
    ExtractMonth,
    ExtractYear,
    Mod,
    StrIndex,
    Substr,
    Upper,
)
from django.db.models.lookups import Exact, GreaterThan, LessThanOrEqual, Range

ID_FORMAT = r"^[0-9]{17}[0-9Xx]$"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


def digit(field: str, position: int) -> Any:
    """The digit at 1-based ``position`` (0–9), or -1 when it is not a digit."""
    return StrIndex(Value("0123456789"), Substr(field, position, 1)) - 1


def number(field: str, first: int, length: int) -> Any:
    total: Any = Value(0)
    for position in range(first, first + length):
        total = total * 10 + digit(field, position)
    return total


def has_format(field: str) -> Q:
    return Q(**{f"{field}__regex": ID_FORMAT})


def checksum_ok(field: str) -> Q:
    total: Any = Value(0)
    for position, weight in enumerate(WEIGHTS, start=1):
        total = total + digit(field, position) * weight
    expected = Substr(Value(CHECK_CHARS), Mod(total, 11) + 1, 1)
    return Q(Exact(expected, Upper(Substr(field, 18, 1))))


def date_ok(field: str) -> Q:
    """The date part (positions 7–14) is a real calendar date between 1900 and 2099."""
    year, month, day = number(field, 7, 4), number(field, 11, 2), number(field, 13, 2)
    leap = (Q(Exact(Mod(year, 4), 0)) & ~Q(Exact(Mod(year, 100), 0))) | Q(Exact(Mod(year, 400), 0))
    month_days = Case(
        When(Q(Exact(month, 2)) & leap, then=Value(29)),
        When(Exact(month, 2), then=Value(28)),
        When(
            Q(Exact(month, 4)) | Q(Exact(month, 6)) | Q(Exact(month, 9)) | Q(Exact(month, 11)),
            then=Value(30),
        ),
        default=Value(31),
        output_field=IntegerField(),
    )
    return (
        Q(Range(year, (1900, 2099)))
        & Q(Range(month, (1, 12)))
        & Q(GreaterThan(day, 0))
        & Q(LessThanOrEqual(day, month_days))
    )


def valid(field: str) -> Q:
    return has_format(field) & date_ok(field) & checksum_ok(field)


def date_number(field: str) -> Any:
    """YYYYMMDD of a date column, or of a datetime column in Asia/Shanghai."""
    return ExtractYear(field) * 10000 + ExtractMonth(field) * 100 + ExtractDay(field)


def person_birth_number(prefix: str = "") -> Case:
    """The person's birth date as YYYYMMDD: the recorded birth_date, else the id number's."""
    id_field = f"{prefix}id_number"
    return Case(
        When(**{f"{prefix}birth_date__isnull": False}, then=date_number(f"{prefix}birth_date")),
        When(has_format(id_field) & date_ok(id_field), then=number(id_field, 7, 8)),
        default=None,
        output_field=IntegerField(),
    )
