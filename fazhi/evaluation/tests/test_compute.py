"""Each indicator on hand-made data (the deduction, the cap, normalisation, never below zero),
未导入, the vetoes, the grades at their thresholds, month attribution, the officers' minimum case
count, the middle leaders' duties. October 2026 computed on 10 November (``AS_OF``).

With the default scheme and only patrol data imported, a unit's scored weights are DW-01 20 +
DW-02 15 + DW-03 10 = 45 (reviews, complaints, safety events and outside ratings 未导入), so its
score is 100 × (45 − deducted) / 45.
"""

from __future__ import annotations

from typing import Any

import pytest

from fazhi.evaluation.scheme import load
from fazhi.evaluation.tests.conftest import officer_row, sh, unit_row
from fazhi.records import models as m

pytestmark = pytest.mark.django_db


def items(row: dict[str, Any], indicator: str) -> list[dict[str, Any]]:
    return [i for i in row["items"] if i["indicator"] == indicator]


def test_each_problem_deducts_per_100_cases_of_the_unit(world: Any, evaluate: Any) -> None:
    # given 城南 handled 100 cases in October and zhang has three 一般 problems of October
    world.cases("south", 100, sh(2026, 10, 3))
    made = [world.problem("zhang", act_at=sh(2026, 10, d)) for d in (5, 6, 7)]
    # when October is computed
    data = evaluate()
    south = unit_row(data, "U-CN")
    # then each costs 1 point per 100 cases, explained down to the problem
    assert items(south, "DW-01") == [
        {"indicator": "DW-01", "points": 1.0, "record_type": "problem", "record_id": str(p.pk)}
        for p in made
    ]
    assert south["score"] == 93.33  # 100 × (45 − 3) / 45
    assert south["grade"] == "优秀"
    assert unit_row(data, "U-CB")["score"] == 100.0


def test_a_quiet_unit_pays_more_per_problem_down_to_the_workload_floor(
    world: Any, evaluate: Any
) -> None:
    # given 城北 handled 10 cases (below the floor of 20) and 城南 400, one problem each
    world.cases("north", 10, sh(2026, 10, 3))
    world.cases("south", 400, sh(2026, 10, 3))
    world.problem("zhao", act_at=sh(2026, 10, 5))
    world.problem("zhang", act_at=sh(2026, 10, 5))
    data = evaluate()
    # then 城北's costs 100 / 20 = 5 points, 城南's 100 / 400 = 0.25
    assert items(unit_row(data, "U-CB"), "DW-01")[0]["points"] == 5.0
    assert items(unit_row(data, "U-CN"), "DW-01")[0]["points"] == 0.25
    # officers are not normalised: 2 points each (MJ-01)
    assert items(officer_row(data, "O-002"), "MJ-01")[0]["points"] == 2.0


def test_an_indicator_deducts_at_most_its_cap(world: Any, evaluate: Any) -> None:
    # given thirty 一般 problems at 100 cases: 30 points against a cap of 20
    world.cases("south", 100, sh(2026, 10, 3))
    for d in range(30):
        world.problem("zhang", act_at=sh(2026, 10, 1 + d % 28))
    data = evaluate()
    south = unit_row(data, "U-CN")
    assert len(items(south, "DW-01")) == 30
    assert south["score"] == 55.56  # 100 × (45 − 20) / 45
    assert south["grade"] == "不达标"


def test_a_score_never_falls_below_zero(world: Any, evaluate: Any) -> None:
    # given a unit with no workload and every patrol indicator far past its cap
    for d in range(20):
        world.problem("zhao", act_at=sh(2026, 10, 1 + d))
    for d in range(10):
        world.problem("zhao", act_at=sh(2026, 10, 1 + d), severity="严重", late=True)
    data = evaluate()
    # then it stops at zero
    assert unit_row(data, "U-CB")["score"] == 0.0


