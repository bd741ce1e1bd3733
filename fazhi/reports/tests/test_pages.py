"""The report pages: the kinds, a kind's form and history, generation and download, by role."""

from __future__ import annotations

from typing import Any

import pytest

from fazhi.core.models import AuditEvent
from fazhi.reports import services
from fazhi.reports.models import Report

from .conftest import client_of, sh


def test_the_legal_brigade_generates_and_downloads_from_the_page(world: Any, bureau: Any) -> None:
    client = client_of(bureau, "zhou")
    assert client.get("/reports/").status_code == 200
    page = client.get("/reports/weekly/")
    assert page.status_code == 200
    assert "全局" in page.content.decode()
    response = client.post("/reports/weekly/generate/", {"period": "2026-W41", "unit": ""})
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.unit_id is None
    assert report.kind == "weekly"
    listed = client.get("/reports/weekly/").content.decode()
    assert report.number in listed
    for fmt in ("docx", "xlsx"):
        download = client.get(f"/reports/{fmt}/{report.pk}/")
        assert download.status_code == 200
        assert b"".join(download.streaming_content)[:2] == b"PK"  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(action="report.download").count() == 2


def test_a_bad_period_on_the_page_is_shown_in_chinese(world: Any, bureau: Any) -> None:
    client = client_of(bureau, "zhou")
    response = client.post("/reports/monthly/generate/", {"period": "2026-13", "unit": ""},
                           follow=True)  # fmt: skip
    assert "期间“2026-13”有误" in response.content.decode()
    assert not Report.objects.exists()


def test_a_chief_sees_his_units_reports_only(world: Any, bureau: Any, system: Any) -> None:
    mine = services.generate_report(actor=system, kind="daily", period="2026-10-08",
                                    unit_id="U-CN", now=sh(2026, 10, 9, 8))  # fmt: skip
    other = services.generate_report(actor=system, kind="daily", period="2026-10-08",
                                     unit_id="U-CB", now=sh(2026, 10, 9, 8))  # fmt: skip
    whole = services.generate_report(actor=system, kind="daily", period="2026-10-08",
                                     now=sh(2026, 10, 9, 8))  # fmt: skip
    client = client_of(bureau, "sun")
    listed = client.get("/reports/daily/").content.decode()
    assert mine.number in listed
    assert other.number not in listed
    assert whole.number not in listed
    assert client.get(f"/reports/docx/{mine.pk}/").status_code == 200
    assert client.get(f"/reports/docx/{other.pk}/").status_code == 404
    assert client.get(f"/reports/docx/{whole.pk}/").status_code == 404
    # he may not ask for the bureau's report through the form either
    client.post("/reports/daily/generate/", {"period": "2026-10-08", "unit": ""})
    assert Report.objects.count() == 3


@pytest.mark.parametrize("who", ["zhang", "zhao"])
def test_an_officer_is_refused_the_pages(world: Any, bureau: Any, who: str) -> None:
    client = client_of(bureau, who)
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/daily/").status_code == 403


def test_anonymous_is_sent_to_sign_in(db: Any) -> None:
    from django.test import Client

    assert Client().get("/reports/").status_code == 302


def test_the_workbench_panel_shows_the_latest_reports_of_the_users_scope(
    world: Any, bureau: Any, system: Any
) -> None:
    from fazhi.core.scope import scope_of
    from fazhi.reports.panels import workbench_panel

    # given the day's reports of the bureau, 城南 and 城北 (the units' issued after the bureau's,
    # as the tick does), and an older 城南 report of the day before
    at = sh(2026, 10, 9, 8)
    older = services.generate_report(actor=system, kind="daily", period="2026-10-07",
                                     unit_id="U-CN", now=sh(2026, 10, 8, 8))  # fmt: skip
    whole = services.generate_report(actor=system, kind="daily", period="2026-10-08", now=at)
    south = services.generate_report(actor=system, kind="daily", period="2026-10-08",
                                     unit_id="U-CN", now=at)  # fmt: skip
    north = services.generate_report(actor=system, kind="daily", period="2026-10-08",
                                     unit_id="U-CB", now=at)  # fmt: skip
    # when the 法制大队 and 城南's 所队长 open 我的工作台
    zhou = workbench_panel(None, scope_of(bureau.users["zhou"]))  # type: ignore[arg-type]
    sun = workbench_panel(None, scope_of(bureau.users["sun"]))  # type: ignore[arg-type]
    # then each sees the latest 日巡查 of his own scope: the bureau's, 城南's
    assert zhou is not None
    assert sun is not None
    assert [r.pk for r in zhou["rows"]] == [whole.pk]
    assert [r.pk for r in sun["rows"]] == [south.pk]
    home = client_of(bureau, "sun").get("/").content.decode()
    assert "最新报告" in home
    assert f'href="/reports/docx/{south.pk}/"' in home
    assert f'href="/reports/xlsx/{south.pk}/"' in home
    for other in (whole, north, older):
        assert f"/reports/docx/{other.pk}/" not in home
    assert client_of(bureau, "sun").get(f"/reports/docx/{south.pk}/").status_code == 200
    # a 民警 gets no panel
    for who in ("zhang", "zhao"):
        assert workbench_panel(None, scope_of(bureau.users[who])) is None  # type: ignore[arg-type]
    assert "最新报告" not in client_of(bureau, "zhang").get("/").content.decode()


def test_the_workbench_panel_without_reports_points_to_the_reports_page(
    world: Any, bureau: Any
) -> None:
    home = client_of(bureau, "wang").get("/").content.decode()
    assert "还没有可查看的报告" in home
    assert 'href="/reports/"' in home
