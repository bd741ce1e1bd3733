"""The codes of ``ReportError`` (报告): the API sends the value, the kind gives the status."""

from __future__ import annotations

from fazhi.core import errors
from fazhi.core.errors import Kind


class ErrorCode(errors.ErrorCode):
    PERIOD_INVALID = "period_invalid", Kind.INVALID, "报告期间有误"
    KIND_INVALID = "kind_invalid", Kind.INVALID, "报告种类有误"
    FORMAT_INVALID = "format_invalid", Kind.INVALID, "报告格式有误"
    UNIT_INVALID = "unit_invalid", Kind.NOT_FOUND, "单位不存在"
    FILE_MISSING = "file_missing", Kind.NOT_FOUND, "报告文件不存在"