def test_without_imported_data_a_unit_is_not_imported_rather_than_full_or_zero(
    bureau: Any, evaluate: Any
) -> None:
    # given no patrol run, reviews, complaints or safety events at all
    data = evaluate()
    # then 城南 has no score, is 未导入, and is not ranked
    south = unit_row(data, "U-CN")
    assert (south["score"], south["grade"], south["rank"], south["standing"]) == (
        None, None, None, "未导入",
    )  # fmt: skip


def test_late_rectification_counts_in_the_month_of_its_due_time(world: Any, evaluate: Any) -> None:
    world.cases("south", 100, sh(2026, 10, 3))
    late_fixed = world.problem(
        "zhang", act_at=sh(2026, 9, 28), due_at=sh(2026, 10, 10), fixed_at=sh(2026, 10, 12)
    )
    world.problem(
        "zhang", act_at=sh(2026, 9, 28), due_at=sh(2026, 10, 10), fixed_at=sh(2026, 10, 9)
    )
    unfixed = world.problem("zhang", act_at=sh(2026, 9, 29), due_at=sh(2026, 10, 20), late=True)
    world.problem("zhang", act_at=sh(2026, 10, 30), due_at=sh(2026, 11, 12), late=True)  # not yet
    data = evaluate()
    assert {i["record_id"] for i in items(unit_row(data, "U-CN"), "DW-03")} == {
        str(late_fixed.pk),
        str(unfixed.pk),
    }
    assert len(items(officer_row(data, "O-001"), "MJ-03")) == 2


def test_reviews_and_complaints_count_against_the_unit_and_the_officers(
    world: Any, evaluate: Any
) -> None:
    # given a case zhang led in October, revoked on review in November and complained of
    (case,) = world.cases("south", 1, sh(2026, 10, 3), lead="zhang")
    world.cases("south", 99, sh(2026, 10, 3))
    review = m.Review.objects.create(
        id="R-1", case=case, kind="行政复议", filed_at=sh(2026, 10, 20),
        decided_at=sh(2026, 11, 5), outcome="撤销",
    )  # fmt: skip
    m.ReviewOfficer.objects.create(
        review=review, officer=world.bureau.officers["zhang"], position=0
    )
    m.Review.objects.create(
        id="R-2", case=case, kind="行政诉讼", filed_at=sh(2026, 10, 20),
        decided_at=sh(2026, 11, 5), outcome="维持",
    )  # fmt: skip
    complaint = m.Complaint.objects.create(
        id="K-1", received_at=sh(2026, 11, 2), channel="12389", unit=world.bureau.units["south"],
        case=case, content="态度粗暴", result="属实", closed_at=sh(2026, 11, 6),
    )  # fmt: skip
    m.ComplaintOfficer.objects.create(
        complaint=complaint, officer=world.bureau.officers["zhang"], position=0
    )
    m.Complaint.objects.create(
        id="K-2", received_at=sh(2026, 11, 2), channel="12389", unit=world.bureau.units["south"],
        case=case, content="不属实的投诉", result="不属实",
    )  # fmt: skip
    data = evaluate()
    south = unit_row(data, "U-CN")
    # then the revoked decision and the true complaint count (in October, the case's month)
    assert items(south, "DW-04") == [
        {"indicator": "DW-04", "points": 3.0, "record_type": "review", "record_id": "R-1"}
    ]
    assert items(south, "DW-05") == [
        {"indicator": "DW-05", "points": 2.0, "record_type": "complaint", "record_id": "K-1"}
    ]
    zhang = officer_row(data, "O-001")
    assert [i["record_id"] for i in items(zhang, "MJ-04")] == ["R-1"]
    assert [i["record_id"] for i in items(zhang, "MJ-05")] == ["K-1"]
    # reviews and complaints are imported now: 45 + 15 + 10 = 70 weights scored
    assert south["score"] == round(100 * (70 - 5) / 70, 2)


