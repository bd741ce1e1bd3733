"""The input forms of a bundle: JSON Lines, gzip, a folder of CSV files, an XLSX workbook, and
several files at once. Each must give the same store as the JSON Lines it stands for."""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook

from fazhi.core.errors import DomainError
from fazhi.exchange.error_codes import ErrorCode
from fazhi.exchange.services import SourceError, import_bundle
from fazhi.exchange.tests.conftest import (
    CLEAN_FILE,
    SPEC_CLEAN_FILE,
    columns_of,
    store_snapshot,
    tabular_cell,
    write_csv_folder,
    write_jsonl,
)
from fazhi.records import models as m

SHANGHAI = ZoneInfo("Asia/Shanghai")


def write_xlsx(path: Path, records: list[dict]) -> Path:
    book = Workbook()
    for sheet in book.worksheets:  # the default empty sheet
        book.remove(sheet)
    grouped: dict[str, list[dict]] = {}
    for record in records:
        grouped.setdefault(record["type"], []).append(record)
    for rtype, rows in grouped.items():
        sheet = book.create_sheet(rtype)
        names = columns_of(rtype, rows)
        sheet.append(names)
        for row in rows:
            sheet.append([tabular_cell(row.get(name)) for name in names])
    book.save(path)
    return path


def test_the_test_copy_of_the_example_is_the_spec_s(clean) -> None:
    # given the spec folder, then the fixture is byte for byte its example
    if not SPEC_CLEAN_FILE.exists():
        pytest.skip("spec folder not present")
    assert CLEAN_FILE.read_bytes() == SPEC_CLEAN_FILE.read_bytes()


@pytest.mark.django_db
def test_a_gzipped_bundle_imports_like_the_plain_one(clean, tmp_path) -> None:
    # given the example gzip-compressed
    path = write_jsonl(tmp_path / "clean.jsonl.gz", clean)
    assert path.read_bytes()[:2] == b"\x1f\x8b"
    # when imported
    report = import_bundle([path])
    # then it is read in full
    assert report.ok
    assert sum(report.created.values()) == 48


@pytest.mark.django_db
def test_a_bundle_streamed_through_a_named_pipe_imports_like_the_file(clean, tmp_path) -> None:
    import os
    import threading

    # given the example gzip-compressed, and a named pipe that a writer (zcat, ssh, the
    # generator) fills only once the import opens it
    data = write_jsonl(tmp_path / "clean.jsonl.gz", clean).read_bytes()
    pipe = tmp_path / "stream.jsonl.gz"
    os.mkfifo(pipe)
    writer = threading.Thread(target=pipe.write_bytes, args=(data,), daemon=True)
    writer.start()
    # when the pipe is imported
    try:
        report = import_bundle([pipe])
    finally:
        writer.join(timeout=30)
    # then it is read in full, front to back, as the file is
    assert report.ok
    assert sum(report.created.values()) == 48


@pytest.mark.django_db
def test_a_csv_folder_gives_the_same_store_as_json_lines(clean, tmp_path) -> None:
    # given the example as one CSV file per type (lists ;-separated, null as empty cell)
    folder = write_csv_folder(tmp_path / "csv", clean)
    assert (folder / "venue_visit.csv").exists()
    # when imported
    report = import_bundle([folder])
    # then the store is the one the JSON Lines give
    assert report.ok, [str(e) for e in report.errors]
    via_csv = store_snapshot()
    again = import_bundle([write_jsonl(tmp_path / "clean.jsonl", clean)])
    assert sum(again.updated.values()) == sum(again.created.values()) == 0
    assert store_snapshot() == via_csv


@pytest.mark.django_db
def test_csv_conventions_booleans_numbers_lists_and_empty_cells(tmp_path) -> None:
    # given CSV files written by hand, as a police system might
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "unit.csv").write_text(
        "\ufeffid,name,kind,parent_id\nU0,示范县公安局,县局,\nU1,城南派出所,派出所,U0\n",
        encoding="utf-8",
    )
    (folder / "officer.csv").write_text(
        "id,name,unit_id,role,qualification,qualified_at,active,警衔\n"
        "P1,张建国,U1,民警,中级,2020-06-01,是,二级警司\n"
        "P2,李明,U1,民警,基本级,,0,\n"
        "P3,王强,U1,辅警,无,,TRUE,\n",
        encoding="utf-8",
    )
    (folder / "incident.csv").write_text(
        "id,received_at,source,category,unit_id,officer_ids,address,description\n"
        'I1,2026-09-01 08:00:00,110,刑事,U1,P1; P2,人民路12号,"报警人称：\n电动车被盗"\n',
        encoding="utf-8",
    )
    # when the folder is imported
    report = import_bundle([folder])
    # then each cell is read by its field's kind
    assert report.ok, [str(e) for e in report.errors]
    assert m.Unit.objects.get(pk="U0").parent_id is None
    p1, p2, p3 = m.Officer.objects.order_by("id")
    assert (p1.active, p2.active, p3.active) == (True, False, True)
    assert p1.qualified_at == date(2020, 6, 1)
    assert p2.qualified_at is None
    assert p1.extra == {"警衔": "二级警司"}
    assert p2.extra == {}
    incident = m.Incident.objects.get(pk="I1")
    assert incident.received_at == datetime(2026, 9, 1, 8, tzinfo=SHANGHAI)
    assert incident.source == "110"
    assert incident.description == "报警人称：\n电动车被盗"
    assert list(
        incident.officer_links.order_by("position").values_list("officer_id", flat=True)
    ) == [
        "P1",
        "P2",
    ]


