"""The codes of ``BackupError`` (备份与恢复): the kind gives the status (the CLI prints the
message)."""

from __future__ import annotations

from fazhi.core import errors
from fazhi.core.errors import Kind


class ErrorCode(errors.ErrorCode):
    NOT_A_BACKUP = "not_a_backup", Kind.INVALID, "该文件不是 fazhi 备份"
    DAMAGED = "damaged", Kind.INVALID, "备份文件已损坏"
    NEWER_FORMAT = "newer_format", Kind.INVALID, "备份格式比本版本新"
    OTHER_ENGINE = "other_engine", Kind.CONFLICT, "备份与当前数据库类型不同"
    NOT_EMPTY = "not_empty", Kind.CONFLICT, "当前数据库不是空库"
    TOOL_FAILED = "tool_failed", Kind.CONFLICT, "数据库工具执行失败"
    TARGET_EXISTS = "target_exists", Kind.CONFLICT, "备份文件已存在"