def test_a_non_veto_safety_event_deducts(world: Any, evaluate: Any) -> None:
    m.SafetyEvent.objects.create(
        id="E-1", at=sh(2026, 10, 9), unit=world.bureau.units["south"], kind="自杀自残"
    )
    south = unit_row(evaluate(), "U-CN")
    assert items(south, "DW-06") == [
        {"indicator": "DW-06", "points": 5.0, "record_type": "safety_event", "record_id": "E-1"}
    ]
    assert south["vetoes"] == []


@pytest.mark.parametrize("kind", ["死亡", "重伤", "脱逃", "刑讯逼供", "违规使用警械武器"])
def test_each_veto_safety_event_fails_the_unit_and_its_officers(
    world: Any, evaluate: Any, kind: str
) -> None:
    # given a clean 城南 with one safety event of a veto kind involving zhang
    world.cases("south", 100, sh(2026, 10, 3), lead="zhang")
    event = m.SafetyEvent.objects.create(
        id="E-9", at=sh(2026, 10, 9), unit=world.bureau.units["south"], kind=kind
    )
    m.SafetyEventOfficer.objects.create(
        safety_event=event, officer=world.bureau.officers["zhang"], position=0
    )
    data = evaluate()
    south = unit_row(data, "U-CN")
    # then full points do not help: 不达标, the veto showing its record; ranked after 城北
    assert south["score"] == 100.0
    assert south["grade"] == "不达标"
    assert [(v["kind"], v["record_type"], v["record_id"]) for v in south["vetoes"]] == [
        (kind, "safety_event", "E-9")
    ]
    assert south["rank"] == 2
    assert unit_row(data, "U-CB")["rank"] == 1
    assert officer_row(data, "O-001")["grade"] == "不达标"


def test_a_fault_accountability_review_vetoes_unless_it_found_no_fault(
    world: Any, evaluate: Any
) -> None:
    (south_case,) = world.cases("south", 1, sh(2026, 10, 3))
    (north_case,) = world.cases("north", 1, sh(2026, 10, 3))
    m.Review.objects.create(
        id="R-F", case=south_case, kind="执法过错追究", filed_at=sh(2026, 11, 1),
        decided_at=sh(2026, 11, 6), outcome="纠正",
    )  # fmt: skip
    m.Review.objects.create(
        id="R-N", case=north_case, kind="执法过错追究", filed_at=sh(2026, 11, 1),
        decided_at=sh(2026, 11, 6), outcome="驳回",
    )  # fmt: skip
    data = evaluate()
    assert [v["record_id"] for v in unit_row(data, "U-CN")["vetoes"]] == ["R-F"]
    assert unit_row(data, "U-CN")["grade"] == "不达标"
    assert unit_row(data, "U-CB")["vetoes"] == []


@pytest.mark.parametrize(
    ("score", "vetoed", "grade"),
    [(100, False, "优秀"), (90, False, "优秀"), (89.99, False, "达标"), (60, False, "达标"),
     (59.99, False, "不达标"), (0, False, "不达标"), (100, True, "不达标")],
)  # fmt: skip
def test_grades_at_their_thresholds(score: float, vetoed: bool, grade: str) -> None:
    assert load().grade(score, vetoed) == grade


def test_a_violation_of_october_found_in_november_counts_in_october(
    world: Any, evaluate: Any
) -> None:
    # given October computed on 1 November, before the violation of 31 October was found
    world.cases("south", 100, sh(2026, 10, 3))
    first = evaluate(as_of=sh(2026, 11, 1, 9))
    assert items(unit_row(first, "U-CN"), "DW-01") == []
    # when it is found on 2 November and the draft month is recomputed
    problem = world.problem("zhang", act_at=sh(2026, 10, 31, 23), found_at=sh(2026, 11, 2, 9))
    again = evaluate()
    # then it counts in October (the same draft version), and not in November
    assert [i["record_id"] for i in items(unit_row(again, "U-CN"), "DW-01")] == [str(problem.pk)]
    assert again["version"] == first["version"] == 1
    november = evaluate("2026-11", as_of=sh(2026, 11, 30, 12))
    assert items(unit_row(november, "U-CN"), "DW-01") == []


