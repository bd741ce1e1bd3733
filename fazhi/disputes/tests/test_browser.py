"""The dispute pages in a real browser: the community officer opens his dispute, records a visit
and sees the regrade."""

from __future__ import annotations

from typing import Any

import pytest

from fazhi.accounts.services import system_user
from fazhi.conftest import screenshot, sign_in
from fazhi.disputes import services
from fazhi.disputes.models import Dispute
from fazhi.disputes.tests.builders import NOW, incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_records_a_visit_in_the_browser(page: Any, bureau: Any) -> None:
    # given a yellow dispute of zhang's (a knife, 30 points)
    incident(bureau, "JQ-B-1", "报警人称邻居手持菜刀在门口叫骂。", dispute_type="其他")
    services.tick_disputes(NOW, system_user())
    dispute = Dispute.objects.get(incident_id="JQ-B-1")
    sign_in(page, "zhang", bureau.password)
    # when he opens his visit list and the dispute
    page.goto(page.base_url + "/disputes/visits/")
    page.click("text=JQ-B-1")
    page.wait_for_load_state("networkidle")
    assert "警情描述涉及凶器" in page.inner_text("#reasons")
    screenshot(page, "disputes-detail")
    # and records a visit that finds a risk of escalation
    page.fill("#followup-form input[name=at]", "2026-10-08T10:00")
    page.select_option("#followup-form select[name=result]", "有激化风险")
    page.fill("#followup-form input[name=note]", "一方情绪激动")
    page.click("#followup-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    # then the dispute is red with the visit's reason
    assert "红色" in page.inner_text("#colour")
    assert "有激化风险" in page.inner_text("#reasons")
    dispute.refresh_from_db()
    assert dispute.score == 60
