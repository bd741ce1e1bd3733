"""FZX v1 as a stream of records: reading bundles, checking records, writing them back.

Reading turns every input form (JSON Lines, gzip-compressed JSON Lines, a folder of per-type CSV
files, an XLSX workbook with one sheet per type) into one stream of ``(source, row, object)``
triples, where the object looks like a decoded JSON line whatever the file was. Tabular cells are
typed on the way in from the schema (``;``-separated lists, ``true/false/1/0/是/否``, decimal
strings), so one decoder checks every form the same way. A file that cannot be read at all
(not gzip, cut short, not UTF-8, not a workbook) stops the import with a ``SourceError`` whose
message says in Chinese what is wrong and where; the exception text of the library that noticed
is never shown, as it is English and means nothing to the people who import.

Decoding checks one object against ``fazhi.records.schema`` and yields either the column values
to store or every problem found in it. It checks format only (JSON types, enumerations, times,
required fields, lengths); whether the facts are plausible (身份证号 checksums, an end before its
start …) is the patrol's business, and references between records are checked set-based by the
importer once the whole bundle is known.

Encoding is the inverse, for the exporter: one stored record back to one FZX line.
"""

from __future__ import annotations

import csv
import errno
import gzip
import re
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import orjson
from django.db import models

from fazhi.core.errors import DomainError
from fazhi.core.timezones import SHANGHAI
from fazhi.exchange.error_codes import ErrorCode
from fazhi.records.models import ID_LENGTH
from fazhi.records.schema import BY_NAME, FieldSpec, Kind, RecordType

# Exported times carry a fixed +08:00: ZoneInfo would print historical offsets (+08:05:43 LMT,
# +09:00 in the 1986–1991 summers) that are correct but surprise every reader of the file.
BEIJING = timezone(timedelta(hours=8))
_EIGHT_HOURS = timedelta(hours=8)
# Asia/Shanghai has kept +08:00 all year since the summer time of 1991 ended; before that the
# slow, exact zoneinfo path is taken.
_FIXED_OFFSET_SINCE = 1992

RESERVED = frozenset({"type", "id", "deleted"})
TRUE_WORDS = frozenset({"true", "1", "是"})
FALSE_WORDS = frozenset({"false", "0", "否"})
LIST_SEPARATOR = ";"
_ENUM_SHOWN = 8  # allowed values listed in an error message before "等 N 项"
_SHOWN_CHARS = 40  # longest offending value quoted in an error message
CSV_CELL_LIMIT = 64 * 1024 * 1024
# orjson writes at most 254 nested containers, and the record around an extra field is one.
EXTRA_DEPTH = 253
# UTC offsets that exist on Earth (Baker Island to the Line Islands). Python accepts anything
# short of a day and PostgreSQL anything short of 16 hours; neither is a time a police system
# wrote, and PostgreSQL would fail the whole import on the latter.
MIN_OFFSET = timedelta(hours=-12)
MAX_OFFSET = timedelta(hours=14)
_OFFSET_TAIL = re.compile(r"([+-])(\d{2}):?(\d{2})(?::?\d{2}(?:\.\d+)?)?$")


class SourceError(DomainError):
    """A bundle file that cannot be read at all: missing, of an unknown kind, or corrupt.

    Unlike a bad record this stops the import, since nothing after the damage can be trusted.
    """


# ---------------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class Source:
    """One stream of rows: a JSON Lines file, one CSV file or one worksheet."""

    label: str  # "clean.jsonl", "case.csv", "bundle.xlsx 工作表 case"

    def location(self, row: int) -> str:
        return f"{self.label} 第{row}行"


class Malformed(NamedTuple):
    """A row that is not a record at all (bad JSON, more cells than the header)."""

    message: str


class Flagged(NamedTuple):
    """A tabular row read as a record, with cells that could not be taken as values (formulas).

    ``obj`` holds the row without those cells; ``problems`` are (field, Chinese reason) pairs,
    reported with whatever else is wrong with the record.
    """

    obj: dict[str, Any]
    problems: list[tuple[str, str]]


RawRecord = tuple[int, int, "dict[str, Any] | Malformed | Flagged"]  # (source index, row, obj)


