"""诚信档案: who may read an officer's file (himself, his unit's leaders and 法制员, the 法制大队
and 局领导; not another 民警, not another unit's leaders), everything it gathers, the
early-warning flag at its thresholds, and the links from the officer page and the rankings."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from fazhi.evaluation import integrity, quality, services
from fazhi.evaluation.services import parse_month
from fazhi.evaluation.tests.conftest import AS_OF, sh

pytestmark = pytest.mark.django_db

NOW = sh(2026, 11, 20)


def client_for(bureau: Any, name: str) -> Client:
    client = Client()
    client.force_login(bureau.users[name])
    return client


@pytest.fixture
def colleague(bureau: Any) -> Any:
    """钱进, a second 民警 of 城南 with an account."""
    from fazhi.accounts.models import Role
    from fazhi.accounts.services import provision_user, system_user
    from fazhi.records import models as m

    officer = m.Officer.objects.create(
        id="O-100", name="钱进", unit=bureau.units["south"], role="民警", qualification="基本级"
    )
    provision_user(
        actor=system_user(), username="qian", password=bureau.password, role=Role.OFFICER,
        officer=officer,
    )  # fmt: skip
    return officer


@pytest.fixture
def history(world: Any) -> Any:
    """张伟's file: a training, a commendation, a discipline, a 严重 problem, a late one, a 约谈
    reminder, a complaint found true and a lost review on his case, all within the quarter."""
    from fazhi.records import models as m
    from fazhi.rectification.models import InterviewReminder

    b = world.bureau
    zhang = b.officers["zhang"]
    m.Training.objects.create(
        id="PX-1", officer=zhang, kind="执法资格考试", title="中级执法资格考试",
        at=date(2026, 6, 1), result="通过",
    )  # fmt: skip
    m.Commendation.objects.create(
        id="JL-1", officer=zhang, reason="办案规范", kind="嘉奖", at=date(2026, 7, 1)
    )
    m.Discipline.objects.create(
        id="CF-1", officer=zhang, reason="超期羁押", kind="批评教育", at=date(2026, 10, 1)
    )
    world.problem("zhang", act_at=sh(2026, 10, 5), found_at=sh(2026, 10, 6), severity="严重")
    world.problem("zhang", act_at=sh(2026, 10, 7), found_at=sh(2026, 10, 8), late=True)
    InterviewReminder.objects.create(
        officer=zhang, unit=zhang.unit, month=date(2026, 10, 1), problem_count=3,
        created_at=sh(2026, 10, 20),
    )  # fmt: skip
    (case,) = world.cases("south", 1, sh(2026, 9, 1), lead="zhang")
    m.Complaint.objects.create(
        id="TS-9", received_at=sh(2026, 10, 9), channel="信访", unit=zhang.unit, case=case,
        content="办案拖延", result="属实",
    )  # fmt: skip
    m.Review.objects.create(
        id="FY-9", case=case, kind="行政诉讼", filed_at=sh(2026, 9, 20),
        decided_at=sh(2026, 10, 30), outcome="确认违法",
    )  # fmt: skip
    return world


@pytest.mark.parametrize("name", ["zhang", "li", "chen", "sun", "zhou", "wu", "admin"])
def test_the_officer_his_units_leaders_and_the_bureau_read_his_file(
    history: Any, bureau: Any, name: str
) -> None:
    response = client_for(bureau, name).get("/evaluation/officers/O-001/integrity/")
    assert response.status_code == 200
    assert "诚信档案" in response.content.decode()


@pytest.mark.parametrize("name", ["qian", "zhao", "wang"])
def test_another_officer_or_another_units_legal_officer_is_refused(
    history: Any, bureau: Any, colleague: Any, name: str
) -> None:
    # a colleague of his own unit (钱进), a 民警 and the 法制员 of 城北
    user = bureau.users.get(name)
    client = Client()
    if user is None:
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(username=name)
    client.force_login(user)
    assert client.get("/evaluation/officers/O-001/integrity/").status_code == 404


def test_the_file_gathers_everything_and_warns_with_its_reasons(history: Any, bureau: Any) -> None:
    page = client_for(bureau, "li").get("/evaluation/officers/O-001/integrity/").content.decode()
    # qualification and what it allows
    assert "可以担任执法单位负责人（所队长）、法制员" in page
    for text in ("中级执法资格考试", "办案规范", "超期羁押", "办案拖延", "确认违法", "行政诉讼"):
        assert text in page
    assert "超期" in page  # the late rectification
    # the warning names its tripped signals
    assert "<b>预警</b>" in page
    w = integrity.warning("O-001", quality.load(), NOW)
    tripped = {s.key for s in w.tripped}
    assert tripped == {"complaints_true", "reviews_lost", "disciplines", "interviews"}
    # one 严重 problem and one late rectification are below their thresholds of two
    below = {s.key: (s.count, s.tripped) for s in w.signals if not s.tripped}
    assert below == {"grave_problems": (1, False), "overdue_rectifications": (1, False)}


def test_one_signal_alone_does_not_warn(world: Any, bureau: Any) -> None:
    from fazhi.records import models as m

    m.Discipline.objects.create(
        id="CF-2", officer=bureau.officers["zhang"], reason="迟到", kind="批评教育",
        at=date(2026, 11, 1),
    )  # fmt: skip
    w = integrity.warning("O-001", quality.load(), NOW)
    assert [s.key for s in w.tripped] == ["disciplines"]
    assert not w.flagged


def test_signals_older_than_the_window_do_not_count(history: Any) -> None:
    # a year later nothing of the quarter counts any more
    w = integrity.warning("O-001", quality.load(), sh(2027, 11, 20))
    assert w.tripped == []


def test_a_role_above_the_qualification_is_pointed_out(bureau: Any) -> None:
    sun = bureau.officers["sun"]
    sun.qualification = "基本级"
    assert integrity.qualification_gap(sun) == "担任所队长须取得中级执法资格，现为基本级"
    sun.qualification = "中级"
    assert integrity.qualification_gap(sun) == ""


def test_the_published_monthly_scores_are_in_the_history(world: Any, bureau: Any) -> None:
    world.cases("south", 5, sh(2026, 10, 3), lead="zhang")
    zhou = bureau.users["zhou"]
    ev = services.compute_month(parse_month("2026-10"), actor=zhou, as_of=AS_OF)
    # a draft is not in it
    assert not integrity.history("O-001").exists()
    services.publish_month(services.check_month(ev, actor=zhou), actor=zhou)
    assert [s.evaluation.month_text for s in integrity.history("O-001")] == ["2026-10"]
    page = client_for(bureau, "zhang").get("/evaluation/officers/O-001/integrity/")
    assert "2026-10" in page.content.decode()
    # the rankings link each officer's file
    ranking = client_for(bureau, "li").get(f"/evaluation/{ev.pk}/").content.decode()
    assert "/evaluation/officers/O-001/integrity/" in ranking


def test_the_officer_page_links_the_file_only_for_who_may_read_it(
    bureau: Any, colleague: Any
) -> None:
    link = "/evaluation/officers/O-001/integrity/"
    assert link in client_for(bureau, "li").get("/officers/O-001/").content.decode()
    assert link in client_for(bureau, "zhang").get("/officers/O-001/").content.decode()
    qian = Client()
    from django.contrib.auth import get_user_model

    qian.force_login(get_user_model().objects.get(username="qian"))
    # his colleague may open his officer page, not his file
    page = qian.get("/officers/O-001/")
    assert page.status_code == 200
    assert link not in page.content.decode()
