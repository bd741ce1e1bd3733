"""The codes of ``StandardError`` (执法标准): the API sends the value, the kind gives the status."""

from __future__ import annotations

from fazhi.core import errors
from fazhi.core.errors import Kind


class ErrorCode(errors.ErrorCode):
    PACK_INVALID = "pack_invalid", Kind.INVALID, "标准包有误"
    REASON_REQUIRED = "reason_required", Kind.INVALID, "必须填写理由"
    CODE_REQUIRED = "code_required", Kind.INVALID, "必须填写标准编号"
    CATEGORY_INVALID = "category_invalid", Kind.INVALID, "类别无效"
    ALREADY_EXISTS = "already_exists", Kind.CONFLICT, "标准已存在"
    RULE_NOT_FOUND = "rule_not_found", Kind.INVALID, "规则不存在"
    EFFECTIVE_DATE_INVALID = "effective_date_invalid", Kind.INVALID, "生效日期有误"
    NOT_LATEST = "not_latest", Kind.CONFLICT, "只能修订最新版本"
    ABOLISHED = "abolished", Kind.CONFLICT, "标准已废除"
    IMPORT_INVALID = "import_invalid", Kind.INVALID, "标准库文件有误"
    NOT_ALLOWED = "not_allowed", Kind.NOT_ALLOWED, "无权修改执法标准"
