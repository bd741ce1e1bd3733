"""The backup archive: one ``.tar`` holding the database and the files fazhi keeps.

Layout (members in this order)::

    manifest.json        what the archive holds: format, time, database engine, applied
                         migrations, the database member's size and SHA-256, the file count
    database.pgdump      PostgreSQL: ``pg_dump --format=custom`` (compressed; a consistent
                         snapshot taken while fazhi runs), restored by ``pg_restore``
    database.sqlite3     SQLite: the database file written by SQLite's online backup
    media/…              MEDIA_ROOT: attachments, 抄告 letters
    data/…               the rest of FAZHI_DATA_DIR: reports and whatever else fazhi writes

Not in it: the SQLite file itself (it is ``database.sqlite3``), ``static/`` (``fazhi
collectstatic`` writes it again), ``demo/`` (generated data), the backups folder, and the signing
key ``secret_key`` (it stays on the server, as ``FAZHI_SECRET_KEY`` does; nothing stored depends
on it). The database is dumped before the files are read, so a file uploaded meanwhile is at
worst an extra file the restored database does not name, never a name without its file.

A PostgreSQL backup restores into PostgreSQL and a SQLite one into SQLite; between the two, use
``fazhi export`` and ``fazhi import`` (FZX).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from fazhi.core.errors import DomainError
from fazhi.ops.error_codes import ErrorCode

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_MEMBER = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
# top-level names in FAZHI_DATA_DIR that are not backed up (see the module's docstring)
SKIPPED = frozenset({"static", "demo", "backups", "secret_key"})
CHUNK = 1 << 20


class BackupError(DomainError):
    """A refused backup or restore."""


@dataclass
class Manifest:
    created_at: str
    engine: str
    database_member: str
    database_bytes: int
    database_sha256: str
    migrations: list[str] = field(default_factory=list)
    files: int = 0
    format: int = FORMAT

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1).encode()


# --- the database ---------------------------------------------------------------------------


def engine() -> str:
    return "sqlite" if connection.vendor == "sqlite" else connection.vendor


def _libpq() -> tuple[str, dict[str, str]]:
    """A libpq connection string for the database Django uses (its password in ``PGPASSWORD``,
    not on the command line where ``ps`` shows it) and the environment to run the tools in."""
    from psycopg import conninfo, pq

    db = connection.settings_dict
    known = {opt.keyword.decode() for opt in pq.Conninfo.get_defaults()}
    params: dict[str, Any] = {"dbname": db["NAME"]}
    for key, value in (("host", db["HOST"]), ("port", db["PORT"]), ("user", db["USER"])):
        if value:
            params[key] = str(value)
    for key, value in (db.get("OPTIONS") or {}).items():
        if key in known and key != "password" and isinstance(value, str | int):
            params[key] = str(value)
    env = dict(os.environ)
    if db["PASSWORD"]:
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return conninfo.make_conninfo(**params), env


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(
            ErrorCode.TOOL_FAILED,
            f"找不到 {command[0]}：请安装与数据库服务器同版本的 PostgreSQL 客户端"
            "（Debian：apt-get install postgresql-client）",
        ) from None
    if done.returncode != 0:
        raise BackupError(
            ErrorCode.TOOL_FAILED,
            f"{command[0]} 失败（退出码 {done.returncode}）：{done.stderr.strip()[-2000:]}",
        )


def dump_database(path: Path) -> None:
    if engine() == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return
    dsn, env = _libpq()
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={path}", f"--dbname={dsn}"], env)


def is_empty() -> bool:
    """Whether the database holds no tables yet (a new database, or one destroyed)."""
    return not connection.introspection.table_names()


def clear_database() -> None:
    """Drop everything Django keeps in the database, before a restore with ``replace``."""
    if engine() == "sqlite":
        return  # SQLite's backup API replaces the whole database file at once
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE")
        cursor.execute("CREATE SCHEMA public")
    connection.close()


def load_database(path: Path, *, jobs: int = 1) -> None:
    if engine() == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
        connection.close()
        return
    connection.close()  # no session of ours in the way of pg_restore's
    dsn, env = _libpq()
    command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
    # one transaction (all or nothing) unless the operator asks for parallel jobs (faster on a
    # province: indexes are built side by side)
    command += [f"--jobs={jobs}"] if jobs > 1 else ["--single-transaction"]
    _run([*command, f"--dbname={dsn}", str(path)], env)


def applied_migrations() -> list[str]:
    recorder = MigrationRecorder(connection)
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


# --- the files --------------------------------------------------------------------------------


def _database_files() -> set[Path]:
    if engine() != "sqlite":
        return set()
    name = Path(str(connection.settings_dict["NAME"]))
    return {name.with_name(name.name + suffix) for suffix in ("", "-wal", "-shm", "-journal")}


def file_roots() -> dict[str, Path]:
    return {"media": Path(settings.MEDIA_ROOT), "data": Path(settings.DATA_DIR)}


def _walk(root: Path, skip: set[Path], top_skipped: frozenset[str]) -> Iterator[Path]:
    if not root.is_dir():
        return
    for entry in sorted(root.iterdir()):
        if entry.name in top_skipped or entry.resolve() in skip:
            continue
        if entry.is_symlink():
            continue
        if entry.is_dir():
            yield from _walk(entry, skip, frozenset())
        elif entry.is_file():
            yield entry


def data_files(*own: Path) -> Iterator[tuple[str, Path]]:
    """``(member name, file)`` for every file to back up, media first; ``own`` are the paths
    the backup itself is writing (never backed up)."""
    roots = file_roots()
    skip = {p.resolve() for p in (*_database_files(), *own)} | {
        roots["media"].resolve(),  # backed up as media/, wherever it is
        Path(settings.BACKUP_DIR).resolve(),
    }
    for prefix, root in roots.items():
        top = frozenset() if prefix == "media" else SKIPPED
        for path in _walk(root, skip, top):
            yield f"{prefix}/{path.relative_to(root).as_posix()}", path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- the archive ----------------------------------------------------------------------------


def write(target: Path) -> Manifest:
    """Write the archive to ``target`` (through ``target.partial``, renamed when complete)."""
    if target.exists():
        raise BackupError(ErrorCode.TARGET_EXISTS, f"备份文件 {target} 已存在，不覆盖")
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".fazhi-backup-", dir=target.parent))
    partial = target.with_name(target.name + ".partial")
    try:
        kind = engine()
        member = DATABASE_MEMBER[kind]
        dumped = work / member
        migrations = applied_migrations()  # before the dump: the dump has at least these
        dump_database(dumped)
        files = list(data_files(work, partial, target))
        manifest = Manifest(
            created_at=timezone.localtime().isoformat(),
            engine=kind,
            database_member=member,
            database_bytes=dumped.stat().st_size,
            database_sha256=_sha256(dumped),
            migrations=migrations,
            files=len(files),
        )
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
            body = manifest.to_json()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(body), int(timezone.now().timestamp()), 0o600
            tar.addfile(info, _BytesReader(body))
            tar.add(dumped, arcname=member, recursive=False)
            for name, path in files:
                tar.add(path, arcname=name, recursive=False)
        os.replace(partial, target)
        return manifest
    finally:
        partial.unlink(missing_ok=True)
        shutil.rmtree(work, ignore_errors=True)


class _BytesReader:
    def __init__(self, body: bytes) -> None:
        self.body, self.offset = body, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.body) if size < 0 else self.offset + size
        chunk, self.offset = self.body[self.offset : end], min(end, len(self.body))
        return chunk


def read_manifest(tar: tarfile.TarFile, source: Path) -> Manifest:
    try:
        handle = tar.extractfile(MANIFEST)
        raw = json.loads(handle.read()) if handle is not None else None
    except (KeyError, ValueError):
        raw = None
    if not isinstance(raw, dict) or "engine" not in raw:
        raise BackupError(ErrorCode.NOT_A_BACKUP, f"{source} 中没有 fazhi 备份清单 {MANIFEST}")
    if int(raw.get("format", 0)) > FORMAT:
        raise BackupError(
            ErrorCode.NEWER_FORMAT,
            f"{source} 是更新版本的 fazhi 写的备份（格式 {raw['format']}），请用该版本恢复",
        )
    known = {f.name for f in Manifest.__dataclass_fields__.values()}
    return Manifest(**{k: v for k, v in raw.items() if k in known})


def _copy_member(tar: tarfile.TarFile, member: tarfile.TarInfo, out: IO[bytes]) -> str:
    handle = tar.extractfile(member)
    if handle is None:
        raise BackupError(ErrorCode.DAMAGED, f"备份中的 {member.name} 不是文件")
    digest = hashlib.sha256()
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
        out.write(chunk)
    return digest.hexdigest()


def _safe_name(name: str) -> PurePosixPath | None:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or len(path.parts) < 2:
        return None
    return path


def restore(source: Path, *, replace: bool, jobs: int = 1) -> Manifest:
    """Restore the database and the files from ``source``. Refuses a database that is not
    empty unless ``replace``; the archive is checked (manifest, engine, the database's
    checksum) before anything is dropped."""
    if not source.is_file():
        raise BackupError(ErrorCode.NOT_A_BACKUP, f"备份文件 {source} 不存在")
    try:
        tar = tarfile.open(source, "r")  # noqa: SIM115 -- closed by the with below
    except tarfile.TarError:
        raise BackupError(ErrorCode.NOT_A_BACKUP, f"{source} 不是 fazhi 备份（无法读取）") from None
    with tar, tempfile.TemporaryDirectory(prefix=".fazhi-restore-") as tmp:
        manifest = read_manifest(tar, source)
        if manifest.engine != engine():
            raise BackupError(
                ErrorCode.OTHER_ENGINE,
                f"{source} 是 {manifest.engine} 数据库的备份，当前数据库是 {engine()}："
                "不同数据库之间请用 fazhi export 与 fazhi import 迁移",
            )
        if not is_empty() and not replace:
            raise BackupError(
                ErrorCode.NOT_EMPTY,
                "当前数据库已有数据表：恢复会删除其中的全部数据，确认后加 --replace 重新运行",
            )
        dumped = Path(tmp) / manifest.database_member
        try:
            member = tar.getmember(manifest.database_member)
        except KeyError:
            raise BackupError(
                ErrorCode.DAMAGED, f"{source} 中缺少数据库 {manifest.database_member}"
            ) from None
        with dumped.open("wb") as out:
            checksum = _copy_member(tar, member, out)
        if checksum != manifest.database_sha256:
            raise BackupError(ErrorCode.DAMAGED, f"{source} 中的数据库校验和不符，备份已损坏")
        if replace:
            clear_database()
        load_database(dumped, jobs=jobs)
        dumped.unlink()
        _restore_files(tar)
    return manifest


def _restore_files(tar: tarfile.TarFile) -> None:
    roots = file_roots()
    for member in tar:
        path = _safe_name(member.name)
        if path is None or path.parts[0] not in roots or not member.isfile():
            continue  # the manifest, the database, and nothing outside the two folders
        target = roots[path.parts[0]].joinpath(*path.parts[1:])
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            _copy_member(tar, member, out)
