"""Import and export of FZX bundles (exchange-format.md): the exchange app's public API.

``import_bundle(paths)`` reads one bundle (any mix of .jsonl, .jsonl.gz, CSV folders, .xlsx),
checks it and stores it in one transaction; ``export_store(out)`` writes the whole store back as
FZX. Both stream: memory does not grow with the size of the bundle or the store.

Choices the format leaves open, made here:
- The same ``(type, id)`` twice in one bundle is an error (FZX ids are unique within their type):
  the second line is reported naming the first, and the record is refused, since which copy
  the source system meant cannot be told. Split a deletion and a re-creation over two imports.
- The units of the store and of the bundle together must stay a tree of bureaus (``tree``): no
  loop, no 局 below a 派出所 or 大队, no 派出所 or 大队 without a parent. Data scope follows this
  tree, so a bundle that broke it would widen what some users see.
- Deleting a record the store does not have is a no-op, so that re-importing a bundle with
  deletions changes nothing.
- With ``skip_invalid`` a refused record leaves the store's current version of it (if any) in
  place, and records that reference a refused record (the store lacking it) are refused too.
- A refused bundle reports the records at fault, not the records that merely reference them
  (fixing the first is enough); the attempt is still audited.
- A spreadsheet formula is refused wherever it is (the record and the field are named): what it
  shows is a result some program cached, or nothing when the program that wrote the workbook
  does not compute formulas, which would read as a silently empty cell.
- Times whose UTC offset lies beyond -12:00 … +14:00 are refused (PostgreSQL stores no offset
  of 16 hours or more; no police system writes one).
- Numbers are rounded to the precision of their column (分 for amounts); values too large for it
  are an error. In CSV/XLSX an empty cell of a field FZX does not define is left out of
  ``extra`` (a column that only some rows fill would otherwise put nulls in every other row).
- Export writes every FZX field of every record, null when not recorded, then the extra fields;
  officer lists in their stored order, ``[]`` when empty.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone

from fazhi.core.audit_actions import AuditAction
from fazhi.core.locks import lock_store
from fazhi.core.services import record_audit, system_user
from fazhi.exchange.fzx import (
    NATIVE_ADAPTER,
    SQLITE_ADAPTER,
    Bundle,
    Decoder,
    Invalid,
    SourceError,
    TypeEncoder,
)
from fazhi.exchange.report import ImportReport, RecordError
from fazhi.exchange.staging import Duplicate, Staging
from fazhi.exchange.tree import unit_tree_problems
from fazhi.records.schema import BY_NAME, RECORD_TYPES, TYPE_ORDER

__all__ = [
    "BATCH_SIZE",
    "ImportReport",
    "RecordError",
    "SourceError",
    "export_store",
    "import_bundle",
]

# Records decoded between two writes to the stage tables (and two progress calls): large enough
# to amortise a round trip, small enough that a batch is a few megabytes.
BATCH_SIZE = 5000
EXPORT_CHUNK = 2000


class _Refused(Exception):
    """Raised inside the import transaction to roll it back when the bundle is refused."""


class _Problems:
    """Every problem found in a bundle, located by (source, row), and the records refused."""

    def __init__(self) -> None:
        # (src, line, type, id, field, message): kept compact, RecordError is built at the end
        self.items: list[tuple[int, int, str, str, str, str]] = []
        self.refused: dict[tuple[int, int], str] = {}  # (src, line) -> type, once per record

    def add(self, src: int, line: int, rtype: str, rid: str, label: str, field: str,
            message: str) -> None:  # fmt: skip
        text = f"{label} 字段 {field}：{message}" if field else f"{label}：{message}"
        self.items.append((src, line, rtype, rid, field, text))
        self.refused[src, line] = rtype

    def __bool__(self) -> bool:
        return bool(self.items)

    def report_into(self, report: ImportReport, bundle: Bundle) -> None:
        self.items.sort(key=lambda item: (item[0], item[1]))  # stable: fields keep their order
        report.errors = [
            RecordError(bundle.sources[src].location(line), rtype, rid, field, text)
            for src, line, rtype, rid, field, text in self.items
        ]
        report.refused = {}
        for rtype in self.refused.values():
            report.refused[rtype] = report.refused.get(rtype, 0) + 1


def import_bundle(
    paths: Sequence[str | Path],
    *,
    actor: User | None = None,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import one FZX bundle made of ``paths``; all or nothing unless ``skip_invalid``.

    ``progress`` is called with the number of records read so far after every batch, and once
    more with the same count when reading is over (checking and writing follow). An exception
    raised anywhere (including by ``progress``, or KeyboardInterrupt) rolls the whole import
    back. Raises ``SourceError`` for a file that cannot be read.

    ``actor``: who imports — the user named by ``fazhi import --actor``; by default (no person:
    cron, the demo's loading) the system account.
    """
    bundle = Bundle(paths)
    adapter = SQLITE_ADAPTER if connection.vendor == "sqlite" else NATIVE_ADAPTER
    decoder = Decoder(adapter)
    report = ImportReport(files=bundle.names)
    problems = _Problems()
    staging = Staging(decoder.codecs.values(), adapter)
    try:
        with transaction.atomic():
            staging.create()
            report.total = _stage_bundle(bundle, decoder, staging, problems, progress)
            duplicates = staging.finish()
            _report_duplicates(duplicates, bundle, problems)
            _check_bundle(staging, problems, skip_invalid)
            problems.report_into(report, bundle)
            if problems and not skip_invalid:
                raise _Refused
            # Writes queue behind a running patrol, and the stamp is taken under the lock, so a
            # patrol's watermark separates exactly what it saw (see core.locks).
            lock_store()
            now = timezone.now()
            for name, counts in staging.apply(now).items():
                report.created[name] = counts.created
                report.updated[name] = counts.updated
                report.unchanged[name] = counts.unchanged
                report.deleted[name] = counts.deleted
            staging.drop()
            _audit_import(actor or system_user(), report, skip_invalid)
    except _Refused:
        report.ok = False
        # The attempt is audited although nothing was stored: who tried to load what matters.
        with transaction.atomic():
            _audit_import(actor or system_user(), report, skip_invalid)
    finally:
        staging.release()
    if report.ok:
        _refresh_statistics(report)
    return report


