"""An independent, deliberately plain reading of rules.md, used to check the generator's truth.

For every rule it decides, per subject, whether a finding (other than a warning) *certainly*
follows, certainly does not, or depends on a reading rules.md leaves open (holiday roll-over or
working days for a day period, matching an act by measure or by person, a longer cue list …).
The generator must produce no subject of the third kind, and its truth file must list exactly
the first kind: then any patrol engine faithful to rules.md scores precision and recall 1.0.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from fazhi.synth import incidents, names, transcripts
from fazhi.synth.periods import (
    DAY,
    HOUR,
    add_months,
    day_due,
    latest_day_due,
    month_due,
    parse_iso,
)

Rec = dict[str, Any]
RULE_CUES = ("被盗", "被抢", "诈骗", "打伤", "砍伤", "被打")
ESCALATION = ("刀", "持刀", "自杀", "跳楼", "喝农药", "扬言", "报复", "精神病", "杀")
CUSTODY_VENUES = {"办案区", "询问室", "讯问室"}
SIGNED = {
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


@dataclass
class Verdict:
    findings: set[tuple[str, str, str, str]] = field(default_factory=set)
    ambiguous: list[str] = field(default_factory=list)

    def add(self, rule: str, rec: Rec, status: str) -> None:
        self.findings.add((rule, rec["type"], rec["id"], status))

    def unsure(self, rule: str, rec: Rec, why: str) -> None:
        self.ambiguous.append(f"{rule} {rec['type']} {rec['id']}: {why}")


def load(path: str) -> dict[str, list[Rec]]:
    out: dict[str, list[Rec]] = defaultdict(list)
    with open(path, "rb") as fh:
        for line in fh:
            rec = orjson.loads(line)
            out[rec["type"]].append(rec)
    return out


def t(value: str | None) -> int | None:
    return None if value is None else parse_iso(value)


class Oracle:
    def __init__(self, data: dict[str, list[Rec]], as_of: int) -> None:
        self.d = data
        self.as_of = as_of
        self.v = Verdict()
        self.cases = {c["id"]: c for c in data["case"]}
        self.persons = {p["id"]: p for p in data["person"]}
        self.officers = {o["id"]: o for o in data["officer"]}
        self.venues = {v["id"]: v for v in data["venue"]}
        self.measures = {m["id"]: m for m in data["measure"]}
        self.ev_case: dict[str, list[Rec]] = defaultdict(list)
        self.ev_person: dict[str, list[Rec]] = defaultdict(list)
        self.ev_measure: dict[str, list[Rec]] = defaultdict(list)
        self.ev_prop: dict[str, list[Rec]] = defaultdict(list)
        for e in data["event"]:
            e["_t"] = t(e["at"])
            if e["case_id"]:
                self.ev_case[e["case_id"]].append(e)
            if e["person_id"]:
                self.ev_person[e["person_id"]].append(e)
            if e["measure_id"]:
                self.ev_measure[e["measure_id"]].append(e)
            if e["property_id"]:
                self.ev_prop[e["property_id"]].append(e)
        self.tr_person: dict[str, list[Rec]] = defaultdict(list)
        for tr in data["transcript"]:
            tr["_s"], tr["_e"] = t(tr["started_at"]), t(tr["ended_at"])
            self.tr_person[tr["person_id"]].append(tr)
        self.doc_case: dict[str, list[Rec]] = defaultdict(list)
        for doc in data["document"]:
            doc["_t"] = t(doc["issued_at"])
            self.doc_case[doc["case_id"]].append(doc)
        self.m_person: dict[str, list[Rec]] = defaultdict(list)
        self.m_case: dict[str, list[Rec]] = defaultdict(list)
        for m in data["measure"]:
            m["_s"], m["_e"], m["_x"] = t(m["started_at"]), t(m["ended_at"]), t(m["extended_to"])
            self.m_person[m["person_id"]].append(m)
            self.m_case[m["case_id"]].append(m)
        self.case_by_incident: dict[str, list[Rec]] = defaultdict(list)
        for c in data["case"]:
            if c["incident_id"]:
                self.case_by_incident[c["incident_id"]].append(c)

    # --- deadline machinery -------------------------------------------------------------

    def first(self, times: Iterable[int | None], trigger: int) -> int | None:
        ok = [x for x in times if x is not None and trigger <= x <= self.as_of]
        return min(ok) if ok else None

    def deadline(
        self,
        rule: str,
        rec: Rec,
        act: int | None,
        early: int,
        late: int,
        alt: int | None = ...,  # type: ignore[assignment]
    ) -> None:
        """``act`` under the main reading; ``alt`` (when given) under the other one."""
        outcomes = {self._outcome(act, early, late)}
        if alt is not ...:
            outcomes.add(self._outcome(alt, early, late))
        if len(outcomes) > 1 or "?" in outcomes:
            self.v.unsure(rule, rec, f"outcomes {outcomes}")
            return
        outcome = outcomes.pop()
        if outcome:
            self.v.add(rule, rec, outcome)

    def _outcome(self, act: int | None, early: int, late: int) -> str:
        if act is None:
            if self.as_of > late:
                return "overdue"
            return "" if self.as_of <= early else "?"
        if act > late:
            return "late"
        return "" if act <= early else "?"

    def days(self, start: int, n: int, custody: bool) -> tuple[int, int]:
        if custody:
            due = day_due(start, n, rollover=False)
            return due, due
        return day_due(start, n, rollover=False), latest_day_due(start, n)

    def months(self, start: int, n: int, custody: bool) -> tuple[int, int]:
        if custody:
            due = add_months(start, n)
            return due, due
        return add_months(start, n), month_due(start, n, rollover=True)

    def extended(
        self, rule: str, m: Rec, base: tuple[int, int], cap: int
    ) -> tuple[int, int] | None:
        """The due window with a recorded extension; None when the extension breaks the cap."""
        x = m["_x"]
        if x is None:
            return base
        if x > cap:
            self.v.add(rule, m, "violation")
            return None
        return x, x

    def match(self, events: list[Rec], kinds: set[str]) -> list[int]:
        return [e["_t"] for e in events if e["kind"] in kinds]

    def by_measure_or_person(self, m: Rec, kinds: set[str]) -> tuple[int | None, int | None]:
        trig = m["_s"]
        by_m = self.first(self.match(self.ev_measure[m["id"]], kinds), trig)
        by_p = self.first(self.match(self.ev_person[m["person_id"]], kinds), trig)
        return by_m, by_p

    # --- rules --------------------------------------------------------------------------

    def run(self) -> Verdict:
        self.measures_rules()
        self.case_rules()
        self.incident_rules()
        self.transcript_rules()
        self.other_rules()
        self.v11_rules()
        return self.v

    def measures_rules(self) -> None:
        for m in self.d["measure"]:
            kind, start, case = m["kind"], m["_s"], self.cases[m["case_id"]]
            ended = (
                m["_e"]
                if m["_e"] is not None and m["_e"] >= start and m["_e"] <= self.as_of
                else None
            )
            if kind in {"传唤", "拘传"} and case["kind"] == "刑事":
                due = self.extended(
                    "XS-CH-01", m, (start + 12 * HOUR, start + 12 * HOUR), start + 24 * HOUR
                )
                if due:
                    self.deadline("XS-CH-01", m, ended, *due)
            if kind == "刑事拘留":
                # XS-JL-01: the detention ending (release, change of measure) also closes it
                by_m, by_p = self.by_measure_or_person(m, {"送看守所"})
                self.deadline(
                    "XS-JL-01",
                    m,
                    min((x for x in (by_m, ended) if x is not None), default=None),
                    start + DAY,
                    start + DAY,
                    min((x for x in (by_p, ended) if x is not None), default=None),
                )
                by_m, by_p = self.by_measure_or_person(m, {"通知家属", "无法通知家属"})
                self.deadline("XS-JL-02", m, by_m, start + DAY, start + DAY, by_p)
                tr = self.first(
                    (x["_s"] for x in self.tr_person[m["person_id"]] if x["kind"] == "讯问"), start
                )
                self.deadline("XS-JL-03", m, tr, start + DAY, start + DAY)
                by_m, by_p = self.by_measure_or_person(m, {"提请批准逮捕"})
                cap_days = 30 if case["complex"] else 7
                due = self.extended(
                    "XS-JL-04", m, self.days(start, 3, True), day_due(start, cap_days, False)
                )
                if due:
                    act_m = min((x for x in (by_m, ended) if x is not None), default=None)
                    act_p = min((x for x in (by_p, ended) if x is not None), default=None)
                    self.deadline("XS-JL-04", m, act_m, *due, act_p)
                if any(e["kind"] == "不批准逮捕" for e in self.ev_measure[m["id"]]):
                    for e in self.ev_measure[m["id"]]:
                        if e["kind"] == "不批准逮捕":
                            act = ended if ended is not None and ended >= e["_t"] else None
                            self.deadline(
                                "XS-DB-01", e, act, e["_t"] + 12 * HOUR, e["_t"] + 12 * HOUR
                            )
            if kind == "逮捕":
                by_m, by_p = self.by_measure_or_person(m, {"通知家属"})
                self.deadline("XS-DB-02", m, by_m, start + DAY, start + DAY, by_p)
                tr = self.first(
                    (x["_s"] for x in self.tr_person[m["person_id"]] if x["kind"] == "讯问"), start
                )
                self.deadline("XS-DB-03", m, tr, start + DAY, start + DAY)
                sends = [
                    e["_t"]
                    for e in self.ev_case[m["case_id"]]
                    if e["kind"] == "移送审查起诉" and e["person_id"] in (None, m["person_id"])
                ]
                act = min(
                    (x for x in (self.first(sends, start), ended) if x is not None), default=None
                )
                due = self.extended(
                    "XS-JY-01", m, self.months(start, 2, True), add_months(start, 7)
                )
                if due:
                    self.deadline("XS-JY-01", m, act, *due)
            if kind == "取保候审":
                self.deadline("XS-QB-01", m, ended, *self.months(start, 12, False))
                person = self.persons[m["person_id"]]
                minor_id, minor_birth = self.minor(person, start)
                amount = m["deposit_amount"]
                verdicts = {
                    amount is not None and amount < (500 if minor else 1000)
                    for minor in {minor_id, minor_birth}
                    if minor is not None
                } or {amount is not None and amount < 1000}
                if amount is None:
                    self.v.unsure("XS-QB-03", m, "no deposit recorded")
                elif len(verdicts) > 1:
                    self.v.unsure("XS-QB-03", m, "minor or not depends on the date used")
                elif verdicts.pop():
                    self.v.add("XS-QB-03", m, "violation")
                if ended is not None and amount:
                    by_m, by_p = self.by_measure_or_person(m, {"退还保证金", "没收保证金"})
                    by_m = self.first([x for x in [by_m] if x], ended)
                    by_p = self.first([x for x in [by_p] if x], ended)
                    self.deadline("XS-QB-04", m, by_m, *self.days(ended, 3, False), by_p)
            if kind in {"监视居住", "指定居所监视居住"}:
                self.deadline("XS-QB-02", m, ended, *self.months(start, 6, False))
            if kind == "指定居所监视居住":
                by_m, by_p = self.by_measure_or_person(m, {"通知家属"})
                self.deadline("XS-JS-01", m, by_m, start + DAY, start + DAY, by_p)
            if kind == "行政传唤":
                due = self.extended(
                    "ZA-CH-01", m, (start + 8 * HOUR, start + 8 * HOUR), start + 24 * HOUR
                )
                if due:
                    self.deadline("ZA-CH-01", m, ended, *due)
                by_m, by_p = self.by_measure_or_person(m, {"通知家属", "无法通知家属"})
                self.deadline("ZA-CH-02", m, by_m, start + 8 * HOUR, start + 8 * HOUR, by_p)
            if kind == "行政拘留":
                by_m, by_p = self.by_measure_or_person(m, {"通知家属"})
                self.deadline("ZA-JL-01", m, by_m, start + DAY, start + DAY, by_p)
            if kind == "扣押" and case["kind"] == "行政":
                due = self.extended(
                    "ZA-KY-01", m, self.days(start, 30, False), latest_day_due(start, 60)
                )
                if due:
                    self.deadline("ZA-KY-01", m, ended, *due)
            if kind == "刑事拘留" and not any(
                d["kind"] == "拘留证" and d["measure_id"] == m["id"]
                for d in self.doc_case[m["case_id"]]
            ):
                self.v.add("GF-JZ-01", m, "violation")
            if kind == "取保候审" and not any(
                d["kind"] == "取保候审决定书" and d["measure_id"] == m["id"]
                for d in self.doc_case[m["case_id"]]
            ):
                self.v.add("GF-JZ-02", m, "violation")

    def minor(self, person: Rec, at: int) -> tuple[bool | None, bool | None]:
        on = dt.date(2000, 1, 1) + dt.timedelta(days=at // DAY)
        by_id = by_birth = None
        number = person["id_number"]
        if number and names.id_number_valid(number):
            birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
            by_id = names.age_on(birth, on) < 18
        if person["birth_date"]:
            by_birth = names.age_on(dt.date.fromisoformat(person["birth_date"]), on) < 18
        return by_id, by_birth

    def case_rules(self) -> None:
        for c in self.d["case"]:
            acc = t(c["accepted_at"])
            assert acc is not None
            events = self.ev_case[c["id"]]
            ext = sum(1 for e in events if e["kind"] == "延长期限")
            filed = t(c["filed_at"])
            if c["kind"] == "刑事":
                act = self.first(
                    [
                        filed if filed is not None and filed >= acc else None,
                        *self.match(events, {"不予立案"}),
                    ],
                    acc,
                )
                early = self.days(acc, 3, False)[0]
                late = latest_day_due(acc, 30 if ext and c["complex"] else 7 if ext else 3)
                self.deadline("XS-LA-01", c, act, early, late)
                for e in events:
                    if e["kind"] == "不予立案":
                        act = self.first(self.match(events, {"不立案告知"}), e["_t"])
                        self.deadline("XS-LA-02", e, act, *self.days(e["_t"], 3, False))
                    if e["kind"] == "撤销案件":
                        act = self.first(self.match(events, {"送达"}), e["_t"])
                        self.deadline("XS-LA-03", e, act, *self.days(e["_t"], 3, False))
                if filed is not None and c["closed_at"] is None:
                    acts = (
                        [filed]
                        + [e["_t"] for e in events]
                        + [d["_t"] for d in self.doc_case[c["id"]]]
                    )
                    acts += [
                        x["_s"] for p in self._case_persons(c["id"]) for x in self.tr_person[p]
                    ]
                    for m in self.m_case[c["id"]]:
                        acts += [m["_s"], m["_e"]]
                    latest = max(x for x in acts if x is not None and filed <= x <= self.as_of)
                    self.deadline("GF-AJ-01", c, None, *self.days(latest, 60, False))
            else:
                start = filed if filed is not None else acc
                act = self.first(self.match(events, {"处罚决定", "不予处罚决定", "结案"}), start)
                n = 30 + 30 * min(ext, 2)
                self.deadline(
                    "ZA-QX-01", c, act, day_due(start, 30, False), latest_day_due(start, n)
                )
                for e in events:
                    if e["kind"] == "处罚决定":
                        serve = self.first(self.match(events, {"送达"}), e["_t"])
                        self.deadline("ZA-SD-01", e, serve, *self.days(e["_t"], 2, False))
                        if not any(d["kind"] == "行政处罚决定书" for d in self.doc_case[c["id"]]):
                            self.v.add("GF-JZ-03", e, "violation")
            receipt = self.first(self.match(events, {"受案回执"}), acc)
            self.deadline("JQ-03", c, receipt, acc + DAY, acc + DAY)
            lead = self.officers.get(c["lead_officer_id"] or "")
            if lead is None:
                self.v.add("SJ-04", c, "violation")
            else:
                q_at = lead["qualified_at"]
                acc_date = (dt.date(2000, 1, 1) + dt.timedelta(days=acc // DAY)).isoformat()
                if (
                    lead["role"] == "辅警"
                    or lead["qualification"] == "无"
                    or (q_at and q_at > acc_date)
                ):
                    self.v.add("GF-ZG-01", c, "violation")
                elif q_at == acc_date:
                    self.v.unsure("GF-ZG-01", c, "qualified on the day of acceptance")
            if filed is not None and filed < acc:
                self.v.add("SJ-03", c, "violation")
            closed = t(c["closed_at"])
            if closed is not None and closed < acc:
                self.v.add("SJ-03", c, "violation")
        props_by_case: dict[str, list[Rec]] = defaultdict(list)
        for prop in self.d["property"]:
            props_by_case[prop["case_id"]].append(prop)
            seized = t(prop["seized_at"])
            assert seized is not None
            act = self.first(self.match(self.ev_prop[prop["id"]], {"财物入库"}), seized)
            self.deadline("GF-CW-01", prop, act, seized + DAY, seized + DAY)
        for c in self.d["case"]:
            closed = t(c["closed_at"])
            if closed is None:
                continue
            if any(p["status"] in {"待入库", "在库"} for p in props_by_case[c["id"]]):
                if closed < self.as_of - 31 * DAY:
                    self.v.add("GF-CW-02", c, "violation")
                elif closed < self.as_of - 29 * DAY:
                    self.v.unsure("GF-CW-02", c, "closed about 30 days ago")

    def _case_persons(self, case_id: str) -> list[str]:
        if not hasattr(self, "_persons_of"):
            self._persons_of: dict[str, list[str]] = defaultdict(list)
            for p in self.d["person"]:
                self._persons_of[p["case_id"]].append(p["id"])
        return self._persons_of.get(case_id, [])

    def incident_rules(self) -> None:
        disputes = []
        for i in self.d["incident"]:
            rec_t, disp_t = t(i["received_at"]), t(i["disposed_at"])
            assert rec_t is not None
            if disp_t is not None and disp_t < rec_t:
                self.v.add("SJ-03", i, "violation")
            if i["category"] in {"刑事", "治安", "纠纷"}:
                act = (
                    disp_t if i["disposition"] and disp_t is not None and disp_t >= rec_t else None
                )
                act = act if act is not None and act <= self.as_of else None
                self.deadline("JQ-01", i, act, rec_t + DAY, rec_t + DAY)
            if i["disposition"] == "受案" and disp_t is not None:
                act = self.first(
                    (t(c["accepted_at"]) for c in self.case_by_incident[i["id"]]), disp_t
                )
                self.deadline("JQ-02", i, act, disp_t + DAY, disp_t + DAY)
            text = i["description"]
            closed_without = (
                i["disposition"] in {"调解", "现场处置", "无效警情", "不予受案"}
                and not self.case_by_incident[i["id"]]
            )
            if closed_without:
                if i["category"] in {"刑事", "治安"} or any(c in text for c in RULE_CUES):
                    self.v.add("ZN-JQ-01", i, "suspicion")
                elif not incidents.clean_text(text) and i["category"] != "纠纷":
                    self.v.unsure("ZN-JQ-01", i, "a cue outside rules.md's list")
            if i["category"] == "纠纷":
                disputes.append(i)
                if any(c in text for c in ESCALATION):
                    self.v.add("ZN-JF-02", i, "suspicion")
                elif closed_without and not incidents.clean_text(text):
                    self.v.unsure("ZN-JF-02", i, "a cue outside rules.md's list")
        for key_of in (
            lambda i: incidents.building_key(i["address"]),
            lambda i: i["address"],
            lambda i: i["reporter_phone"],
        ):
            groups: dict[str, list[tuple[int, Rec]]] = defaultdict(list)
            for i in disputes:
                key = key_of(i)
                if key:
                    groups[key].append((t(i["received_at"]) or 0, i))
            for items in groups.values():
                if len(items) < 3:
                    continue
                items.sort(key=lambda x: x[0])
                for a in range(len(items) - 2):
                    span = items[a + 2][0] - items[a][0]
                    if span <= 30 * DAY:
                        for _, i in items[a : a + 3]:
                            self.v.add("ZN-JF-01", i, "suspicion")
                    elif span <= 32 * DAY:
                        self.v.unsure("ZN-JF-01", items[a][1], "three disputes in about 30 days")

    def transcript_rules(self) -> None:
        by_officer: dict[str, list[Rec]] = defaultdict(list)
        for tr in self.d["transcript"]:
            case = self.cases[tr["case_id"]]
            officers = [self.officers[o] for o in tr["officer_ids"]]
            if sum(1 for o in officers if o["role"] != "辅警") < 2:
                self.v.add("GF-XW-01", tr, "violation")
            person = self.persons[tr["person_id"]]
            minors = {x for x in self.minor(person, tr["_s"]) if x is not None}
            if minors == {True} and tr["guardian_present"] is not True:
                self.v.add("GF-XW-02", tr, "violation")
            elif len(minors) > 1 and tr["guardian_present"] is not True:
                self.v.unsure("GF-XW-02", tr, "minor by one date only")
            minutes = (tr["_e"] - tr["_s"]) / 60
            if minutes <= 0 or len(tr["text"]) > 250 * minutes:
                if minutes > 0:
                    self.v.add("GF-XW-04", tr, "violation")
                else:
                    self.v.unsure("GF-XW-04", tr, "no duration")
            elif len(tr["text"]) > 200 * minutes:
                self.v.unsure("GF-XW-04", tr, "close to 250 characters a minute")
            if tr["kind"] == "讯问" and case["kind"] == "刑事" and not tr["recorded"]:
                self.v.add("XS-XW-02", tr, "violation")
            venue = self.venues.get(tr["venue_id"] or "")
            if venue and venue["kind"] in CUSTODY_VENUES and not tr["recorded"]:
                self.v.add("ZA-XW-01", tr, "violation")
            if tr["_e"] < tr["_s"]:
                self.v.add("SJ-03", tr, "violation")
            for o in tr["officer_ids"]:
                by_officer[o].append(tr)
        for trs in by_officer.values():
            trs.sort(key=lambda x: x["_s"])
            for a in range(len(trs)):
                for b in range(a + 1, len(trs)):
                    if trs[b]["_s"] >= trs[a]["_e"]:
                        break
                    self.v.add("GF-XW-03", trs[a], "violation")
                    self.v.add("GF-XW-03", trs[b], "violation")
        for pid, trs in self.tr_person.items():
            first = min(
                (x for x in trs if x["kind"] == "讯问"), key=lambda x: x["_s"], default=None
            )
            if first is None:
                continue
            told = [
                e
                for e in self.ev_person[pid]
                if e["kind"] == "权利义务告知" and e["_t"] <= first["_s"]
            ]
            if not told:
                self.v.add("XS-XW-01", first, "violation")
        self.copies()

    def copies(self) -> None:
        from datasketch import MinHash, MinHashLSH

        lsh = MinHashLSH(threshold=0.6, num_perm=64)
        sets: dict[str, set[str]] = {}
        by_id = {tr["id"]: tr for tr in self.d["transcript"]}
        for tr in self.d["transcript"]:
            grams = transcripts.shingles(transcripts.narrative_text(tr["text"]))
            sets[tr["id"]] = grams
            mh = MinHash(num_perm=64)
            mh.update_batch([g.encode() for g in grams])
            for other in lsh.query(mh):
                if by_id[other]["person_id"] == tr["person_id"]:
                    continue
                score = transcripts.jaccard(grams, sets[other])
                if score >= 0.8:
                    self.v.add("ZN-BL-01", tr, "suspicion")
                    self.v.add("ZN-BL-01", by_id[other], "suspicion")
                elif score >= 0.6:
                    self.v.unsure("ZN-BL-01", tr, f"similar to {other}: {score:.2f}")
            lsh.insert(tr["id"], mh)

    def other_rules(self) -> None:
        for doc in self.d["document"]:
            if doc["kind"] in SIGNED and not doc["signed"]:
                self.v.add("GF-JZ-04", doc, "violation")
        for visit in self.d["venue_visit"]:
            for rule, flag in (
                ("GF-BA-01", "safety_checked"),
                ("GF-BA-02", "belongings_registered"),
                ("GF-BA-03", "recorded"),
            ):
                if not visit[flag]:
                    self.v.add(rule, visit, "violation")
            entered, left = t(visit["entered_at"]), t(visit["left_at"])
            assert entered is not None
            if left is not None and left < entered:
                self.v.add("SJ-03", visit, "violation")
            starts = [
                m["_s"]
                for m in self.m_person[visit["person_id"]]
                if m["kind"] in {"刑事拘留", "逮捕", "行政拘留"}
            ]
            act = self.first([left, *starts], entered)
            self.deadline("GF-BA-04", visit, act, entered + DAY, entered + DAY)
        for m in self.d["measure"]:
            if m["_e"] is not None and m["_e"] < m["_s"]:
                self.v.add("SJ-03", m, "violation")
        for p in self.d["person"]:
            number = p["id_number"]
            if number:
                if not names.id_number_valid(number):
                    self.v.add("SJ-01", p, "violation")
                elif p["birth_date"] and p["birth_date"].replace("-", "") != number[6:14]:
                    self.v.add("SJ-02", p, "violation")
            elif p["role"] in {"犯罪嫌疑人", "违法行为人"}:
                self.v.add("SJ-04", p, "violation")

    # --- FZX v1.1: qualification of unit leaders, custody chain, recordings ----------------

    def v11_rules(self) -> None:
        for officer in self.d["officer"]:
            if (
                officer["active"]
                and officer["role"] in {"所队长", "法制员"}
                and officer["qualification"] in {"无", "基本级"}
            ):
                self.v.add("GF-ZG-02", officer, "violation")
        chains: dict[str, list[Rec]] = defaultdict(list)
        for move in self.d["property_movement"]:
            move["_t"] = t(move["at"])
            chains[move["property_id"]].append(move)
        for chain in chains.values():
            chain.sort(key=lambda mv: mv["_t"])
            self.custody_chain(chain)
        for prop in self.d["property"]:
            found = t(prop.get("unrelated_at"))
            if not prop.get("unrelated") or found is None:
                continue
            returns = [mv["_t"] for mv in chains[prop["id"]] if mv["kind"] == "返还"]
            act = self.first(returns, found)
            if act is None and prop["status"] == "已返还":
                self.v.unsure("GF-CW-04", prop, "returned by status only: when is not known")
                continue
            early, late = self.days(found, 3, custody=False)
            self.deadline("GF-CW-04", prop, act, early, late)
        self.recordings()

    def custody_chain(self, chain: list[Rec]) -> None:
        """GF-CW-03 and GF-CW-05 over one item's movements, in time order."""
        times = [mv["_t"] for mv in chain]
        if len(set(times)) != len(times):
            self.v.unsure("GF-CW-05", chain[0], "two movements at the same time")
            return
        inside = False
        for n, mv in enumerate(chain):
            kind = mv["kind"]
            if kind == "入库":
                if inside:
                    self.v.add("GF-CW-05", mv, "violation")
                inside = True
            elif kind == "归还":
                inside = True
            else:
                if not inside:
                    self.v.add("GF-CW-05", mv, "violation")
                inside = False
            if kind == "调用":
                back = [later["_t"] for later in chain[n + 1 :] if later["kind"] == "归还"]
                act = self.first(back, mv["_t"])
                due = t(mv["due_back_at"])
                early, late = (due, due) if due is not None else self.days(mv["_t"], 7, False)
                self.deadline("GF-CW-03", mv, act, early, late)

    def recordings(self) -> None:
        by_officer: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for rec in self.d["recording"]:
            start, end = t(rec["started_at"]), t(rec["ended_at"])
            assert start is not None
            assert end is not None
            by_officer[rec["officer_id"]].append((start, end))
            uploaded = t(rec["uploaded_at"])
            self.deadline("LX-02", rec, self.first([uploaded], end), end + DAY, end + DAY)
            deleted = t(rec["deleted_at"])
            if deleted is None:
                continue
            case = self.cases.get(rec["case_id"] or "")
            case_closed = t(case["closed_at"]) if case is not None else None
            kept_open = case is not None and (case_closed is None or case_closed > deleted)
            if rec["evidence"] or kept_open or deleted < add_months(end, 6) - 3 * DAY:
                self.v.add("LX-03", rec, "violation")
            elif deleted < add_months(end, 6) + 3 * DAY:
                self.v.unsure("LX-03", rec, "deleted about 6 months after")
        for incident in self.d["incident"]:
            arrived = t(incident["arrived_at"])
            if arrived is None or incident["category"] not in {"刑事", "治安", "纠纷", "交通"}:
                continue
            covered = any(
                start <= arrived + 5 * 60 and end >= arrived
                for officer in incident["officer_ids"]
                for start, end in by_officer.get(officer, ())
            )
            if not covered:
                self.v.add("LX-01", incident, "violation")


def check(path: str, truth_path: str) -> tuple[Verdict, set[tuple[str, str, str, str]]]:
    with open(truth_path, "rb") as fh:
        header = orjson.loads(fh.readline())
        truth = set()
        for line in fh:
            row = orjson.loads(line)
            truth.add((row["rule"], row["subject_type"], row["subject_id"], row["status"]))
    as_of = parse_iso(header["as_of"])
    return Oracle(load(path), as_of).run(), truth
