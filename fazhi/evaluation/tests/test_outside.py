"""The outside-rating indicator (WB-01) from the public portal's ratings: the month's average
rating of the unit's milestones mapped onto the scheme's outside weight (5 deducts nothing, 1
deducts it all); 未导入 for a unit without ratings in the month."""

from __future__ import annotations

from typing import Any

import pytest

from fazhi.evaluation.compute import OUTSIDE_CODE
from fazhi.evaluation.models import Score
from fazhi.evaluation.tests.conftest import sh, unit_row
from fazhi.gongkai.models import QueryCode, Rating

pytestmark = pytest.mark.django_db


def rate(case: Any, milestone: str, at: Any, score: int, n: int) -> None:
    code = QueryCode.objects.create(case_id=case.pk, person_id="P-x", digest=f"{n:064d}",
                                    issued_by="zhang", revoked_at=at)  # fmt: skip
    Rating.objects.create(code=code, case_id=case.pk, unit_id=case.unit_id, milestone=milestone,
                          milestone_at=at, score=score, created_at=at)  # fmt: skip


def outside(row: dict[str, Any]) -> dict[str, Any]:
    score = Score.objects.filter(subject="unit", unit_id=row["unit_id"]).latest("pk")
    return next(i for i in score.indicators if i.get("code") == OUTSIDE_CODE)


def test_the_portals_ratings_score_the_outside_indicator(world: Any, evaluate: Any) -> None:
    # given 城南's 100 October cases, one problem, and its parties' ratings 4 and 2 of October
    # milestones, and a 1 of a September milestone (another month's act)
    cases = world.cases("south", 100, sh(2026, 10, 3))
    world.problem("zhang", act_at=sh(2026, 10, 5))
    rate(cases[0], "受案", sh(2026, 10, 3), 4, 1)
    rate(cases[1], "受案", sh(2026, 10, 4), 2, 2)
    rate(cases[2], "立案", sh(2026, 9, 30), 1, 3)
    # when October is computed
    data = evaluate()
    south = unit_row(data, "U-CN")
    # then the average 3 deducts 20 × (5 − 3) / 4 = 10 of the outside weight 20
    entry = outside(south)
    assert (entry["status"], entry["items"], entry["average"], entry["deducted"]) == (
        "已计分",
        2,
        "3.00",
        "10.000",
    )
    assert south["score"] == 83.08  # 100 × (45 + 20 − 1 − 10) / 65
    # and 城北, without ratings, keeps it 未导入 (its score over the patrol's 45 alone)
    north = unit_row(data, "U-CB")
    assert outside(north)["status"] == "未导入"
    assert north["score"] == 100.0
