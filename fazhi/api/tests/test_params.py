"""Bad parameters get a Chinese 4xx from one place, never a 500: paging is bounded, times and
days are read strictly and kept in range (fazhi.core.params), validation errors are Chinese."""

from __future__ import annotations

from typing import Any

import pytest

from fazhi.api.schemas import MAX_OFFSET

V1 = "/api/v1"
LISTS = ["/findings", "/rules", "/problems", "/daily/sheets", "/disputes"]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("offset", [2**63, 2**64 + 5, MAX_OFFSET + 1])
def test_an_offset_beyond_the_range_is_a_chinese_422_on_every_list(
    as_user: Any, path: str, offset: int
) -> None:
    # given 周敏 (bureau-wide) paging far beyond anything (2**63 was a 500 on PostgreSQL)
    response = as_user("zhou").get(f"{V1}{path}", {"offset": offset})
    # then the parameter is refused, in Chinese, naming it and the limit
    assert response.status_code == 422
    assert response.json()["detail"] == f"请求参数不合法：offset 须不大于 {MAX_OFFSET}"
    assert response.json()["errors"] == [
        {
            "loc": ["query", "offset"],
            "type": "less_than_equal",
            "msg": f"offset 须不大于 {MAX_OFFSET}",
        }
    ]


@pytest.mark.parametrize("path", LISTS)
def test_the_largest_offset_answers_an_empty_page(as_user: Any, path: str) -> None:
    response = as_user("zhou").get(f"{V1}{path}", {"offset": MAX_OFFSET})
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_a_limit_far_too_large_is_refused_in_chinese(as_user: Any) -> None:
    response = as_user("zhou").get(f"{V1}/findings", {"limit": 10**30})
    assert response.status_code == 422
    assert "limit 须不大于 500" in response.json()["detail"]


def test_a_bad_enum_names_the_allowed_values(as_user: Any) -> None:
    response = as_user("zhou").get(f"{V1}/problems", {"status": "nonsense", "active": "maybe"})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "status 须为以下之一：" in detail
    assert "active 须为 true 或 false" in detail
    assert "Input should" not in response.content.decode()  # no English from pydantic


@pytest.mark.parametrize(
    ("since", "found"),
    [
        # offsets beyond ±16 h were a 500 on PostgreSQL: now read as the instant they name
        ("2026-03-02T21:00+20:00", 3),  # = 01:00Z, an hour before T0 (02:00Z)
        ("2026-03-02T23:00+20:00", 0),  # = 03:00Z, an hour after
        ("2026-03-01T12:00-23:59", 0),  # = 2026-03-02T11:59Z
        ("2026-03-02T10:00", 3),  # no offset: Beijing time, = T0
        ("2026-03-02", 3),  # a day: its start, Beijing time
        ("2026-03-03", 0),
        ("0001-01-01T00:00+23:00", 3),  # before the range: from its start (no overflow)
        ("0001-01-01", 3),
        ("9999-12-31T23:59:59-23:59", 0),  # after the range: nothing (no overflow)
        ("9999-12-31", 0),
    ],
)
def test_since_accepts_any_iso_time_and_keeps_it_in_range(
    as_user: Any, make_finding: Any, since: str, found: int
) -> None:
    # given three findings first seen at T0 = 2026-03-02 10:00 Beijing (02:00 UTC)
    for _ in range(3):
        make_finding("zhang")
    response = as_user("zhou").get(f"{V1}/findings", {"since": since})
    assert response.status_code == 200, response.content
    assert response.json()["count"] == found


@pytest.mark.parametrize("since", ["0.5", "1700000000", "昨天", "2026-02-30", "2026-03-02T25:00"])
def test_since_is_read_strictly(as_user: Any, since: str) -> None:
    # a number is not taken for a Unix timestamp, a day that does not exist is not moved
    response = as_user("zhou").get(f"{V1}/findings", {"since": since})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("请求参数不合法：since ")
    assert response.json()["errors"][0]["loc"] == ["query", "since"]


@pytest.mark.parametrize(("day", "status"), [("0", 422), ("20260302", 422), ("9999-12-31", 200)])
def test_the_daily_day_is_read_strictly(as_user: Any, day: str, status: int) -> None:
    response = as_user("zhou").get(f"{V1}/daily/sheets", {"day": day})
    assert response.status_code == status
    if status == 422:
        assert "day 日期格式有误" in response.json()["detail"]
