"""The library's pages: the list by category with the written-only standards, and a page per
standard with its whole history; revision and abolition from the page for the 法制大队 only."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fazhi.core.audit_actions import AuditAction
from fazhi.core.models import AuditEvent
from fazhi.standards.models import Standard
from fazhi.standards.services import abolish_standard, add_standard, revise_standard
from fazhi.standards.tests.helpers import client_of

pytestmark = pytest.mark.django_db


def _written_only(bureau: Any, code: str = "BZ-GL-90", category: str = "管理服务") -> Standard:
    return add_standard(
        actor=bureau.users["zhou"], code=code, title="窗口服务文明用语规范", category=category,
        text="接待群众使用文明用语。", rules=[], effective_from=date(2026, 3, 1),
        reason="本局服务规范",
    )  # fmt: skip


def _revised(bureau: Any) -> Standard:
    old = Standard.objects.get(code="BZ-LC-01")
    return revise_standard(
        old, actor=bureau.users["zhou"], title="警情处置时限规范",
        text="刑事、治安、纠纷警情12小时内处置完毕，并录入处置结果和处置完毕时间。",
        rules=["JQ-01", "JQ-02"], effective_from=date(2026, 6, 1), reason="局务会决定收紧处置时限",
    )  # fmt: skip


# --- the list --------------------------------------------------------------------------------


def test_the_list_names_the_written_only_standards_by_category_and_filters_them(
    library: Any,
) -> None:
    # given a standard of the bureau's own that no rule enforces
    _written_only(library)
    client = client_of(library, "zhang")
    # when 张伟 (民警) opens the library
    page = client.get("/standards/").content.decode()
    # then the written-only standards are counted per category, each a link to the filtered list
    assert "仅书面标准（尚无规则执行：1 条）" in page
    assert "管理服务 1 条" in page
    assert "执法办案 0 条" in page
    # when he filters the written-only standards of 管理服务
    only = client.get("/standards/?category=管理服务&enforcement=written").content.decode()
    # then that standard alone is listed, marked as written only
    assert "BZ-GL-90" in only
    assert "BZ-LC-01" not in only
    assert "共 1 条" in only
    # and the enforced ones exclude it
    enforced = client.get("/standards/?enforcement=rules").content.decode()
    assert "BZ-GL-90" not in enforced
    assert "BZ-LC-01" in enforced


def test_the_list_shows_each_standard_once_and_hides_the_abolished_unless_asked(
    library: Any,
) -> None:
    _revised(library)
    abolish_standard(
        Standard.objects.get(code="BZ-LC-02"), actor=library.users["zhou"],
        on=date(2026, 2, 1), reason="办案区规范并入新文件",
    )  # fmt: skip
    client = client_of(library, "zhang")
    page = client.get("/standards/").content.decode()
    # each standard once, as its newest version, the categories in the 标准体系's order
    assert page.index("BZ-ZF-01") < page.index("BZ-LC-01") < page.index("BZ-GL-01")
    assert page.count('href="/standards/BZ-LC-01/"') == 1
    assert "第2版" in page
    assert 'href="/standards/BZ-LC-02/"' not in page
    abolished = client.get("/standards/?state=abolished").content.decode()
    assert 'href="/standards/BZ-LC-02/"' in abolished
    assert "（已废除）" in abolished
    assert "共 1 条" in abolished


def test_the_list_costs_the_same_queries_whatever_its_length(library: Any) -> None:
    client = client_of(library, "zhang")
    client.get("/standards/")
    with CaptureQueriesContext(connection) as before:
        client.get("/standards/")
    for i in range(5):
        _written_only(library, code=f"BZ-GL-9{i}")
    with CaptureQueriesContext(connection) as after:
        client.get("/standards/")
    assert len(after) == len(before)


def test_a_bad_filter_value_narrows_nothing_and_says_why(library: Any) -> None:
    response = client_of(library, "zhang").get("/standards/?category=刑侦")
    assert response.status_code == 200
    assert "BZ-LC-01" in response.content.decode()


# --- the page of one standard ----------------------------------------------------------------


def test_the_page_shows_every_version_what_changed_who_changed_it_and_why(
    library: Any,
) -> None:
    # given BZ-LC-01 revised by 周敏: 24 → 12 hours, a new title, one more rule
    _revised(library)
    # when 张伟 (民警) opens its page
    page = client_of(library, "zhang").get("/standards/BZ-LC-01/").content.decode()
    # then both versions are listed, newest first, with their dates and states
    assert page.index('id="v2"') < page.index('id="v1"')
    assert "第2版 警情处置时限规范" in page
    assert "2026-01-01 至 2026-05-31 · 已被新版本取代" in page
    assert "2026-06-01 至 今 · 现行" in page
    # who changed it (by name, not login) and why
    assert "修订人 周敏" in page
    assert "修订理由：局务会决定收紧处置时限" in page
    assert "新增理由：随巡查规则包发布" in page
    assert ">zhou<" not in page
    # what changed, in Chinese, with the text compared
    assert "与第1版相比：" in page
    assert "标题由“警情处置规范”改为“警情处置时限规范”" in page
    assert "增加执行规则 JQ-02" in page
    assert "<del>24</del><ins>12</ins>" in page
    # and the rules enforcing each version
    v1 = page[page.index('id="v1"') :]
    assert 'href="/rules/JQ-01/"' in v1
    assert 'href="/rules/JQ-02/"' not in v1.split("</section>")[0]


def test_the_page_shows_the_abolition(library: Any) -> None:
    abolish_standard(
        Standard.objects.get(code="BZ-LC-01"), actor=library.users["zhou"],
        on=date(2026, 3, 1), reason="并入新的接处警规范",
    )  # fmt: skip
    page = client_of(library, "zhang").get("/standards/BZ-LC-01/").content.decode()
    assert "已废除</b>：自 2026-03-01 起不再执行（第1版至 2026-02-28 止）" in page
    assert "废除人 周敏" in page
    assert "理由：并入新的接处警规范" in page
    assert "2026-01-01 至 2026-02-28 · 已废除" in page


def test_the_dynamic_evaluation_is_linked_for_those_who_may_read_it(library: Any) -> None:
    # when 周敏 (法制大队) opens a standard, then its evaluation is there, linked to its row
    page = client_of(library, "zhou").get("/standards/BZ-LC-01/").content.decode()
    assert '<h2 id="dynamics">动态评估</h2>' in page
    assert 'href="/tuning/#standard-BZ-LC-01"' in page
    assert 'href="/rules/JQ-01/#dynamics"' in page
    tuning = client_of(library, "zhou").get("/tuning/").content.decode()
    assert 'id="standard-BZ-LC-01"' in tuning
    # and for 李娜 (法制员), who may not read the evaluation, there is no link to follow
    other = client_of(library, "li").get("/standards/BZ-LC-01/").content.decode()
    assert "/tuning/" not in other
    assert "#dynamics" not in other


@pytest.mark.parametrize("user", ["zhou", "zhang"])
def test_no_link_on_the_standard_page_is_dead(library: Any, user: str) -> None:
    _revised(library)
    client = client_of(library, user)
    page = client.get("/standards/BZ-LC-01/").content.decode()
    links = set(re.findall(r'href="(/[^"#]*)', page))
    assert "/standards/help/" in links
    for link in sorted(links):
        if link.startswith(("/static/", "/logout")):
            continue
        assert client.get(link).status_code == 200, link


def test_the_help_page_explains_the_states(library: Any) -> None:
    page = client_of(library, "zhang").get("/standards/help/").content.decode()
    assert "已被新版本取代" in page
    assert "仅书面标准" in page


def test_hostile_text_is_shown_escaped(library: Any) -> None:
    add_standard(
        actor=library.users["zhou"], code="BZ-XSS-1", title="<script>alert(1)</script>",
        category="执法办案", text="<b>粗</b>", rules=[], effective_from=date(2026, 3, 1),
        reason="<i>理由</i>",
    )  # fmt: skip
    client = client_of(library, "zhang")
    for url in ("/standards/", "/standards/BZ-XSS-1/"):
        page = client.get(url).content.decode()
        assert "<script>alert(1)" not in page
        assert "&lt;script&gt;" in page
    assert "<i>理由</i>" not in client.get("/standards/BZ-XSS-1/").content.decode()


def test_an_unknown_standard_is_404(library: Any) -> None:
    assert client_of(library, "zhang").get("/standards/BZ-NONE/").status_code == 404


# --- changing it from the page ---------------------------------------------------------------


def test_the_legal_brigade_revises_and_abolishes_from_the_page(library: Any) -> None:
    client = client_of(library, "zhou")
    page = client.get("/standards/BZ-LC-01/").content.decode()
    assert 'action="/standards/BZ-LC-01/revise/"' in page
    assert 'action="/standards/BZ-LC-01/abolish/"' in page
    # when 周敏 publishes a new version
    revised = client.post(
        "/standards/BZ-LC-01/revise/",
        {"title": "警情处置规范", "text": "12小时内处置完毕。", "rules": ["JQ-01"],
         "effective_from": "2026-06-01", "reason": "局务会决定"},
    )  # fmt: skip
    # then it is version 2 with its reason, and she is back on the page
    assert (revised.status_code, revised["Location"]) == (302, "/standards/BZ-LC-01/")
    assert Standard.objects.get(code="BZ-LC-01", version=2).reason == "局务会决定"
    # when she abolishes it
    abolished = client.post(
        "/standards/BZ-LC-01/abolish/", {"abolished_on": "2026-09-01", "reason": "废止"}
    )
    assert abolished.status_code == 302
    latest = Standard.objects.get(code="BZ-LC-01", version=2)
    assert (latest.abolished_on, latest.abolished_by) == (date(2026, 9, 1), "zhou")
    # then the page offers no more changes
    page = client.get("/standards/BZ-LC-01/").content.decode()
    assert "/standards/BZ-LC-01/abolish/" not in page


def test_a_bad_abolition_from_the_page_comes_back_with_the_message(library: Any) -> None:
    client = client_of(library, "zhou")
    early = client.post(
        "/standards/BZ-LC-01/abolish/", {"abolished_on": "2025-12-01", "reason": "废止"}
    )
    assert early.status_code == 400
    assert "废除日期必须晚于第1版的生效日期 2026-01-01" in early.content.decode()
    no_reason = client.post("/standards/BZ-LC-01/abolish/", {"abolished_on": "2026-09-01"})
    assert no_reason.status_code == 400
    assert Standard.objects.get(code="BZ-LC-01").abolished_on is None


@pytest.mark.parametrize("user", ["zhang", "li", "wang", "sun", "wu"])
def test_other_users_neither_see_nor_may_post_the_changes(library: Any, user: str) -> None:
    client = client_of(library, user)
    page = client.get("/standards/BZ-LC-01/").content.decode()
    assert "/revise/" not in page
    assert "/abolish/" not in page
    revised = client.post(
        "/standards/BZ-LC-01/revise/",
        {"title": "改", "text": "改", "rules": ["JQ-01"], "effective_from": "2026-06-01",
         "reason": "试图修改"},
    )  # fmt: skip
    abolished = client.post(
        "/standards/BZ-LC-01/abolish/", {"abolished_on": "2026-09-01", "reason": "试图废除"}
    )
    assert (revised.status_code, abolished.status_code) == (403, 403)
    assert Standard.objects.filter(code="BZ-LC-01").count() == 1
    assert Standard.objects.get(code="BZ-LC-01").abolished_on is None
    assert not AuditEvent.objects.filter(
        action__in=[AuditAction.STANDARD_REVISE, AuditAction.STANDARD_ABOLISH]
    ).exists()


def test_anonymous_visitors_are_sent_to_sign_in(library: Any) -> None:
    for url in ("/standards/", "/standards/BZ-LC-01/", "/standards/help/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    posted = Client().post("/standards/BZ-LC-01/abolish/", {"abolished_on": "2026-09-01"})
    assert posted.status_code == 302
    assert Standard.objects.get(code="BZ-LC-01").abolished_on is None


def test_the_pages_read_as_chinese(library: Any) -> None:
    from fazhi.workbench.tests.walk import _Page, unreadable

    # given a revised, an abolished and a written-only standard
    _revised(library)
    _written_only(library)
    abolish_standard(
        Standard.objects.get(code="BZ-LC-02"), actor=library.users["zhou"],
        on=date(2026, 2, 1), reason="并入新文件",
    )  # fmt: skip
    client = client_of(library, "zhou")
    for url in (
        "/standards/", "/standards/?state=all", "/standards/BZ-LC-01/", "/standards/BZ-LC-02/",
        "/standards/BZ-GL-90/", "/standards/import/", "/standards/help/",
    ):  # fmt: skip
        parser = _Page()
        parser.feed(client.get(url).content.decode())
        codes = frozenset(Standard.objects.values_list("code", flat=True))
        assert unreadable(parser.text, codes) == [], url


def test_the_page_shows_the_same_evaluation_as_the_tuning_list(scene: Any) -> None:
    from django.utils import timezone

    from fazhi.tuning.dynamics import rule_dynamics, standard_dynamics

    # given BZ-T-01, enforced by XS-JL-04, which found one detention this month
    now = timezone.now()
    listed = next(s for s in standard_dynamics(now, rule_dynamics(now)) if s.code == "BZ-T-01")
    assert listed.total == 1
    # when 周敏 opens the standard, then its page reads the tuning list's figures
    page = scene.client("zhou").get("/standards/BZ-T-01/").content.decode()
    assert f"近一年违反 {listed.total} 项，趋势{listed.trend.label}" in page


def test_a_version_published_for_later_leaves_the_one_in_force_on_the_page(
    library: Any,
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    # given BZ-LC-01's second version, published to take effect tomorrow
    tomorrow = timezone.localdate() + timedelta(days=1)
    revise_standard(
        Standard.objects.get(code="BZ-LC-01"), actor=library.users["zhou"], title="新标题",
        text="12小时内处置完毕。", rules=["JQ-01"], effective_from=tomorrow, reason="收紧",
    )  # fmt: skip
    # when 周敏 opens it, then the version in force is shown, with its evaluation,
    # and the coming one announced
    page = client_of(library, "zhou").get("/standards/BZ-LC-01/").content.decode()
    assert "BZ-LC-01 警情处置规范 <small" in page
    assert "第1版 · 现行" in page
    assert f"第2版已发布，{tomorrow:%Y-%m-%d} 起生效" in page
    assert "近一年违反 0 项" in page
    assert "· 尚未生效" in page
    # and the dynamic evaluation lists the version in force on its last day
    from fazhi.tuning.dynamics import rule_dynamics, standard_dynamics

    now = timezone.now()
    listed = [s for s in standard_dynamics(now, rule_dynamics(now)) if s.code == "BZ-LC-01"]
    assert [s.title for s in listed] == ["警情处置规范"]


def test_the_history_costs_the_same_queries_whatever_its_length(library: Any) -> None:
    client = client_of(library, "zhou")
    _revised(library)
    client.get("/standards/BZ-LC-01/")
    with CaptureQueriesContext(connection) as before:
        client.get("/standards/BZ-LC-01/")
    for month in (7, 8, 9):
        old = Standard.objects.filter(code="BZ-LC-01").order_by("-version").first()
        assert old is not None
        revise_standard(
            old, actor=library.users["zhou"], title=old.title, text=f"{old.text}（{month}月）",
            rules=["JQ-01", "JQ-03"], effective_from=date(2026, month, 1), reason="补充",
        )  # fmt: skip
    with CaptureQueriesContext(connection) as after:
        client.get("/standards/BZ-LC-01/")
    assert len(after) == len(before)
