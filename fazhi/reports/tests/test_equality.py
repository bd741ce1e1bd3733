"""The numbers of each report equal the numbers the pages show for the same period and scope:
the findings list, 我的工作台's warnings, the 每日十问 statistics, the 通报晾晒 board, the
problem list, the disputes board, the evaluation's version page."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from fazhi.reports import services

from .conftest import client_of, sh


def _findings_total(client: Any, start: Any, end: Any, unit: str) -> int:
    response = client.get("/findings/", {"state": "all", "period": "first_seen", "start": start,
                                         "end": end, "unit": unit})  # fmt: skip
    assert response.status_code == 200
    return int(response.context["total"])


@pytest.mark.parametrize(("who", "unit"), [("zhou", None), ("sun", "U-CN")])
def test_daily_equals_the_findings_list_the_workbench_and_the_daily_stats(
    world: Any, bureau: Any, system: Any, who: str, unit: str | None
) -> None:
    from fazhi.dailycheck.services import generate_sheets

    # given findings first seen on 8 October (and one the day before, one the day after)
    for u, n in (("south", 3), ("north", 2)):
        for i in range(n):
            world.finding(u, sh(2026, 10, 8, 9 + i))
    world.finding("south", sh(2026, 10, 7, 23, 59))
    world.finding("north", sh(2026, 10, 9, 0, 0))
    world.problem("south", sh(2026, 10, 8, 15))
    # warnings due within the next 24 hours of now, and one later
    now = timezone.now()
    world.finding(
        "south", now - timedelta(days=1), status="warning", due_at=now + timedelta(hours=5)
    )
    world.finding(
        "north", now - timedelta(days=1), status="warning", due_at=now + timedelta(hours=20)
    )
    world.finding(
        "north", now - timedelta(days=1), status="warning", due_at=now + timedelta(hours=30)
    )
    today = timezone.localdate()
    generate_sheets(today, now, actor=system)
    # when the day's report is built for the bureau and for 城南
    day = services.build("daily", f"{today:%Y-%m-%d}", unit, now).data
    past = services.build("daily", "2026-10-08", unit, now).data
    client = client_of(bureau, who)
    # then each unit's new findings equal the findings list filtered to the day and the unit
    for u in ("U-CN", "U-CB"):
        page = _findings_total(client, "2026-10-08", "2026-10-08", u) if unit in (None, u) else 0
        assert past.findings.get(u, 0) == page
    assert sum(past.findings.values()) == (6 if unit is None else 4)
    assert sum(past.problems.values()) == 1
    # the warnings due in 24 h are 我的工作台's warnings with a due time in the window
    home = client.get("/")
    shown = [w for w in home.context["warnings"] if w.due_at < day.as_of + timedelta(hours=24)]
    assert sorted(w["pk"] for w in day.warnings) == sorted(w.pk for w in shown)
    assert len(day.warnings) == (2 if unit is None else 1)
    # and the 每日十问 rows are the statistics page's for the day
    stats = client.get("/daily/stats/", {"start": f"{today:%Y-%m-%d}", "end": f"{today:%Y-%m-%d}"})
    assert stats.status_code == 200
    assert day.daily == stats.context["table"]


def test_weekly_equals_the_board_the_problem_list_and_the_disputes_board(
    world: Any, bureau: Any
) -> None:
    # given this week's problems (one closed, one overdue in 城北) and red and blue disputes
    now = timezone.now()
    monday = timezone.localtime(now).date() - timedelta(days=timezone.localdate().weekday())
    week_start = timezone.make_aware(datetime.combine(monday, time.min))
    at = max(week_start + timedelta(minutes=5), now - timedelta(minutes=30))
    world.problem("south", at, status="closed")
    world.problem("south", at)
    world.problem("north", at, due_at=now - timedelta(minutes=1))
    world.problem("north", now - timedelta(days=30), due_at=now - timedelta(days=20))  # earlier
    world.dispute("south", now - timedelta(days=40), "红")
    world.dispute("north", now - timedelta(days=2), "红")
    world.dispute("north", now - timedelta(days=2), "蓝")
    iso = timezone.localdate().isocalendar()
    data = services.build("weekly", f"{iso.year}-W{iso.week:02d}", None, now).data
    client = client_of(bureau, "zhou")
    by_unit = {u["unit_id"]: u for u in data.units}
    # then the overdue counts are the 通报晾晒 page's
    board = client.get("/problems/board/").context
    assert {r["unit_id"]: r["count"] for r in board["rows"]} == {
        u: r["overdue"] for u, r in by_unit.items() if r["overdue"]
    }
    assert data.totals["overdue"] == board["total"] == 2
    # the notified problems are the problem list's problems of the week (all statuses)
    for unit, expected in (("U-CN", 2), ("U-CB", 1)):
        assert by_unit[unit]["notified"] == expected
    assert by_unit["U-CN"]["rectified"] == 1
    assert by_unit["U-CN"]["rate"] == 50.0
    # and the red disputes are the disputes board's red column
    disputes = client.get("/disputes/").context
    red_column = [c for c, _ in disputes["colours"]].index("红")
    assert len(data.red) == disputes["totals"][red_column] == 2


def test_monthly_equals_the_evaluation_version_page(world: Any, bureau: Any, system: Any) -> None:
    from fazhi.evaluation.services import check_month, compute_month, parse_month, publish_month
    from fazhi.patrol.models import PatrolRun
    from fazhi.records import models as m

    # given September and October 2026 computed and published, with cases in both units
    for unit in ("south", "north"):
        for mo in (9, 10):
            m.Case.objects.bulk_create([
                m.Case(id=world._id("C"), kind="行政", cause="殴打他人",
                       unit=bureau.units[unit], lead_officer=bureau.officers["zhang"],
                       accepted_at=sh(2026, mo, 5), status="受案")
                for _ in range(12)
            ])  # fmt: skip
    world.problem("south", sh(2026, 10, 6))
    world.problem("north", sh(2026, 9, 6))
    # the patrol has looked at both months: their problems count ("imported")
    PatrolRun.objects.create(as_of=sh(2026, 11, 1), mode="full", actor="system",
                             watermark=sh(2026, 11, 1), started_at=sh(2026, 11, 1))  # fmt: skip
    for month in ("2026-09", "2026-10"):
        ev = compute_month(parse_month(month), actor=system, as_of=sh(2026, 11, 10))
        publish_month(check_month(ev, actor=system), actor=system)
    # when the October report is built for the bureau
    data = services.build("monthly", "2026-10", None, sh(2026, 11, 10)).data
    assert data.evaluation is not None
    # then its ranking, scores, grades and movement are the version page's
    page = client_of(bureau, "zhou").get(f"/evaluation/{data.evaluation.pk}/").context
    shown = [(s.unit_id, s.rank, None if s.score is None else float(s.score), s.grade,
              s.previous_rank) for s in page["units"]]  # fmt: skip
    mine = [(u["unit_id"], u["rank"], u["score"], u["grade"], u["previous_rank"])
            for u in data.units]  # fmt: skip
    assert mine == shown
    assert len(mine) >= 2
    assert any(u["previous_rank"] is not None for u in data.units)  # September's ranks
    assert "表1 各单位考评排名" in [
        t.title
        for s in services.build("monthly", "2026-10", None, sh(2026, 11, 10)).doc.sections
        for t in s.blocks
        if hasattr(t, "title")
    ]


def test_monthly_without_a_published_month_says_so(world: Any) -> None:
    built = services.build("monthly", "2026-10", None, sh(2026, 11, 10))
    assert built.data.evaluation is None
    assert "尚未发布" in built.doc.lead


def test_quarterly_equals_the_findings_list_over_the_quarter(world: Any, bureau: Any) -> None:
    # given findings in July, August and September, and one in October
    for month, n in ((7, 3), (8, 2), (9, 1)):
        for i in range(n):
            world.finding("south", sh(2026, month, 10 + i), rule=1)
        world.finding("north", sh(2026, month, 3))
    world.finding("south", sh(2026, 10, 1, 0, 1))
    world.dispute("south", sh(2026, 8, 2), "红")
    # when the third quarter is built
    data = services.build("quarterly", "2026-Q3", None, sh(2026, 10, 5)).data
    client = client_of(bureau, "zhou")
    # then each unit's total is the findings list's for the quarter
    for unit in ("U-CN", "U-CB"):
        assert sum(data.by_unit[unit]) == _findings_total(client, "2026-07-01", "2026-09-30", unit)
    # month by month, by rule and by standard, falling in 城南
    assert data.by_unit["U-CN"] == [3, 2, 1]
    assert data.by_rule["GF-T-02"] == [3, 2, 1]
    assert data.by_standard["BZ-T-01"] == [3, 2, 1]
    assert data.disputes["红"] == [0, 1, 0]
    doc = services.build("quarterly", "2026-Q3", None, sh(2026, 10, 5)).doc
    text = " ".join(str(b) for s in doc.sections for b in s.blocks)
    assert "城南派出所（3→1）" in text


def _months_back(now: datetime, k: int) -> datetime:
    """The first minute of the month ``k`` months before ``now``'s (Beijing time)."""
    first = timezone.localtime(now).replace(day=1, hour=0, minute=1, second=0, microsecond=0)
    for _ in range(k):
        first = (first - timedelta(days=1)).replace(day=1, hour=0, minute=1)
    return first


