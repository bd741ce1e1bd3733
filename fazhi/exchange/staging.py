"""The import's scratch space: temporary tables that hold a whole bundle while it is checked.

Why stage at all: a bundle may hold tens of millions of records, so nothing per record may stay in
Python memory, yet references can only be judged once the whole bundle is known (records come in
any order, a later line may delete or replace an earlier one). Each record type gets a temporary
table with the model's columns plus its place in the bundle; the importer streams decoded records
into them in batches, and everything after that is set-based SQL inside the one transaction:

1. ``finish``: a record named twice (the same ``(type, id)`` on two lines) is found and refused
   (FZX ids are unique within their type; which copy was meant cannot be told), keeping one row
   of it; the tables are indexed once, after loading, which is cheaper than maintaining an index
   row by row.
2. ``reference_problems``: every reference must name a record that the bundle brings (and does
   not refuse) or the store already has; deleting a record that something still references —
   a stored record the bundle leaves alone, or a bundled one — is an error of the deletion.
3. ``apply``: new records are inserted, records whose columns or officer lists differ are
   replaced, identical ones are left alone (their ``changed_at`` too), deletions leave a
   tombstone.

A staged row's ``op`` is ``u`` (upsert), ``d`` (delete) or ``r`` (refused: the store's current
version of the record, if any, stays).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from django.db import IntegrityError, connection, models, transaction

from fazhi.exchange.fzx import DbAdapter, Decoded, Delete, TypeCodec, Upsert, model_field
from fazhi.records import models as m
from fazhi.records.schema import BY_NAME, TYPE_ORDER, Kind

STAGE_PREFIX = "fzx_stage_"
# A table about to receive at least this many new rows, and at least as many as it holds, gets
# its secondary indexes dropped and rebuilt: building an index from scratch is sequential work,
# whereas inserting keys that arrive in no particular order into a large B-tree is random I/O,
# several times slower (a first load of a million records with ids in no particular order
# spends ~13 s writing instead of ~55 s).
BULK_LOAD_MIN_ROWS = 20_000
# SQLite page cache for the import (main and temporary tables, each; SQLite's sorter takes as
# much again), in KiB. The default 2 MiB makes nearly every index insert a read; a fixed cache
# keeps memory flat whatever the bundle size (~120 MB peak RSS at 1 M and at 3 M records).
SQLITE_CACHE_KIB = 16 * 1024


class StageProblem(NamedTuple):
    """A reference problem found in SQL, located by the staged row it belongs to."""

    src: int
    line: int
    rtype: str
    rid: str
    field: str
    message: str


class Duplicate(NamedTuple):
    """One record named more than once: where it first appears and where again."""

    rtype: str
    rid: str
    first: tuple[int, int]  # (src, line)
    again: list[tuple[int, int]]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


@dataclass(frozen=True)
class _Ref:
    """One reference column (or officer list) of a record type."""

    field: str  # FZX field name
    target: str  # record type referenced
    column: str = ""  # stage/main column of a single reference
    link: _Link | None = None  # the link tables of a list of references


@dataclass(frozen=True)
class _Link:
    field: str
    column: str  # stage column holding the list as JSON text
    stage: str  # temporary table: owner_id, target_id, position
    main_name: str  # the model's link table
    main: str  # the same, quoted
    owner: str  # its column naming the owner record
    target: str  # its column naming the referenced record


class _Table:
    def __init__(self, codec: TypeCodec) -> None:
        rt = codec.rt
        q = connection.ops.quote_name
        self.rtype = rt.name
        self.label = rt.label
        self.stage = q(STAGE_PREFIX + rt.name)
        self.main_name = rt.model._meta.db_table
        self.main = q(self.main_name)
        self.columns = list(codec.columns)
        self.db_types = [model_field(rt, s).db_type(connection) or "text" for s in codec.scalars]
        self.refs: list[_Ref] = []
        self.links: list[_Link] = []
        for spec, column in zip(codec.scalars, self.columns, strict=True):
            if spec.kind is Kind.REF:
                self.refs.append(_Ref(spec.name, spec.target or "", column=q(column)))
        for spec in codec.lists:
            link_model, owner = rt.links[spec.name]
            target_model = BY_NAME[spec.target or ""].model
            target = next(
                f.column
                for f in link_model._meta.concrete_fields
                if isinstance(f, models.ForeignKey) and f.related_model is target_model
            )
            link = _Link(
                spec.name,
                q(spec.name),
                q(f"{STAGE_PREFIX}{rt.name}__{spec.name}"),
                link_model._meta.db_table,
                q(link_model._meta.db_table),
                q(owner),  # the owner's foreign key: attname and column agree
                q(target),
            )
            self.links.append(link)
            self.refs.append(_Ref(spec.name, spec.target or "", link=link))
        self.quoted = [q(c) for c in self.columns]
        # every column a staged row carries after its place in the bundle
        self.staged = ["id", *self.quoted, *(link.column for link in self.links), "extra"]
        self.nulls: tuple[None, ...] = (None,) * (len(self.staged) - 1)
        self.upserts = 0  # rows staged, before duplicates are dropped
        self.deletes = 0
        self.rows: list[tuple[Any, ...]] = []


class Staging:
    """Temporary tables of one import on the default connection; use inside one transaction."""

    def __init__(self, codecs: Iterable[TypeCodec], adapter: DbAdapter) -> None:
        self.adapter = adapter
        self.postgres = connection.vendor == "postgresql"
        self.tables = {codec.rt.name: _Table(codec) for codec in codecs}
        self.ordered = [self.tables[name] for name in TYPE_ORDER]
        self.pending = 0
        self._cache_sizes: dict[str, int] = {}
        # referrers[target type] = (referring table, reference) pairs, for deletion checks
        self.referrers: dict[str, list[tuple[_Table, _Ref]]] = {name: [] for name in TYPE_ORDER}
        for table in self.ordered:
            for ref in table.refs:
                self.referrers[ref.target].append((table, ref))

    def _distinct(self, a: str, b: str) -> str:
        return f"{a} IS DISTINCT FROM {b}" if self.postgres else f"{a} IS NOT {b}"

    def _list_elements(self, stage: str, column: str) -> str:
        """SELECT (owner id, element, position) from the JSON array ``column`` of ``stage s``."""
        if self.postgres:
            return (
                f"SELECT s.id, j.value, j.ord - 1 FROM {stage} s CROSS JOIN LATERAL "
                f"jsonb_array_elements_text(s.{column}::jsonb) WITH ORDINALITY AS j(value, ord)"
            )
        return f"SELECT s.id, j.value, j.key FROM {stage} s, json_each(s.{column}) j"

    def _json(self, expr: str) -> str:
        # Staged extra is JSON text; PostgreSQL stores jsonb, SQLite the text itself.
        return f"{expr}::jsonb" if self.postgres else expr

    # -- loading -------------------------------------------------------------------------------

    def create(self) -> None:
        with connection.cursor() as cursor:
            if not self.postgres:
                self._cache_sizes = {}
                for schema in ("main", "temp"):
                    cursor.execute(f"PRAGMA {schema}.cache_size")
                    self._cache_sizes[schema] = cursor.fetchone()[0]
                    cursor.execute(f"PRAGMA {schema}.cache_size = -{SQLITE_CACHE_KIB}")
            for table in self.ordered:
                columns = ", ".join(
                    [
                        f"{name} {db_type}"
                        for name, db_type in zip(table.quoted, table.db_types, strict=True)
                    ]
                    + [f"{link.column} text" for link in table.links]
                )
                cursor.execute(f"DROP TABLE IF EXISTS {table.stage}")
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {table.stage} (seq bigint NOT NULL, "
                    "op char(1) NOT NULL, src integer NOT NULL, line bigint NOT NULL, "
                    f"id varchar({m.ID_LENGTH}) NOT NULL, {columns}, extra text)"
                )
                for link in table.links:
                    cursor.execute(f"DROP TABLE IF EXISTS {link.stage}")
                    cursor.execute(
                        f"CREATE TEMPORARY TABLE {link.stage} (owner_id varchar({m.ID_LENGTH}) "
                        f"NOT NULL, target_id varchar({m.ID_LENGTH}) NOT NULL, "
                        "position integer NOT NULL)"
                    )

    def add(self, seq: int, src: int, line: int, record: Decoded) -> None:
        """Queue one decoded record (an Invalid one only if it has a valid type and id)."""
        if type(record) is Upsert:
            table = self.tables[record.rt.name]
            table.rows.append((seq, "u", src, line, record.id, *record.values, record.extra))
            table.upserts += 1
        elif type(record) is Delete:
            table = self.tables[record.rt.name]
            table.rows.append((seq, "d", src, line, record.id, *table.nulls))
            table.deletes += 1
        else:
            table = self.tables[record.rtype]  # type: ignore[union-attr]
            table.rows.append((seq, "r", src, line, record.id, *table.nulls))
        self.pending += 1

    def flush(self) -> None:
        with connection.cursor() as cursor:
            for table in self.ordered:
                if table.rows:
                    columns = ["seq", "op", "src", "line", *table.staged]
                    self._load(cursor, table.stage, columns, table.rows)
                    table.rows.clear()
        self.pending = 0

    def _load(
        self, cursor: Any, stage: str, columns: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> None:
        names = ", ".join(columns)
        if self.postgres:
            # COPY is several times faster than batched INSERTs on PostgreSQL.
            with cursor.cursor.copy(f"COPY {stage} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {stage} ({names}) VALUES ({marks})", rows)

    def finish(self) -> list[Duplicate]:
        """Index the stage tables; returns the records named more than once, now refused."""
        duplicates: list[Duplicate] = []
        with connection.cursor() as cursor:
            for table in self.ordered:
                stage = table.stage
                index = connection.ops.quote_name(f"{STAGE_PREFIX}{table.rtype}_id")
                try:
                    # A bundle rarely names a record twice: try the unique index first and
                    # search for the copies only when it cannot be built. The savepoint is for
                    # PostgreSQL, where a failed statement ends the transaction.
                    with transaction.atomic():
                        cursor.execute(f"CREATE UNIQUE INDEX {index} ON {stage} (id)")
                except IntegrityError:
                    cursor.execute(f"CREATE INDEX {index} ON {stage} (id, seq)")
                    duplicates += self._refuse_duplicates(cursor, table)
                for link in table.links:
                    if table.upserts:
                        # One row per officer of each list, set-based rather than from Python.
                        cursor.execute(
                            f"INSERT INTO {link.stage} (owner_id, target_id, position) "
                            f"{self._list_elements(stage, link.column)} "
                            f"WHERE s.op = 'u' AND s.{link.column} <> '[]'"
                        )
                    index = connection.ops.quote_name(
                        f"{STAGE_PREFIX}{table.rtype}__{link.field}_owner"
                    )
                    cursor.execute(f"CREATE INDEX {index} ON {link.stage} (owner_id)")
                    if self.postgres:
                        cursor.execute(f"ANALYZE {link.stage}")
                if self.postgres:
                    # Autovacuum never analyses temporary tables; without statistics the
                    # planner takes them for empty and picks nested loops over millions of rows.
                    cursor.execute(f"ANALYZE {stage}")
        return duplicates

    @staticmethod
    def _refuse_duplicates(cursor: Any, table: _Table) -> list[Duplicate]:
        """Report every id staged twice, refuse it (op ``r``) and keep one row of it."""
        stage = table.stage
        named_again = (
            f"EXISTS (SELECT 1 FROM {stage} o WHERE o.id = {stage}.id AND o.seq <> {stage}.seq)"
        )
        cursor.execute(f"SELECT id, src, line FROM {stage} WHERE {named_again} ORDER BY id, seq")
        found: list[Duplicate] = []
        for rid, src, line in cursor.fetchall():
            if found and found[-1].rid == rid:
                found[-1].again.append((src, line))
            else:
                found.append(Duplicate(table.rtype, rid, (src, line), []))
        # The store keeps its current version of the record, as for any refused record.
        cursor.execute(f"UPDATE {stage} SET op = 'r' WHERE {named_again}")
        cursor.execute(
            f"DELETE FROM {stage} WHERE EXISTS (SELECT 1 FROM {stage} later "
            f"WHERE later.id = {stage}.id AND later.seq > {stage}.seq)"
        )
        return found

    def unit_rows(self) -> list[tuple[str, str, str | None, str | None, int, int]]:
        """The staged units as (op, id, parent id, kind, src, line), for the unit-tree check."""
        table = self.tables["unit"]
        q = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT op, id, {q('parent_id')}, {q('kind')}, src, line FROM {table.stage}"
            )
            return list(cursor.fetchall())

    # -- checking ------------------------------------------------------------------------------

    def reference_problems(self, *, report_refused_targets: bool) -> list[StageProblem]:
        """Every dangling reference and every blocked deletion among the staged rows.

        A reference to a record that this bundle refuses (and the store lacks) is reported only
        when ``report_refused_targets``: with ``--skip-invalid`` the referrer must be refused
        too, while a refused bundle needs only the first cause fixed.
        """
        problems: list[StageProblem] = []
        with connection.cursor() as cursor:
            for table in self.ordered:
                if table.upserts:
                    for ref in table.refs:
                        problems += self._dangling(cursor, table, ref, report_refused_targets)
            for table in self.ordered:
                if table.deletes:
                    problems += self._blocked_deletions(cursor, table)
        return problems

    def _dangling(
        self, cursor: Any, table: _Table, ref: _Ref, report_refused_targets: bool
    ) -> list[StageProblem]:
        target = self.tables[ref.target]
        missing = (
            f"NOT EXISTS (SELECT 1 FROM {target.main} t WHERE t.id = {{value}}) "
            f"AND NOT EXISTS (SELECT 1 FROM {target.stage} g WHERE g.id = {{value}} "
            "AND g.op = 'u')"
        )
        if ref.link is None:
            value = f"s.{ref.column}"
            cursor.execute(
                f"SELECT s.src, s.line, s.id, {value} FROM {table.stage} s "
                f"WHERE s.op = 'u' AND {value} IS NOT NULL AND {missing.format(value=value)}"
            )
            rows = cursor.fetchall()
        else:
            # The owners are looked up only for the (few) dangling rows found: joining every
            # list element to its owner's wide stage row is what would cost.
            link = ref.link
            cursor.execute(
                f"SELECT s.src, s.line, s.id, m.target_id FROM (SELECT l.owner_id, "
                f"l.target_id FROM {link.stage} l WHERE {missing.format(value='l.target_id')}) "
                f"m JOIN {table.stage} s ON s.id = m.owner_id WHERE s.op = 'u'"
            )
            rows = cursor.fetchall()
        if not rows:
            return []
        refused = self._refused_ids(cursor, target, {row[3] for row in rows})
        problems = []
        for src, line, rid, missing_id in rows:
            if missing_id in refused:
                if not report_refused_targets:
                    continue
                reason = f"引用的{target.label} {missing_id} 有错误未能导入，本记录一并拒绝"
            else:
                reason = f"引用的{target.label} {missing_id} 不存在"
            problems.append(StageProblem(src, line, table.rtype, rid, ref.field, reason))
        return problems

    @staticmethod
    def _refused_ids(cursor: Any, table: _Table, ids: set[str]) -> set[str]:
        """Which of ``ids`` this bundle brings but refuses."""
        found: set[str] = set()
        pending = sorted(ids)
        for start in range(0, len(pending), 500):
            chunk = pending[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT id FROM {table.stage} WHERE op = 'r' AND id IN ({marks})", chunk
            )
            found.update(row[0] for row in cursor.fetchall())
        return found

    def _blocked_deletions(self, cursor: Any, table: _Table) -> list[StageProblem]:
        # blocked[(src, line, id)] = [count, (label, id, field) of one referrer]
        blocked: dict[tuple[int, int, str], list[Any]] = {}
        deleting = f"d.op = 'd' AND EXISTS (SELECT 1 FROM {table.main} x WHERE x.id = d.id)"
        for referrer, ref in self.referrers[table.rtype]:
            overridden = (
                f"EXISTS (SELECT 1 FROM {referrer.stage} o WHERE o.id = {{owner}} "
                "AND o.op IN ('u', 'd'))"
            )
            if ref.link is None:
                bundled = (
                    f"SELECT d.src, d.line, d.id, count(*), min(s.id) FROM {referrer.stage} s "
                    f"JOIN {table.stage} d ON d.id = s.{ref.column} WHERE s.op = 'u' AND "
                    f"{deleting} GROUP BY d.src, d.line, d.id"
                )
                stored = (
                    f"SELECT d.src, d.line, d.id, count(*), min(r.id) FROM {table.stage} d "
                    f"JOIN {referrer.main} r ON r.{ref.column} = d.id WHERE {deleting} AND "
                    f"NOT {overridden.format(owner='r.id')} GROUP BY d.src, d.line, d.id"
                )
            else:
                link = ref.link
                bundled = (
                    f"SELECT d.src, d.line, d.id, count(*), min(s.id) FROM {link.stage} l "
                    f"JOIN {referrer.stage} s ON s.id = l.owner_id "
                    f"JOIN {table.stage} d ON d.id = l.target_id WHERE s.op = 'u' AND "
                    f"{deleting} GROUP BY d.src, d.line, d.id"
                )
                stored = (
                    f"SELECT d.src, d.line, d.id, count(*), min(r.{link.owner}) "
                    f"FROM {table.stage} d JOIN {link.main} r ON r.{link.target} = d.id "
                    f"WHERE {deleting} AND NOT {overridden.format(owner=f'r.{link.owner}')} "
                    f"GROUP BY d.src, d.line, d.id"
                )
            for sql in (bundled, stored):
                cursor.execute(sql)
                for src, line, rid, count, example in cursor.fetchall():
                    entry = blocked.setdefault((src, line, rid), [0, None])
                    entry[0] += count
                    if entry[1] is None:
                        entry[1] = (referrer.label, example, ref.field)
        problems = []
        for (src, line, rid), (count, (label, example, field)) in blocked.items():
            many = f"等 {count} 条记录" if count > 1 else ""
            reason = f"仍被{label} {example}（字段 {field}）{many}引用，不能删除"
            problems.append(StageProblem(src, line, table.rtype, rid, "deleted", reason))
        return problems

    def refuse(self, keys: Iterable[tuple[str, str]]) -> None:
        """Refuse staged records: the store keeps its current version of them, if any."""
        by_type: dict[str, list[tuple[str]]] = {}
        for rtype, rid in keys:
            by_type.setdefault(rtype, []).append((rid,))
        with connection.cursor() as cursor:
            for rtype, ids in by_type.items():
                stage = self.tables[rtype].stage
                cursor.executemany(f"UPDATE {stage} SET op = 'r' WHERE id = %s", ids)

    # -- applying ------------------------------------------------------------------------------

    def apply(self, now: datetime) -> dict[str, Counts]:
        """Write the staged records; every written row gets ``changed_at = now``."""
        stamp = self.adapter.time(now)
        counts = {table.rtype: Counts() for table in self.ordered}
        with connection.cursor() as cursor:
            # Referenced types first, so that PostgreSQL can check foreign keys early (below).
            for table in self.ordered:
                if table.upserts:
                    self._write(cursor, table, stamp, counts[table.rtype])
            for table in reversed(self.ordered):
                if table.deletes:
                    counts[table.rtype].deleted = self._delete(cursor, table, stamp)
        return counts

    def _differs(self, table: _Table, stage_row: str) -> str:
        """SQL: the stored record ``t`` differs from the staged one (columns or lists)."""
        differs = [self._distinct(f"t.{c}", f"{stage_row}.{c}") for c in table.quoted]
        differs.append(self._distinct("t.extra", self._json(f"{stage_row}.extra")))
        for link in table.links:
            # Other officers, or the same ones in another order.
            differs.append(
                f"(SELECT count(*) FROM {link.main} k WHERE k.{link.owner} = t.id) <> "
                f"(SELECT count(*) FROM {link.stage} l WHERE l.owner_id = t.id)"
            )
            differs.append(
                f"EXISTS (SELECT 1 FROM {link.stage} l WHERE l.owner_id = t.id AND NOT EXISTS "
                f"(SELECT 1 FROM {link.main} k WHERE k.{link.owner} = l.owner_id "
                f"AND k.{link.target} = l.target_id AND k.position = l.position))"
            )
        return " OR ".join(differs)

    def _write(self, cursor: Any, table: _Table, stamp: Any, counts: Counts) -> None:
        stage, main = table.stage, table.main
        cursor.execute(
            f"SELECT count(*), coalesce(sum(CASE WHEN EXISTS (SELECT 1 FROM {main} t "
            f"WHERE t.id = s.id) THEN 0 ELSE 1 END), 0) FROM {stage} s WHERE s.op = 'u'"
        )
        staged, created = cursor.fetchone()
        if created == staged:
            # All new (a first load): nothing to compare with.
            chosen = "s.op = 'u'"
        else:
            # Rows equal to the stored ones are not written, so their changed_at stays.
            differs = self._differs(table, "s")
            chosen = (
                f"s.op = 'u' AND (NOT EXISTS (SELECT 1 FROM {main} t WHERE t.id = s.id) OR "
                f"EXISTS (SELECT 1 FROM {main} t WHERE t.id = s.id AND ({differs})))"
            )
        bulk = created >= BULK_LOAD_MIN_ROWS and self._holds_fewer(cursor, main, created)
        suspended = [table.main_name, *(link.main_name for link in table.links)] if bulk else []
        restore = self._suspend(cursor, suspended)
        columns = ", ".join(table.quoted)
        updates = ", ".join(f"{c} = excluded.{c}" for c in [*table.quoted, "extra", "changed_at"])
        # In key order, so that the primary-key index grows at its end where it can.
        cursor.execute(
            f"INSERT INTO {main} (id, {columns}, extra, changed_at) "
            f"SELECT s.id, {', '.join(f's.{c}' for c in table.quoted)}, "
            f"{self._json('s.extra')}, %s FROM {stage} s WHERE {chosen} ORDER BY s.id "
            f"ON CONFLICT (id) DO UPDATE SET {updates}",
            [stamp],
        )
        written = cursor.rowcount
        counts.created = created
        counts.updated = written - created
        counts.unchanged = staged - written
        # The rows just written are those of this bundle stamped with this import's time.
        just_written = (
            f"EXISTS (SELECT 1 FROM {main} t WHERE t.id = {{owner}} AND t.changed_at = %s)"
        )
        for link in table.links:
            if counts.updated:
                cursor.execute(
                    f"DELETE FROM {link.main} WHERE {link.owner} IN (SELECT s.id FROM {stage} s "
                    f"WHERE s.op = 'u' AND {just_written.format(owner='s.id')})",
                    [stamp],
                )
            if written == staged and not self._has_refused(cursor, table):
                cursor.execute(
                    f"INSERT INTO {link.main} ({link.owner}, {link.target}, position) "
                    f"SELECT owner_id, target_id, position FROM {link.stage} "
                    "ORDER BY owner_id, position"
                )
            elif written:
                cursor.execute(
                    f"INSERT INTO {link.main} ({link.owner}, {link.target}, position) "
                    f"SELECT l.owner_id, l.target_id, l.position FROM {link.stage} l WHERE "
                    f"{just_written.format(owner='l.owner_id')} ORDER BY l.owner_id, l.position",
                    [stamp],
                )
        for sql in restore:
            cursor.execute(sql)

    @staticmethod
    def _has_refused(cursor: Any, table: _Table) -> bool:
        # Refused rows can still have staged lists (refused after the lists were expanded).
        cursor.execute(f"SELECT 1 FROM {table.stage} WHERE op = 'r' LIMIT 1")
        return cursor.fetchone() is not None

    @staticmethod
    def _holds_fewer(cursor: Any, main: str, rows: int) -> bool:
        # Counting stops at ``rows``: a large table costs no more than the rows being loaded.
        cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {main} LIMIT %s) x", [rows])
        return bool(cursor.fetchone()[0] < rows)

    def _suspend(self, cursor: Any, tables: Sequence[str]) -> list[str]:
        """Drop what slows a bulk load of ``tables``; returns the SQL that puts it back.

        Secondary indexes everywhere; on PostgreSQL also the foreign keys, whose per-row
        checks cost more than the insert itself, while adding a foreign key back checks all
        rows in one join (and fails the import, as the deferred checks would, if one dangles).
        """
        if not tables:
            return []
        if self.postgres:
            # ALTER TABLE and CREATE INDEX refuse tables with deferred checks pending from
            # earlier writes of this transaction: run those now (they pass: references point
            # to earlier types, which are written first), then defer again.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        q = connection.ops.quote_name
        restore: list[str] = []
        foreign_keys: list[str] = []
        for name in tables:
            if self.postgres:
                cursor.execute(
                    "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                    "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = to_regclass(%s) "
                    "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE "
                    "c.conrelid = x.indrelid AND c.conindid = x.indexrelid)",
                    [name],
                )
            else:
                # Constraint indexes (sqlite_autoindex_*) have no SQL and cannot be dropped.
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                    "AND tbl_name = %s AND sql IS NOT NULL",
                    [name],
                )
            for index, definition in cursor.fetchall():
                cursor.execute(f"DROP INDEX {q(index)}")
                restore.append(definition)
            if self.postgres:
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = to_regclass(%s) AND contype = 'f'",
                    [name],
                )
                for constraint, definition in cursor.fetchall():
                    cursor.execute(f"ALTER TABLE {q(name)} DROP CONSTRAINT {q(constraint)}")
                    foreign_keys.append(
                        f"ALTER TABLE {q(name)} ADD CONSTRAINT {q(constraint)} {definition}"
                    )
        return restore + foreign_keys

    def _delete(self, cursor: Any, table: _Table, stamp: Any) -> int:
        stage, main = table.stage, table.main
        tombstones = connection.ops.quote_name(m.Tombstone._meta.db_table)
        # Deleting what the store does not have is a no-op: no tombstone, not counted.
        cursor.execute(
            f"INSERT INTO {tombstones} (record_type, record_id, deleted_at) "
            f"SELECT %s, s.id, %s FROM {stage} s WHERE s.op = 'd' AND "
            f"EXISTS (SELECT 1 FROM {main} t WHERE t.id = s.id)",
            [table.rtype, stamp],
        )
        deleting = f"(SELECT id FROM {stage} WHERE op = 'd')"
        for link in table.links:
            cursor.execute(f"DELETE FROM {link.main} WHERE {link.owner} IN {deleting}")
        cursor.execute(f"DELETE FROM {main} WHERE id IN {deleting}")
        return int(cursor.rowcount)

    def drop(self) -> None:
        """Drop the stage tables (rolling the transaction back drops them too)."""
        with connection.cursor() as cursor:
            for table in self.ordered:
                cursor.execute(f"DROP TABLE IF EXISTS {table.stage}")
                for link in table.links:
                    cursor.execute(f"DROP TABLE IF EXISTS {link.stage}")

    def release(self) -> None:
        """Give the connection its page cache back, whatever became of the transaction."""
        if self.postgres or not self._cache_sizes or connection.connection is None:
            return
        with connection.cursor() as cursor:
            for schema, size in self._cache_sizes.items():
                cursor.execute(f"PRAGMA {schema}.cache_size = {int(size)}")
