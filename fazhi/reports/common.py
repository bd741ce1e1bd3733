"""What the four report kinds share: the data scope of a report (the whole bureau or one unit
with those below it), unit names, rates as the pages print them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fazhi.accounts.people import person_text
from fazhi.accounts.scope import units_below
from fazhi.core.scope import DataScope
from fazhi.core.templatetags.display import dash, local_time
from fazhi.records.models import Officer, Unit
from fazhi.reports.error_codes import ErrorCode
from fazhi.reports.periods import ReportError

BUREAU = "全局"


def report_scope(unit_id: str | None) -> DataScope:
    """The scope a report is computed in: the whole bureau (``None``), or ``unit_id`` with the
    units below it, exactly what a 所队长 of that unit sees on the pages."""
    if unit_id is None:
        return DataScope("report", "法制大队", None, None, None)
    if not Unit.objects.filter(pk=unit_id).exists():
        raise ReportError(ErrorCode.UNIT_INVALID, f"单位“{unit_id}”不存在", field="unit")
    return DataScope("report", "所队长", unit_id, units_below(unit_id), None)


def scope_name(unit_id: str | None) -> str:
    if unit_id is None:
        return BUREAU
    return Unit.objects.filter(pk=unit_id).values_list("name", flat=True).first() or unit_id


def unit_names(ids: Iterable[str | None]) -> dict[str, str]:
    wanted = {i for i in ids if i}
    return dict(Unit.objects.filter(pk__in=wanted).values_list("pk", "name"))


def officer_names(ids: Iterable[str | None]) -> dict[str, str]:
    """Officer id → 姓名（警号）, as the pages name people."""
    wanted = {i for i in ids if i}
    return {
        pk: person_text(name, pk)
        for pk, name in Officer.objects.filter(pk__in=wanted).values_list("pk", "name")
    }


def rate(part: int, whole: int) -> float | None:
    """A percentage with one decimal, as the pages show rates; ``None`` for nothing to count."""
    return round(100.0 * part / whole, 1) if whole else None


def rate_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def when(value: Any) -> str:
    return local_time(value)


def text(value: Any) -> Any:
    return dash(value)


def issuer_name() -> str:
    """The bureau at the root of the unit tree (as the dispute letters name it)."""
    root = Unit.objects.filter(parent__isnull=True).order_by("id").values_list("name", flat=True)
    return root.first() or "公安局"