# Rows written by one import beyond which the planner's statistics are refreshed.
ANALYZE_THRESHOLD = 10_000


def _refresh_statistics(report: ImportReport) -> None:
    """After a large import, let the planner see the new data: the patrol's correlated
    look-ups are planned from these statistics (SQLite has none until ANALYZE runs)."""
    written = sum(report.created.values()) + sum(report.updated.values())
    written += sum(report.deleted.values())
    if written < ANALYZE_THRESHOLD:
        return
    tables = [rt.model._meta.db_table for rt in RECORD_TYPES]
    tables += [link._meta.db_table for rt in RECORD_TYPES for link, _ in rt.links.values()]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
        else:
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


def _stage_bundle(
    bundle: Bundle,
    decoder: Decoder,
    staging: Staging,
    problems: _Problems,
    progress: Callable[[int], None] | None,
) -> int:
    """Decode every record of the bundle into the stage tables; returns the records read."""
    seq = reported = 0
    decode = decoder.decode
    add = staging.add
    for src, line, obj in bundle.records():
        seq += 1
        record = decode(obj)
        if type(record) is Invalid:
            for field, message in record.problems:
                problems.add(src, line, record.rtype, record.id, record.label, field, message)
            if not record.stageable:
                continue
        add(seq, src, line, record)
        if staging.pending >= BATCH_SIZE:
            staging.flush()
            if progress is not None:
                progress(seq)
                reported = seq
    staging.flush()
    if progress is not None:
        if reported != seq:
            progress(seq)
        progress(seq)  # the same count again: reading is over
    return seq


def _report_duplicates(duplicates: list[Duplicate], bundle: Bundle, problems: _Problems) -> None:
    for dup in duplicates:
        label = f"{BY_NAME[dup.rtype].label} {dup.rid}"
        first = bundle.sources[dup.first[0]].location(dup.first[1])
        for src, line in dup.again:
            message = f"编号重复，与 {first} 是同一记录（同一类型的编号在一个数据包中只能出现一次）"
            problems.add(src, line, dup.rtype, dup.rid, label, "id", message)


