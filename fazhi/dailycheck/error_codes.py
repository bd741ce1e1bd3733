"""The codes of ``DailyCheckError`` (每日十问): the API sends the value, the kind gives the
status."""

from __future__ import annotations

from fazhi.core import errors
from fazhi.core.errors import Kind


class ErrorCode(errors.ErrorCode):
    NAIVE_TIME = "naive_time", Kind.INVALID, "时点必须带时区"
    ALREADY_CONFIRMED = "already_confirmed", Kind.CONFLICT, "该问题已确认"
    STALE_COUNT = "stale_count", Kind.CONFLICT, "数据已更新，请刷新后重新核对"
    NOTE_REQUIRED = "note_required", Kind.INVALID, "确认时必须填写说明"
    BAD_PERIOD = "bad_period", Kind.INVALID, "统计期间有误"