@pytest.mark.django_db
def test_csv_errors_name_the_file_and_row(tmp_path) -> None:
    # given a unit file whose third row has an unknown kind and a property with a bad number
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "unit.csv").write_text(
        "id,name,kind\nU0,示范县公安局,县局\nU1,城南派出所,所\n", encoding="utf-8"
    )
    (folder / "officer.csv").write_text(
        "id,name,unit_id,role,qualification,active\nP1,张建国,U0,民警,中级,也许\n",
        encoding="utf-8",
    )
    # when imported
    report = import_bundle([folder])
    # then the errors are located by file and spreadsheet row (the header is row 1)
    assert not report.ok
    assert [str(e) for e in report.errors] == [
        "officer.csv 第2行：民警 P1 字段 active：应为布尔值 true/false，实际为字符串 也许",
        "unit.csv 第3行：单位 U1 字段 kind：取值“所”不在允许范围内"
        "（市局、县局、分局、派出所、刑侦大队、治安大队、交警大队、经侦大队 等 13 项）",
    ]


@pytest.mark.django_db
def test_a_csv_number_that_is_not_one_is_an_error(clean, tmp_path) -> None:
    # given a property whose value cell says "两千"
    records = [dict(r) for r in clean]
    next(r for r in records if r["id"] == "PR-OK")["value"] = "两千"
    folder = write_csv_folder(tmp_path / "csv", records)
    report = import_bundle([folder])
    assert [(e.location, e.field) for e in report.errors] == [("property.csv 第2行", "value")]


@pytest.mark.django_db
def test_an_xlsx_workbook_gives_the_same_store_as_json_lines(clean, tmp_path) -> None:
    # given the example as a workbook with one sheet per type
    path = write_xlsx(tmp_path / "clean.xlsx", clean)
    # when imported
    report = import_bundle([path])
    # then the store is the one the JSON Lines give
    assert report.ok, [str(e) for e in report.errors]
    via_xlsx = store_snapshot()
    again = import_bundle([write_jsonl(tmp_path / "clean.jsonl", clean)])
    assert sum(again.updated.values()) == sum(again.created.values()) == 0
    assert store_snapshot() == via_xlsx


@pytest.mark.django_db
def test_xlsx_typed_cells_dates_times_numbers(tmp_path) -> None:
    # given a workbook typed as Excel users type: real dates and times, numbers for codes
    book = Workbook()
    units = book.worksheets[0]
    units.title = "unit"
    units.append(["id", "name", "kind", "parent_id"])
    units.append(["U0", "示范县公安局", "县局"])
    units.append(["U1", "城南派出所", "派出所", "U0"])
    officers = book.create_sheet("officer")
    officers.append(["id", "name", "unit_id", "role", "qualification", "qualified_at", "active"])
    officers.append([1001, "张建国", "U1", "民警", "中级", date(2020, 6, 1), 1])
    incidents = book.create_sheet("incident")
    incidents.append(["id", "received_at", "source", "category", "unit_id", "officer_ids",
                      "address", "description"])  # fmt: skip
    incidents.append(["I1", datetime(2026, 9, 1, 8, 30), 110, "刑事", "U1", 1001, "人民路", "被盗"])
    incidents.append(["I2", date(2026, 9, 1), 110, "刑事", "U1", None, "人民路", "被盗"])
    path = tmp_path / "typed.xlsx"
    book.save(path)
    # when imported
    report = import_bundle([path])
    # then the date-only cell in a time field is the one error, located by sheet and row
    assert [str(e) for e in report.errors] == [
        "typed.xlsx 工作表 incident 第3行：警情 I2 字段 received_at："
        "只有日期“2026-09-01”，缺少时刻（应为如 2026-03-05T14:20:00+08:00）"
    ]
    # and with it skipped, the typed cells are read as their fields mean them
    report = import_bundle([path], skip_invalid=True)
    assert report.ok
    incident = m.Incident.objects.get(pk="I1")
    assert incident.received_at == datetime(2026, 9, 1, 8, 30, tzinfo=SHANGHAI)
    assert incident.source == "110"
    assert m.Officer.objects.get(pk="1001").qualified_at == date(2020, 6, 1)
    assert m.Officer.objects.get(pk="1001").active is True


