"""The codes of ``EvaluationError`` (执法质量考评): the API sends the value, the kind gives the
status."""

from __future__ import annotations

from fazhi.core import errors
from fazhi.core.errors import Kind


class ErrorCode(errors.ErrorCode):
    MONTH_INVALID = "month_invalid", Kind.INVALID, "考评月份有误"
    SCHEME_INVALID = "scheme_invalid", Kind.INVALID, "考评方案有误"
    REASON_REQUIRED = "reason_required", Kind.INVALID, "须填写理由"
    NOT_DRAFT = "not_draft", Kind.CONFLICT, "考评结果不是草稿"
    NOT_CHECKED = "not_checked", Kind.CONFLICT, "考评结果未经审核"
    PUBLISHED = "published", Kind.CONFLICT, "考评结果已发布"
    NOTHING_TO_PUBLISH = "nothing_to_publish", Kind.NOT_FOUND, "没有可发布的考评结果"
    APPEAL_CLOSED = "appeal_closed", Kind.CONFLICT, "申诉期已过"
    APPEAL_INVALID = "appeal_invalid", Kind.INVALID, "申诉有误"
    APPEAL_DECIDED = "appeal_decided", Kind.CONFLICT, "申诉已决定"
    NOT_CURRENT = "not_current", Kind.CONFLICT, "不是当前发布的版本"
    NOT_CANDIDATE = "not_candidate", Kind.INVALID, "不是当月结案的案件"
    ALREADY_PICKED = "already_picked", Kind.CONFLICT, "该案件本月已评选"
    ANALYSIS_STATE = "analysis_state", Kind.CONFLICT, "案件剖析的状态不允许此操作"
    DOCUMENT_REQUIRED = "document_required", Kind.INVALID, "须上传案件剖析材料"
    DOCUMENT_INVALID = "document_invalid", Kind.INVALID, "案件剖析材料不符合要求"
    PICK_INVALID = "pick_invalid", Kind.INVALID, "评选有误"
    FANOUT_FAILED = "fanout_failed", Kind.CONFLICT, "后台进程未能完成考评计算"
