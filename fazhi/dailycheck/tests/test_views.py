"""The daily pages: who may open and act on which, and queries constant in the records."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fazhi.accounts.services import system_user
from fazhi.core.models import AuditEvent
from fazhi.core.scope import scope_of
from fazhi.dailycheck import services
from fazhi.dailycheck.models import DailyAnswer, DailySheet
from fazhi.dailycheck.panels import workbench_panel

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)


def today():
    return timezone.localdate()


def generate():
    now = timezone.now()
    services.generate_sheets(timezone.localdate(now), now, actor=system_user())


def sheet_url(unit_id="U-CN", day=None):
    return f"/daily/{unit_id}/{(day or today()).isoformat()}/"


def as_user(client, bureau, name):
    client.force_login(bureau.users[name])
    return client


@pytest.fixture
def sheets(build):
    build.incident(received_at=timezone.now() - 25 * H, address="城南路<script>alert(1)</script>")
    generate()


def test_anonymous_is_sent_to_sign_in(client, sheets):
    for url in ("/daily/", sheet_url(), "/daily/stats/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login/" in response["Location"], url


def test_daily_index_shows_a_legal_officer_his_units_sheet(client, bureau, sheets):
    response = as_user(client, bureau, "li").get("/daily/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "城南派出所 · 每日十问" in body
    assert "Q10" in body
    assert 'name="note"' in body
    assert "城北派出所" not in body


def test_daily_index_shows_leaders_a_table_of_the_units_in_scope(client, bureau, sheets):
    body = as_user(client, bureau, "zhou").get("/daily/").content.decode()
    assert "城南派出所" in body
    assert "城北派出所" in body
    assert "0</strong> / 2" in body
    body = as_user(client, bureau, "sun").get("/daily/").content.decode()
    assert "城南派出所" in body
    assert "城北派出所" not in body


def test_daily_index_refuses_an_officer(client, bureau, sheets):
    assert as_user(client, bureau, "zhang").get("/daily/").status_code == 403


def test_sheet_page_allowed_in_scope_refused_outside(client, bureau, sheets):
    for name in ("li", "chen", "sun", "zhou", "wu", "admin"):
        assert as_user(client, bureau, name).get(sheet_url()).status_code == 200, name
    for name in ("wang", "zhang", "zhao"):
        assert as_user(client, bureau, name).get(sheet_url()).status_code == 404, name
    assert as_user(client, bureau, "li").get("/daily/U-CN/not-a-date/").status_code == 404
    assert as_user(client, bureau, "li").get(sheet_url(day=dt.date(2020, 1, 1))).status_code == 404


def test_opening_a_sheet_is_audited_with_the_user_and_address(client, bureau, sheets):
    # given li, the legal officer of 城南
    sheet = DailySheet.objects.get(unit_id="U-CN", day=today())
    # when he opens his unit's sheet of today
    as_user(client, bureau, "li").get(sheet_url(), REMOTE_ADDR="10.8.8.8")
    # then the audit log says who opened which sheet from where
    event = AuditEvent.objects.get(action="view.daily_sheet")
    assert (event.actor, event.target_type, event.target_id, event.remote_addr) == (
        "li", "daily_sheet", str(sheet.pk), "10.8.8.8",
    )  # fmt: skip


def test_sheet_page_lists_the_records_escaped_with_their_links(client, bureau, sheets):
    body = as_user(client, bureau, "li").get(sheet_url()).content.decode()
    record = DailyAnswer.objects.get(sheet__unit_id="U-CN", code="Q01").records[0]
    assert f'href="/incidents/{record["id"]}/"' in body
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_only_the_units_legal_officer_sees_confirm_forms(client, bureau, sheets):
    assert 'name="note"' in as_user(client, bureau, "li").get(sheet_url()).content.decode()
    assert 'name="note"' not in as_user(client, bureau, "chen").get(sheet_url()).content.decode()


def confirm_url(unit_id, code):
    return f"/daily/answer/{DailyAnswer.objects.get(sheet__unit_id=unit_id, code=code).pk}/confirm/"


def test_li_confirms_through_the_page(client, bureau, sheets):
    response = as_user(client, bureau, "li").post(
        confirm_url("U-CN", "Q01"), {"note": "已督促处置", "seen_count": "1"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#Q01")
    assert DailyAnswer.objects.get(sheet__unit_id="U-CN", code="Q01").confirmed_by == "li"


def test_a_confirmation_without_the_required_note_is_shown_back(client, bureau, sheets):
    response = as_user(client, bureau, "li").post(confirm_url("U-CN", "Q01"), {"note": ""})
    assert response.status_code == 400
    assert "必须填写说明" in response.content.decode()
    assert DailyAnswer.objects.get(sheet__unit_id="U-CN", code="Q01").confirmed_at is None


def test_confirm_refused_to_others(client, bureau, sheets):
    url = confirm_url("U-CN", "Q02")
    assert as_user(client, bureau, "wang").post(url, {"note": "x"}).status_code == 404
    assert as_user(client, bureau, "zhang").post(url, {"note": "x"}).status_code == 403
    assert as_user(client, bureau, "chen").post(url, {"note": "x"}).status_code == 403
    assert as_user(client, bureau, "li").get(url).status_code == 405
    assert DailyAnswer.objects.get(sheet__unit_id="U-CN", code="Q02").confirmed_at is None


def test_generate_by_hand(client, bureau, build):
    assert as_user(client, bureau, "chen").post("/daily/generate/").status_code == 403
    assert as_user(client, bureau, "zhang").post("/daily/generate/").status_code == 403
    assert DailySheet.objects.count() == 0
    assert as_user(client, bureau, "li").post("/daily/generate/").status_code == 302
    assert DailySheet.objects.filter(day=today()).count() == 2


def test_index_before_generation_offers_to_generate(client, bureau, build):
    body = as_user(client, bureau, "li").get("/daily/").content.decode()
    assert "尚未生成" in body
    assert "/daily/generate/" in body


def test_stats_page_allowed_and_refused(client, bureau, sheets):
    body = as_user(client, bureau, "zhou").get("/daily/stats/").content.decode()
    assert "城南派出所" in body
    assert "城北派出所" in body
    body = as_user(client, bureau, "wang").get("/daily/stats/").content.decode()
    assert "城北派出所" in body
    assert "城南派出所" not in body
    assert as_user(client, bureau, "zhang").get("/daily/stats/").status_code == 403
    bad = as_user(client, bureau, "zhou").get("/daily/stats/?start=2026-13-01")
    assert bad.status_code == 400
    assert "统计期间有误" in bad.content.decode()


def test_workbench_panel_per_role(rf, bureau, sheets):
    def panel(name):
        request = rf.get("/")
        request.user = bureau.users[name]
        return workbench_panel(request, scope_of(bureau.users[name]))

    li = panel("li")
    assert li["mode"] == "unit"
    assert li["with_records"] == 1
    assert li["confirmed"] == 0
    assert li["template"] == "dailycheck/panel.html"
    assert li["title"] == "本单位每日十问"
    assert panel("sun")["mode"] == "unit"
    zhou = panel("zhou")
    assert zhou["mode"] == "bureau"
    assert zhou["total"] == 2
    assert zhou["completed"] == 0
    assert panel("zhang") is None
    assert panel("zhao") is None


def test_panel_template_renders(rf, bureau, sheets):
    from django.template.loader import render_to_string

    for name in ("li", "zhou"):
        request = rf.get("/")
        request.user = bureau.users[name]
        panel = workbench_panel(request, scope_of(bureau.users[name]))
        assert panel is not None
        html = render_to_string(panel["template"], {"panel": panel}, request=request)
        assert panel["title"] in html


@pytest.mark.parametrize("url", ["sheet", "/daily/", "/daily/stats/"])
def test_pages_issue_the_same_number_of_queries_for_2_and_20_records(
    client, bureau, build, django_assert_max_num_queries, url
):
    def add(n):
        for _ in range(n):
            build.incident(received_at=timezone.now() - 25 * H)
            build.property("待入库", timezone.now() - 30 * H)
        generate()

    path = sheet_url() if url == "sheet" else url
    add(2)
    as_user(client, bureau, "zhou")
    client.get(path)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    add(18)
    assert DailyAnswer.objects.get(sheet__unit_id="U-CN", code="Q01").count == 20
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(path).status_code == 200


def test_stats_refuse_a_period_that_ends_before_it_starts(client, bureau, sheets):
    # given the 法制大队 asking for a period backwards
    bad = as_user(client, bureau, "zhou").get("/daily/stats/?start=2026-05-10&end=2026-05-01")
    # then the page says why (and shows the default period's table instead)
    assert bad.status_code == 400
    assert "统计期间有误：开始日期晚于结束日期" in bad.content.decode()
