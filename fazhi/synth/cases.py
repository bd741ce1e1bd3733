"""Cases and their procedural paths.

A ``CaseWork`` collects every record of one case as the path unfolds (times may run past
``as_of``), then ``finish`` cuts the case at ``as_of`` — acts not yet done are simply absent,
states (ended_at, status, property status) are those of ``as_of`` — fills the investigation
activity a filed criminal case shows, and hands the records to the writer.

The steps (``detain``, ``bail``, ``decide`` …) take the delays of their acts as arguments: clean
paths pass delays far inside every legal limit, injections pass deviant ones.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fazhi.synth import names, transcripts
from fazhi.synth.county import County, Officer, Unit, Venue
from fazhi.synth.incidents import Cause
from fazhi.synth.oversight import movement
from fazhi.synth.periods import DAY, HOUR, MINUTE, date_of, fmt, fmt_date

Record = dict[str, Any]
TIME_FIELDS: dict[str, tuple[str, ...]] = {
    "incident": ("received_at", "arrived_at", "disposed_at"),
    "case": ("accepted_at", "filed_at", "closed_at"),
    "measure": ("started_at", "ended_at", "extended_to"),
    "property": ("seized_at",),
    "event": ("at",),
    "transcript": ("started_at", "ended_at"),
    "venue_visit": ("entered_at", "left_at"),
    "document": ("issued_at",),
    "followup": ("at",),
    # FZX v1.1
    "property_movement": ("at", "due_back_at"),
    "recording": ("started_at", "ended_at", "uploaded_at", "deleted_at"),
    "review": ("filed_at", "decided_at"),
    "complaint": ("received_at", "closed_at"),
    "safety_event": ("at",),
}
TIME_FIELDS["property"] = ("seized_at", "unrelated_at")
TERMINAL = frozenset({"不予立案", "移送审查起诉", "撤销案件", "终止侦查", "结案"})
FILL_DOCS = (
    "调取证据通知书",
    "协查函",
    "鉴定聘请书",
    "查询财产通知书",
    "调取证据清单",
    "侦查实验笔录",
)
SIGNED_KINDS = frozenset(
    {
        "传唤证",
        "拘传证",
        "拘留证",
        "逮捕证",
        "取保候审决定书",
        "监视居住决定书",
        "行政处罚决定书",
        "送达回执",
        "扣押清单",
    }
)
ITEMS: dict[str, tuple[tuple[str, str, int, int], ...]] = {
    # family: (name, property category, min value, max value)
    "theft": (
        ("电动车", "车辆", 1500, 4500),
        ("手机", "电子设备", 1200, 7000),
        ("笔记本电脑", "电子设备", 3000, 9000),
        ("金项链", "其他", 3000, 15000),
        ("电瓶", "其他", 300, 900),
    ),
    "fraud": (("作案手机", "电子设备", 800, 3000), ("银行卡", "文件", 0, 0)),
    "cards": (("银行卡", "文件", 0, 0), ("作案手机", "电子设备", 800, 3000)),
    "fight": (("木棍", "其他", 0, 0), ("啤酒瓶", "其他", 0, 0)),
    "drunk_driving": (("小型轿车", "车辆", 30000, 150000),),
    "drugs": (("甲基苯丙胺", "毒品", 0, 0), ("吸食工具", "其他", 0, 0)),
    "gambling": (("赌资", "现金", 500, 30000), ("扑克牌", "其他", 0, 0)),
    "disorder": (("手机", "电子设备", 800, 4000),),
    "vice": (("现金", "现金", 200, 1500), ("手机", "电子设备", 800, 4000)),
    "economic": (("账册", "文件", 0, 0), ("电脑主机", "电子设备", 2000, 6000)),
    "weapon": (("管制刀具", "管制刀具", 0, 0),),
}


@dataclass
class PersonH:
    rec: Record
    speaker: transcripts.Speaker
    role_key: str  # victim / witness / suspect
    birth: dt.date
    seq: int = 0
    rights_at: int | None = None
    visit: Record | None = None
    no_rights: bool = False  # XS-XW-01 injection: never told of his rights


@dataclass
class Ctx:
    """What every case of one county shares."""

    county: County
    rng: random.Random
    as_of: int
    emit: Callable[[Record], None]
    counters: dict[str, int] = field(default_factory=dict)
    # the county's v1.1 records (oversight.Oversight), written beside each case
    oversight: Any = None

    def next_id(self, letter: str) -> str:
        n = self.counters.get(letter, 0) + 1
        self.counters[letter] = n
        width = 7 if letter == "J" else 6
        return f"{self.county.prefix}-{letter}{n:0{width}d}"


def birth_text(birth: dt.date) -> str:
    return f"{birth.year}年{birth.month}月{birth.day}日"


class CaseWork:
    def __init__(
        self,
        ctx: Ctx,
        *,
        kind: str,
        cause: Cause,
        unit: Unit,
        incident: Record | None,
        accepted_at: int,
        town: names.Town,
        complex_case: bool = False,
        lead: Officer | None = None,
        receipt_after: int | None = 0,
    ) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.kind = kind
        self.cause = cause
        self.unit = unit
        self.town = town
        self.id = ctx.next_id("X" if kind == "刑事" else "Z")
        self.records: list[Record] = []
        self.counts: dict[str, int] = {}
        self.persons: list[PersonH] = []
        self.status: list[tuple[int, str]] = [(accepted_at, "受案")]
        self.prop_status: dict[str, list[tuple[int, str]]] = {}
        self.silent_after: int | None = None  # GF-AJ-01: no activity after this time
        # Path bookkeeping: when each suspect's branch lets the case close, and what stays open.
        self.ends: list[tuple[int, PersonH]] = []
        self.open_bails: list[Record] = []
        self.open_surveils: list[Record] = []
        self.closing = "prosecute"
        self.props: list[Record] = []
        # property id → movements an injection adds to the item's custody chain
        self.moves: dict[str, list[Record]] = {}
        self.accepted_at = accepted_at
        day = accepted_at // DAY
        leads = unit.leads(day)
        self.lead = lead or self.rng.choice(leads)
        sworn = [o for o in unit.sworn() if o is not self.lead]
        self.rng.shuffle(sworn)
        self.co = sworn[:2]
        aux = unit.auxiliaries()
        self.aux = self.rng.choice(aux) if aux and self.rng.random() < 0.5 else None
        team = [o.id for o in self.co] + ([self.aux.id] if self.aux else [])
        self.case: Record = {
            "type": "case",
            "id": self.id,
            "kind": kind,
            "cause": cause.cause,
            "unit_id": unit.id,
            "lead_officer_id": self.lead.id,
            "officer_ids": team,
            "incident_id": incident["id"] if incident else None,
            "accepted_at": accepted_at,
            # 行政 cases are filed when accepted (the exchange example does so too).
            "filed_at": accepted_at if kind == "行政" else None,
            "status": "受案",
            "closed_at": None,
            "complex": complex_case,
        }
        # 受案回执 (JQ-03: 24 h) and 受案登记表 at acceptance; 0 = the usual few minutes.
        if receipt_after is not None:
            delay = receipt_after or self.rng.randint(5, 90) * MINUTE
            self.event("受案回执", accepted_at + delay)
        self.doc("受案登记表", accepted_at, signed=False)
        family = transcripts.FAMILY_OF_CAUSE.get(cause.cause, "theft")
        at = (incident["received_at"] if incident else accepted_at) - self.rng.randint(
            10 * MINUTE, 20 * HOUR
        )
        self.facts = transcripts.Facts(
            cause=cause.cause,
            family=family,
            at=at,
            place=names.building_address(self.rng, ctx.county.name, town),
            victim=names.full_name(self.rng, self.rng.random() < 0.5),
            suspects=[],
            item=self.rng.choice(ITEMS.get(family, ITEMS["theft"]))[0],
            amount=self.rng.randrange(5, 500) * 100,
        )

    # --- record helpers -----------------------------------------------------------------

    def _id(self, letter: str) -> str:
        n = self.counts.get(letter, 0) + 1
        self.counts[letter] = n
        return f"{self.id}-{letter}{n}"

    def doc_number(self, kind: str, year: int) -> str:
        """文号 in the usual shape, e.g. 青溪公拘字〔2026〕123号."""
        return f"{self.ctx.county.name[:2]}公{kind[:2]}字〔{year}〕{self.rng.randrange(1, 9999)}号"

    def pair(self) -> list[str]:
        return [self.lead.id, self.co[0].id] if self.co else [self.lead.id]

    def event(
        self,
        kind: str,
        at: int,
        person: PersonH | None = None,
        measure: Record | None = None,
        prop: Record | None = None,
        note: str | None = None,
    ) -> Record:
        rec: Record = {
            "type": "event",
            "id": self._id("E"),
            "kind": kind,
            "at": at,
            "case_id": self.id,
            "person_id": person.rec["id"] if person else None,
            "measure_id": measure["id"] if measure else None,
            "property_id": prop["id"] if prop else None,
            "officer_ids": self.pair(),
            "note": note,
        }
        self.records.append(rec)
        return rec

    def doc(
        self,
        kind: str,
        at: int,
        person: PersonH | None = None,
        measure: Record | None = None,
        signed: bool = True,
    ) -> Record:
        year = date_of(at).year
        rec: Record = {
            "type": "document",
            "id": self._id("D"),
            "case_id": self.id,
            "kind": kind,
            "number": self.doc_number(kind, year),
            "issued_at": at,
            "measure_id": measure["id"] if measure else None,
            "person_id": person.rec["id"] if person else None,
            "signed": signed,
        }
        self.records.append(rec)
        return rec

    def add_person(
        self,
        role: str,
        *,
        minor: bool = False,
        with_id: bool = True,
        name: str | None = None,
        male: bool | None = None,
    ) -> PersonH:
        rng = self.rng
        male = (
            rng.random() < (0.8 if role in {"犯罪嫌疑人", "违法行为人"} else 0.5)
            if male is None
            else male
        )
        on = date_of(self.accepted_at)
        if minor:
            # 14 to 16½ at acceptance: still a minor at every act of the case.
            birth = names.birth_date_for_age(rng, on, 14.1, 16.5)
        else:
            birth = names.birth_date_for_age(rng, on, 19.0, 68.0)
        id_number = names.make_id_number(rng, birth, male, 0.75) if with_id else None
        name = name or names.full_name(rng, male)
        address = names.full_address(rng, self.ctx.county.name, self.town)
        phone = names.phone(rng) if not minor or rng.random() < 0.5 else None
        rec: Record = {
            "type": "person",
            "id": self._id("P"),
            "case_id": self.id,
            "name": name,
            "id_number": id_number,
            "birth_date": birth.isoformat() if (with_id or rng.random() < 0.5) else None,
            "gender": "男" if male else "女",
            "role": role,
            "phone": phone,
        }
        key = {"犯罪嫌疑人": "suspect", "违法行为人": "suspect", "证人": "witness"}.get(
            role, "victim"
        )
        speaker = transcripts.Speaker(
            name=name,
            male=male,
            birth=birth_text(birth),
            id_number=id_number,
            address=address,
            phone=phone,
            role=key,
        )
        person = PersonH(rec, speaker, key, birth)
        self.records.append(rec)
        self.persons.append(person)
        return person

    def suspect(self, minor: bool = False) -> PersonH:
        role = "犯罪嫌疑人" if self.kind == "刑事" else "违法行为人"
        person = self.add_person(role, minor=minor)
        self.facts.suspects.append(person.rec["name"])
        return person

    def victim(self, role: str = "被害人") -> PersonH:
        return self.add_person(role, name=self.facts.victim)

    # --- officers and transcripts ---------------------------------------------------------

    def _pairs(self) -> list[list[Officer]]:
        team = [o for o in (self.lead, *self.co) if o.sworn]
        pairs = [[team[i], team[j]] for i in range(len(team)) for j in range(i + 1, len(team))]
        others = self.unit.sworn()
        for _ in range(8):
            if len(others) >= 2:
                pairs.append(self.rng.sample(others, 2))
        return pairs

    def book(
        self,
        start: int,
        duration: int,
        max_shift: int,
        pairs: list[list[Officer]] | None = None,
        ignore: tuple[int, int] | None = None,
    ) -> tuple[list[Officer], int]:
        """Officers free for the whole transcript: by default two sworn ones (GF-XW-01), never
        double-booked (GF-XW-03) except for the one interval ``ignore`` names."""
        custom = pairs is not None
        attempts = [pairs or self._pairs()]
        if not custom:
            # In a rare busy hour (seen at province scale) the team and the sampled pairs are all
            # taken: then any two sworn officers of the unit. This pass draws nothing from the
            # random stream, so the data of every seed that never needed it is unchanged.
            sworn = self.unit.sworn()
            attempts.append([[a, b] for i, a in enumerate(sworn) for b in sworn[i + 1 :]])
        for candidates in attempts:
            shift = 0
            while shift <= max_shift:
                s = start + shift
                e = s + duration
                for pair in candidates:
                    if len({o.id for o in pair}) == len(pair) and all(
                        o.is_free(s, e, ignore) for o in pair
                    ):
                        chosen = list(pair)
                        if (
                            not custom
                            and self.aux is not None
                            and self.rng.random() < 0.3
                            and self.aux.is_free(s, e)
                        ):
                            chosen.append(self.aux)  # a 辅警 as third, recording
                        for officer in chosen:
                            officer.book(s, e)
                        return chosen, s
                shift += 20 * MINUTE
        raise RuntimeError(f"no two free officers for a transcript in {self.id}")

    def venue_for(self, kind: str, person: PersonH, in_custody: bool) -> Venue | None:
        county = self.ctx.county
        if in_custody:
            return county.detention_house
        room_kind = "讯问室" if kind == "讯问" else "询问室"
        if person.role_key != "suspect" and self.rng.random() < 0.15:
            return None  # heard at home or in hospital
        unit = self.unit
        if person.role_key == "suspect" and self.rng.random() < 0.4:
            unit = county.brigades["执法办案管理中心"]
        return self.room(room_kind, unit)

    def room(self, kind: str, unit: Unit | None = None) -> Venue | None:
        """A room of ``kind`` of ``unit`` (the case's by default); a unit without one borrows
        the case-management centre's."""
        centre = self.ctx.county.brigades["执法办案管理中心"]
        return (unit or self.unit).venue(kind, self.rng) or centre.venue(kind, self.rng)

    def transcript(
        self,
        person: PersonH,
        earliest: int,
        *,
        kind: str | None = None,
        max_shift: int = 3 * HOUR,
        in_custody: bool = False,
        recorded: bool = True,
        guardian: bool | None = None,
        long: bool = False,
        body: list[str] | None = None,
        with_rights: bool = True,
        pairs: list[list[Officer]] | None = None,
        duration: int | None = None,
        venue: Venue | str | None = "auto",
        ignore: tuple[int, int] | None = None,
    ) -> Record:
        rng = self.rng
        if kind is None:
            kind = "讯问" if person.role_key == "suspect" and self.kind == "刑事" else "询问"
        person.seq += 1
        if body is None:
            body = transcripts.body_for(
                rng, self.facts, person.speaker, self.town.name, person.seq, long
            )
        size = sum(len(line) + 1 for line in body) + 420
        if duration is None:
            # Writing speed of a real transcript: 15 to 45 characters a minute, at least 20 min.
            duration = max(20 * MINUTE, int(size / rng.uniform(15.0, 45.0)) * MINUTE)
        officers, start = self.book(earliest, duration, max_shift, pairs, ignore)
        end = start + duration
        place = self.venue_for(kind, person, in_custody) if venue == "auto" else venue
        assert not isinstance(place, str)
        unit_name = f"{self.ctx.county.name}公安局{self.unit.name}"
        text = transcripts.compose(
            rng,
            kind=kind,
            seq=person.seq,
            start=start,
            end=end,
            venue_name=place.name if place else self.facts.place,
            unit_name=unit_name,
            officer_names=[o.name for o in officers],
            speaker=person.speaker,
            body=body,
            with_rights=with_rights and not person.no_rights,
        )
        minor = self.is_minor(person, start)
        rec: Record = {
            "type": "transcript",
            "id": self._id("T"),
            "case_id": self.id,
            "person_id": person.rec["id"],
            "kind": kind,
            "started_at": start,
            "ended_at": end,
            "venue_id": place.id if place else None,
            "officer_ids": [o.id for o in officers],
            "recorded": recorded,
            "guardian_present": (True if minor else None) if guardian is None else guardian,
            "text": text,
            "_body": body,
        }
        self.records.append(rec)
        return rec

    def is_minor(self, person: PersonH, at: int) -> bool:
        return names.age_on(person.birth, date_of(at)) < 18

    def rights(self, person: PersonH, at: int) -> None:
        if person.rights_at is None and not person.no_rights:
            person.rights_at = at
            self.event("权利义务告知", at, person)

    def visit_open(self, person: PersonH, entered: int, venue: Venue | None = None) -> Record:
        county = self.ctx.county
        if venue is None:
            venue = self.unit.venue("办案区", self.rng) or county.brigades[
                "执法办案管理中心"
            ].venue("办案区", self.rng)
        assert venue is not None
        rec: Record = {
            "type": "venue_visit",
            "id": self._id("V"),
            "venue_id": venue.id,
            "person_id": person.rec["id"],
            "case_id": self.id,
            "entered_at": entered,
            "left_at": None,
            "safety_checked": True,
            "belongings_registered": True,
            "recorded": True,
        }
        person.visit = rec
        self.records.append(rec)
        return rec

    def visit_close(self, person: PersonH, left: int) -> None:
        if person.visit is not None:
            person.visit["left_at"] = left
            person.visit = None

    # --- measures ---------------------------------------------------------------------

    def measure(
        self,
        kind: str,
        person: PersonH,
        start: int,
        *,
        approver: Officer | None = None,
        deposit: float | None = None,
    ) -> Record:
        year = date_of(start).year
        rec: Record = {
            "type": "measure",
            "id": self._id("M"),
            "case_id": self.id,
            "person_id": person.rec["id"],
            "kind": kind,
            "started_at": start,
            "ended_at": None,
            "approved_by": (approver or self.rng.choice(self.ctx.county.leaders)).id,
            "document_no": self.doc_number(kind, year),
            "deposit_amount": deposit,
            "extended_to": None,
        }
        self.records.append(rec)
        return rec

    def extend(self, measure: Record, at: int, until: int, note: str) -> None:
        """An approved extension: the 延长期限 event and the new limit from then on."""
        measure["extended_to"] = until
        measure["_ext_at"] = at
        self.event("延长期限", at, self.person_of(measure), measure, note=note)

    def person_of(self, measure: Record) -> PersonH:
        for person in self.persons:
            if person.rec["id"] == measure["person_id"]:
                return person
        raise KeyError(measure["person_id"])

    def chief(self) -> Officer:
        for officer in self.unit.officers:
            if officer.role == "所队长":
                return officer
        return self.lead

    # --- status -----------------------------------------------------------------------

    def set_status(self, at: int, status: str) -> None:
        self.status.append((at, status))

    def file(self, at: int, notify_victim: bool = True) -> None:
        self.case["filed_at"] = at
        self.event("立案", at)
        self.doc("立案决定书", at - 5 * MINUTE, signed=False)
        self.set_status(at, "立案")
        self.set_status(at + DAY, "侦查中")
        victims = [p for p in self.persons if p.rec["role"] == "被害人"]
        if notify_victim and victims:
            self.event("立案告知", at + self.rng.randint(1, 20) * HOUR, victims[0])

    # --- finishing ------------------------------------------------------------------------

    def finish(self) -> dict[str, Record]:
        """Cut at as_of, settle states, add activity, emit. Returns the records kept by id."""
        as_of = self.ctx.as_of
        case = self.case
        kept: dict[str, Record] = {}
        if case["accepted_at"] > as_of:
            return kept
        if case["filed_at"] is not None and case["filed_at"] > as_of:
            case["filed_at"] = None
        status = "受案"
        closed_at = None
        for at, value in sorted(self.status, key=lambda s: s[0]):
            if at <= as_of:
                status = value
                closed_at = at if value in TERMINAL else None
        case["status"] = status
        case["closed_at"] = closed_at
        kept[case["id"]] = case
        for rec in self.records:
            if self._keep(rec, kept, as_of):
                kept[rec["id"]] = rec
        if self.kind == "刑事" and case["filed_at"] is not None:
            self._fill_activity(kept, closed_at if closed_at is not None else as_of)
        oversight = self.ctx.oversight
        if oversight is not None:
            oversight.before_case(self, kept)
        emit = self.ctx.emit
        emit(case)
        for rec in kept.values():
            if rec is not case:
                emit(rec)
        if oversight is not None:
            oversight.case(self, kept)
        return kept

    def _keep(self, rec: Record, kept: dict[str, Record], as_of: int) -> bool:
        kind = rec["type"]
        for ref in ("person_id", "measure_id", "property_id"):
            target = rec.get(ref)
            if target is not None and target not in kept:
                return False
        if kind == "person":
            return True
        if kind == "measure":
            if rec["started_at"] > as_of:
                return False
            if rec["ended_at"] is not None and rec["ended_at"] > as_of:
                rec["ended_at"] = None
            ext_at = rec.pop("_ext_at", None)
            if ext_at is not None and ext_at > as_of:
                rec["extended_to"] = None
            return True
        if kind == "property":
            if rec["seized_at"] > as_of:
                return False
            status = "待入库"
            for at, value in self.prop_status.get(rec["id"], []):
                if at <= as_of:
                    status = value
            rec["status"] = status
            return True
        if kind == "event":
            return bool(rec["at"] <= as_of)
        if kind == "document":
            return bool(rec["issued_at"] <= as_of)
        if kind == "transcript":
            return bool(rec["ended_at"] <= as_of and rec["started_at"] <= as_of)
        if kind == "venue_visit":
            if rec["entered_at"] > as_of:
                return False
            if rec["left_at"] is not None and rec["left_at"] > as_of:
                rec["left_at"] = None
            return True
        raise ValueError(kind)

    def _fill_activity(self, kept: dict[str, Record], until: int) -> None:
        """Investigation documents so that no filed case goes 30 days without activity
        (GF-AJ-01 asks for 60): a real investigation leaves paper behind."""
        times = [self.case["filed_at"]]
        for rec in kept.values():
            kind = rec["type"]
            if kind == "event":
                times.append(rec["at"])
            elif kind == "document":
                times.append(rec["issued_at"])
            elif kind == "transcript":
                times.append(rec["started_at"])
            elif kind == "measure":
                times.append(rec["started_at"])
                if rec["ended_at"] is not None:
                    times.append(rec["ended_at"])
        limit = until if self.silent_after is None else min(until, self.silent_after)
        points = sorted(t for t in times if t <= limit)
        points.append(limit)
        rng = self.rng
        for a, b in itertools.pairwise(points):
            t = a
            while b - t > 28 * DAY:
                t += (
                    rng.randint(12, 26) * DAY
                    + rng.randint(8, 17) * HOUR
                    - (t % DAY)
                    + (rng.randint(0, 50) * MINUTE)
                )
                rec = self.doc(rng.choice(FILL_DOCS), t, signed=rng.random() < 0.6)
                kept[rec["id"]] = rec

    # --- property -----------------------------------------------------------------------

    def seize(
        self, at: int, owner: PersonH | None, store_after: int | None, count: int = 1
    ) -> list[Record]:
        rng = self.rng
        items = ITEMS.get(self.facts.family, ITEMS["theft"])
        props = []
        chosen = rng.sample(items, min(count, len(items)))
        for name, category, low, high in chosen:
            value = rng.randint(low, high) if high else None
            quantity: float = 1
            if category == "毒品":
                quantity = round(rng.uniform(0.2, 8.0), 2)
            rec: Record = {
                "type": "property",
                "id": self._id("W"),
                "case_id": self.id,
                "name": name,
                "category": category,
                "quantity": quantity,
                "value": value,
                "seized_at": at,
                "status": "待入库",
            }
            self.records.append(rec)
            self.prop_status[rec["id"]] = []
            if store_after is not None:
                stored = at + store_after
                self.event("财物入库", stored, owner, prop=rec)
                self.prop_status[rec["id"]].append((stored, "在库"))
            props.append(rec)
        self.doc("扣押清单", at + 10 * MINUTE, owner)
        return props

    def move(
        self,
        prop: Record,
        kind: str,
        at: int,
        *,
        due: int | None = None,
        approved: str | None = None,
        note: str | None = None,
    ) -> Record:
        """A movement of ``prop`` beyond those its events imply (injections)."""
        rec = movement(prop, kind, at, self.pair(), due=due, approved=approved, note=note)
        self.moves.setdefault(prop["id"], []).append(rec)
        return rec

    def dispose(self, prop: Record, at: int, how: str) -> None:
        if how == "已返还":
            self.event("财物返还", at, prop=prop, note="发还被害人")
        else:
            note = {"已没收": "依法没收", "已销毁": "依法销毁", "已移送": "随案移送"}[how]
            self.event("财物处置", at, prop=prop, note=note)
        self.prop_status[prop["id"]].append((at, how))


def format_record(rec: Record) -> Record:
    """The FZX form of a record: times as ISO strings, private keys dropped."""
    out: Record = {}
    times = TIME_FIELDS.get(rec["type"], ())
    for key, value in rec.items():
        if key[0] == "_":
            continue
        out[key] = fmt(value) if key in times else value
    if rec["type"] == "officer" and isinstance(rec.get("qualified_at"), int):
        out["qualified_at"] = fmt_date(rec["qualified_at"])
    return out
