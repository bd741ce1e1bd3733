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


def test_pick_a_worst_case_upload_its_analysis_and_accept_it_in_the_browser(
    page: Any, bureau: Any, tmp_path: Any
) -> None:
    from fazhi.evaluation.models import AnalysisTask
    from fazhi.evaluation.tests.test_cases import Cases
    from fazhi.rectification.tests import samples

    # given October's closed cases of 城南, the worst one with six 严重 problems (score 0)
    Cases(World(bureau))
    # when zhou picks the worst with a reason
    sign_in(page, "zhou", bureau.password)
    page.goto(page.base_url + "/evaluation/cases/?month=2026-10")
    row = page.locator("#worst tbody tr").first
    assert "严重问题 6 项 × 20 = 120 分" in row.inner_text()
    row.locator("textarea[name=reason]").fill("复议被撤销、投诉查实")
    row.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    screenshot(page, "evaluation-cases")
    task = AnalysisTask.objects.get()
    # then 城南's 法制员 finds it on his workbench and uploads the 剖析
    page.context.clear_cookies()
    sign_in(page, "li", bureau.password)
    page.goto(page.base_url + "/")
    page.click("#panel-analysis a")
    page.wait_for_load_state("networkidle")
    document = tmp_path / "剖析.pdf"
    document.write_bytes(samples.pdf())
    page.set_input_files("input[name=file]", str(document))
    page.click("form[enctype] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "待验收" in page.inner_text("#status")
    # and zhou accepts it
    page.context.clear_cookies()
    sign_in(page, "zhou", bureau.password)
    page.goto(page.base_url + f"/evaluation/analyses/{task.pk}/")
    page.click("form:has(select[name=accepted]) button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已验收" in page.inner_text("#status")
    assert AnalysisTask.objects.get().status == "accepted"
