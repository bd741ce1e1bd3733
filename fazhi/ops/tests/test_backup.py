"""fazhi backup and fazhi restore: back up, destroy, restore, and the patrol finds the same.

The round trip runs on whichever database the suite runs on: SQLite (its online backup API) or
PostgreSQL (pg_dump and pg_restore); CI runs both."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from fazhi.core.audit import verify_chain
from fazhi.core.models import AuditEvent
from fazhi.ops import backup
from fazhi.ops.services import create_backup, prune
from fazhi.patrol.models import Finding, PatrolRun
from fazhi.patrol.services import finding_json, run_patrol
from fazhi.testing.scene import Scene


def findings() -> list[dict[str, Any]]:
    rows = Finding.objects.select_related("rule").order_by("rule_id", "subject_type", "subject_id")
    return [finding_json(f) | {"open": f.is_open} for f in rows]


def destroy(data: Path, media: Path) -> None:
    """The disaster: every table dropped, the attachments and reports gone."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f'DROP TABLE "{table}"')
            cursor.execute("PRAGMA foreign_keys = ON")
        else:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    for root in (data, media):
        for path in sorted(root.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()


@pytest.mark.django_db(transaction=True)
def test_back_up_destroy_restore_and_the_patrol_finds_the_same(
    scene: Scene, tmp_path: Path, media: Path
) -> None:
    data, backups = tmp_path / "data", tmp_path / "backups"
    with override_settings(DATA_DIR=data, BACKUP_DIR=backups):
        # given a bureau patrolled once, an attachment and an issued report on disk
        as_of = scene.now
        run_patrol(as_of=as_of, actor=scene.bureau.users["admin"])
        before = findings()
        assert any(f["open"] for f in before)
        (media / "attachments" / "2026" / "12").mkdir(parents=True)
        (media / "attachments" / "2026" / "12" / "整改照片.jpg").write_bytes(b"\xff\xd8photo")
        (data / "reports").mkdir(parents=True)
        (data / "reports" / "日巡查.docx").write_bytes(b"PK docx")
        (data / "secret_key").write_text("not-for-backups")
        # when it is backed up with the CLI, by an administrator
        call_command("backup", "--actor", "admin")
        (archive,) = backups.glob("fazhi-*.tar")
        row = AuditEvent.objects.order_by("-seq").first()
        assert row is not None
        assert (row.action, row.target_id, row.actor) == ("ops.backup", archive.name, "admin")
        with tarfile.open(archive) as tar:
            names = tar.getnames()
        assert names[0] == "manifest.json"
        assert "media/attachments/2026/12/整改照片.jpg" in names
        assert "data/reports/日巡查.docx" in names
        assert "data/secret_key" not in names
        # and everything is destroyed
        destroy(data, media)
        assert backup.is_empty()
        assert not (media / "attachments").exists()
        # and restored from the backup
        call_command("restore", str(archive))
        ContentType.objects.clear_cache()
        # then the findings are those backed up, the files are back, the audit chain holds and
        # its last row is the restore
        assert findings() == before
        assert (media / "attachments" / "2026" / "12" / "整改照片.jpg").read_bytes() == (
            b"\xff\xd8photo"
        )
        assert (data / "reports" / "日巡查.docx").read_bytes() == b"PK docx"
        assert verify_chain().ok
        last = AuditEvent.objects.order_by("-seq").first()
        assert last is not None
        assert last.action == "ops.restore"
        # and a patrol of the restored store at the same moment finds exactly the same
        runs = PatrolRun.objects.count()
        run_patrol(as_of=as_of, actor=scene.bureau.users["admin"])
        assert PatrolRun.objects.count() == runs + 1
        assert findings() == before
        # and restored again over the running store (--replace), the store is the backup's
        Finding.objects.all().delete()
        call_command("restore", "--replace", str(archive))
        ContentType.objects.clear_cache()
        assert PatrolRun.objects.count() == runs
        assert findings() == before


def write_archive(path: Path, manifest: dict[str, Any], members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w") as tar:
        for name, body in {"manifest.json": json.dumps(manifest).encode(), **members}.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    return path


def manifest(**fields: Any) -> dict[str, Any]:
    engine = backup.engine()
    return {
        "created_at": "2026-12-07T02:00:00+08:00", "engine": engine,
        "database_member": backup.DATABASE_MEMBER[engine], "database_bytes": 4,
        "database_sha256": "0" * 64, "format": backup.FORMAT, **fields,
    }  # fmt: skip


@pytest.mark.django_db
def test_restore_refuses_a_database_that_has_data(bureau: Any, tmp_path: Path) -> None:
    # given a well-formed archive and a database with tables
    archive = write_archive(tmp_path / "b.tar", manifest(), {"database.x": b"data"})
    # when it is restored without --replace, then it is refused and the data stays
    with pytest.raises(CommandError, match="--replace"):
        call_command("restore", str(archive))
    assert bureau.users["admin"].__class__.objects.filter(username="admin").exists()


@pytest.mark.django_db
def test_restore_refuses_a_damaged_or_foreign_archive_before_touching_anything(
    bureau: Any, tmp_path: Path
) -> None:
    member = backup.DATABASE_MEMBER[backup.engine()]
    other = "sqlite" if backup.engine() != "sqlite" else "postgresql"
    cases = [
        (write_archive(tmp_path / "a.tar", manifest(), {member: b"data"}), "已损坏"),
        (write_archive(tmp_path / "b.tar", manifest(engine=other), {}), "fazhi export"),
        (write_archive(tmp_path / "c.tar", manifest(format=99), {}), "更新版本"),
        (write_archive(tmp_path / "d.tar", {"x": 1}, {}), "没有 fazhi 备份清单"),
        (tmp_path / "missing.tar", "不存在"),
    ]
    (tmp_path / "e.tar").write_text("not a tar")
    cases.append((tmp_path / "e.tar", "无法读取"))
    for archive, message in cases:
        # even with --replace: the archive is checked before the database is dropped
        with pytest.raises(CommandError, match=message):
            call_command("restore", str(archive), "--replace")
    assert not backup.is_empty()
    assert bureau.users["admin"].__class__.objects.filter(username="admin").exists()


@pytest.mark.django_db
def test_only_the_system_account_and_administrators_back_up(bureau: Any, tmp_path: Path) -> None:
    # given a 法制员 and the 局领导, neither an administrator
    for name in ("li", "wu"):
        # when either asks for a backup, then it is refused and nothing is written
        with pytest.raises(PermissionDenied):
            create_backup(actor=bureau.users[name], path=tmp_path)
    assert not list(tmp_path.iterdir())
    with pytest.raises(CommandError, match="只有系统账号和管理员"):
        call_command("backup", str(tmp_path), "--actor", "li")


def test_keep_deletes_the_oldest_backups_only(tmp_path: Path) -> None:
    # given four backups by name (their time) and an unrelated file
    names = [f"fazhi-2026120{d}-013000.tar" for d in (4, 5, 6, 7)]
    for name in [*names, "notes.txt"]:
        (tmp_path / name).write_text("x")
    # when two are kept, then the two oldest are deleted
    gone = prune(tmp_path, 2)
    assert [p.name for p in gone] == names[:2]
    assert sorted(p.name for p in tmp_path.iterdir()) == [*names[2:], "notes.txt"]
