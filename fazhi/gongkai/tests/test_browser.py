"""A member of the public follows a case with the code on his 受案回执 and rates it, in a real
browser on a phone-sized screen, without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest

from fazhi.gongkai.models import Rating
from fazhi.gongkai.tests.builders import issue, make_case
from fazhi.records import models as m

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_public_follows_a_case_and_rates_it(
    browser: Any, live_server: Any, bureau: Any
) -> None:
    # given a case sent for prosecution, and the code zhang printed on the 受案回执
    case = make_case(bureau, events=("立案告知", "移送审查起诉"))
    code = issue(bureau, case)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                  java_script_enabled=False)  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(15_000)
    # when the reporter opens the portal on his phone and types the code, then his phone's tail
    page.goto(live_server.url + "/gongkai/")
    page.fill("input[name=code]", f"{code[:4]} {code[4:8]} {code[8:]}".lower())
    page.click("button[type=submit]")
    page.fill("input[name=tail]", "5678")
    page.click("button[type=submit]")
    # then he sees the milestones and the unit
    steps = page.inner_text("#steps")
    assert "受案" in steps
    assert "立案" in steps
    assert "移送审查起诉" in steps
    assert page.inner_text("#unit") == "城南派出所"
    # when he rates the 受案 with 4 and a comment
    page.click("#step-1 summary")
    page.check("#step-1 input[name=score][value='4']")
    page.fill("#step-1 textarea[name=comment]", "民警很耐心")
    page.click("#step-1 button[type=submit]")
    # then it is thanked and kept, and the step shows his rating instead of the form
    assert "感谢您的评价" in page.inner_text("main")
    assert "您的评价：4分" in page.inner_text("#step-1")
    assert list(Rating.objects.values_list("milestone", "score", "comment")) == [
        ("受案", 4, "民警很耐心")
    ]
    # and a complaint goes to the 法制大队 as a complaint record
    page.fill("#complaint textarea[name=content]", "希望尽快告知处理结果")
    page.click("#complaint button[type=submit]")
    assert "投诉已收到" in page.inner_text("main")
    assert m.Complaint.objects.get().channel == "执法公开平台"
    context.close()
