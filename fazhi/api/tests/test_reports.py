"""The reports through the API: the list and one report with its download addresses, under the
reports' gate exactly as on the pages (民警 refused, a unit's users their unit's reports, the
bureau's reports for the bureau roles only), the audited download, and refused users."""

from __future__ import annotations

from typing import Any

import pytest

from fazhi.core.models import AuditEvent

from .conftest import bearer

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_the_legal_brigade_lists_every_report_and_downloads_one_with_a_token(
    reports: dict[str, Any], as_user: Any, token_for: Any
) -> None:
    # given the day's three reports; when 周敏 (法制大队) lists them
    body = as_user("zhou").get(f"{V1}/reports").json()
    # then she sees the bureau's and both units', newest first, named as the pages name them
    assert body["count"] == 3
    assert {(r["kind"], r["scope_name"]) for r in body["items"]} == {
        ("daily", "全局"), ("daily", "城南派出所"), ("daily", "城北派出所"),
    }  # fmt: skip
    south = next(r for r in body["items"] if r["unit"] and r["unit"]["id"] == "U-CN")
    assert south["kind_label"] == "日巡查"
    assert south["period_label"] == "2026年3月2日"
    assert south["generated_by"] == "系统（自动）"
    assert south["number"] == reports["south"].number
    assert south["generated_at"].endswith("+08:00")
    files = {f["format"]: f for f in south["files"]}
    assert files["docx"]["url"] == f"{V1}/reports/{reports['south'].pk}/files/docx"
    assert files["xlsx"]["page_url"] == f"/reports/xlsx/{reports['south'].pk}/"
    assert files["docx"]["size"] == reports["south"].docx_size
    # when she follows the download address with her token
    key = token_for("zhou")
    download = as_user("zhou").get(files["docx"]["url"], **bearer(key))
    # then the .docx comes, and the download is audited with how she called
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert _body(download)[:2] == b"PK"
    event = AuditEvent.objects.filter(action="report.download").latest("seq")
    assert (event.actor, event.target_id, event.details["via"]) == (
        "zhou", str(reports["south"].pk), "token:集成",
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="view.api.reports", actor="zhou").exists()


def test_one_report_carries_its_numbers(reports: dict[str, Any], as_user: Any) -> None:
    r = reports["bureau"]
    body = as_user("wu").get(f"{V1}/reports/{r.pk}").json()
    assert body["unit"] is None
    assert body["scope_name"] == "全局"
    assert body["title"] == r.title
    assert body["summary"] == r.summary
    event = AuditEvent.objects.filter(action="view.api.report").latest("seq")
    assert (event.actor, event.target_id) == ("wu", str(r.pk))


@pytest.mark.parametrize("who", ["sun", "li"])
def test_a_units_users_read_their_units_reports_only(
    reports: dict[str, Any], as_user: Any, who: str
) -> None:
    client = as_user(who)
    # given 城南's leaders and 法制员: the list holds 城南's report only
    body = client.get(f"{V1}/reports").json()
    assert [r["id"] for r in body["items"]] == [reports["south"].pk]
    assert client.get(f"{V1}/reports/{reports['south'].pk}").status_code == 200
    assert client.get(f"{V1}/reports/{reports['south'].pk}/files/xlsx").status_code == 200
    # the bureau's report and 城北's are out of scope: 404, as a missing report, file included
    for other in ("bureau", "north"):
        pk = reports[other].pk
        for path in (f"{V1}/reports/{pk}", f"{V1}/reports/{pk}/files/docx"):
            refused = client.get(path)
            assert refused.status_code == 404, path
            assert refused.json()["code"] == "not_found"
    assert not AuditEvent.objects.filter(action="report.download", target_id__in=[
        str(reports["bureau"].pk), str(reports["north"].pk)]).exists()  # fmt: skip


