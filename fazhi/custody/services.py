"""custody services: storing the reconciliation of each patrol run (the tick's step after the
patrol), which the 核对差异 page reads instead of recomputing it on every visit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from fazhi.core.audit_actions import AuditAction
from fazhi.core.services import record_audit
from fazhi.custody import ledger
from fazhi.custody.models import Reconciled, StoredDifference
from fazhi.patrol.models import PatrolRun
from fazhi.records import models as m


def refresh_differences(now: datetime, actor: User) -> dict[str, Any]:
    """``fazhi tick`` step: reconcile the whole store at the latest patrol run's moment and
    store every difference (replacing the previous run's), once per run; a repeated tick finds
    the run already stored and does nothing. The differences are computed by the set-based
    queries of ``ledger.reconcile`` (each list one query, no counts: they are stored whole)."""
    run = PatrolRun.objects.filter(finished_at__isnull=False).order_by("-started_at", "-pk").first()
    if run is None:
        return {"stored": None}
    if Reconciled.objects.filter(patrol_run=run.pk).exists():
        return {"stored": None, "run": run.pk}
    rec = ledger.reconcile(
        m.Property.objects.all(),
        m.PropertyMovement.objects.all(),
        m.Event.objects.all(),
        run.as_of,
        limit=None,
    )
    with transaction.atomic():
        StoredDifference.objects.all().delete()
        Reconciled.objects.all().delete()
        stored = Reconciled.objects.create(
            patrol_run=run.pk, as_of=run.as_of, has_movements=rec.has_movements, total=rec.count
        )
        StoredDifference.objects.bulk_create(
            (
                StoredDifference(
                    reconciled=stored, kind=d.kind, property_id=d.property_id,
                    property_name=d.property_name[:200], case_id=d.case_id, unit_id=d.unit_id,
                    at=d.at, record_id=d.record_id, due=d.due, done=d.done, note=d.note[:200],
                )
                for rows in rec.lists.values()
                for d in rows
            ),
            batch_size=1000,
        )  # fmt: skip
        record_audit(
            actor,
            AuditAction.CUSTODY_REFRESH,
            target_type="custody_reconciliation",
            target_id=str(stored.pk),
            details={"patrol_run": run.pk, "as_of": run.as_of.isoformat(), **rec.totals},
        )
    return {"stored": rec.count, "run": run.pk}
