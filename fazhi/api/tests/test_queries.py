"""Every call issues a number of queries that does not grow with the number of records."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fazhi.api.tests.conftest import bearer

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


def count_queries(client: Any, path: str, **extra: Any) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, **extra)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response.json()


@pytest.mark.parametrize("user", ["li", "zhang", "zhou"])
def test_findings_list_constant_queries(
    as_user: Any, make_finding: Any, django_assert_max_num_queries: Any, user: Any
) -> None:
    client = as_user(user)
    client.get(f"{V1}/me")  # the first call after signing in also refreshes the session
    for _ in range(2):
        make_finding("zhang")
    few, body = count_queries(client, f"{V1}/findings")
    assert body["count"] == 2
    for _ in range(18):
        make_finding("zhang")
    many, body = count_queries(client, f"{V1}/findings")
    assert body["count"] == 20
    assert many == few
    with django_assert_max_num_queries(few):
        client.get(f"{V1}/findings")


def test_findings_list_constant_queries_with_a_token(
    token_for: Any, make_finding: Any, django_assert_max_num_queries: Any
) -> None:
    from django.test import Client

    key = token_for("li")
    client = Client()
    client.get(f"{V1}/me", **bearer(key))  # the first use records last_used_at
    make_finding("zhang")
    make_finding("zhang")
    few, _ = count_queries(client, f"{V1}/findings", **bearer(key))
    for _ in range(18):
        make_finding("zhang")
    with django_assert_max_num_queries(few):
        response = client.get(f"{V1}/findings", **bearer(key))
    assert response.json()["count"] == 20


def test_other_lists_and_details_constant_queries(
    as_user: Any, make_finding: Any, cases: Any, bureau: Any
) -> None:
    from fazhi.records import models as m
    from fazhi.rectification.services.creation import push_problem
    from fazhi.rectification.services.transitions import submit_fix

    client = as_user("zhou")

    def measure() -> dict[str, int]:
        problem = client.get(f"{V1}/problems", {"limit": 1}).json()["items"][0]
        paths = {
            "problems": f"{V1}/problems", "rules": f"{V1}/rules", "case": f"{V1}/cases/C-S1",
            "problem": f"{V1}/problems/{problem['id']}",
            "finding": f"{V1}/findings/{problem['finding_id']}",
        }  # fmt: skip
        return {name: count_queries(client, path)[0] for name, path in paths.items()}

    def add(n: int) -> None:
        cs = cases["south"]
        for _ in range(n):
            fd = make_finding("zhang", case=cs)
            p = push_problem(fd, actor=bureau.users["li"], comment="请整改")
            submit_fix(p, actor=bureau.users["zhang"], comment="已整改")
            k = m.Person.objects.count() + 1
            person = m.Person.objects.create(id=f"P-{k}", case=cs, name="某", role="证人")
            m.Measure.objects.create(
                id=f"M-{k}", case=cs, person=person, kind="传唤", started_at=cs.accepted_at,
                approved_by=bureau.officers["sun"],
            )  # fmt: skip

    add(2)
    few = measure()
    add(18)
    assert measure() == few


def test_disputes_and_daily_sheets_constant_queries(as_user: Any, bureau: Any) -> None:
    from fazhi.api.tests.conftest import DAY, sh
    from fazhi.dailycheck.models import DailyAnswer, DailySheet
    from fazhi.disputes.models import Dispute, Party
    from fazhi.records import models as m

    client = as_user("zhou")
    made = {"n": 0}

    def add(n: int) -> None:
        for _ in range(n):
            made["n"] += 1
            k = made["n"]
            unit = m.Unit.objects.create(
                id=f"U-T{k}", name=f"测试所{k}", kind="派出所", parent=bureau.units["county"]
            )
            sheet = DailySheet.objects.create(unit=unit, day=DAY)
            DailyAnswer.objects.create(sheet=sheet, code="Q01", count=0)
            incident = m.Incident.objects.create(
                id=f"J-{k}", received_at=sh(2026, 3, 1), source="110", category="纠纷",
                unit=unit, address="某路", description="纠纷", dispute_type="邻里",
            )  # fmt: skip
            dispute = Dispute.objects.create(
                incident=incident, unit=unit, officer=bureau.officers["zhang"],
                dispute_type="邻里", created_at=sh(2026, 3, 1), graded_at=sh(2026, 3, 1),
            )  # fmt: skip
            Party.objects.create(dispute=dispute, name="某", source="报警人")

    def measure() -> dict[str, int]:
        first = client.get(f"{V1}/disputes", {"limit": 1}).json()["items"][0]["id"]
        paths = {
            "disputes": f"{V1}/disputes", "sheets": f"{V1}/daily/sheets?day={DAY.isoformat()}",
            "dispute": f"{V1}/disputes/{first}",
        }  # fmt: skip
        return {name: count_queries(client, path)[0] for name, path in paths.items()}

    add(2)
    few = measure()
    add(18)
    assert client.get(f"{V1}/disputes").json()["count"] == 20
    assert measure() == few
