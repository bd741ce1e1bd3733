"""The 大屏 in a real browser at 1920×1080: drawn with its charts, then redrawing its numbers
when the data changes, without reloading the page; and still usable at 1366×768."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from fazhi.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_screen_runs_full_screen_and_refreshes_its_numbers(
    browser: Any, live_server: Any, scene: Any, settings: Any
) -> None:
    # given a screen polling every 2 seconds with no cache, and the scene's one open warning
    settings.FAZHI_SCREEN_REFRESH_SECONDS = 2
    settings.FAZHI_SCREEN_CACHE_SECONDS = 0
    cache.clear()
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    try:
        # when the 法制大队's zhou opens the screen
        sign_in(page, "zhou", scene.bureau.password)
        page.goto(live_server.url + "/screen/")
        page.wait_for_selector("[data-chart=chart-trend] svg")
        # then the headline shows the warning, the charts are drawn, the clock is on the list
        assert page.inner_text("[data-figure=warnings]") == "1"
        assert page.locator(".chart svg").count() >= 1
        assert "钱某" in page.inner_text("#board")
        screenshot(page, "screen-1920x1080")
        # when the warning is closed (the act was done) while the screen stays open
        page.evaluate("window.__stayed = true")
        scene.warning.is_open = False
        scene.warning.save()
        # then the board redraws the count within a poll, on the same page (no reload)
        expect(page.locator("[data-figure=warnings]")).to_have_text("0", timeout=15_000)
        assert page.evaluate("window.__stayed === true")
        page.wait_for_selector("[data-chart=chart-trend] svg")
        # and at 1366×768 nothing runs off the side of the screen
        page.set_viewport_size({"width": 1366, "height": 768})
        page.wait_for_timeout(300)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        screenshot(page, "screen-1366x768")
    finally:
        context.close()
