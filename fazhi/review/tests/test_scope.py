"""研判复核 and the data scope: the evidence of a suspicion reaches beyond its own record (the
partner transcript of ZN-BL-01, the earlier incidents of ZN-JF-01), and those records may be
another 派出所's. They are named (id, unit, and for an incident date and category) to a reviewer
who may not see them, never shown.

城南派出所: 李娜 (法制员), 张伟 (民警); 城北派出所: 王芳 (法制员), 赵强 (民警); 周敏 (法制大队) sees
the whole bureau. Records are built in the store of the named bureau (see test_pages).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from fazhi.accounts.services import system_user
from fazhi.patrol.models import Finding
from fazhi.records import models as m
from fazhi.review.tests.test_pages import (
    SHARED_1,
    SHARED_2,
    T0,
    TEXT_1,
    Scene,
    build_scene,
    fact_list,
    incident,
    incident_facts,
    make,
    passages,
    queue_ids,
    text,
)

pytestmark = pytest.mark.django_db

NORTH_TEXT = (
    "询问笔录\n被询问人：孙秘密 身份证号：110101198805061239\n"
    f"问：说一下经过。\n{SHARED_1}\n问：那人什么样？\n{SHARED_2}\n"
)
NORTH_INCIDENT = "城北邻居因漏水争吵，报警人赵秘密称对方多次上门。"
NORTH_ADDRESS = "示范县城北街道幸福路12号3幢2单元301室"
NORTH_PHONE = "13700000002"


@pytest.fixture
def scene(bureau: Any) -> Scene:
    return build_scene(bureau)


def _north_transcript(scene: Scene) -> m.Transcript:
    """A 城北 case whose witness statement shares the passages of 城南's T-1."""
    b = scene.bureau
    case = m.Case.objects.create(
        id="C-N1", kind="行政", cause="寻衅滋事", unit=b.units["north"],
        lead_officer=b.officers["zhao"], accepted_at=T0, status="办理中",
    )  # fmt: skip
    person = m.Person.objects.create(
        id="P-N1", case=case, name="孙秘密", role="证人", id_number="110101198805061239"
    )
    t = m.Transcript.objects.create(
        id="T-N1", case=case, person=person, kind="询问", started_at=T0 + timedelta(hours=5),
        ended_at=T0 + timedelta(hours=6), recorded=True, text=NORTH_TEXT,
    )  # fmt: skip
    m.TranscriptOfficer.objects.create(transcript=t, officer=b.officers["zhao"], position=0)
    return t


def _bl01_with_north_partner(scene: Scene, *, legacy: bool) -> Finding:
    """城南's T-1 copied by 城北's T-N1. ``legacy``: the facts as the check stored them before it
    stopped naming the partner's person, case and officers (findings made before remain)."""
    b = scene.bureau
    _north_transcript(scene)
    values: dict[str, tuple[str, Any]] = {
        "transcript.kind": ("笔录类别", "询问"),
        "transcript.person": ("人员", "钱某"),
        "match.transcript_id": ("雷同笔录", "T-N1"),
        "match.unit": ("雷同笔录单位", "城北派出所"),
        "match.jaccard": ("相似度", 0.93),
        "match.passages": ("雷同段落", passages(TEXT_1, NORTH_TEXT, SHARED_1, SHARED_2)),
    }
    partner = "城北派出所"
    if legacy:
        del values["match.unit"]
        values["match.person"] = ("对方人员", "孙秘密")
        values["match.case_id"] = ("对方案件", "C-N1")
        values["match.officers"] = ("对方询问/讯问人", "赵强")
        partner = "孙秘密"
    case = m.Case.objects.get(pk="C-S1")
    return make(
        "ZN-BL-01", "transcript", "T-1", unit=b.units["south"], officer=b.officers["zhang"],
        score=0.93, facts=fact_list(values), case=case,
        explanation=f"笔录雷同：本笔录（钱某）与笔录 T-N1（{partner}）的字符 5 元组相似度为 0.93。",
    )  # fmt: skip


@pytest.mark.parametrize("legacy", [False, True])
def test_bl01_partner_of_another_unit_is_named_not_shown(scene: Scene, legacy: bool) -> None:
    # given a 城南 suspicion whose partner transcript is 城北's
    Finding.objects.filter(rule_id="ZN-BL-01").delete()
    f = _bl01_with_north_partner(scene, legacy=legacy)
    # when 李娜 (法制员 城南) opens its review page
    response = scene.client("li").get(f"/intel/{f.pk}/")
    page = text(response)
    assert response.status_code == 200
    # then the copy is named with its id and unit
    theirs = page.split("雷同笔录 T-N1", 1)[1].split("</section>", 1)[0]
    assert "城北派出所的笔录 T-N1，不在您的数据范围内" in theirs
    # and neither its text, person, 身份证号, case nor officers reach her, anywhere on the page
    for secret in ("孙秘密", "C-N1", "寻衅滋事", "赵强", "P-N1"):
        assert secret not in page, secret
    assert "说一下经过" not in page
    # while her own transcript is shown in full, its shared passages marked
    mine = page.split("本笔录 T-1", 1)[1].split("</section>", 1)[0]
    assert "钱某" in mine
    assert mine.count('<mark class="shared"') == 2
    # and the queue names the copy by its id and unit, not its person
    queue = text(scene.client("li").get("/intel/"))
    assert "钱某 与 笔录 T-N1（城北派出所，不在您的数据范围内）" in queue
    assert "孙秘密" not in queue


