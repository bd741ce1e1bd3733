"""Spreadsheet exports (.xlsx): a write-only workbook filled row by row from a server-side
cursor, so memory stays flat however many rows are exported, with an auto-filter on the header.
Used by every list that a legal officer takes into a spreadsheet (the findings list, the problem
ledger); cells hold the values the pages show (``fazhi.core.templatetags.display``)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import IO, Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def beijing(value: datetime | None) -> datetime | None:
    """Excel has no time zones: write Beijing time, as every page shows it."""
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def text(ws: WriteOnlyWorksheet, value: Any) -> Any:
    """A string cell whatever the text starts with: a person's name such as "=HYPERLINK(…)"
    must never become a formula in the legal officer's spreadsheet."""
    cell = WriteOnlyCell(ws, value="" if value is None else str(value))
    cell.data_type = "s"
    return cell


def write_xlsx(
    title: str,
    header: Sequence[str],
    widths: Sequence[int],
    rows: Iterable[Any],
    row_cells: Any,
) -> tuple[IO[bytes], int]:
    """A one-sheet workbook: ``header`` frozen above ``row_cells(ws, row)`` for each of
    ``rows``. Returns the file (a rewound temporary file) and the number of rows written."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.append(list(header))
    count = 0
    for row in rows:
        ws.append(row_cells(ws, row))
        count += 1
    # the legal officer's first step in the sheet: filter by unit, status, rule
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    # Handed to FileResponse, which closes it when the response is sent.
    out = tempfile.TemporaryFile()  # noqa: SIM115
    wb.save(out)
    out.seek(0)
    return out, count
