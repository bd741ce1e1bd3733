"""The codes of ``AccountError`` (账号管理): the API sends the value, the kind gives the status.
Who may administer accounts at all is still ``PermissionDenied``."""

from __future__ import annotations

from fazhi.core import errors
from fazhi.core.errors import Kind


class ErrorCode(errors.ErrorCode):
    REASON_REQUIRED = "reason_required", Kind.INVALID, "必须填写理由"
    ROLE_INVALID = "role_invalid", Kind.INVALID, "角色无效"
    USERNAME_TAKEN = "username_taken", Kind.CONFLICT, "用户名已存在"
    SELF_LOCKOUT = "self_lockout", Kind.NOT_ALLOWED, "不能停用自己或取消自己的超级管理员"
