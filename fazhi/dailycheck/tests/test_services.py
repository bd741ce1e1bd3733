"""Generating sheets (idempotent, constant queries), confirming answers (who may), completion
(执法每日清) and its statistics, and the tick step."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from fazhi.accounts.services import system_user
from fazhi.core.errors import DomainError
from fazhi.core.models import AuditEvent
from fazhi.core.scope import scope_of
from fazhi.dailycheck import services
from fazhi.dailycheck.error_codes import ErrorCode
from fazhi.dailycheck.models import DailyAnswer, DailySheet
from fazhi.dailycheck.tests.conftest import NOW, TODAY

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)


def person(username: str) -> Any:
    """A named user of the bureau fixture (actors are users, not names)."""
    return get_user_model().objects.get(username=username)


def answer(unit_id, code, day=TODAY):
    return DailyAnswer.objects.get(sheet__unit_id=unit_id, sheet__day=day, code=code)


def confirm_all(unit_id, actor, day=TODAY):
    for a in DailyAnswer.objects.filter(sheet__unit_id=unit_id, sheet__day=day).order_by("code"):
        services.confirm_answer(a, actor=person(actor), note="已核查" if a.count else "")


def test_generation_makes_one_sheet_per_case_handling_unit_with_ten_answers(build):
    build.incident(received_at=NOW - 25 * H)
    stats = services.generate_sheets(TODAY, NOW, actor=system_user())
    assert stats["sheets_created"] == 2
    assert stats["answers_created"] == 20
    # 县局 and 法制大队 handle no cases: no sheet
    assert set(DailySheet.objects.values_list("unit_id", flat=True)) == {"U-CN", "U-CB"}
    assert answer("U-CN", "Q01").count == 1
    assert answer("U-CB", "Q01").count == 0
    assert answer("U-CN", "Q01").records[0]["type"] == "incident"


def test_generation_twice_changes_nothing_and_writes_no_audit(build):
    build.incident(received_at=NOW - 25 * H)
    services.generate_sheets(TODAY, NOW, actor=system_user())
    audits = AuditEvent.objects.count()
    again = services.generate_sheets(TODAY, NOW, actor=system_user())
    assert again == {"units": 2, "sheets_created": 0, "answers_created": 0, "answers_updated": 0}
    assert DailySheet.objects.count() == 2
    assert DailyAnswer.objects.count() == 20
    assert AuditEvent.objects.count() == audits


def test_unconfirmed_answers_follow_the_data_confirmed_ones_are_frozen(build, bureau):
    first = build.incident(received_at=NOW - 25 * H)
    services.generate_sheets(TODAY, NOW, actor=system_user())
    q03 = answer("U-CN", "Q03")
    services.confirm_answer(q03, actor=bureau.users["li"], note="")
    q01 = answer("U-CN", "Q01")
    services.confirm_answer(q01, actor=bureau.users["li"], note="已督促处置")
    build.incident(received_at=NOW - 26 * H)
    build.property("待入库", NOW - 30 * H)
    stats = services.generate_sheets(TODAY, NOW + H, actor=system_user())
    assert stats["answers_updated"] == 0  # both changes hit confirmed answers only
    q01 = answer("U-CN", "Q01")
    assert q01.count == 1
    assert q01.note == "已督促处置"
    assert q01.records[0]["id"] == first.pk
    assert answer("U-CN", "Q03").count == 0
    build.incident(unit="north", received_at=NOW - 25 * H)
    stats = services.generate_sheets(TODAY, NOW + H, actor=system_user())
    assert stats["answers_updated"] == 1
    assert answer("U-CB", "Q01").count == 1


def test_generation_queries_do_not_grow_with_records(build, django_assert_max_num_queries):
    for _ in range(2):
        build.incident(received_at=NOW - 25 * H)
        build.property("待入库", NOW - 30 * H, unit="north")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        services.generate_sheets(TODAY, NOW, actor=system_user())
    DailySheet.objects.all().delete()
    for _ in range(18):
        build.incident(received_at=NOW - 25 * H)
        build.property("待入库", NOW - 30 * H, unit="north")
        build.measure("刑事拘留", NOW - 30 * H)
    with django_assert_max_num_queries(len(few.captured_queries)):
        services.generate_sheets(TODAY, NOW, actor=system_user())
    assert answer("U-CN", "Q01").count == 20
    assert answer("U-CB", "Q03").count == 20


def test_li_confirms_chengnan_and_the_note_is_required_when_there_are_records(build):
    build.incident(received_at=NOW - 25 * H)
    services.generate_sheets(TODAY, NOW, actor=system_user())
    q01 = answer("U-CN", "Q01")
    with pytest.raises(services.DailyCheckError, match="必须填写说明"):
        services.confirm_answer(q01, actor=person("li"), note="  ")
    confirmed = services.confirm_answer(
        q01, actor=person("li"), note="已电话督促处警民警，今日处置"
    )
    assert confirmed.confirmed_by == "li"
    assert confirmed.confirmed_at is not None
    assert AuditEvent.objects.filter(action="dailycheck.confirm", actor="li").exists()
    with pytest.raises(services.DailyCheckError, match="已于"):
        services.confirm_answer(q01, actor=person("li"), note="再次")


@pytest.mark.parametrize("actor", ["wang", "zhang", "chen", "sun", "wu"])
def test_others_may_not_confirm_chengnan(build, actor):
    services.generate_sheets(TODAY, NOW, actor=system_user())
    q02 = answer("U-CN", "Q02")
    with pytest.raises(PermissionDenied):
        services.confirm_answer(q02, actor=person(actor), note="看过")
    assert answer("U-CN", "Q02").confirmed_at is None


def test_the_legal_brigade_may_confirm_any_unit(build):
    services.generate_sheets(TODAY, NOW, actor=system_user())
    services.confirm_answer(answer("U-CB", "Q02"), actor=person("zhou"), note="")
    assert answer("U-CB", "Q02").confirmed_by == "zhou"


def test_a_confirmation_of_data_that_changed_meanwhile_is_refused(build):
    services.generate_sheets(TODAY, NOW, actor=system_user())
    with pytest.raises(services.DailyCheckError, match="数据已更新"):
        services.confirm_answer(answer("U-CN", "Q01"), actor=person("li"), note="x", seen_count=3)


def test_sheet_completes_when_all_ten_are_confirmed(build):
    build.incident(received_at=NOW - 25 * H)
    services.generate_sheets(TODAY, NOW, actor=system_user())
    answers = list(DailyAnswer.objects.filter(sheet__unit_id="U-CN").order_by("code"))
    for a in answers[:9]:
        services.confirm_answer(a, actor=person("li"), note="已核查")
    sheet = DailySheet.objects.get(unit_id="U-CN")
    assert sheet.completed_at is None
    services.confirm_answer(answers[9], actor=person("li"), note="")
    sheet.refresh_from_db()
    assert sheet.completed_at is not None
    assert sheet.completed_by == "li"
    assert DailySheet.objects.get(unit_id="U-CB").completed_at is None
    assert AuditEvent.objects.filter(action="dailycheck.complete").count() == 1


def test_completion_stats_per_unit(build, bureau):
    yesterday = TODAY - dt.timedelta(days=1)
    services.generate_sheets(yesterday, NOW - dt.timedelta(days=1), actor=system_user())
    services.generate_sheets(TODAY, NOW, actor=system_user())
    confirm_all("U-CN", "li", yesterday)
    confirm_all("U-CN", "li", TODAY)
    # when they were completed (Shanghai time): yesterday's 30 min after midnight, i.e. a day
    # late although still the same UTC date; today's in the evening of the day itself
    sh = dt.timezone(dt.timedelta(hours=8))
    DailySheet.objects.filter(unit_id="U-CN", day=yesterday).update(
        completed_at=dt.datetime(2026, 11, 10, 0, 30, tzinfo=sh)
    )
    DailySheet.objects.filter(unit_id="U-CN", day=TODAY).update(
        completed_at=dt.datetime(2026, 11, 10, 23, 30, tzinfo=sh)
    )
    wide = services.completion_stats(scope_of(bureau.users["zhou"]), TODAY - dt.timedelta(days=2),
                                     TODAY)  # fmt: skip
    rows = {r["unit_id"]: r for r in wide}
    assert set(rows) == {"U-CN", "U-CB"}
    assert rows["U-CN"]["days"] == 3
    assert rows["U-CN"]["sheets"] == 2
    assert rows["U-CN"]["completed"] == 2
    assert rows["U-CN"]["rate"] == pytest.approx(66.7)
    assert rows["U-CN"]["on_time"] == 1
    assert rows["U-CB"]["completed"] == 0
    assert rows["U-CB"]["sheets"] == 2
    own = services.completion_stats(scope_of(bureau.users["wang"]), TODAY, TODAY)
    assert [r["unit_id"] for r in own] == ["U-CB"]
    assert services.completion_stats(scope_of(bureau.users["zhang"]), TODAY, TODAY) == []
    with pytest.raises(services.DailyCheckError, match="早于"):
        services.completion_stats(scope_of(bureau.users["zhou"]), TODAY, yesterday)


def test_tick_generates_today_once(build):
    first = services.tick_daily(NOW, system_user())
    second = services.tick_daily(NOW + dt.timedelta(minutes=5), system_user())
    assert first["sheets_created"] == 2
    assert first["day"] == TODAY.isoformat()
    assert second["sheets_created"] == 0
    assert second["answers_updated"] == 0
    tomorrow = services.tick_daily(NOW + dt.timedelta(days=1), system_user())
    assert tomorrow["sheets_created"] == 2


def test_a_confirmed_answer_confirmed_again_is_a_conflict(build):
    # given Q03 of 城南 confirmed by li
    services.generate_sheets(TODAY, NOW, actor=system_user())
    services.confirm_answer(answer("U-CN", "Q03"), actor=person("li"), note="")
    # when confirmed a second time
    with pytest.raises(services.DailyCheckError) as refused:
        services.confirm_answer(answer("U-CN", "Q03"), actor=person("li"), note="")
    # then it is a domain error: a conflict with the answer's state (409)
    error = refused.value
    assert isinstance(error, DomainError)
    assert (error.code, error.status) == (ErrorCode.ALREADY_CONFIRMED, 409)
    assert "Q03：已于" in error.message
