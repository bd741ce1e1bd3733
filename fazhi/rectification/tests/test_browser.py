"""The rectification loop in a real browser: 李娜 pushes, 张伟 fixes with proof, 李娜 销号."""

from __future__ import annotations

import pytest

from fazhi.conftest import screenshot, sign_in
from fazhi.rectification.models import Problem, ProblemStatus
from fazhi.rectification.tests.conftest import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def switch_user(page, username: str, password: str) -> None:
    page.context.clear_cookies()
    sign_in(page, username, password)


def test_push_fix_and_strike_off(page, bureau, make_finding, tmp_path):
    # given a violation found about 张伟's case
    finding = make_finding("zhang", status="violation", subject="C-2026-001")
    proof = tmp_path / "整改报告.pdf"
    proof.write_bytes(PDF)

    # 李娜 (法制员 城南) opens the finding's push page and pushes it
    sign_in(page, "li", bureau.password)
    page.goto(f"{page.base_url}/problems/push/{finding.pk}/")
    assert "C-2026-001" in page.content()
    page.fill("#finding-action textarea[name=comment]", "请于期限内补出具受案回执")
    page.click("#finding-action button[type=submit]")
    page.wait_for_load_state("networkidle")
    problem = Problem.objects.get()
    assert page.url.endswith(f"/problems/{problem.pk}/")
    assert page.inner_text("#problem-status") == "待整改"

    # 张伟 signs in, finds it in his list, and submits a fix with the report attached
    switch_user(page, "zhang", bureau.password)
    page.goto(f"{page.base_url}/problems/")
    page.click(f"a[href='/problems/{problem.pk}/']")
    page.wait_for_load_state("networkidle")
    page.fill("#form-submit_fix textarea[name=comment]", "已补出具受案回执，见附件")
    page.set_input_files("#form-submit_fix input[name=files]", str(proof))
    page.click("#form-submit_fix button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#problem-status") == "已整改待审核"
    assert "整改报告.pdf" in page.content()

    # 李娜 reviews and strikes it off
    switch_user(page, "li", bureau.password)
    page.goto(f"{page.base_url}/problems/?status=fixed")
    screenshot(page, "problem-list")
    page.click(f"a[href='/problems/{problem.pk}/']")
    page.wait_for_load_state("networkidle")
    page.fill("#form-approve_fix textarea[name=comment]", "整改到位")
    page.click("#form-approve_fix button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#problem-status") == "已销号"
    screenshot(page, "problem-detail")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED
    assert problem.attachments.get().original_name == "整改报告.pdf"
    assert list(problem.actions.values_list("actor", "verb")) == [
        ("li", "push"),
        ("zhang", "submit"),
        ("li", "approve"),
    ]
