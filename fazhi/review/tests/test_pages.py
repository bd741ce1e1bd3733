"""研判复核: the suspicion review queue, the review pages with side-by-side evidence, and the
decisions (confirm, confirm as a dispute escalation, dismiss), with who may do what.

Findings are created directly with the facts the ZN checks store (``patrol/checks/analysis.py``);
records are built in the store of the named bureau (城南 li/zhang, 城北 wang/zhao, zhou, wu).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fazhi.accounts.services import system_user
from fazhi.core.masking import mask_text
from fazhi.core.models import AuditEvent
from fazhi.patrol.models import Finding, FindingStatus
from fazhi.records import models as m
from fazhi.review.evidence import Mark, Segment, segments

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 9, 4, 14, 0, tzinfo=TZ)

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SHARED_1 = (
    "答：九月五日晚上八点左右，我在人民路十二号的小饭馆吃饭，"
    "邻桌两个男的喝多了，为了抢一个停车位吵了起来。"
)
SHARED_2 = f"答：打人的那个人三十多岁，左手臂上有一个老鹰的纹身{HOSTILE}，说话是本地口音。"
TEXT_1 = (
    "询问笔录\n被询问人：钱某 身份证号：110101199103041234 电话 13912345678\n"
    f"问：你把当天的情况详细说一下。\n{SHARED_1}\n问：打人的人长什么样？\n{SHARED_2}\n"
)
TEXT_2 = (
    "询问笔录\n被询问人：周某\n问：请讲一下经过。\n"
    f"{SHARED_1}\n问：打人的人什么样子？\n{SHARED_2}\n问：还有补充吗？\n答：没有了。\n"
)


def fact_list(values: dict[str, tuple[str, Any]]) -> list[dict[str, Any]]:
    return [{"field": k, "label": label, "value": v} for k, (label, v) in values.items()]


def passages(a: str, b: str, *shared: str) -> list[list[int]]:
    out = []
    for s in shared:
        i, j = a.index(s), b.index(s)
        out.append([i, i + len(s), j, j + len(s)])
    return out


@dataclass
class Scene:
    bureau: Any
    f: dict[str, Finding] = field(default_factory=dict)

    def client(self, name: str) -> Client:
        client = Client()
        client.force_login(self.bureau.users[name])
        return client


def make(
    code: str, subject_type: str, subject_id: str, *, unit: Any, officer: Any, score: float,
    facts: list[dict[str, Any]], case: Any = None, explanation: str = "研判说明",
) -> Finding:  # fmt: skip
    return Finding.objects.create(
        rule_id=code, subject_type=subject_type, subject_id=subject_id,
        status=FindingStatus.SUSPICION, severity="一般", unit=unit, officer=officer, case=case,
        trigger_at=T0, facts=facts, explanation=explanation, score=score, digest="x",
    )  # fmt: skip


def incident(
    b: Any, pk: str, text: str, *, category: str = "纠纷", unit: str = "south",
    officer: str = "zhang", at: datetime = T0, disposition: str = "调解",
    address: str = "示范县城南街道幸福路12号3幢2单元301室", phone: str = "13900000001",
) -> m.Incident:  # fmt: skip
    row = m.Incident.objects.create(
        id=pk, received_at=at, source="110", category=category, unit=b.units[unit],
        address=address, description=text, reporter_name="王某", reporter_phone=phone,
        disposition=disposition, disposed_at=at + timedelta(minutes=40),
        dispute_type="邻里" if category == "纠纷" else None,
    )  # fmt: skip
    m.IncidentOfficer.objects.create(incident=row, officer=b.officers[officer], position=0)
    return row


def incident_facts(i: m.Incident) -> dict[str, tuple[str, Any]]:
    return {
        "incident.category": ("接警类别", i.category),
        "incident.received_at": ("接警时间", "2026-09-04 14:00"),
        "incident.address": ("地址", i.address),
        "incident.disposition": ("处置结果", i.disposition),
        "incident.description": ("警情内容", i.description),
    }


def build_scene(bureau: Any) -> Scene:
    from fazhi.patrol.pack import load_pack
    from fazhi.patrol.services import sync_rules

    sync_rules(load_pack())
    b = bureau
    south, north = b.units["south"], b.units["north"]
    zhang, zhao = b.officers["zhang"], b.officers["zhao"]
    scene = Scene(b)
    case = m.Case.objects.create(
        id="C-S1", kind="行政", cause="殴打他人", unit=south, lead_officer=zhang,
        accepted_at=T0 - timedelta(days=1), status="办理中",
    )  # fmt: skip
    p1 = m.Person.objects.create(
        id="P-1", case=case, name="钱某", role="证人", id_number="110101199103041234"
    )
    p2 = m.Person.objects.create(id="P-2", case=case, name="周某", role="证人")
    later = T0 + timedelta(hours=2)
    for pk, person, text, start in (("T-1", p1, TEXT_1, T0), ("T-2", p2, TEXT_2, later)):
        t = m.Transcript.objects.create(
            id=pk, case=case, person=person, kind="询问", started_at=start,
            ended_at=start + timedelta(hours=1), recorded=True, text=text,
        )  # fmt: skip
        m.TranscriptOfficer.objects.create(transcript=t, officer=zhang, position=0)
        m.TranscriptOfficer.objects.create(transcript=t, officer=b.officers["chen"], position=1)

    def bl01(me: str, other: str, my_person: str, other_person: str, score: float) -> Finding:
        mine, theirs = (TEXT_1, TEXT_2) if me == "T-1" else (TEXT_2, TEXT_1)
        facts = fact_list({
            "transcript.kind": ("笔录类别", "询问"),
            "transcript.person": ("人员", my_person),
            "transcript.officers": ("询问/讯问人", "张伟、陈刚"),
            "match.transcript_id": ("雷同笔录", other),
            "match.person": ("对方人员", other_person),
            "match.case_id": ("对方案件", "C-S1"),
            "match.jaccard": ("相似度", score),
            "match.passages": ("雷同段落", passages(mine, theirs, SHARED_1, SHARED_2)),
        })  # fmt: skip
        return make("ZN-BL-01", "transcript", me, unit=south, officer=zhang, score=score,
                    facts=facts, case=case,
                    explanation=f"笔录雷同：本笔录与笔录 {other} 雷同")  # fmt: skip

    scene.f["bl_t2"] = bl01("T-2", "T-1", "周某", "钱某", 0.91)
    scene.f["bl_t1"] = bl01("T-1", "T-2", "钱某", "周某", 0.90)

    q = incident(b, "I-Q", "报警人称其电动车被盗，手机未被抢，要求民警帮助查找。",
                 category="求助", disposition="现场处置")  # fmt: skip
    facts = incident_facts(q)
    facts["analysis.cues"] = ("线索词", ["被盗"])
    scene.f["jq"] = make("ZN-JQ-01", "incident", "I-Q", unit=south, officer=zhang, score=0.3,
                         facts=fact_list(facts),
                         explanation="疑似有案不立：含“被盗”，报警人电话13900000001")  # fmt: skip

    e = incident(b, "I-E", "双方因宅基地发生争执，对方扬言要报复，手持菜刀；对方并未自杀。")
    facts = incident_facts(e)
    facts["incident.dispute_type"] = ("纠纷类型", "邻里")
    facts["analysis.cues"] = ("升级信号", ["扬言", "报复", "手持菜刀"])
    facts["analysis.signals"] = ("信号类别", ["revenge", "threat", "weapon"])
    scene.f["jf02"] = make("ZN-JF-02", "incident", "I-E", unit=south, officer=zhang, score=1.0,
                           facts=fact_list(facts))  # fmt: skip

    ids = []
    spellings = ["幸福路12号3幢2单元301室", "幸福路十二号三栋二单元301", "幸福路12号3-2-301"]
    for n, addr in enumerate(spellings):
        r = incident(b, f"I-R{n + 1}", f"第{n + 1}次因噪音吵架。", address=addr,
                     at=T0 + timedelta(days=5 * n))  # fmt: skip
        ids.append(r.pk)
    facts = incident_facts(r)
    facts["repeat.address"] = ("同一地址", "幸福路12号3栋2单元301室")
    facts["repeat.address_incidents"] = ("同一地址的纠纷警情", ids)
    facts["repeat.phone"] = ("同一报警电话", "13900000001")
    facts["repeat.phone_incidents"] = ("同一报警电话的纠纷警情", ids)
    scene.f["jf01"] = make("ZN-JF-01", "incident", "I-R3", unit=south, officer=zhang, score=0.6,
                           facts=fact_list(facts))  # fmt: skip

    north_incident = incident(b, "I-N", "报警人称钱包被偷。", category="求助", unit="north",
                              officer="zhao", disposition="现场处置")  # fmt: skip
    facts = incident_facts(north_incident)
    scene.f["north"] = make("ZN-JQ-01", "incident", "I-N", unit=north, officer=zhao, score=0.95,
                            facts=fact_list(facts))  # fmt: skip
    return scene


@pytest.fixture
def scene(bureau: Any) -> Scene:
    return build_scene(bureau)


def text(response: Any) -> str:
    return response.content.decode()


def queue_ids(page: str) -> list[str]:
    return re.findall(r'<a href="/intel/\d+/">([^<]+)</a>', page)


# --- the segment builder and masking -----------------------------------------------------------


def test_segments_cut_text_into_plain_and_marked_pieces() -> None:
    segs = segments("甲乙丙丁戊己", [Mark(1, 3, index=1), Mark(4, 5, index=2)])
    assert [(s.text, s.mark.index if s.mark else None) for s in segs] == [
        ("甲", None), ("乙丙", 1), ("丁", None), ("戊", 2), ("己", None),
    ]  # fmt: skip


def test_segments_merge_overlapping_and_clamp_out_of_range() -> None:
    # given overlapping, nested, touching, empty, reversed and out-of-range marks, unsorted
    marks = [Mark(5, 99, css="b"), Mark(0, 2, css="a"), Mark(1, 4, css="c"), Mark(2, 3),
             Mark(3, 3), Mark(4, 2), Mark(-5, 0)]  # fmt: skip
    segs = segments("0123456789", marks)
    # then the pieces join back to the text, each character once; the first mark's style wins
    assert "".join(s.text for s in segs) == "0123456789"
    assert [(s.text, s.mark.css if s.mark else None) for s in segs] == [
        ("0123", "a"), ("4", None), ("56789", "b"),
    ]  # fmt: skip


def test_segments_keep_hostile_text_as_plain_strings() -> None:
    segs = segments(HOSTILE, [Mark(0, 8)])
    assert segs == [Segment("<script>", Mark(0, 8)), Segment(HOSTILE[8:])]


def test_segments_of_empty_text() -> None:
    assert segments("", [Mark(0, 3)]) == []


def test_mask_text_hides_identifiers_and_keeps_length() -> None:
    raw = "身份证号110101199103041234，电话13912345678，座机010-62345678。"
    masked = mask_text(raw)
    assert len(masked) == len(raw)
    assert "110101199103041234" not in masked
    assert "110101********1234" in masked
    assert "139****5678" in masked
    assert "010-****5678" in masked


# --- the queue ---------------------------------------------------------------------------------


def test_queue_lists_pending_suspicions_of_the_unit_by_score(scene: Scene) -> None:
    # when 李娜 (法制员 城南) opens the queue
    response = scene.client("li").get("/intel/")
    page = text(response)
    # then she sees the 城南 suspicions by score, not 城北's, with counts and precision per rule
    assert response.status_code == 200
    assert queue_ids(page) == ["I-E", "T-2", "T-1", "I-R3", "I-Q"]
    assert "I-N" not in page
    assert re.search(r"ZN-BL-01 笔录雷同</a></td>\s*<td class=\"num\">2</td>", page)
    assert "准确率" in page
    assert AuditEvent.objects.filter(actor="li", action="view.intel_queue").exists()


@pytest.mark.parametrize(("user", "expected"), [("wang", ["I-N"]), ("zhou", None), ("wu", None)])
def test_queue_scope_per_role(scene: Scene, user: str, expected: list[str] | None) -> None:
    ids = queue_ids(text(scene.client(user).get("/intel/")))
    if expected is None:  # 法制大队 and 局领导: the whole bureau
        assert sorted(ids) == sorted(["I-N", "I-E", "T-2", "T-1", "I-R3", "I-Q"])
    else:
        assert ids == expected


def test_queue_refuses_officers_and_anonymous(scene: Scene) -> None:
    assert scene.client("zhang").get("/intel/").status_code == 403
    assert scene.client("zhao").get("/intel/").status_code == 403
    anonymous = Client().get("/intel/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login/")


def test_queue_filters_by_rule_unit_and_score(scene: Scene) -> None:
    zhou = scene.client("zhou")
    assert queue_ids(text(zhou.get("/intel/?rule=ZN-BL-01"))) == ["T-2", "T-1"]
    assert queue_ids(text(zhou.get("/intel/?unit=U-CB"))) == ["I-N"]
    assert queue_ids(text(zhou.get("/intel/?min_score=0.9"))) == ["I-E", "I-N", "T-2", "T-1"]
    bad = text(zhou.get("/intel/?min_score=abc"))
    assert "分值 ≥：" in bad
    assert "输入一个数字" in bad


def test_queue_query_count_is_constant(scene: Scene) -> None:
    client = scene.client("zhou")
    client.get("/intel/")  # warm caches (sessions, content types)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/intel/").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    south, zhang = scene.bureau.units["south"], scene.bureau.officers["zhang"]
    for k in range(12):
        make("ZN-JQ-01", "incident", f"I-X{k}", unit=south, officer=zhang, score=0.5,
             facts=fact_list({"incident.description": ("警情内容", f"第{k}起被盗")}))  # fmt: skip
    assert count() == before


# --- review pages ------------------------------------------------------------------------------


def test_bl01_review_shows_both_transcripts_with_shared_passages(scene: Scene) -> None:
    f = scene.f["bl_t2"]
    response = scene.client("li").get(f"/intel/{f.pk}/")
    page = text(response)
    assert response.status_code == 200
    # both texts side by side, both persons, officers and the score
    assert page.index("本笔录 T-2") < page.index("雷同笔录 T-1")
    assert "周某" in page
    assert "钱某" in page
    assert "张伟、陈刚" in page
    assert "0.91" in page
    # the shared passages are marked in both columns, numbered alike
    marks = re.findall(r'<sup class="pno">(\d)</sup><mark class="shared"[^>]*>([^<]*)', page)
    assert [n for n, _ in marks] == ["1", "2", "1", "2"]
    assert html.unescape(marks[0][1]) == SHARED_1
    # hostile text in a transcript is shown as text, never as markup
    assert "<script>" not in page.split("</header>", 1)[1]
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    # identifiers in the text are masked
    assert "110101199103041234" not in page
    assert "13912345678" not in page
    assert AuditEvent.objects.filter(
        actor="li", action="view.finding", target_id=str(f.pk)
    ).exists()


def test_bl01_finding_page_shows_the_shared_passages_as_text_never_as_offsets(
    scene: Scene,
) -> None:
    # given a 笔录雷同 suspicion whose facts keep the shared passages as character ranges
    f = scene.f["bl_t2"]
    # when its officer opens the finding page (the review page is not his)
    page = text(scene.client("zhang").get(f"/findings/{f.pk}/"))
    # then the passages are highlighted in both texts, numbered alike
    marks = re.findall(r'<sup class="pno">(\d)</sup><mark class="shared"[^>]*>([^<]*)', page)
    assert [n for n, _ in marks] == ["1", "2", "1", "2"]
    assert html.unescape(marks[0][1]) == SHARED_1
    # and no fact row prints the ranges (lists of numbers) nor the word "Jaccard"
    assert "雷同段落</th>" not in page
    assert not re.search(r"\[\[?\d+, \d+", page)
    assert "Jaccard" not in page
    assert "13912345678" not in page


def test_jf02_finding_page_names_the_signal_categories_in_chinese(scene: Scene) -> None:
    # given facts that keep the lexicon's codes (revenge, threat, weapon)
    page = text(scene.client("li").get(f"/findings/{scene.f['jf02'].pk}/"))
    # then the page shows the lexicon's Chinese names
    assert "报复、威胁扬言、凶器" in page
    assert "revenge" not in page


def test_jq01_review_highlights_offence_cues_and_negations(scene: Scene) -> None:
    page = text(scene.client("li").get(f"/intel/{scene.f['jq'].pk}/"))
    assert '<mark class="cue cue-theft" title="盗窃">被盗</mark>' in page
    negated = (
        r'<s class="cue cue-robbery negated"[^>]*>被抢</s><span class="neg-note">（否定）</span>'
    )
    assert re.search(negated, page)
    assert "求助" in page
    assert "现场处置" in page
    assert "没有受案立案记录" in page
    # the phone in the explanation is masked
    assert "13900000001" not in page
    assert "139****0001" in page


def test_jf02_review_highlights_escalation_cues_and_links_the_dispute(scene: Scene) -> None:
    from fazhi.disputes.services import ensure_dispute

    url = f"/intel/{scene.f['jf02'].pk}/"
    page = text(scene.client("li").get(url))
    assert re.search(r'<mark class="cue cue-weapon"[^>]*>手持菜刀</mark>', page)
    assert re.search(r'<mark class="cue cue-revenge"[^>]*>报复</mark>', page)
    assert re.search(r'<s class="cue cue-self_harm negated"[^>]*>自杀</s>', page)
    assert "尚未建立纠纷档案" in page
    # given the incident's dispute exists, the page links it
    dispute = ensure_dispute("I-E", actor=system_user())
    assert f'href="/disputes/{dispute.pk}/"' in text(scene.client("li").get(url))


def test_jf01_review_lists_the_group_with_times_and_masked_phones(scene: Scene) -> None:
    page = text(scene.client("li").get(f"/intel/{scene.f['jf01'].pk}/"))
    assert "同一地址：幸福路12号3栋2单元301室（3 起）" in page
    assert "同一报警电话：139****0001（3 起）" in page
    table = page.split("<h3>同一地址", 1)[1].split("<h3>", 1)[0]
    assert table.index("I-R1") < table.index("I-R2") < table.index("I-R3")
    assert "2026-09-09 14:00" in page
    assert "幸福路十二号三栋二单元301" in page
    assert "13900000001" not in page


@pytest.mark.parametrize("key", ["bl_t2", "jq", "jf01", "jf02"])
def test_review_refused_to_officers_and_other_units(scene: Scene, key: str) -> None:
    url = f"/intel/{scene.f[key].pk}/"
    assert scene.client("zhang").get(url).status_code == 403  # 民警, even his own
    assert scene.client("wang").get(url).status_code == 404  # 城北 法制员: out of scope
    assert scene.client("zhou").get(url).status_code == 200
    leader = text(scene.client("wu").get(url))  # 局领导 reads, does not decide
    assert ">确认为问题</button>" not in leader
    assert "不予认定理由" not in leader
    assert Client().get(url).status_code == 302


def test_review_of_a_non_zn_finding_is_404(scene: Scene) -> None:
    from fazhi.patrol.models import Rule

    rule = Rule.objects.exclude(code__startswith="ZN-").first()
    assert rule is not None
    other = Finding.objects.create(
        rule=rule, subject_type="case", subject_id="C-S1", status="violation", severity="一般",
        unit=scene.bureau.units["south"], digest="x",
    )  # fmt: skip
    assert scene.client("li").get(f"/intel/{other.pk}/").status_code == 404


def test_review_page_offers_exactly_the_allowed_actions(scene: Scene) -> None:
    li = text(scene.client("li").get(f"/intel/{scene.f['jf02'].pk}/"))
    assert ">确认为问题</button>" in li
    assert ">确认为纠纷升级</button>" in li
    assert "不予认定理由" in li
    bl = text(scene.client("li").get(f"/intel/{scene.f['bl_t2'].pk}/"))
    assert ">确认为问题</button>" in bl
    assert "确认为纠纷升级" not in bl


# --- decisions ---------------------------------------------------------------------------------


def test_confirm_makes_a_problem_and_shows_who_decided(scene: Scene) -> None:
    from fazhi.rectification.models import Problem

    f = scene.f["bl_t2"]
    li = scene.client("li")
    response = li.post(f"/intel/{f.pk}/confirm/", {"comment": "两份证言雷同"})
    problem = Problem.objects.get(finding=f)
    assert response.status_code == 302
    assert response["Location"] == f"/problems/{problem.pk}/"
    assert problem.status == "open"
    assert problem.source == "suspicion"
    page = text(li.get(f"/intel/{f.pk}/"))
    assert "复核结果：<strong>确认疑点</strong>（李娜，" in page
    assert "两份证言雷同" in page
    assert ">确认为问题</button>" not in page  # judged once
    assert "T-2" not in queue_ids(text(li.get("/intel/")))
    assert "T-2" in queue_ids(text(li.get("/intel/?state=decided")))
    # a second confirmation is a message, not a second problem
    again = li.post(f"/intel/{f.pk}/confirm/", follow=True)
    assert "已有正在整改的问题，不能重复确认疑点" in text(again)
    assert Problem.objects.filter(finding=f).count() == 1


def test_dismiss_needs_a_reason_and_counts_against_the_rule(scene: Scene) -> None:
    from fazhi.rectification.models import Problem
    from fazhi.rectification.services.precision import rule_precision

    f = scene.f["jq"]
    li = scene.client("li")
    empty = li.post(f"/intel/{f.pk}/dismiss/", {"reason": "  "}, follow=True)
    assert "请填写理由" in text(empty)
    assert not Problem.objects.filter(finding=f).exists()
    response = li.post(f"/intel/{f.pk}/dismiss/", {"reason": "车辆系报警人自己挪走"})
    assert response.status_code == 302
    assert response["Location"] == "/intel/"
    assert rule_precision("ZN-JQ-01") == {"confirmed": 0, "dismissed": 1, "precision": 0.0}
    page = text(li.get(f"/intel/{f.pk}/"))
    assert "不予认定</strong>（李娜，" in page
    assert "车辆系报警人自己挪走" in page
    assert re.search(r"ZN-JQ-01 疑似有案不立</a></td>\s*<td class=\"num\">0</td>"
                     r"\s*<td class=\"num\">0</td><td class=\"num\">1</td>\s*<td class=\"num\">0%",
                     text(li.get("/intel/")))  # fmt: skip


def test_escalation_creates_and_escalates_the_dispute(scene: Scene) -> None:
    from fazhi.disputes.models import Dispute, EscalationLetter
    from fazhi.rectification.models import Problem

    f = scene.f["jf02"]
    response = scene.client("li").post(f"/intel/{f.pk}/escalate/", {"reason": "扬言持刀报复"})
    dispute = Dispute.objects.get(incident_id="I-E")
    assert response.status_code == 302
    assert response["Location"] == f"/disputes/{dispute.pk}/"
    assert dispute.escalated_at is not None
    letter = EscalationLetter.objects.get(dispute=dispute)
    assert letter.created_by == "li"
    assert letter.reason == "扬言持刀报复"
    problem = Problem.objects.get(finding=f)  # the suspicion counts as confirmed
    assert letter.number in problem.actions.get().comment


def test_escalation_of_an_escalated_dispute_is_a_message_and_changes_nothing(scene: Scene) -> None:
    from fazhi.disputes.models import EscalationLetter
    from fazhi.disputes.services import ensure_dispute, issue_letter
    from fazhi.rectification.models import Problem

    issue_letter(ensure_dispute("I-R3", actor=system_user()), actor=system_user())
    f = scene.f["jf01"]
    response = scene.client("li").post(f"/intel/{f.pk}/escalate/", follow=True)
    assert "无法确认为纠纷升级：纠纷 I-R3 已抄告" in text(response)
    assert not Problem.objects.filter(finding=f).exists()
    assert EscalationLetter.objects.count() == 1


def test_escalation_only_for_dispute_rules(scene: Scene) -> None:
    from fazhi.disputes.models import Dispute

    response = scene.client("li").post(f"/intel/{scene.f['bl_t2'].pk}/escalate/")
    assert response.status_code == 403
    assert not Dispute.objects.exists()


@pytest.mark.parametrize(
    ("user", "status"), [("zhang", 403), ("wu", 403), ("sun", 403), ("wang", 404)]
)
@pytest.mark.parametrize("action", ["confirm", "dismiss", "escalate"])
def test_actions_refused_to_the_wrong_users(
    scene: Scene, user: str, status: int, action: str
) -> None:
    from fazhi.disputes.models import Dispute
    from fazhi.rectification.models import Problem

    f = scene.f["jf02"]
    response = scene.client(user).post(f"/intel/{f.pk}/{action}/", {"reason": "试图处理"})
    assert response.status_code == status
    assert not Problem.objects.exists()
    assert not Dispute.objects.exists()


def test_actions_accept_only_post(scene: Scene) -> None:
    for action in ("confirm", "dismiss", "escalate"):
        assert scene.client("li").get(f"/intel/{scene.f['jq'].pk}/{action}/").status_code == 405


def test_legal_brigade_may_decide_anywhere(scene: Scene) -> None:
    from fazhi.rectification.models import Problem

    response = scene.client("zhou").post(f"/intel/{scene.f['north'].pk}/confirm/")
    assert response.status_code == 302
    assert Problem.objects.filter(finding=scene.f["north"]).exists()


# --- the workbench panel -----------------------------------------------------------------------


def test_panel_for_reviewers_only(scene: Scene) -> None:
    from fazhi.core.scope import scope_of
    from fazhi.review.panels import workbench_panel

    b = scene.bureau
    panel = workbench_panel(None, scope_of(b.users["li"]))  # type: ignore[arg-type]
    assert panel is not None
    assert panel["title"] == "待复核疑点"
    assert panel["total"] == 5
    assert {r["code"]: r["count"] for r in panel["rules"]} == {
        "ZN-BL-01": 2, "ZN-JQ-01": 1, "ZN-JF-01": 1, "ZN-JF-02": 1,
    }  # fmt: skip
    assert [item["f"].subject_id for item in panel["top"]] == ["I-E", "T-2", "T-1", "I-R3", "I-Q"]
    zhou = workbench_panel(None, scope_of(b.users["zhou"]))  # type: ignore[arg-type]
    assert zhou is not None
    assert zhou["total"] == 6
    assert len(zhou["top"]) == 5
    for other in ("zhang", "wu", "chen", "sun"):
        assert workbench_panel(None, scope_of(b.users[other])) is None  # type: ignore[arg-type]
    home = text(scene.client("li").get("/"))
    assert "待复核疑点" in home
    assert f'href="/intel/{scene.f["jf02"].pk}/"' in home
