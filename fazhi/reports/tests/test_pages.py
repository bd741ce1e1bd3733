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
