"""The pages' one mapping of domain errors (core.middleware.DomainErrorMiddleware): a
``DomainError`` no view catches is its status with a Chinese page that says what was refused."""

from __future__ import annotations

import pytest
from django.test import Client

from fazhi.core.errors import DomainError, Kind
from fazhi.core.tests.error_urls import MESSAGES, ErrorCode

pytestmark = [pytest.mark.django_db, pytest.mark.urls("fazhi.core.tests.error_urls")]


@pytest.mark.parametrize(
    ("code", "status", "title"),
    [
        (ErrorCode.REASON_REQUIRED, 400, "输入有误"),
        (ErrorCode.NOT_YOURS, 403, "无权访问"),
        (ErrorCode.NO_CASE, 404, "页面不存在"),
        (ErrorCode.CLOSED, 409, "无法执行"),
    ],
)
def test_a_domain_error_in_a_view_is_its_status_and_a_chinese_page(
    code: ErrorCode, status: int, title: str
) -> None:
    # given a page whose service refuses, and a client that would re-raise an uncaught error
    client = Client(raise_request_exception=True)
    # when the page is requested
    response = client.get(f"/refuse/{code.value}")
    # then the answer is the code's status with the Chinese page and the message, no traceback
    assert response.status_code == status
    text = response.content.decode()
    assert title in text
    assert MESSAGES[code] in text
    assert "Traceback" not in text
    assert "DomainError" not in text


def test_the_status_follows_the_kind_of_the_code() -> None:
    # given codes of each kind / then the error's status is the kind's
    assert [DomainError(c).status for c in ErrorCode] == [400, 403, 404, 409]
    assert [k.value for k in Kind] == [400, 403, 404, 409]
    # and an error raised without a message says the code's Chinese label
    assert str(DomainError(ErrorCode.CLOSED)) == "案件已结案"
