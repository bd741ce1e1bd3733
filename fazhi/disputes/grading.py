"""The dispute risk score: what the data says about each dispute (``collect``), the points it
earns with a reason for each (``score``), its colour (``colour_for``) and the checklist answers
the data can give (``prefill``).

``collect`` reads a batch of incidents with a constant number of set-based queries; only the
text of each incident is looked at in Python (cues from ``fazhi.intel.lexicon``, amounts, the
cause table). The factors, their points and the thresholds are documented in docs/disputes.md
and set in ``RiskPolicy``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q

from fazhi.disputes.models import Consequence, RiskColour, RiskPolicy
from fazhi.intel.addresses import jurisdictions, place_key
from fazhi.intel.lexicon import CUE_LABELS, find_cues
from fazhi.records import models as m
from fazhi.records.enums import IncidentCategory

REPEAT_SHORT_DAYS = 30
REPEAT_LONG_DAYS = 90
CHUNK = 500

# Violent causes: an earlier case of a party with one of these is "prior violence".
VIOLENT_CAUSES = (
    "殴打", "伤害", "寻衅滋事", "抢劫", "杀人", "斗殴", "家庭暴力", "虐待", "故意毁坏",
    "非法拘禁", "强奸", "绑架", "阻碍执行职务",
)  # fmt: skip
DRUG_CAUSES = ("吸毒", "毒品", "贩毒", "容留他人吸毒")
ESCALATION_SUBS = ("threat", "revenge", "self_harm")
SUB_LABELS = CUE_LABELS  # the lexicon's own names of its subcategories

# 纠纷成因 (cause) derived from the text when the data does not give one: the first row whose
# word occurs wins. Documented in docs/disputes.md.
CAUSE_TABLE: list[tuple[str, tuple[str, ...]]] = [
    ("婚恋情感", ("离婚", "彩礼", "出轨", "感情", "分手", "前夫", "前妻", "男友", "女友")),
    ("赡养抚养", ("赡养", "抚养", "孩子教育")),
    ("家庭琐事", ("家庭琐事", "家务", "酒后在家")),
    ("拖欠工资", ("工资", "工钱")),
    ("债务借贷", ("欠", "借款", "借钱", "货款", "租金", "装修款", "还钱")),
    ("合伙经营", ("合伙", "分账")),
    ("房产宅基地", ("宅基地", "房产", "界址", "承包地", "山林", "鱼塘", "茶园", "围墙")),
    ("噪音扰民", ("噪音", "装修时间", "吵闹")),
    ("公共空间", ("堆放", "车位", "养狗", "监控", "排水", "采光", "楼道", "漏水", "滴水")),
    ("物业服务", ("物业", "停车收费", "停水", "电梯")),
    ("事故赔偿", ("刮擦", "碰擦", "赔偿", "追尾")),
    ("医疗服务", ("就诊", "治疗", "医生", "医院")),
    ("消费争议", ("退换", "价格", "收费", "消费")),
]
CAUSE_FALLBACK = "其他"

# Vulnerable persons named in the text, and signs of a group; small documented tables.
VULNERABLE_WORDS = (
    "老人", "老年人", "高龄", "独居", "未成年", "儿童", "小孩", "幼儿", "婴儿", "学生",
    "残疾", "残障", "孕妇", "瘫痪", "智力障碍",
)  # fmt: skip
GROUP_WORDS = ("多名", "多人", "聚集", "围堵", "群体", "一伙", "数十人", "十余人", "工友", "业主")

# 12元, 3.5万元, 三万元, 5000块
_AMOUNT = re.compile(r"([0-9]+(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千万]+)(万)?(?:元|块)")


@dataclass
class PartyInfo:
    name: str
    phone: str
    id_number: str
    birth_date: date | None
    source: str
    person_ids: list[str] = field(default_factory=list)
    prior_cases: list[dict[str, Any]] = field(default_factory=list)
    prior_incidents: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Signals:
    """What the data says about one dispute incident."""

    incident_id: str
    received_at: datetime
    dispute_type: str
    cues: dict[str, list[str]] = field(default_factory=dict)  # escalation sub -> terms
    assault_terms: list[str] = field(default_factory=list)
    violent_cases: list[tuple[str, str]] = field(default_factory=list)  # this incident's cases
    vulnerable_terms: list[str] = field(default_factory=list)
    vulnerable_ages: list[tuple[str, int]] = field(default_factory=list)
    group_terms: list[str] = field(default_factory=list)
    amount: Decimal | None = None
    amount_text: str = ""
    repeat_30d: list[str] = field(default_factory=list)
    repeat_90d: list[str] = field(default_factory=list)
    parties: list[PartyInfo] = field(default_factory=list)
    last_result: str | None = None
    last_followup_id: str | None = None
    followup_count: int = 0
    disposition: str | None = None
    cause: str = ""
    cause_source: str = ""

    def _prior_cases(self, words: tuple[str, ...]) -> list[tuple[str, str, str]]:
        """(party, case id, cause) of the parties' earlier cases whose cause names one of
        ``words``."""
        return [
            (p.name, c["id"], c["cause"])
            for p in self.parties
            for c in p.prior_cases
            if any(word in c["cause"] for word in words)
        ]

    @property
    def prior_violence(self) -> list[tuple[str, str, str]]:
        return self._prior_cases(VIOLENT_CAUSES)

    @property
    def prior_drugs(self) -> list[tuple[str, str, str]]:
        return self._prior_cases(DRUG_CAUSES)

    @property
    def consequence(self) -> str:
        if self.assault_terms or self.violent_cases:
            return Consequence.INJURY
        if self.amount is not None:
            return Consequence.PROPERTY
        return Consequence.NONE


# --- reading the text ---------------------------------------------------------------------------


def parse_amount(token: str, wan: bool) -> Decimal | None:
    try:
        if token[0].isdigit():
            value = Decimal(token)
        else:
            import cn2an

            value = Decimal(str(cn2an.cn2an(token.replace("〇", "零"), "smart")))
    except (InvalidOperation, ValueError, KeyError, IndexError):
        return None
    return value * 10_000 if wan else value


def largest_amount(text: str) -> tuple[Decimal | None, str]:
    """The largest sum of money named in ``text`` (元/万元/块, Arabic or Chinese numerals)."""
    best: Decimal | None = None
    best_text = ""
    for match in _AMOUNT.finditer(text or ""):
        value = parse_amount(match.group(1), bool(match.group(2)))
        if value is not None and (best is None or value > best):
            best, best_text = value, match.group(0)
    return best, best_text


def derive_cause(text: str) -> str:
    for cause, words in CAUSE_TABLE:
        if any(word in text for word in words):
            return cause
    return CAUSE_FALLBACK


def words_in(text: str, words: Iterable[str]) -> list[str]:
    return [w for w in words if w in (text or "")]


def age_at(birth: date, when: date) -> int:
    return when.year - birth.year - ((when.month, when.day) < (birth.month, birth.day))


# --- collecting, set-based ----------------------------------------------------------------------


def _chunks(values: Sequence[str]) -> Iterable[list[str]]:
    items = sorted({v for v in values if v})
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def dispute_incidents() -> Q:
    """The incidents that are disputes: category 纠纷, or any incident with a dispute type."""
    return Q(category=IncidentCategory.DISPUTE) | Q(dispute_type__isnull=False)


def collect(incident_ids: Sequence[str], policy: RiskPolicy) -> dict[str, Signals]:
    """Signals for each incident of ``incident_ids`` (a constant number of queries per batch of
    at most ``CHUNK`` phones or ids)."""
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in m.Incident.objects.filter(pk__in=incident_ids).values(
            "id",
            "received_at",
            "address",
            "reporter_name",
            "reporter_phone",
            "unit_id",
            "description",
            "dispute_type",
            "disposition",
            "extra",
        )
    ]
    if not rows:
        return {}
    out: dict[str, Signals] = {}
    for row in rows:
        text = row["description"] or ""
        sig = Signals(row["id"], row["received_at"], row["dispute_type"] or "其他")
        for cue in find_cues(text, "escalation"):
            if not cue.negated and cue.term not in sig.cues.get(cue.subcategory, []):
                sig.cues.setdefault(cue.subcategory, []).append(cue.term)
        # the assault words of the offence lexicon (打伤, 被打, 殴打 …) are the injury signs
        sig.assault_terms = [
            c.term
            for c in find_cues(text, "offence")
            if c.subcategory == "assault" and not c.negated
        ]
        sig.vulnerable_terms = words_in(text, VULNERABLE_WORDS)
        sig.group_terms = words_in(text, GROUP_WORDS)
        sig.amount, sig.amount_text = largest_amount(text)
        sig.disposition = row["disposition"]
        extra = row["extra"] or {}
        given = extra.get("cause") or extra.get("dispute_cause")
        if isinstance(given, str) and given.strip():
            sig.cause, sig.cause_source = given.strip()[:32], "警情登记（纠纷成因）"
        else:
            sig.cause = derive_cause(text)
            sig.cause_source = (
                "警情描述（成因词表）" if sig.cause != CAUSE_FALLBACK else "警情描述未识别成因"
            )
        out[row["id"]] = sig

    _repetition(rows, out)
    _parties(rows, out, policy)
    _followups(out)
    return out


def _repetition(rows: list[dict[str, Any]], out: dict[str, Signals]) -> None:
    """Other dispute incidents at the same place (normalised address within one jurisdiction)
    or from the same phone within 30 / 90 days before each incident (one range query over
    dispute incidents)."""
    jurisdiction = jurisdictions()
    earliest = min(r["received_at"] for r in rows) - timedelta(days=REPEAT_LONG_DAYS)
    latest = max(r["received_at"] for r in rows)
    by_address: dict[str, list[tuple[datetime, str]]] = {}
    by_phone: dict[str, list[tuple[datetime, str]]] = {}
    others = (
        m.Incident.objects.filter(dispute_incidents())
        .filter(received_at__gte=earliest, received_at__lte=latest)
        .values_list("id", "received_at", "address", "reporter_phone", "unit_id")
    )
    for pk, at, address, phone, unit_id in others.iterator(chunk_size=2000):
        key = place_key(address or "", jurisdiction.get(unit_id))
        if key:
            by_address.setdefault(key, []).append((at, pk))
        if phone:
            by_phone.setdefault(phone, []).append((at, pk))
    for row in rows:
        sig = out[row["id"]]
        at = row["received_at"]
        near: set[str] = set()
        far: set[str] = set()
        place = place_key(row["address"] or "", jurisdiction.get(row["unit_id"]))
        candidates = (by_address.get(place, []) if place else []) + by_phone.get(
            row["reporter_phone"] or "", []
        )
        for other_at, pk in candidates:
            if pk == row["id"] or other_at > at:
                continue
            if other_at >= at - timedelta(days=REPEAT_SHORT_DAYS):
                near.add(pk)
            elif other_at >= at - timedelta(days=REPEAT_LONG_DAYS):
                far.add(pk)
        sig.repeat_30d = sorted(near)
        sig.repeat_90d = sorted(far)


def _parties(rows: list[dict[str, Any]], out: dict[str, Signals], policy: RiskPolicy) -> None:
    """The reporter and the persons of cases on the incident, matched to every person in the
    store with the same name and phone or the same 身份证号; their earlier cases and incidents."""
    ids = [r["id"] for r in rows]
    own_cases: dict[str, list[dict[str, Any]]] = {}
    for pk, cause, incident_id in m.Case.objects.filter(incident_id__in=ids).values_list(
        "id", "cause", "incident_id"
    ):
        own_cases.setdefault(str(incident_id), []).append({"id": pk, "cause": cause})
    for incident_id, cases in own_cases.items():
        out[incident_id].violent_cases = [
            (c["id"], c["cause"]) for c in cases if any(w in c["cause"] for w in VIOLENT_CAUSES)
        ]
    case_persons = m.Person.objects.filter(case__incident_id__in=ids).values(
        "id", "name", "phone", "id_number", "birth_date", "role", "case_id", "case__incident_id"
    )
    parties: dict[str, dict[tuple[str, str], PartyInfo]] = {r["id"]: {} for r in rows}
    for r in rows:
        if r["reporter_name"] or r["reporter_phone"]:
            key = (r["reporter_name"] or "", r["reporter_phone"] or "")
            parties[r["id"]][key] = PartyInfo(key[0] or "（未留姓名）", key[1], "", None, "报警人")
    for p in case_persons:
        key = (p["name"], p["phone"] or "")
        known = parties[p["case__incident_id"]].get(key)
        if known is None:
            known = PartyInfo(
                p["name"], p["phone"] or "", p["id_number"] or "", p["birth_date"],
                f"案件 {p['case_id']} {p['role']}",
            )  # fmt: skip
            parties[p["case__incident_id"]][key] = known
        known.id_number = known.id_number or p["id_number"] or ""
        known.birth_date = known.birth_date or p["birth_date"]

    everyone = [party for group in parties.values() for party in group.values()]
    phones = [p.phone for p in everyone]
    numbers = [p.id_number for p in everyone]
    fields = (
        "id", "name", "phone", "id_number", "birth_date", "role", "case_id", "case__cause",
        "case__accepted_at", "case__incident_id",
    )  # fmt: skip
    by_phone: dict[str, list[dict[str, Any]]] = {}
    by_number: dict[str, list[dict[str, Any]]] = {}
    for chunk in _chunks(phones):
        for person in m.Person.objects.filter(phone__in=chunk).values(*fields):
            by_phone.setdefault(person["phone"], []).append(person)
    for chunk in _chunks(numbers):
        for person in m.Person.objects.filter(id_number__in=chunk).values(*fields):
            by_number.setdefault(person["id_number"], []).append(person)
    incidents_by_phone: dict[str, list[tuple[str, datetime, str]]] = {}
    for chunk in _chunks(phones):
        for pk, at, phone, category in m.Incident.objects.filter(
            reporter_phone__in=chunk
        ).values_list("id", "received_at", "reporter_phone", "category"):
            incidents_by_phone.setdefault(str(phone), []).append((pk, at, category))

    for row in rows:
        sig = out[row["id"]]
        at = row["received_at"]
        for party in parties[row["id"]].values():
            matched: dict[str, dict[str, Any]] = {}
            for person in by_phone.get(party.phone, []):
                if person["name"] == party.name:
                    matched[person["id"]] = person
            for person in by_number.get(party.id_number, []) if party.id_number else []:
                matched[person["id"]] = person
            party.person_ids = sorted(matched)
            seen_cases: dict[str, dict[str, Any]] = {}
            for person in matched.values():
                party.birth_date = party.birth_date or person["birth_date"]
                party.id_number = party.id_number or person["id_number"] or ""
                if person["case__incident_id"] == row["id"] or person["case__accepted_at"] >= at:
                    continue
                seen_cases.setdefault(
                    person["case_id"],
                    {
                        "id": person["case_id"],
                        "cause": person["case__cause"],
                        "role": person["role"],
                        "accepted_at": person["case__accepted_at"].isoformat(),
                    },
                )
            party.prior_cases = sorted(seen_cases.values(), key=lambda c: c["accepted_at"])
            party.prior_incidents = [
                {"id": pk, "at": when.isoformat(), "category": category}
                for pk, when, category in sorted(
                    incidents_by_phone.get(party.phone, []), key=lambda x: x[1]
                )
                if pk != row["id"] and when < at
            ]
            if party.birth_date is not None:
                age = age_at(party.birth_date, at.date())
                if age >= policy.elderly_age or age < policy.minor_age:
                    sig.vulnerable_ages.append((party.name, age))
            sig.parties.append(party)


def _followups(out: dict[str, Signals]) -> None:
    for pk, incident_id, result in (
        m.Followup.objects.filter(incident_id__in=list(out))
        .order_by("incident_id", "at", "id")
        .values_list("id", "incident_id", "result")
    ):
        sig = out[incident_id]
        sig.last_result, sig.last_followup_id = result, pk
        sig.followup_count += 1


# --- the score ----------------------------------------------------------------------------------


def _ids(ids: list[str], limit: int = 3) -> str:
    shown = "、".join(ids[:limit])
    return f"{shown} 等" if len(ids) > limit else shown


def score(sig: Signals, policy: RiskPolicy) -> list[dict[str, Any]]:
    """The points ``sig`` earns: ``[{factor, points, reason}]`` in the order of the score table;
    factors worth 0 points are left out."""
    reasons: list[dict[str, Any]] = []

    def add(factor: str, reason: str, points: int | None = None) -> None:
        value = policy.points_for(factor) if points is None else points
        if value:
            reasons.append({"factor": factor, "points": value, "reason": reason})

    type_points = int(policy.type_points.get(sig.dispute_type, 0))
    add("type", f"纠纷类型为{sig.dispute_type}", type_points)
    if sig.repeat_30d:
        n, ids = len(sig.repeat_30d), _ids(sig.repeat_30d)
        add("repeat_30d", f"同一地址或报警电话 30 日内另有纠纷警情 {n} 起（{ids}）")
    elif sig.repeat_90d:
        n, ids = len(sig.repeat_90d), _ids(sig.repeat_90d)
        add("repeat_90d", f"同一地址或报警电话 90 日内另有纠纷警情 {n} 起（{ids}）")
    for sub in ESCALATION_SUBS:
        if sig.cues.get(sub):
            add(sub, f"警情描述含{SUB_LABELS[sub]}信号：{'、'.join(sig.cues[sub])}")
    if sig.cues.get("weapon"):
        add("weapon", f"警情描述涉及凶器：{'、'.join(sig.cues['weapon'])}")
    if sig.cues.get("mental_illness"):
        add("mental_illness", f"警情描述涉及精神异常：{'、'.join(sig.cues['mental_illness'])}")
    if sig.assault_terms or sig.violent_cases:
        parts = []
        if sig.assault_terms:
            parts.append(f"警情描述：{'、'.join(sig.assault_terms)}")
        if sig.violent_cases:
            parts.append("；".join(f"案件 {c}（{cause}）" for c, cause in sig.violent_cases))
        add("injury", "有人身伤害：" + "；".join(parts))
    if sig.vulnerable_terms or sig.vulnerable_ages:
        parts = []
        if sig.vulnerable_terms:
            parts.append(f"警情描述：{'、'.join(sig.vulnerable_terms)}")
        if sig.vulnerable_ages:
            parts.append("、".join(f"{name} {age} 岁" for name, age in sig.vulnerable_ages))
        add("vulnerable", "涉及弱势人员：" + "；".join(parts))
    violent = sig.prior_violence
    if violent:
        shown = "；".join(f"{name}：案件 {case}（{cause}）" for name, case, cause in violent[:3])
        add("prior_violence", f"当事人有暴力违法犯罪前科：{shown}")
    if sig.amount is not None:
        amount = f"{sig.amount_text}（{sig.amount:,.0f} 元）"
        if sig.amount >= policy.money_large_at:
            add("money_large", f"涉及金额较大：{amount}，达到 {policy.money_large_at:,} 元")
        elif sig.amount >= policy.money_at:
            add("money", f"涉及金额：{amount}，达到 {policy.money_at:,} 元")
    if sig.group_terms:
        add("group", f"有群体性迹象：{'、'.join(sig.group_terms)}")
    if sig.last_result == "有激化风险":
        add("escalating", f"最近一次回访（{sig.last_followup_id}）结果为有激化风险")
    elif sig.last_result == "未化解":
        add("unresolved", f"最近一次回访（{sig.last_followup_id}）结果为未化解")
    return reasons


def colour_for(total: int, policy: RiskPolicy) -> str:
    if total >= policy.red_at:
        return RiskColour.RED
    if total >= policy.yellow_at:
        return RiskColour.YELLOW
    return RiskColour.BLUE


# --- the checklists -----------------------------------------------------------------------------


def prefill(sig: Signals) -> dict[str, tuple[str, str]]:
    """``{item: (answer, source)}`` for the checklist items the data answers; the community
    officer answers the others (absence of a word in the text is no answer about a person)."""
    out: dict[str, tuple[str, str]] = {}
    named = [p for p in sig.parties if p.person_ids or p.phone or p.id_number]
    if named:
        records = [
            f"{p.name}：案件 {c['id']}（{c['cause']}，{c['role']}）"
            for p in named
            for c in p.prior_cases
        ]
        if records:
            out["prior_records"] = (
                "有：" + "；".join(records[:5]),
                "案件 " + "、".join(c["id"] for p in named for c in p.prior_cases[:3]),
            )
        else:
            out["prior_records"] = ("库内未查到当事人涉案记录", "人员比对（姓名+电话、身份证号）")
        contacts = sorted({i["id"] for p in named for i in p.prior_incidents})
        contacts = sorted(set(contacts) | set(sig.repeat_30d) | set(sig.repeat_90d))
        out["prior_contacts"] = (
            f"有既往警情 {len(contacts)} 起" if contacts else "未查到既往警情",
            f"历史警情 {len(contacts)} 起" + (f"（{_ids(contacts)}）" if contacts else ""),
        )
    if sig.cues.get("mental_illness"):
        out["mental_state"] = (
            f"疑似精神异常（{'、'.join(sig.cues['mental_illness'])}）",
            "来源：警情描述",
        )
    if sig.prior_drugs:
        name, case, cause = sig.prior_drugs[0]
        out["drug_history"] = (f"有：{name} 案件 {case}（{cause}）", f"案件 {case}")
    if sig.cues.get("weapon"):
        out["weapons"] = (f"涉及凶器（{'、'.join(sig.cues['weapon'])}）", "来源：警情描述")
    if sig.amount is not None:
        out["debts"] = (f"涉及金额 {sig.amount:,.0f} 元（{sig.amount_text}）", "来源：警情描述")
    threats = sig.cues.get("threat", []) + sig.cues.get("revenge", [])
    threats += sig.cues.get("self_harm", [])
    if threats:
        out["recent_threats"] = (f"有（{'、'.join(threats)}）", "来源：警情描述")

    out["type"] = (sig.dispute_type, "来源：警情登记（纠纷类型）")
    harm = sig.consequence
    harm_source = "来源：警情描述"
    if sig.violent_cases:
        harm_source = "案件 " + "、".join(c for c, _cause in sig.violent_cases)
    out["harm"] = (str(harm), harm_source)
    out["cause"] = (sig.cause, f"来源：{sig.cause_source}")
    out["repetition"] = (
        f"30 日内 {len(sig.repeat_30d)} 起，31–90 日 {len(sig.repeat_90d)} 起",
        f"历史警情 {len(sig.repeat_30d) + len(sig.repeat_90d)} 起（同一地址或报警电话）",
    )
    signs = [f"{SUB_LABELS[sub]}：{'、'.join(terms)}" for sub, terms in sorted(sig.cues.items())]
    out["escalation"] = (
        "有：" + "；".join(signs) if signs else "警情描述未见激化迹象",
        "来源：警情描述",
    )
    if sig.vulnerable_terms or sig.vulnerable_ages:
        found = sig.vulnerable_terms + [f"{n} {a} 岁" for n, a in sig.vulnerable_ages]
        out["vulnerable"] = ("涉及：" + "、".join(found), "来源：警情描述、人员出生日期")
    if sig.group_terms:
        out["group"] = (f"有群体性迹象（{'、'.join(sig.group_terms)}）", "来源：警情描述")
    if sig.last_result:
        out["mediation"] = (
            sig.last_result,
            f"回访记录 {sig.last_followup_id}（共 {sig.followup_count} 次）",
        )
    elif sig.disposition == "调解":
        out["mediation"] = ("现场已调解，待回访确认", "来源：警情处置结果")
    return out
