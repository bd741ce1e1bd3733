"""The API's one mapping of domain errors: ``{code, message, field}`` (and ``detail``) with the
status of the code's kind."""

from __future__ import annotations

from typing import Any

from fazhi.api.tests.test_endpoints import V1, act


def test_a_domain_error_answers_its_code_message_field_and_status(
    as_user: Any, problem: Any
) -> None:
    zhang = as_user("zhang")
    # given zhang's fix submitted
    assert act(zhang, problem, "submit_fix", "已补开受案回执").status_code == 200
    # when he submits it again
    again = act(zhang, problem, "submit_fix", "再交一次")
    # then the state forbids it: 409 with the code, the Chinese message and no field
    assert again.status_code == 409
    assert again.json() == {
        "code": "wrong_status",
        "message": f"问题#{problem.pk}当前状态为“已整改待审核”，不能提交整改",
        "field": None,
        "detail": f"问题#{problem.pk}当前状态为“已整改待审核”，不能提交整改",
    }


def test_a_missing_explanation_is_400_with_its_code(as_user: Any, problem: Any) -> None:
    # when zhang submits a fix without saying what he fixed
    empty = act(as_user("zhang"), problem, "submit_fix", "  ")
    # then the input is refused: 400, code text_required, the Chinese message
    assert empty.status_code == 400
    assert empty.json()["code"] == "text_required"
    assert empty.json()["message"] == "请填写整改情况说明"


def test_the_error_schema_carries_code_message_and_field(as_user: Any) -> None:
    # when the OpenAPI schema is read
    schema = as_user("zhou").get(f"{V1}/openapi.json").json()
    # then the error body has the code, the message and the field, and the action lists 409
    error = schema["components"]["schemas"]["Error"]["properties"]
    assert {"code", "message", "field", "detail"} <= set(error)
    action = schema["paths"]["/api/v1/problems/{problem_id}/actions/{action}"]["post"]
    assert {"400", "403", "409"} <= set(action["responses"])
