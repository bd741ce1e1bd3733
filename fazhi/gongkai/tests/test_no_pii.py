"""No personal data on any public page: a generated county, a code issued for every case that
can have one, and every page of the portal rendered for each (step 1, step 2, the progress page,
a refusal, a rating, a complaint, the lock) — none may carry an 18-character 身份证号, an
11-digit phone, or the name of anyone in the case or of its officers."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from fazhi.accounts.services import system_user
from fazhi.exchange.services import import_bundle
from fazhi.gongkai import services
from fazhi.gongkai.tests.test_portal import CSRF, _progress_form
from fazhi.records import models as m
from fazhi.synth import services as synth

pytestmark = pytest.mark.django_db

SMALL = synth.Scale("gongkai", cities=0, counties_per_city=0, size=0.01)
AS_OF = "2026-11-01T09:00:00+08:00"
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
PHONE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def leaks(page: str, names: set[str]) -> list[str]:
    text = CSRF.sub("", page)
    text = re.sub(r'name="(ticket|token)" value="[^"]+"', "", text)
    found = ID_NUMBER.findall(text) + PHONE.findall(text)
    return found + sorted(n for n in names if n in text)


def test_leaks_finds_what_it_must() -> None:
    assert leaks("身份证 11010119900101123X", set()) == ["11010119900101123X"]
    assert leaks("电话13812345678。", set()) == ["13812345678"]
    assert leaks("嫌疑人钱多多", {"钱多多"}) == ["钱多多"]
    assert leaks("2026年3月2日 受案 城南派出所 12389 110", {"钱多多"}) == []


def test_no_public_page_shows_personal_data(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.GONGKAI_MAX_FAILURES = 1000  # the lock page is rendered on purpose below
    # given a generated county, imported
    monkeypatch.setitem(synth.SCALES, SMALL.name, SMALL)
    out = tmp_path / "county.jsonl.gz"
    call_command("generate", scale=SMALL.name, seed=7, out=str(out), as_of=AS_OF,
                 stdout=io.StringIO())  # fmt: skip
    system = system_user()
    assert import_bundle([out], actor=system).ok
    reached = 0
    for case in m.Case.objects.select_related("unit").order_by("pk"):
        parties = services.parties(case)
        if not parties or not services.eligible(case.pk):
            continue
        # when a code is issued to its first party and every public page is drawn
        person = parties[0]
        code = services.issue_code(actor=system, case=case, person_id=person.pk).code
        tail = "".join(ch for ch in person.phone or "" if ch.isdigit())[-4:]
        names = {p.name for p in case.persons.all() if len(p.name) >= 2}
        names |= {o.name for o in m.Officer.objects.filter(pk__in=case.officer_links.values(
            "officer_id")) if len(o.name) >= 2}  # fmt: skip
        if case.lead_officer_id:
            names.add(m.Officer.objects.get(pk=case.lead_officer_id).name)
        client = Client(REMOTE_ADDR=f"10.{reached // 250}.{reached % 250}.1")
        pages = [client.get("/gongkai/"), client.post("/gongkai/", {"code": code})]
        ticket = re.search(r'name="ticket" value="([^"]+)"', pages[-1].content.decode())
        assert ticket
        wrong = "0000" if tail != "0000" else "1111"
        pages.append(client.post("/gongkai/verify/", {"ticket": ticket.group(1), "tail": wrong}))
        shown = client.post("/gongkai/verify/", {"ticket": ticket.group(1), "tail": tail})
        assert shown.status_code == 200, case.pk
        assert 'id="steps"' in shown.content.decode(), case.pk
        pages.append(shown)
        if reached < 10:  # the same templates for every case: a few suffice
            rate = _progress_form(shown.content.decode(), "/gongkai/rate/")
            pages.append(client.post("/gongkai/rate/", {**rate, "score": "3"}))
            complain = _progress_form(shown.content.decode(), "/gongkai/complain/")
            pages.append(
                client.post("/gongkai/complain/", {**complain, "content": "办案进度太慢了"})
            )
        # then none of them shows an id number, a phone or a name of the case
        for response in pages:
            found = leaks(response.content.decode(), names)
            assert not found, (case.pk, response.request["PATH_INFO"], found)
        reached += 1
    assert reached >= 10, reached
    # and the lock page neither
    settings.GONGKAI_MAX_FAILURES = 1
    locked_client = Client(REMOTE_ADDR="10.250.0.1")
    first = locked_client.post("/gongkai/", {"code": "ABCDEFGHJKMN"})
    ticket = re.search(r'name="ticket" value="([^"]+)"', first.content.decode())
    assert ticket
    locked_client.post("/gongkai/verify/", {"ticket": ticket.group(1), "tail": "0000"})
    locked = locked_client.post("/gongkai/", {"code": "ABCDEFGHJKMN"})
    assert locked.status_code == 429
    assert not leaks(locked.content.decode(), set())
