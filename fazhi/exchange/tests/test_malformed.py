"""A corpus of malformed bundles (issue 10): each is refused as a whole, with a Chinese message that
names the record and the field (or the line where no record can be told), nothing English and no
traceback in it, and the store left exactly as it was.

Every case runs against a store that already holds the spec's example, so that "unchanged" means
something and loops can close through stored units. The bundles are built here, small.
"""

from __future__ import annotations

import gzip
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from openpyxl import Workbook

from fazhi.cli import main
from fazhi.exchange.services import SourceError, import_bundle
from fazhi.exchange.tests.conftest import CLEAN_FILE, clean_records, store_snapshot, write_jsonl
from fazhi.records.schema import BY_NAME

pytestmark = pytest.mark.django_db

Build = Callable[[Path], list[Path]]


@dataclass(frozen=True)
class Case:
    name: str
    build: Build  # writes the bundle's files into a folder, returns their paths
    where: str  # the error's location (or, for an unreadable file, a part of the message)
    record: tuple[str, str] | None  # (type, id) named, None where no record can be told
    field: str  # "" where no field can be told
    says: str  # a part of the message
    words: frozenset[str] = frozenset()  # latin words the message may quote (ids, formulas)
    unreadable: bool = False  # the file cannot be read at all: SourceError
    errors: int | None = None  # how many errors, where that is part of the point


# Latin words a Chinese message may contain: FZX names, format names, units.
FZX_WORDS = set(BY_NAME) | {spec.name for rt in BY_NAME.values() for spec in rt.fields}
FORMAT_WORDS = {"id", "type", "deleted", "JSON", "Lines", "UTF-8", "GBK", "CSV", "XLSX", "Excel"}
FORMAT_WORDS |= {"xlsx", "jsonl", "gz", "gzip", "MiB"}


def assert_chinese(message: str, allowed: set[str]) -> None:
    assert re.search(r"[\u4e00-\u9fff]", message), message
    assert "Traceback" not in message, message
    assert "Error" not in message, message
    words = re.findall(r"[A-Za-z][A-Za-z0-9_.\-]*", message)
    english = [w for w in words if w not in allowed]
    assert not english, f"{english} in {message}"


# --- builders ------------------------------------------------------------------------------------


def unit(rid: str, kind: str, parent: str | None = None, **more: Any) -> dict[str, Any]:
    return {"type": "unit", "id": rid, "name": f"单位{rid}", "kind": kind, "parent_id": parent,
            **more}  # fmt: skip


def incident(received_at: str) -> dict[str, Any]:
    return {"type": "incident", "id": "I9", "received_at": received_at, "source": "110",
            "category": "刑事", "unit_id": "U1", "address": "人民路",
            "description": "被盗"}  # fmt: skip


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def lines(*records: dict[str, Any] | str, name: str = "b.jsonl") -> Build:
    return lambda folder: [write_jsonl(folder / name, records)]


def raw(content: bytes, name: str) -> Build:
    def build(folder: Path) -> list[Path]:
        path = folder / name
        path.write_bytes(content)
        return [path]

    return build


def csv_file(name: str, text: str, encoding: str = "utf-8") -> Build:
    def build(folder: Path) -> list[Path]:
        path = folder / name
        path.write_bytes(text.encode(encoding))
        return [path]

    return build


def workbook(sheet: str, *rows: list[Any], name: str = "f.xlsx") -> Build:
    def build(folder: Path) -> list[Path]:
        book = Workbook()
        book.worksheets[0].title = sheet
        for row in rows:
            book.worksheets[0].append(row)
        path = folder / name
        book.save(path)
        return [path]

    return build


def truncated_gzip(folder: Path) -> list[Path]:
    whole = gzip.compress(CLEAN_FILE.read_bytes())
    path = folder / "b.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    return [path]


def truncated_xlsx(folder: Path) -> list[Path]:
    [path] = workbook("unit", ["id", "name", "kind"], ["U9", "城东派出所", "派出所"])(folder)
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    return [path]


def damaged_sheet_xlsx(folder: Path) -> list[Path]:
    """A workbook whose zip is sound but whose sheet's XML breaks off in the middle."""
    [good] = workbook("unit", ["id", "name", "kind"], ["U9", "城东派出所", "派出所"],
                      name="good.xlsx")(folder)  # fmt: skip
    path = folder / "f.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: data.index(b"<sheetData>") + 40]
            target.writestr(item, data)
    return [path]


