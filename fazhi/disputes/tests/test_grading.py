"""Risk scoring, factor by factor: each factor adds its points with its reason; colours by
thresholds; settings changed only with a reason."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from fazhi.accounts.services import system_user
from fazhi.core.errors import DomainError
from fazhi.disputes import services
from fazhi.disputes.error_codes import ErrorCode
from fazhi.disputes.grading import colour_for, largest_amount
from fazhi.disputes.models import Dispute, RiskColour, RiskPolicy
from fazhi.disputes.tests.builders import NOW, case_with_person, followup, incident

pytestmark = pytest.mark.django_db


def graded(pk: str) -> Dispute:
    services.tick_disputes(NOW, system_user())
    return Dispute.objects.get(incident_id=pk)


def factors(dispute: Dispute) -> dict[str, dict[str, Any]]:
    return {r["factor"]: r for r in dispute.reasons}


def test_a_plain_neighbour_dispute_scores_nothing_and_is_blue(bureau: Any) -> None:
    # given a neighbours' quarrel with no risk sign
    incident(bureau, "JQ-1")
    # when graded
    d = graded("JQ-1")
    # then it has no points and is blue
    assert d.reasons == []
    assert d.score == 0
    assert d.colour == RiskColour.BLUE
    assert d.cause == "公共空间"
    assert d.cause_source == "警情描述（成因词表）"


def test_dispute_type_points(bureau: Any) -> None:
    incident(bureau, "JQ-1", "报警人称与丈夫因家庭琐事发生争吵。", dispute_type="婚恋家庭")
    f = factors(graded("JQ-1"))
    assert f["type"]["points"] == 10
    assert "婚恋家庭" in f["type"]["reason"]


def test_repetition_within_30_days_at_the_same_normalised_address(bureau: Any) -> None:
    # given an earlier dispute 10 days before at the same building written differently
    incident(bureau, "JQ-0", at=NOW - timedelta(days=10), phone="13700000000",
             address="示范县城南街道幸福路十二号3号楼2单元301室")  # fmt: skip
    incident(bureau, "JQ-1", phone="13900000009")
    f = factors(graded("JQ-1"))
    assert f["repeat_30d"]["points"] == 20
    assert "JQ-0" in f["repeat_30d"]["reason"]
    assert "30 日内" in f["repeat_30d"]["reason"]
    assert "repeat_90d" not in f


def test_repetition_within_90_days_by_the_same_phone(bureau: Any) -> None:
    incident(bureau, "JQ-0", at=NOW - timedelta(days=60), address="别处路1号")
    incident(bureau, "JQ-1")
    f = factors(graded("JQ-1"))
    assert "repeat_30d" not in f
    assert f["repeat_90d"]["points"] == 10
    assert "JQ-0" in f["repeat_90d"]["reason"]


def test_no_repetition_beyond_90_days(bureau: Any) -> None:
    incident(bureau, "JQ-0", at=NOW - timedelta(days=100))
    incident(bureau, "JQ-1")
    f = factors(graded("JQ-1"))
    assert "repeat_30d" not in f
    assert "repeat_90d" not in f


@pytest.mark.parametrize(
    ("text", "factor", "points", "term"),
    [
        ("报警人称丈夫扬言要弄死她。", "threat", 25, "扬言"),
        ("报警人称对方说要报复其全家。", "revenge", 25, "报复"),
        ("报警人称妻子吵架后要喝农药。", "self_harm", 30, "喝农药"),
        ("报警人称邻居手持菜刀在门口叫骂。", "weapon", 30, "手持菜刀"),
        ("报警人称其弟弟有精神病史，在家中吵闹。", "mental_illness", 20, "精神病史"),
        ("报警人称被对方打伤。", "injury", 15, "打伤"),
        ("报警人称家中有老人和小孩受到惊吓。", "vulnerable", 10, "老人"),
        ("报警人称与工地老板因工钱结算发生争执，多名工友在场。", "group", 10, "多名"),
        ("报警人称朋友欠其5万元借款至今未还。", "money", 10, "5万元"),
        ("报警人称朋友欠其三十万元货款至今未还。", "money_large", 20, "三十万元"),
    ],
)
def test_each_text_factor_adds_its_points_with_its_reason(
    bureau: Any, text: str, factor: str, points: int, term: str
) -> None:
    incident(bureau, "JQ-1", text, dispute_type="其他")
    f = factors(graded("JQ-1"))
    assert f[factor]["points"] == points
    assert term in f[factor]["reason"]


def test_a_negated_cue_scores_nothing(bureau: Any) -> None:
    incident(bureau, "JQ-1", "报警人称对方并未持刀，双方只是口角。", dispute_type="其他")
    assert "weapon" not in factors(graded("JQ-1"))


def test_small_sums_do_not_count(bureau: Any) -> None:
    incident(bureau, "JQ-1", "报警人称在店里消费后对300元价格有异议。", dispute_type="其他")
    assert "money" not in factors(graded("JQ-1"))
    assert largest_amount("欠款两万元和500元") == (20000, "两万元")


def test_vulnerable_by_the_age_of_a_party(bureau: Any) -> None:
    # given a person of 81 in a case on the incident
    incident(bureau, "JQ-1")
    case_with_person(bureau, "C-1", cause="殴打他人", accepted_at=NOW, name="李老汉",
                     phone="13600000000", birth_date=date(1945, 1, 1), role="被害人",
                     incident_id="JQ-1")  # fmt: skip
    f = factors(graded("JQ-1"))
    assert "李老汉 81 岁" in f["vulnerable"]["reason"]
    # and the case on the incident is a sign of injury
    assert "C-1" in f["injury"]["reason"]


def test_prior_violence_from_earlier_cases_of_the_reporter(bureau: Any) -> None:
    # given the reporter (name + phone) was the offender in an earlier beating case
    case_with_person(bureau, "C-OLD", accepted_at=NOW - timedelta(days=400))
    incident(bureau, "JQ-1")
    d = graded("JQ-1")
    f = factors(d)
    assert f["prior_violence"]["points"] == 20
    assert "C-OLD" in f["prior_violence"]["reason"]
    party = d.parties.get(name="王某")
    assert party.person_ids == ["C-OLD-P1"]
    assert party.prior_cases[0]["cause"] == "殴打他人"


def test_same_name_with_another_phone_is_not_the_same_person(bureau: Any) -> None:
    case_with_person(bureau, "C-OLD", accepted_at=NOW - timedelta(days=400), phone="13000000000")
    incident(bureau, "JQ-1")
    assert "prior_violence" not in factors(graded("JQ-1"))


def test_unresolved_and_escalating_visits(bureau: Any) -> None:
    incident(bureau, "JQ-1")
    incident(bureau, "JQ-2", phone="13900000002", address="别处路2号")
    followup(bureau, "F-1", "JQ-1", NOW - timedelta(minutes=30), "未化解")
    followup(bureau, "F-2", "JQ-2", NOW - timedelta(minutes=30), "有激化风险")
    services.tick_disputes(NOW, system_user())
    assert factors(Dispute.objects.get(incident_id="JQ-1"))["unresolved"]["points"] == 10
    escalating = factors(Dispute.objects.get(incident_id="JQ-2"))["escalating"]
    assert escalating["points"] == 30
    assert "F-2" in escalating["reason"]


def test_colour_thresholds() -> None:
    policy = RiskPolicy()
    assert colour_for(24, policy) == RiskColour.BLUE
    assert colour_for(25, policy) == RiskColour.YELLOW
    assert colour_for(49, policy) == RiskColour.YELLOW
    assert colour_for(50, policy) == RiskColour.RED


def test_weapon_and_threat_make_a_dispute_red(bureau: Any) -> None:
    incident(bureau, "JQ-1", "报警人称丈夫持刀扬言要杀了她。", dispute_type="婚恋家庭")
    d = graded("JQ-1")
    assert d.score == 10 + 30 + 25
    assert d.colour == RiskColour.RED


def test_changing_the_policy_needs_a_reason_and_regrades(bureau: Any) -> None:
    incident(bureau, "JQ-1", "报警人称邻居手持菜刀在门口叫骂。", dispute_type="其他")
    assert graded("JQ-1").colour == RiskColour.YELLOW
    with pytest.raises(services.DisputeError, match="理由"):
        services.change_risk_policy(actor=bureau.users["zhou"], reason=" ", red_at=30)
    with pytest.raises(services.DisputeError, match="yellow_at"):
        services.change_risk_policy(actor=bureau.users["zhou"], reason="试行", red_at=20)
    with pytest.raises(services.DisputeError, match="未知的计分因素"):
        services.change_risk_policy(actor=bureau.users["zhou"], reason="试行", points={"moon": 5})
    services.change_risk_policy(
        actor=bureau.users["zhou"], reason="凶器一律赋红", points={"weapon": 50}
    )
    row = RiskPolicy.objects.get()
    assert row.changed_by == "zhou"
    assert row.reason == "凶器一律赋红"
    assert row.points["weapon"] == 50
    assert row.points["threat"] == 25
    d = graded("JQ-1")
    assert d.colour == RiskColour.RED
    assert factors(d)["weapon"]["points"] == 50
    from fazhi.core.models import AuditEvent

    audit = AuditEvent.objects.get(action="disputes.change_policy")
    assert audit.details["reason"] == "凶器一律赋红"


def test_checklist_prefilled_with_sources_and_officer_answers_kept(bureau: Any) -> None:
    case_with_person(bureau, "C-OLD", cause="吸毒", accepted_at=NOW - timedelta(days=400))
    incident(bureau, "JQ-0", at=NOW - timedelta(days=5))
    incident(bureau, "JQ-1", "报警人称邻居手持菜刀在门口叫骂，扬言报复。")
    d = graded("JQ-1")
    answers = {a.item: a for a in d.checklist.all()}
    assert answers["prior_records"].answer.startswith("有：")
    assert "C-OLD" in answers["prior_records"].source
    assert answers["prior_contacts"].source.startswith("历史警情 1 起")
    assert answers["drug_history"].source == "案件 C-OLD"
    assert answers["weapons"].source == "来源：警情描述"
    assert "菜刀" in answers["weapons"].answer
    assert "扬言" in answers["recent_threats"].answer
    assert answers["type"].answer == "邻里"
    assert answers["repetition"].answer.startswith("30 日内 1 起")
    # the data cannot say anything about the family: left for the officer
    assert "family" not in answers
    assert "mental_state" not in answers
    # when the officer answers, a regrade keeps his answer
    services.answer_checklist(
        d, actor=bureau.users["zhang"], item="family", answer="独居", note="已上门"
    )
    services.answer_checklist(d, actor=bureau.users["zhang"], item="weapons", answer="已收缴菜刀")
    services.tick_disputes(NOW + timedelta(hours=1), system_user())
    answers = {a.item: a for a in d.checklist.all()}
    assert answers["family"].answer == "独居"
    assert answers["family"].answered_by == "zhang"
    assert answers["weapons"].answer == "已收缴菜刀"
    with pytest.raises(services.DisputeError, match="须填写结论"):
        services.answer_checklist(d, actor=bureau.users["zhang"], item="debts", answer="")
    with pytest.raises(services.DisputeError, match="没有清单项目"):
        services.answer_checklist(d, actor=bureau.users["zhang"], item="nope", answer="x")


def test_a_refused_change_is_a_domain_error_with_its_code(bureau: Any) -> None:
    # given the risk policy / when 法制大队 changes it without a reason
    with pytest.raises(services.DisputeError) as refused:
        services.change_risk_policy(actor=bureau.users["zhou"], reason=" ", red_at=30)
    # then the refusal is a domain error: invalid input (400) on the field reason, in Chinese
    error = refused.value
    assert isinstance(error, DomainError)
    assert (error.code, error.status, error.field) == (ErrorCode.REASON_REQUIRED, 400, "reason")
    assert error.message == "修改风险评定设置须填写理由（字段 reason）"
