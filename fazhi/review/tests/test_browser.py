"""研判复核 in a real browser: 李娜 (法制员 城南) works through the suspicion review queue."""

from __future__ import annotations

from typing import Any

import pytest

from fazhi.conftest import screenshot, sign_in
from fazhi.review.tests.test_pages import SHARED_1, build_scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_legal_officer_reviews_a_copied_transcript_and_dismisses_another(
    page: Any, bureau: Any
) -> None:
    from fazhi.rectification.services.precision import rule_precision

    scene = build_scene(bureau)
    sign_in(page, "li", bureau.password)

    # the queue: her unit's suspicions by score, with counts and precision per rule
    page.goto(page.base_url + "/intel/")
    assert page.locator("h1").inner_text() == "研判复核 · 疑点审查"
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == 5
    assert "I-N" not in page.locator("table.queue").inner_text()  # 城北's
    screenshot(page, "review-queue")

    # a BL-01 suspicion: both transcripts side by side, the shared passages highlighted
    page.click("table.queue a:text-is('T-2')")
    page.wait_for_load_state("networkidle")
    columns = page.locator(".side-by-side section.transcript")
    assert columns.count() == 2
    left, right = columns.nth(0).bounding_box(), columns.nth(1).bounding_box()
    assert left
    assert right
    assert left["x"] + left["width"] <= right["x"] + 1
    assert left["y"] == pytest.approx(right["y"], abs=2)
    for col in range(2):
        marks = columns.nth(col).locator("mark.shared")
        assert marks.count() == 2
        assert marks.first.inner_text() == SHARED_1
    assert "<script>" in columns.nth(0).inner_text()  # hostile text shown as text
    assert page.evaluate("document.querySelectorAll('main script, main img').length") == 0
    screenshot(page, "review-bl01")

    # another suspicion (the partner transcript) dismissed with a reason
    page.goto(page.base_url + f"/intel/{scene.f['bl_t1'].pk}/")
    page.fill("input[name=reason]:visible >> nth=-1", "两人同车目击，陈述相近属正常")
    page.click("button:text-is('不予认定')")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/intel/")
    assert "已不予认定" in page.locator("ul.messages").inner_text()
    assert page.locator("table.queue tbody tr").count() == 4
    assert rule_precision("ZN-BL-01")["dismissed"] == 1
