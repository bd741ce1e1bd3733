"""Draft → checked → published, the refused users (called directly, as from a shell), the
published month as an immutable snapshot, appeals within their window (an upheld appeal writes
a new version, the old one stays readable), the data scope of the scores, the audit rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from fazhi.core.models import AuditEvent
from fazhi.core.scope import scope_of, visible
from fazhi.evaluation import services
from fazhi.evaluation.models import AppealStatus, Evaluation, Score, ScoreItem
from fazhi.evaluation.services import EvaluationError, parse_month, report
from fazhi.evaluation.tests.conftest import AS_OF, sh, unit_row

pytestmark = pytest.mark.django_db

OCTOBER = parse_month("2026-10")


@pytest.fixture
def october(world: Any) -> Any:
    """城南 with 100 cases and two problems of zhang in October, 城北 clean."""
    world.cases("south", 100, sh(2026, 10, 3), lead="zhang")
    world.problem("zhang", act_at=sh(2026, 10, 5))
    world.problem("zhang", act_at=sh(2026, 10, 6))
    return world


def published(bureau: Any, *, at: datetime = AS_OF) -> Evaluation:
    zhou = bureau.users["zhou"]
    draft = services.compute_month(OCTOBER, actor=zhou, as_of=at)
    return services.publish_month(services.check_month(draft, actor=zhou), actor=zhou)


def test_the_legal_brigade_computes_checks_and_publishes(october: Any, bureau: Any) -> None:
    ev = published(bureau)
    assert ev.status == "published"
    assert ev.published_by == "zhou"
    # the appeal window ends at midnight of a working day after the publication
    assert ev.appeal_until is not None
    assert ev.published_at is not None
    assert ev.appeal_until > ev.published_at
    actions = list(
        AuditEvent.objects.filter(target_type="evaluation", target_id=str(ev.pk))
        .order_by("seq").values_list("action", flat=True)
    )  # fmt: skip
    assert actions == ["evaluation.compute", "evaluation.check", "evaluation.publish"]


def test_a_draft_must_be_checked_before_it_is_published(october: Any, bureau: Any) -> None:
    draft = services.compute_month(OCTOBER, actor=bureau.users["zhou"], as_of=AS_OF)
    with pytest.raises(EvaluationError) as caught:
        services.publish_month(draft, actor=bureau.users["zhou"])
    assert "须经审核后发布" in caught.value.message


@pytest.mark.parametrize("name", ["zhang", "li", "sun", "liu", "wu"])
def test_others_may_not_compute_check_or_publish(october: Any, bureau: Any, name: str) -> None:
    user = bureau.users[name]
    with pytest.raises(PermissionDenied):
        services.compute_month(OCTOBER, actor=user, as_of=AS_OF)
    draft = services.compute_month(OCTOBER, actor=bureau.users["admin"], as_of=AS_OF)
    with pytest.raises(PermissionDenied):
        services.check_month(draft, actor=user)
    checked = services.check_month(draft, actor=bureau.users["admin"])
    with pytest.raises(PermissionDenied):
        services.publish_month(checked, actor=user)
    assert Evaluation.objects.get(pk=draft.pk).status == "checked"


def test_a_published_month_does_not_change_when_data_changes(october: Any, bureau: Any) -> None:
    # given October published with 城南's two problems
    ev = published(bureau)
    before = report(ev)
    # when a third October problem arrives and October is computed again
    october.problem("zhang", act_at=sh(2026, 10, 7), found_at=sh(2026, 11, 11))
    again = services.compute_month(OCTOBER, actor=bureau.users["zhou"], as_of=sh(2026, 11, 12))
    # then the published version is returned untouched
    assert again.pk == ev.pk
    assert report(again) == before
    assert len(unit_row(before, "U-CN")["items"]) == 2


def _zhang_item(ev: Evaluation) -> ScoreItem:
    return ScoreItem.objects.filter(
        score__evaluation=ev, score__subject="officer", score__officer_id="O-001"
    ).order_by("pk")[0]


def test_an_upheld_appeal_republishes_a_new_version_and_the_old_stays_readable(
    october: Any, bureau: Any
) -> None:
    # given October published, zhang at 96 (two problems × 2 points, MJ weights 30+20+15 = 65)
    ev = published(bureau)
    old_report = report(ev)
    old_zhang = next(o for o in old_report["officers"] if o["officer_id"] == "O-001")
    item = _zhang_item(ev)
    # when zhang appeals one deduction and the 法制大队 upholds it with a reason
    appeal = services.file_appeal(item, actor=bureau.users["zhang"], reason="该问题系系统误报")
    decided = services.decide_appeal(
        appeal, actor=bureau.users["zhou"], upheld=True, reason="经核实回执已按时出具"
    )
    # then a new published version without that deduction, the difference kept
    new = decided.result
    assert decided.status == AppealStatus.UPHELD
    assert new is not None
    assert (new.version, new.status, new.previous_id) == (2, "published", ev.pk)
    new_zhang = next(o for o in report(new)["officers"] if o["officer_id"] == "O-001")
    assert len(new_zhang["items"]) == len(old_zhang["items"]) - 1
    assert new_zhang["score"] > old_zhang["score"]
    (change,) = [c for c in new.changes if c["subject"] == "officer"]
    assert change["record_id"] == item.record_id
    assert (change["score_before"], change["score_after"]) == (
        old_zhang["score"],
        new_zhang["score"],
    )
    assert ScoreItem.objects.filter(score__evaluation=new, withdrawn=True).count() == 1
    # and the old version is still there, unchanged, marked superseded
    ev.refresh_from_db()
    assert ev.status == "superseded"
    assert {**report(ev), "status": "published"} == old_report
    assert AuditEvent.objects.filter(action="evaluation.uphold", target_id=str(appeal.pk)).exists()


def test_an_overruled_appeal_changes_nothing(october: Any, bureau: Any) -> None:
    ev = published(bureau)
    appeal = services.file_appeal(_zhang_item(ev), actor=bureau.users["li"], reason="请复核")
    decided = services.decide_appeal(
        appeal, actor=bureau.users["zhou"], upheld=False, reason="问题属实"
    )
    assert decided.status == AppealStatus.OVERRULED
    actions = set(
        AuditEvent.objects.filter(target_type="evaluation_appeal", target_id=str(appeal.pk))
        .values_list("action", flat=True)
    )  # fmt: skip
    assert actions == {"evaluation.appeal", "evaluation.overrule"}
    assert decided.result is None
    assert Evaluation.objects.filter(month=OCTOBER).count() == 1


def test_an_appeal_after_its_window_is_refused(october: Any, bureau: Any) -> None:
    ev = published(bureau)
    Evaluation.objects.filter(pk=ev.pk).update(appeal_until=sh(2026, 11, 1, 0))
    with pytest.raises(EvaluationError) as caught:
        services.file_appeal(_zhang_item(ev), actor=bureau.users["zhang"], reason="迟到的申诉")
    assert "申诉期已于 2026-11-01 00:00 届满" in caught.value.message


def test_the_appeal_window_counts_working_days_of_the_holiday_calendar() -> None:
    # published on Wednesday 30 September 2026, before the National Day holiday (1–7 October
    # rest, Saturday 10 October worked): the third working day is 10 October, not 5 October
    until = services._appeal_deadline(sh(2026, 9, 30, 15), 3, None)
    assert until == sh(2026, 10, 11, 0)


@pytest.mark.parametrize("name", ["zhao", "wang"])
def test_another_units_people_may_not_appeal(october: Any, bureau: Any, name: str) -> None:
    ev = published(bureau)
    with pytest.raises(PermissionDenied):
        services.file_appeal(_zhang_item(ev), actor=bureau.users[name], reason="代为申诉")


@pytest.mark.parametrize("name", ["zhang", "li", "sun", "wu"])
def test_only_the_legal_brigade_decides_appeals(october: Any, bureau: Any, name: str) -> None:
    ev = published(bureau)
    appeal = services.file_appeal(_zhang_item(ev), actor=bureau.users["zhang"], reason="误报")
    with pytest.raises(PermissionDenied):
        services.decide_appeal(appeal, actor=bureau.users[name], upheld=True, reason="同意")
    with pytest.raises(EvaluationError):
        services.decide_appeal(appeal, actor=bureau.users["zhou"], upheld=True, reason="  ")


def test_a_legal_officer_sees_his_units_officers_and_an_officer_only_himself(
    october: Any, bureau: Any
) -> None:
    services.compute_month(OCTOBER, actor=bureau.users["zhou"], as_of=AS_OF)
    officers = Score.objects.filter(subject="officer")
    seen_by_li = set(
        visible(officers, scope_of(bureau.users["li"])).values_list("officer_id", flat=True)
    )
    assert "O-001" in seen_by_li
    assert "O-002" not in seen_by_li
    seen_by_zhang = set(
        visible(officers, scope_of(bureau.users["zhang"])).values_list("officer_id", flat=True)
    )
    assert seen_by_zhang == {"O-001"}
    assert visible(officers, scope_of(bureau.users["zhou"])).filter(officer_id="O-002").exists()


def test_a_bad_month_is_refused_in_chinese() -> None:
    with pytest.raises(EvaluationError) as caught:
        parse_month("2026-13")
    assert "YYYY-MM" in caught.value.message