def _check_bundle(staging: Staging, problems: _Problems, skip_invalid: bool) -> None:
    """References and the unit tree; with ``skip_invalid`` the records at fault are refused
    and everything is checked again until nothing more is found."""
    while True:
        found = staging.reference_problems(report_refused_targets=skip_invalid)
        found += unit_tree_problems(staging)
        for p in found:
            label = f"{BY_NAME[p.rtype].label} {p.rid}"
            problems.add(p.src, p.line, p.rtype, p.rid, label, p.field, p.message)
        if not found or not skip_invalid:
            return
        # Refusing these may strand what references them: check again until nothing changes.
        staging.refuse({(p.rtype, p.rid) for p in found})


def _audit_import(actor: User, report: ImportReport, skip_invalid: bool) -> None:
    record_audit(
        actor,
        AuditAction.IMPORT,
        target_type="fzx",
        details={
            "files": report.files,
            "ok": report.ok,
            "skip_invalid": skip_invalid,
            "total": report.total,
            "errors": len(report.errors),
            **report.counts(),
        },
    )


# ---------------------------------------------------------------------------------------------
# Export


def export_store(out: str | Path, *, actor: User | None = None) -> dict[str, int]:
    """Write every stored record as FZX to ``out`` (``.jsonl`` or ``.jsonl.gz``).

    Types in schema order, records by id, so that exporting an unchanged store twice gives the
    same bytes. The file appears only when complete. Returns the record count per type.
    """
    path = Path(out)
    partial = path.with_name(path.name + ".partial")
    counts: dict[str, int] = {}
    outermost = not connection.in_atomic_block
    try:
        with transaction.atomic(), _output(partial, gzipped=path.name.endswith(".gz")) as stream:
            if connection.vendor == "postgresql" and outermost:
                # One snapshot for all the queries: records and their officer lists agree.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            for name in TYPE_ORDER:
                counts[name] = _export_type(name, stream)
        # Audited after the snapshot: a REPEATABLE READ transaction cannot see the audit chain's
        # current head when other rows were appended during the export.
        with transaction.atomic():
            record_audit(
                actor or system_user(),
                AuditAction.EXPORT,
                target_type="fzx",
                details={"file": str(path), "counts": {k: v for k, v in counts.items() if v}},
            )
            os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return counts


@contextmanager
def _output(path: Path, *, gzipped: bool) -> Iterator[IO[bytes]]:
    with path.open("wb") as raw:
        if gzipped:
            # No name and no time in the header: the same store gives the same bytes.
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0,
                               compresslevel=6) as zipped:  # fmt: skip
                yield zipped  # type: ignore[misc]
        else:
            yield raw


class _Lists:
    """Officer lists read in owner order alongside the owners themselves (a merge join), so
    that no list of the whole table is ever held in memory."""

    def __init__(self, rows: Iterator[tuple[str, str]], field: str) -> None:
        self.rows = rows
        self.field = field
        self.head = next(rows, None)

    def take(self, owner: str) -> list[str]:
        ids = []
        while self.head is not None and self.head[0] == owner:
            ids.append(self.head[1])
            self.head = next(self.rows, None)
        return ids

    def check_done(self) -> None:
        if self.head is not None:
            raise RuntimeError(f"{self.field}：链接记录 {self.head} 的所属记录不存在或顺序不一致")


def _export_type(name: str, stream: IO[bytes]) -> int:
    rt = BY_NAME[name]
    encoder = TypeEncoder(rt)
    columns = [s.column for s in encoder.scalars]
    rows = (
        rt.model.objects.order_by("id")
        .values_list("id", *columns, "extra")
        .iterator(chunk_size=EXPORT_CHUNK)
    )
    lists: list[_Lists] = []
    for spec in encoder.lists:
        link_model, owner = rt.links[spec.name]
        target = next(
            f.attname
            for f in link_model._meta.concrete_fields
            if f.is_relation and f.related_model is BY_NAME[spec.target or ""].model
        )
        link_rows: Iterator[Any] = (
            link_model._default_manager.order_by(owner, "position")
            .values_list(owner, target)
            .iterator(chunk_size=EXPORT_CHUNK)
        )
        lists.append(_Lists(link_rows, spec.name))
    count = 0
    write = stream.write
    encode = encoder.encode
    for row in rows:
        rid = row[0]
        write(encode(rid, row[1:-1], {ls.field: ls.take(rid) for ls in lists}, row[-1]))
        count += 1
    for ls in lists:
        ls.check_done()
    return count
