"""The pages: an allowed and a refused user each, anonymous visitors sent to sign in, the
browser's compute → check → publish → appeal → decide, the panels per role."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from fazhi.core.models import AuditEvent
from fazhi.evaluation import services
from fazhi.evaluation.models import Appeal, Evaluation, Score, ScoreItem
from fazhi.evaluation.services import parse_month
from fazhi.evaluation.tests.conftest import AS_OF, sh

pytestmark = pytest.mark.django_db


def client_for(bureau: Any, name: str) -> Client:
    client = Client()
    client.force_login(bureau.users[name])
    return client


@pytest.fixture
def month(world: Any) -> Evaluation:
    """October computed as a draft: 城南 with two problems of zhang, 城北 one of zhao."""
    world.cases("south", 100, sh(2026, 10, 3), lead="zhang")
    world.cases("north", 100, sh(2026, 10, 3), lead="zhao")
    world.problem("zhang", act_at=sh(2026, 10, 5))
    world.problem("zhang", act_at=sh(2026, 10, 6))
    world.problem("zhao", act_at=sh(2026, 10, 6))
    return services.compute_month(
        parse_month("2026-10"), actor=world.bureau.users["zhou"], as_of=AS_OF
    )


def publish(bureau: Any, ev: Evaluation) -> Evaluation:
    zhou = bureau.users["zhou"]
    return services.publish_month(services.check_month(ev, actor=zhou), actor=zhou)


def test_anonymous_visitors_are_sent_to_sign_in(month: Evaluation) -> None:
    for url in ("/evaluation/", f"/evaluation/{month.pk}/", "/evaluation/scheme/",
                "/evaluation/appeals/"):  # fmt: skip
        response = Client().get(url)
        assert response.status_code == 302
        assert "/login/" in response["Location"]


def test_the_legal_brigade_computes_checks_and_publishes_in_the_browser(
    bureau: Any, world: Any
) -> None:
    zhou = client_for(bureau, "zhou")
    response = zhou.post("/evaluation/compute/", {"month": "2026-10"})
    ev = Evaluation.objects.get(month="2026-10-01")
    assert response["Location"] == f"/evaluation/{ev.pk}/"
    page = zhou.get(f"/evaluation/{ev.pk}/").content.decode()
    assert "草稿" in page
    assert "审核通过" in page
    zhou.post(f"/evaluation/{ev.pk}/check/")
    zhou.post(f"/evaluation/{ev.pk}/publish/")
    ev.refresh_from_db()
    assert ev.status == "published"


@pytest.mark.parametrize("name", ["li", "sun", "zhang"])
def test_others_may_not_compute_in_the_browser(bureau: Any, world: Any, name: str) -> None:
    response = client_for(bureau, name).post("/evaluation/compute/", {"month": "2026-10"})
    assert response.status_code == 403
    assert not Evaluation.objects.exists()


def test_a_draft_is_hidden_from_the_units(bureau: Any, month: Evaluation) -> None:
    assert client_for(bureau, "li").get(f"/evaluation/{month.pk}/").status_code == 404
    assert client_for(bureau, "zhou").get(f"/evaluation/{month.pk}/").status_code == 200


def test_a_legal_officer_sees_his_units_officers_not_another_units(
    bureau: Any, month: Evaluation
) -> None:
    ev = publish(bureau, month)
    page = client_for(bureau, "li").get(f"/evaluation/{ev.pk}/").content.decode()
    assert "张伟" in page
    assert "赵强" not in page
    north = Score.objects.get(evaluation=ev, subject="officer", officer_id="O-002")
    assert client_for(bureau, "li").get(f"/evaluation/scores/{north.pk}/").status_code == 404
    assert client_for(bureau, "wang").get(f"/evaluation/scores/{north.pk}/").status_code == 200


def test_a_score_explains_itself_to_the_record(bureau: Any, month: Evaluation) -> None:
    ev = publish(bureau, month)
    zhang = Score.objects.get(evaluation=ev, subject="officer", officer_id="O-001")
    page = client_for(bureau, "zhang").get(f"/evaluation/scores/{zhang.pk}/").content.decode()
    for item in zhang.items.all():
        assert f"整改问题 {item.record_id}" in page
    assert "MJ-01 执法问题（一般、较重）" in page
    assert AuditEvent.objects.filter(
        action="view.evaluation_score", target_id=str(zhang.pk)
    ).exists()
    # zhao may not read zhang's score
    assert client_for(bureau, "zhao").get(f"/evaluation/scores/{zhang.pk}/").status_code == 404


def test_appeal_and_decision_in_the_browser(bureau: Any, month: Evaluation) -> None:
    ev = publish(bureau, month)
    item = ScoreItem.objects.filter(score__evaluation=ev, score__officer_id="O-001").first()
    assert item is not None
    # zhao (城北) may not appeal zhang's deduction: out of his scope
    assert (
        client_for(bureau, "zhao").post(f"/evaluation/items/{item.pk}/appeal/", {"reason": "x"})
    ).status_code == 404
    client_for(bureau, "zhang").post(f"/evaluation/items/{item.pk}/appeal/", {"reason": "误报"})
    appeal = Appeal.objects.get()
    # li may see the queue but not decide
    assert "误报" in client_for(bureau, "li").get("/evaluation/appeals/").content.decode()
    refused = client_for(bureau, "li").post(
        f"/evaluation/appeals/{appeal.pk}/decide/", {"upheld": "1", "reason": "同意"}
    )
    assert refused.status_code == 403
    response = client_for(bureau, "zhou").post(
        f"/evaluation/appeals/{appeal.pk}/decide/", {"upheld": "1", "reason": "核实为误报"}
    )
    appeal.refresh_from_db()
    assert appeal.result is not None
    assert response["Location"] == f"/evaluation/{appeal.result.pk}/"
    page = client_for(bureau, "zhou").get(response["Location"]).content.decode()
    assert "与第1版的差异" in page
    assert client_for(bureau, "li").get(f"/evaluation/{ev.pk}/").status_code == 200  # old


def test_the_scheme_page_lists_indicators_and_the_forbidden(bureau: Any) -> None:
    page = client_for(bureau, "zhang").get("/evaluation/scheme/").content.decode()
    assert '<b id="indicator-count">15</b>' in page
    assert "刑事拘留数（刑拘数）" in page
    assert "DW-01" in page


def test_hostile_text_is_escaped(bureau: Any, month: Evaluation) -> None:
    ev = publish(bureau, month)
    item = ScoreItem.objects.filter(score__evaluation=ev, score__officer_id="O-001").first()
    assert item is not None
    services.file_appeal(item, actor=bureau.users["zhang"], reason="<script>alert(1)</script>")
    page = client_for(bureau, "zhou").get("/evaluation/appeals/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_the_panels_per_role(bureau: Any, month: Evaluation) -> None:
    publish(bureau, month)
    assert "我的得分" in client_for(bureau, "zhang").get("/").content.decode()
    li = client_for(bureau, "li").get("/").content.decode()
    assert 'id="panel-evaluation"' in li
    assert "城南派出所 <a" in li
    assert "待决定的考评申诉" in client_for(bureau, "zhou").get("/").content.decode()
    assert "待决定的考评申诉" not in client_for(bureau, "li").get("/").content.decode()


def test_the_rankings_page_queries_do_not_grow_with_the_scores(
    bureau: Any, world: Any, month: Evaluation
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fazhi.records import models as m

    zhou = client_for(bureau, "zhou")
    zhou.get(f"/evaluation/{month.pk}/")  # the session's first request does more
    with CaptureQueriesContext(connection) as small:
        assert zhou.get(f"/evaluation/{month.pk}/").status_code == 200
    # given twenty more officers with problems, and the month recomputed
    for n in range(20):
        m.Officer.objects.create(
            id=f"O-X{n:02d}", name=f"民警{n}", unit=bureau.units["south"], role="民警",
            qualification="基本级",
        )  # fmt: skip
    world.problem("zhang", act_at=sh(2026, 10, 9))
    services.compute_month(parse_month("2026-10"), actor=bureau.users["zhou"], as_of=AS_OF)
    with CaptureQueriesContext(connection) as large:
        assert zhou.get(f"/evaluation/{month.pk}/").status_code == 200
    assert [q["sql"][:24] for q in large.captured_queries] == [
        q["sql"][:24] for q in small.captured_queries
    ]


def test_the_rankings_show_the_movement_from_last_month(bureau: Any, world: Any) -> None:
    # given September published with 城南 first and October with 城南 second
    world.cases("south", 100, sh(2026, 9, 3))
    world.cases("north", 100, sh(2026, 9, 3))
    world.problem("zhao", act_at=sh(2026, 9, 5))
    world.problem("zhang", act_at=sh(2026, 10, 5))
    zhou = bureau.users["zhou"]
    for month in ("2026-09", "2026-10"):
        ev = services.compute_month(parse_month(month), actor=zhou, as_of=AS_OF)
        services.publish_month(services.check_month(ev, actor=zhou), actor=zhou)
    october = Evaluation.objects.get(month="2026-10-01")
    page = client_for(bureau, "zhou").get(f"/evaluation/{october.pk}/").content.decode()
    assert "↓（上月第1名）" in page
    assert "↑（上月第2名）" in page