@pytest.mark.parametrize("who", ["zhang", "zhao"])
def test_officers_are_refused_every_report_call(
    reports: dict[str, Any], as_user: Any, who: str
) -> None:
    # given a 民警 (the pages answer him 403): every reports call is refused the same way
    client = as_user(who)
    own_unit = reports["south" if who == "zhang" else "north"].pk
    for path in (
        f"{V1}/reports",
        f"{V1}/reports/{own_unit}",
        f"{V1}/reports/{own_unit}/files/docx",
    ):
        refused = client.get(path)
        assert refused.status_code == 403, path
        assert refused.json()["code"] == "permission_denied"
        assert "报告仅对" in refused.json()["message"]
    assert not AuditEvent.objects.filter(action="report.download").exists()


def test_the_list_filters_and_refuses_a_bad_period(reports: dict[str, Any], as_user: Any) -> None:
    client = as_user("zhou")
    assert client.get(f"{V1}/reports?kind=weekly").json()["count"] == 0
    assert client.get(f"{V1}/reports?kind=daily&period=2026-03-02").json()["count"] == 3
    assert client.get(f"{V1}/reports?period=2026-03-01").json()["count"] == 0
    # unit: that unit and those below (the county holds both stations; the bureau's has none)
    assert client.get(f"{V1}/reports?unit=U-CB").json()["count"] == 1
    assert client.get(f"{V1}/reports?unit=U-XJ").json()["count"] == 2
    assert client.get(f"{V1}/reports?scheduled=true").json()["count"] == 0
    assert client.get(f"{V1}/reports?scheduled=false").json()["count"] == 3
    bad = client.get(f"{V1}/reports?period=三月")
    assert bad.status_code == 422
    assert "期间格式有误" in bad.json()["message"]
    assert client.get(f"{V1}/reports/{reports['south'].pk}/files/pdf").status_code == 422


def test_a_missing_file_answers_404_in_chinese(reports: dict[str, Any], as_user: Any) -> None:
    from fazhi.reports.services import report_root

    r = reports["north"]
    (report_root() / r.docx_path).unlink()
    refused = as_user("wang").get(f"{V1}/reports/{r.pk}/files/docx")
    assert refused.status_code == 404
    assert refused.json()["code"] == "file_missing"
    assert r.number in refused.json()["message"]


def test_anonymous_calls_are_refused(reports: dict[str, Any]) -> None:
    from django.test import Client

    pk = reports["south"].pk
    for path in (f"{V1}/reports", f"{V1}/reports/{pk}", f"{V1}/reports/{pk}/files/docx"):
        assert Client().get(path).status_code == 401


def test_the_list_issues_the_same_queries_for_more_reports(bureau: Any, as_user: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from fazhi.reports.models import Report

    # given report rows (the list reads rows, not files) of several units and generators
    people = ["system", "zhou", "li", "sun"]
    units = [None, "U-CN", "U-CB", "U-XJ"]

    def add(n: int) -> None:
        start = Report.objects.count()
        for i in range(start, start + n):
            Report.objects.create(
                kind="daily", period="2026-03-02", period_label="2026年3月2日",
                unit_id=units[i % 4], year=2026, seq=i + 1, number=f"示公法〔2026〕{i + 1}号",
                title="日巡查", generated_at=timezone.now(), generated_by=people[i % 4],
                docx_path=f"daily/{i}.docx", xlsx_path=f"daily/{i}.xlsx",
            )  # fmt: skip

    client = as_user("zhou")
    client.get(f"{V1}/me")  # the first call after signing in also refreshes the session
    add(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"{V1}/reports").json()["count"] == 2
    add(18)
    with CaptureQueriesContext(connection) as many:
        body = client.get(f"{V1}/reports").json()
    assert body["count"] == 20
    assert {r["generated_by"] for r in body["items"]} == {
        "系统（自动）", "周敏（O-008）", "李娜（O-003）", "孙军（O-007）",
    }  # fmt: skip
    assert len(many.captured_queries) == len(few.captured_queries)
