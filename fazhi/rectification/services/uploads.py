"""Attachments of a fix or an appeal: checked by their content before anything is written, then
stored under MEDIA_ROOT/attachments/yyyy/mm.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import Any, Protocol, TypeVar

import olefile
from django.contrib.auth.models import User
from django.core.files import File
from django.db.models.fields.files import FieldFile
from docx import Document
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from fazhi.rectification.error_codes import ErrorCode
from fazhi.rectification.models import Attachment, Problem, ProblemAction
from fazhi.rectification.services.errors import RectificationError

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
# A photo of 80 million pixels decodes to ~240 MB; more than that is a decompression bomb, not
# proof of a fix (a 64-megapixel phone photo still fits).
MAX_IMAGE_PIXELS = 80_000_000
# The parts of a docx/xlsx together, once unpacked; 20 MB of Office file holding more is a zip bomb.
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
# extension -> the leading bytes such a file has (a renamed .exe is refused, not just named)
ATTACHMENT_TYPES: dict[str, bytes] = {
    "pdf": b"%PDF",
    "jpg": b"\xff\xd8\xff",
    "jpeg": b"\xff\xd8\xff",
    "png": b"\x89PNG\r\n\x1a\n",
    "doc": _OLE,
    "xls": _OLE,
    "docx": _ZIP,
    "xlsx": _ZIP,
}
TYPES_TEXT = "PDF 文件、JPG 或 PNG 图片、Word 文档、Excel 表格"
_KIND_TEXT = {
    "pdf": "PDF 文件",
    "jpg": "JPEG 图片",
    "jpeg": "JPEG 图片",
    "png": "PNG 图片",
    "doc": "Word 文档",
    "docx": "Word 文档",
    "xls": "Excel 表格",
    "xlsx": "Excel 表格",
}
# actions a PDF reader runs: scripts and launching programs
_PDF_ACTIVE = ("/JavaScript", "/Launch")
_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"
# the part an Office package of that extension cannot be without
_OOXML_MAIN = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_EXECUTABLE = re.compile(
    r"\.(exe|dll|com|scr|pif|cpl|msi|sys|bat|cmd|ps1|sh|js|jse|vbs|vbe|wsf|hta|jar|lnk)$"
)
# storages/streams of a binary (OLE) Office file that hold macro code or a packaged file
_OLE_MACROS = frozenset({"macros", "_vba_project_cur", "vba", "_vba_project"})
_OLE_PACKAGE = "\x01ole10native"
# the first bytes of the main stream: the Word FIB's wIdent, an Excel BOF record
_OLE_MAIN = {"doc": (("worddocument",), b"\xec\xa5"), "xls": (("workbook", "book"), b"\x09\x08")}


class _HasFile(Protocol):
    file: FieldFile

    def save(self) -> None: ...


_Stored = TypeVar("_Stored", bound=_HasFile)


@dataclass(frozen=True)
class CheckedUpload:
    upload: File
    name: str
    ext: str
    size: int


def _refused(message: str) -> RectificationError:
    return RectificationError(ErrorCode.ATTACHMENT_INVALID, message, field="files")


def validate_upload(upload: File) -> CheckedUpload:
    """Refuse a file that is too large, empty, of a type not allowed or not what it says: the
    leading bytes must match the extension and the whole content must open as that type."""
    name = PurePath(str(upload.name or "附件").replace("\\", "/")).name[:255] or "附件"
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ATTACHMENT_TYPES:
        raise _refused(f"附件“{name}”的类型不允许：只能上传{TYPES_TEXT}文件")
    size = upload.size or 0
    if size > MAX_ATTACHMENT_BYTES:
        raise _refused(f"附件“{name}”大小为 {size / 1024 / 1024:.1f} MB，超过 20 MB 的上限")
    if size == 0:
        raise _refused(f"附件“{name}”是空文件")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if not data.startswith(ATTACHMENT_TYPES[ext]):
        raise _refused(f"附件“{name}”的内容不是 {ext.upper()} 文件，请检查后重新上传")
    problem = _content_problem(data, ext)
    if problem:
        raise _refused(f"附件“{name}”{problem}")
    return CheckedUpload(upload, name, ext, size)


def _content_problem(data: bytes, ext: str) -> str:
    """What is wrong with the content of a file whose leading bytes are right ("" if nothing)."""
    kind = _KIND_TEXT[ext]
    if ext == "pdf":
        check = _pdf_problem
    elif ext in ("png", "jpg", "jpeg"):
        check = _image_problem
    elif ext in _OOXML_MAIN:
        check = _ooxml_problem
    else:
        check = _ole_problem
    try:
        return check(data, ext)
    except Exception:
        # any parser error means the file does not open as what its name says it is; the
        # exception text is English and technical, so the user gets what it means instead
        return f"不是能打开的 {kind}（内容已损坏，或是其他文件改了扩展名），请检查后重新上传"


def _pdf_problem(data: bytes, ext: str) -> str:
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        return "是加密的 PDF 文件，请去掉密码后重新上传"
    if len(reader.pages) == 0:
        return "是没有页面的 PDF 文件，请检查后重新上传"
    root = reader.root_object
    names = _pdf_dict(root.get("/Names"))
    annots = [_pdf_dict(a) for page in reader.pages for a in _pdf_list(page.get("/Annots"))]
    actions = [_pdf_dict(root.get("/OpenAction"))] + [_pdf_dict(a.get("/A")) for a in annots]
    if "/JavaScript" in names or any(a.get("/S") in _PDF_ACTIVE for a in actions):
        return "含有脚本或启动程序的动作，不能上传"
    if "/EmbeddedFiles" in names or any(a.get("/Subtype") == "/FileAttachment" for a in annots):
        return "内嵌了其他文件（可能携带可执行程序），不能上传"
    return ""


def _pdf_dict(value: Any) -> DictionaryObject:
    found = value.get_object() if value is not None else None
    return found if isinstance(found, DictionaryObject) else DictionaryObject()


def _pdf_list(value: Any) -> list[Any]:
    found = value.get_object() if value is not None else None
    return list(found) if isinstance(found, ArrayObject) else []


def _image_problem(data: bytes, ext: str) -> str:
    kind = _KIND_TEXT[ext]
    fmt = "PNG" if ext == "png" else "JPEG"
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                return f"的图片尺寸为 {width}×{height} 像素，超过 8000 万像素的上限"
            image.verify()
        # verify() checks the structure only; decoding every pixel finds truncated or bad data
        with Image.open(io.BytesIO(data), formats=[fmt]) as image:
            image.load()
    except Image.DecompressionBombError:
        return "的图片尺寸超过 8000 万像素的上限"
    if ext == "png" and not data.endswith(_PNG_END):
        return f"在 {kind}的结束标记之后还附带了其他内容，不能上传"
    return ""


def _ooxml_problem(data: bytes, ext: str) -> str:
    kind = _KIND_TEXT[ext]
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        entries = package.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            return f"包含 {len(entries)} 个部件，超过 {MAX_ZIP_ENTRIES} 个的上限"
        # zipfile never inflates an entry past its declared size, so the sum bounds the work
        unpacked = sum(entry.file_size for entry in entries)
        if unpacked > MAX_UNZIPPED_BYTES:
            return (
                f"解压后为 {unpacked / 1024 / 1024:.0f} MB，超过 "
                f"{MAX_UNZIPPED_BYTES // 1024 // 1024} MB 的上限（疑似压缩炸弹）"
            )
        if any(entry.flag_bits & 0x1 for entry in entries):
            return "含有加密的部件，不能上传"
        for entry in entries:
            lower = entry.filename.lower()
            base = lower.rsplit("/", 1)[-1]
            if base in ("vbaproject.bin", "vbadata.xml") or "/activex/" in f"/{lower}":
                return f"含有宏或控件（{entry.filename}），请另存为不含宏的文件后重新上传"
            if _EXECUTABLE.search(base):
                return f"内含可执行文件或脚本（{entry.filename}），不能上传"
        names = {entry.filename for entry in entries}
        missing = [part for part in ("[Content_Types].xml", _OOXML_MAIN[ext]) if part not in names]
        if missing:
            return f"不是完整的 {kind}（缺少 {'、'.join(missing)}），请检查后重新上传"
        if b"macroenabled" in package.read("[Content_Types].xml").lower():
            return "是含宏的文件，请另存为不含宏的文件后重新上传"
        for entry in entries:
            if entry.is_dir():
                continue
            with package.open(entry) as part:
                head = part.read(len(_OLE))
            if head.startswith(b"MZ"):
                return f"内含可执行文件（{entry.filename}），不能上传"
            if head == _OLE:
                # an embedded OLE object can carry macros or a packaged program of its own
                inner = _ole_parts_problem(package.read(entry))
                if inner:
                    return f"的内嵌对象 {entry.filename} {inner}"
    if ext == "docx":
        Document(io.BytesIO(data))
    else:
        # read-only opening parses the workbook, styles and shared strings but not every cell:
        # reading a million cells takes longer than a request may
        load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False).close()
    return ""


def _ole_parts_problem(data: bytes) -> str:
    with olefile.OleFileIO(data) as ole:
        for path in ole.listdir(streams=True, storages=True):
            parts = {part.lower() for part in path}
            if parts & _OLE_MACROS:
                return "含有宏，请另存为不含宏的文件后重新上传"
            if _OLE_PACKAGE in parts:
                return "内嵌了打包的文件（可能携带可执行程序），不能上传"
    return ""


def _ole_problem(data: bytes, ext: str) -> str:
    kind = _KIND_TEXT[ext]
    streams, ident = _OLE_MAIN[ext]
    with olefile.OleFileIO(data) as ole:
        main = next((s for s in streams if ole.exists(s)), None)
        if main is None:
            return f"不是真正的 {kind}（缺少正文数据），请检查后重新上传"
        with ole.openstream(main) as stream:
            if stream.read(2) != ident:
                return f"不是真正的 {kind}（正文数据的格式不对），请检查后重新上传"
    return _ole_parts_problem(data)


def store_uploads(
    uploads: Sequence[CheckedUpload], build: Callable[[CheckedUpload, str], _Stored]
) -> list[_Stored]:
    """Store checked uploads under MEDIA_ROOT as the rows ``build(upload, sha256)`` makes (an
    unsaved model with a ``file`` field; its ``upload_to`` decides the path). Call inside the
    change's transaction: a failure removes the files already written. Shared by every app
    that keeps attachments (整改, 服务申请, 案件剖析)."""
    saved: list[_Stored] = []
    try:
        for item in uploads:
            digest = hashlib.sha256()
            for block in item.upload.chunks():
                digest.update(block)
            item.upload.seek(0)
            row = build(item, digest.hexdigest())
            row.file.save(item.name, item.upload, save=False)
            row.save()
            saved.append(row)
    except Exception:
        for row in saved:
            row.file.delete(save=False)
        raise
    return saved


def save_attachments(
    problem: Problem,
    action: ProblemAction | None,
    uploads: Sequence[CheckedUpload],
    *,
    actor: User,
    now: datetime,
) -> list[Attachment]:
    """Store checked uploads under MEDIA_ROOT/attachments/yyyy/mm (call inside the change's
    transaction); a failure removes the files already written."""
    return store_uploads(
        uploads,
        lambda item, sha256: Attachment(
            problem=problem,
            action=action,
            original_name=item.name,
            size=item.size,
            sha256=sha256,
            uploaded_by=actor.get_username(),
            uploaded_at=now,
        ),
    )
