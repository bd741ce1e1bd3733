"""最优/最差案件 and 案件剖析: the case-quality score on hand-made cases (each part, dismissed
problems not counted, never below zero, only the month's closed cases), the 法制大队's pick with
a reason, the worst case's 剖析 task (due in working days, uploaded by the unit's 法制员 or
所队长, accepted or returned), the tick's reminder and overdue notice (each once), the refused
users called directly, and the pages."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fazhi.core.models import AuditEvent
from fazhi.evaluation import quality, services
from fazhi.evaluation.models import AnalysisDocument, AnalysisTask, CasePick
from fazhi.evaluation.services import EvaluationError, parse_month
from fazhi.evaluation.tests.conftest import sh
from fazhi.notifications.models import Notification
from fazhi.rectification.tests import samples

pytestmark = pytest.mark.django_db

OCTOBER = parse_month("2026-10")
# a Monday: the 剖析 of a case picked now is due at 24:00 of the 10th working day, 16 November
PICKED_AT = sh(2026, 11, 2, 9)


class Cases:
    """October's closed cases of 城南: a clean one, a bad one with one item of every part, one
    whose only problem was judged false, one beyond the floor; and one closed in November."""

    def __init__(self, world: Any) -> None:
        from fazhi.records import models as m

        self.world, self.n = world, 0
        b = world.bureau
        self.clean, self.bad, self.dismissed, self.floor, self.november = [
            m.Case.objects.create(
                id=f"AJ-{i}",
                kind="行政",
                cause="殴打他人",
                unit=b.units["south"],
                lead_officer=b.officers["zhang"],
                accepted_at=sh(2026, 10, 1),
                status="结案",
                closed_at=closed,
            )
            for i, closed in enumerate(
                [
                    sh(2026, 10, 20),
                    sh(2026, 10, 21),
                    sh(2026, 10, 22),
                    sh(2026, 10, 23),
                    sh(2026, 11, 1, 8),
                ]
            )
        ]
        # the bad case: a 严重 problem fixed on time, a 一般 one fixed late, an adverse review,
        # a complaint found true, a deadline finding that ran over
        self.problem(self.bad, "严重")
        self.problem(self.bad, "一般", late=True)
        self.finding(self.bad, status="overdue")
        m.Review.objects.create(
            id="FY-1", case=self.bad, kind="行政复议", filed_at=sh(2026, 10, 25),
            decided_at=sh(2026, 10, 30), outcome="撤销",
        )  # fmt: skip
        m.Review.objects.create(
            id="FY-2", case=self.bad, kind="行政复议", filed_at=sh(2026, 10, 25),
            decided_at=sh(2026, 10, 30), outcome="维持",
        )  # fmt: skip
        m.Complaint.objects.create(
            id="TS-1", received_at=sh(2026, 10, 26), channel="12389", unit=b.units["south"],
            case=self.bad, content="态度恶劣", result="属实",
        )  # fmt: skip
        m.Complaint.objects.create(
            id="TS-2", received_at=sh(2026, 10, 26), channel="12389", unit=b.units["south"],
            case=self.bad, content="未出具回执", result="不属实",
        )  # fmt: skip
        self.problem(self.dismissed, "严重", status="dismissed")
        for _ in range(6):
            self.problem(self.floor, "严重")

    def finding(self, case: Any, *, status: str = "violation", severity: str = "一般") -> Any:
        from fazhi.patrol.models import Finding

        self.n += 1
        return Finding.objects.create(
            rule=self.world.rule, subject_type="case", subject_id=f"{case.pk}-{self.n}",
            status=status, severity=severity, unit=case.unit, officer=case.lead_officer,
            case=case, due_at=sh(2026, 10, 10), first_seen_at=sh(2026, 10, 11), digest="x",
        )  # fmt: skip

    def problem(
        self, case: Any, severity: str, *, late: bool = False, status: str = "closed"
    ) -> Any:
        from fazhi.rectification.models import Problem

        fd = self.finding(case, severity=severity)
        due = sh(2026, 10, 14)
        return Problem.objects.create(
            finding=fd, rule=fd.rule, unit=case.unit, officer=case.lead_officer, case=case,
            severity=severity, status=status, source="auto", due_at=due,
            created_at=sh(2026, 10, 11), created_by="system",
            fixed_at=sh(2026, 10, 16) if late else sh(2026, 10, 12),
        )  # fmt: skip


@pytest.fixture
def cases(world: Any) -> Cases:
    return Cases(world)


def scored(now: datetime = PICKED_AT) -> dict[str, Any]:
    q = quality.load()
    return {c.pk: c for c in quality.candidates(OCTOBER, q, now=now)}


def pick_worst(bureau: Any, cases: Cases) -> CasePick:
    return services.pick_case(
        cases.bad.pk, OCTOBER, actor=bureau.users["zhou"], kind="worst",
        reason="复议被撤销、投诉查实", now=PICKED_AT,
    )  # fmt: skip


def pdf(name: str = "剖析.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, samples.pdf(), content_type="application/pdf")


# --- the score --------------------------------------------------------------------------------


def test_the_case_quality_score_deducts_each_part_and_explains_it(cases: Cases) -> None:
    # given October's closed cases, when they are scored
    rows = scored()
    # then only the cases closed in October are candidates
    assert set(rows) == {"AJ-0", "AJ-1", "AJ-2", "AJ-3"}
    # the clean case keeps 100, the false problem costs nothing
    assert rows["AJ-0"].quality == 100
    assert rows["AJ-2"].quality == 100
    # the bad case: 严重 20 + 一般 5 + late fix 5 + review 撤销 20 + complaint 属实 10 + 超期 5
    bad = rows["AJ-1"]
    assert bad.quality == 100 - 65
    parts = {p["part"]: (p["count"], p["points"]) for p in quality.explain(bad, quality.load())}
    assert parts == {
        "problem_minor": (1, 5), "problem_serious": (0, 0), "problem_grave": (1, 20),
        "overdue_rectification": (1, 5), "review_lost": (1, 20), "complaint_true": (1, 10),
        "late_deadline": (1, 5),
    }  # fmt: skip
    # six 严重 problems cost 120: the score stops at zero
    assert rows["AJ-3"].quality == 0


def test_the_settings_file_is_refused_naming_the_key() -> None:
    with pytest.raises(quality.QualityError) as caught:
        quality.parse("[cases]\nfines = 5\nproblem_grave = 500\n[extra]\n")
    text = str(caught.value)
    assert "fines" in text
    assert "problem_grave 应在 0 到 100 之间" in text
    assert "[extra]" in text
    with pytest.raises(quality.QualityError, match="不是执法监督救济的结果"):
        quality.parse('[cases]\nreview_outcomes = ["罚款"]\n')


# --- picking ----------------------------------------------------------------------------------


def test_the_legal_brigade_picks_a_worst_case_and_its_unit_gets_the_analysis(
    cases: Cases, bureau: Any
) -> None:
    # when 周敏 picks the bad case as October's worst
    pick = pick_worst(bureau, cases)
    # then the pick keeps its reason and its score with the parts
    assert (pick.kind, pick.quality, pick.unit_id) == ("worst", 35, "U-CN")
    assert any(p["part"] == "review_lost" and p["count"] == 1 for p in pick.parts)
    # and 城南 owes its 剖析 by 24:00 of the 10th working day, reminded 2 working days before
    task = AnalysisTask.objects.get(pick=pick)
    assert task.status == "open"
    assert task.due_at == sh(2026, 11, 17, 0)
    assert task.remind_at == sh(2026, 11, 12, 0)
    # its 法制员 and 所队长 are told, not the officer nor another unit
    told = set(
        Notification.objects.filter(kind="case_analysis").values_list("user__username", flat=True)
    )
    assert told == {"li", "sun"}
    audit = AuditEvent.objects.get(action="evaluation.pick_case")
    assert audit.details["reason"] == "复议被撤销、投诉查实"
    assert audit.actor == "zhou"


def test_a_best_case_has_no_analysis(cases: Cases, bureau: Any) -> None:
    pick = services.pick_case(
        cases.clean.pk, OCTOBER, actor=bureau.users["zhou"], kind="best", reason="规范",
        now=PICKED_AT,
    )  # fmt: skip
    assert pick.quality == 100
    assert not AnalysisTask.objects.exists()


@pytest.mark.parametrize("name", ["zhang", "li", "sun", "wu"])
def test_others_may_not_pick(cases: Cases, bureau: Any, name: str) -> None:
    with pytest.raises(PermissionDenied):
        services.pick_case(
            cases.bad.pk, OCTOBER, actor=bureau.users[name], kind="worst", reason="差",
            now=PICKED_AT,
        )  # fmt: skip
    assert not CasePick.objects.exists()


def test_a_pick_needs_a_reason_a_case_of_the_month_and_only_once(cases: Cases, bureau: Any) -> None:
    zhou = bureau.users["zhou"]
    with pytest.raises(EvaluationError, match="须填写评选理由"):
        services.pick_case(cases.bad.pk, OCTOBER, actor=zhou, kind="worst", reason=" ")
    # closed on 1 November: not October's
    with pytest.raises(EvaluationError, match="不是 2026-10 结案的案件"):
        services.pick_case(cases.november.pk, OCTOBER, actor=zhou, kind="worst", reason="差")
    pick_worst(bureau, cases)
    with pytest.raises(EvaluationError) as caught:
        services.pick_case(cases.bad.pk, OCTOBER, actor=zhou, kind="best", reason="好")
    assert caught.value.code.value == "already_picked"
    assert CasePick.objects.count() == 1


# --- the 剖析 ----------------------------------------------------------------------------------


def test_the_units_legal_officer_uploads_and_the_brigade_accepts(
    cases: Cases, bureau: Any, media: Any
) -> None:
    task = pick_worst(bureau, cases).task
    # when 李娜 uploads the 剖析
    done = services.submit_analysis(task, actor=bureau.users["li"], upload=pdf())
    # then it waits for acceptance, the file stored under the data directory's media
    assert done.status == "submitted"
    doc = AnalysisDocument.objects.get(task=task)
    assert doc.original_name == "剖析.pdf"
    assert (media / doc.file.name).is_file()
    assert doc.file.name.startswith("analyses/")
    assert Notification.objects.filter(user__username="zhou", kind="case_analysis").exists()
    # when 周敏 accepts it
    accepted = services.decide_analysis(task, actor=bureau.users["zhou"], accepted=True, reason="")
    assert accepted.status == "accepted"
    actions = list(
        AuditEvent.objects.filter(target_type="case_analysis").order_by("seq")
        .values_list("action", flat=True)
    )  # fmt: skip
    assert actions == ["evaluation.analysis_submit", "evaluation.analysis_accept"]


@pytest.mark.parametrize("name", ["zhang", "wang", "chen", "zhou"])
def test_only_the_units_legal_officer_or_chief_uploads(
    cases: Cases, bureau: Any, name: str
) -> None:
    task = pick_worst(bureau, cases).task
    with pytest.raises(PermissionDenied):
        services.submit_analysis(task, actor=bureau.users[name], upload=pdf())
    assert not AnalysisDocument.objects.exists()
    # the chief may
    assert services.submit_analysis(task, actor=bureau.users["sun"], upload=pdf()).status == (
        "submitted"
    )


def test_a_disguised_file_is_refused_and_nothing_is_stored(
    cases: Cases, bureau: Any, media: Any
) -> None:
    task = pick_worst(bureau, cases).task
    fake = SimpleUploadedFile("剖析.pdf", b"%PDF-1.7\n" + samples.EXE)
    with pytest.raises(EvaluationError) as caught:
        services.submit_analysis(task, actor=bureau.users["li"], upload=fake)
    assert "不是能打开的 PDF 文件" in caught.value.message
    assert AnalysisTask.objects.get(pk=task.pk).status == "open"
    assert not AnalysisDocument.objects.exists()
    assert not (media / "analyses").exists()


def test_a_returned_analysis_needs_a_reason_and_is_submitted_again(
    cases: Cases, bureau: Any
) -> None:
    task = pick_worst(bureau, cases).task
    zhou, li = bureau.users["zhou"], bureau.users["li"]
    # nothing to accept yet
    with pytest.raises(EvaluationError, match="没有待验收的材料"):
        services.decide_analysis(task, actor=zhou, accepted=True, reason="")
    services.submit_analysis(task, actor=li, upload=pdf())
    with pytest.raises(EvaluationError, match="退回须填写理由"):
        services.decide_analysis(task, actor=zhou, accepted=False, reason="")
    with pytest.raises(PermissionDenied):
        services.decide_analysis(task, actor=li, accepted=True, reason="")
    with pytest.raises(PermissionDenied):
        services.decide_analysis(task, actor=bureau.users["wu"], accepted=True, reason="")
    returned = services.decide_analysis(task, actor=zhou, accepted=False, reason="原因分析不深入")
    assert returned.status == "returned"
    again = services.submit_analysis(task, actor=li, upload=pdf("剖析（修改稿）.pdf"))
    assert again.status == "submitted"
    assert task.documents.count() == 2


# --- the tick ---------------------------------------------------------------------------------


def test_the_tick_reminds_before_the_due_time_and_tells_when_overdue_once_each(
    cases: Cases, bureau: Any, system: Any
) -> None:
    pick_worst(bureau, cases)
    Notification.objects.all().delete()
    # before the reminder time: nothing
    assert services.tick_analysis(sh(2026, 11, 11, 23), system)["analysis_reminders"] == 0
    # at it: the 法制员 and 所队长 are reminded, once
    assert services.tick_analysis(sh(2026, 11, 12, 9), system)["analysis_reminders"] == 1
    assert services.tick_analysis(sh(2026, 11, 12, 10), system)["analysis_reminders"] == 0
    reminded = Notification.objects.filter(title__startswith="案件剖析即将到期")
    assert set(reminded.values_list("user__username", flat=True)) == {"li", "sun"}
    # past the due time (24:00 of 16 November): the unit and the 法制大队 are told, once
    assert services.tick_analysis(sh(2026, 11, 16, 23), system)["analysis_overdue"] == 0
    assert services.tick_analysis(sh(2026, 11, 17, 8), system)["analysis_overdue"] == 1
    assert services.tick_analysis(sh(2026, 11, 18, 8), system)["analysis_overdue"] == 0
    late = Notification.objects.filter(title__startswith="案件剖析已超期")
    assert set(late.values_list("user__username", flat=True)) == {"li", "sun", "zhou"}


def test_a_submitted_analysis_is_neither_reminded_nor_overdue(
    cases: Cases, bureau: Any, system: Any
) -> None:
    task = pick_worst(bureau, cases).task
    services.submit_analysis(task, actor=bureau.users["li"], upload=pdf())
    result = services.tick_analysis(sh(2026, 11, 20), system)
    assert result == {"analysis_reminders": 0, "analysis_overdue": 0}


# --- pages ------------------------------------------------------------------------------------


def client_for(bureau: Any, name: str) -> Client:
    client = Client()
    client.force_login(bureau.users[name])
    return client


def test_the_brigade_sees_the_candidates_explained_and_picks_in_the_browser(
    cases: Cases, bureau: Any
) -> None:
    zhou = client_for(bureau, "zhou")
    page = zhou.get("/evaluation/cases/?month=2026-10").content.decode()
    assert "当月结案 4 起" in page
    assert "严重问题 1 项 × 20 = 20 分" in page
    assert "不看罚没款数额" in page
    response = zhou.post(
        "/evaluation/cases/pick/",
        {"month": "2026-10", "case": cases.bad.pk, "kind": "worst", "reason": "复议被撤销"},
    )
    assert response.status_code == 302
    pick = CasePick.objects.get()
    assert pick.task.status == "open"
    page = zhou.get("/evaluation/cases/?month=2026-10").content.decode()
    assert f"/evaluation/analyses/{pick.task.pk}/" in page
    # the case page shows the pick
    case_page = zhou.get(f"/cases/{cases.bad.pk}/").content.decode()
    assert "被评为最差案件" in case_page


def test_the_best_and_worst_shown_are_the_top_and_bottom_of_the_months_scores(
    cases: Cases,
) -> None:
    # given October's four closed cases and a scheme that shows two of each end
    q = quality.load()
    q = dataclasses.replace(q, cases={**q.cases, "shown": 2})
    everyone = sorted(scored().values(), key=lambda c: (c.quality, c.closed_at, c.pk))
    # when the month is ranked
    top = quality.ranked(OCTOBER, q, now=PICKED_AT)
    # then all four count, the two lowest scores lead the worst and the two highest the best,
    # each with its parts explained
    assert top.total == 4
    assert [c.pk for c in top.worst] == [cases.floor.pk, cases.bad.pk]
    assert [c.pk for c in top.worst] == [c.pk for c in everyone[:2]]
    best = sorted(everyone, key=lambda c: (-c.quality, c.closed_at, c.pk))[:2]
    assert [c.pk for c in top.best] == [c.pk for c in best]
    assert cases.bad.pk not in {c.pk for c in top.best}
    parts = top.worst[1].parts  # type: ignore[attr-defined]
    assert {p["part"]: p["count"] for p in parts}["review_lost"] == 1
    # and a scope narrows the ranking to its cases
    only_bad = quality.ranked(
        OCTOBER, q, now=PICKED_AT, cases=type(cases.bad).objects.filter(pk=cases.bad.pk)
    )
    assert (only_bad.total, [c.pk for c in only_bad.best]) == (1, [cases.bad.pk])


def test_a_legal_officer_may_not_pick_in_the_browser(cases: Cases, bureau: Any) -> None:
    response = client_for(bureau, "li").post(
        "/evaluation/cases/pick/",
        {"month": "2026-10", "case": cases.bad.pk, "kind": "worst", "reason": "差"},
    )
    assert response.status_code == 403
    assert not CasePick.objects.exists()


def test_the_task_page_is_the_units_and_the_upload_goes_through_it(
    cases: Cases, bureau: Any
) -> None:
    task = pick_worst(bureau, cases).task
    url = f"/evaluation/analyses/{task.pk}/"
    li = client_for(bureau, "li")
    assert "上传剖析材料" in li.get(url).content.decode()
    li.post(f"{url}submit/", {"file": pdf()})
    assert AnalysisTask.objects.get(pk=task.pk).status == "submitted"
    doc = AnalysisDocument.objects.get()
    download = li.get(f"/evaluation/analyses/documents/{doc.pk}/")
    assert download.status_code == 200
    assert download.getvalue().startswith(b"%PDF")
    # another unit's 法制员 and the case's own 民警 do not see the task or its file
    for name in ("wang", "zhang"):
        other = client_for(bureau, name)
        assert other.get(url).status_code == 404
        assert other.get(f"/evaluation/analyses/documents/{doc.pk}/").status_code == 404
    # the brigade returns it in the browser
    zhou = client_for(bureau, "zhou")
    zhou.post(f"{url}decide/", {"accepted": "0", "reason": "原因分析不深入"})
    assert AnalysisTask.objects.get(pk=task.pk).status == "returned"


def test_the_case_page_of_a_officer_shows_the_pick_without_the_task_link(
    cases: Cases, bureau: Any
) -> None:
    task = pick_worst(bureau, cases).task
    page = client_for(bureau, "zhang").get(f"/cases/{cases.bad.pk}/").content.decode()
    assert "被评为最差案件" in page
    assert f"/evaluation/analyses/{task.pk}/" not in page


def test_the_panels_show_the_analysis_owed_and_waiting(cases: Cases, bureau: Any) -> None:
    task = pick_worst(bureau, cases).task
    # 城南's 法制员 sees what his unit owes; 城北's does not
    assert f"/evaluation/analyses/{task.pk}/" in client_for(bureau, "li").get("/").content.decode()
    assert "待提交的案件剖析" not in client_for(bureau, "wang").get("/").content.decode()
    services.submit_analysis(task, actor=bureau.users["li"], upload=pdf())
    home = client_for(bureau, "zhou").get("/").content.decode()
    assert "待验收的案件剖析" in home
    # and the cases page lists it whatever month is shown
    page = client_for(bureau, "zhou").get("/evaluation/cases/?month=2026-05").content.decode()
    assert f"/evaluation/analyses/{task.pk}/" in page


def test_an_officer_sees_his_cases_pick_without_a_link_to_the_task(
    cases: Cases, bureau: Any
) -> None:
    task = pick_worst(bureau, cases).task
    page = client_for(bureau, "zhang").get("/evaluation/cases/?month=2026-10").content.decode()
    assert "复议被撤销、投诉查实" in page
    assert f"/evaluation/analyses/{task.pk}/" not in page