GOOD_UNIT = (
    '{"type": "unit", "id": "U9", "name": "城东派出所", "kind": "派出所", "parent_id": "U0"}'
)

CASES = [
    # -- the unit tree: loops, a 局 below a 所队 unit, a second root -------------------------
    Case(
        "loop-closing-through-the-store",
        lines(unit("X1", "派出所", "U1"), unit("U0", "县局", "X1")),
        "b.jsonl 第2行",
        ("unit", "U0"),
        "parent_id",
        "上级单位形成循环：U0 → X1 → U1 → U0",
        frozenset({"U0", "X1", "U1"}),
        errors=1,
    ),
    Case(
        "loop-entirely-inside-the-bundle",
        lines(unit("A1", "其他", "A2"), unit("A2", "其他", "A1")),
        "b.jsonl 第1行",
        ("unit", "A1"),
        "parent_id",
        "上级单位形成循环：A1 → A2 → A1",
        frozenset({"A1", "A2"}),
        errors=2,
    ),
    Case(
        "unit-its-own-parent",
        lines(unit("U1", "派出所", "U1")),
        "b.jsonl 第1行",
        ("unit", "U1"),
        "parent_id",
        "上级单位形成循环：U1 → U1",
        frozenset({"U1"}),
        errors=1,
    ),
    Case(
        "bureau-below-a-station",
        lines(unit("X2", "县局", "U1")),
        "b.jsonl 第1行",
        ("unit", "X2"),
        "parent_id",
        "县局 X2 将位于派出所 U1 之下",
        frozenset({"X2", "U1"}),
        errors=1,
    ),
    Case(
        "station-without-a-parent",
        lines(unit("X3", "派出所")),
        "b.jsonl 第1行",
        ("unit", "X3"),
        "parent_id",
        "派出所 X3 没有上级单位",
        frozenset({"X3"}),
        errors=1,
    ),
    # -- a record named twice ----------------------------------------------------------------
    Case(
        "same-type-and-id-twice",
        lines(unit("U3", "法制大队", "U0"), unit("U3", "法制大队", "U0", name="法制大队（新）")),
        "b.jsonl 第2行",
        ("unit", "U3"),
        "id",
        "编号重复，与 b.jsonl 第1行 是同一记录",
        frozenset({"U3"}),
        errors=1,
    ),
    # -- nesting -----------------------------------------------------------------------------
    Case(
        "500-deep-unknown-field",
        lines(GOOD_UNIT[:-1] + f', "x": {nested(500)}}}'),
        "b.jsonl 第1行",
        ("unit", "U9"),
        "x",
        "嵌套层数过深",
        frozenset({"U9", "x"}),
    ),
    Case(
        "500-deep-known-field",
        lines(GOOD_UNIT.replace('"城东派出所"', nested(500))),
        "b.jsonl 第1行",
        ("unit", "U9"),
        "name",
        "应为字符串，实际为列表",
        frozenset({"U9"}),
    ),
    Case(
        "deeper-than-the-json-reader",
        lines(GOOD_UNIT[:-1] + f', "x": {nested(5000)}}}'),
        "b.jsonl 第1行",
        None,
        "",
        "JSON 嵌套层数过深",
    ),
    # -- spreadsheets ------------------------------------------------------------------------
    Case(
        "formula-in-a-date-column",
        workbook(
            "officer",
            ["id", "name", "unit_id", "role", "qualification", "qualified_at"],
            ["P9", "张三", "U1", "民警", "中级", "=TODAY()"],
        ),
        "f.xlsx 工作表 officer 第2行",
        ("officer", "P9"),
        "qualified_at",
        "单元格是公式“=TODAY()”",
        frozenset({"P9", "TODAY"}),
        errors=1,
    ),
    Case(
        "formula-in-a-required-text-column",
        workbook("unit", ["id", "name", "kind", "parent_id"], ["U9", '=A2&"所"', "派出所", "U0"]),
        "f.xlsx 工作表 unit 第2行",
        ("unit", "U9"),
        "name",
        "单元格是公式",
        frozenset({"U9", "A2"}),
        errors=1,
    ),
    Case(
        "broken-xlsx",
        raw(b"PK\x03\x04 not really a workbook", "f.xlsx"),
        "f.xlsx",
        None,
        "",
        "不是可读取的 XLSX 工作簿",
        unreadable=True,
    ),
    Case(
        "truncated-xlsx",
        truncated_xlsx,
        "f.xlsx",
        None,
        "",
        "不是可读取的 XLSX 工作簿",
        unreadable=True,
    ),
    Case(
        "xlsx-with-a-damaged-sheet",
        damaged_sheet_xlsx,
        "f.xlsx 工作表 unit",
        None,
        "",
        "工作簿已损坏或被截断",
        unreadable=True,
    ),
    # -- compression and encodings -----------------------------------------------------------
    Case(
        "truncated-gzip",
        truncated_gzip,
        "b.jsonl.gz",
        None,
        "",
        "文件可能被截断",
        unreadable=True,
    ),
    Case(
        "not-gzip-at-all",
        raw(GOOD_UNIT.encode() + b"\n", "b.jsonl.gz"),
        "b.jsonl.gz",
        None,
        "",
        "不是 gzip 压缩文件",
        unreadable=True,
    ),
    Case(
        "gbk-json-lines-given-as-utf8",
        raw(GOOD_UNIT.encode("gbk") + b"\n", "b.jsonl"),
        "b.jsonl 第1行",
        None,
        "",
        "不是有效的 UTF-8 文本",
    ),
    Case(
        "gbk-csv-given-as-utf8",
        csv_file("unit.csv", "id,name,kind,parent_id\nU9,城东派出所,派出所,U0\n", "gbk"),
        "unit.csv 第2行附近",
        None,
        "",
        "不是有效的 UTF-8 文本",
        unreadable=True,
    ),
    Case(
        "invalid-utf8-byte",
        raw(
            GOOD_UNIT.replace("城东", "城\udcff东").encode("utf-8", "surrogateescape") + b"\n",
            "b.jsonl",
        ),
        "b.jsonl 第1行",
        None,
        "",
        "不是有效的 UTF-8 文本",
    ),
    # -- headers -----------------------------------------------------------------------------
    Case(
        "csv-header-naming-a-column-twice",
        csv_file("unit.csv", "id,name,name,kind\nU9,城东派出所,城西派出所,派出所\n"),
        "unit.csv 第1行",
        None,
        "",
        "表头第2列和第3列都是“name”",
    ),
    Case(
        "csv-header-without-id",
        csv_file("unit.csv", "编号,name,kind\nU9,城东派出所,派出所\n"),
        "unit.csv 第1行",
        None,
        "",
        "表头缺少 id 列",
    ),
    Case(
        "sheet-named-after-no-record-type",
        workbook("units", ["id", "name", "kind"], ["U9", "城东派出所", "派出所"]),
        "f.xlsx 工作表 units 第2行",
        ("units", "U9"),
        "type",
        "未知的记录类型“units”",
        frozenset({"units", "U9"}),
    ),
    # -- lines that are not records ------------------------------------------------------------
    Case(
        "a-json-array-on-one-line",
        lines(f"[{GOOD_UNIT}, {GOOD_UNIT}]"),
        "b.jsonl 第1行",
        None,
        "",
        "不是一个 JSON 数组",
    ),
    Case(
        "a-pretty-printed-json-array",
        lines("[", f"  {GOOD_UNIT},", f"  {GOOD_UNIT.replace('U9', 'U8')}", "]"),
        "b.jsonl 第1行",
        None,
        "",
        "不是一个 JSON 数组",
    ),
    Case(
        "a-number-instead-of-an-object",
        lines(GOOD_UNIT, "42"),
        "b.jsonl 第2行",
        None,
        "",
        "应为 JSON 对象（{…}），实际为数字 42",
    ),
    Case(
        "a-string-instead-of-an-object",
        lines('"unit U9"'),
        "b.jsonl 第1行",
        None,
        "",
        "实际为字符串",
        frozenset({"unit", "U9"}),
    ),
    Case(
        "missing-type",
        lines(GOOD_UNIT.replace('"type": "unit", ', "")),
        "b.jsonl 第1行",
        ("", "U9"),
        "type",
        "缺少记录类型",
        frozenset({"U9"}),
    ),
    Case(
        "missing-id",
        lines(GOOD_UNIT.replace('"id": "U9", ', "")),
        "b.jsonl 第1行",
        ("unit", ""),
        "id",
        "缺少编号",
        frozenset({"U9"}),
    ),
    # -- time offsets PostgreSQL cannot store ------------------------------------------------
    Case(
        "offset-of-plus-20-hours",
        lines(incident("2026-03-05T14:20:00+20:00")),
        "b.jsonl 第1行",
        ("incident", "I9"),
        "received_at",
        "时区偏移“+20:00”超出范围",
        frozenset({"I9"}),
    ),
    Case(
        "offset-of-24-hours",
        lines(incident("2026-03-05T14:20:00+24:00")),
        "b.jsonl 第1行",
        ("incident", "I9"),
        "received_at",
        "时区偏移“+24:00”超出范围",
        frozenset({"I9"}),
    ),
    Case(
        "offset-of-minus-16-hours",
        lines(incident("2026-03-05T14:20:00-16:00")),
        "b.jsonl 第1行",
        ("incident", "I9"),
        "received_at",
        "时区偏移“-16:00”超出范围",
        frozenset({"I9"}),
    ),
]


