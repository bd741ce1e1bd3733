"""The results page of the top bar's search box."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from fazhi.core.audit_actions import AuditAction
from fazhi.core.models import AuditEvent
from fazhi.search.tests.conftest import ID_NUMBER, Scene

pytestmark = pytest.mark.django_db


def client_for(bureau: Any, name: str) -> Client:
    client = Client()
    client.force_login(bureau.users[name])
    return client


def searches() -> int:
    return AuditEvent.objects.filter(action=AuditAction.SEARCH).count()


def test_anonymous_is_sent_to_sign_in(bureau: Any, scene: Scene) -> None:
    response = Client().get("/search/", {"q": "盗窃"})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert searches() == 0


def test_the_top_bar_of_every_page_has_the_search_box(bureau: Any, scene: Scene) -> None:
    html = client_for(bureau, "zhang").get("/").content.decode()
    assert '<form class="search" method="get" action="/search/" role="search">' in html
    # and it keeps the query on the results page
    html = client_for(bureau, "li").get("/search/", {"q": "孙小红"}).content.decode()
    assert 'name="q" value="孙小红"' in html


def test_results_grouped_by_kind_with_links_within_scope(bureau: Any, scene: Scene) -> None:
    # given 城南's 法制员, when she searches for 盗窃
    response = client_for(bureau, "li").get("/search/", {"q": "盗窃"})
    # then she sees 城南's cases linked to their pages, under 案件, and not 城北's
    assert response.status_code == 200
    html = response.content.decode()
    assert '<section class="search-group" id="kind-case">' in html
    assert '<a href="/cases/C-S1/">盗窃案（C-S1）</a>' in html
    assert '<a href="/cases/C-S2/">盗窃案（C-S2）</a>' in html
    assert "C-N1" not in html
    assert "受案 2026-02-21 09:00" in html  # 受案时间, local
    assert "本次搜索已记入审计日志" in html
    assert searches() == 1


def test_a_person_found_by_id_number_is_shown_masked(bureau: Any, scene: Scene) -> None:
    html = client_for(bureau, "li").get("/search/", {"q": ID_NUMBER}).content.decode()
    assert '<a href="/persons/C-S1-P1/">孙小红</a>' in html
    assert "110101********123X" in html
    # the clear number only in the search box the user typed it into, nowhere in the results
    assert html.count(ID_NUMBER) == 2  # the top bar's box and the page's box
    assert "按身份证号精确查找涉案人员" in html


def test_one_kind_shows_more(bureau: Any, scene: Scene) -> None:
    html = (
        client_for(bureau, "zhou").get("/search/", {"q": "盗窃", "kind": "case"}).content.decode()
    )
    assert 'id="kind-case"' in html
    assert 'id="kind-person"' not in html
    assert html.count('<a href="/cases/') == 3


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "至少输入2个字"),  # the page's help, no search
        ({"q": "   "}, "至少输入2个字"),
        ({"q": "盗"}, "搜索内容“盗”太短：请至少输入2个字"),
        ({"q": "盗" * 65}, "搜索内容：最多64个字"),
        ({"q": "盗窃", "kind": "dispute"}, "类别：没有这一类记录"),
    ],
)
def test_empty_short_or_bad_queries_search_nothing(
    bureau: Any, scene: Scene, params: dict[str, str], message: str
) -> None:
    response = client_for(bureau, "li").get("/search/", params)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "C-S1" not in html
    assert searches() == 0


def test_nothing_found_says_so(bureau: Any, scene: Scene) -> None:
    html = client_for(bureau, "li").get("/search/", {"q": "没有这个人"}).content.decode()
    assert "没有找到符合“没有这个人”的记录" in html
    assert searches() == 1


def test_hostile_text_is_shown_as_text(bureau: Any, scene: Scene) -> None:
    scene.incidents["south"].reporter_name = "<script>alert(1)</script>"
    scene.incidents["south"].save()
    html = client_for(bureau, "li").get("/search/", {"q": "<script>"}).content.decode()
    assert "报警人 &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html


def test_the_page_costs_the_same_queries_however_many_hits(bureau: Any, scene: Scene) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fazhi.records import models as m

    client = client_for(bureau, "zhou")
    client.get("/search/", {"q": "预热"})

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/search/", {"q": "盗窃"}).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    # given eight more 盗窃 cases, each with a person, in two units
    for i in range(8):
        cs = m.Case.objects.create(
            id=f"C-X{i}", kind="刑事", cause="盗窃", unit=bureau.units[("south", "north")[i % 2]],
            lead_officer=bureau.officers["zhang"], accepted_at=scene.cases["south"].accepted_at,
            status="立案",
        )  # fmt: skip
        m.Person.objects.create(id=f"C-X{i}-P1", case=cs, name="盗窃某", role="犯罪嫌疑人")
    # then the page issues as many queries as before
    assert count() == few
