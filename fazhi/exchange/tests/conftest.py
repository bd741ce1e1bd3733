"""Fixtures for the importer and exporter tests: the spec's clean example and bundle writers."""

from __future__ import annotations

import copy
import csv
import gzip
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import orjson
import pytest

from fazhi.records.schema import BY_NAME, Kind

# A copy of the spec's example (spec/examples/clean-cases.jsonl), kept with the tests so that
# they run where the spec folder is absent; test_formats checks the two agree.
CLEAN_FILE = Path(__file__).parent / "data" / "clean-cases.jsonl"
# the shared/ folder stands beside the repository (as in CI)
SPEC_CLEAN_FILE = (
    Path(__file__).resolve().parents[3].parent / "shared/spec/examples/clean-cases.jsonl"
)

Record = dict[str, Any]


def clean_records() -> list[Record]:
    return [orjson.loads(line) for line in CLEAN_FILE.read_bytes().splitlines() if line.strip()]


def by_id(records: Iterable[Record], rid: str) -> Record:
    return next(r for r in records if r["id"] == rid)


def write_jsonl(path: Path, records: Iterable[Record | str]) -> Path:
    """One line per record; a str is written as it is (for malformed lines)."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wb") as stream:
        for record in records:
            text = record if isinstance(record, str) else orjson.dumps(record).decode()
            stream.write(text.encode() + b"\n")
    return path


def tabular_cell(value: Any) -> Any:
    """A value as a CSV/XLSX cell following FZX's tabular conventions."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def columns_of(rtype: str, records: list[Record]) -> list[str]:
    names = ["id", *(spec.name for spec in BY_NAME[rtype].fields)]
    for record in records:
        names += [k for k in record if k not in names and k != "type"]
    return names


def write_csv_folder(folder: Path, records: Iterable[Record]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    grouped: dict[str, list[Record]] = {}
    for record in records:
        grouped.setdefault(record["type"], []).append(record)
    for rtype, rows in grouped.items():
        names = columns_of(rtype, rows)
        with (folder / f"{rtype}.csv").open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(names)
            for row in rows:
                writer.writerow([tabular_cell(row.get(name)) for name in names])
    return folder


@pytest.fixture
def clean() -> list[Record]:
    return clean_records()


@pytest.fixture
def bundle(tmp_path: Path) -> Callable[..., Path]:
    """Write records to a fresh .jsonl file (name it with ``name=``) and return its path."""
    counter = iter(range(1, 1000))

    def write(records: Iterable[Record | str], name: str = "") -> Path:
        return write_jsonl(tmp_path / (name or f"bundle{next(counter)}.jsonl"), records)

    return write


@pytest.fixture
def changed() -> Callable[..., list[Record]]:
    """A deep copy of ``records`` with the record ``rid`` updated (None deletes a field)."""

    def change(records: list[Record], rid: str, **fields: Any) -> list[Record]:
        result = copy.deepcopy(records)
        target = by_id(result, rid)
        for name, value in fields.items():
            if value is None:
                target.pop(name, None)
            else:
                target[name] = value
        return result

    return change


def store_snapshot(*, stamps: bool = False) -> dict[str, list[tuple[Any, ...]]]:
    """Every stored record (and officer list) as plain tuples, to compare whole stores."""
    snapshot: dict[str, list[tuple[Any, ...]]] = {}
    for name, rt in BY_NAME.items():
        columns = ["id", *(s.column for s in rt.fields if s.kind is not Kind.REFS), "extra"]
        if stamps:
            columns.append("changed_at")
        snapshot[name] = list(rt.model.objects.order_by("id").values_list(*columns))
        for field, (link_model, owner) in rt.links.items():
            snapshot[f"{name}.{field}"] = list(
                link_model._default_manager.order_by(owner, "position").values_list(
                    owner, "officer_id", "position"
                )
            )
    return snapshot


def deletions_of(records: Iterable[Record]) -> list[Record]:
    return [{"type": r["type"], "id": r["id"], "deleted": True} for r in records]
