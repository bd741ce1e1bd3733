"""The top bar's search box in a real browser (Debian chromium): 城南's 法制员 looks a person up
by 身份证号 and a case by its cause, and opens what she found; a 城北 民警 finds nothing of 城南."""

from __future__ import annotations

from typing import Any

import pytest

from fazhi.conftest import screenshot, sign_in
from fazhi.core.audit_actions import AuditAction
from fazhi.core.models import AuditEvent
from fazhi.search.tests.conftest import ID_NUMBER, Scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def search_from_top_bar(page: Any, query: str) -> None:
    box = page.locator(".topbar form.search input[name=q]")
    box.fill(query)
    box.press("Enter")
    page.wait_for_load_state("networkidle")


def test_legal_officer_searches_from_the_top_bar(page: Any, bureau: Any, scene: Scene) -> None:
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    # given 李娜 (法制员 城南) on her workbench
    sign_in(page, "li", bureau.password)
    # when she types a whole 身份证号 into the top bar's box
    search_from_top_bar(page, ID_NUMBER)
    # then the results page lists 城南's 孙小红 with the number masked, not 城北's
    assert "/search/" in page.url
    persons = page.locator("#kind-person")
    assert persons.locator("h2").inner_text().startswith("涉案人员")
    assert persons.locator("li a").all_inner_texts() == ["孙小红"]
    assert "110101********123X" in persons.inner_text()
    assert ID_NUMBER not in page.locator("main").inner_text()
    assert page.locator(".topbar form.search input[name=q]").input_value() == ID_NUMBER
    screenshot(page, "search-id-number")

    # when she searches a cause, the cases of her unit come grouped under 案件
    search_from_top_bar(page, "盗窃")
    cases = page.locator("#kind-case li a")
    assert cases.all_inner_texts() == ["盗窃案（C-S2）", "盗窃案（C-S1）"]
    screenshot(page, "search-cause")
    # and a hit opens the record's page
    cases.last.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/cases/C-S1/")
    assert "盗窃" in page.locator("h1").inner_text()

    # a one-character query is refused with the reason, searching nothing
    search_from_top_bar(page, "盗")
    assert "太短" in page.locator("main p.error").inner_text()

    searches = AuditEvent.objects.filter(action=AuditAction.SEARCH, actor="li").order_by("seq")
    assert [r.details["query"] for r in searches] == ["110101********123X", "盗窃"]
    assert problems == []


def test_officer_of_another_station_finds_nothing_of_it(
    page: Any, bureau: Any, scene: Scene
) -> None:
    sign_in(page, "zhao", bureau.password)
    search_from_top_bar(page, "城南幸福路")
    assert "没有找到符合“城南幸福路”的记录" in page.locator("main").inner_text()
    search_from_top_bar(page, "幸福路")
    assert page.locator("#kind-incident li a").all_inner_texts() == ["警情 J-N1"]
