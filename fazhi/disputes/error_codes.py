"""The codes of ``DisputeError`` (矛盾纠纷): the API sends the value, the kind gives the status."""

from __future__ import annotations

from fazhi.core import errors
from fazhi.core.errors import Kind


class ErrorCode(errors.ErrorCode):
    REASON_REQUIRED = "reason_required", Kind.INVALID, "须填写理由"
    POLICY_INVALID = "policy_invalid", Kind.INVALID, "风险评定设置有误"
    INCIDENT_NOT_FOUND = "incident_not_found", Kind.NOT_FOUND, "警情不存在"
    FOLLOWUP_INVALID = "followup_invalid", Kind.INVALID, "回访记录有误"
    NO_OFFICER = "no_officer", Kind.CONFLICT, "纠纷没有社区民警"
    CHECKLIST_INVALID = "checklist_invalid", Kind.INVALID, "清单填写有误"
    ALREADY_RESOLVED = "already_resolved", Kind.CONFLICT, "纠纷已化解"
    ALREADY_ESCALATED = "already_escalated", Kind.CONFLICT, "纠纷已抄告"
    FANOUT_FAILED = "fanout_failed", Kind.CONFLICT, "后台进程未能完成纠纷研判"
