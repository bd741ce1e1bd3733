"""The portal's pages as a member of the public meets them (anonymous ``Client``), and the staff's
issuing form on the case page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from fazhi.gongkai.models import Attempt, QueryCode, Rating
from fazhi.gongkai.tests.builders import REPORTER_PHONE, SUSPECT, issue, make_case
from fazhi.records import models as m

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def ask(client: Client, code: str, tail: str) -> Any:
    """Both steps: the code, then the phone's last four digits."""
    first = client.post("/gongkai/", {"code": code})
    assert first.status_code == 200, first.content.decode()
    ticket = re.search(r'name="ticket" value="([^"]+)"', first.content.decode())
    assert ticket, first.content.decode()
    return client.post("/gongkai/verify/", {"ticket": ticket.group(1), "tail": tail})


def body(response: Any) -> str:
    return CSRF.sub("", response.content.decode())


def test_right_code_and_tail_show_the_milestones(bureau: Any) -> None:
    # given zhang's filed case with a code for its 报案人
    case = make_case(bureau, events=("立案告知", "移送审查起诉"))
    code = issue(bureau, case)
    # when the reporter types it (in groups, lower case) and his phone's last four digits
    response = ask(Client(), f"{code[:4].lower()}-{code[4:8]} {code[8:]}", REPORTER_PHONE[-4:])
    # then he sees the milestones with their dates, the unit and whom to call
    page = response.content.decode()
    assert response.status_code == 200
    for text in ("受案", "2026年3月2日", "立案", "2026年3月4日", "书面告知", "移送审查起诉",
                 "城南派出所", "12389"):  # fmt: skip
        assert text in page, text
    # and nothing of the file: no suspect, no officer, no cause, no case number
    for text in (SUSPECT, "张伟", "盗窃", case.pk, REPORTER_PHONE, "孙报案"):
        assert text not in page, text
    assert "孙*" in page  # his own name, masked
    # and no staff layout: no navigation, no script, no external asset
    assert "<nav" not in page
    assert "<script" not in page
    assert "http" not in page.split("</head>")[0]
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    )


def test_wrong_code_wrong_tail_undisclosable_and_minor_answer_alike(bureau: Any) -> None:
    # given a code of an ordinary case, and codes of cases that later became undisclosable or
    # were found to involve a minor
    plain = make_case(bureau)
    code = issue(bureau, plain)
    closed = make_case(bureau, "A-GK-2")
    closed_code = issue(bureau, closed)
    m.Case.objects.filter(pk=closed.pk).update(disclosable=False)
    minor = make_case(bureau, "A-GK-3")
    minor_code = issue(bureau, minor)
    m.Person.objects.filter(pk="A-GK-3-P3").update(birth_date="2012-01-01")
    unknown = "ABCDEFGHJKMN" if code != "ABCDEFGHJKMN" else "NMKJHGFEDCBA"
    # when each is asked (each from its own address, none reaching the limit)
    answers = [
        ask(Client(REMOTE_ADDR=f"10.0.0.{i}"), c, t)
        for i, (c, t) in enumerate(
            [(unknown, "5678"), (code, "0000"), (closed_code, "5678"), (minor_code, "5678")]
        )
    ]
    # then every answer is the same page with the same status, apart from the CSRF token
    assert {a.status_code for a in answers} == {200}
    assert len({body(a) for a in answers}) == 1
    assert "查询码或电话后四位不正确" in body(answers[0])
    # while the right tail on the plain case is shown
    assert "城南派出所" in ask(Client(), code, "5678").content.decode()


def test_wrong_tries_lock_the_address_with_429(bureau: Any, settings: Any) -> None:
    settings.GONGKAI_MAX_FAILURES = 5
    case = make_case(bureau)
    code = issue(bureau, case)
    client = Client(REMOTE_ADDR="10.9.9.9")
    # given five wrong tails from one address
    for tail in ("0001", "0002", "0003", "0004"):
        assert ask(client, code, tail).status_code == 200
    fifth = ask(client, code, "0005")
    # then the fifth is still answered, the next try is refused with 429 in Chinese
    assert fifth.status_code == 200
    locked = client.post("/gongkai/", {"code": code})
    assert locked.status_code == 429
    assert "尝试次数过多" in locked.content.decode()
    assert "15分钟" in locked.content.decode()
    # even with the right tail (the code is locked too): no more guessing
    other = Client(REMOTE_ADDR="10.9.9.10")
    assert ask_locked(other, code).status_code == 429
    # and no clear address or code is kept
    assert not Attempt.objects.filter(key__contains="10.9.9.9").exists()
    assert not Attempt.objects.filter(key__contains=code).exists()


def ask_locked(client: Client, code: str) -> Any:
    return client.post("/gongkai/", {"code": code})


def test_wrong_codes_from_many_addresses_lock_the_code(bureau: Any) -> None:
    # given five addresses each trying a wrong tail of one code
    case = make_case(bureau)
    code = issue(bureau, case)
    for i in range(5):
        assert ask(Client(REMOTE_ADDR=f"10.1.1.{i}"), code, f"000{i}").status_code == 200
    # then the code is locked for a sixth address, with the right tail
    client = Client(REMOTE_ADDR="10.1.1.99")
    assert client.post("/gongkai/", {"code": code}).status_code == 429


