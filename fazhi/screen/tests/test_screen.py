"""执法智慧大屏: its numbers on hand-made data, its scope, who is refused, the cache, and that a
change of the data reaches the board once the cache time has passed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from fazhi.core.models import AuditEvent
from fazhi.core.scope import scope_of
from fazhi.core.timezones import SHANGHAI
from fazhi.disputes.models import Dispute
from fazhi.evaluation.models import Evaluation, Score
from fazhi.records import models as m
from fazhi.rectification.models import Problem
from fazhi.screen.board import board
from fazhi.testing.scene import make_finding

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def problem(scene: Any, unit: str, officer: str, *, status: str, due: datetime, **kw: Any) -> Any:
    """A problem of its own finding (one active problem per finding)."""
    b = scene.bureau
    found = make_finding(
        "GF-BA-01", subject_type="venue_visit", subject_id=f"V-{Problem.objects.count()}",
        status="violation", unit=b.units[unit], officer=b.officers[officer], is_open=False,
    )  # fmt: skip
    return Problem.objects.create(
        finding=found, rule=found.rule, unit=b.units[unit], officer=b.officers[officer],
        severity="一般", status=status, source="auto", due_at=due, created_by="system", **kw,
    )  # fmt: skip


def figure(html: str, name: str) -> str:
    marker = f'data-figure="{name}">'
    start = html.index(marker) + len(marker)
    return html[start : html.index("<", start)]


# --- who sees it -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["zhou", "wu", "sun", "li", "liu", "chen", "admin"])
def test_leaders_legal_officers_and_the_brigade_open_the_screen(scene: Any, name: str) -> None:
    # given a signed-in user of a unit or the bureau, when he opens the screen and its board
    client = scene.client(name)
    page = client.get("/screen/")
    part = client.get("/screen/board/")
    # then both are drawn, the board marked as one (screen.js swaps nothing else)
    assert page.status_code == 200
    assert part.status_code == 200
    assert "执法智慧大屏" in page.content.decode()
    assert part["X-Fazhi-Board"] == "1"


@pytest.mark.parametrize("name", ["zhang", "zhao"])
def test_an_officer_is_refused_the_screen_and_its_board(scene: Any, name: str) -> None:
    # given a 民警, when he asks for the screen or its board, then he is refused (403)
    client = scene.client(name)
    assert client.get("/screen/").status_code == 403
    assert client.get("/screen/board/").status_code == 403


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(scene: Any) -> None:
    response = Client().get("/screen/board/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_opening_the_screen_is_audited_and_polling_is_not(scene: Any) -> None:
    # given the 法制大队's zhou, when he opens the screen and it polls its board twice
    client = scene.client("zhou")
    client.get("/screen/")
    client.get("/screen/board/")
    client.get("/screen/board/")
    # then one view of the screen is in the audit log
    assert AuditEvent.objects.filter(action="view.screen", actor="zhou").count() == 1


# --- scope ---------------------------------------------------------------------------------------


def test_a_chief_sees_his_own_units_numbers_only(scene: Any) -> None:
    # given the scene: a warning in 城南 and a violation in 城北, and an overdue problem in each
    now = timezone.now()
    problem(scene, "south", "zhang", status="open", due=now - timedelta(hours=2))
    problem(scene, "north", "zhao", status="open", due=now - timedelta(hours=2))
    # when 城南's 所队长 and the 法制大队 each get the board
    south = board(scope_of(scene.bureau.users["sun"]), now)
    bureau = board(scope_of(scene.bureau.users["zhou"]), now)
    # then 城南 counts its own warning and problem; the bureau counts both units
    assert south["totals"]["warnings"] == 1
    assert south["totals"]["violations"] == 0
    assert south["totals"]["overdue_problems"] == 1
    assert [u["name"] for u in south["units"]] == ["城南派出所"]
    assert bureau["totals"]["violations"] == 1
    assert bureau["totals"]["overdue_problems"] == 2
    assert {u["name"] for u in bureau["units"]} == {"城南派出所", "城北派出所"}
    # and 城北's problem never reaches 城南's page
    html = scene.client("sun").get("/screen/board/").content.decode()
    assert "城北派出所" not in html


# --- the numbers ---------------------------------------------------------------------------------


def test_the_months_rectification_rate_counts_fixed_problems_and_leaves_out_dismissed(
    scene: Any,
) -> None:
    # given 城南's problems of this month: 1 closed, 1 fixed awaiting review, 1 open, 1 dismissed
    now = timezone.now()
    later = now + timedelta(days=3)
    for status in ("closed", "fixed", "open", "dismissed"):
        problem(scene, "south", "zhang", status=status, due=later, created_at=now)
    # and one of last month, closed, which is not this month's
    month_start = now.astimezone(SHANGHAI).replace(day=1, hour=0, minute=0, second=0)
    problem(
        scene,
        "south",
        "zhang",
        status="closed",
        due=later,
        created_at=month_start - timedelta(days=2),
    )
    # when the board is computed for the 法制大队
    row = next(u for u in board(scope_of(scene.bureau.users["zhou"]), now)["units"])
    # then of the 3 problems that count, 2 are fixed: 66.7 %; the waiting ones are fixed + open
    assert (row["month"], row["month_fixed"], row["rate"]) == (3, 2, 66.7)
    assert row["active"] == 2


def test_the_median_of_a_stage_is_the_middle_case(scene: Any) -> None:
    # given 城北 cases closed within 90 days after 1, 2 and 10 days (and one closed long ago)
    b = scene.bureau
    now = timezone.now()
    for i, days in enumerate([1, 2, 10]):
        m.Case.objects.create(
            id=f"A-E{i}", kind="行政", cause="殴打他人", unit=b.units["north"],
            accepted_at=now - timedelta(days=20), closed_at=now - timedelta(days=20 - days),
            status="结案",
        )  # fmt: skip
    m.Case.objects.create(
        id="A-OLD", kind="行政", cause="殴打他人", unit=b.units["north"],
        accepted_at=now - timedelta(days=400), closed_at=now - timedelta(days=300), status="结案",
    )  # fmt: skip
    # when the board is computed for 城北's 法制员
    stages = {r["stage"]: r for r in board(scope_of(b.users["wang"]), now)["efficiency"]}
    # then 受案到结案 is the middle one, 2 days, over 3 cases
    assert stages["受案到结案"]["median"] == timedelta(days=2)
    assert stages["受案到结案"]["count"] == 3
    # and the scene's 城南 case (accepted 3 days ago, its incident 3 days ago) is not 城北's
    assert stages["接警到受案"]["count"] == 0


def test_the_custody_list_holds_running_measures_with_their_next_deadline_and_masked_names(
    scene: Any,
) -> None:
    # given the scene's 刑事拘留 of 钱大宝 with a warning due in 3 hours, and an ended 传唤
    now = timezone.now()
    scene.person.name = "钱大宝"
    scene.person.save()
    m.Measure.objects.create(
        id="A-S1-M2", case=scene.south_case, person=scene.person, kind="传唤",
        started_at=now - timedelta(days=5), ended_at=now - timedelta(days=5) + timedelta(hours=8),
    )  # fmt: skip
    # when the 法制大队's board is computed
    held = board(scope_of(scene.bureau.users["zhou"]), now)["custody"]
    # then only the running detention is listed, its clock the warning's due time
    assert [(h["kind"], h["person"]) for h in held] == [("刑事拘留", "钱某某")]
    assert held[0]["due_at"] == scene.warning.due_at
    assert held[0]["rule"] == scene.warning.rule.name
    # and the page shows the masked name, never the name itself
    html = scene.client("zhou").get("/screen/board/").content.decode()
    assert "钱某某" in html
    assert "钱大宝" not in html


def test_a_three_character_name_is_masked_to_its_surname(scene: Any) -> None:
    scene.person.name = "欧阳明"
    scene.person.save()
    held = board(scope_of(scene.bureau.users["zhou"]), timezone.now())["custody"]
    assert held[0]["person"] == "欧某某"


def test_disputes_are_counted_by_colour_and_unit(scene: Any) -> None:
    # given three open disputes of 城南 (two red, one blue) and a resolved red one of 城北
    now = timezone.now()
    b = scene.bureau
    for i, (unit, colour, status) in enumerate(
        [("south", "红", "未化解"), ("south", "红", "化解中"), ("south", "蓝", "未化解"),
         ("north", "红", "已化解")]
    ):  # fmt: skip
        incident = m.Incident.objects.create(
            id=f"J-D{i}", received_at=now, source="110", category="纠纷", unit=b.units[unit],
            address="某地", description="邻里纠纷",
        )  # fmt: skip
        Dispute.objects.create(
            incident=incident, unit=b.units[unit], dispute_type="邻里", colour=colour,
            status=status, created_at=now, graded_at=now,
        )  # fmt: skip
    # when the bureau's board is computed
    disputes = board(scope_of(b.users["wu"]), now)["disputes"]
    # then red 2, blue 1 (the resolved one is not a risk any more), all of them 城南's
    assert disputes["totals"] == {"红": 2, "黄": 0, "蓝": 1}
    assert [(u["name"], u["红"], u["蓝"]) for u in disputes["units"]] == [("城南派出所", 2, 1)]
    assert board(scope_of(b.users["sun"]), now)["totals"]["red_disputes"] == 2


def test_only_a_published_month_is_ranked(scene: Any) -> None:
    # given October drafted and September published, 城北 first and 城南 second
    b = scene.bureau
    now = timezone.now()
    common = {
        "scheme_name": "默认", "scheme_version": "1", "scheme_digest": "x", "scheme_text": "",
        "as_of": now, "computed_at": now, "computed_by": "zhou",
    }  # fmt: skip
    Evaluation.objects.create(month=datetime(2026, 10, 1).date(), status="draft", **common)
    sept = Evaluation.objects.create(
        month=datetime(2026, 9, 1).date(), status="published", **common
    )
    for unit, score, rank, grade in [("north", "95", 1, "优秀"), ("south", "55", 2, "不达标")]:
        Score.objects.create(
            evaluation=sept, subject="unit", unit=b.units[unit], score=Decimal(score), rank=rank,
            grade=grade,
        )  # fmt: skip
    # when the bureau's board is computed
    ranking = board(scope_of(b.users["wu"]), now)["ranking"]
    # then it is September's, in rank order, with one unit failing
    assert ranking["month"] == sept.month
    assert [(r["unit"], r["rank"], r["grade"]) for r in ranking["rows"]] == [
        ("城北派出所", 1, "优秀"),
        ("城南派出所", 2, "不达标"),
    ]
    assert ranking["failing"] == 1
    # and 城南's chief sees his own unit's line only
    assert [r["unit"] for r in board(scope_of(b.users["sun"]), now)["ranking"]["rows"]] == [
        "城南派出所"
    ]


def test_the_trend_covers_twelve_months_ending_with_this_one(scene: Any) -> None:
    now = timezone.now()
    trend = board(scope_of(scene.bureau.users["zhou"]), now)["trend"]
    local = now.astimezone(SHANGHAI)
    assert len(trend["months"]) == 12
    assert trend["months"][-1] == f"{local.year}年{local.month}月"
    series = dict(trend["series"])
    # the scene's two cases were accepted within the last three days
    assert sum(series["受理案件"]) == 2
    assert series["巡查新发现"][-1] + series["巡查新发现"][-2] == 2


# --- the cache and the refresh ------------------------------------------------------------------


def test_the_board_reuses_its_numbers_for_the_cache_time_then_shows_the_change(
    scene: Any, settings: Any
) -> None:
    # given the 法制大队's board drawn once, with one warning open
    client = scene.client("zhou")
    assert figure(client.get("/screen/board/").content.decode(), "warnings") == "1"
    # when the warning is closed
    scene.warning.is_open = False
    scene.warning.save()
    # then within the cache time the board still shows the numbers it computed
    assert figure(client.get("/screen/board/").content.decode(), "warnings") == "1"
    # and once the cache time has passed it shows the change
    cache.clear()
    assert figure(client.get("/screen/board/").content.decode(), "warnings") == "0"


def test_the_page_polls_its_board_at_the_configured_interval(scene: Any, settings: Any) -> None:
    settings.FAZHI_SCREEN_REFRESH_SECONDS = 15
    html = scene.client("zhou").get("/screen/").content.decode()
    assert 'hx-get="/screen/board/"' in html
    assert 'hx-trigger="every 15s"' in html
    assert "每 15 秒自动刷新" in html
