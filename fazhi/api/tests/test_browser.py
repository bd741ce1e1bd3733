"""The interactive docs work in a real browser under the site's Content-Security-Policy, and
a call made from them (session + CSRF header) is answered."""

from __future__ import annotations

import pytest

from fazhi.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signed_in_user_reads_the_docs_and_calls_the_api(page, bureau):
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    sign_in(page, "li", bureau.password)
    page.goto(page.base_url + "/api/v1/docs")
    page.wait_for_selector("text=fazhi API")
    page.locator(".opblock-summary-path", has_text="/api/v1/findings").first.wait_for()
    screenshot(page, "api-docs")
    assert not [e for e in errors if "Content Security Policy" in e]
    # the signed-in page can call the API with its session
    body = page.evaluate("fetch('/api/v1/me').then(r => r.json())")
    assert body["username"] == "li"


def test_anonymous_browser_is_sent_to_sign_in(page, bureau):
    page.goto(page.base_url + "/api/v1/docs")
    assert "/login/" in page.url