def test_the_lock_ends_after_the_period(bureau: Any, settings: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    case = make_case(bureau)
    code = issue(bureau, case)
    client = Client(REMOTE_ADDR="10.2.2.2")
    for tail in ("0001", "0002", "0003", "0004", "0005"):
        ask(client, code, tail)
    assert client.post("/gongkai/", {"code": code}).status_code == 429
    # when 15 minutes have passed
    past = timezone.now() - timedelta(minutes=16)
    Attempt.objects.update(first_at=past, locked_until=past + timedelta(minutes=15))
    # then the right tail is shown again
    assert "城南派出所" in ask(client, code, "5678").content.decode()


def test_the_forms_work_for_anonymous_visitors_with_csrf_enforced(bureau: Any) -> None:
    case = make_case(bureau)
    code = issue(bureau, case)
    client = Client(enforce_csrf_checks=True)
    # without the token the POST is refused
    assert client.post("/gongkai/", {"code": code}).status_code == 403
    # with the token of the form (and its cookie) it goes through
    page = client.get("/gongkai/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token
    first = client.post("/gongkai/", {"code": code, "csrfmiddlewaretoken": token.group(1)})
    assert first.status_code == 200
    assert 'name="ticket"' in first.content.decode()


def _progress_form(page: str, action: str) -> dict[str, str]:
    form = page.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
    return dict(re.findall(r'name="(token|milestone)" value="([^"]+)"', form))


def test_rating_once_per_milestone_through_the_page(bureau: Any) -> None:
    case = make_case(bureau)
    code = issue(bureau, case)
    client = Client()
    page = ask(client, code, "5678").content.decode()
    fields = _progress_form(page, "/gongkai/rate/")
    assert fields["milestone"] == "受案"
    done = client.post("/gongkai/rate/", {**fields, "score": "5", "comment": "很好"})
    assert done.status_code == 200
    assert "感谢您的评价" in done.content.decode()
    again = client.post("/gongkai/rate/", {**fields, "score": "1"})
    assert again.status_code == 409
    assert "只能评价一次" in again.content.decode()
    assert list(Rating.objects.values_list("milestone", "score")) == [("受案", 5)]


def test_complaint_through_the_page(bureau: Any) -> None:
    case = make_case(bureau)
    code = issue(bureau, case)
    client = Client()
    page = ask(client, code, "5678").content.decode()
    fields = _progress_form(page, "/gongkai/complain/")
    done = client.post("/gongkai/complain/", {**fields, "content": "<b>民警态度差</b>"})
    assert done.status_code == 200
    assert "投诉已收到" in done.content.decode()
    assert m.Complaint.objects.get().content == "<b>民警态度差</b>"
    # a forged token is an expired query, nothing more
    forged = client.post("/gongkai/complain/", {"token": "x:y", "content": "再投诉一次内容"})
    assert "查询已过期" in forged.content.decode()
    assert m.Complaint.objects.count() == 1


def test_the_case_page_offers_the_form_to_who_may_issue(bureau: Any) -> None:
    case = make_case(bureau)
    zhang = Client()
    zhang.force_login(bureau.users["zhang"])
    page = zhang.get(f"/cases/{case.pk}/").content.decode()
    assert "执法公开查询码" in page
    assert 'id="gongkai-issue"' in page
    chen = Client()
    chen.force_login(bureau.users["chen"])  # 业务负责人 of 城南: sees the case, issues nothing
    assert "gongkai-issue" not in chen.get(f"/cases/{case.pk}/").content.decode()


def test_issuing_from_the_case_page_shows_the_code_once(bureau: Any) -> None:
    case = make_case(bureau)
    zhang = Client()
    zhang.force_login(bureau.users["zhang"])
    response = zhang.post(f"/gongkai/staff/case/{case.pk}/code/", {"person": f"{case.pk}-P1"})
    assert response.status_code == 200
    shown = re.search(r'id="code">([A-Z0-9-]+)<', response.content.decode())
    assert shown
    assert QueryCode.objects.active().count() == 1
    # then the case page says it was issued, without the code
    page = zhang.get(f"/cases/{case.pk}/").content.decode()
    assert "已签发给 孙报案" in page
    assert shown.group(1) not in page
    # and the code works on the portal
    assert "城南派出所" in ask(Client(), shown.group(1), "5678").content.decode()


def test_the_issuing_form_refuses_others_and_anonymous(bureau: Any) -> None:
    case = make_case(bureau)
    url = f"/gongkai/staff/case/{case.pk}/code/"
    assert Client().post(url, {"person": f"{case.pk}-P1"}).status_code == 302
    zhao = Client()
    zhao.force_login(bureau.users["zhao"])  # 城北: the case is out of his scope
    assert zhao.post(url, {"person": f"{case.pk}-P1"}).status_code == 404
    chen = Client()
    chen.force_login(bureau.users["chen"])
    assert chen.post(url, {"person": f"{case.pk}-P1"}).status_code == 403
    assert not QueryCode.objects.exists()