def test_an_officer_with_too_few_cases_is_listed_not_ranked(world: Any, evaluate: Any) -> None:
    world.cases("south", 3, sh(2026, 10, 3), lead="zhang")
    world.cases("north", 2, sh(2026, 10, 3), lead="zhao")
    data = evaluate()
    zhang, zhao = officer_row(data, "O-001"), officer_row(data, "O-002")
    assert (zhang["rank"], zhang["standing"]) == (1, "参与排名")
    assert (zhao["rank"], zhao["grade"], zhao["standing"], zhao["score"]) == (
        None, None, "案件数不足", 100.0,
    )  # fmt: skip


def test_middle_leaders_answer_for_their_units_duties(world: Any, evaluate: Any) -> None:
    from fazhi.dailycheck.models import DailySheet
    from fazhi.rectification.models import ProblemAction

    world.cases("south", 100, sh(2026, 10, 3))
    # an escalation that reached the 法制员 (level 2) of 城南: due in October, recorded by a tick
    # on 1 November, it counts in October
    escalated = world.problem(
        "zhang", act_at=sh(2026, 9, 20), due_at=sh(2026, 10, 8), late=True, rule=world.other_rule
    )
    ProblemAction.objects.create(
        problem=escalated, actor="system", verb="escalate", from_status="open", to_status="open",
        level=2, at=sh(2026, 11, 1, 8),
    )  # fmt: skip
    # a daily sheet left unconfirmed, one confirmed the same day
    missed = DailySheet.objects.create(unit=world.bureau.units["south"], day=sh(2026, 10, 5).date())
    DailySheet.objects.create(
        unit=world.bureau.units["south"], day=sh(2026, 10, 6).date(),
        completed_at=sh(2026, 10, 6, 18),
    )  # fmt: skip
    # the same rule broken twice in 城南 within 90 days
    world.problem("zhang", act_at=sh(2026, 10, 2))
    repeat = world.problem("zhang", act_at=sh(2026, 10, 12))
    data = evaluate()
    li = officer_row(data, "O-003", "leaders")  # 法制员
    sun = officer_row(data, "O-007", "leaders")  # 所队长
    assert [i["record_id"] for i in items(li, "LD-03")] == [str(escalated.pk)]
    assert items(sun, "LD-03") == []
    for leader in (li, sun):
        assert [i["record_id"] for i in items(leader, "LD-02")] == [str(missed.pk)]
        assert [i["record_id"] for i in items(leader, "LD-04")] == [str(repeat.pk)]
        assert [i["record_id"] for i in items(leader, "LD-01")] == [str(escalated.pk)]
    # leaders are ranked within their role: 城北's clean 法制员 first
    assert (officer_row(data, "O-004", "leaders")["rank"], li["rank"], sun["rank"]) == (1, 2, 1)
    assert {row["role"] for row in data["leaders"]} == {
        "法制员",
        "业务负责人",
        "分管法制领导",
        "所队长",
    }


def test_equal_scores_share_a_rank(world: Any, evaluate: Any) -> None:
    # given two clean units and a third with one problem (competition ranking: 1, 1, 3)
    m.Unit.objects.create(
        id="U-DG", name="东关派出所", kind="派出所", parent=world.bureau.units["county"]
    )
    world.cases("south", 100, sh(2026, 10, 3))
    world.problem("zhang", act_at=sh(2026, 10, 5))
    data = evaluate()
    ranks = {u["unit_id"]: u["rank"] for u in data["units"]}
    assert ranks == {"U-CB": 1, "U-DG": 1, "U-CN": 3}
