"""Visits scheduled by colour and clock, regrading after visits, escalation letters after seven
red days, idempotent ticks, and FZX follow-ups imported from a bundle."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from docx import Document as open_docx

from fazhi.accounts.services import system_user
from fazhi.core.models import AuditEvent
from fazhi.core.scope import scope_of
from fazhi.disputes import services
from fazhi.disputes.models import (
    ChecklistAnswer,
    Dispute,
    DisputeStatus,
    EscalationLetter,
    FollowupPlan,
    Party,
    RiskColour,
)
from fazhi.disputes.tests.builders import NOW, followup, incident
from fazhi.records import models as m

pytestmark = pytest.mark.django_db

RED_TEXT = "报警人称丈夫持刀扬言要杀了她。"  # 婚恋家庭 10 + weapon 30 + threat 25 = 65
YELLOW_TEXT = "报警人称邻居手持菜刀在门口叫骂。"  # weapon 30


def pending(pk: str) -> FollowupPlan:
    return FollowupPlan.objects.pending().get(dispute__incident_id=pk)


def test_first_visits_by_colour(bureau: Any) -> None:
    # given a red, a yellow and a blue dispute received an hour ago
    received = NOW - timedelta(hours=1)
    incident(bureau, "RED", RED_TEXT, dispute_type="婚恋家庭")
    incident(bureau, "YEL", YELLOW_TEXT, dispute_type="其他", phone="1", address="a路1号")
    incident(bureau, "BLU", dispute_type="其他", phone="2", address="b路2号")
    # when the tick runs
    services.tick_disputes(NOW, system_user())
    # then each gets its first visit within its colour's window from the incident
    assert pending("RED").due_at == received + timedelta(hours=24)
    assert pending("YEL").due_at == received + timedelta(days=3)
    assert pending("BLU").due_at == received + timedelta(days=7)
    assert pending("RED").officer_id == bureau.officers["zhang"].pk
    assert pending("RED").colour == RiskColour.RED


def test_red_is_visited_weekly_until_resolved(bureau: Any) -> None:
    incident(bureau, "RED", RED_TEXT, dispute_type="婚恋家庭")
    services.tick_disputes(NOW, system_user())
    d = Dispute.objects.get(incident_id="RED")
    # when the officer visits the next day and it is not resolved
    visit = NOW + timedelta(hours=20)
    services.record_followup(d, actor=bureau.users["zhang"], at=visit, result="未化解", now=visit)
    # then the first plan is done by that visit and the next is due a week later
    first = FollowupPlan.objects.get(dispute=d, seq=1)
    assert first.done_followup is not None
    assert first.done_followup.pk.startswith("FU-APP-")
    assert first.done_followup.officer_id == bureau.officers["zhang"].pk
    assert pending("RED").due_at == visit + timedelta(days=7)
    assert pending("RED").seq == 2
    d.refresh_from_db()
    assert d.status == DisputeStatus.IN_PROGRESS
    # and when it is resolved at the next visit, no further visit is planned
    later = visit + timedelta(days=6)
    services.record_followup(d, actor=bureau.users["zhang"], at=later, result="已化解", now=later)
    d.refresh_from_db()
    assert d.status == DisputeStatus.RESOLVED
    assert d.resolved_at == later
    assert not FollowupPlan.objects.pending().filter(dispute=d).exists()
    services.tick_disputes(later + timedelta(days=30), system_user())
    assert not FollowupPlan.objects.pending().filter(dispute=d).exists()


def test_an_escalating_visit_raises_the_colour_and_brings_the_visit_forward(bureau: Any) -> None:
    # given a blue dispute (its visit due in 7 days)
    incident(bureau, "BLU", dispute_type="其他")
    services.tick_disputes(NOW, system_user())
    d = Dispute.objects.get(incident_id="BLU")
    assert d.colour == RiskColour.BLUE
    # when a visit finds a risk of escalation
    at = NOW + timedelta(hours=2)
    services.record_followup(
        d, actor=bureau.users["zhang"], at=at, result="有激化风险", note="扬言", now=at
    )
    d.refresh_from_db()
    # then it is regraded up (30 points: yellow) and the next visit follows the yellow window
    assert d.colour == RiskColour.YELLOW
    assert d.score == 30
    assert d.graded_at == at
    assert pending("BLU").due_at == at + timedelta(days=15)


def test_a_colour_raised_by_new_information_tightens_the_pending_visit(bureau: Any) -> None:
    incident(bureau, "BLU", dispute_type="其他")
    services.tick_disputes(NOW, system_user())
    assert pending("BLU").due_at == NOW - timedelta(hours=1) + timedelta(days=7)
    # when a second report from the same phone comes in with a knife and a threat
    incident(bureau, "BLU-2", RED_TEXT, dispute_type="其他", address="别处路2号")
    m.Incident.objects.filter(pk="BLU").update(description=RED_TEXT + "（补充）")
    later = NOW + timedelta(hours=3)
    services.tick_disputes(later, system_user())
    d = Dispute.objects.get(incident_id="BLU")
    assert d.colour == RiskColour.RED
    assert d.red_since == later
    assert pending("BLU").due_at == later + timedelta(hours=24)


def test_red_unresolved_for_seven_days_is_escalated_with_a_letter(bureau: Any) -> None:
    incident(bureau, "RED", RED_TEXT, dispute_type="婚恋家庭")
    services.tick_disputes(NOW, system_user())
    # six days later: not yet
    services.tick_disputes(NOW + timedelta(days=6), system_user())
    assert not EscalationLetter.objects.exists()
    # seven days after the incident it was red from: the letter
    when = NOW + timedelta(days=7)
    result = services.tick_disputes(when, system_user())
    letter = EscalationLetter.objects.get()
    assert result["letters"] == [letter.number] == ["示公抄〔2026〕1号"]
    d = Dispute.objects.get(incident_id="RED")
    assert d.escalated_at == when
    assert list(services.dispute_board(scope_of(bureau.users["wu"]))) == [d]
    assert list(services.dispute_board(scope_of(bureau.users["zhao"]))) == []
    # the .docx in official layout
    doc = open_docx(str(Path(settings.MEDIA_ROOT) / letter.file_path))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "示范县公安局"
    assert doc.paragraphs[0].runs[0].font.color.rgb is not None
    assert "示公抄〔2026〕1号" in texts
    assert "关于一起婚恋家庭纠纷存在重大风险隐患的抄告函" in texts
    assert "县委政法委：" in texts
    assert "2026年10月15日" in texts
    assert any(t.startswith("抄送：城南派出所") for t in texts)
    assert any("持刀" in t for t in texts)
    # and a second tick writes no second letter
    services.tick_disputes(when + timedelta(days=1), system_user())
    assert EscalationLetter.objects.count() == 1
    with pytest.raises(services.DisputeError, match="已抄告"):
        services.escalate(d, actor=bureau.users["li"])


def test_a_resolved_red_dispute_is_not_escalated(bureau: Any) -> None:
    incident(bureau, "RED", RED_TEXT, dispute_type="婚恋家庭")
    services.tick_disputes(NOW, system_user())
    d = Dispute.objects.get(incident_id="RED")
    services.resolve_dispute(
        d, actor=bureau.users["zhang"], note="双方和好", now=NOW + timedelta(days=2)
    )
    services.tick_disputes(NOW + timedelta(days=8), system_user())
    assert not EscalationLetter.objects.exists()
    assert not FollowupPlan.objects.pending().filter(dispute=d).exists()


def test_manual_escalation_numbers_letters_in_sequence(bureau: Any) -> None:
    incident(bureau, "A", dispute_type="其他")
    incident(bureau, "B", dispute_type="其他", phone="2", address="b路2号")
    services.tick_disputes(NOW, system_user())
    first = services.escalate(
        Dispute.objects.get(incident_id="A"), actor=bureau.users["li"], now=NOW
    )
    second = services.escalate(
        Dispute.objects.get(incident_id="B"), actor=bureau.users["li"], now=NOW
    )
    assert (first.number, second.number) == ("示公抄〔2026〕1号", "示公抄〔2026〕2号")
    d = services.ensure_dispute("A", actor=bureau.users["li"])
    assert d.escalated_at == NOW


def snapshot() -> list[Any]:
    return [
        sorted(Dispute.objects.values_list(
            "incident_id", "officer_id", "status", "colour", "score", "reasons", "graded_at",
            "red_since", "resolved_at", "escalated_at", "cause", "consequence",
        )),
        sorted(FollowupPlan.objects.values_list(
            "dispute__incident_id", "seq", "due_at", "officer_id", "done_followup_id",
            "cancelled_at",
        )),
        sorted(Party.objects.values_list("dispute__incident_id", "name", "phone", "person_ids")),
        sorted(ChecklistAnswer.objects.values_list("dispute__incident_id", "item", "answer")),
        sorted(EscalationLetter.objects.values_list("number", "file_path")),
    ]  # fmt: skip


def test_a_tick_that_dies_at_the_letters_has_audited_the_grading_it_committed(
    bureau: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a new dispute, and letters that cannot be written
    incident(bureau, "RED", RED_TEXT, dispute_type="婚恋家庭")

    def disk_full(now: Any, actor: str) -> list[str]:
        raise OSError("disk full")

    monkeypatch.setattr(services, "_escalate_due", disk_full)
    # when the tick dies after the grading was committed
    with pytest.raises(OSError, match="disk full"):
        services.tick_disputes(NOW, system_user())
    # then the new, graded dispute it committed came with its audit row
    assert Dispute.objects.get(incident_id="RED").colour == RiskColour.RED
    event = AuditEvent.objects.get(action="disputes.tick")
    assert (event.actor, event.details["created"], event.details["graded"]) == ("system", 1, 1)


def test_tick_twice_is_the_same_state(bureau: Any) -> None:
    incident(bureau, "RED", RED_TEXT, dispute_type="婚恋家庭", at=NOW - timedelta(days=8))
    incident(bureau, "BLU", dispute_type="其他", phone="2", address="b路2号", officer=None)
    followup(bureau, "F-1", "BLU", NOW - timedelta(minutes=10), "未化解")
    first = services.tick_disputes(NOW, system_user())
    assert first["created"] == 2
    assert first["linked"] == 1
    assert len(first["letters"]) == 1
    state = snapshot()
    again = services.tick_disputes(NOW, system_user())
    assert snapshot() == state
    assert again["created"] == again["linked"] == again["regraded"] == again["scheduled"] == 0
    assert again["letters"] == []
    # the dispute without an incident officer went to the unit's 民警 with the fewest disputes
    assert Dispute.objects.get(incident_id="BLU").officer_id == bureau.officers["zhang"].pk


def test_an_imported_followup_attaches_to_the_plan(bureau: Any, tmp_path: Path) -> None:
    from fazhi.exchange.services import import_bundle

    incident(bureau, "YEL", YELLOW_TEXT, dispute_type="其他")
    services.tick_disputes(NOW, system_user())
    plan = pending("YEL")
    bundle = tmp_path / "followups.jsonl"
    record = {
        "type": "followup", "id": "FU-IMP-1", "incident_id": "YEL",
        "officer_id": bureau.officers["zhang"].pk, "at": "2026-10-09T10:00:00+08:00",
        "result": "有激化风险", "note": "一方情绪仍较大",
    }  # fmt: skip
    bundle.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    report = import_bundle([bundle], actor=system_user())
    assert report.ok
    assert report.created["followup"] == 1
    later = NOW + timedelta(days=1, hours=2)
    services.tick_disputes(later, system_user())
    plan.refresh_from_db()
    assert plan.done_followup_id == "FU-IMP-1"
    d = Dispute.objects.get(incident_id="YEL")
    assert d.colour == RiskColour.RED
    assert d.score == 30 + 30
    assert d.status == DisputeStatus.IN_PROGRESS
    nxt = pending("YEL")
    assert nxt.seq == 2
    assert nxt.due_at == m.Followup.objects.get().at + timedelta(days=7)


def test_a_dispute_resolved_by_an_imported_visit_is_still_graded_once(bureau: Any) -> None:
    # given a family dispute whose visit (already in the store) resolved it
    incident(bureau, "FAM", "报警人称与丈夫因彩礼发生争吵。", dispute_type="婚恋家庭")
    followup(bureau, "F-OK", "FAM", NOW - timedelta(minutes=5), "已化解")
    # when the tick first sees it
    services.tick_disputes(NOW, system_user())
    d = Dispute.objects.get(incident_id="FAM")
    # then it is resolved, yet graded, with its cause and checklists
    assert d.status == DisputeStatus.RESOLVED
    assert d.score == 10
    assert d.cause == "婚恋情感"
    assert d.checklist.get(item="mediation").answer == "已化解"
    assert FollowupPlan.objects.get(dispute=d).done_followup_id == "F-OK"
    assert not FollowupPlan.objects.pending().filter(dispute=d).exists()