def _doc_text(doc: Any) -> str:
    return " ".join(
        " ".join([b.title, *(str(c) for row in b.rows for c in row)])
        if hasattr(b, "rows")
        else str(b)
        for s in doc.sections for b in [s.heading, *s.blocks]
    )  # fmt: skip


def test_quarterly_carries_the_tuning_pages_verdicts_and_a_units_own_trends(
    world: Any, bureau: Any
) -> None:
    from fazhi.reports.periods import period_containing

    # given GF-T-01 rising in 城南 and GF-T-02 (which enforces BZ-T-01) rising in 城北 over
    # the last eight months, up to this month
    now = timezone.now()
    for k, n in enumerate([5, 4, 3, 3, 2, 1, 1, 0]):
        at = _months_back(now, k)
        for i in range(n):
            world.finding("south", at + timedelta(minutes=i), rule=0)
            world.finding("north", at + timedelta(minutes=i), rule=1)
    quarter = period_containing("quarterly", timezone.localdate()).key
    # when this quarter's 季分析 is built for the bureau, and the 标准动态评估 page is read
    whole = services.build("quarterly", quarter, None, now)
    page = client_of(bureau, "zhou").get("/tuning/")
    assert page.status_code == 200
    # then the report's rules and standards needing attention are the page's, with its reasons
    d = whole.data.dynamics
    assert d.whole_bureau
    assert {r.code: r.attention for r in d.rules if r.attention} == {
        r.code: r.attention for r in page.context["attention"]
    }
    assert {r.code: r.attention for r in d.standards if r.attention} == {
        r.code: r.attention for r in page.context["standard_attention"]
    }
    assert sorted(r.code for r in d.rising) == ["GF-T-01", "GF-T-02"]
    assert "BZ-T-01" in {r.code for r in d.standards if r.attention}
    assert d.months == page.context["months"]
    text = _doc_text(whole.doc)
    assert "六、标准动态评估" in text
    assert "表6 需要关注的规则" in text
    assert whole.doc.summary["rising_rules"] == 2
    # and 城南's report tests 城南's own findings only: GF-T-01 rising, nothing of 城北's rule
    # or of the standard only 城北 violates
    south = services.build("quarterly", quarter, "U-CN", now)
    u = south.data.dynamics
    assert not u.whole_bureau
    assert [(r.code, r.monthly[-8:]) for r in u.rules] == [("GF-T-01", [0, 1, 1, 2, 3, 3, 4, 5])]
    assert [r.code for r in u.rising] == ["GF-T-01"]
    assert u.standards == []
    south_text = _doc_text(south.doc)
    assert "六、本单位违规趋势" in south_text
    assert "GF-T-01" in south_text
    assert "GF-T-02" not in south_text
    assert "BZ-T-01" not in south_text
