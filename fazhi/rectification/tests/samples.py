"""Genuine files of every attachment type, built here with the libraries that write them, and the
disguised files an outside probe got accepted when uploads were checked by their leading bytes."""

from __future__ import annotations

import io
import itertools
import struct
import zipfile
from dataclasses import dataclass

from docx import Document
from openpyxl import Workbook
from PIL import Image
from pypdf import PdfWriter

# what a Windows program starts with; enough to be recognised as one
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 56 + b"This program cannot be run in DOS mode.\r\n"


def pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image(fmt: str, size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def docx() -> bytes:
    document = Document()
    document.add_paragraph("整改报告：已补出具受案回执。")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["案件编号", "整改情况"])
    sheet.append(["C-2026-001", "已整改"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rezip(
    package: bytes, extra: dict[str, bytes], replace: dict[str, bytes] | None = None
) -> bytes:
    """The Office package with ``extra`` entries added and ``replace`` entries rewritten."""
    replace = replace or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            target.writestr(entry.filename, replace.get(entry.filename, source.read(entry)))
        for name, content in extra.items():
            target.writestr(name, content)
    return out.getvalue()


def zipped(name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(name, content)
    return out.getvalue()


_SECTOR = 512
_FREE, _END, _FAT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class _Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    parent: int | None
    path: str = ""


def ole(streams: dict[str, bytes]) -> bytes:
    """A compound (OLE2) file, the container of .doc and .xls, as Office writes it: version 3,
    512-byte sectors. ``streams`` maps "Name" or "Storage/Name" to content; every stream is
    padded to 4096 bytes so that it lives in ordinary sectors (no mini stream)."""
    entries = [_Entry("Root Entry", 5, None)]
    index: dict[str, int] = {}
    for path in streams:
        parent = 0
        parts = path.split("/")
        for depth in range(len(parts)):
            key = "/".join(parts[: depth + 1])
            if key not in index:
                index[key] = len(entries)
                kind = 2 if depth == len(parts) - 1 else 1
                entries.append(_Entry(parts[depth], kind, parent, key))
            parent = index[key]
    # sectors: 0 the FAT, then the directory (four entries a sector), then the streams
    directory_sectors = (len(entries) + 3) // 4
    fat = [_FAT] + [n + 2 for n in range(1, directory_sectors)] + [_END]
    data_sectors: list[bytes] = []
    starts: dict[int, tuple[int, int]] = {}
    for number, entry in enumerate(entries):
        if entry.kind != 2:
            continue
        content = streams[entry.path]
        padded = content.ljust(max(4096, -(-len(content) // _SECTOR) * _SECTOR), b"\0")
        start = len(fat)
        count = len(padded) // _SECTOR
        starts[number] = (start, len(padded))
        for i in range(count):
            data_sectors.append(padded[i * _SECTOR : (i + 1) * _SECTOR])
            fat.append(start + i + 1 if i < count - 1 else _END)
    assert len(fat) <= _SECTOR // 4, "one FAT sector is enough for these small files"
    fat_sector = struct.pack(f"<{_SECTOR // 4}I", *(fat + [_FREE] * (_SECTOR // 4 - len(fat))))

    def children(parent: int) -> list[int]:
        kids = [n for n, e in enumerate(entries) if e.parent == parent]
        # the order Office keeps: shorter names first, then by upper-cased name
        return sorted(kids, key=lambda n: (len(entries[n].name), entries[n].name.upper()))

    # each storage points at its first child; children of one storage form a right-sibling chain
    # (a degenerate red-black tree, which readers accept)
    right = {a: b for e in range(len(entries)) for a, b in itertools.pairwise(children(e))}
    directory = b""
    for number, entry in enumerate(entries):
        kids = children(number)
        start, size = starts.get(number, (_END, 0))
        name = entry.name.encode("utf-16-le")
        directory += struct.pack(
            "<64sHBBIII16sIQQIQ",
            name,
            len(name) + 2,
            entry.kind,
            1,  # black
            _FREE,
            right.get(number, _FREE),
            kids[0] if kids else _FREE,
            b"\0" * 16,
            0,
            0,
            0,
            start,
            size,
        )
    directory = directory.ljust(directory_sectors * _SECTOR, b"\0")
    # signature, class id, version 3.62, byte order, sector sizes 2^9 and 2^6, reserved, sector
    # counts and starts (directory at 1, no mini FAT, no DIFAT sectors), then the FAT at sector 0
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        _OLE_MAGIC,
        b"\0" * 16,
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"\0" * 6,
        0,
        1,
        1,
        0,
        4096,
        _END,
        0,
        _END,
        0,
    ) + struct.pack("<109I", 0, *([_FREE] * 108))
    return header + fat_sector + directory + b"".join(data_sectors)


def doc(extra: dict[str, bytes] | None = None) -> bytes:
    # a Word 97 FIB starts with wIdent 0xA5EC
    return ole(
        {"WordDocument": b"\xec\xa5\xc1\x00" + b"\0" * 60, "1Table": b"\0" * 64, **(extra or {})}
    )


def xls(extra: dict[str, bytes] | None = None) -> bytes:
    # a BIFF8 workbook stream: a BOF record (0x0809) ... an EOF record (0x000A)
    bof = struct.pack("<HHHHHHII", 0x0809, 16, 0x0600, 0x0005, 0, 0, 0, 0)
    return ole({"Workbook": bof + struct.pack("<HH", 0x000A, 0), **(extra or {})})
