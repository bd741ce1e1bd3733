"""Backup and restore as services: who may, where the archive goes, the audit rows.

The archive itself is ``fazhi.ops.backup``. Both are operator's work on the server (``fazhi
backup``, ``fazhi restore``, the backup timer of deploy/): the system account, or a platform
administrator named with ``--actor``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from fazhi.core.audit_actions import AuditAction
from fazhi.core.services import is_system, record_audit, system_user
from fazhi.ops import backup
from fazhi.ops.backup import BackupError, Manifest

PREFIX = "fazhi-"
SUFFIX = ".tar"


def may_operate(user: User) -> bool:
    """Backups hold every record in clear: the system account and administrators only."""
    return is_system(user) or (user.is_active and user.is_superuser)


def _target(path: Path | None) -> Path:
    """A file to write: ``path`` itself when it names a ``.tar``, else a new name in the folder
    ``path`` (default ``FAZHI_BACKUP_DIR``)."""
    if path is not None and path.suffix == SUFFIX:
        return path
    folder = path if path is not None else Path(settings.BACKUP_DIR)
    return folder / f"{PREFIX}{timezone.localtime():%Y%m%d-%H%M%S}{SUFFIX}"


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest backups (by name: their time) in ``folder``."""
    found = sorted(folder.glob(f"{PREFIX}*{SUFFIX}"))
    gone = found[:-keep] if keep > 0 else []
    for path in gone:
        path.unlink()
    return gone


def create_backup(
    *, actor: User, path: Path | None = None, keep: int = 0
) -> tuple[Path, Manifest, list[Path]]:
    """Write a backup; with ``keep``, then delete the older ones beyond that many in its
    folder. Returns the file, its manifest and the files deleted."""
    if not may_operate(actor):
        raise PermissionDenied("只有系统账号和管理员可以备份")
    target = _target(path)
    manifest = backup.write(target)
    gone = prune(target.parent, keep) if keep else []
    with transaction.atomic():
        record_audit(
            actor,
            AuditAction.OPS_BACKUP,
            target_type="backup",
            target_id=target.name,
            details=_summary(manifest, target) | {"pruned": [p.name for p in gone]},
        )
    return target, manifest, gone


def restore_backup(*, source: Path, replace: bool = False, jobs: int = 1) -> Manifest:
    """Restore ``source`` over this installation's database and files. The restored audit log
    then gets one row more: this restore, by the system account (the operator on the server;
    the users of the backup are those of the restored database)."""
    manifest = backup.restore(source, replace=replace, jobs=jobs)
    with transaction.atomic():
        record_audit(
            system_user(),
            AuditAction.OPS_RESTORE,
            target_type="backup",
            target_id=source.name,
            details=_summary(manifest, source) | {"replaced": replace},
        )
    return manifest


def pending_migrations() -> list[str]:
    """Migrations this version has that the (restored) database has not applied."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _ in plan]


def _summary(manifest: Manifest, path: Path) -> dict[str, Any]:
    return {
        "file": str(path),
        "created_at": manifest.created_at,
        "engine": manifest.engine,
        "database_bytes": manifest.database_bytes,
        "files": manifest.files,
    }


__all__ = ["BackupError", "create_backup", "may_operate", "prune", "restore_backup"]
