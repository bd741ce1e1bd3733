"""The FZX v1.1 records of a county: body-camera and interrogation recordings, the custody chain
of seized property, outside reviews, complaints, safety events, and the officers' trainings,
awards and disciplines (exchange-format.md, "FZX v1.1 additions").

Everything here draws from its own random stream (``fazhi-synth/<seed>/county/<n>/v1.1``), so
the v1 records of a county are the bytes they were before v1.1 records were written beside them;
a v1.1 record only reads what the v1 records already decided (an incident's arrival, a case's
events), never the other way round.

Clean data keeps clear of every v1.1 rule of rules.md: each incident of category 刑事/治安/纠纷/交通
with an arrival is recorded by one of its officers from before the arrival (LX-01); recordings are
uploaded within 20 hours (LX-02, 24 h); only the routine patrol recordings, linked to nothing, are
deleted, more than 200 days after they ended (LX-03, 6 months: an incident's recording stays, so
whether a deleted recording still shows that the arrival was recorded never matters); a borrowed
item (调用) comes back before its due time (GF-CW-03); the chain of every item starts with 入库
and leaves the store once (GF-CW-05). The injections (``injections/gf.py``, ``injections/lx.py``)
break one of these on purpose.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from fazhi.synth.periods import DAY, HOUR, MINUTE, date_str, day_of

if TYPE_CHECKING:
    from fazhi.synth.cases import CaseWork, Record
    from fazhi.synth.county import County, Officer

RECORDED_CATEGORIES = frozenset({"刑事", "治安", "纠纷", "交通"})
# How long after a recording ends the routine purge may delete it: beyond 6 months (LX-03)
# whatever month lengths a reading takes.
PURGE_AFTER = 200 * DAY
MOVED_OUT = {"财物返还": "返还", "财物处置": "处置"}
TRANSFER_NOTE = "随案移送"

REVIEW_OUTCOMES = (
    ("维持", 60), ("驳回", 10), ("撤销", 8), ("变更", 5), ("确认违法", 4), ("和解撤回", 9),
    ("责令履行", 1), ("其他", 3),
)  # fmt: skip
LOST = frozenset({"撤销", "变更", "确认违法", "责令履行", "赔偿"})
COMPLAINT_CHANNELS = (
    ("12389", 35), ("信访", 20), ("网络", 15), ("电话", 15), ("执法公开平台", 10), ("其他", 5),
)  # fmt: skip
COMPLAINT_TEXTS = (
    "反映民警处警时态度生硬，未听取其陈述。",
    "反映案件办理久拖不决，多次询问进展未获答复。",
    "反映处罚过重，认为事实认定有误。",
    "反映扣押物品未及时发还。",
    "反映民警出警不及时，到场后处置草率。",
    "反映询问时未告知其权利义务。",
    "反映调解不公，偏袒对方当事人。",
)
# A few a county-year, the grave kinds (the evaluation's 一票否决) about one in five.
SAFETY_KINDS = (
    ("自杀自残", 50), ("其他", 30), ("重伤", 6), ("脱逃", 6), ("死亡", 2), ("刑讯逼供", 3),
    ("违规使用警械武器", 3),
)  # fmt: skip
SAFETY_NOTES = {
    "自杀自残": "候问期间以头撞墙，经及时制止送医，无大碍。",
    "其他": "办案区内突发疾病，经送医救治后好转。",
    "重伤": "带离途中摔倒致骨折。",
    "脱逃": "如厕时趁看管民警不备脱逃，当日抓获。",
    "死亡": "羁押期间突发疾病，经抢救无效死亡。",
    "刑讯逼供": "经检察机关调查，认定讯问中存在体罚行为。",
    "违规使用警械武器": "处置过程中违规使用约束带致人受伤。",
}
TRAINING_KINDS = (("培训", 50), ("学法考试", 30), ("庭审旁听", 15), ("其他", 5))
TRAINING_TITLES = {
    "培训": ("执法规范化培训", "新修订行政处罚法专题培训", "刑事案件证据审查培训",
             "涉案财物管理培训", "办案区使用管理培训", "现场执法视音频记录培训"),
    "学法考试": ("季度学法考试", "年度网上学法考试", "新法新规测试"),
    "庭审旁听": ("旁听刑事案件庭审", "旁听行政诉讼案件庭审"),
    "其他": ("执法办案系统操作培训", "法制员业务轮训"),
}  # fmt: skip
COMMENDATIONS = (
    ("嘉奖", 60), ("通报表扬", 20), ("三等功", 12), ("执法示范岗位", 5), ("二等功", 2),
    ("一等功", 1),
)  # fmt: skip
COMMENDATION_REASONS = (
    "破获系列盗窃案件", "成功调处重大矛盾纠纷", "执法办案质量优秀", "抓获网上逃犯",
    "年度执法考评成绩突出", "处置突发事件表现突出",
)  # fmt: skip
DISCIPLINES = (("批评教育", 40), ("诫勉", 25), ("通报批评", 20), ("警告", 8), ("记过", 5),
               ("记大过", 2))  # fmt: skip
DISCIPLINE_REASONS = (
    "执法记录仪未按规定开启", "案件办理超期", "询问笔录未核对签名", "涉案财物登记不规范",
    "接处警不规范", "违反办案区使用管理规定",
)  # fmt: skip


def _pick(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights)[0]


class Oversight:
    """The v1.1 records of one county, written as the county's year is generated."""

    def __init__(
        self, county: County, rng: random.Random, as_of: int, emit: Any, size: float = 1.0
    ) -> None:
        self.county = county
        self.county_size = size
        self.rng = rng
        self.as_of = as_of
        self.emit = emit
        self.counters: dict[str, int] = {}
        # officer id → end of his latest recording written so far
        self.last_end: dict[str, int] = {}
        # officer id → arrivals (LX-01 injections) that none of his recordings may cover
        self.blocked: dict[str, list[int]] = {}

    def next_id(self, letter: str) -> str:
        n = self.counters.get(letter, 0) + 1
        self.counters[letter] = n
        return f"{self.county.prefix}-{letter}{n:06d}"

    # --- recordings (LX) ------------------------------------------------------------------

    def _clear_of_blocks(
        self, officer_id: str, start: int, end: int, own: int | None
    ) -> tuple[int, int] | None:
        """``[start, end]`` moved so that it covers no blocked arrival of the officer (and still
        covers ``own``, the arrival it records); None when it cannot."""
        for a in self.blocked.get(officer_id, ()):
            if start > a + 5 * MINUTE or end < a:
                continue
            anchor = own if own is not None else start
            if anchor < a - MINUTE:
                end = a - MINUTE
            elif anchor > a + MINUTE:
                start = a + 6 * MINUTE
                end = max(end, start + 5 * MINUTE)
            else:
                return None
            if own is not None and not (start <= own + 5 * MINUTE and end >= own):
                return None
        return start, end

    def recording(
        self,
        officer_id: str,
        start: int,
        end: int,
        *,
        incident_id: str | None = None,
        case_id: str | None = None,
        evidence: bool | None = None,
        own: int | None = None,
        purge: bool = True,
        fixed: bool = False,
        uploaded_at: int | None = None,
        deleted_at: int | None = None,
    ) -> Record | None:
        """A clean recording (uploaded in time; purged long after when nothing keeps it);
        ``fixed``: written as given, with ``uploaded_at`` and ``deleted_at`` (injections)."""
        rng = self.rng
        cleared = self._clear_of_blocks(officer_id, start, end, own)
        if cleared is None or (fixed and cleared != (start, end)):
            return None
        start, end = cleared
        if start > self.as_of:
            return None
        end = min(end, self.as_of)
        rec: Record = {
            "type": "recording",
            "id": self.next_id("LX"),
            "officer_id": officer_id,
            "device_no": f"DSJ{officer_id.rsplit('-', 1)[-1]}",
            "started_at": start,
            "ended_at": end,
            "uploaded_at": uploaded_at,
            "incident_id": incident_id,
            "case_id": case_id,
            "evidence": evidence,
            "deleted_at": deleted_at,
        }
        if not fixed:
            uploaded = end + rng.randint(30, 20 * 60) * MINUTE
            rec["uploaded_at"] = uploaded if uploaded <= self.as_of else None
            deleted = end + PURGE_AFTER + rng.randint(0, 60) * DAY
            unlinked = case_id is None and incident_id is None
            if purge and unlinked and not evidence and deleted <= self.as_of and rng.random() < 0.5:
                rec["deleted_at"] = deleted
        self.emit(rec)
        self.last_end[officer_id] = max(self.last_end.get(officer_id, end), end)
        return rec

    def incident(self, rec: Record) -> None:
        """The body-camera recording of an incident's arrival, and now and then a complaint."""
        arrived = rec["arrived_at"]
        officers = rec["officer_ids"]
        if (
            arrived is not None
            and rec["category"] in RECORDED_CATEGORIES
            and officers
            and not rec.get("_no_recording")
        ):
            rng = self.rng
            start = arrived - rng.randint(0, 3) * MINUTE
            end = arrived + rng.randint(8, 60) * MINUTE
            evidence = True if rec["disposition"] == "受案" else None
            for officer_id in officers:
                written = self.recording(
                    officer_id, start, end, incident_id=rec["id"], evidence=evidence, own=arrived
                )
                if written is not None:
                    break
            else:
                raise RuntimeError(f"incident {rec['id']}: no officer may record its arrival")
        if officers and self.rng.random() < 0.002:
            self.complaint(rec["received_at"], rec["unit_id"], officers[:1], incident_id=rec["id"])

    def patrols(self, day: int) -> None:
        """A day's routine patrol recordings (巡逻), linked to no incident or case."""
        rng = self.rng
        sworn = [o for o in self.county.officers if o.active and o.sworn]
        for _ in range(rng.randint(0, round(8 * max(self.county_size, 0.1)))):
            officer = rng.choice(sworn)
            start = day * DAY + rng.randint(8 * 60, 21 * 60) * MINUTE
            self.recording(officer.id, start, start + rng.randint(20, 120) * MINUTE)

    # --- complaints, reviews, safety events, disciplines ------------------------------------

    def complaint(
        self,
        after: int,
        unit_id: str,
        officer_ids: list[str],
        *,
        case_id: str | None = None,
        incident_id: str | None = None,
    ) -> None:
        rng = self.rng
        received = after + rng.randint(2, 60) * DAY + rng.randint(8, 17) * HOUR
        if received > self.as_of:
            return
        closed: int | None = received + rng.randint(10, 60) * DAY
        result: str | None = _pick(rng, (("不属实", 65), ("部分属实", 23), ("属实", 12)))
        if closed is not None and closed > self.as_of:
            closed = result = None
        self.emit(
            {
                "type": "complaint",
                "id": self.next_id("TS"),
                "received_at": received,
                "channel": _pick(rng, COMPLAINT_CHANNELS),
                "unit_id": unit_id,
                "officer_ids": officer_ids,
                "case_id": case_id,
                "incident_id": incident_id,
                "content": rng.choice(COMPLAINT_TEXTS),
                "result": result,
                "closed_at": closed,
            }
        )

    def _review(
        self,
        case_id: str,
        kind: str,
        filed: int,
        decide_in: tuple[int, int],
        outcomes: tuple[tuple[str, float], ...],
        lead: str | None,
        note: str | None = None,
    ) -> tuple[str | None, int | None]:
        rng = self.rng
        if filed > self.as_of:
            return None, None
        decided: int | None = filed + rng.randint(*decide_in) * DAY + rng.randint(0, 8) * HOUR
        outcome: str | None = _pick(rng, outcomes)
        if decided is not None and decided > self.as_of:
            decided = outcome = None
        self.emit(
            {
                "type": "review",
                "id": self.next_id("FY"),
                "case_id": case_id,
                "kind": kind,
                "filed_at": filed,
                "decided_at": decided,
                "outcome": outcome,
                # a case can reach a decision with its lead officer missing (an injected defect)
                "officer_ids": (
                    [lead] if lead and (outcome in LOST or kind == "执法过错追究") else []
                ),
                "note": note,
            }
        )
        return outcome, decided

    def discipline(
        self, officer_id: str, at: int, case_id: str | None = None, reason: str | None = None
    ) -> None:
        if at > self.as_of:
            return
        rng = self.rng
        self.emit(
            {
                "type": "discipline",
                "id": self.next_id("CF"),
                "officer_id": officer_id,
                "reason": reason or rng.choice(DISCIPLINE_REASONS),
                "kind": _pick(rng, DISCIPLINES),
                "at": date_str(day_of(at)),
                "case_id": case_id,
            }
        )

    def before_case(self, w: CaseWork, kept: dict[str, Record]) -> None:
        """Before the case is written: whether the parties may look it up, and the custody
        chain of its property."""
        if any(
            r["type"] == "transcript" and r.get("guardian_present") is not None
            for r in kept.values()
        ):
            w.case["disclosable"] = False  # a minor was heard: never on the public portal
        self.movements(w, kept)

    def case(self, w: CaseWork, kept: dict[str, Record]) -> None:
        """What follows a case outside the case file: reviews, complaints, safety events, the
        interrogation room's recordings."""
        rng = self.rng
        case = w.case
        lead = case["lead_officer_id"]
        events = [r for r in kept.values() if r["type"] == "event"]
        decision = next((e["at"] for e in events if e["kind"] == "处罚决定"), None)
        prosecuted = next((e["at"] for e in events if e["kind"] == "移送审查起诉"), None)
        outcome = decided = None
        if decision is not None:
            x = rng.random()
            if x < 0.02:
                filed = decision + rng.randint(5, 55) * DAY
                outcome, decided = self._review(
                    case["id"], "行政复议", filed, (30, 60), REVIEW_OUTCOMES, lead
                )
            elif x < 0.026:
                filed = decision + rng.randint(20, 150) * DAY
                outcome, decided = self._review(
                    case["id"], "行政诉讼", filed, (60, 180), REVIEW_OUTCOMES, lead
                )
        if prosecuted is not None:
            x = rng.random()
            if x < 0.08:
                filed = prosecuted + rng.randint(15, 30) * DAY
                self._review(
                    case["id"], "退回补充侦查", filed, (20, 30), (("纠正", 1),), lead,
                    note="补充侦查后重新移送审查起诉",
                )  # fmt: skip
            elif x < 0.09:
                filed = prosecuted + rng.randint(5, 40) * DAY
                outcome, decided = self._review(
                    case["id"], "检察监督", filed, (10, 30), (("纠正", 1),), lead,
                    note="检察机关发出纠正违法通知书",
                )  # fmt: skip
        if outcome in LOST and decided is not None and rng.random() < 0.3:
            filed = decided + rng.randint(10, 40) * DAY
            _, held = self._review(
                case["id"], "执法过错追究", filed, (20, 60), (("纠正", 1),), lead
            )
            if held is not None and lead:
                self.discipline(lead, held, case["id"], "案件被撤销，认定存在执法过错")
        if lead and rng.random() < 0.012:
            self.complaint(case["accepted_at"], case["unit_id"], [lead], case_id=case["id"])
        visits = [r for r in kept.values() if r["type"] == "venue_visit"]
        if visits and rng.random() < 0.0006:
            visit = visits[0]
            at = visit["entered_at"] + rng.randint(1, 5) * HOUR
            if at <= self.as_of:
                kind = _pick(rng, SAFETY_KINDS)
                self.emit(
                    {
                        "type": "safety_event",
                        "id": self.next_id("AQ"),
                        "at": at,
                        "unit_id": case["unit_id"],
                        "kind": kind,
                        "case_id": case["id"],
                        "person_id": visit["person_id"],
                        "venue_id": visit["venue_id"],
                        "officer_ids": w.pair(),
                        "note": SAFETY_NOTES[kind],
                    }
                )
        for tr in [r for r in kept.values() if r["type"] == "transcript"]:
            if tr["kind"] == "讯问" and tr["recorded"]:
                # the interrogation room's camera, filed under the first interrogator
                self.recording(
                    tr["officer_ids"][0], tr["started_at"], tr["ended_at"],
                    case_id=case["id"], evidence=True, purge=False,
                )  # fmt: skip

    # --- the custody chain (GF-CW-03 … 05) -------------------------------------------------

    def movements(self, w: CaseWork, kept: dict[str, Record]) -> None:
        """Each kept item's chain: 入库 when the store event says so, perhaps a 调用 returned in
        time, and the exit its disposal event records (返还, 处置 or 移交); then the movements an
        injection added (``w.moves``). Cut at as_of."""
        rng = self.rng
        props = [r for r in kept.values() if r["type"] == "property"]
        if not props:
            return
        by_prop: dict[str, list[Record]] = {}
        for rec in kept.values():
            if rec["type"] == "event" and rec["property_id"] is not None:
                by_prop.setdefault(rec["property_id"], []).append(rec)
        for prop in props:
            events = sorted(by_prop.get(prop["id"], []), key=lambda e: e["at"])
            stored = next((e for e in events if e["kind"] == "财物入库"), None)
            chain: list[Record] = []
            if stored is not None and not prop.get("_no_store_move"):
                chain.append(movement(prop, "入库", stored["at"], stored["officer_ids"]))
                shelf, place = rng.randint(1, 20), rng.randint(1, 40)
                prop["location"] = f"{'ABCD'[rng.randrange(4)]}区-{shelf:02d}-{place:02d}"
                leave = next(
                    (e for e in events if e["kind"] in MOVED_OUT and e["at"] > stored["at"]), None
                )
                until = leave["at"] if leave is not None else self.as_of
                if not prop.get("_fixed") and rng.random() < 0.12:
                    chain += self._borrow(w, prop, stored["at"], until)
                if leave is not None and not prop.get("_fixed"):
                    kind = MOVED_OUT[leave["kind"]]
                    if leave["note"] == TRANSFER_NOTE:
                        kind = "移交"
                    chain.append(movement(prop, kind, leave["at"], leave["officer_ids"]))
            chain += w.moves.get(prop["id"], [])
            chain.sort(key=lambda r: r["at"])
            for n, move in enumerate(chain, 1):
                if move["at"] > self.as_of:
                    break
                move["id"] = f"{prop['id']}-L{n}"
                kept[move["id"]] = move

    def _borrow(self, w: CaseWork, prop: Record, stored: int, until: int) -> list[Record]:
        """A 调用 (for identification, an expert opinion …) with its 归还 in time, or nothing
        when it does not fit before the item leaves the store."""
        rng = self.rng
        out = stored + rng.randint(1, 6) * DAY + rng.randint(1, 8) * HOUR
        days = rng.randint(3, 10)
        due = out + days * DAY if rng.random() < 0.8 else None
        back = out + rng.randint(2, 20) * HOUR + rng.randint(0, min(days, 5) - 1) * DAY
        if back + HOUR >= until or back > self.as_of:
            return []
        officers = w.pair()
        return [
            movement(prop, "调用", out, officers, due=due, approved=w.chief().id, note="辨认"),
            movement(prop, "归还", back, officers),
        ]

    # --- the officers' file (诚信档案) -----------------------------------------------------

    def personnel(self, officers: list[Officer], window_start: int) -> None:
        rng = self.rng
        first, last = day_of(window_start), day_of(self.as_of) - 1
        for officer in officers:
            if officer.qualified_day is not None and first + 40 <= officer.qualified_day <= last:
                exam = officer.qualified_day - rng.randint(20, 40)
                self._training(officer, "执法资格考试", exam,
                               f"{date_str(exam)[:4]}年度{officer.qualification}执法资格考试",
                               "通过")  # fmt: skip
            elif officer.qualification == "无" and officer.role != "辅警" and rng.random() < 0.3:
                exam = rng.randint(first, last)
                self._training(officer, "执法资格考试", exam,
                               f"{date_str(exam)[:4]}年度基本级执法资格考试", "未通过")  # fmt: skip
            for _ in range(rng.randint(1, 4)):
                kind = _pick(rng, TRAINING_KINDS)
                result = {"学法考试": "合格" if rng.random() < 0.95 else "不合格",
                          "培训": "合格"}.get(kind)  # fmt: skip
                self._training(officer, kind, rng.randint(first, last),
                               rng.choice(TRAINING_TITLES[kind]), result)  # fmt: skip
            if officer.role == "辅警":
                continue
            if rng.random() < 0.06:
                self.emit(
                    {
                        "type": "commendation",
                        "id": self.next_id("JL"),
                        "officer_id": officer.id,
                        "reason": rng.choice(COMMENDATION_REASONS),
                        "kind": _pick(rng, COMMENDATIONS),
                        "at": date_str(rng.randint(first, last)),
                    }
                )
            if rng.random() < 0.01:
                self.discipline(officer.id, rng.randint(first, last) * DAY)

    def _training(
        self, officer: Officer, kind: str, day: int, title: str, result: str | None
    ) -> None:
        hours = {"培训": float(self.rng.choice((4, 8, 16, 24, 40))), "庭审旁听": 4.0}.get(kind)
        if kind == "执法资格考试":
            hours = 2.5
        self.emit(
            {
                "type": "training",
                "id": self.next_id("PX"),
                "officer_id": officer.id,
                "kind": kind,
                "title": title,
                "at": date_str(day),
                "hours": hours,
                "result": result,
            }
        )


def movement(
    prop: Record,
    kind: str,
    at: int,
    officers: list[str],
    *,
    due: int | None = None,
    approved: str | None = None,
    note: str | None = None,
) -> Record:
    return {
        "type": "property_movement",
        "id": "",  # numbered once the chain is sorted
        "property_id": prop["id"],
        "kind": kind,
        "at": at,
        "officer_ids": list(officers),
        "due_back_at": due,
        "approved_by": approved,
        "note": note,
    }
