"""The codes of ``SourceError`` (数据交换): a bundle file that cannot be read at all.

A bad record is not an error here: the importer reports it (``report.RecordError``, with its
row, field and Chinese reason) and refuses the bundle."""

from __future__ import annotations

from fazhi.core import errors
from fazhi.core.errors import Kind


class ErrorCode(errors.ErrorCode):
    FILE_NOT_FOUND = "file_not_found", Kind.NOT_FOUND, "找不到文件或目录"
    FILE_KIND_UNKNOWN = "file_kind_unknown", Kind.INVALID, "无法识别的文件类型"
    FOLDER_EMPTY = "folder_empty", Kind.INVALID, "文件夹中没有 CSV 文件"
    FILE_UNREADABLE = "file_unreadable", Kind.INVALID, "文件已损坏或无法读取"