@pytest.mark.django_db
def test_several_paths_form_one_bundle(clean, tmp_path) -> None:
    # given the organisation as CSV and the cases as JSON Lines that reference it
    organisation = [r for r in clean if r["type"] in ("unit", "officer", "venue")]
    cases = [r for r in clean if r not in organisation]
    jsonl = write_jsonl(tmp_path / "cases.jsonl", cases)
    folder = write_csv_folder(tmp_path / "org", organisation)
    # when both are imported together, the cases first
    report = import_bundle([jsonl, folder])
    # then references resolve across the files
    assert report.ok, [str(e) for e in report.errors]
    assert sum(report.created.values()) == 48
    assert report.files == [str(jsonl), str(folder)]


@pytest.mark.django_db
def test_an_error_in_the_second_file_names_that_file(clean, tmp_path) -> None:
    # given two files, the second with a unit without a name
    first = write_jsonl(tmp_path / "a.jsonl", clean[:3])
    second = write_jsonl(tmp_path / "b.jsonl", [{"type": "unit", "id": "U9", "kind": "县局"}])
    # when imported together, then the error is located in the second file
    report = import_bundle([first, second])
    assert [e.location for e in report.errors] == ["b.jsonl 第1行"]


@pytest.mark.parametrize("name", ["missing.jsonl", "notes.txt"])
def test_a_path_that_is_not_a_bundle_is_a_source_error(tmp_path, name) -> None:
    # given a missing file or a file of another kind, when imported, then nothing is read
    path = tmp_path / name
    if name.endswith(".txt"):
        path.write_text("x")
    with pytest.raises(SourceError):
        import_bundle([path])


@pytest.mark.django_db
def test_a_corrupt_gzip_is_a_source_error_and_stores_nothing(clean, tmp_path) -> None:
    # given a gzip file cut in the middle
    path = write_jsonl(tmp_path / "clean.jsonl.gz", clean)
    path.write_bytes(path.read_bytes()[:400])
    # when imported, the file cannot be read and nothing is stored
    with pytest.raises(SourceError, match=r"clean\.jsonl\.gz"):
        import_bundle([path])
    assert not m.Unit.objects.exists()


def test_the_csv_writer_helper_writes_what_the_reader_expects(clean, tmp_path) -> None:
    # given the fixture's CSV writer (a guard on the fixture itself)
    # then the officer list of an event is ;-joined
    folder = write_csv_folder(tmp_path / "csv", clean)
    with (folder / "event.csv").open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert rows[1]["officer_ids"] == "P1;P2"


def test_decimal_cells_keep_their_text(tmp_path) -> None:
    # given decimal text from a CSV cell, then it is read exactly (no float on the way), and
    # what is not a finite number is left as text for the decoder to report
    from fazhi.exchange.fzx import _read_number_text

    assert _read_number_text("2300.50") == Decimal("2300.50")
    assert _read_number_text("nan") == "nan"


@pytest.mark.django_db
def test_a_csv_cell_longer_than_the_csv_module_default_is_read(clean, tmp_path) -> None:
    # given an incident whose description is 200 000 characters long (the default limit is
    # 131 072)
    records = [r for r in clean if r["type"] in ("unit", "officer")]
    incident = dict(next(r for r in clean if r["id"] == "I-OK"))
    incident["description"] = "报" * 200_000
    folder = write_csv_folder(tmp_path / "csv", [*records, incident])
    # when imported, it is read whole
    report = import_bundle([folder])
    assert report.ok, [str(e) for e in report.errors]
    assert len(m.Incident.objects.get(pk="I-OK").description) == 200_000


@pytest.mark.django_db
def test_a_missing_file_is_a_domain_error_not_found(tmp_path) -> None:
    # when a bundle names a file that is not there
    with pytest.raises(SourceError) as refused:
        import_bundle([tmp_path / "missing.jsonl"])
    # then it is a domain error: not found (404), naming the file
    error = refused.value
    assert isinstance(error, DomainError)
    assert (error.code, error.status) == (ErrorCode.FILE_NOT_FOUND, 404)
    assert error.message == f"找不到文件或目录：{tmp_path / 'missing.jsonl'}"
    assert not m.Unit.objects.exists()
