"""Analysis rules (研判, ZN): a hit, a miss and the tricky cases of every rule.

The records start from the clean cases (which patrol to no finding at all) and add the incidents
or transcripts a rule looks at. Runs are restricted to the ZN rules so that the records added
need not satisfy every other rule.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pytest

from fazhi.accounts.models import Role
from fazhi.accounts.services import provision_user, system_user
from fazhi.intel import duplicates
from fazhi.intel.models import BoilerplateVersion, TranscriptPairScore, TranscriptSignature
from fazhi.patrol.services import run_patrol
from fazhi.patrol.tests.conftest import (
    AS_OF,
    Records,
    add,
    id_number,
    incident,
    keys,
    load_records,
    patrol_store,
    person,
    t,
    transcript,
)

ZN = ["ZN-BL-01", "ZN-JQ-01", "ZN-JF-01", "ZN-JF-02"]
UNIT_1 = "城南派出所"  # the unit of the clean case C-OK
pytestmark = pytest.mark.django_db


def named_user(username: str) -> Any:
    """A user named ``username`` of the 法制大队 (actors are users, not names, and only the
    法制大队 and administrators change rules; these tests have no bureau)."""
    return provision_user(
        actor=system_user(), username=username, password="不用于登录的口令", role=Role.LEGAL_BRIGADE
    )


def zn(records: Records, **kw: Any) -> list[dict[str, Any]]:
    load_records(records)
    return patrol_store(AS_OF, codes=ZN, **kw)


def test_clean_cases_patrol_to_no_finding_at_all(clean_records: Records) -> None:
    # given the clean example cases; when every rule runs; then nothing is found
    assert zn(clean_records) == []
    assert patrol_store(AS_OF) == []


# --------------------------------------------------------------------------------- ZN-JQ-01


def _help(records: Records, text: str, disposition: str = "现场处置", **kw: Any) -> Records:
    return add(
        records,
        incident("I-H", kw.pop("category", "求助"), t("2026-09-20 10:00"), description=text,
                 disposition=disposition, disposed_at=t("2026-09-20 11:00"), **kw),
    )  # fmt: skip


def test_jq01_offence_cue_disposed_without_case(clean_records: Records) -> None:
    # given a help call whose text reports a theft, handled on the spot, with no case
    findings = zn(_help(clean_records, "报警人称其电动车被盗，要求民警帮助查找。"))
    # then it is a suspicion, explained by the cue and the disposition, scored
    assert keys(findings) == {("ZN-JQ-01", "incident", "I-H")}
    f = findings[0]
    assert f["status"] == "suspicion"
    assert "被盗" in f["explanation"]
    assert "现场处置" in f["explanation"]
    assert f["score"] == pytest.approx(0.3)
    assert f["facts"]["analysis.cues"] == ["被盗"]


def test_jq01_negated_cue_is_no_offence(clean_records: Records) -> None:
    findings = zn(_help(clean_records, "报警人称电动车未被盗，系自己忘记停放位置。"))
    assert findings == []


def test_jq01_offence_category_mediated(clean_records: Records) -> None:
    # given a 治安 incident mediated, with no cue in its text
    findings = zn(_help(clean_records, "双方因琐事发生口角。", "调解", category="治安"))
    assert keys(findings) == {("ZN-JQ-01", "incident", "I-H")}
    assert findings[0]["score"] == pytest.approx(0.6)


def test_jq01_not_when_a_case_was_taken(clean_records: Records) -> None:
    # given the clean 刑事 incident I-OK (受案 with case C-OK) re-disposed as 调解: it has a case
    for rec in clean_records:
        if rec["id"] == "I-OK":
            rec["disposition"] = "调解"
    assert zn(clean_records) == []


def test_jq01_not_for_other_dispositions(clean_records: Records) -> None:
    assert zn(_help(clean_records, "报警人称手机被抢。", "移交")) == []


# --------------------------------------------------------------------------------- ZN-JF-02


def _dispute(records: Records, rid: str, text: str, at: str = "2026-09-20 10:00", **kw: Any):
    return add(
        records,
        incident(rid, "纠纷", t(at), description=text, disposition="调解",
                 disposed_at=t(at[:11] + "23:00"), **kw),
    )  # fmt: skip


def test_jf02_escalation_cues_scored_by_kind(clean_records: Records) -> None:
    findings = zn(_dispute(clean_records, "I-D", "与前夫因孩子抚养争吵，对方手持菜刀扬言报复。"))
    assert keys(findings) == {("ZN-JF-02", "incident", "I-D")}
    f = findings[0]
    assert set(f["facts"]["analysis.signals"]) == {"weapon", "threat", "revenge"}
    assert f["score"] == pytest.approx(1.0)  # 40 + 30 + 30
    assert "凶器" in f["explanation"]


@pytest.mark.parametrize(
    "text",
    [
        "双方因噪音发生争吵，对方并未持刀，情绪已平稳。",
        "邻居家里放着杀虫剂，气味难闻引发争吵。",
        "报警人否认扬言报复，双方已和解。",
        "与邻居因车位发生争吵。",
    ],
)
def test_jf02_not_for_negated_or_lookalike_words(clean_records: Records, text: str) -> None:
    assert zn(_dispute(clean_records, "I-D", text)) == []


def test_jf02_min_score_setting(clean_records: Records) -> None:
    from fazhi.patrol.models import Rule
    from fazhi.patrol.pack import load_pack
    from fazhi.patrol.services import change_rule, sync_rules

    sync_rules(load_pack())
    change_rule(Rule.objects.get(code="ZN-JF-02"), actor=named_user("zhou"), reason="只看多重信号",
                settings={"min_score": 0.5})  # fmt: skip
    # a single mental-illness cue (25) is below 0.5 now; weapon + threat (70) is not
    records = _dispute(clean_records, "I-D1", "邻居有精神病史，多次上门争吵。")
    records = _dispute(records, "I-D2", "对方持刀扬言要砍人。", at="2026-09-21 10:00")
    assert keys(zn(records)) == {("ZN-JF-02", "incident", "I-D2")}


# --------------------------------------------------------------------------------- ZN-JF-01


def test_jf01_three_disputes_at_one_address_spelled_differently(clean_records: Records) -> None:
    records = clean_records
    spellings = ["湖桥县城南街道幸福小区3幢2单元301室", "城南街道幸福小区三号楼二单元301",
                 "浙江省湖桥县城南街道幸福小区3-2-301"]  # fmt: skip
    for i, (day, address) in enumerate(zip((1, 12, 28), spellings, strict=True)):
        _dispute(records, f"I-R{i}", "与邻居因噪音争吵。", at=f"2026-09-{day:02d} 10:00",
                 address=address, reporter_phone=f"1390000010{i}")  # fmt: skip
    findings = zn(records)
    assert keys(findings) == {("ZN-JF-01", "incident", f"I-R{i}") for i in range(3)}
    f = findings[0]
    assert f["facts"]["repeat.address_incidents"] == ["I-R0", "I-R1", "I-R2"]
    assert "30 日内 3 起" in f["explanation"]


def test_jf01_same_phone(clean_records: Records) -> None:
    records = clean_records
    for i, day in enumerate((2, 9, 20)):
        address = f"湖桥县城北街道人民路{100 + i}号"
        _dispute(records, f"I-P{i}", "与家人争吵。", at=f"2026-09-{day:02d} 10:00",
                 address=address, reporter_phone="+86 139-0000-0077")  # fmt: skip
    assert keys(zn(records)) == {("ZN-JF-01", "incident", f"I-P{i}") for i in range(3)}


def test_jf01_not_when_spread_beyond_the_window(clean_records: Records) -> None:
    records = clean_records
    for i, (month, day) in enumerate(((8, 1), (8, 20), (9, 2))):  # 32 days first to last
        _dispute(records, f"I-W{i}", "与邻居争吵。", at=f"2026-{month:02d}-{day:02d} 10:00",
                 address="湖桥县城南街道迎春路49号", reporter_phone=f"1390000020{i}")  # fmt: skip
    assert zn(records) == []


def test_jf01_two_are_not_enough(clean_records: Records) -> None:
    records = clean_records
    for i, day in enumerate((2, 9)):
        _dispute(records, f"I-T{i}", "与邻居争吵。", at=f"2026-09-{day:02d} 10:00",
                 address="湖桥县城南街道迎春路49号", reporter_phone=f"1390000030{i}")  # fmt: skip
    assert zn(records) == []


# --------------------------------------------------------------------------------- ZN-BL-01

NARRATIVE = (
    "问：你把当天的情况详细说一下。\n"
    "答：九月五日晚上八点左右，我在人民路十二号的小饭馆吃饭，邻桌两个男的喝多了，"
    "为了抢一个停车位吵了起来，穿黑衣服的那个先动手推了对方一下。\n"
    "问：后来呢？\n"
    "答：穿白衣服的那个被推倒在门口的台阶上，额头磕破了，流了不少血，"
    "老板赶紧拿毛巾给他按住，又有人打了一百一十报警。\n"
    "问：打人的那个人长什么样？\n"
    "答：三十多岁，个子不高，剃着平头，左手臂上有一个老鹰的纹身，说话是本地口音。\n"
    "问：你和双方认识吗？\n"
    "答：都不认识，我是第一次去那家饭馆，和同事{colleague}一起去的。\n"
)
HEADER = "询问笔录\n被询问人：{name}\n问：我们是城南派出所民警，现依法向你询问，你应当如实回答。\n"


def _witness_transcripts(records: Records, copy_text: str | None = None) -> Records:
    add(
        records,
        person("W-1", "C-OK", name="钱某", role="证人",
               id_number=id_number("1991-03-04"), birth_date="1991-03-04"),
        person("W-2", "C-OK", name="周某", role="证人",
               id_number=id_number("1992-05-06"), birth_date="1992-05-06"),
    )  # fmt: skip
    original = HEADER.format(name="钱某") + NARRATIVE.format(colleague="小李")
    add(records, transcript("T-W1", t("2026-09-04 14:00"), t("2026-09-04 15:00"),
                            person_id="W-1", kind="询问", text=original))  # fmt: skip
    if copy_text is None:
        copy_text = (HEADER.format(name="周某") + NARRATIVE.format(colleague="小李")).replace(
            "流了不少血，", "具体记不太清了，"
        )
    add(records, transcript("T-W2", t("2026-09-04 15:30"), t("2026-09-04 16:30"),
                            person_id="W-2", kind="询问", text=copy_text))  # fmt: skip
    return records


def test_bl01_copied_statement_of_another_person(clean_records: Records) -> None:
    findings = zn(_witness_transcripts(clean_records))
    # then both transcripts are suspicions, each naming the other, with the shared passages
    assert keys(findings) == {
        ("ZN-BL-01", "transcript", "T-W1"),
        ("ZN-BL-01", "transcript", "T-W2"),
    }
    one = next(f for f in findings if f["subject_id"] == "T-W2")
    assert one["facts"]["match.transcript_id"] == "T-W1"
    # the partner is named by its id and unit only: its person, case and officers are another
    # record's, and the finding reaches people who may not see that record
    assert one["facts"]["match.unit"] == UNIT_1
    assert one["facts"]["transcript.person"] == "周某"
    partner = [k for k in one["facts"] if k.startswith("match.")]
    assert sorted(partner) == ["match.jaccard", "match.passages", "match.transcript_id",
                               "match.unit"]  # fmt: skip
    assert "钱某" not in str(one["facts"])
    assert "钱某" not in one["explanation"]
    assert f"笔录 T-W1（{UNIT_1}）" in one["explanation"]
    assert one["score"] >= 0.8
    assert one["case_id"] == "C-OK"
    from fazhi.records.models import Transcript

    mine = Transcript.objects.get(pk="T-W2").text
    theirs = Transcript.objects.get(pk="T-W1").text
    passages = one["facts"]["match.passages"]
    assert passages
    assert all(mine[a:b] == theirs[c:d] for a, b, c, d in passages)
    assert any("老鹰的纹身" in mine[a:b] for a, b, _, _ in passages)


def test_bl01_not_for_different_statements(clean_records: Records) -> None:
    other = HEADER.format(name="周某") + (
        "问：你当天在做什么？\n答：我在家里看电视，没有出门，这件事是第二天听邻居说的，"
        "具体怎么回事我不清楚，也没有看到任何人打架。\n问：还有什么要说的？\n答：没有了。\n"
    )
    assert zn(_witness_transcripts(clean_records, other)) == []


def test_bl01_not_for_the_same_person(clean_records: Records) -> None:
    records = _witness_transcripts(clean_records)
    for rec in records:
        if rec["id"] == "T-W2":
            rec["person_id"] = "W-1"
    assert zn(records) == []


def test_bl01_incremental_run_checks_a_new_copy_against_the_index(
    clean_records: Records,
) -> None:
    # given a store patrolled in full with the original statement only
    records = _witness_transcripts(clean_records)
    copy = next(r for r in records if r["id"] == "T-W2")
    records.remove(copy)
    assert zn(records) == []
    assert TranscriptSignature.objects.filter(transcript_id="T-W1").exists()
    # when the copy is imported and an incremental run follows
    load_records([copy])
    later = AS_OF + timedelta(hours=1)
    run = run_patrol(as_of=later, actor=system_user(), mode="incremental", codes=ZN)
    # then the run was incremental and found both transcripts
    assert run.mode == "incremental", run.stats.get("fallback")
    assert run.stats["rules"]["ZN-BL-01"]["incremental"] is True
    incremental = patrol_store(later, codes=ZN, mode="incremental")
    assert keys(incremental) == {("ZN-BL-01", "transcript", "T-W1"),
                                 ("ZN-BL-01", "transcript", "T-W2")}  # fmt: skip
    # and a full run agrees, changing nothing
    full = run_patrol(as_of=later, actor=system_user(), codes=ZN)
    assert full.stats["created"] == full.stats["updated"] == full.stats["closed"] == 0
    assert BoilerplateVersion.objects.get().patrolled


def test_bl01_check_transcript_and_rebuild(clean_records: Records) -> None:
    from fazhi.intel import duplicates
    from fazhi.intel.services import rebuild_index

    load_records(_witness_transcripts(clean_records))
    report = rebuild_index(actor=named_user("zhou"))
    assert report.signed == 6
    matches = duplicates.check_transcript("T-W2")
    assert [(x.transcript_id, x.other_id) for x in matches] == [("T-W2", "T-W1")]
    assert duplicates.check_transcript("M-OK-JL-T") == []
    from fazhi.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="intel.rebuild", actor="zhou").exists()


# the witness's statement retold by another: a word or a name changed in every sentence, one
# clause reworded — few runs of 23 characters survive, every sentence stays a near-twin
REWORDED = (
    "问：你把当天的情况详细说一下。\n"
    "答：九月五号晚上八点来钟，我在人民路十二号那家小饭馆吃饭，旁边桌两个男的喝多了，"
    "为抢一个车位吵起来了，穿黑衣裳的那个先动的手，推了对方一把。\n"
    "问：后来呢？\n"
    "答：穿白衣裳的那个被推倒在门口台阶上，脑门磕破了，流了好多血，"
    "老板赶快拿毛巾帮他按着，另外有人打了一百一十报的警。\n"
    "问：打人的那个人长什么样？\n"
    "答：三十来岁，个头不高，剃个平头，左胳膊上纹了一只老鹰，讲话是本地口音。\n"
    "问：你和双方认识吗？\n"
    "答：两边都不认识，我头一回去那个饭馆，是跟同事小张一块去的。\n"
)


def test_bl01_a_reworded_copy_is_found_by_its_rare_sentences(clean_records: Records) -> None:
    from fazhi.intel import duplicates

    # given the witness's statement and the same statement retold with every sentence edited
    # (5-gram Jaccard under 0.3: no MinHash band, and few shared runs of characters)
    records = _witness_transcripts(clean_records, HEADER.format(name="周某") + REWORDED)
    # when the ZN rules run in full; then both are suspicions, by the sentence alignment
    findings = zn(records)
    assert keys(findings) == {("ZN-BL-01", "transcript", "T-W1"),
                              ("ZN-BL-01", "transcript", "T-W2")}  # fmt: skip
    assert all(0.35 <= f["score"] < 0.9 for f in findings)
    # and the incremental check of the copy finds the original in one look-up
    matches = duplicates.check_transcript("T-W2")
    assert [(x.transcript_id, x.other_id) for x in matches] == [("T-W2", "T-W1")]
    assert duplicates.candidate_pairs(["T-W2"]) == {("T-W1", "T-W2")}


RIGHTS = (
    "询问笔录\n时间：2026年9月{day}日10时00分至10时40分\n地点：城南派出所询问室\n"
    "询问人：王建国、李晓东\n记录人：李晓东\n被询问人：{name}\n"
    "问：我们是城南派出所的民警（出示工作证件），现依法对你进行询问，你应当如实回答，"
    "对与本案无关的问题有拒绝回答的权利，有申请回避的权利，故意作伪证或者隐匿罪证要负法律"
    "责任，你听清楚了吗？\n答：听清楚了。\n问：你是否申请回避？\n答：不申请。\n"
)
CLOSING = "问：你还有什么要补充的吗？\n答：没有了。\n问：以上笔录你看一下，是否一致？\n答：一致。\n"
STATEMENTS = [
    "问：你说一下情况。\n答：我在菜市场门口卖豆腐，下午四点听到旁边吵起来了，老周推了卖菜的小钱一下，她坐到了地上。",
    "问：你说一下情况。\n答：我的电动车停在7栋后面的车棚，早上七点下楼就不见了，U型锁被剪断扔在地上，车是绿色的雅迪。",
    "问：你说一下情况。\n答：有人打电话说是医保局的，让我把钱转到安全账户核查，我转了两万八，后来电话就打不通了。",
    "问：你说一下情况。\n答：楼上住户每天半夜拖椅子放音乐，我上去敲过三次门，第三次男的开门就骂人，我整夜睡不着。",
    "问：你说一下情况。\n答：我在工地干了五个月木工，包工头说年前结清工钱，到现在一分没给，电话也不接了。",
    "问：你说一下情况。\n答：两辆车在路口剐蹭了，对方下车骂我，说我开车不长眼，我们俩就吵了起来，后来交警来了。",
    "问：你说一下情况。\n答：我家的两头黄牛夜里被人牵走了，牛棚的铁丝被剪断，地上有车轮印子一直通到村口。",
    "问：你说一下情况。\n答：我在网上买演唱会门票，付了一千六，卖家说发货却把我拉黑了，聊天记录我都截了图。",
]
ORIGINAL = (
    "问：你把看到的情况讲一下。\n答：昨天晚上九点多，我下楼倒垃圾，路过幸福里小区后面的车棚，"
    "看见一个男的蹲在一辆绿色电动车旁边弄锁。我以为是车主自己的车锁坏了，就没多问。过了几分钟"
    "我倒完垃圾回来，那个男的已经把车推到小区东门了，骑上车往建设路方向走了。\n"
    "问：那个男的长什么样？\n答：个子不高，一米七左右，偏瘦，穿一件深蓝色的冲锋衣，戴一顶黑色"
    "鸭舌帽，背了一个灰色的双肩包。\n"
)
# the same statement in another witness's mouth: a number changed, one sentence reworded
EDITED = (
    ORIGINAL.replace("九点多", "九点半左右")
    .replace("一米七左右", "一米七二左右")
    .replace(
        "我以为是车主自己的车锁坏了，就没多问。", "我当时想可能是人家自己的锁坏了，也就没吭声。"
    )
)


def test_bl01_small_store_sharing_a_rights_notice(clean_records: Records) -> None:
    # given a first import of ten transcripts of ten persons: every one carries the same header,
    # rights notice and closing lines (too few transcripts for any of it to be learned), eight
    # say different things, two say the same thing with a number and a sentence changed
    records = clean_records
    bodies = [*STATEMENTS, ORIGINAL, EDITED]
    names = ["甲一", "乙二", "丙三", "丁四", "戊五", "己六", "庚七", "辛八", "壬九", "癸十"]
    for i, (name, body) in enumerate(zip(names, bodies, strict=True)):
        born = f"1980-01-{i + 1:02d}"
        add(records, person(f"S-{i}", "C-OK", name=name, role="证人", id_number=id_number(born),
                            birth_date=born))  # fmt: skip
        text = RIGHTS.format(day=10 + i, name=name) + body + "\n" + CLOSING
        add(records, transcript(f"T-S{i}", t(f"2026-09-{10 + i:02d} 10:00"),
                                t(f"2026-09-{10 + i:02d} 10:40"), person_id=f"S-{i}",
                                kind="询问", text=text))  # fmt: skip
    # when the ZN rules run; then exactly the two copies are suspicions
    findings = zn(records)
    assert keys(findings) == {
        ("ZN-BL-01", "transcript", "T-S8"),
        ("ZN-BL-01", "transcript", "T-S9"),
    }
    assert all(0.6 <= f["score"] < 1 for f in findings)


def _three_copies(clean_records: Records) -> Records:
    records = _witness_transcripts(clean_records)
    add(records, person("W-3", "C-OK", name="吴某", role="证人",
                        id_number=id_number("1993-07-08"), birth_date="1993-07-08"))  # fmt: skip
    third = HEADER.format(name="吴某") + NARRATIVE.format(colleague="小王")
    add(records, transcript("T-W3", t("2026-09-04 17:00"), t("2026-09-04 18:00"),
                            person_id="W-3", kind="询问", text=third))  # fmt: skip
    return records


def test_bl01_pairs_verified_one_batch_at_a_time_find_the_same(
    clean_records: Records, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a statement copied into two other witnesses' mouths (three candidate pairs, each
    # transcript in two of them), and candidate pairs verified one pair per batch (a province's
    # are verified in batches so that their texts and signatures fit in memory)
    records = _three_copies(clean_records)
    monkeypatch.setattr(duplicates, "VERIFY_BATCH", 1)
    verified: list[int] = []
    batch = duplicates._verify_batch

    def counted(pairs: list[tuple[str, str]], *rest: Any, **kw: Any) -> list[duplicates.Pair]:
        verified.append(len(pairs))
        return batch(pairs, *rest, **kw)

    monkeypatch.setattr(duplicates, "_verify_batch", counted)
    # when the ZN rules run
    findings = zn(records)
    # then every pair was verified in a batch of its own, and all three copies are found, each
    # naming a partner, as in one batch
    assert verified == [1, 1, 1]
    assert keys(findings) == {("ZN-BL-01", "transcript", tid) for tid in ("T-W1", "T-W2", "T-W3")}
    assert all(f["score"] >= 0.8 for f in findings)


def _count_batches(monkeypatch: pytest.MonkeyPatch) -> list[tuple[tuple[str, str], bool]]:
    """The pairs ``_verify_batch`` is given, each with whether its scores are to be stored
    (scored afresh) or not (decided from stored scores, signed again for its passages)."""
    seen: list[tuple[tuple[str, str], bool]] = []
    batch = duplicates._verify_batch

    def counted(pairs: list[tuple[str, str]], *rest: Any, store: bool = True) -> Any:
        seen.extend((pair, store) for pair in pairs)
        return batch(pairs, *rest, store=store)

    monkeypatch.setattr(duplicates, "_verify_batch", counted)
    return seen


def test_bl01_a_second_full_run_decides_from_stored_scores(
    clean_records: Records, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given three copies of one statement, patrolled once: their three pairs scored and stored
    first = zn(_three_copies(clean_records))
    assert TranscriptPairScore.objects.count() == 3
    seen = _count_batches(monkeypatch)
    # when the ZN rules run again over the whole store, nothing having changed
    again = patrol_store(AS_OF, codes=ZN)
    # then no pair is scored afresh: the three that hold are read again only for their
    # passages, and the findings are the first run's
    assert sorted(seen) == [(("T-W1", "T-W2"), False), (("T-W1", "T-W3"), False),
                            (("T-W2", "T-W3"), False)]  # fmt: skip
    assert keys(again) == keys(first)
    assert [f["score"] for f in again] == [f["score"] for f in first]


def test_bl01_an_edited_transcript_is_scored_again(
    clean_records: Records, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.utils import timezone

    from fazhi.records.models import Transcript

    # given three copies patrolled once, and then the third rewritten into a statement of its
    # own (an import replaced it)
    zn(_three_copies(clean_records))
    Transcript.objects.filter(pk="T-W3").update(
        text=HEADER.format(name="吴某") + "问：你看到了什么？\n答：我那天在外地出差，"
        "什么都没有看到，是听邻居说的，具体情况不清楚，也不认识打架的两个人。\n",
        changed_at=timezone.now(),
    )
    seen = _count_batches(monkeypatch)
    # when the ZN rules run again over the whole store
    findings = patrol_store(AS_OF, codes=ZN)
    # then the untouched pair is decided from its stored score, a pair of the rewritten
    # statement that is still a candidate is scored afresh, and only the two copies are found
    assert (("T-W1", "T-W2"), False) in seen
    assert all(store for pair, store in seen if "T-W3" in pair)
    assert keys(findings) == {("ZN-BL-01", "transcript", tid) for tid in ("T-W1", "T-W2")}
    assert not TranscriptPairScore.objects.filter(b_id="T-W3", jaccard__gte=0.6).exists()


def test_bl01_a_stored_pair_needing_its_alignment_is_scored_again(
    clean_records: Records, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given three copies patrolled once with the alignment off: their pairs stored with a
    # Jaccard and no alignment
    zn(_three_copies(clean_records))
    assert set(TranscriptPairScore.objects.values_list("alignment", flat=True)) == {None}
    boilerplate = duplicates.current_boilerplate()
    assert boilerplate is not None
    pairs = [("T-W1", "T-W2"), ("T-W1", "T-W3"), ("T-W2", "T-W3")]
    seen = _count_batches(monkeypatch)
    # when the pairs are verified with a Jaccard threshold above every pair's and the alignment
    # on (a pack's settings, or a what-if)
    held = duplicates.verify(pairs, boilerplate, min_jaccard=0.99, min_alignment=0.35)
    # then every pair is scored again for its alignment, and the alignment stored
    assert sorted(seen) == [(p, True) for p in pairs]
    assert len(held) == 3
    assert None not in set(TranscriptPairScore.objects.values_list("alignment", flat=True))


def test_bl01_index_state_counts_what_is_to_be_signed(clean_records: Records) -> None:
    from django.utils import timezone

    from fazhi.records.models import Transcript

    # given three statements indexed under the learned boilerplate
    load_records(_three_copies(clean_records))
    duplicates.rebuild()
    assert duplicates.index_state() == duplicates.IndexState(learn=False, stale=0)
    # when one is changed by an import after it was signed, and another's signature is lost
    Transcript.objects.filter(pk="T-W3").update(changed_at=timezone.now())
    TranscriptSignature.objects.filter(transcript_id="T-W2").delete()
    # then both are counted as to be signed, and they are the ones the signing parts sign
    assert duplicates.index_state() == duplicates.IndexState(learn=False, stale=2)
    boilerplate = duplicates.current_boilerplate()
    assert boilerplate is not None
    assert duplicates.stale_ids(boilerplate) == {"T-W2", "T-W3"}


def test_bl01_a_band_shared_by_chance_is_no_candidate(clean_records: Records) -> None:
    from fazhi.intel import duplicates
    from fazhi.intel.models import TranscriptBand, TranscriptSignature

    # given the witness's statement and its copy, indexed, with the copy's rare sentence keys
    # taken out of the index, so that only the MinHash bands join them
    load_records(_witness_transcripts(clean_records))
    duplicates.rebuild()
    TranscriptBand.objects.filter(transcript_id="T-W2", band=duplicates.SK_BAND).delete()
    assert duplicates.candidate_pairs(["T-W2"]) == {("T-W1", "T-W2")}
    # when the copy's stored signature agrees with the original's in its first band's values
    # only (a pair the bands join by chance: 9 of 128 values, an estimated Jaccard of 0.07)
    signature = TranscriptSignature.objects.get(transcript_id="T-W2")
    values = np.frombuffer(bytes(signature.minhash), dtype="<u4").copy()
    values[duplicates.ROWS :] += 1
    signature.minhash = values.tobytes()
    signature.save()
    # then the pair is no candidate, looked up from either side or over the whole index
    assert TranscriptBand.objects.filter(transcript_id="T-W2", band=0).exists()
    assert duplicates.candidate_pairs(["T-W2"]) == set()
    assert duplicates.candidate_pairs(["T-W1"]) == set()
    assert ("T-W1", "T-W2") not in duplicates.candidate_pairs()


# ------------------------------------------------------------------ learned suggestions (ZN)

# texts the lexicon does not read (no cue of the category at all) and the learned model does
HEALTH_SCAM = "报警人称家里老人被人哄着买了三万块的保健品，说能治癌症。"
BROKEN_BOTTLE = "俩人在烧烤摊吵起来了，其中一个把啤酒瓶子敲碎了拿着比划，还没动手，快来人。"


def test_jq01_learned_suggestion_says_it_is_one_and_why(clean_records: Records) -> None:
    # given a help call whose fraud the lexicon has no words for, handled on the spot
    findings = zn(_help(clean_records, HEALTH_SCAM))
    # then it is a suspicion scored as one class of cue, and the explanation says it is the
    # learned model's suggestion, with the n-grams that pushed it and the model's version
    assert keys(findings) == {("ZN-JQ-01", "incident", "I-H")}
    f = findings[0]
    assert f["score"] == pytest.approx(0.3)
    assert "学习模型提示" in f["explanation"]
    assert "非词库命中" in f["explanation"]
    learned_fact = f["facts"]["analysis.learned"]
    assert learned_fact["概率"] >= 0.8
    assert learned_fact["依据字串"]
    assert all(g in HEALTH_SCAM for g in learned_fact["依据字串"])
    assert learned_fact["模型版本"] in f["explanation"]
    assert f["facts"]["analysis.cues"] == []


def test_jf02_learned_suggestion_scored_apart(clean_records: Records) -> None:
    findings = zn(_dispute(clean_records, "I-D", BROKEN_BOTTLE))
    assert keys(findings) == {("ZN-JF-02", "incident", "I-D")}
    f = findings[0]
    assert f["score"] == pytest.approx(0.25)
    assert "学习模型提示" in f["explanation"]
    assert "analysis.signals" not in f["facts"]


def test_learned_suggestions_can_be_switched_off(clean_records: Records) -> None:
    from fazhi.patrol.models import Rule
    from fazhi.patrol.pack import load_pack
    from fazhi.patrol.services import change_rule, sync_rules

    sync_rules(load_pack())
    for code, settings in (("ZN-JF-02", {"min_score": 0.2, "use_learned": False}),
                           ("ZN-JQ-01", {"use_cues": True, "use_learned": False})):  # fmt: skip
        change_rule(Rule.objects.get(code=code), actor=named_user("zhou"), reason="只看词库",
                    settings=settings)  # fmt: skip
    records = _dispute(_help(clean_records, HEALTH_SCAM), "I-D", BROKEN_BOTTLE)
    assert zn(records) == []


def _count_readings(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str | None, str]]:
    """The texts the learned model actually reads (not taken from stored readings)."""
    from fazhi.intel import learned

    read: list[tuple[str | None, str]] = []
    real = learned._suggest

    def counted(text: str | None, category: str, model: Any) -> Any:
        read.append((text, category))
        return real(text, category, model)

    monkeypatch.setattr(learned, "_suggest", counted)
    return read


def test_learned_readings_are_kept_between_full_runs(
    clean_records: Records, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a help call and a dispute only the learned model reads, patrolled once
    first = zn(_dispute(_help(clean_records, HEALTH_SCAM), "I-D", BROKEN_BOTTLE))
    assert keys(first) == {("ZN-JQ-01", "incident", "I-H"), ("ZN-JF-02", "incident", "I-D")}
    read = _count_readings(monkeypatch)
    # when every rule runs again over the whole store, nothing having changed
    again = patrol_store(AS_OF, codes=ZN)
    # then the model reads no text again, and the findings, explanations and scores are the
    # first run's (the readings are stored with the n-grams that pushed them)
    assert read == []
    assert [(f["rule"], f["subject_id"], f["score"], f["explanation"]) for f in again] == [
        (f["rule"], f["subject_id"], f["score"], f["explanation"]) for f in first
    ]


def test_an_edited_incident_is_read_again(
    clean_records: Records, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.utils import timezone

    from fazhi.records.models import Incident

    # given the help call patrolled once, and then its text replaced by an import
    zn(_help(clean_records, HEALTH_SCAM))
    plain = "报警人称家中水管爆裂，请求帮助联系物业维修。"
    Incident.objects.filter(pk="I-H").update(description=plain, changed_at=timezone.now())
    read = _count_readings(monkeypatch)
    # when the rules run again
    findings = patrol_store(AS_OF, codes=ZN)
    # then the new text is read (for each category), and the suggestion it no longer earns
    # is gone
    assert {text for text, _ in read} == {plain}
    assert findings == []


def test_a_changed_lexicon_or_model_reads_every_text_again(
    clean_records: Records, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fazhi.intel import learned

    # given the help call patrolled once
    first = zn(_help(clean_records, HEALTH_SCAM))
    # when the lexicon files, the model or the code that scopes the text change (their basis)
    monkeypatch.setattr(learned, "basis", lambda: "another-basis")
    read = _count_readings(monkeypatch)
    again = patrol_store(AS_OF, codes=ZN)
    # then the text is read again, and gives the same finding
    assert (HEALTH_SCAM, "offence") in read
    assert keys(again) == keys(first)


def test_the_basis_follows_a_bureau_s_own_lexicon_folder(tmp_path: Any, settings: Any) -> None:
    from fazhi.intel import learned, lexicon

    # given the packaged lexicons' basis
    packaged = learned.basis()
    # when a bureau's own folder holds a changed negation file
    (tmp_path / "negation.toml").write_bytes(
        (lexicon.PACKAGED / "negation.toml").read_bytes() + b"\n# local\n"
    )
    settings.FAZHI_LEXICON_DIR = str(tmp_path)
    # then the basis is another, and back without the folder
    assert learned.basis() != packaged
    settings.FAZHI_LEXICON_DIR = None
    assert learned.basis() == packaged
