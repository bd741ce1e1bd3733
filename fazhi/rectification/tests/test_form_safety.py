"""Forms that prevent mistakes: the finding page offers exactly the actions the services
allow, a double click acts once, and 销号 moves the finding and the workbench counts at once."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from fazhi.core.models import AuditEvent
from fazhi.patrol.models import Finding
from fazhi.rectification.models import Problem, ProblemAction, ProblemStatus, Verb
from fazhi.rectification.services.creation import push_problem
from fazhi.rectification.services.permissions import (
    ACTION_LABELS,
    allowed_actions,
    allowed_finding_actions,
)
from fazhi.rectification.services.transitions import submit_fix
from fazhi.rectification.tests.conftest import T0

pytestmark = pytest.mark.django_db

# the finding page's action forms (not the top bar's sign-out button)
BUTTON = re.compile(r'class="actions">.*?<button type="submit"[^>]*>([^<]+)</button>')


@pytest.fixture
def as_user(client: Any, bureau: Any) -> Any:
    def login(name: str) -> Any:
        client.force_login(bureau.users[name])
        return client

    return login


def buttons(client: Any, finding: Finding) -> set[str]:
    return set(BUTTON.findall(client.get(f"/findings/{finding.pk}/").content.decode()))


def offered(finding: Finding, user: Any) -> set[str]:
    return {ACTION_LABELS[a] for a in allowed_finding_actions(finding, user)}


def test_finding_page_offers_push_on_a_fresh_finding(as_user, bureau, make_finding) -> None:
    # given an open violation of 张伟's with no problem yet
    finding = make_finding()
    # when his unit's 法制员 opens it / then 推送整改 is offered, as the service would allow
    assert buttons(as_user("li"), finding) == {"推送整改"} == offered(finding, bureau.users["li"])


def test_finding_page_offers_no_push_once_a_problem_is_in_progress(
    as_user, bureau, make_finding
) -> None:
    # given a finding already pushed (its problem open)
    finding = make_finding()
    problem = push_problem(finding, actor=bureau.users["li"], now=T0)
    # when the 法制员 opens the finding
    client = as_user("li")
    # then no action is offered (the service would refuse a second push), the problem is linked
    assert buttons(client, finding) == set() == offered(finding, bureau.users["li"])
    assert f"/problems/{problem.pk}/" in client.get(f"/findings/{finding.pk}/").content.decode()


def test_finding_page_offers_suspicion_actions_to_reviewers(as_user, bureau, make_finding) -> None:
    suspicion = make_finding(status="suspicion")
    expected = {"推送整改", "确认疑点", "不予认定"}
    assert buttons(as_user("li"), suspicion) == expected == offered(suspicion, bureau.users["li"])


@pytest.mark.parametrize("name", ["zhang", "chen", "wu"])
def test_finding_page_offers_nothing_to_roles_that_may_not_act(
    as_user, bureau, make_finding, name
) -> None:
    # given an open finding the user can see, but whose role does not review (民警, 业务负责人,
    # 局领导) / then no action button at all
    finding = make_finding(status="suspicion")
    assert buttons(as_user(name), finding) == set() == offered(finding, bureau.users[name])


def _open_count(client: Any) -> int:
    context = client.get("/").context
    return int(context["open_count"])


def test_approval_closes_the_finding_and_moves_the_workbench_counts(
    as_user, bureau, make_finding
) -> None:
    # given 张伟's violation pushed, fixed, and two other open findings of his unit
    finding = make_finding()
    make_finding(), make_finding()
    problem = push_problem(finding, actor=bureau.users["li"], now=T0)
    submit_fix(problem, actor=bureau.users["zhang"], comment="已补正", now=T0)
    client = as_user("li")
    assert _open_count(client) == 3
    assert "有效" in client.get(f"/findings/{finding.pk}/").content.decode()
    # when the 法制员 approves the fix (销号) through the page
    client.post(f"/problems/{problem.pk}/approve_fix/", {"comment": "整改到位"})
    # then the finding reads closed by the 销号 at once, and the counts follow
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED
    page = client.get(f"/findings/{finding.pk}/").content.decode()
    assert "已消除（整改已销号" in page
    assert (Finding.objects.get(pk=finding.pk).is_open, _open_count(client)) == (False, 2)
    # and 张伟's own workbench too
    assert _open_count(as_user("zhang")) == 2


def test_double_submitted_fix_is_one_act(as_user, bureau, make_finding) -> None:
    # given 张伟's open problem and his fix form sent twice (a double click)
    problem = push_problem(make_finding(), actor=bureau.users["li"], now=T0)
    data = {"comment": "已补出具", "once": str(uuid.uuid4())}
    client = as_user("zhang")
    client.post(f"/problems/{problem.pk}/submit_fix/", data)
    second = client.post(f"/problems/{problem.pk}/submit_fix/", data, follow=True)
    # then one submission is recorded, and the second answer is the same success, not a refusal
    assert ProblemAction.objects.filter(problem=problem, verb=Verb.SUBMIT).count() == 1
    assert AuditEvent.objects.filter(action="rectification.submit").count() == 1
    text = second.content.decode()
    assert "已提交整改" in text
    assert "不能提交整改" not in text


def test_double_submitted_push_makes_one_problem(as_user, make_finding) -> None:
    # given the push form of a finding sent twice with its token
    finding = make_finding()
    data = {"comment": "请整改", "once": str(uuid.uuid4())}
    client = as_user("li")
    first = client.post(f"/problems/push/{finding.pk}/", data)
    second = client.post(f"/problems/push/{finding.pk}/", data)
    # then one problem, and both answers lead to it
    problem = Problem.objects.get()
    assert first["Location"] == second["Location"] == f"/problems/{problem.pk}/"


FORM_ID = re.compile(r'id="form-([a-z_]+)"')


@pytest.mark.parametrize("fixed", [False, True], ids=["open", "fixed"])
@pytest.mark.parametrize("name", ["zhang", "li", "chen", "zhou", "wu", "sun"])
def test_problem_page_shows_exactly_the_allowed_actions(
    as_user, bureau, make_finding, name, fixed
) -> None:
    # given 张伟's problem, open or with its fix submitted
    problem = push_problem(make_finding(), actor=bureau.users["li"], now=T0)
    if fixed:
        submit_fix(problem, actor=bureau.users["zhang"], comment="已补正", now=T0)
        problem.refresh_from_db()
    # when each user opens it / then the forms are the actions the services would accept
    html = as_user(name).get(f"/problems/{problem.pk}/").content.decode()
    assert set(FORM_ID.findall(html)) == allowed_actions(problem, bureau.users[name])
