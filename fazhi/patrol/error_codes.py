"""The codes of ``PatrolError`` (执法巡查): the API sends the value, the kind gives the status.

``PackError``, ``PeriodError`` and ``NoticeError`` are not domain errors: they are raised while
reading a rule pack, a period setting or a holiday notice, and whoever reads the file reports
them (the ``rulepack``/``holiday_notice`` commands, the admin, or a ``PatrolError`` naming the
rule and setting)."""

from __future__ import annotations

from fazhi.core import errors
from fazhi.core.errors import DomainError, Kind


class ErrorCode(errors.ErrorCode):
    NOT_ALLOWED = "not_allowed", Kind.NOT_ALLOWED, "无权修改规则设置"
    REASON_REQUIRED = "reason_required", Kind.INVALID, "必须填写理由"
    SEVERITY_INVALID = "severity_invalid", Kind.INVALID, "严重程度无效"
    SETTING_UNKNOWN = "setting_unknown", Kind.INVALID, "设置项不存在"
    SETTING_INVALID = "setting_invalid", Kind.INVALID, "设置项取值无效"
    NAIVE_TIME = "naive_time", Kind.INVALID, "巡查时点必须带时区"
    RULE_NOT_FOUND = "rule_not_found", Kind.NOT_FOUND, "规则不存在"
    WHATIF_INVALID = "whatif_invalid", Kind.INVALID, "试运行的规则条目有误"
    WHATIF_NOT_FOUND = "whatif_not_found", Kind.NOT_FOUND, "试运行记录不存在"
    NOTICE_NOT_ALLOWED = "notice_not_allowed", Kind.NOT_ALLOWED, "无权录入节假日安排通知"
    NOTICE_EXISTS = "notice_exists", Kind.CONFLICT, "该年的节假日安排通知已录入"
    PATROL_BUSY = "patrol_busy", Kind.CONFLICT, "另一次巡查正在进行"
    FANOUT_FAILED = "fanout_failed", Kind.CONFLICT, "后台进程未能完成巡查"


class PatrolError(DomainError, ValueError):
    """A refused rule change, patrol run or holiday notice, with a Chinese message naming the
    rule or the year (still a ``ValueError``, as the commands catching that expect)."""
