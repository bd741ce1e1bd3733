"""The standards library in a real browser (Debian chromium): 周敏 (法制大队) finds the standards
no rule enforces, publishes a new version of one standard with a reason, reads what changed,
abolishes another, and downloads the library as a file."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fazhi.accounts.services import system_user
from fazhi.conftest import screenshot, sign_in
from fazhi.patrol.pack import load_pack
from fazhi.patrol.services import sync_rules
from fazhi.standards.models import Standard
from fazhi.standards.services import sync_pack_standards

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_legal_brigade_revises_abolishes_and_exports(page: Any, bureau: Any) -> None:
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    sync_rules(load_pack())
    sync_pack_standards(actor=system_user())
    # given 周敏 on the library
    sign_in(page, "zhou", bureau.password)
    page.goto(page.base_url + "/standards/")
    assert "仅书面标准（尚无规则执行：0 条）" in page.locator("main").inner_text()
    # when she opens BZ-LC-01 and publishes a new version with a reason
    page.locator("a", has_text="BZ-LC-01").first.click()
    page.wait_for_load_state("networkidle")
    page.locator("summary", has_text="发布新版本").click()
    form = page.locator("form[action='/standards/BZ-LC-01/revise/']")
    text = form.locator("textarea[name=text]")
    text.fill(text.input_value().replace("24小时", "12小时"))
    form.locator("input[name=effective_from]").fill("2026-06-01")
    form.locator("textarea[name=reason]").fill("局务会决定收紧处置时限")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    # then she is back on the page, which shows version 2, why, and what changed
    main = page.locator("main")
    assert "已发布标准 BZ-LC-01 第2版" in page.inner_text("body")
    assert "修订理由：局务会决定收紧处置时限" in main.inner_text()
    assert page.locator("#v2 .diff del").all_inner_texts() == ["24"]
    assert page.locator("#v2 .diff ins").all_inner_texts() == ["12"]
    screenshot(page, "standards-history")

    # when she abolishes BZ-LC-02 with a reason
    page.goto(page.base_url + "/standards/BZ-LC-02/")
    page.locator("summary", has_text="废除本标准").click()
    form = page.locator("form[action='/standards/BZ-LC-02/abolish/']")
    form.locator("input[name=abolished_on]").fill("2026-03-01")
    form.locator("textarea[name=reason]").fill("并入新的办案区规范")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    # then the page says so, and the library no longer lists it as current
    assert "废除人 周敏" in page.locator("main").inner_text()
    assert Standard.objects.get(code="BZ-LC-02").abolition_reason == "并入新的办案区规范"
    page.goto(page.base_url + "/standards/")
    assert "BZ-LC-02" not in page.locator("main table").inner_text()

    # and the library downloads as a file with both changes
    with page.expect_download() as download:
        page.locator("a", has_text="导出标准库文件").click()
    path = download.value.path()
    with open(path, encoding="utf-8") as handle:
        lines = [json.loads(line) for line in handle]
    by_code = {line.get("code"): line for line in lines[1:]}
    assert len(by_code["BZ-LC-01"]["versions"]) == 2
    assert by_code["BZ-LC-02"]["abolished"] == {"on": "2026-03-01", "reason": "并入新的办案区规范"}
    assert problems == []
