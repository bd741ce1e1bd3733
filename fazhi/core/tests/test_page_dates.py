"""Page filters with days and times at or beyond the ends of the calendar answer in Chinese,
never with a 500 (fazhi.core.params)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from fazhi.accounts.services import system_user


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/findings/?start=0001-01-01",
        "/findings/?end=9999-12-31",
        "/findings/?start=0001-01-01&end=9999-12-31&period=due",
        "/findings/export.xlsx?end=9999-12-31",
        "/daily/stats/?start=0001-01-01&end=9999-12-31",
        "/daily/stats/?end=9999-12-31",
        "/daily/U-CN/9999-12-31/",
        "/daily/U-CN/0001-01-01/",
        "/disputes/analysis/?month=9999-12",
        "/disputes/analysis/?month=0001-01",
        "/disputes/analysis/?month=2026-13",
    ],
)
def test_extreme_days_in_page_filters_are_no_server_error(bureau, path: str) -> None:
    # given 周敏 (法制大队, bureau-wide) signed in
    client = signed_in(bureau.users["zhou"])
    # when a filter names a day at the ends of the calendar
    response = client.get(path)
    # then the page answers (a Chinese error where the day is refused), not a 500
    assert response.status_code < 500
    if response.status_code == 400:
        assert "超出范围" in response.content.decode() or "有误" in response.content.decode()


def test_a_findings_filter_day_out_of_range_is_named_in_chinese(bureau) -> None:
    client = signed_in(bureau.users["zhou"])
    page = client.get("/findings/?end=9999-12-31")
    assert page.status_code == 200
    assert "日期 9999-12-31 超出范围（须在 1900-01-01 至 2199-12-31 之间）" in page.content.decode()
    # the export refuses instead of exporting the unfiltered list
    export = client.get("/findings/export.xlsx?start=2026-03-05&end=2026-03-01")
    assert export.status_code == 400
    assert "开始日期晚于结束日期" in export.content.decode()


def test_a_visit_time_with_any_offset_is_stored_as_the_instant_it_names(bureau) -> None:
    from fazhi.disputes import services
    from fazhi.disputes.models import Dispute
    from fazhi.disputes.tests.builders import NOW, incident

    incident(bureau, "JQ-CN-9", "报警人称邻居持刀威胁。", dispute_type="邻里")
    services.tick_disputes(NOW, system_user())
    dispute = Dispute.objects.get(incident_id="JQ-CN-9")
    client = signed_in(bureau.users["zhang"])
    url = f"/disputes/{dispute.pk}/followup/"
    # an offset PostgreSQL cannot take (beyond ±16 h) is the instant it names
    data = {"at": "2026-10-08T22:00+20:00", "result": "未化解", "note": "仍有分歧"}
    assert client.post(url, data).status_code == 302
    visit = dispute.incident.followups.get()
    assert visit.at.isoformat() == "2026-10-08T02:00:00+00:00"
    # a time beyond the calendar's range is refused with a Chinese message, nothing stored
    response = client.post(url, {**data, "at": "9999-12-31T23:00-10:00"}, follow=True)
    assert "回访时间有误：时间 9999-12-31T23:00-10:00 超出范围" in response.content.decode()
    assert dispute.incident.followups.count() == 1
