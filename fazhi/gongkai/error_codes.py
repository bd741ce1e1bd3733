"""The codes of ``GongkaiError`` (执法公开): the API sends the value, the kind gives the status."""

from __future__ import annotations

from fazhi.core import errors
from fazhi.core.errors import Kind


class ErrorCode(errors.ErrorCode):
    PERSON_INVALID = "person_invalid", Kind.INVALID, "须选择本案的报案人或被害人"
    NO_PHONE = "no_phone", Kind.CONFLICT, "该人员未登记电话"
    NOT_DISCLOSABLE = "not_disclosable", Kind.CONFLICT, "案件不允许当事人查询"
    MINOR = "minor", Kind.CONFLICT, "案件涉及未成年人"
    ALREADY_RATED = "already_rated", Kind.CONFLICT, "该环节已评价"
    MILESTONE_INVALID = "milestone_invalid", Kind.INVALID, "该环节尚未发生"
    TOO_MANY_COMPLAINTS = "too_many_complaints", Kind.CONFLICT, "投诉次数过多"
    EXPIRED = "expired", Kind.INVALID, "查询已过期"
