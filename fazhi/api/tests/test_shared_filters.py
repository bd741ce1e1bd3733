"""One filter layer: each list's FilterSet serves its page, its .xlsx export and its API
endpoint, so the same parameters select the same rows on all of them; a value the filter set
refuses is a Chinese error (400 in the API, a line on the page), never a 500."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

V1 = "/api/v1"
pytestmark = pytest.mark.django_db


def api_ids(client: Client, path: str, params: dict[str, str]) -> list[Any]:
    response = client.get(f"{V1}/{path}", params)
    assert response.status_code == 200, response.content
    return sorted(item["id"] for item in response.json()["items"])


def page_ids(client: Client, path: str, params: dict[str, str]) -> list[Any]:
    response = client.get(path, params)
    assert response.status_code == 200
    return sorted(row.pk for row in response.context["page"])


def export_ids(client: Client, path: str, params: dict[str, str]) -> list[Any]:
    response = client.get(path, params)
    assert response.status_code == 200
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))


def test_findings_same_parameters_same_rows_on_page_export_and_api(
    as_user: Any, make_finding: Any
) -> None:
    # given findings of two units, of two statuses and severities, one of them closed
    wanted = make_finding("zhang", status="violation", severity="严重")
    closed = make_finding("zhang", status="violation", severity="严重", is_open=False)
    make_finding("zhang", status="warning", severity="严重")
    make_finding("zhao", status="violation", severity="严重")  # 城北
    client = as_user("zhou")  # 法制大队: the whole bureau
    # when the page, the export and the API are asked with the same parameters
    params = {"unit": "U-CN", "status": "violation", "severity": "严重"}
    on_page = page_ids(client, "/findings/", {**params, "state": "all"})
    exported = export_ids(client, "/findings/export.xlsx", {**params, "state": "all"})
    via_api = api_ids(client, "findings", params)
    # then all three hold the same rows
    assert on_page == exported == via_api == sorted([wanted.pk, closed.pk])
    # and "open" on the API is the page's state
    assert page_ids(client, "/findings/", params) == api_ids(
        client, "findings", {**params, "open": "true"}
    ) == [wanted.pk]  # fmt: skip


def test_problems_same_parameters_same_rows_on_page_export_and_api(
    as_user: Any, problem: Any, north_problem: Any
) -> None:
    # given a problem in 城南 and one in 城北
    client = as_user("zhou")
    for params, expected in (
        ({"unit": "U-CN"}, [problem.pk]),
        ({"unit": "U-CB", "status": "open"}, [north_problem.pk]),
        ({"status": "closed"}, []),
        ({"overdue": "1"}, sorted([problem.pk, north_problem.pk])),
    ):
        # when the page, the export and the API are asked with the same parameters
        api_params = {**params, "overdue": "true"} if "overdue" in params else params
        on_page = page_ids(client, "/problems/", params)
        exported = export_ids(client, "/problems/export.xlsx", params)
        via_api = api_ids(client, "problems", api_params)
        # then all three hold the same rows
        assert on_page == exported == via_api == expected, params


def test_disputes_same_parameters_same_rows_on_page_and_api(as_user: Any, disputes: Any) -> None:
    client = as_user("wu")  # 局领导
    for params, expected in (
        ({"colour": "红", "unit": "U-CB"}, [disputes["north"].pk]),
        ({"colour": "蓝"}, []),
        ({"status": "未化解"}, sorted(d.pk for d in disputes.values())),
    ):
        assert page_ids(client, "/disputes/", params) == expected, params
        assert api_ids(client, "disputes", params) == expected, params


def test_the_api_refuses_a_bad_filter_value_in_chinese(as_user: Any, disputes: Any) -> None:
    # given a colour that is not one of 红/黄/蓝
    response = as_user("wu").get(f"{V1}/disputes", {"colour": "紫"})
    # then refused as the schema declares (422, like every enumerated parameter), in Chinese,
    # naming the parameter and what it may be (before: 200 and an empty list)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail == "请求参数不合法：colour 须为以下之一：'红', '黄', '蓝'"
    response = as_user("wu").get(f"{V1}/disputes", {"status": "done"})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("请求参数不合法：status 须为以下之一：")


def test_a_page_names_a_refused_filter_value_in_chinese(
    as_user: Any, make_finding: Any, problem: Any
) -> None:
    # given 李娜 (城南) asking for a unit outside her scope and a level that does not exist
    client = as_user("li")
    page = client.get("/findings/", {"unit": "U-CB"})
    # then the page answers, says why in Chinese, and narrows nothing more than her scope
    assert page.status_code == 200
    assert "单位（unit）：" in page.content.decode()
    assert [row.pk for row in page.context["page"]] == [problem.finding.pk]
    page = client.get("/problems/", {"level": "9"})
    assert page.status_code == 200
    assert "层级（level）：" in page.content.decode()
    # and an export with a refused value is refused, not the unfiltered list in its place
    export = client.get("/findings/export.xlsx", {"start": "2026-13-01"})
    assert export.status_code == 400
    assert "自（start）：" in export.content.decode()


def test_the_unit_choices_are_the_scope_s(as_user: Any, make_finding: Any) -> None:
    # given 李娜 of 城南: the unit select offers her units only
    body = as_user("li").get("/findings/").content.decode()
    assert 'value="U-CN"' in body
    assert 'value="U-CB"' not in body
    # the API still reads a unit with the units below it (the bureau holds 城南)
    fd = make_finding("zhang")
    assert api_ids(as_user("zhou"), "findings", {"unit": "U-XJ"}) == [fd.pk]
