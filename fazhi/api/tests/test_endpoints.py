"""The permission matrix of the API: for every endpoint a user who is served and one who is
refused (anonymous → 401, out of scope → 404, a forbidden action → 403), and what each
answer holds."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from fazhi.api.tests.conftest import DAY, ID_NUMBER, PHONE, T0
from fazhi.core.models import AuditEvent

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


def ids(response: Any) -> list[Any]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


# --- anonymous: every endpoint answers 401 -----------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/me", "/findings", "/findings/1", "/cases/C-S1", "/rules", "/rules/GF-T-01",
        "/problems", "/problems/1", "/daily/sheets", "/disputes", "/disputes/1",
    ],
)  # fmt: skip
def test_anonymous_is_refused_everywhere(bureau: Any, path: str) -> None:
    response = Client().get(V1 + path)
    assert response.status_code == 401
    assert "未登录" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_anonymous_cannot_act_on_a_problem(problem: Any) -> None:
    response = Client().post(
        f"{V1}/problems/{problem.pk}/actions/approve", {"comment": "好"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 401
    problem.refresh_from_db()
    assert problem.status == "open"


# --- /me ---------------------------------------------------------------------------------------


def test_me_describes_the_user_and_his_scope(as_user: Any) -> None:
    body = as_user("li").get(f"{V1}/me").json()
    assert body["username"] == "li"
    assert body["role"] == "法制员"
    assert body["unit"] == {"id": "U-CN", "name": "城南派出所"}
    assert body["scope"]["unit_ids"] == ["U-CN"]
    assert body["scope"]["bureau_wide"] is False
    assert body["auth"] == "session"
    assert body["can_unmask"] is False

    zhou = as_user("zhou").get(f"{V1}/me").json()
    assert zhou["scope"]["bureau_wide"] is True
    assert zhou["scope"]["unit_ids"] is None
    assert zhou["can_unmask"] is True

    zhang = as_user("zhang").get(f"{V1}/me").json()
    assert zhang["scope"]["own_only"] is True
    assert zhang["officer_id"] == "O-001"


# --- findings ----------------------------------------------------------------------------------


def test_findings_are_narrowed_to_the_scope(as_user: Any, make_finding: Any) -> None:
    south = make_finding("zhang")
    north = make_finding("zhao")
    assert ids(as_user("li").get(f"{V1}/findings")) == [south.pk]
    assert ids(as_user("wang").get(f"{V1}/findings")) == [north.pk]
    assert set(ids(as_user("wu").get(f"{V1}/findings"))) == {south.pk, north.pk}
    # a 民警 sees only his own
    assert ids(as_user("zhao").get(f"{V1}/findings")) == [north.pk]


def test_findings_filters_and_labels(as_user: Any, make_finding: Any) -> None:
    violation = make_finding("zhang", status="violation", severity="严重")
    warning = make_finding("zhang", status="warning")
    closed = make_finding("zhang", status="warning", is_open=False)
    client = as_user("zhou")
    assert ids(client.get(f"{V1}/findings", {"status": "violation"})) == [violation.pk]
    assert ids(client.get(f"{V1}/findings", {"severity": "严重"})) == [violation.pk]
    assert ids(client.get(f"{V1}/findings", {"open": "false"})) == [closed.pk]
    assert set(ids(client.get(f"{V1}/findings", {"open": "true"}))) == {violation.pk, warning.pk}
    assert len(ids(client.get(f"{V1}/findings", {"unit": "U-XJ"}))) == 3  # units below count
    assert ids(client.get(f"{V1}/findings", {"unit": "U-CB"})) == []
    assert ids(client.get(f"{V1}/findings", {"rule": "NOPE"})) == []
    assert len(ids(client.get(f"{V1}/findings", {"since": "2026-03-02"}))) == 3
    assert ids(client.get(f"{V1}/findings", {"since": "2026-03-03"})) == []
    assert len(ids(client.get(f"{V1}/findings", {"subject_type": "case"}))) == 3
    item = client.get(f"{V1}/findings", {"status": "violation"}).json()["items"][0]
    assert item["status_label"] == "违规"
    assert item["unit"] == {"id": "U-CN", "name": "城南派出所"}
    assert item["officer"] == {"id": "O-001", "name": "张伟"}
    assert item["first_seen_at"].endswith("+08:00")


def test_findings_refuse_a_bad_filter(as_user: Any) -> None:
    response = as_user("zhou").get(f"{V1}/findings", {"status": "nonsense"})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("请求参数不合法：status 须为以下之一：")
    assert response.json()["errors"][0]["loc"] == ["query", "status"]


def test_pagination_limit_offset_and_maximum(as_user: Any, make_finding: Any) -> None:
    made = [make_finding("zhang").pk for _ in range(5)]
    client = as_user("li")
    body = client.get(f"{V1}/findings", {"limit": 2, "offset": 1}).json()
    assert body["count"] == 5
    assert (body["limit"], body["offset"]) == (2, 1)
    assert [i["id"] for i in body["items"]] == sorted(made, reverse=True)[1:3]
    assert client.get(f"{V1}/findings", {"limit": 500}).status_code == 200
    assert client.get(f"{V1}/findings", {"limit": 501}).status_code == 422
    assert client.get(f"{V1}/findings", {"offset": -1}).status_code == 422


def test_finding_detail_explains_itself(as_user: Any, make_finding: Any) -> None:
    fd = make_finding("zhang")
    body = as_user("li").get(f"{V1}/findings/{fd.pk}").json()
    assert body["facts"] == [
        {"field": "case.accepted_at", "label": "受案时间", "value": "2026-02-27 09:00"}
    ]
    assert "24小时" in body["explanation"]
    assert body["basis"].startswith("《公安机关办理行政案件程序规定》")
    assert body["problems"] == []
    assert AuditEvent.objects.filter(
        action="view.api.finding", target_id=str(fd.pk), actor="li"
    ).exists()


def test_finding_detail_out_of_scope_is_404(as_user: Any, make_finding: Any) -> None:
    fd = make_finding("zhang")
    for name in ("wang", "zhao"):  # another 派出所's 法制员; another 民警
        response = as_user(name).get(f"{V1}/findings/{fd.pk}")
        assert response.status_code == 404
        assert "不在您的数据范围内" in response.json()["detail"]
    assert as_user("zhang").get(f"{V1}/findings/{fd.pk}").status_code == 200


# --- cases -------------------------------------------------------------------------------------


def test_case_detail_with_persons_masked(as_user: Any, cases: Any, make_finding: Any) -> None:
    fd = make_finding("zhang", case=cases["south"])
    body = as_user("li").get(f"{V1}/cases/C-S1").json()
    assert body["unit"]["id"] == "U-CN"
    assert body["lead_officer"] == {"id": "O-001", "name": "张伟"}
    [person] = body["persons"]
    assert person["id_number"] == "110101********1237"
    assert person["phone"] == "138****5678"
    assert person["masked"] is True
    assert ID_NUMBER not in str(body)
    assert PHONE not in str(body)
    assert [x["kind"] for x in body["measures"]] == ["传唤"]
    assert [f["id"] for f in body["findings"]] == [fd.pk]


def test_case_detail_clear_for_a_user_with_unmask_permission(as_user: Any, cases: Any) -> None:
    body = as_user("zhou").get(f"{V1}/cases/C-S1").json()
    [person] = body["persons"]
    assert person["id_number"] == ID_NUMBER
    assert person["phone"] == PHONE
    assert person["masked"] is False
    row = AuditEvent.objects.get(action="view.api.case", actor="zhou")
    assert row.details["unmasked"] == ["C-S1-P1"]


def test_case_out_of_scope_is_404(as_user: Any, cases: Any) -> None:
    assert as_user("wang").get(f"{V1}/cases/C-S1").status_code == 404
    assert as_user("zhao").get(f"{V1}/cases/C-S1").status_code == 404
    assert as_user("zhang").get(f"{V1}/cases/C-S1").status_code == 200
    assert as_user("zhou").get(f"{V1}/cases/NOPE").status_code == 404


# --- rules -------------------------------------------------------------------------------------


def test_rules_list_with_counts_in_scope(as_user: Any, make_finding: Any) -> None:
    make_finding("zhang")
    make_finding("zhao")
    li = as_user("li").get(f"{V1}/rules").json()
    [rule] = li["items"]
    assert rule["code"] == "GF-T-01"
    assert rule["kind_label"] == "时限"
    assert rule["open_findings"]["total"] == 1  # only 城南's
    assert rule["open_findings"]["violation"] == 1
    wu = as_user("wu").get(f"{V1}/rules").json()
    assert wu["items"][0]["open_findings"]["total"] == 2


def test_rule_detail_with_settings_basis_and_precision(
    as_user: Any, problem: Any, bureau: Any
) -> None:
    from fazhi.rectification.services.transitions import approve_fix, submit_fix

    submit_fix(problem, actor=bureau.users["zhang"], comment="已补开回执", now=T0)
    approve_fix(problem, actor=bureau.users["li"], now=T0)
    body = as_user("zhang").get(f"{V1}/rules/GF-T-01").json()
    assert body["settings"] == {"limit": "24h"}
    assert body["basis"].startswith("《公安机关办理行政案件程序规定》")
    assert body["precision"] == {"confirmed": 1, "dismissed": 0, "precision": 1.0}
    assert as_user("zhang").get(f"{V1}/rules/NOPE").status_code == 404


# --- problems ----------------------------------------------------------------------------------


def test_problems_are_narrowed_to_the_scope(as_user: Any, problem: Any, north_problem: Any) -> None:
    assert ids(as_user("li").get(f"{V1}/problems")) == [problem.pk]
    assert ids(as_user("zhang").get(f"{V1}/problems")) == [problem.pk]
    assert ids(as_user("wang").get(f"{V1}/problems")) == [north_problem.pk]
    assert set(ids(as_user("zhou").get(f"{V1}/problems"))) == {problem.pk, north_problem.pk}
    client = as_user("zhou")
    assert ids(client.get(f"{V1}/problems", {"unit": "U-CB"})) == [north_problem.pk]
    assert ids(client.get(f"{V1}/problems", {"status": "closed"})) == []
    assert len(ids(client.get(f"{V1}/problems", {"active": "true"}))) == 2
    assert len(ids(client.get(f"{V1}/problems", {"overdue": "true"}))) == 2  # due in March
    assert ids(client.get(f"{V1}/problems", {"officer": "O-002"})) == [north_problem.pk]
    item = client.get(f"{V1}/problems", {"unit": "U-CN"}).json()["items"][0]
    assert item["status_label"] == "待整改"
    assert item["level_label"] == "民警"


def test_problem_detail_and_allowed_actions(as_user: Any, problem: Any) -> None:
    zhang = as_user("zhang").get(f"{V1}/problems/{problem.pk}").json()
    assert zhang["allowed_actions"] == ["appeal", "submit_fix"]
    assert [h["verb_label"] for h in zhang["history"]] == ["推送整改"]
    li = as_user("li").get(f"{V1}/problems/{problem.pk}").json()
    assert li["allowed_actions"] == ["dismiss"]
    assert as_user("wang").get(f"{V1}/problems/{problem.pk}").status_code == 404
    assert as_user("zhao").get(f"{V1}/problems/{problem.pk}").status_code == 404


def act(client: Client, problem: Any, action: str, comment: str = "") -> Any:
    return client.post(
        f"{V1}/problems/{problem.pk}/actions/{action}", {"comment": comment},
        content_type="application/json",
    )  # fmt: skip


def test_the_rectification_loop_through_the_api(as_user: Any, problem: Any) -> None:
    zhang, li = as_user("zhang"), as_user("li")
    # given an open problem, the 民警 may not strike it off himself
    refused = act(zhang, problem, "approve", "自己销号")
    assert refused.status_code == 403
    assert "无权" in refused.json()["detail"]
    # a fix without its explanation is refused with the Chinese message
    empty = act(zhang, problem, "submit_fix", "  ")
    assert empty.status_code == 400
    assert empty.json()["detail"] == "请填写整改情况说明"
    # when he submits the fix
    fixed = act(zhang, problem, "submit_fix", "已补开受案回执")
    assert fixed.status_code == 200, fixed.content
    assert fixed.json()["status"] == "fixed"
    assert fixed.json()["status_label"] == "已整改待审核"
    # submitting again in the wrong state is a conflict with the problem's state (409), not a 403
    again = act(zhang, problem, "submit_fix", "再交一次")
    assert again.status_code == 409
    assert again.json()["code"] == "wrong_status"
    # then the 法制员 of another 派出所 does not even see it
    assert act(as_user("wang"), problem, "approve").status_code == 404
    # and his own 法制员 strikes it off
    done = act(li, problem, "approve", "整改到位")
    assert done.status_code == 200
    assert done.json()["status_label"] == "已销号"
    assert [h["verb"] for h in done.json()["history"]] == ["push", "submit", "approve"]
    problem.refresh_from_db()
    assert problem.status == "closed"
    assert AuditEvent.objects.filter(action="rectification.approve", actor="li").exists()
    row = AuditEvent.objects.get(action="view.api.problem_action", actor="li")
    assert row.details["action"] == "approve"


def test_reject_appeal_and_decisions(as_user: Any, problem: Any) -> None:
    zhang, li = as_user("zhang"), as_user("li")
    assert act(zhang, problem, "submit_fix", "已整改").status_code == 200
    assert act(li, problem, "reject", "").status_code == 400
    assert act(li, problem, "reject", "回执未附").json()["status"] == "open"
    assert act(li, problem, "appeal", "不服").status_code == 403  # only the 民警 appeals
    assert act(zhang, problem, "appeal", "已按时出具").json()["status"] == "appealed"
    assert act(zhang, problem, "uphold_appeal", "我说成立").status_code == 403
    assert act(li, problem, "overrule_appeal", "理由不成立").json()["status"] == "open"
    assert act(zhang, problem, "dismiss", "误报").status_code == 403
    assert act(li, problem, "dismiss", "确属误报").json()["status"] == "dismissed"
    assert act(li, problem, "dismiss", "再次").status_code == 409  # already dismissed


def test_unknown_action_is_422(as_user: Any, problem: Any) -> None:
    assert act(as_user("li"), problem, "explode").status_code == 422


# --- 每日十问 ----------------------------------------------------------------------------------


def test_daily_sheets_of_the_day_in_scope(as_user: Any, sheets: Any) -> None:
    body = as_user("li").get(f"{V1}/daily/sheets", {"day": DAY.isoformat()}).json()
    assert body["day"] == DAY.isoformat()
    [sheet] = body["items"]
    assert sheet["unit"] == {"id": "U-CN", "name": "城南派出所"}
    assert [a["code"] for a in sheet["answers"]] == ["Q01", "Q02"]
    assert sheet["answers"][0]["title"] == "警情超时未处置"
    assert sheet["answers"][0]["records"][0]["id"] == "J-south"
    assert sheet["complete"] is False
    assert len(as_user("wu").get(f"{V1}/daily/sheets", {"day": "2026-03-02"}).json()["items"]) == 2
    # 民警 have no daily sheets; another day has none
    assert as_user("zhang").get(f"{V1}/daily/sheets", {"day": "2026-03-02"}).json()["count"] == 0
    assert as_user("li").get(f"{V1}/daily/sheets", {"day": "2026-03-03"}).json()["count"] == 0
    assert as_user("li").get(f"{V1}/daily/sheets", {"day": "昨天"}).status_code == 422


# --- 矛盾纠纷 ----------------------------------------------------------------------------------


def test_disputes_in_scope_with_parties_masked(as_user: Any, disputes: Any) -> None:
    south, north = disputes["south"], disputes["north"]
    assert ids(as_user("li").get(f"{V1}/disputes")) == [south.pk]
    assert ids(as_user("zhao").get(f"{V1}/disputes")) == [north.pk]
    assert len(ids(as_user("wu").get(f"{V1}/disputes", {"colour": "红"}))) == 2
    assert ids(as_user("wu").get(f"{V1}/disputes", {"open": "false"})) == []
    body = as_user("li").get(f"{V1}/disputes/{south.pk}").json()
    assert body["colour_label"] == "红色"
    assert body["reasons"] == [{"factor": "weapon", "points": 30, "reason": "扬言持刀"}]
    [party] = body["parties"]
    assert party["id_number"] == "110101********1237"
    assert party["phone"] == "138****5678"
    clear = as_user("zhou").get(f"{V1}/disputes/{south.pk}").json()
    assert clear["parties"][0]["id_number"] == ID_NUMBER


def test_dispute_out_of_scope_is_404(as_user: Any, disputes: Any) -> None:
    south = disputes["south"]
    assert as_user("wang").get(f"{V1}/disputes/{south.pk}").status_code == 404
    assert as_user("zhao").get(f"{V1}/disputes/{south.pk}").status_code == 404
    assert as_user("zhang").get(f"{V1}/disputes/{south.pk}").status_code == 200


# --- audit -------------------------------------------------------------------------------------


def test_one_audit_row_per_call(as_user: Any, make_finding: Any) -> None:
    for _ in range(3):
        make_finding("zhang")
    client = as_user("li")
    before = AuditEvent.objects.count()
    client.get(f"{V1}/findings", {"status": "violation"})
    assert AuditEvent.objects.count() == before + 1
    row = AuditEvent.objects.order_by("-seq").first()
    assert row is not None
    assert (row.action, row.actor) == ("view.api.findings", "li")
    assert row.details == {"via": "session", "count": 3, "status": "violation"}
