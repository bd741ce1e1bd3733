"""A page that refuses with a domain error of each kind, for test_errors (nothing catches it)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from fazhi.core import errors
from fazhi.core.errors import DomainError, Kind


class ErrorCode(errors.ErrorCode):
    REASON_REQUIRED = "reason_required", Kind.INVALID, "须填写理由"
    NOT_YOURS = "not_yours", Kind.NOT_ALLOWED, "不能办理他人的记录"
    NO_CASE = "no_case", Kind.NOT_FOUND, "案件不存在"
    CLOSED = "closed", Kind.CONFLICT, "案件已结案"


MESSAGES = {
    ErrorCode.REASON_REQUIRED: "修改案件 A-1 须填写理由（字段 reason）",
    ErrorCode.NOT_YOURS: "案件 A-1 不是您承办的，不能修改",
    ErrorCode.NO_CASE: "案件 A-9 不存在",
    ErrorCode.CLOSED: "案件 A-1 已结案，不能修改",
}


def refuse(request: HttpRequest, code: str) -> HttpResponse:
    error = next(c for c in ErrorCode if c.value == code)
    raise DomainError(error, MESSAGES[error], field="reason")


urlpatterns = [path("refuse/<str:code>", refuse)]
