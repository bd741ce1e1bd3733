"""intel services: every state change, with an explicit actor, audited.

The near-duplicate index (``duplicates``) is also brought up to date by the patrol itself, as
part of its run (audited as the run); these are the explicit operations on it.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from fazhi.core.audit_actions import AuditAction
from fazhi.core.locks import lock_store
from fazhi.core.services import record_audit
from fazhi.intel import duplicates


def rebuild_index(*, actor: User) -> duplicates.BuildReport:
    """Relearn the boilerplate from the whole transcript corpus and re-sign every transcript
    (``fazhi intel rebuild``). The next patrol re-checks every transcript for ZN-BL-01."""
    with transaction.atomic():
        lock_store()  # no import may change transcripts while the corpus is read
        report = duplicates.rebuild()
        record_audit(
            actor, AuditAction.INTEL_REBUILD, target_type="intel_index", target_id=report.version,
            details=asdict(report),
        )  # fmt: skip
    return report


def sync_index(*, actor: User) -> dict[str, Any]:
    """Sign the transcripts that are new or changed since the index last saw them."""
    with transaction.atomic():
        lock_store()
        outcome = duplicates.sync_index()
        record_audit(actor, AuditAction.INTEL_SYNC, target_type="intel_index", details=outcome)
    return outcome
