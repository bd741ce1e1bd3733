"""The evaluation in a real browser: the 法制大队 computes October, checks and publishes it; the
officer opens his score's explanation and appeals one deduction."""

from __future__ import annotations

from typing import Any

import pytest

from fazhi.conftest import screenshot, sign_in
from fazhi.evaluation.models import Appeal, Evaluation
from fazhi.evaluation.tests.conftest import World, sh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_compute_check_publish_and_appeal_in_the_browser(page: Any, bureau: Any) -> None:
    # given 城南 with 100 cases and a problem of zhang's in October
    world = World(bureau)
    world.cases("south", 100, sh(2026, 10, 3), lead="zhang")
    world.problem("zhang", act_at=sh(2026, 10, 5))
    # when zhou computes October, checks and publishes it
    sign_in(page, "zhou", bureau.password)
    page.goto(page.base_url + "/evaluation/")
    page.fill("#compute-form input[name=month]", "2026-10")
    page.click("#compute-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "草稿" in page.inner_text("#version-status")
    page.click("#check-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.click("#publish-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已发布" in page.inner_text("#version-status")
    screenshot(page, "evaluation-rankings")
    assert Evaluation.objects.get().status == "published"
    # then zhang opens his score and appeals the deduction
    page.context.clear_cookies()
    sign_in(page, "zhang", bureau.password)
    page.goto(page.base_url + "/")
    page.click("#panel-evaluation a")
    page.wait_for_load_state("networkidle")
    assert "MJ-01" in page.inner_text("#items")
    page.fill("#items textarea[name=reason]", "回执已按时出具")
    page.click("#items button[type=submit]")
    page.wait_for_load_state("networkidle")
    screenshot(page, "evaluation-score")
    assert Appeal.objects.get().reason == "回执已按时出具"
