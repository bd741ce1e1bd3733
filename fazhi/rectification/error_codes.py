"""The codes of ``RectificationError`` (整改): the API sends the value, the kind gives the
status. Who may act at all is still ``PermissionDenied`` (``services.permissions``)."""

from __future__ import annotations

from fazhi.core import errors
from fazhi.core.errors import Kind


class ErrorCode(errors.ErrorCode):
    TEXT_REQUIRED = "text_required", Kind.INVALID, "请填写说明"
    WRONG_STATUS = "wrong_status", Kind.CONFLICT, "当前状态不允许此操作"
    ALREADY_IN_PROGRESS = "already_in_progress", Kind.CONFLICT, "已有正在整改的问题"
    ALREADY_JUDGED = "already_judged", Kind.CONFLICT, "疑点已经认定过"
    FINDING_CLOSED = "finding_closed", Kind.CONFLICT, "巡查发现已消除"
    POLICY_INVALID = "policy_invalid", Kind.INVALID, "整改规则设置有误"
    ATTACHMENT_INVALID = "attachment_invalid", Kind.INVALID, "附件不符合要求"
    SILENCE_INVALID = "silence_invalid", Kind.INVALID, "静默设置有误"
    SILENCE_NOT_ALLOWED = "silence_not_allowed", Kind.NOT_ALLOWED, "无权设置规则静默"
    SILENCE_LIFTED = "silence_lifted", Kind.CONFLICT, "静默已解除"