def _file_kind(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith((".jsonl.gz", ".ndjson.gz")):
        return "jsonl.gz"
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith(".xlsx"):
        return "xlsx"
    if name.endswith(".csv"):
        return "csv"
    return None


class Bundle:
    """The files of one import, read as one stream of records in the order given."""

    def __init__(self, paths: Sequence[str | Path]) -> None:
        self.inputs: list[tuple[Path, str]] = []
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                kind: str | None = "csv-folder"
            elif path.is_file() or path.is_fifo():
                # A named pipe lets an operator stream a bundle (from zcat, ssh or the
                # generator) without a second copy on disk; JSON Lines read it front to back.
                kind = _file_kind(path)
                if kind is None:
                    raise SourceError(
                        ErrorCode.FILE_KIND_UNKNOWN,
                        f"无法识别的文件类型：{path.name}"
                        "（应为 .jsonl、.jsonl.gz、.xlsx、.csv 或 CSV 文件夹）",
                    )
            else:
                raise SourceError(ErrorCode.FILE_NOT_FOUND, f"找不到文件或目录：{raw}")
            self.inputs.append((path, kind or ""))
        # Grows while reading: a worksheet or CSV file becomes a source when it is reached.
        self.sources: list[Source] = []

    @property
    def names(self) -> list[str]:
        return [str(path) for path, _kind in self.inputs]

    def records(self) -> Iterator[RawRecord]:
        for path, kind in self.inputs:
            if kind == "jsonl":
                yield from self._jsonl(path, compressed=False)
            elif kind == "jsonl.gz":
                yield from self._jsonl(path, compressed=True)
            elif kind == "csv":
                yield from self._csv(path)
            elif kind == "csv-folder":
                files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv")
                if not files:
                    raise SourceError(ErrorCode.FOLDER_EMPTY, f"文件夹 {path} 中没有 CSV 文件")
                for file in files:
                    yield from self._csv(file)
            else:
                yield from self._xlsx(path)

    def estimated_records(self) -> int | None:
        """Record count when it is cheap to know (plain files), for a progress bar; None when
        it is not (reading will then report what is wrong with the files)."""
        try:
            return self._estimate()
        except OSError:
            return None

    def _estimate(self) -> int | None:
        total = 0
        for path, kind in self.inputs:
            if kind == "jsonl":
                total += _count_lines(path)
            elif kind == "csv":
                total += max(_count_lines(path) - 1, 0)
            elif kind == "csv-folder":
                for file in path.iterdir():
                    if file.suffix.lower() == ".csv":
                        total += max(_count_lines(file) - 1, 0)
            else:
                return None
        return total

    def _source(self, label: str) -> int:
        self.sources.append(Source(label))
        return len(self.sources) - 1

    def _jsonl(self, path: Path, *, compressed: bool) -> Iterator[RawRecord]:
        src = self._source(path.name)
        loads = orjson.loads
        row = 0
        try:
            with gzip.open(path, "rb") if compressed else path.open("rb") as stream:
                for row, line in enumerate(stream, 1):
                    if row == 1 and line.startswith(b"\xef\xbb\xbf"):
                        line = line[3:]
                    try:
                        obj = loads(line)
                    except orjson.JSONDecodeError as exc:
                        if not line.strip():
                            continue
                        yield src, row, Malformed(_json_error(line, exc))
                        continue
                    if type(obj) is not dict:
                        yield src, row, Malformed(_not_an_object(obj))
                        continue
                    yield src, row, obj
        except (OSError, EOFError, zlib.error) as exc:
            raise SourceError(ErrorCode.FILE_UNREADABLE, _unreadable(path.name, row, exc)) from exc

    def _csv(self, path: Path) -> Iterator[RawRecord]:
        # A transcript's text can exceed the csv module's default cell limit of 128 KiB.
        csv.field_size_limit(max(csv.field_size_limit(), CSV_CELL_LIMIT))
        src = self._source(path.name)
        rtype = path.stem
        row = 0
        try:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                reader = csv.reader(stream)
                header = next(reader, None)
                if header is None:
                    return
                row = 1
                problem = _header_problem(rtype, header, "本文件")
                if problem:
                    yield src, 1, Malformed(problem)
                    return
                cells = _column_readers(rtype, header, _csv_cell)
                for row, values in enumerate(reader, 2):
                    record = _tabular_record(rtype, cells, values)
                    if record is not None:
                        yield src, row, record
        except (UnicodeDecodeError, csv.Error, OSError) as exc:
            if isinstance(exc, UnicodeDecodeError):
                # Text is decoded ahead of the csv reader in large chunks: find the line.
                row = _first_undecodable_line(path) - 1
            raise SourceError(ErrorCode.FILE_UNREADABLE, _unreadable(path.name, row, exc)) from exc

    def _xlsx(self, path: Path) -> Iterator[RawRecord]:
        from openpyxl import load_workbook

        try:
            # Formulas are read as formulas rather than as the results some program last cached
            # for them (or none, which read as empty cells): they are refused, see _formulas.
            book = load_workbook(path, read_only=True, data_only=False)
        except Exception as exc:  # openpyxl raises zipfile/KeyError/… for a damaged file
            raise SourceError(
                ErrorCode.FILE_UNREADABLE,
                f"{path.name} 不是可读取的 XLSX 工作簿：文件已损坏或被截断，"
                "或不是 Excel 2007 及以后版本的 .xlsx 格式",
            ) from exc
        try:
            for sheet in book.worksheets:
                src = self._source(f"{path.name} 工作表 {sheet.title}")
                rows = _damage_checked(sheet.iter_rows(), f"{path.name} 工作表 {sheet.title}")
                first = next(rows, None)
                if first is None:
                    continue
                header = ["" if c.value is None else str(c.value).strip() for c in first]
                problem = _header_problem(sheet.title, header, "本工作表")
                if problem:
                    yield src, 1, Malformed(problem)
                    continue
                cells = _column_readers(sheet.title, header, _xlsx_cell)
                for row, xl_cells in enumerate(rows, 2):
                    record: dict[str, Any] | Malformed | Flagged | None
                    if any(getattr(c, "data_type", None) == "f" for c in xl_cells):
                        record = _formulas(sheet.title, cells, xl_cells)
                    else:
                        record = _tabular_record(sheet.title, cells, xl_cells)
                    if record is not None:
                        yield src, row, record
        finally:
            book.close()


_T = TypeVar("_T")


def _damage_checked(rows: Iterator[_T], label: str) -> Iterator[_T]:
    """``rows`` of a worksheet; damage found only while reading them is a ``SourceError``."""
    row = 0
    while True:
        try:
            item = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # zipfile, zlib, XML parser …: a damaged or truncated workbook
            raise SourceError(
                ErrorCode.FILE_UNREADABLE,
                f"{label} 第{row + 1}行附近无法读取：工作簿已损坏或被截断",
            ) from exc
        row += 1
        yield item


def _formulas(
    rtype: str, readers: list[tuple[str, CellReader] | None], cells: Sequence[Any]
) -> dict[str, Any] | Malformed | Flagged | None:
    """A row with formula cells: the rest of the row, and each formula as a problem.

    A formula is not data: what it shows depends on the program that last computed it, and a
    workbook written by a program that does not compute formulas holds no result at all, which
    would be read as an empty cell (a missing date, silently).
    """
    problems: list[tuple[str, str]] = []
    values: list[Any] = []
    for index, cell in enumerate(cells):
        if getattr(cell, "data_type", None) != "f":
            values.append(cell)
            continue
        values.append(None)
        if index >= len(readers):
            return Malformed(f"第{index + 1}列没有表头")
        reader = readers[index]
        if reader is None:
            continue  # the type column: the sheet name is the type
        formula = cell.value if isinstance(cell.value, str) else getattr(cell.value, "text", "")
        quoted = f"“{shown(formula)}”" if formula else ""
        problems.append(
            (
                reader[0],
                f"单元格是公式{quoted}，只能导入值而不能导入公式"
                "（可在 Excel 中复制后“选择性粘贴为数值”）",
            )
        )
    record = _tabular_record(rtype, readers, values)
    if isinstance(record, Malformed) or not problems:
        return record
    return Flagged(record if record is not None else {"type": rtype}, problems)


def _header_problem(rtype: str, header: Sequence[str], whole: str) -> str | None:
    """What makes the header of a CSV file or worksheet of ``rtype`` unusable, or None;
    ``whole`` names what is then skipped. A file or sheet named after no record type is left
    alone: each of its rows is reported as of an unknown type."""
    if rtype not in BY_NAME:
        return None
    first: dict[str, int] = {}
    for column, raw in enumerate(header, 1):
        name = raw.strip()
        if not name:
            continue
        if name in first:
            return (
                f"表头第{first[name]}列和第{column}列都是“{shown(name)}”，无法确定取哪一列；"
                f"{whole}未读取"
            )
        first[name] = column
    if "id" not in first:
        return f"表头缺少 id 列（第一行应为字段名，如 id、name）；{whole}未读取"
    return None


def _first_undecodable_line(path: Path) -> int:
    with path.open("rb") as stream:
        for number, line in enumerate(stream, 1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 1


def _json_error(line: bytes, exc: orjson.JSONDecodeError) -> str:
    """Why a line of a JSON Lines file is not JSON, in Chinese (orjson's reason is English)."""
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as bad:
        return (
            f"不是有效的 UTF-8 文本（第{bad.start + 1}个字节起）：数据包应为 UTF-8 编码，"
            "此文件可能是 GBK 等其他编码，请转换为 UTF-8 后再导入"
        )
    reason = str(exc)
    if "depth" in reason or "recursion" in reason.lower():
        return "JSON 嵌套层数过深，无法读取"
    if "infinity" in reason:
        return f"不是有效的 JSON（第{exc.colno}列附近）：数值超出范围"
    if line.lstrip().startswith(b"["):
        return (
            f"不是有效的 JSON（第{exc.colno}列附近）：数据包应为每行一个 JSON 对象"
            "（JSON Lines），不是一个 JSON 数组"
        )
    return f"不是有效的 JSON（第{exc.colno}列附近）"


def _not_an_object(value: object) -> str:
    if type(value) is list:
        return (
            "应为 JSON 对象（{…}），实际为 JSON 数组：数据包应为每行一个 JSON 对象"
            "（JSON Lines），不是一个 JSON 数组"
        )
    actual = _JSON_TYPE_NAMES.get(type(value), "其他值")
    return f"应为 JSON 对象（{{…}}），实际为{actual} {shown(value)}"


def _unreadable(name: str, row: int, exc: BaseException) -> str:
    """Why a file stopped being readable after ``row`` rows, in Chinese."""
    where = f"{name} 第{row + 1}行附近无法读取"
    if isinstance(exc, EOFError):
        return f"{where}：压缩数据不完整，文件可能被截断（请重新传输或重新导出）"
    if isinstance(exc, gzip.BadGzipFile):
        if row == 0:
            return f"{name} 无法读取：不是 gzip 压缩文件（.gz 文件应为 gzip 格式）"
        return f"{where}：压缩数据已损坏（gzip 校验失败）"
    if isinstance(exc, zlib.error):
        return f"{where}：压缩数据已损坏，无法解压"
    if isinstance(exc, UnicodeDecodeError):
        return (
            f"{where}：不是有效的 UTF-8 文本。CSV 文件应为 UTF-8 编码（Excel 中另存为"
            "“CSV UTF-8”），此文件可能是 GBK 等其他编码"
        )
    if isinstance(exc, csv.Error):
        reason = str(exc)
        if "NUL" in reason:
            return f"{where}：含有空字符，不是文本形式的 CSV 文件"
        if "field limit" in reason:
            return f"{where}：单元格超过 {CSV_CELL_LIMIT // (1024 * 1024)} MiB 上限"
        return f"{where}：CSV 格式错误（引号不成对，或引号不在单元格开头）"
    if isinstance(exc, OSError):
        return f"{where}：{_os_reason(exc)}"
    return f"{where}：文件已损坏"


def _os_reason(exc: OSError) -> str:
    reasons = {
        errno.ENOENT: "文件不存在",
        errno.EACCES: "没有读取权限",
        errno.EPERM: "没有读取权限",
        errno.EISDIR: "这是一个文件夹而不是文件",
        errno.EIO: "读取时发生输入输出错误（磁盘或网络存储故障）",
    }
    return reasons.get(exc.errno or 0, f"操作系统无法读取此文件（错误码 {exc.errno}）")


def _count_lines(path: Path) -> int:
    count = 0
    last = b"\n"
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


# A cell reader turns one raw cell into the value a JSON line would hold; it never fails,
# leaving what it cannot read as a string for the decoder to report.
CellReader = Callable[[Any], Any]


def _column_readers(
    rtype: str, header: list[str], reader_for: Callable[[Kind | None], CellReader]
) -> list[tuple[str, CellReader] | None]:
    rt = BY_NAME.get(rtype)
    readers: list[tuple[str, CellReader] | None] = []
    for raw_name in header:
        name = raw_name.strip()
        if not name or name == "type":
            readers.append(None)  # the file or sheet name is the type
            continue
        spec = rt.field(name) if rt else None
        if name == "deleted":
            readers.append((name, reader_for(Kind.BOOL)))
        elif name == "id":
            readers.append((name, reader_for(Kind.REF)))  # read as ids are: 1001 is "1001"
        else:
            readers.append((name, reader_for(spec.kind if spec else None)))
    return readers


def _tabular_record(
    rtype: str, readers: list[tuple[str, CellReader] | None], cells: Sequence[Any]
) -> dict[str, Any] | Malformed | None:
    """One row as a JSON-like object, or None for a blank row."""
    obj: dict[str, Any] = {"type": rtype}
    blank = True
    for index, cell in enumerate(cells):
        value = _cell_value(cell)
        if value is None or value == "":
            continue  # an empty cell is null, and null is the same as absent
        blank = False
        if index >= len(readers):
            return Malformed(f"第{index + 1}列没有表头")
        reader = readers[index]
        if reader is not None:
            name, read = reader
            obj[name] = read(cell)
    return None if blank else obj


def _cell_value(cell: Any) -> Any:
    return cell if isinstance(cell, str) else getattr(cell, "value", cell)


def _read_bool_word(text: str) -> bool | str:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return text


def _read_number_text(text: str) -> Decimal | str:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return text
    return number if number.is_finite() else text


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]


def _csv_cell(kind: Kind | None) -> CellReader:
    if kind is Kind.BOOL:
        return _read_bool_word
    if kind is Kind.NUMBER:
        return _read_number_text
    if kind is Kind.REFS:
        return _split_list
    return _identity


def _identity(value: Any) -> Any:
    return value


def _xlsx_cell(kind: Kind | None) -> CellReader:
    def read(cell: Any) -> Any:
        value = cell.value
        if isinstance(value, str):
            return _csv_cell(kind)(value)
        if kind is Kind.TIME and isinstance(value, datetime):
            # A cell formatted as a date only holds a date even though openpyxl returns a
            # datetime at midnight; it must fail like "2026-03-05" would.
            fmt = (cell.number_format or "").lower()
            return value.isoformat() if "h" in fmt else value.date().isoformat()
        if kind is Kind.TIME and isinstance(value, date):
            return value.isoformat()
        if kind is Kind.DATE and isinstance(value, datetime):
            midnight = value.time() == datetime.min.time()
            return value.date().isoformat() if midnight else value.isoformat()
        if kind is Kind.BOOL:
            return value if isinstance(value, bool) or value not in (0, 1) else bool(value)
        if kind is Kind.NUMBER and isinstance(value, int | float) and not isinstance(value, bool):
            return _read_number_text(repr(value))
        if kind in (Kind.STR, Kind.TEXT, Kind.ENUM, Kind.REF, Kind.REFS) and isinstance(
            value, int | float
        ):
            # Spreadsheets turn ids and codes such as 110 into numbers.
            text = str(int(value)) if float(value).is_integer() else repr(value)
            return [text] if kind is Kind.REFS else text
        if kind is None and isinstance(value, datetime | date):
            return value.isoformat()
        return value

    return read


# ---------------------------------------------------------------------------------------------
# Decoding


class Problem(NamedTuple):
    """What is wrong with one field of one record (``field`` is "" for the record as a whole)."""

    field: str
    message: str


class Upsert(NamedTuple):
    rt: RecordType
    id: str
    # ``TypeCodec.columns`` in order, adapted for the database, then each of ``TypeCodec.lists``
    # as JSON text (the importer expands the lists set-based, in SQL)
    values: tuple[Any, ...]
    extra: str  # JSON text of the fields FZX does not define


class Delete(NamedTuple):
    rt: RecordType
    id: str


class Invalid(NamedTuple):
    rtype: str  # as given, possibly unknown or ""
    id: str  # as given, possibly ""
    label: str  # "案件 C001", "记录"
    problems: list[Problem]
    stageable: bool  # type and id are valid, so the refusal can be recorded under that id


Decoded = Upsert | Delete | Invalid


class _Bad(Exception):
    """A value that cannot be stored; carries the Chinese reason."""


def shown(value: object) -> str:
    if isinstance(value, str):
        text = value
    else:
        try:
            text = orjson.dumps(value, default=str).decode()
        except orjson.JSONEncodeError:  # nested deeper than orjson writes
            return "（嵌套过深的值）"
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


_JSON_TYPE_NAMES: dict[type, str] = {
    str: "字符串",
    int: "数字",
    float: "数字",
    Decimal: "数字",
    bool: "布尔值",
    list: "列表",
    dict: "对象",
    type(None): "空值",
}


def _wrong_type(expected: str, value: object) -> _Bad:
    actual = _JSON_TYPE_NAMES.get(type(value), type(value).__name__)
    return _Bad(f"应为{expected}，实际为{actual} {shown(value)}")


@dataclass(frozen=True)
class DbAdapter:
    """How decoded values are handed to the database driver.

    SQLite keeps times as text in UTC exactly as Django writes them, so that stored and staged
    values compare equal as text; PostgreSQL takes aware datetimes as they are.
    """

    time: Callable[[datetime], Any]
    date: Callable[[date], Any]
    number: Callable[[Decimal], Any]


def _sqlite_time(value: datetime) -> str:
    offset = value.utcoffset()
    if offset is not None:
        value = value.replace(tzinfo=None) - offset
    return value.isoformat(" ")


SQLITE_ADAPTER = DbAdapter(time=_sqlite_time, date=date.isoformat, number=str)
NATIVE_ADAPTER = DbAdapter(time=_identity, date=_identity, number=_identity)


def parse_time(value: object) -> datetime:
    """An FZX time as an aware datetime; without an offset it is Asia/Shanghai local time."""
    if type(value) is not str:
        raise _wrong_type("时间字符串", value)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        tail = _OFFSET_TAIL.search(value)
        if tail is not None and _parses(value[: tail.start()]):
            raise _Bad(_offset_out_of_range(tail.group(0))) from None
        raise _Bad(f"时间格式无效“{shown(value)}”") from None
    if parsed.tzinfo is None:
        if len(value) <= 10 and "T" not in value:
            raise _Bad(f"只有日期“{value}”，缺少时刻（应为如 2026-03-05T14:20:00+08:00）")
        parsed = parsed.replace(tzinfo=SHANGHAI)
    else:
        offset = parsed.utcoffset()
        if offset is not None and not MIN_OFFSET <= offset <= MAX_OFFSET:
            tail = _OFFSET_TAIL.search(value)
            raise _Bad(_offset_out_of_range(tail.group(0) if tail else value))
    if not 1 < parsed.year < 9999:
        # Converting to UTC (and PostgreSQL's years before 1 AD) would fail at the edges.
        raise _Bad(f"时间超出范围“{shown(value)}”")
    return parsed


def _parses(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _offset_out_of_range(offset: str) -> str:
    return f"时区偏移“{shown(offset)}”超出范围（应在 -12:00 至 +14:00 之间）"


def _time_converter(adapter: DbAdapter) -> Callable[[object], Any]:
    fromisoformat = datetime.fromisoformat
    adapt = adapter.time
    sqlite = adapter is SQLITE_ADAPTER

    def convert(value: object) -> Any:
        # The common shapes (+08:00 or no offset, after 1991) skip timezone arithmetic: this
        # runs for several fields of every record.
        if sqlite and type(value) is str and len(value) >= 19:
            tail = value[19:]
            if tail == "+08:00" or tail == "":
                try:
                    naive = fromisoformat(value[:19])
                except ValueError:
                    raise _Bad(f"时间格式无效“{shown(value)}”") from None
                if naive.year >= _FIXED_OFFSET_SINCE:
                    return (naive - _EIGHT_HOURS).isoformat(" ")
        parsed = parse_time(value)
        try:
            return adapt(parsed)
        except OverflowError:
            raise _Bad(f"时间超出范围“{shown(value)}”") from None

    return convert


def parse_date(value: object) -> date:
    if type(value) is not str:
        raise _wrong_type("日期字符串", value)
    if len(value) != 10 or value[4] != "-" or value[7] != "-":
        raise _Bad(f"日期格式无效“{shown(value)}”（应为 YYYY-MM-DD）")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _Bad(f"日期无效“{value}”") from None


def _date_converter(adapter: DbAdapter) -> Callable[[object], Any]:
    adapt = adapter.date

    def convert(value: object) -> Any:
        return adapt(parse_date(value))

    return convert


def _str_converter(max_length: int | None) -> Callable[[object], Any]:
    def convert(value: object) -> Any:
        if type(value) is not str:
            raise _wrong_type("字符串", value)
        if max_length is not None and len(value) > max_length:
            raise _Bad(f"长度 {len(value)} 超过上限 {max_length} 个字符")
        if "\x00" in value:
            raise _Bad("含有空字符（\\u0000）")
        return value

    return convert


def _enum_converter(choices: type[models.TextChoices]) -> Callable[[object], Any]:
    allowed = frozenset(choices.values)
    listed = "、".join(choices.values[:_ENUM_SHOWN])
    if len(choices.values) > _ENUM_SHOWN:
        listed += f" 等 {len(choices.values)} 项"

    def convert(value: object) -> Any:
        if value in allowed:
            return value
        if type(value) is not str:
            raise _wrong_type("字符串", value)
        raise _Bad(f"取值“{shown(value)}”不在允许范围内（{listed}）")

    return convert


def _bool_converter(value: object) -> Any:
    if value is True or value is False:
        return value
    raise _wrong_type("布尔值 true/false", value)


def _number_converter(field: models.Field[Any, Any], adapter: DbAdapter) -> Callable[[object], Any]:
    assert isinstance(field, models.DecimalField)
    places = field.decimal_places or 0
    quantum = Decimal(1).scaleb(-places)
    whole_digits = (field.max_digits or 0) - places
    limit = Decimal(10) ** whole_digits
    adapt = adapter.number

    def convert(value: object) -> Any:
        kind = type(value)
        if kind is int:
            number = Decimal(value)  # type: ignore[arg-type]
        elif kind is float:
            number = Decimal(repr(value))
        elif kind is Decimal:
            number = value  # type: ignore[assignment]
        else:
            raise _wrong_type("数字", value)
        if number.is_finite() and abs(number) < limit:
            # Precision beyond the column (fractions of a 分) is rounded here rather than by
            # the database, so that both databases store the same value and a re-import
            # compares equal.
            number = number.quantize(quantum, rounding=ROUND_HALF_UP)
            if abs(number) < limit:
                return adapt(number)
        raise _Bad(f"数值 {shown(value)} 超出范围（整数部分最多 {whole_digits} 位）")

    return convert


def _valid_id(value: object) -> bool:
    return type(value) is str and 0 < len(value) <= ID_LENGTH and "\x00" not in value


def _ref_converter(value: object) -> Any:
    if type(value) is not str:
        raise _wrong_type("编号字符串", value)
    if not _valid_id(value):
        raise _Bad(f"编号“{shown(value)}”无效（应为 1–{ID_LENGTH} 个字符）")
    return value


def _refs_converter(target_label: str) -> Callable[[object], str]:
    """Checks a list of ids and returns it as JSON text, as it is staged."""
    dumps = orjson.dumps

    def convert(value: object) -> str:
        if type(value) is list:
            for item in value:
                if type(item) is not str or not 0 < len(item) <= ID_LENGTH or "\x00" in item:
                    break
            else:
                if len(set(value)) == len(value):
                    return dumps(value).decode()
        return _explain_bad_list(value, target_label)

    return convert


def _explain_bad_list(value: object, target_label: str) -> str:
    if type(value) is not list:
        raise _wrong_type("编号列表", value)
    seen: set[str] = set()
    for position, item in enumerate(value, 1):
        if not _valid_id(item):
            raise _Bad(f"第{position}项“{shown(item)}”不是有效的编号")
        if item in seen:
            raise _Bad(f"{target_label} {item} 在列表中重复")
        seen.add(item)
    raise AssertionError("a valid list was taken for an invalid one")


def model_field(rt: RecordType, spec: FieldSpec) -> models.Field[Any, Any]:
    """The model field that stores ``spec``."""
    field = rt.model._meta.get_field(spec.column)
    assert isinstance(field, models.Field)
    return field


class TypeCodec:
    """Decoding of one record type, compiled once from its schema.

    ``decode`` runs for every record of a bundle, tens of millions of times, so it is generated
    as straight-line Python from the schema (as ``dataclasses`` generates ``__init__``): one
    block per field, with the common valid case checked inline and the converter called only
    when the value needs converting or is wrong. The generated source is kept in ``source``.
    """

    def __init__(self, rt: RecordType, adapter: DbAdapter) -> None:
        self.rt = rt
        self.scalars: list[FieldSpec] = [s for s in rt.fields if s.kind is not Kind.REFS]
        self.lists: list[FieldSpec] = [s for s in rt.fields if s.kind is Kind.REFS]
        self.columns: list[str] = [model_field(rt, s).column for s in self.scalars]
        self.known = RESERVED | rt.field_names
        namespace: dict[str, Any] = {
            "_Bad": _Bad,
            "Invalid": Invalid,
            "Upsert": Upsert,
            "Problem": Problem,
            "RT": rt,
            "KNOWN": self.known,
            "LABEL": rt.label,
            "extra_json": _extra_json,
        }
        lines = [
            "def decode(rid, obj):",
            "    get = obj.get",
            "    problems = []",
        ]
        names: list[str] = []
        for index, spec in enumerate(self.scalars):
            var = f"v{index}"
            names.append(var)
            field = model_field(rt, spec)
            namespace[f"c{index}"] = self._converter(spec, field, adapter)
            namespace[f"d{index}"] = spec.default
            fast = self._fast_check(spec, field, index, namespace)
            lines += [
                f"    {var} = get({spec.name!r})",
                f"    if {var} is None:",
                f"        problems.append(Problem({spec.name!r}, '缺少必填字段'))"
                if spec.required
                else f"        {var} = d{index}",
            ]
            if fast:
                lines.append(f"    elif {fast.format(v=var)}: pass")
            lines += [
                "    else:",
                f"        try: {var} = c{index}({var})",
                "        except _Bad as bad:",
                f"            problems.append(Problem({spec.name!r}, str(bad)))",
            ]
        for index, spec in enumerate(self.lists):
            var = f"l{index}"
            names.append(var)
            namespace[f"lc{index}"] = _refs_converter(BY_NAME[spec.target or ""].label)
            lines += [
                f"    {var} = get({spec.name!r})",
                f"    if {var} is None or {var} == []: {var} = '[]'",
                "    else:",
                f"        try: {var} = lc{index}({var})",
                "        except _Bad as bad:",
                f"            problems.append(Problem({spec.name!r}, str(bad)))",
            ]
        lines += [
            "    extra = '{}'",
            "    if obj.keys() - KNOWN:",
            "        extra = extra_json(obj, KNOWN, problems)",
            "    if problems:",
            "        return Invalid(RT.name, rid, LABEL + ' ' + rid, problems, True)",
            f"    return Upsert(RT, rid, ({', '.join(names)},), extra)",
        ]
        self.source = "\n".join(lines)
        exec(compile(self.source, f"<fzx decoder {rt.name}>", "exec"), namespace)
        self.decode: Callable[[str, dict[str, Any]], Upsert | Invalid] = namespace["decode"]

    @staticmethod
    def _fast_check(spec: FieldSpec, field: Any, index: int, namespace: dict[str, Any]) -> str:
        """An inline test that accepts the common valid value as it is (or "" for none)."""
        if spec.kind is Kind.ENUM:
            assert spec.choices is not None
            namespace[f"a{index}"] = frozenset(spec.choices.values)
            return f"type({{v}}) is str and {{v}} in a{index}"
        if spec.kind in (Kind.STR, Kind.TEXT, Kind.REF):
            limit = ID_LENGTH if spec.kind is Kind.REF else getattr(field, "max_length", None)
            length = f" and len({{v}}) <= {limit}" if limit else ""
            nonempty = " and {v}" if spec.kind is Kind.REF else ""
            return f"type({{v}}) is str{nonempty}{length} and '\\x00' not in {{v}}"
        if spec.kind is Kind.BOOL:
            return "{v} is True or {v} is False"
        return ""

    @staticmethod
    def _converter(spec: FieldSpec, field: Any, adapter: DbAdapter) -> Callable[[object], Any]:
        kind = spec.kind
        if kind in (Kind.STR, Kind.TEXT):
            return _str_converter(getattr(field, "max_length", None))
        if kind is Kind.ENUM:
            assert spec.choices is not None
            return _enum_converter(spec.choices)
        if kind is Kind.TIME:
            return _time_converter(adapter)
        if kind is Kind.DATE:
            return _date_converter(adapter)
        if kind is Kind.BOOL:
            return _bool_converter
        if kind is Kind.NUMBER:
            return _number_converter(field, adapter)
        return _ref_converter


def _extra_json(obj: dict[str, Any], known: frozenset[str], problems: list[Problem]) -> str:
    """The fields FZX does not define, as JSON text for the ``extra`` column."""
    extra = {key: value for key, value in obj.items() if key not in known}
    try:
        text = orjson.dumps(extra, default=_extra_default).decode()
    except orjson.JSONEncodeError:
        # Nested deeper than orjson writes: the exporter could not write the record back either.
        for key, value in extra.items():
            try:
                orjson.dumps(value, default=_extra_default)
            except orjson.JSONEncodeError:
                problems.append(Problem(key, f"嵌套层数过深（扩展字段最多嵌套 {EXTRA_DEPTH} 层）"))
        return "{}"
    if "\\u0000" in text:
        # PostgreSQL cannot store NUL in jsonb; refuse on SQLite too, for one behaviour.
        problems.append(Problem("", "扩展字段含有空字符（\\u0000）"))
    return text


def _extra_default(value: object) -> object:
    # Only tabular cells reach here (JSON input is plain already): keep them as text.
    return str(value)


class Decoder:
    """Checks decoded objects against the schema, one record at a time."""

    def __init__(self, adapter: DbAdapter) -> None:
        self.codecs: dict[str, TypeCodec] = {
            name: TypeCodec(rt, adapter) for name, rt in BY_NAME.items()
        }
        self._by_type = {name: codec.decode for name, codec in self.codecs.items()}

    def decode(self, obj: dict[str, Any] | Malformed | Flagged) -> Decoded:
        # The common case, a record of a known type with a plain id, in as few steps as can be.
        if type(obj) is dict:
            rtype = obj.get("type")
            decode = self._by_type.get(rtype) if type(rtype) is str else None
            rid = obj.get("id")
            if (
                decode is not None
                and type(rid) is str
                and 0 < len(rid) <= ID_LENGTH
                and "\x00" not in rid
                and "deleted" not in obj
            ):
                return decode(rid, obj)
        return self._decode_other(obj)

    def _decode_other(self, obj: dict[str, Any] | Malformed | Flagged) -> Decoded:
        if type(obj) is Malformed:
            return Invalid("", "", "记录", [Problem("", obj.message)], False)
        if type(obj) is Flagged:
            return self._decode_flagged(obj)
        assert isinstance(obj, dict)
        rtype = obj.get("type")
        rid = obj.get("id")
        codec = self.codecs.get(rtype) if type(rtype) is str else None
        if codec is None:
            rid_text = shown(rid) if rid not in (None, "") else ""
            label = f"记录 {rid_text}" if rid_text else "记录"
            if rtype is None:
                problem = Problem("type", "缺少记录类型 type")
            else:
                problem = Problem("type", f"未知的记录类型“{shown(rtype)}”")
            rtype_text = "" if rtype is None else shown(rtype)
            return Invalid(rtype_text, rid_text, label, [problem], False)
        label = codec.rt.label
        if not _valid_id(rid):
            if rid is None or rid == "":
                problem = Problem("id", "缺少编号 id")
            elif type(rid) is not str:
                problem = Problem("id", str(_wrong_type("字符串", rid)))
            elif len(rid) > ID_LENGTH:
                problem = Problem("id", f"编号长度 {len(rid)} 超过上限 {ID_LENGTH} 个字符")
            else:
                problem = Problem("id", "编号含有空字符（\\u0000）")
            shown_id = shown(rid) if rid not in (None, "") else ""
            return Invalid(codec.rt.name, shown_id, f"{label}记录", [problem], False)
        assert isinstance(rid, str)
        deleted = obj.get("deleted")
        if deleted is True:
            return Delete(codec.rt, rid)
        if deleted is not None and deleted is not False:
            problem = Problem("deleted", str(_wrong_type("布尔值 true/false", deleted)))
            return Invalid(codec.rt.name, rid, f"{label} {rid}", [problem], True)
        return codec.decode(rid, obj)

    def _decode_flagged(self, flagged: Flagged) -> Invalid:
        decoded = self.decode(flagged.obj)
        flagged_problems = [Problem(field, message) for field, message in flagged.problems]
        if type(decoded) is Invalid:
            # A formula in a required field also left the field empty: one problem is enough.
            fields = {field for field, _message in flagged.problems}
            kept = [p for p in decoded.problems if p.field not in fields]
            return decoded._replace(problems=[*kept, *flagged_problems])
        assert type(decoded) is Upsert or type(decoded) is Delete
        rt, rid = decoded.rt, decoded.id
        return Invalid(rt.name, rid, f"{rt.label} {rid}", flagged_problems, True)


# ---------------------------------------------------------------------------------------------
# Encoding


def encode_number(value: Decimal) -> int | float:
    """A stored decimal as a JSON number: integral values as integers (1, not 1.000)."""
    integral = value.to_integral_value()
    return int(integral) if integral == value else float(value)


class TypeEncoder:
    """Writes stored records of one type back as FZX objects (spec fields, then extra)."""

    def __init__(self, rt: RecordType) -> None:
        self.rt = rt
        self.scalars = [s for s in rt.fields if s.kind is not Kind.REFS]
        self.lists = [s for s in rt.fields if s.kind is Kind.REFS]
        self._encoders: list[tuple[str, Callable[[Any], Any] | None]] = []
        for spec in self.scalars:
            encode: Callable[[Any], Any] | None = None
            if spec.kind is Kind.TIME:
                encode = _encode_time
            elif spec.kind is Kind.DATE:
                encode = date.isoformat
            elif spec.kind is Kind.NUMBER:
                encode = encode_number
            self._encoders.append((spec.name, encode))
        self._order = [s.name for s in rt.fields]
        self.reserved = RESERVED | rt.field_names

    def encode(
        self, rid: str, values: Sequence[Any], lists: Mapping[str, list[str]], extra: Any
    ) -> bytes:
        fields: dict[str, Any] = {}
        for (name, encode), value in zip(self._encoders, values, strict=True):
            fields[name] = value if value is None or encode is None else encode(value)
        obj: dict[str, Any] = {"type": self.rt.name, "id": rid}
        for name in self._order:
            obj[name] = fields[name] if name in fields else lists.get(name, [])
        if extra:
            for key, value in extra.items():
                if key not in self.reserved:
                    obj[key] = value
        return orjson.dumps(obj, option=orjson.OPT_APPEND_NEWLINE)


def _encode_time(value: datetime) -> str:
    if value.tzinfo is None:  # only if USE_TZ were off; stored times are UTC then
        value = value.replace(tzinfo=UTC)
    return value.astimezone(BEIJING).isoformat()
