"""抑制 on the pages: a deadline finding timed from a measure whose times are reversed (SJ-03)
is shown under the SJ-03 finding, on the case page and on both findings' pages, and pushes no
problem of its own (the pack's real relation, synced by the scene)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from fazhi.accounts.services import system_user
from fazhi.rectification.models import Problem
from fazhi.rectification.services.creation import create_problems_from_findings
from fazhi.testing.scene import make_finding

pytestmark = pytest.mark.django_db


@pytest.fixture
def reversed_measure(scene: Any) -> Any:
    """SJ-03 on the 城南 detention, and the XS-JL-01 deadline timed from its start (overdue)."""
    common = {"subject_type": "measure", "subject_id": scene.measure.pk,
              "unit": scene.bureau.units["south"], "officer": scene.bureau.officers["zhang"],
              "case": scene.south_case}  # fmt: skip
    source = make_finding(
        "SJ-03", status="violation", explanation="解除时间早于执行时间。", **common
    )
    follower = make_finding(
        "XS-JL-01", status="overdue", trigger_at=scene.measure.started_at,
        due_at=scene.measure.started_at, explanation="拘留后24小时内送看守所。", **common,
    )  # fmt: skip
    return source, follower


def test_the_follower_pushes_no_problem_while_the_source_is_open(scene, reversed_measure):
    source, follower = reversed_measure
    create_problems_from_findings(timezone.now(), system_user())
    assert Problem.objects.filter(finding=source).exists()
    assert not Problem.objects.filter(finding=follower).exists()


def test_the_case_page_lists_the_follower_under_its_source(scene, reversed_measure):
    source, follower = reversed_measure
    page = scene.client("li").get(f"/cases/{scene.south_case.pk}/").content.decode()
    # the follower's line sits inside the source's (a nested list), not as a line of its own
    at = page.index(f'href="/findings/{source.pk}/"')
    nested = page.index('class="inhibited"', at)
    assert page.index(f'href="/findings/{follower.pk}/"') > nested
    assert page.count(f'href="/findings/{follower.pk}/"') == 1
    assert "由此引起（抑制，暂不推送整改）" in page


def test_the_finding_pages_link_source_and_follower(scene, reversed_measure):
    source, follower = reversed_measure
    client = scene.client("li")
    held = client.get(f"/findings/{follower.pk}/").content.decode()
    assert 'id="inhibited"' in held
    assert f'href="/findings/{source.pk}/"' in held
    top = client.get(f"/findings/{source.pk}/").content.decode()
    assert 'id="followers"' in top
    assert f'href="/findings/{follower.pk}/"' in top
    # once the source closes, neither page speaks of inhibition
    source.is_open = False
    source.save()
    assert 'id="inhibited"' not in client.get(f"/findings/{follower.pk}/").content.decode()
    assert 'id="followers"' not in client.get(f"/findings/{source.pk}/").content.decode()


def test_a_refused_user_sees_neither(scene, reversed_measure):
    source, follower = reversed_measure
    # 赵强 (民警, 城北) may not read the 城南 findings
    client = scene.client("zhao")
    assert client.get(f"/findings/{follower.pk}/").status_code == 404
    assert client.get(f"/findings/{source.pk}/").status_code == 404
