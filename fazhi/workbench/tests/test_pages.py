"""The workbench pages: what each shows, for whom, and that every view is audited."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from fazhi.core.models import AuditEvent
from fazhi.patrol import views
from fazhi.patrol.models import Rule, RuleChange
from fazhi.records import models as m
from fazhi.records import views as record_views
from fazhi.testing.scene import (
    HOSTILE,
    ID_NUMBER,
    PHONE,
    Scene,
    add_case_records,
    make_finding,
)
from fazhi.workbench.panel_registry import collect_panels

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


# --- 我的工作台 --------------------------------------------------------------------------------


def test_officer_sees_his_warning_with_time_left(scene: Scene) -> None:
    # given zhang's custody warning due in three hours
    # when zhang opens his workbench
    response = scene.client("zhang").get("/")
    page = text(response)
    # then the warning is listed with its time left, and the view is audited
    assert response.status_code == 200
    assert "我的执法提醒" in page
    assert "提请批捕超期" in page
    assert "还剩 2小时" in page or "还剩 3小时" in page
    assert "clock-soon" in page
    assert AuditEvent.objects.filter(actor="zhang", action="view.workbench").exists()


def test_top_bar_shows_name_role_unit_and_navigation_by_role(scene: Scene) -> None:
    officer_page = text(scene.client("zhang").get("/"))
    assert "张伟" in officer_page
    assert "民警 · 城南派出所" in officer_page
    assert 'href="/problems/"' in officer_page
    assert 'href="/daily/"' not in officer_page  # 每日十问 is the unit's, not the officer's
    assert 'href="/admin/"' not in officer_page
    legal_page = text(scene.client("li").get("/"))
    assert 'href="/daily/"' in legal_page
    assert 'href="/intel/"' in legal_page
    assert 'href="/admin/"' not in legal_page
    assert 'href="/admin/"' in text(scene.client("admin").get("/"))


def test_pages_carry_no_inline_script(scene: Scene) -> None:
    # a strict CSP (script-src 'self') must not break any page
    for url in ["/", "/findings/", f"/cases/{scene.south_case.pk}/", "/rules/XS-JL-04/"]:
        page = text(scene.client("admin").get(url))
        for chunk in page.split("<script")[1:]:
            head = chunk.split(">", 1)[0]
            assert "src=" in head or 'type="application/json"' in head, (url, head)
        assert " onclick=" not in page
        assert " onload=" not in page


def test_unit_legal_officer_sees_his_units_warnings_not_the_other_units(scene: Scene) -> None:
    assert "提请批捕超期" in text(scene.client("li").get("/"))
    page = text(scene.client("wang").get("/"))
    assert "提请批捕超期" not in page
    assert "办案区未安全检查" in page


def test_panels_are_collected_sorted_and_refusing_ones_skipped(scene: Scene, rf) -> None:
    from fazhi.core.scope import scope_of

    request = rf.get("/")
    request.user = scene.bureau.users["li"]
    panels = collect_panels(
        request, scope_of(request.user), [late_panel, early_panel, refusing_panel]
    )
    assert [p["title"] for p in panels] == ["早", "晚"]


def test_every_app_with_a_panel_module_registers_its_panel() -> None:
    # Given the installed apps, when the registry is read, then each panels.py is registered
    # (an app that forgot is a start-up error, fazhi.E005, not a silently missing panel).
    from fazhi.core.registry import fazhi_apps

    registered = {c.label for c in fazhi_apps() if c.workbench_panel is not None}
    assert {"rectification", "notifications", "dailycheck", "disputes"} <= registered


def early_panel(request, scope):
    return {"title": "早", "template": "x.html", "order": 1}


def late_panel(request, scope):
    return {"title": "晚", "template": "x.html", "order": 9}


def refusing_panel(request, scope):
    return None


# --- findings list and export -----------------------------------------------------------------


def test_findings_list_filters_counts_and_pages(scene: Scene, monkeypatch) -> None:
    client = scene.client("wu")  # 局领导: the whole bureau
    page = text(client.get("/findings/"))
    assert "共 2 条" in page
    page = text(client.get("/findings/?unit=U-CB"))
    assert "共 1 条" in page
    assert "GF-BA-01" in page
    assert "XS-JL-04</a>" not in page
    page = text(client.get("/findings/?status=warning&severity=" + scene.warning.severity))
    assert "共 1 条" in page
    assert "XS-JL-04" in page
    # period: due within the next day
    day = scene.now.date()
    page = text(client.get(f"/findings/?period=due&start={day}&end={day + timedelta(days=1)}"))
    assert "共 1 条" in page
    # closed findings only when asked for
    scene.violation.is_open = False
    scene.violation.close_reason = "已整改"
    scene.violation.save()
    assert "共 1 条" in text(client.get("/findings/"))
    assert "已整改" in text(client.get("/findings/?state=closed"))
    # paging keeps the filters
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    page = text(client.get("/findings/?state=all"))
    assert "第 1 / 2 页" in page
    assert "state=all&amp;page=2" in page


def test_findings_list_refuses_a_reversed_period(scene: Scene) -> None:
    page = text(scene.client("wu").get("/findings/?start=2026-05-02&end=2026-05-01"))
    assert "开始日期晚于结束日期" in page


def test_export_writes_the_filtered_findings_and_is_audited(scene: Scene) -> None:
    # given a finding whose facts carry a formula-looking name
    scene.warning.facts = [{"label": "人员", "value": '=HYPERLINK("http://x")'}]
    scene.warning.save()
    # when li (城南) exports the list
    response = scene.client("li").get("/findings/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    # then only his unit's finding is in it, the text stays text, and the export is audited
    assert rows[0][0] == "编号"
    assert len(rows) == 2
    assert rows[1][1] == "XS-JL-04"
    assert str(rows[1][16]).startswith("人员：=HYPERLINK")
    cell = sheet.cell(row=2, column=17)
    assert cell.data_type == "s"
    event = AuditEvent.objects.get(actor="li", action="export.findings")
    assert event.details["count"] == 1


# --- the finding page -------------------------------------------------------------------------


def test_finding_page_explains_and_links(scene: Scene) -> None:
    page = text(scene.client("li").get(f"/findings/{scene.warning.pk}/"))
    assert "期限如何计算" in page
    assert "自拘留执行起算" in page
    assert scene.warning.rule.basis.splitlines()[0][:10] in page
    assert "BZ-T-01" in page
    assert "刑事拘留后依法提请批准逮捕" in page
    assert f"/cases/{scene.south_case.pk}/#measure-{scene.measure.pk}" in page
    assert AuditEvent.objects.filter(
        actor="li", action="view.finding", target_id=str(scene.warning.pk)
    ).exists()


def test_finding_page_offers_rectification_buttons_to_legal_officers_only(scene: Scene) -> None:
    li_page = text(scene.client("li").get(f"/findings/{scene.warning.pk}/"))
    zhang_page = text(scene.client("zhang").get(f"/findings/{scene.warning.pk}/"))
    assert f'action="/problems/push/{scene.warning.pk}/"' in li_page
    assert "/problems/push/" not in zhang_page
    # confirm/dismiss only for a suspicion
    assert "/problems/dismiss/" not in li_page
    scene.warning.status = "suspicion"
    scene.warning.save()
    assert f"/problems/dismiss/{scene.warning.pk}/" in text(
        scene.client("li").get(f"/findings/{scene.warning.pk}/")
    )


# --- the case page ----------------------------------------------------------------------------


def test_case_page_timeline_clocks_masking_and_escaping(scene: Scene) -> None:
    response = scene.client("zhang").get(f"/cases/{scene.south_case.pk}/")
    page = text(response)
    assert response.status_code == 200
    # one timeline of everything, oldest first
    timeline = page[page.index("办案全过程") :]
    order = [timeline.index(x) for x in ["接警", "受案", "刑事拘留执行", "送看守所", "讯问笔录"]]
    assert order == sorted(order)
    for label in ["扣押财物", "拘留证", "巡查发现"]:
        assert label in page
    # the running clocks: the warning with its due time, and the detention in force
    assert "正在计时的法定期限" in page
    assert "提请批捕超期" in page
    assert "刑事拘留（在执行）" in page
    assert "clock-soon" in page
    # identity numbers and phones masked
    assert ID_NUMBER not in page
    assert "110101********1237" in page
    assert PHONE not in page
    # transcripts escaped
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert AuditEvent.objects.filter(
        actor="zhang", action="view.case", target_id=scene.south_case.pk
    ).exists()


def test_case_page_queries_do_not_grow_with_the_case(scene: Scene) -> None:
    client = scene.client("li")
    url = f"/cases/{scene.south_case.pk}/"
    client.get(url)  # warm-up (content types, sessions)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    add_case_records(scene.south_case, scene.person, 40, scene.now - timedelta(days=1))
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert "第39次讯问" in text(response)
    assert len(large) == len(small)


def test_long_timelines_are_paged(scene: Scene, monkeypatch) -> None:
    monkeypatch.setattr(record_views, "TIMELINE_PAGE", 5)
    add_case_records(scene.south_case, scene.person, 5, scene.now - timedelta(days=1))
    page = text(scene.client("li").get(f"/cases/{scene.south_case.pk}/?page=2"))
    assert "第 2 / " in page
    assert "上一页" in page


def test_findings_and_workbench_queries_do_not_grow_with_findings(scene: Scene) -> None:
    client = scene.client("wu")
    for url in ["/", "/findings/"]:
        client.get(url)
        with CaptureQueriesContext(connection) as small:
            client.get(url)
        for i in range(30):
            make_finding(
                "GF-BA-01", subject_type="venue_visit", subject_id=f"X{url}{i}",
                status="violation", unit=scene.bureau.units["north"],
                officer=scene.bureau.officers["zhao"], case=scene.north_case,
            )  # fmt: skip
        with CaptureQueriesContext(connection) as large:
            client.get(url)
        assert len(large) == len(small), url


# --- incident, person, officer ----------------------------------------------------------------


def test_incident_page(scene: Scene) -> None:
    page = text(scene.client("zhang").get(f"/incidents/{scene.south_incident.pk}/"))
    assert "有人盗窃电动车" in page
    assert scene.south_case.pk in page
    assert PHONE not in page


def test_person_page_lists_other_cases_in_scope_only(scene: Scene) -> None:
    # the same 身份证号 appears in zhao's 城北 case
    url = f"/persons/{scene.person.pk}/"
    assert "A-N1" in text(scene.client("wu").get(url))
    assert "A-N1" not in text(scene.client("li").get(url))
    assert ID_NUMBER not in text(scene.client("wu").get(url))


def test_officer_page_counts(scene: Scene) -> None:
    page = text(scene.client("li").get(f"/officers/{scene.bureau.officers['zhang'].pk}/"))
    assert "张伟" in page
    assert scene.south_case.pk in page
    assert "提请批捕超期" in page


# --- rules and standards ----------------------------------------------------------------------


def test_legal_brigade_changes_a_rule_setting_with_a_reason(scene: Scene) -> None:
    client = scene.client("zhou")
    page = text(client.get("/rules/XS-JL-04/"))
    assert "修改设置" in page
    assert "BZ-T-01" in page
    response = client.post(
        "/rules/XS-JL-04/settings/",
        {"enabled": "on", "severity": "严重", "setting_limit": "", "reason": "上级通知从严"},
    )
    assert response.status_code == 302
    rule = Rule.objects.get(pk="XS-JL-04")
    assert rule.severity == "严重"
    change = RuleChange.objects.get(rule=rule)
    assert change.changed_by == "zhou"
    assert change.reason == "上级通知从严"
    assert "上级通知从严" in text(client.get("/rules/XS-JL-04/"))


def test_a_rule_change_without_reason_or_with_a_bad_value_is_refused(scene: Scene) -> None:
    client = scene.client("zhou")
    response = client.post("/rules/XS-JL-04/settings/", {"enabled": "on", "severity": "严重"})
    assert response.status_code == 400
    assert "修改规则设置必须填写理由" in text(response)
    response = client.post(
        "/rules/XS-JL-04/settings/",
        {"enabled": "on", "setting_limit": "三天半", "reason": "试试"},
    )
    assert response.status_code == 400
    assert "limit" in text(response)
    assert not RuleChange.objects.exists()
    assert Rule.objects.get(pk="XS-JL-04").severity == ""


def test_rules_and_standards_pages(scene: Scene) -> None:
    client = scene.client("zhang")
    assert "XS-JL-04" in text(client.get("/rules/"))
    page = text(client.get("/rules/XS-JL-04/"))
    assert "修改设置" not in page  # a 民警 reads, does not change
    assert "BZ-T-01" in text(client.get("/standards/"))
    page = text(client.get("/standards/BZ-T-01/"))
    assert "拘留后三日内提请批准逮捕" in page
    assert "XS-JL-04" in page
    assert client.get("/standards/NOPE/").status_code == 404


def test_unknown_records_are_404(scene: Scene) -> None:
    client = scene.client("admin")
    for url in ["/cases/NOPE/", "/incidents/NOPE/", "/persons/NOPE/", "/officers/NOPE/",
                "/findings/999999/", "/rules/NOPE/"]:  # fmt: skip
        assert client.get(url).status_code == 404, url
    assert m.Case.objects.filter(pk="NOPE").count() == 0


# --- lists a legal officer can work with ------------------------------------------------------


def test_record_pages_have_print_and_help(scene: Scene) -> None:
    # given the finding, case (and, in their apps' tests, the problem and dispute) pages
    for url, help_url in [
        (f"/findings/{scene.warning.pk}/", "/findings/help/"),
        (f"/cases/{scene.south_case.pk}/", "/cases/help/"),
    ]:
        page = text(scene.client("li").get(url))
        # then each has a 打印 button (print.js, no inline script) and its area's help
        assert "data-print>打印</button>" in page
        assert f'href="{help_url}"' in page
        assert "core/print.js" in page


def test_print_stylesheet_hides_the_site_around_the_record() -> None:
    from pathlib import Path

    css = (Path(__file__).parents[2] / "core" / "static" / "core" / "fazhi.css").read_text()
    rules = css.split("@media print", 1)[1]
    assert ".topbar" in rules
    assert "form.filters" in rules


def test_findings_list_page_size_and_jump_keep_the_filters(scene: Scene) -> None:
    client = scene.client("wu")
    # a size from the list is used, anything else falls back to 25
    page = text(client.get("/findings/?size=50&state=all"))
    assert '<option value="50" selected>50 条</option>' in page
    assert '<input type="hidden" name="state" value="all">' in page
    assert 'name="page"' in page
    page = text(client.get("/findings/?size=7"))
    assert '<option value="25" selected>25 条</option>' in page


def test_findings_sort_by_deadline_and_by_severity(scene: Scene) -> None:
    # given a 较重 finding due first and a 严重 one due later
    scene.violation.severity = "较重"
    scene.violation.due_at = scene.now + timedelta(hours=1)
    scene.violation.save()
    scene.warning.severity = "严重"
    scene.warning.save()  # due in three hours
    client = scene.client("wu")
    by_due = text(client.get("/findings/?sort=due"))
    assert by_due.index("GF-BA-01</a>") < by_due.index("XS-JL-04</a>")
    by_severity = text(client.get("/findings/?sort=severity"))
    assert by_severity.index("XS-JL-04</a>") < by_severity.index("GF-BA-01</a>")


def test_pending_problems_put_overdue_before_suspicions(scene: Scene) -> None:
    # given a suspicion found first and an overdue finding found later in 城南
    make_finding(
        "ZN-BL-01", subject_type="transcript", subject_id="A-S1-T1", status="suspicion",
        unit=scene.bureau.units["south"], case=scene.south_case, severity="严重",
    )  # fmt: skip
    make_finding(
        "XS-JL-03", subject_type="measure", subject_id=scene.measure.pk, status="overdue",
        unit=scene.bureau.units["south"], case=scene.south_case, severity="一般",
        due_at=scene.now - timedelta(hours=1),
    )  # fmt: skip
    # when li opens his workbench / then the overdue one is listed first, whatever its severity
    page = text(scene.client("li").get("/"))
    pending = page.split("待处理问题", 1)[1]
    assert pending.index("XS-JL-03</a>") < pending.index("ZN-BL-01</a>")


def test_findings_export_has_an_auto_filter_and_readable_values(scene: Scene) -> None:
    response = scene.client("wu").get("/findings/export.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active  # type: ignore[attr-defined]
    assert sheet is not None
    assert sheet.auto_filter.ref == "A1:R3"
    rows = list(sheet.iter_rows(values_only=True))[1:]
    # record types in Chinese, officers by name and 警号, facts as the page shows them
    assert {r[5] for r in rows} == {"强制措施", "办案区使用"}
    assert {r[8] for r in rows} == {"张伟（O-001）", "赵强（O-002）"}
    assert any("人身安全检查：否" in str(r[16]) for r in rows)


def test_case_timeline_shows_recorded_times_in_beijing_time(scene: Scene) -> None:
    # given the 城北 case-area visit, its exit stored as an aware moment (UTC in the database)
    from django.utils import timezone

    visit = m.VenueVisit.objects.get(pk="A-N1-V1")
    shown = timezone.localtime(visit.left_at).strftime("%Y-%m-%d %H:%M")
    # when the 城北 legal officer opens the case
    page = text(scene.client("wang").get(f"/cases/{scene.north_case.pk}/"))
    # then the exit reads in Beijing time to the minute, never as a UTC timestamp
    assert shown in page
    assert "+00:00" not in page
    assert "None" not in page
