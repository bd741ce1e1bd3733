"""core services: the audit writer, and read-side summaries for the first page."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from fazhi.core.models import AuditEvent
from fazhi.records import models as m
from fazhi.records.schema import RECORD_TYPES

SYSTEM_ACTOR = "system"


def record_audit(
    actor: str,
    action: str,
    *,
    target_type: str = "",
    target_id: str = "",
    remote_addr: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit row. Call it inside the transaction of the change it describes."""
    return AuditEvent.objects.create(
        actor=actor or SYSTEM_ACTOR,
        action=action,
        target_type=target_type,
        target_id=target_id,
        remote_addr=remote_addr,
        details=details or {},
    )


# How each record type reaches its unit: the path from the record to Unit.
_UNIT_PATH = {
    "officer": "unit",
    "venue": "unit",
    "incident": "unit",
    "case": "unit",
    "person": "case__unit",
    "measure": "case__unit",
    "property": "case__unit",
    "event": "case__unit",
    "transcript": "case__unit",
    "venue_visit": "case__unit",
    "document": "case__unit",
    "followup": "incident__unit",
}


def unit_record_counts() -> dict[str, Any]:
    """Counts per record type per unit, one grouped query per type."""
    types = [rt for rt in RECORD_TYPES if rt.name in _UNIT_PATH]
    units = list(m.Unit.objects.order_by("id").values("id", "name", "kind"))
    table: dict[str, dict[str, int]] = {u["id"]: {} for u in units}
    totals: dict[str, int] = {}
    for rt in types:
        path = _UNIT_PATH[rt.name]
        for row in rt.model.objects.values(path).annotate(n=Count("pk")).order_by():
            unit_id = row[path]
            if unit_id in table:
                table[unit_id][rt.name] = row["n"]
            totals[rt.name] = totals.get(rt.name, 0) + row["n"]
    rows = [
        {"unit": u, "counts": [table[u["id"]].get(rt.name, 0) for rt in types]}
        for u in units
        if table[u["id"]]
    ]
    return {
        "types": types,
        "rows": rows,
        "totals": [totals.get(rt.name, 0) for rt in types],
        "unit_count": len(units),
    }
