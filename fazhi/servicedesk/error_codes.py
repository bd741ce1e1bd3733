"""The codes of ``ServiceDeskError`` (执法服务专岗): the API sends the value, the kind gives the
status."""

from __future__ import annotations

from fazhi.core import errors
from fazhi.core.errors import Kind


class ErrorCode(errors.ErrorCode):
    REASON_REQUIRED = "reason_required", Kind.INVALID, "须填写退回理由"
    RESULT_REQUIRED = "result_required", Kind.INVALID, "须填写办理结果"
    DETAIL_REQUIRED = "detail_required", Kind.INVALID, "须填写申请事由"
    KIND_INVALID = "kind_invalid", Kind.INVALID, "申请事项有误"
    PROPERTY_REQUIRED = "property_required", Kind.INVALID, "须选择本案的涉案财物"
    MEASURE_REQUIRED = "measure_required", Kind.INVALID, "须选择本案的取保候审"
    NO_CENTRE = "no_centre", Kind.CONFLICT, "本局没有执法办案管理中心"
    WRONG_STATE = "wrong_state", Kind.CONFLICT, "申请当前状态不能办理该操作"
    ATTACHMENT_INVALID = "attachment_invalid", Kind.INVALID, "附件不符合要求"
    LIMIT_INVALID = "limit_invalid", Kind.INVALID, "办理时限设置有误"
