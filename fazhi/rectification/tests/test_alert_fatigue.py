"""Less alert fatigue (issue 16): the tick's notices grouped into digests (by case or by day, a
bureau setting), findings that follow from another held back (抑制), repeat problems sent
straight to the 所队长 (熔断), and the officers' burden against the bureau's targets."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from fazhi.accounts.services import system_user
from fazhi.core.models import AuditEvent
from fazhi.notifications.models import Notification, NotificationItem, WebhookDelivery
from fazhi.notifications.services import mark_read, unread_count
from fazhi.patrol.models import Rule, RuleInhibition
from fazhi.rectification.models import (
    Level,
    Problem,
    ProblemAction,
    RectificationPolicy,
    Verb,
)
from fazhi.rectification.services.burden import burden, median_waits
from fazhi.rectification.services.creation import create_problems_from_findings, dismiss_finding
from fazhi.rectification.services.errors import RectificationError
from fazhi.rectification.services.escalation import escalate_problems
from fazhi.rectification.services.policy import change_policy
from fazhi.rectification.services.transitions import appeal, submit_fix
from fazhi.rectification.tests.conftest import T0, sh

pytestmark = pytest.mark.django_db

MINUTE = timedelta(minutes=1)


def _grouping(bureau: Any, value: str) -> None:
    change_policy(actor=bureau.users["zhou"], reason="减少重复通知", notice_grouping=value)


def _notices(username: str, kind: str = "problem") -> list[Notification]:
    return list(Notification.objects.filter(user__username=username, kind=kind).order_by("pk"))


# --- grouping ----------------------------------------------------------------------------------


def test_by_case_one_digest_per_officer_per_case_listing_each_problem(bureau, make_finding):
    # given the bureau groups by case, and 张伟 has three violations in case A-1 and one in A-2
    _grouping(bureau, "case")
    in_a1 = [make_finding(case_id="A-1") for _ in range(3)]
    make_finding(case_id="A-2")
    # when the tick turns them into problems
    create_problems_from_findings(T0, system_user())
    # then 张伟 has two notifications: the A-1 digest of three items, and A-2's on its own
    a1, a2 = _notices("zhang")
    assert (a1.group_key, a1.item_count) == ("case:A-1", 3)
    assert a1.title == "案件 A-1 的整改通知（共3项）"
    assert (a2.group_key, a2.item_count) == ("case:A-2", 1)
    assert a2.title.startswith("整改通知：")
    assert a2.link.startswith("/problems/")
    # and the digest lists each problem with its link
    problems = {p.finding_id: p.pk for p in Problem.objects.all()}
    links = list(a1.items.values_list("link", flat=True))
    assert links == [f"/problems/{problems[f.pk]}/" for f in in_a1]
    # and the unread count is the digests', not the problems'
    assert unread_count(bureau.users["zhang"]) == 2


def test_a_later_tick_joins_the_unread_digest_and_a_read_digest_starts_a_new_one(
    bureau, make_finding
):
    _grouping(bureau, "case")
    make_finding(case_id="A-1")
    create_problems_from_findings(T0, system_user())
    # given a second violation of the same case found an hour later
    make_finding(case_id="A-1")
    create_problems_from_findings(T0 + timedelta(hours=1), system_user())
    # then it joined the unread digest
    (digest,) = _notices("zhang")
    assert digest.item_count == 2
    assert digest.link == f"/notifications/{digest.pk}/"
    # when 张伟 reads it and a third violation of the case follows
    mark_read(bureau.users["zhang"], None, actor=bureau.users["zhang"])
    make_finding(case_id="A-1")
    create_problems_from_findings(T0 + timedelta(hours=2), system_user())
    # then a new digest tells him, the read one stays as it was
    old, new = _notices("zhang")
    assert (old.item_count, new.item_count) == (2, 1)
    assert new.read_at is None
    assert old.read_at is not None


def test_by_day_one_digest_per_officer_per_day_across_cases(bureau, make_finding):
    # given the bureau groups by day
    _grouping(bureau, "day")
    make_finding(case_id="A-1")
    make_finding(case_id="A-2")
    create_problems_from_findings(T0, system_user())
    # and on the next day another
    make_finding(case_id="A-3")
    create_problems_from_findings(T0 + timedelta(days=1), system_user())
    # then 张伟 has one digest per (Beijing) day
    first, second = _notices("zhang")
    assert (first.group_key, first.item_count) == ("day:2026-03-02", 2)
    assert first.title == "2026年3月2日的整改通知（共2项）"
    assert (second.group_key, second.item_count) == ("day:2026-03-03", 1)


def test_without_grouping_every_problem_is_its_own_notice(bureau, make_finding):
    _grouping(bureau, "none")
    for _ in range(3):
        make_finding(case_id="A-1")
    create_problems_from_findings(T0, system_user())
    notices = _notices("zhang")
    assert len(notices) == 3
    assert all(n.group_key == "" and not n.items.exists() for n in notices)


def test_escalation_notices_are_grouped_for_each_leader(bureau, make_finding):
    # given two problems of case A-1 left unfixed past their due time
    _grouping(bureau, "case")
    for _ in range(2):
        make_finding(case_id="A-1")
    create_problems_from_findings(T0, system_user())
    # when they climb to the 法制员 (level 2)
    escalate_problems(sh(2026, 3, 6, 9), system_user())
    # then 李娜 (法制员, 城南) gets one escalation digest of two
    (digest,) = _notices("li", "escalation")
    assert digest.item_count == 2
    assert digest.title == "案件 A-1 的逾期升级通知（共2项）"


def test_the_webhook_sends_one_payload_per_digest_merging_items_while_it_waits(
    bureau, make_finding, monkeypatch
):
    monkeypatch.setenv("FAZHI_WEBHOOK_URL", "http://gateway.invalid/hook")
    _grouping(bureau, "case")
    make_finding(case_id="A-1")
    make_finding(case_id="A-1")
    create_problems_from_findings(T0, system_user())
    # given one more before the outbox row was sent
    make_finding(case_id="A-1")
    create_problems_from_findings(T0 + MINUTE, system_user())
    # then one row for 张伟's digest, its payload listing the three problems
    (row,) = WebhookDelivery.objects.filter(payload__recipients__0__username="zhang")
    digest = Notification.objects.get(user__username="zhang")
    assert row.digest_id == digest.pk
    assert row.payload["group"] == "case:A-1"
    assert row.payload["count"] == 3
    assert [i["data"]["problem_id"] for i in row.payload["items"]] == list(
        Problem.objects.order_by("pk").values_list("pk", flat=True)
    )
    # when the row has been tried once, a further problem goes out in a row of its own
    WebhookDelivery.objects.filter(pk=row.pk).update(attempts=1)
    make_finding(case_id="A-1")
    create_problems_from_findings(T0 + 2 * MINUTE, system_user())
    later = WebhookDelivery.objects.filter(digest=digest).exclude(pk=row.pk).get()
    assert later.payload["count"] == 4
    assert len(later.payload["items"]) == 1


def test_a_digest_page_lists_its_items_for_its_owner_only(bureau, make_finding):
    _grouping(bureau, "case")
    make_finding(case_id="A-1")
    make_finding(case_id="A-1")
    create_problems_from_findings(T0, system_user())
    digest = Notification.objects.get(user__username="zhang")
    owner = Client()
    owner.force_login(bureau.users["zhang"])
    page = owner.get(f"/notifications/{digest.pk}/").content.decode()
    for item in NotificationItem.objects.filter(notification=digest):
        assert f'href="{item.link}"' in page
    assert "共 2 项" in page
    assert "共2项" in owner.get("/notifications/").content.decode()
    # a refused user: another officer's digest is not found
    other = Client()
    other.force_login(bureau.users["zhao"])
    assert other.get(f"/notifications/{digest.pk}/").status_code == 404


# --- the settings ------------------------------------------------------------------------------


def test_the_new_settings_are_changed_by_the_brigade_with_a_reason_and_audited(bureau):
    change = change_policy(
        actor=bureau.users["zhou"], reason="试行按日合并", notice_grouping="day",
        repeat_threshold="4", burden_alerts_target="3", burden_minutes_target="600",
    )  # fmt: skip
    policy = RectificationPolicy.current()
    assert (policy.notice_grouping, policy.repeat_threshold) == ("day", 4)
    assert (policy.burden_alerts_target, policy.burden_minutes_target) == (3, 600)
    assert change.before["notice_grouping"] == "case"
    assert change.after["notice_grouping"] == "day"
    event = AuditEvent.objects.filter(action="rectification.policy").latest("pk")
    assert event.details["after"]["repeat_threshold"] == 4


@pytest.mark.parametrize(
    ("values", "needle"),
    [
        ({"notice_grouping": "week"}, "通知合并方式"),
        ({"repeat_threshold": "1"}, "熔断阈值"),
        ({"burden_alerts_target": "0"}, "民警负担目标"),
    ],
    ids=["grouping", "threshold", "target"],
)
def test_a_bad_setting_is_refused_by_its_label(bureau, values, needle):
    with pytest.raises(RectificationError, match=needle):
        change_policy(actor=bureau.users["zhou"], reason="x", **values)


@pytest.mark.parametrize("who", ["li", "sun", "zhang", "wu"])
def test_refused_users_cannot_change_the_alert_settings(bureau, who):
    # given a 法制员, 所队长, 民警 or 局领导 / when they change the grouping / then refused
    with pytest.raises(PermissionDenied):
        change_policy(actor=bureau.users[who], reason="x", notice_grouping="none")
    assert RectificationPolicy.current().notice_grouping == "case"
    # and the settings page shows the values without a form
    client = Client()
    client.force_login(bureau.users[who])
    page = client.get("/problems/policy/").content.decode()
    assert "按案件合并" in page
    assert "<select" not in page
    assert (
        client.post("/problems/policy/", {"notice_grouping": "none", "reason": "x"}).status_code
        == 403
    )


# --- inhibition --------------------------------------------------------------------------------


@pytest.fixture
def source_rule(rule: Rule) -> Rule:
    """SJ-T-03 (时间顺序错误) holds back the test deadline rule on the same record."""
    source = Rule.objects.create(
        code="SJ-T-03", pack="test", name="时间顺序错误", kind="condition", subject_type="*",
        check_name="test", default_severity="一般", basis="本地标准",
    )  # fmt: skip
    RuleInhibition.objects.create(source=source, target=rule, match="subject", reason="起算错误")
    return source


def test_a_finding_that_follows_from_an_open_one_pushes_no_problem_until_it_closes(
    bureau, make_finding, source_rule
):
    # given a reversed-times finding on case C-9 and the deadline finding timed from it
    source = make_finding(subject="C-9", rule_obj=source_rule)
    follower = make_finding(subject="C-9", status="overdue")
    other = make_finding(subject="C-10", status="overdue")
    # when the tick runs
    create_problems_from_findings(T0, system_user())
    # then the source and the unrelated deadline became problems, the follower did not
    assert set(Problem.objects.values_list("finding_id", flat=True)) == {source.pk, other.pk}
    # when the time is corrected (the source finding closes)
    source.is_open = False
    source.save()
    create_problems_from_findings(T0 + timedelta(hours=1), system_user())
    # then the follower is pushed as usual
    assert Problem.objects.filter(finding=follower).exists()


def test_a_case_match_holds_back_the_findings_of_the_same_case(bureau, make_finding, rule):
    source_rule = Rule.objects.create(
        code="SJ-T-04", pack="test", name="必填项缺失", kind="condition", subject_type="case",
        check_name="test", default_severity="一般", basis="本地标准",
    )  # fmt: skip
    RuleInhibition.objects.create(source=source_rule, target=rule, match="case", reason="缺主办")
    make_finding(subject="P-1", rule_obj=source_rule, case_id="A-7")
    held = make_finding(subject="M-1", case_id="A-7")
    free = make_finding(subject="M-2", case_id="A-8")
    create_problems_from_findings(T0, system_user())
    assert not Problem.objects.filter(finding=held).exists()
    assert Problem.objects.filter(finding=free).exists()


def test_a_problem_whose_finding_became_held_back_does_not_climb(bureau, make_finding, source_rule):
    # given a problem pushed before the data error was found
    follower = make_finding(subject="C-9", status="overdue")
    create_problems_from_findings(T0, system_user())
    source = make_finding(subject="C-9", rule_obj=source_rule)
    # when its due time passes / then it is not escalated while the source is open
    assert escalate_problems(sh(2026, 3, 9, 9), system_user())["escalated"] == 0
    assert Problem.objects.get(finding=follower).level == Level.OFFICER
    # and once the source closes it climbs as its lateness says
    source.is_open = False
    source.save()
    assert escalate_problems(sh(2026, 3, 9, 9), system_user())["escalated"] == 1
    assert Problem.objects.get(finding=follower).level > Level.OFFICER


# --- 熔断 ---------------------------------------------------------------------------------------


def test_the_nth_problem_of_one_rule_in_a_month_goes_straight_to_the_chief(bureau, make_finding):
    # given a threshold of 3 and 张伟's first two problems of the rule on 2 and 10 March
    change_policy(actor=bureau.users["zhou"], reason="试行", repeat_threshold="3")
    make_finding()
    create_problems_from_findings(T0, system_user())
    make_finding()
    create_problems_from_findings(sh(2026, 3, 10, 9), system_user())
    assert set(Problem.objects.values_list("level", flat=True)) == {Level.OFFICER}
    assert not _notices("sun", "circuit")
    # when a third arrives on 31 March, 23:00 Beijing time (still March)
    third = make_finding()
    create_problems_from_findings(sh(2026, 3, 31, 23), system_user())
    # then it is raised to 所队长 at once, recorded, audited, and 孙军 (所队长, 城南) is told
    problem = Problem.objects.get(finding=third)
    assert problem.level == Level.CHIEF
    step = ProblemAction.objects.get(problem=problem, verb=Verb.CIRCUIT)
    assert "本月第3次" in step.comment
    (notice,) = _notices("sun", "circuit")
    assert "张伟（O-001）" in notice.title
    assert notice.link == f"/problems/{problem.pk}/"
    assert AuditEvent.objects.filter(action="rectification.circuit").count() == 1
    # and escalation leaves it there (it is at the top already)
    assert escalate_problems(sh(2026, 4, 20, 9), system_user())["escalated"] == 2


def test_a_new_month_counts_afresh_and_dismissed_problems_do_not_count(bureau, make_finding):
    change_policy(actor=bureau.users["zhou"], reason="试行", repeat_threshold="2")
    first = make_finding()
    create_problems_from_findings(sh(2026, 3, 31, 15, 59), system_user())
    # given the first judged false (不予认定)
    dismiss_finding(first, actor=bureau.users["li"], reason="误报", now=sh(2026, 3, 31, 16))
    # when another comes the same month / then it is his first that counts: no 熔断
    second = make_finding()
    create_problems_from_findings(sh(2026, 3, 31, 17), system_user())
    assert Problem.objects.get(finding=second).level == Level.OFFICER
    # when the next comes at 00:00 on 1 April Beijing time (still 31 March in UTC)
    third = make_finding()
    create_problems_from_findings(sh(2026, 4, 1, 0), system_user())
    # then April counts afresh
    assert Problem.objects.get(finding=third).level == Level.OFFICER
    # and a second in April trips it
    fourth = make_finding()
    create_problems_from_findings(sh(2026, 4, 2, 9), system_user())
    assert Problem.objects.get(finding=fourth).level == Level.CHIEF


def test_other_officers_and_other_rules_do_not_add_up(bureau, make_finding, source_rule):
    change_policy(actor=bureau.users["zhou"], reason="试行", repeat_threshold="2")
    make_finding()
    make_finding(rule_obj=source_rule)
    make_finding(officer="zhao")
    create_problems_from_findings(T0, system_user())
    assert set(Problem.objects.values_list("level", flat=True)) == {Level.OFFICER}


# --- the officers' burden ----------------------------------------------------------------------


def _acted(problem: Problem, minutes: int, verb: str = "submit") -> None:
    at = problem.created_at + timedelta(minutes=minutes)
    if verb == "submit":
        submit_fix(problem, actor=problem_user(problem), comment="已补录", now=at)
    else:
        appeal(problem, actor=problem_user(problem), reason="规则适用有误", now=at)


def problem_user(problem: Problem) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(profile__officer_id=problem.officer_id)


def test_burden_per_officer_and_unit_with_the_median_minutes_to_action(bureau, make_finding):
    # given five problems of 张伟 and one of 赵强 within the last twelve weeks, one dismissed
    for _ in range(5):
        make_finding()
    make_finding(officer="zhao")
    create_problems_from_findings(T0, system_user())
    zhang = list(Problem.objects.filter(officer_id="O-001").order_by("pk"))
    # 张伟 acts after 30, 60 and 240 minutes (an appeal counts), one he never acts on
    _acted(zhang[0], 30)
    _acted(zhang[1], 60)
    _acted(zhang[2], 240, verb="appeal")
    dismiss_finding(zhang[4].finding, actor=bureau.users["li"], reason="误报", now=T0)
    zhao = Problem.objects.get(officer_id="O-002")
    _acted(zhao, 90)
    _acted(Problem.objects.get(pk=zhang[3].pk), 0)  # at once
    now = T0 + timedelta(days=1)
    # when the burden is computed
    officers = {b.key: b for b in burden(Problem.objects.all(), "officer", now)}
    # then 张伟: four actionable alerts (the dismissed one left out), 4/12 a week, median of
    # 0, 30, 60, 240 minutes = 45
    assert (officers["O-001"].alerts, officers["O-001"].per_week) == (4, 0.33)
    assert officers["O-001"].minutes == 45.0
    assert (officers["O-002"].alerts, officers["O-002"].minutes) == (1, 90.0)
    # and per unit: 城南 one officer, 城北 one
    units = {b.key: b for b in burden(Problem.objects.all(), "unit", now)}
    assert (units["U-CN"].alerts, units["U-CN"].officers, units["U-CN"].minutes) == (4, 1, 45.0)
    # and against the default targets (2 a week, 1440 minutes) both are met
    assert officers["O-001"].met
    assert units["U-CB"].met


def test_burden_misses_its_target_when_the_bureau_tightens_it(bureau, make_finding):
    for _ in range(3):
        make_finding()
    create_problems_from_findings(T0, system_user())
    for p in Problem.objects.all():
        _acted(p, 120)
    change_policy(actor=bureau.users["zhou"], reason="收紧", burden_minutes_target="60")
    (row,) = burden(Problem.objects.all(), "officer", T0 + timedelta(days=1))
    assert row.minutes == 120.0
    assert row.alerts_met
    assert row.minutes_met is False
    assert not row.met
    # and problems older than the window do not count
    assert burden(Problem.objects.all(), "officer", T0 + timedelta(weeks=13)) == []


def test_the_median_of_an_even_and_an_odd_number_of_waits(bureau, make_finding):
    for _ in range(3):
        make_finding()
    make_finding(officer="zhao")
    create_problems_from_findings(T0, system_user())
    mine = Problem.objects.filter(officer_id="O-001").order_by("pk")
    for p, minutes in zip(mine, (10, 20, 90), strict=True):
        _acted(p, minutes)
    _acted(Problem.objects.get(officer_id="O-002"), 7)
    assert median_waits(Problem.objects.all(), "officer") == {"O-001": 20.0, "O-002": 7.0}


def test_the_burden_is_on_the_rule_page_and_the_workbench(bureau, make_finding, rule):
    for _ in range(3):
        make_finding()
    create_problems_from_findings(T0, system_user())
    # the burden counts the last twelve weeks before now: move the problems into them
    from django.utils import timezone

    Problem.objects.update(created_at=timezone.now() - timedelta(days=1))
    chief = Client()
    chief.force_login(bureau.users["sun"])
    page = chief.get(f"/rules/{rule.code}/").content.decode()
    assert 'id="burden"' in page
    assert "张伟（O-001）" in page
    assert "每人每周不超过 2 条" in page
    home = chief.get("/").content.decode()
    assert "民警负担" in home
    assert "城南派出所" in home
    # a 民警 sees his own figure; another unit's 民警 sees nobody else's
    mine = Client()
    mine.force_login(bureau.users["zhang"])
    assert "张伟（O-001）" in mine.get("/").content.decode()
    other = Client()
    other.force_login(bureau.users["zhao"])
    assert "张伟（O-001）" not in other.get("/").content.decode()
    assert "张伟（O-001）" not in other.get(f"/rules/{rule.code}/").content.decode()
