"""The pages: each with an allowed and a refused user; forms only for the allowed actions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from fazhi.accounts.services import system_user
from fazhi.core.models import AuditEvent
from fazhi.core.scope import scope_of
from fazhi.rectification import panels
from fazhi.rectification.models import Problem, ProblemStatus, RectificationPolicy
from fazhi.rectification.services.creation import push_problem
from fazhi.rectification.services.escalation import escalate_problems
from fazhi.rectification.services.transitions import submit_fix
from fazhi.rectification.tests import samples
from fazhi.rectification.tests.conftest import T0, sh, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client, bureau):
    def login(name: str):
        client.force_login(bureau.users[name])
        return client

    return login


def test_pages_need_sign_in(client, problem):
    for url in (
        "/problems/",
        f"/problems/{problem.pk}/",
        "/problems/board/",
        "/problems/policy/",
        f"/problems/push/{problem.finding_id}/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login/" in response["Location"], url


def test_list_is_scoped(as_user, problem, make_finding, bureau):
    push_problem(make_finding("zhao"), actor=bureau.users["wang"], now=T0)
    body = as_user("zhang").get("/problems/").content.decode()
    assert f"/problems/{problem.pk}/" in body
    assert "共 1 个问题" in body
    body = as_user("zhao").get("/problems/").content.decode()
    assert f"/problems/{problem.pk}/" not in body
    assert "共 1 个问题" in body
    assert "共 2 个问题" in as_user("wu").get("/problems/").content.decode()


def test_list_filters(as_user, problem, make_finding, bureau):
    submit_fix(problem, actor=bureau.users["zhang"], comment="已整改", now=T0)
    other = push_problem(make_finding(), actor=bureau.users["li"], now=T0)
    client = as_user("li")
    body = client.get("/problems/?status=fixed").content.decode()
    assert f"/problems/{problem.pk}/" in body
    assert f'/problems/{other.pk}/"' not in body
    # the default is the problems not yet finished; overdue ones by the real clock (2026 is past)
    assert "共 2 个问题" in client.get("/problems/").content.decode()
    assert (
        "共 1 个问题" in client.get("/problems/?overdue=1&unit=U-CN&rule=GF-T-01").content.decode()
    )
    assert "共 0 个问题" in client.get("/problems/?level=3").content.decode()


def test_list_queries_do_not_grow_with_the_rows(as_user, make_finding, bureau):
    client = as_user("li")
    push_problem(make_finding(), actor=bureau.users["li"], now=T0)
    client.get("/problems/")  # the first page after signing in also refreshes the session
    with CaptureQueriesContext(connection) as few:
        client.get("/problems/")
    for _ in range(8):
        push_problem(make_finding(), actor=bureau.users["li"], now=T0)
    with CaptureQueriesContext(connection) as many:
        client.get("/problems/")
    assert len(many) == len(few)


def test_detail_shows_the_forms_of_the_allowed_actions(as_user, problem):
    body = as_user("zhang").get(f"/problems/{problem.pk}/").content.decode()
    assert 'id="form-submit_fix"' in body
    assert 'id="form-appeal"' in body
    assert 'id="form-approve_fix"' not in body
    assert "受案后24小时内应出具受案回执" in body  # the finding's explanation
    body = as_user("li").get(f"/problems/{problem.pk}/").content.decode()
    assert 'id="form-submit_fix"' not in body
    assert 'id="form-dismiss"' in body


def test_opening_a_problem_is_audited_with_the_user_and_address(as_user, problem):
    # given zhang, whose problem it is
    client = as_user("zhang")
    # when he opens it
    client.get(f"/problems/{problem.pk}/", REMOTE_ADDR="10.8.8.8")
    # then the audit log says who opened which problem from where
    event = AuditEvent.objects.get(action="view.problem")
    assert (event.actor, event.target_type, event.target_id, event.remote_addr) == (
        "zhang", "problem", str(problem.pk), "10.8.8.8",
    )  # fmt: skip


@pytest.mark.parametrize("name", ["wang", "zhao"])
def test_detail_of_another_unit_is_404(as_user, problem, name):
    assert as_user(name).get(f"/problems/{problem.pk}/").status_code == 404


def test_submit_and_approve_through_the_pages(as_user, problem):
    response = as_user("zhang").post(
        f"/problems/{problem.pk}/submit_fix/", {"comment": "已补出具", "files": [upload()]}
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.FIXED
    assert problem.attachments.count() == 1
    response = as_user("li").post(f"/problems/{problem.pk}/approve_fix/", {"comment": "好"})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED


def test_refused_actions_through_the_pages(as_user, problem):
    # 李娜 may not submit a fix: 403
    assert (
        as_user("li").post(f"/problems/{problem.pk}/submit_fix/", {"comment": "x"}).status_code
        == 403
    )
    # 王芳 of 城北 does not even see it: 404
    assert as_user("wang").post(f"/problems/{problem.pk}/approve_fix/").status_code == 404
    # an unknown action: 404
    assert as_user("li").post(f"/problems/{problem.pk}/explode/").status_code == 404
    # GET is not allowed on an action
    assert as_user("zhang").get(f"/problems/{problem.pk}/submit_fix/").status_code == 405


def test_a_state_refusal_is_shown_in_chinese(as_user, problem):
    client = as_user("li")
    response = client.post(f"/problems/{problem.pk}/approve_fix/", follow=True)
    assert "当前状态为“待整改”，不能审核销号" in response.content.decode()
    # a refused upload too
    response = as_user("zhang").post(
        f"/problems/{problem.pk}/submit_fix/",
        {"comment": "x", "files": [upload("a.exe", b"MZ")]},
        follow=True,
    )
    assert "类型不允许" in response.content.decode()
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN


def test_a_disguised_upload_is_refused_in_chinese_on_the_page(as_user, problem):
    # given a Windows program behind a PDF header, named as 张伟's report
    disguised = upload("整改报告.pdf", b"%PDF-1.7\n" + samples.EXE)
    # when he submits his fix with it through the page
    response = as_user("zhang").post(
        f"/problems/{problem.pk}/submit_fix/", {"comment": "x", "files": [disguised]}, follow=True
    )
    # then the page says in Chinese which file is wrong and why, and the problem stays open
    text = response.content.decode()
    assert "附件“整改报告.pdf”不是能打开的 PDF 文件" in text
    assert "Error" not in text
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN


def test_push_page(as_user, make_finding):
    finding = make_finding()
    client = as_user("li")
    page = client.get(f"/problems/push/{finding.pk}/")
    assert page.status_code == 200
    assert 'id="finding-action"' in page.content.decode()
    response = client.post(f"/problems/push/{finding.pk}/", {"comment": "请整改"})
    problem = Problem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/problems/{problem.pk}/"
    # pushing again shows why not
    body = client.get(f"/problems/push/{finding.pk}/").content.decode()
    assert "已有正在整改的问题" in body
    assert 'id="finding-action"' not in body


@pytest.mark.parametrize(("name", "status"), [("zhang", 403), ("chen", 403), ("wang", 404)])
def test_push_page_refused(as_user, make_finding, name, status):
    finding = make_finding()
    assert as_user(name).get(f"/problems/push/{finding.pk}/").status_code == status
    assert as_user(name).post(f"/problems/push/{finding.pk}/").status_code == status
    assert not Problem.objects.exists()


def test_confirm_and_dismiss_pages(as_user, make_finding):
    client = as_user("li")
    sure, false = make_finding(status="suspicion"), make_finding(status="suspicion")
    client.post(f"/problems/confirm/{sure.pk}/", {"comment": "属实"})
    response = client.post(f"/problems/dismiss/{false.pk}/", {"comment": ""}, follow=True)
    assert "请填写不予认定的理由" in response.content.decode()
    client.post(f"/problems/dismiss/{false.pk}/", {"comment": "同名同姓"})
    assert sorted(Problem.objects.values_list("status", flat=True)) == ["dismissed", "open"]
    assert as_user("zhang").get(f"/problems/confirm/{sure.pk}/").status_code == 403
    assert as_user("zhang").post(f"/problems/dismiss/{false.pk}/").status_code == 403


def test_board_page(as_user, problem, make_finding, bureau):
    push_problem(make_finding("zhao"), actor=bureau.users["wang"], now=T0)
    body = as_user("wu").get("/problems/board/").content.decode()
    assert "城南派出所" in body
    assert "城北派出所" in body
    body = as_user("wang").get("/problems/board/").content.decode()
    assert "城北派出所" in body
    assert "城南派出所" not in body


def test_policy_page(as_user):
    assert "仅法制大队可以修改" in as_user("li").get("/problems/policy/").content.decode()
    assert (
        as_user("li").post("/problems/policy/", {"reason": "x", "due_days_minor": "5"}).status_code
        == 403
    )
    assert RectificationPolicy.current().due_days_minor == 3
    client = as_user("zhou")
    assert 'name="due_days_minor"' in client.get("/problems/policy/").content.decode()
    response = client.post(
        "/problems/policy/", {"reason": "试行", "due_days_minor": "5"}, follow=True
    )
    assert "已修改" in response.content.decode()
    assert RectificationPolicy.current().due_days_minor == 5
    response = client.post(
        "/problems/policy/", {"reason": "试行", "due_days_minor": "0"}, follow=True
    )
    assert "超出范围" in response.content.decode()


def test_workbench_panels_by_role(bureau, problem, make_finding):
    other = push_problem(make_finding(), actor=bureau.users["li"], now=T0)
    submit_fix(other, actor=bureau.users["zhang"], comment="已整改", now=T0)
    escalate_problems(sh(2026, 3, 7, 12), system_user())
    request = RequestFactory().get("/")

    def panel(name: str):
        request.user = bureau.users[name]
        return panels.workbench_panel(request, scope_of(bureau.users[name]))

    mine = panel("zhang")
    assert mine["title"] == "待我整改"
    assert [p.pk for p in mine["problems"]] == [problem.pk]
    assert mine["problems"][0].time_left.startswith("已逾期")
    review = panel("li")
    assert review["title"] == "待我审核"
    assert [p.pk for p in review["problems"]] == [other.pk]
    assert panel("wang")["problems"] == []
    lead = panel("sun")
    assert lead["total"] == 1
    assert lead["levels"][2][2] == 1
    assert panel("admin") is None


def test_panel_templates_render(bureau, problem):
    from django.template.loader import render_to_string

    request = RequestFactory().get("/")
    for name, text in (("zhang", "待我整改"), ("li", "没有待审核的问题"), ("sun", "通报晾晒")):
        request.user = bureau.users[name]
        panel = panels.workbench_panel(request, scope_of(request.user))
        assert panel is not None
        assert text in render_to_string(panel["template"], {"panel": panel}), name


def test_problem_page_prints_names_people_and_links_its_help(as_user, problem) -> None:
    # given a problem pushed by li (法制员) to zhang / when zhang opens it
    body = as_user("zhang").get(f"/problems/{problem.pk}/").content.decode()
    # then a 打印 button and the area's help are there, and people are named, not logins
    assert "data-print>打印</button>" in body
    assert 'href="/problems/help/"' in body
    assert "李娜（O-003）" in body  # who pushed it
    assert "（li，" not in body