def test_bl01_partner_in_scope_is_shown_to_the_legal_brigade(scene: Scene) -> None:
    # given the same suspicion; when 周敏 (法制大队, the whole bureau) opens it
    Finding.objects.filter(rule_id="ZN-BL-01").delete()
    f = _bl01_with_north_partner(scene, legacy=False)
    page = text(scene.client("zhou").get(f"/intel/{f.pk}/"))
    # then both transcripts are shown side by side, the partner's person and officers too
    theirs = page.split("雷同笔录 T-N1", 1)[1].split("</section>", 1)[0]
    assert "孙秘密" in theirs
    assert "赵强" in theirs
    assert "C-N1" in theirs
    assert theirs.count('<mark class="shared"') == 2
    assert "不在您的数据范围内" not in page
    assert "110101198805061239" not in page  # masked all the same
    queue = text(scene.client("zhou").get("/intel/?rule=ZN-BL-01"))
    assert "钱某 与 孙秘密（笔录 T-N1）" in queue


def _jf01_with_north_incident(scene: Scene) -> Finding:
    """城南's I-R3 repeats at an address and phone where 城北 also took a dispute call."""
    Finding.objects.filter(rule_id="ZN-JF-01").delete()
    b = scene.bureau
    north = incident(b, "I-NR", NORTH_INCIDENT, unit="north", officer="zhao",
                     address=NORTH_ADDRESS, phone=NORTH_PHONE,
                     at=T0 + timedelta(days=2))  # fmt: skip
    north.reporter_name = "赵秘密"
    north.save(update_fields=["reporter_name"])
    ids = ["I-R1", "I-NR", "I-R2", "I-R3"]
    facts = incident_facts(m.Incident.objects.get(pk="I-R3"))
    facts["repeat.address"] = ("同一地址", "幸福路12号3栋2单元301室")
    facts["repeat.address_incidents"] = ("同一地址的纠纷警情", ids)
    return make("ZN-JF-01", "incident", "I-R3", unit=b.units["south"],
                officer=b.officers["zhang"], score=0.8, facts=fact_list(facts))  # fmt: skip


def test_jf01_incident_of_another_unit_is_named_not_shown(scene: Scene) -> None:
    from fazhi.disputes.services import ensure_dispute

    f = _jf01_with_north_incident(scene)
    ensure_dispute("I-NR", actor=system_user())
    # when 李娜 (法制员 城南) opens the review page
    page = text(scene.client("li").get(f"/intel/{f.pk}/"))
    table = page.split("<h3>同一地址", 1)[1].split("</table>", 1)[0]
    # then the 城北 incident is named: id, unit, date and category, in time order
    assert table.index("I-R1") < table.index("I-NR") < table.index("I-R2")
    row = table.split("<td>I-NR</td>", 1)[1].split("</tr>", 1)[0]
    assert "2026-09-06 14:00" in row
    assert "城北派出所 · 纠纷：不在您的数据范围内" in row
    # but its text, address, reporter and phone are not shown, nor linked
    for secret in ("漏水", "赵秘密", "城北街道", NORTH_PHONE, "137****0002", "/incidents/I-NR/"):
        assert secret not in page, secret
    assert "/disputes/" not in row
    assert "其中 1 起属其他单位" in page
    # while her own unit's incidents are shown in full
    assert "第1次因噪音吵架。" in table
    assert "幸福路十二号三栋二单元301" in table


def test_jf01_incident_of_another_unit_is_shown_to_the_legal_brigade(scene: Scene) -> None:
    f = _jf01_with_north_incident(scene)
    page = text(scene.client("zhou").get(f"/intel/{f.pk}/"))
    assert "城北邻居因漏水争吵" in page
    assert "137****0002" in page
    assert "不在您的数据范围内" not in page


def test_jf01_north_reviewer_sees_nothing_of_the_south_suspicion(scene: Scene) -> None:
    # the suspicion itself is 城南's: 王芳 (法制员 城北) may not open it at all
    f = _jf01_with_north_incident(scene)
    assert scene.client("wang").get(f"/intel/{f.pk}/").status_code == 404
    assert "I-R3" not in queue_ids(text(scene.client("wang").get("/intel/")))
