"""The patrol admin: holiday notices are entered through ``save_notice`` (a reason, audited) from
the admin and the command alike; rules are read-only there (they change on the rule's page)."""

from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.test import Client

from fazhi.core.models import AuditEvent
from fazhi.patrol.admin import rule_page
from fazhi.patrol.calendar_models import HolidayNotice
from fazhi.patrol.models import Rule, RuleChange
from fazhi.patrol.pack import load_pack
from fazhi.patrol.services import sync_rules

pytestmark = pytest.mark.django_db

ADD = "/admin/patrol/holidaynotice/add/"
TITLE = "国务院办公厅关于2027年部分节假日安排的通知（测试用）"


def _client(bureau: Any, name: str) -> Client:
    client = Client()
    client.force_login(bureau.users[name])
    return client


def _notice(**changes: Any) -> dict[str, Any]:
    return {
        "year": 2027, "title": TITLE, "number": "国办发明电〔2026〕99号",
        "rest_days": "2027-10-01\n2027-10-02，2027-10-03", "work_days": "2027-10-09",
        "reason": "国务院办公厅通知已发布", **changes,
    }  # fmt: skip


def test_a_holiday_notice_entered_in_the_admin_is_audited_with_the_reason(bureau: Any) -> None:
    # when the superuser enters the 2027 notice in the admin
    response = _client(bureau, "admin").post(ADD, _notice())
    # then it is stored with its days, and the audit row names him, the reason and the days
    assert response.status_code == 302
    notice = HolidayNotice.objects.get(year=2027)
    assert (notice.title, notice.entered_by) == (TITLE, "admin")
    data = notice.as_data()
    assert data.rest_days == {date(2027, 10, d) for d in (1, 2, 3)}
    assert data.work_days == {date(2027, 10, 9)}
    event = AuditEvent.objects.get(action="holiday_notice.load")
    assert (event.actor, event.target_id) == ("admin", "2027")
    assert event.details["reason"] == "国务院办公厅通知已发布"
    assert event.details["source"] == "数据管理"
    assert event.details["work_days"] == ["2027-10-09"]


def test_a_holiday_notice_without_a_reason_or_with_a_bad_date_is_refused(bureau: Any) -> None:
    client = _client(bureau, "admin")
    # when entered without a reason, or with a day that is not a date
    no_reason = client.post(ADD, _notice(reason=""))
    bad_date = client.post(ADD, _notice(rest_days="2027-10-01 2027-13-01"))
    # then the form comes back naming the problem, and nothing was stored
    assert no_reason.status_code == 200
    assert no_reason.context["adminform"].form.errors["reason"]
    assert bad_date.status_code == 200
    assert "2027-13-01" in str(bad_date.context["adminform"].form.non_field_errors())
    assert "不是有效日期" in bad_date.content.decode()
    assert not HolidayNotice.objects.exists()
    assert not AuditEvent.objects.filter(action="holiday_notice.load").exists()


def test_a_year_entered_again_is_corrected_only_when_asked(bureau: Any) -> None:
    client = _client(bureau, "admin")
    client.post(ADD, _notice())
    # when the same year is entered again without ticking 更正
    again = client.post(ADD, _notice(title="2027年更正"))
    # then it is refused, pointing to the tick box
    assert again.status_code == 200
    assert "请勾选此项" in again.content.decode()
    assert HolidayNotice.objects.get(year=2027).title == TITLE
    # when ticked, the notice is replaced and the audit keeps what it replaced
    fixed = client.post(ADD, _notice(title="2027年更正", work_days="", replace="on"))
    assert fixed.status_code == 302
    assert HolidayNotice.objects.get(year=2027).as_data().work_days == frozenset()
    last = AuditEvent.objects.filter(action="holiday_notice.load").order_by("-seq").first()
    assert last is not None
    assert last.details["replaced"]["work_days"] == ["2027-10-09"]


def test_a_holiday_notice_cannot_be_edited_or_deleted_in_the_admin(bureau: Any) -> None:
    client = _client(bureau, "admin")
    client.post(ADD, _notice())
    notice = HolidayNotice.objects.get(year=2027)
    base = f"/admin/patrol/holidaynotice/{notice.pk}"
    # when the superuser posts a deletion of the notice
    deleted = client.post(f"{base}/delete/", {"post": "yes"})
    # then it is refused and the notice with its days stays
    assert deleted.status_code == 403
    assert HolidayNotice.objects.get(pk=notice.pk).days.count() == 4


def test_a_staff_user_with_the_add_permission_enters_a_notice_under_his_name(bureau: Any) -> None:
    # given zhou (法制大队, staff, not a superuser) allowed to add notices
    bureau.users["zhou"].user_permissions.add(
        Permission.objects.get(content_type__app_label="patrol", codename="add_holidaynotice")
    )
    # when he enters the notice
    response = _client(bureau, "zhou").post(ADD, _notice())
    # then it is audited under his name with the reason
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="holiday_notice.load")
    assert (event.actor, event.details["reason"]) == ("zhou", "国务院办公厅通知已发布")


def test_the_command_needs_a_reason_and_audits_it(bureau: Any, tmp_path: Path) -> None:
    path = tmp_path / "2027.json"
    path.write_text(
        '{"year": 2027, "title": "' + TITLE + '", "rest_days": ["2027-10-01"]}', encoding="utf-8"
    )
    # when loaded without a reason, it is refused in Chinese and nothing is stored
    with pytest.raises(CommandError, match="必须填写理由"):
        call_command("holiday_notice", "load", str(path), "--by", "admin", stdout=StringIO())
    assert not HolidayNotice.objects.exists()
    # when loaded with one, the audit row keeps it
    call_command(
        "holiday_notice", "load", str(path), "--by", "admin", "--reason", "通知已发布",
        stdout=StringIO(),
    )  # fmt: skip
    event = AuditEvent.objects.get(action="holiday_notice.load")
    assert (event.actor, event.details["reason"]) == ("admin", "通知已发布")


def test_a_rule_is_read_only_in_the_admin_and_points_to_its_page(bureau: Any) -> None:
    sync_rules(load_pack())
    client = _client(bureau, "admin")
    url = "/admin/patrol/rule/XS-JL-04/change/"
    # when the superuser opens the rule in the admin, it points to the rule's page
    page = client.get(url)
    assert page.status_code == 200
    url_of_page = rule_page("XS-JL-04")
    assert url_of_page is not None
    assert f'href="{url_of_page}"' in page.content.decode()
    # when he posts a change of its settings there
    response = client.post(
        url,
        {"enabled": "", "warn_only": "", "severity": "", "settings_json": "{}", "reason": "试试",
         "changes-TOTAL_FORMS": "0", "changes-INITIAL_FORMS": "0"},
    )  # fmt: skip
    # then it is refused: the rule is still on, with no change recorded
    assert response.status_code == 403
    assert Rule.objects.get(pk="XS-JL-04").enabled
    assert not RuleChange.objects.exists()
