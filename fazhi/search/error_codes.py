"""The codes of ``SearchError`` (搜索): the API sends the value, the kind gives the status."""

from __future__ import annotations

from fazhi.core import errors
from fazhi.core.errors import Kind


class ErrorCode(errors.ErrorCode):
    QUERY_EMPTY = "query_empty", Kind.INVALID, "请输入要搜索的内容"
    QUERY_TOO_SHORT = "query_too_short", Kind.INVALID, "搜索内容太短"
    QUERY_TOO_LONG = "query_too_long", Kind.INVALID, "搜索内容太长"
    UNKNOWN_KIND = "unknown_kind", Kind.INVALID, "没有这一类记录"
