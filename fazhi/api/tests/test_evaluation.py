"""The evaluation through the API: the months a user may read (drafts only for the 法制大队),
one version's scores with their items narrowed to the user's data scope, a refused user, and a
number of queries that does not grow with the scores."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fazhi.core.models import AuditEvent
from fazhi.evaluation import services
from fazhi.evaluation.models import Evaluation
from fazhi.evaluation.services import parse_month
from fazhi.evaluation.tests.conftest import AS_OF, World, sh

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


@pytest.fixture
def october(bureau: Any) -> Evaluation:
    """October computed as a draft: 城南 with two problems of 张伟, 城北 one of 赵强."""
    world = World(bureau)
    world.cases("south", 100, sh(2026, 10, 3), lead="zhang")
    world.cases("north", 100, sh(2026, 10, 3), lead="zhao")
    world.problem("zhang", act_at=sh(2026, 10, 5))
    world.problem("zhang", act_at=sh(2026, 10, 6))
    world.problem("zhao", act_at=sh(2026, 10, 6))
    return services.compute_month(parse_month("2026-10"), actor=bureau.users["zhou"], as_of=AS_OF)


def publish(bureau: Any, ev: Evaluation) -> Evaluation:
    zhou = bureau.users["zhou"]
    return services.publish_month(services.check_month(ev, actor=zhou), actor=zhou)


def test_a_draft_is_for_the_legal_brigade_only(october: Evaluation, as_user: Any) -> None:
    # given October as a draft: the 法制大队 lists and reads it
    body = as_user("zhou").get(f"{V1}/evaluations").json()
    assert [(e["month"], e["status"], e["status_label"]) for e in body["items"]] == [
        ("2026-10", "draft", "草稿")
    ]
    assert as_user("zhou").get(f"{V1}/evaluations/{october.pk}").status_code == 200
    # a 法制员 and a 局领导 neither list nor read it: 404 like a month that does not exist
    for name in ("li", "wu"):
        client = as_user(name)
        assert client.get(f"{V1}/evaluations").json()["count"] == 0
        refused = client.get(f"{V1}/evaluations/{october.pk}")
        assert refused.status_code == 404
        assert refused.json()["code"] == "not_found"


def test_a_published_month_is_read_within_the_data_scope(
    october: Evaluation, bureau: Any, as_user: Any
) -> None:
    ev = publish(bureau, october)
    # the 法制大队 sees both units and every officer, each deduction down to its record
    full = as_user("zhou").get(f"{V1}/evaluations/{ev.pk}").json()
    assert full["status"] == "published"
    assert {u["unit"]["id"] for u in full["units"]} == {"U-CN", "U-CB"}
    zhang = next(o for o in full["officers"] if o["officer"]["id"] == "O-001")
    assert [i["record_type"] for i in zhang["items"]] == ["problem", "problem"]
    assert zhang["standing_label"] == "参与排名"
    # 城南's 法制员 sees 城南 only; 张伟 only his own score
    li = as_user("li").get(f"{V1}/evaluations/{ev.pk}").json()
    assert {u["unit"]["id"] for u in li["units"]} == {"U-CN"}
    assert {o["officer"]["id"] for o in li["officers"]} <= {
        bureau.officers[n].pk for n in ("zhang", "li", "chen", "liu", "sun")
    }
    assert "O-002" not in {o["officer"]["id"] for o in li["officers"]}
    own = as_user("zhang").get(f"{V1}/evaluations/{ev.pk}").json()
    assert own["units"] == []
    assert own["leaders"] == []
    assert [o["officer"]["id"] for o in own["officers"]] == ["O-001"]
    audit = AuditEvent.objects.filter(action="view.api.evaluation").latest("seq")
    assert audit.actor == "zhang"


def test_the_list_filters_by_month_and_refuses_a_bad_one(
    october: Evaluation, bureau: Any, as_user: Any
) -> None:
    publish(bureau, october)
    client = as_user("li")
    assert client.get(f"{V1}/evaluations?month=2026-10").json()["count"] == 1
    assert client.get(f"{V1}/evaluations?month=2026-09").json()["count"] == 0
    assert client.get(f"{V1}/evaluations?month=2026-13").status_code == 422
    assert client.get(f"{V1}/evaluations?month=十月").status_code == 422


def test_anonymous_calls_are_refused(october: Evaluation) -> None:
    from django.test import Client

    assert Client().get(f"{V1}/evaluations/{october.pk}").status_code == 401


def test_the_detail_issues_the_same_queries_for_more_scores(bureau: Any, as_user: Any) -> None:
    world = World(bureau)
    client = as_user("zhou")
    client.get(f"{V1}/me")
    world.cases("south", 10, sh(2026, 10, 3), lead="zhang")
    world.problem("zhang", act_at=sh(2026, 10, 5))
    first = services.compute_month(parse_month("2026-10"), actor=bureau.users["zhou"], as_of=AS_OF)
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"{V1}/evaluations/{first.pk}").status_code == 200
    for _ in range(5):
        world.problem("zhao", act_at=sh(2026, 10, 7))
    world.cases("north", 10, sh(2026, 10, 3), lead="zhao")
    again = services.compute_month(parse_month("2026-10"), actor=bureau.users["zhou"], as_of=AS_OF)
    with CaptureQueriesContext(connection) as many:
        body = client.get(f"{V1}/evaluations/{again.pk}").json()
    assert sum(len(o["items"]) for o in body["officers"]) == 6
    assert len(many.captured_queries) == len(few.captured_queries)