@pytest.fixture
def stored(tmp_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The spec's example in the store; returns its snapshot."""
    assert import_bundle([write_jsonl(tmp_path / "clean.jsonl", clean_records())]).ok
    return store_snapshot(stamps=True)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_malformed_bundle_is_refused_in_chinese_and_changes_nothing(
    case: Case, stored: dict[str, list[tuple[Any, ...]]], tmp_path: Path
) -> None:
    # given the example stored and a malformed bundle
    folder = tmp_path / "bundle"
    folder.mkdir()
    paths = case.build(folder)
    allowed = FZX_WORDS | FORMAT_WORDS | case.words | {p.name for p in folder.iterdir()}
    # when it is imported
    if case.unreadable:
        # then the file is refused as unreadable, where and why said in Chinese
        with pytest.raises(SourceError) as refused:
            import_bundle(paths)
        message = str(refused.value)
        assert case.where in message, message
        assert case.says in message, message
        assert_chinese(message, allowed)
    else:
        report = import_bundle(paths)
        # then the whole bundle is refused
        assert not report.ok
        assert report.created == report.updated == report.deleted == {}
        # with an error naming the record and field, or the line where no record can be told
        named = [
            e
            for e in report.errors
            if e.location == case.where
            and (case.record is None or (e.record_type, e.record_id) == case.record)
            and e.field == case.field
            and case.says in e.message
        ]
        assert named, [str(e) for e in report.errors]
        if case.errors is not None:
            assert len(report.errors) == case.errors, [str(e) for e in report.errors]
        # and every message is Chinese
        for error in report.errors:
            assert_chinese(str(error), allowed)
    # and the store is exactly as it was
    assert store_snapshot(stamps=True) == stored


# Django closes the database connection after a command run from the command line, which would
# end the test's own transaction: these tests commit for real (and are cleaned up).
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "name", ["truncated-gzip", "gbk-csv-given-as-utf8", "broken-xlsx", "formula-in-a-date-column"]
)
def test_fazhi_import_reports_an_unreadable_file_in_chinese_without_a_traceback(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a malformed bundle
    case = next(c for c in CASES if c.name == name)
    paths = case.build(tmp_path)
    allowed = FZX_WORDS | FORMAT_WORDS | case.words | {p.name for p in tmp_path.iterdir()}
    # when it is imported with `fazhi import`
    with pytest.raises(SystemExit) as exit_info:
        main(["fazhi", "import", *map(str, paths)])
    # then the command fails, saying why in Chinese, with no traceback nor exception name
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert case.says in captured.out + captured.err
    for text in (captured.out, captured.err):
        for line in text.splitlines():
            if line.strip() and not set(line) <= set("—- "):
                assert_chinese(line, allowed | {"unit", "officer"})


def test_the_corpus_is_what_the_importer_sees(tmp_path: Path) -> None:
    # given the builders of two cases, then they write what they claim (guards the corpus)
    [gzipped] = truncated_gzip(tmp_path)
    with pytest.raises(EOFError), gzip.open(gzipped) as stream:
        stream.read()
    deep = orjson.loads(lines(GOOD_UNIT[:-1] + f', "x": {nested(500)}}}')(tmp_path)[0].read_bytes())
    assert deep["id"] == "U9"
    assert io.BytesIO(GOOD_UNIT.encode("gbk")).read().decode("utf-8", "replace") != GOOD_UNIT
