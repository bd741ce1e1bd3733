"""The browser harness itself: Debian chromium signs in through the real login form."""

from __future__ import annotations

import pytest

from fazhi.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_user_signs_in_in_a_real_browser(page, bureau):
    page.goto(page.base_url + "/login/")
    screenshot(page, "login")
    sign_in(page, "zhang", bureau.password)
    assert "/login/" not in page.url
    assert "张伟" in page.content()
