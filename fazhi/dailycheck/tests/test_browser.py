"""每日十问 in a real browser: the 法制员 opens today's sheet, expands a question, confirms it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fazhi.accounts.services import system_user
from fazhi.conftest import screenshot, sign_in
from fazhi.dailycheck import services
from fazhi.dailycheck.models import DailyAnswer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_legal_officer_confirms_a_question_in_the_browser(page, bureau, build):
    now = timezone.now()
    build.incident(received_at=now - dt.timedelta(hours=30), address="城南路8号")
    build.property("待入库", now - dt.timedelta(hours=30))
    services.generate_sheets(timezone.localdate(now), now, actor=system_user())

    sign_in(page, "li", bureau.password)
    page.goto(page.base_url + "/daily/")
    row = page.locator("tr#Q01")
    row.locator("summary", has_text="查看1条记录").click()
    assert "城南路8号" in row.inner_text()
    screenshot(page, "daily-sheet")

    row.locator("textarea[name=note]").fill("已电话督促处警民警，今日内处置完毕")
    row.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "已确认" in page.locator("tr#Q01").inner_text()
    answer = DailyAnswer.objects.get(sheet__unit_id="U-CN", code="Q01")
    assert answer.confirmed_by == "li"

    page.goto(page.base_url + "/daily/stats/")
    assert "城南派出所" in page.content()
    screenshot(page, "daily-stats")
