"""The per-role page walk on a generated county: every link on every page a user reaches leads
to a page he may see, and the pages (and the .xlsx exports they link to) read as Chinese: no
English word, no ``None``, no ISO timestamp, no raw enum name, no law abbreviation, no clear
身份证号 or phone. The county is the generator's at a small scale (as ``core/tests/test_kill.py``
uses it), imported, patrolled and ticked as ``fazhi demo`` does, with one login per role.

The walk's totals are printed (``-s``) and recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from fazhi.accounts.models import Role
from fazhi.accounts.services import provision_user, system_user
from fazhi.core.tick import run_tick
from fazhi.exchange.services import import_bundle
from fazhi.patrol.services import run_patrol
from fazhi.records import models as m
from fazhi.records.enums import OfficerRole, UnitKind
from fazhi.standards.services import sync_pack_standards
from fazhi.synth import services as synth
from fazhi.workbench.tests.walk import Walk, unreadable, walk

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SMALL = synth.Scale("walk", cities=0, counties_per_city=0, size=0.02)
AS_OF = "2026-11-01T09:00:00+08:00"
# login → (role, officer role to pick); the 法制大队 user is an officer of the 法制大队
LOGINS = [
    ("minjing", Role.OFFICER, OfficerRole.OFFICER),
    ("fazhiyuan", Role.LEGAL_OFFICER, OfficerRole.LEGAL_OFFICER),
    ("yewu", Role.BUSINESS_LEAD, OfficerRole.BUSINESS_LEAD),
    ("fenguan", Role.LEGAL_LEADER, OfficerRole.LEGAL_LEADER),
    ("suozhang", Role.CHIEF, OfficerRole.CHIEF),
    ("juzhang", Role.BUREAU_LEADER, OfficerRole.BUREAU_LEADER),
    ("fazhidadui", Role.LEGAL_BRIGADE, None),
    ("fuwu", Role.SERVICE_DESK, None),  # an officer of the 执法办案管理中心
]


def route_of(url: str) -> str:
    """A page's kind: its URL pattern and query keys (the case page, the findings list paged)."""
    parts = urlsplit(url)
    try:
        route = str(resolve(parts.path).route)
    except Resolver404:
        route = parts.path
    return route + "?" + ",".join(sorted(parse_qs(parts.query)))


@pytest.fixture
def county(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setitem(synth.SCALES, SMALL.name, SMALL)
    out = tmp_path / "walk.jsonl.gz"
    call_command("generate", scale=SMALL.name, seed=5, out=str(out), as_of=AS_OF,
                 stdout=io.StringIO())  # fmt: skip
    system = system_user()
    logins: dict[str, str] = {}
    assert import_bundle([out], actor=system).ok
    run_patrol(as_of=datetime.fromisoformat(AS_OF), actor=system)
    sync_pack_standards(actor=system)
    stations = m.Unit.objects.filter(kind=UnitKind.POLICE_STATION).order_by("pk")
    legal = m.Unit.objects.filter(kind=UnitKind.LEGAL_BRIGADE).first()
    for username, role, officer_role in LOGINS:
        officers = m.Officer.objects.filter(active=True).order_by("unit_id", "pk")
        if role == Role.SERVICE_DESK:
            officer = officers.filter(unit__kind=UnitKind.CASE_CENTRE).first()
        elif officer_role is None:
            officer = officers.filter(unit=legal).first()
        else:
            officers = officers.filter(role=officer_role)
            officer = officers.filter(unit__in=stations).first() or officers.first()
        assert officer is not None, username
        provision_user(actor=system, username=username, password="x-Walk-2026!", role=role,
                       officer=officer)  # fmt: skip
        logins[username] = role.label
    run_tick(actor=system)  # problems pushed, daily questions, disputes graded, notices sent
    return logins


def test_unreadable_finds_what_a_reader_should_not_meet() -> None:
    # the checker itself: it must fail on each kind of leak and pass Chinese with codes
    assert unreadable(["案件 A-S1 · XS-JL-04 提请批捕超期 · 2026-05-16 22:07 · 1天3小时"]) == []
    assert unreadable(["导出 Excel", "110101********1237", "138****5678"]) == []
    for leak in [
        "measure A-S1-M1", "信号类别：mental_illness", "None", "2026-05-16T22:07:00+08:00",
        "节假日依据：chinese_calendar 1.11.0", "字符5元组 Jaccard 相似度", "依据 CPL105",
        "身份证号 110101199001011237", "电话 13812345678", "离开：2026-09-05 07:40:51+00:00",
        "规则包 cn-police-2026",
    ]:  # fmt: skip
        assert unreadable([leak]), leak


def test_every_role_walks_its_pages_without_dead_links_or_unreadable_text(
    county: dict[str, str],
) -> None:
    # given a generated county with one login per role
    results: list[Walk] = []
    for username in county:
        client = Client()
        client.force_login(_user(username))
        # when the user follows every link from his workbench
        results.append(walk(client, username, per_route=8, route_of=route_of))
    pages = sum(r.pages for r in results)
    links = sum(r.links for r in results)
    print(f"\npage walk: {len(results)} roles, {pages} pages, {links} links checked")
    for r in results:
        print(f"  {r.username}: {r.pages} pages, {r.links} links, {len(r.problems)} problems")
    # then every link opened and every page read as Chinese
    problems = [f"{r.username} {p}" for r in results for p in r.problems]
    assert problems == [], "\n".join(problems[:80])
    # and the walk did reach the pages it is about (a walk of nothing cannot fail)
    assert all(r.pages >= 20 for r in results), [(r.username, r.pages) for r in results]
    seen = {route_of(url).split("?")[0] for r in results for url in r.seen}
    for page in [
        "findings/<int:pk>/",
        "cases/<str:pk>/",
        "problems/<int:pk>/",
        "officers/<str:pk>/",
    ]:
        assert any(route.endswith(page) for route in seen), page


def _user(username: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)
