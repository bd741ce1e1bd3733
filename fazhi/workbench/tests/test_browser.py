"""The workbench in a real browser (Debian chromium): a 民警 sees his warning; a legal officer of
another 派出所 is refused the case page; screenshots of the main pages; no CSP violations."""

from __future__ import annotations

import re
from typing import Any

import pytest

from fazhi.conftest import screenshot, sign_in
from fazhi.testing.scene import Scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_console(page: Any) -> list[str]:
    """Console errors (a CSP violation shows up here) and uncaught script errors."""
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return problems


def test_officer_sees_his_warning_on_the_workbench(page: Any, scene: Scene) -> None:
    problems = watch_console(page)
    # given 张伟's custody warning (officer O-001) due in three hours
    # when he signs in
    sign_in(page, "zhang", scene.bureau.password)
    # then his workbench shows the warning with the time left
    assert page.url.rstrip("/") == page.base_url.rstrip("/")
    warnings = page.locator("#warnings")
    assert "我的执法提醒" in warnings.inner_text()
    assert "提请批捕超期" in warnings.inner_text()
    assert "还剩" in warnings.locator(".clock").first.inner_text()
    assert "张伟" in page.locator(".topbar").inner_text()
    screenshot(page, "workbench-officer")
    # and he follows the warning to its finding page and his case
    warnings.locator("a", has_text="XS-JL-04").first.click()
    page.wait_for_load_state("networkidle")
    assert "期限如何计算" in page.content()
    page.locator("a", has_text="盗窃案").first.click()
    page.wait_for_load_state("networkidle")
    assert "正在计时的法定期限" in page.content()
    assert problems == []


def test_other_stations_legal_officer_is_refused_the_case(page: Any, scene: Scene) -> None:
    sign_in(page, "wang", scene.bureau.password)
    response = page.goto(f"{page.base_url}/cases/{scene.south_case.pk}/")
    assert response is not None
    assert response.status == 404
    assert "盗窃" not in page.content()
    assert "不在您的数据权限范围内" in page.content() or "Not Found" in page.content()
    screenshot(page, "case-refused-404")


def test_screenshots_of_the_main_pages(page: Any, scene: Scene) -> None:
    problems = watch_console(page)
    sign_in(page, "li", scene.bureau.password)
    screenshot(page, "workbench-legal-officer")
    pages = {
        "findings-list": "/findings/",
        "finding-page": f"/findings/{scene.warning.pk}/",
        "case-page": f"/cases/{scene.south_case.pk}/",
        "rule-page": "/rules/XS-JL-04/",
        "standard-page": "/standards/BZ-T-01/",
        "officer-page": f"/officers/{scene.bureau.officers['zhang'].pk}/",
    }
    for name, url in pages.items():
        response = page.goto(page.base_url + url)
        assert response is not None, url
        assert response.status == 200, url
        page.wait_for_load_state("networkidle")
        screenshot(page, name)
    # the transcript's hostile text is shown as text, not run
    page.goto(f"{page.base_url}/cases/{scene.south_case.pk}/")
    page.locator("summary", has_text="笔录内容").first.click()
    assert "<script>alert('x')</script>" in page.locator("pre.text").first.inner_text()
    assert problems == []


def test_legal_brigade_changes_a_rule_in_the_browser(page: Any, scene: Scene) -> None:
    problems = watch_console(page)
    sign_in(page, "zhou", scene.bureau.password)
    page.goto(page.base_url + "/rules/XS-JL-04/")
    page.wait_for_load_state("networkidle")
    page.select_option("select[name=severity]", "严重")
    page.fill("textarea[name=reason]", "上级通知从严")
    page.click("form.settings button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "设置已修改" in page.content()
    assert "上级通知从严" in page.locator("table").last.inner_text()
    screenshot(page, "rule-page-changed")
    assert problems == []


def test_the_print_button_prints_the_finding_without_the_site_around_it(
    page: Any, scene: Scene
) -> None:
    problems = watch_console(page)
    sign_in(page, "li", scene.bureau.password)
    page.goto(f"{page.base_url}/findings/{scene.warning.pk}/")
    # given window.print replaced by a counter (a headless browser has no print dialog)
    # (the script ends in a number: Playwright would call a function it evaluates to)
    page.evaluate("window.__printed = 0; window.print = () => { window.__printed += 1; }; 0")
    # when the legal officer clicks 打印
    page.get_by_role("button", name="打印").click()
    # then the page is printed once (print.js, allowed by the CSP)
    assert page.evaluate("window.__printed") == 1
    # and in print the top bar and the page tools are hidden, the facts are not
    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible()
    assert not page.locator(".page-tools").is_visible()
    assert page.get_by_text("期限如何计算").is_visible()
    assert problems == []


def _minutes(text: str) -> int:
    """The minutes of a clock's words: 还剩 1天2小时, 还剩 2小时59分, 还剩 59分钟."""
    match = re.fullmatch(r"还剩 (?:(\d+)天)?(?:(\d+)小时)?(?:(\d+)分(?:钟)?)?", text)
    assert match, text
    days, hours, minutes = (int(part or 0) for part in match.groups())
    return (days * 24 + hours) * 60 + minutes


def test_the_officers_warning_counts_down_and_closes_when_he_acts(page: Any, scene: Scene) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from fazhi.accounts.services import system_user
    from fazhi.patrol.services import run_patrol
    from fazhi.records import models as m

    problems = watch_console(page)
    # given 张伟's warning to 提请批捕 for 钱某 (A-S1-M1), due in three hours, and the browser's
    # clock under the test's control
    page.clock.install()
    sign_in(page, "zhang", scene.bureau.password)
    clock = page.locator("#warnings .clock").first
    before = _minutes(clock.inner_text())
    assert 170 <= before <= 180
    # when the page stays open for two hours, then the count has moved on the reader's screen
    page.clock.fast_forward("02:00:00")
    after = _minutes(clock.inner_text())
    assert before - after in (119, 120, 121)
    # when he files the 提请批准逮捕 (imported with the case) and the patrol runs again
    event = m.Event.objects.create(
        id="A-S1-E2", kind="提请批准逮捕", at=timezone.now() - timedelta(minutes=5),
        case=scene.south_case, person=scene.person, measure=scene.measure,
    )  # fmt: skip
    m.EventOfficer.objects.create(event=event, officer=scene.bureau.officers["zhang"], position=0)
    run_patrol(as_of=timezone.now(), actor=system_user())
    # then his workbench no longer warns him, and the finding says it was done in time
    page.goto(page.base_url + "/")
    page.wait_for_load_state("networkidle")
    assert "提请批捕超期" not in page.locator("#warnings").inner_text()
    page.goto(f"{page.base_url}/findings/{scene.warning.pk}/")
    page.wait_for_load_state("networkidle")
    assert "已按时办理" in page.content()
    screenshot(page, "warning-closed-in-time")
    assert problems == []
