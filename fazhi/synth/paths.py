"""The procedural steps of criminal and administrative cases, and the clean paths built of them.

Every clean delay is at most half of its legal limit (rules.md), so that no reading of holiday
roll-over or working-day counting can make a clean act late.
"""

from __future__ import annotations

import random

from fazhi.synth.cases import CaseWork, PersonH, Record
from fazhi.synth.periods import DAY, HOUR, MINUTE, add_months

NO_FAMILY_NOTES = (
    "犯罪嫌疑人拒绝提供家属联系方式，经多方查找无法联系其家属",
    "犯罪嫌疑人系外省流动人员，户籍地派出所协查未找到其近亲属",
    "犯罪嫌疑人自述无近亲属，经核查属实",
)


def daytime(rng: random.Random, t: int) -> int:
    """Move a non-urgent act into office hours (08:30-18:00), never earlier than ``t``."""
    hour = (t % DAY) // HOUR
    if 8 <= hour < 18:
        return t
    day = t - t % DAY + (DAY if hour >= 18 else 0)
    return day + 8 * HOUR + 30 * MINUTE + rng.randrange(0, 8 * 60) * MINUTE


def _r(rng: random.Random, low: float, high: float) -> int:
    """A random delay between ``low`` and ``high`` hours, in seconds (minute precision)."""
    return int(rng.uniform(low, high) * 60) * MINUTE


# --- criminal steps ---------------------------------------------------------------------


def hear(w: CaseWork, person: PersonH, at: int, long: bool = False) -> Record:
    w.rights(person, at)
    return w.transcript(person, at + 3 * MINUTE, long=long)


def summon(
    w: CaseWork,
    p: PersonH,
    at: int,
    *,
    kind: str = "传唤",
    end_after: int | None = None,
    ended: bool = True,
    extended_to: int | None = None,
    keep_visit: bool = False,
) -> tuple[Record, int]:
    """传唤/拘传 in a criminal case (XS-CH-01: 12 h), or 行政传唤 (ZA-CH-01: 8 h)."""
    approver = w.chief()
    m = w.measure(kind, p, at, approver=approver)
    w.doc({"传唤": "传唤证", "拘传": "拘传证", "行政传唤": "传唤证"}[kind], at - 10 * MINUTE, p)
    w.visit_open(p, at)
    w.rights(p, at + 5 * MINUTE)
    t = w.transcript(p, at + 15 * MINUTE, max_shift=HOUR)
    end = t["ended_at"] + _r(w.rng, 0.15, 0.6)
    if end_after is not None:
        end = at + end_after
    if extended_to is not None:
        w.extend(m, at + _r(w.rng, 1.0, 2.0), extended_to, "经批准延长传唤持续时间")
    if ended:
        m["ended_at"] = end
    if not keep_visit:
        w.visit_close(p, min(end, t["ended_at"] + HOUR))
    return m, end


def detain(
    w: CaseWork,
    p: PersonH,
    at: int,
    *,
    jail: int | None,
    notify: int | None,
    interrogate: int | None,
    notify_kind: str = "通知家属",
    warrant: bool = True,
    from_summon: bool = False,
    visit_left: int | None = None,
) -> Record:
    """刑事拘留: 拘留证, 送看守所 (XS-JL-01), 通知家属 (XS-JL-02), 讯问 (XS-JL-03)."""
    rng = w.rng
    m = w.measure("刑事拘留", p, at)
    if warrant:
        w.doc("拘留证", at - _r(rng, 0.2, 0.6), p, m)
    if not from_summon:
        w.visit_open(p, at - _r(rng, 0.0, 0.5))
        w.rights(p, at + 5 * MINUTE)
    jail_at = at + jail if jail is not None else None
    if interrogate is not None and interrogate <= 8 * HOUR:
        t = w.transcript(p, at + interrogate, max_shift=2 * HOUR)
        if jail_at is not None:
            jail_at = max(jail_at, t["ended_at"] + 15 * MINUTE)
    elif interrogate is not None:
        w.transcript(p, at + interrogate, in_custody=True, max_shift=HOUR)
    if visit_left is not None:
        w.visit_close(p, at + visit_left)
    if jail_at is not None:
        w.event("送看守所", jail_at, p, m)
        w.visit_close(p, jail_at)
    else:
        w.visit_close(p, at + _r(rng, 3.0, 7.0))
    if notify is not None:
        note = rng.choice(NO_FAMILY_NOTES) if notify_kind == "无法通知家属" else None
        w.event(notify_kind, at + notify, p, m, note=note)
        if notify_kind == "通知家属":
            w.doc("拘留通知书", at + notify, p, m, signed=False)
    return m


def request_arrest(w: CaseWork, p: PersonH, m: Record, at: int) -> None:
    w.doc("提请批准逮捕书", at - 10 * MINUTE, p, m, signed=False)
    w.event("提请批准逮捕", at, p, m)


def arrest(
    w: CaseWork,
    p: PersonH,
    detention: Record,
    decided: int,
    start: int,
    *,
    notify: int | None,
    interrogate: int | None,
) -> Record:
    """批准逮捕 → 逮捕: 通知家属 (XS-DB-02) and 讯问 (XS-DB-03) within 24 h."""
    w.event("批准逮捕", decided, p, detention)
    detention["ended_at"] = start
    m = w.measure("逮捕", p, start)
    w.doc("逮捕证", start - 10 * MINUTE, p, m)
    w.event("送看守所", start + _r(w.rng, 0.3, 1.5), p, m, note="执行逮捕后换押")
    if notify is not None:
        w.event("通知家属", start + notify, p, m)
        w.doc("逮捕通知书", start + notify, p, m, signed=False)
    if interrogate is not None:
        w.transcript(p, start + interrogate, in_custody=True, max_shift=2 * HOUR)
    return m


def refuse_arrest(w: CaseWork, p: PersonH, detention: Record, at: int, release: int | None) -> int:
    """不批准逮捕 → release at once (XS-DB-01: 12 h)."""
    w.event("不批准逮捕", at, p, detention)
    if release is None:
        return at
    detention["ended_at"] = at + release
    w.event("释放", at + release, p, detention)
    return at + release


def bail(
    w: CaseWork,
    p: PersonH,
    at: int,
    *,
    deposit: float,
    decision: bool = True,
    from_measure: Record | None = None,
) -> Record:
    m = w.measure("取保候审", p, at, deposit=deposit)
    if decision:
        w.doc("取保候审决定书", at - 5 * MINUTE, p, m)
    if from_measure is not None:
        w.event("变更强制措施", at, p, from_measure, note="变更为取保候审")
    return m


def end_bail(w: CaseWork, m: Record, at: int, refund: int | None, forfeit: bool = False) -> None:
    p = w.person_of(m)
    m["ended_at"] = at
    w.event("解除强制措施", at, p, m)
    if refund is not None:
        w.event("没收保证金" if forfeit else "退还保证金", at + refund, p, m)


def surveil(w: CaseWork, p: PersonH, at: int, designated: bool, notify: int | None) -> Record:
    kind = "指定居所监视居住" if designated else "监视居住"
    m = w.measure(kind, p, at)
    w.doc("监视居住决定书", at - 5 * MINUTE, p, m)
    if designated and notify is not None:
        w.event("通知家属", at + notify, p, m)
    return m


def prosecute(w: CaseWork, at: int, suspects: list[PersonH]) -> None:
    w.doc("起诉意见书", at - HOUR, signed=False)
    for p in suspects:
        w.event("移送审查起诉", at, p)
    w.set_status(at, "移送审查起诉")


def revoke(w: CaseWork, at: int, suspects: list[PersonH], serve: int | None) -> None:
    w.doc("撤销案件决定书", at - 10 * MINUTE, signed=False)
    w.event("撤销案件", at)
    if serve is not None:
        for p in suspects:
            w.event("送达", at + serve, p, note="送达撤销案件决定书")
            w.doc("送达回执", at + serve, p)
    w.set_status(at, "撤销案件")


def not_file(w: CaseWork, at: int, notice: int | None) -> None:
    w.doc("不予立案通知书", at - 5 * MINUTE, signed=False)
    w.event("不予立案", at)
    if notice is not None:
        victims = [p for p in w.persons if p.role_key == "victim"]
        w.event("不立案告知", at + notice, victims[0] if victims else None)
    w.set_status(at, "不予立案")


def dispose_all(w: CaseWork, props: list[Record], at: int, criminal: bool) -> None:
    rng = w.rng
    for prop in props:
        if prop["category"] in {"毒品", "管制刀具"}:
            how = "已销毁" if rng.random() < 0.4 else "已没收"
        elif prop["category"] == "现金" and prop["name"] == "赌资":
            how = "已没收"
        elif criminal and rng.random() < 0.5:
            how = "已移送"
        else:
            how = "已返还"
        w.dispose(prop, at + _r(rng, 0.5, 48.0), how)


# --- administrative steps ---------------------------------------------------------------


def admin_summon(
    w: CaseWork,
    p: PersonH,
    at: int,
    *,
    notify: int | None,
    notify_kind: str = "通知家属",
    end_after: int | None = None,
    ended: bool = True,
    extended_to: int | None = None,
) -> tuple[Record, int]:
    """行政传唤: 询问查证 within 8 h (ZA-CH-01), family told (ZA-CH-02)."""
    m, end = summon(
        w, p, at, kind="行政传唤", end_after=end_after, ended=ended, extended_to=extended_to
    )
    if notify is not None:
        note = w.rng.choice(NO_FAMILY_NOTES[1:]) if notify_kind == "无法通知家属" else None
        w.event(notify_kind, at + notify, p, m, note=note)
    return m, end


def decide(w: CaseWork, p: PersonH, at: int, *, decision_doc: bool = True) -> Record:
    w.event("告知处罚", at - _r(w.rng, 0.3, 2.0), p)
    if decision_doc:
        w.doc("行政处罚决定书", at - 2 * MINUTE, p)
    ev = w.event("处罚决定", at, p)
    w.set_status(at, "已处罚")
    return ev


def serve(w: CaseWork, p: PersonH, at: int, signed: bool = True) -> None:
    w.event("送达", at, p)
    w.doc("送达回执", at, p, signed=signed)


def admin_detain(w: CaseWork, p: PersonH, at: int, days: int, notify: int | None) -> Record:
    m = w.measure("行政拘留", p, at)
    m["ended_at"] = at + days * DAY
    if notify is not None:
        w.event("通知家属", at + notify, p, m)
    w.doc("行政拘留执行回执", at + _r(w.rng, 0.5, 2.0), p, m, signed=False)
    return m


def no_penalty(w: CaseWork, p: PersonH, at: int) -> None:
    w.doc("不予行政处罚决定书", at - 2 * MINUTE, p, signed=False)
    w.event("不予处罚决定", at, p)
    w.set_status(at, "不予处罚")


def close(w: CaseWork, at: int) -> None:
    w.event("结案", at)
    w.set_status(at, "结案")


# --- clean paths ------------------------------------------------------------------------

CRIMINAL_PATHS: dict[str, tuple[tuple[str, float], ...]] = {
    "default": (
        ("unsolved", 52),
        ("not_filed", 8),
        ("arrest", 12),
        ("refused", 5),
        ("changed", 6),
        ("bail", 9),
        ("surveil", 2.5),
        ("designated", 0.8),
        ("revoke", 3),
    ),
    "fight": (
        ("arrest", 35),
        ("changed", 22),
        ("bail", 25),
        ("unsolved", 8),
        ("revoke", 5),
        ("refused", 5),
    ),
    "drunk_driving": (("bail", 88), ("changed", 12)),
    "cards": (("bail", 48), ("changed", 20), ("arrest", 20), ("unsolved", 12)),
    "drugs": (("arrest", 55), ("changed", 25), ("surveil", 12), ("designated", 8)),
    "gambling": (("arrest", 45), ("changed", 30), ("bail", 25)),
    "economic": (("arrest", 30), ("bail", 35), ("surveil", 10), ("unsolved", 25)),
}


def choose(rng: random.Random, options: tuple[tuple[str, float], ...]) -> str:
    total = sum(weight for _, weight in options)
    x = rng.random() * total
    for name, weight in options:
        x -= weight
        if x <= 0:
            return name
    return options[-1][0]


def clean_deposit(w: CaseWork, p: PersonH, at: int) -> float:
    if w.is_minor(p, at) and clearly_minor(w, p, at):
        return float(w.rng.choice((500, 800, 1000, 2000)))
    return float(w.rng.choice((2000, 3000, 5000, 5000, 10000, 20000, 30000)))


def clearly_minor(w: CaseWork, p: PersonH, at: int) -> bool:
    """A minor by a wide margin: a deposit below 1,000 is legal only for minors (XS-QB-03)."""
    return w.is_minor(p, at + 60 * DAY)


def criminal_clean(w: CaseWork, path: str | None = None) -> None:
    rng = w.rng
    t0 = w.accepted_at
    family = w.facts.family
    if path is None:
        path = choose(rng, CRIMINAL_PATHS.get(family, CRIMINAL_PATHS["default"]))
    has_victim = family not in {"drunk_driving", "drugs", "gambling", "cards", "weapon"}
    if has_victim:
        v = w.victim()
        hear(w, v, t0 + _r(rng, 0.3, 4.0), long=rng.random() < 0.3)
    if path == "not_filed":
        not_file(w, t0 + _r(rng, 4.0, 30.0), _r(rng, 2.0, 30.0))
        return
    filed = t0 + _r(rng, 1.0, 30.0)
    w.file(filed)
    if path == "unsolved":
        if rng.random() < 0.4:
            witness = w.add_person("证人")
            hear(w, witness, daytime(rng, filed + _r(rng, 24.0, 24.0 * 20)))
        return
    n_suspects = 1 if rng.random() < 0.8 else rng.choice((2, 2, 3))
    caught = filed + (
        _r(rng, 0.5, 6.0) if rng.random() < 0.5 or not has_victim else _r(rng, 24.0, 24.0 * 25)
    )
    suspects = []
    for i in range(n_suspects):
        minor = (
            path in {"bail", "changed", "revoke"}
            and family in {"theft", "fight"}
            and rng.random() < 0.1
        )
        p = w.suspect(minor=minor)
        suspects.append(p)
        start = caught + i * _r(rng, 0.3, 3.0)
        run_suspect(w, p, start, path)
    if rng.random() < 0.5 and has_victim:
        witness = w.add_person("证人")
        hear(w, witness, daytime(rng, caught + _r(rng, 2.0, 24.0 * 6)))
    if (
        family in {"theft", "drugs", "gambling", "drunk_driving", "cards", "economic", "weapon"}
        or rng.random() < 0.3
    ):
        props = w.seize(
            caught + _r(rng, 0.5, 3.0), suspects[0], _r(rng, 0.5, 10.0), rng.choice((1, 1, 2))
        )
        w.props = props
    else:
        w.props = []
    if not w.ends:
        return
    if w.closing == "prosecute":
        # Each suspect is sent on when his own investigation is done (an arrested one within
        # two months, XS-JY-01); the case closes with the last of them.
        w.ends = [(daytime(rng, end), p) for end, p in w.ends]
        close_at = max(end for end, _ in w.ends)
        for end, p in w.ends:
            w.doc("起诉意见书", end - HOUR, p, signed=False)
            w.event("移送审查起诉", end, p)
            _end_measures_of(w, p, end + 5 * MINUTE)
        w.set_status(close_at, "移送审查起诉")
    else:
        close_at = daytime(rng, max(end for end, _ in w.ends))
        revoke(w, close_at, suspects, _r(rng, 1.0, 24.0))
        for _, p in w.ends:
            _end_measures_of(w, p, close_at + 5 * MINUTE)
    first_end = min(end for end, _ in w.ends)
    dispose_all(w, w.props, max(caught + DAY, first_end - _r(rng, 48.0, 96.0)), criminal=True)


def _end_measures_of(w: CaseWork, p: PersonH, at: int) -> None:
    for m in w.open_bails:
        if m["person_id"] == p.rec["id"]:
            end_bail(w, m, at, _r(w.rng, 0.5, 20.0))
    for m in w.open_surveils:
        if m["person_id"] == p.rec["id"]:
            m["ended_at"] = at
            w.event("解除强制措施", at, p, m)


def run_suspect(w: CaseWork, p: PersonH, start: int, path: str) -> None:
    """One suspect's way through the measures of ``path``; sets when the case can close."""
    rng = w.rng
    ends = w.ends
    if path in {"bail", "revoke"}:
        _, summon_end = summon(w, p, start)
        m = bail(w, p, summon_end, deposit=clean_deposit(w, p, summon_end))
        w.open_bails.append(m)
        ends.append((summon_end + _r(rng, 24.0 * 20, 24.0 * 150), p))
        if path == "revoke":
            w.closing = "revoke"
        return
    from_summon = rng.random() < 0.4
    at = start
    if from_summon:
        _, at = summon(w, p, start, keep_visit=True)
    minor = w.is_minor(p, at)
    notify_kind = (
        "无法通知家属" if path in {"changed", "refused"} and rng.random() < 0.06 else "通知家属"
    )
    m = detain(
        w,
        p,
        at,
        jail=_r(rng, 2.0, 8.0),
        notify=_r(rng, 0.5, 10.0),
        interrogate=_r(rng, 0.3, 5.0),
        notify_kind=notify_kind,
        from_summon=from_summon,
    )
    if path in {"changed", "surveil", "designated"} or (minor and path == "arrest"):
        change = at + _r(rng, 16.0, 34.0)
        m["ended_at"] = change
        if path == "surveil" or path == "designated":
            w.event("变更强制措施", change, p, m, note="变更为监视居住")
            s = surveil(w, p, change, path == "designated", _r(rng, 1.0, 10.0))
            w.open_surveils.append(s)
            ends.append((change + _r(rng, 24.0 * 20, 24.0 * 80), p))
        else:
            b = bail(w, p, change, deposit=clean_deposit(w, p, change), from_measure=m)
            w.open_bails.append(b)
            ends.append((change + _r(rng, 24.0 * 20, 24.0 * 150), p))
        return
    extended = rng.random() < 0.15
    if extended:
        complex_case = w.case["complex"] or rng.random() < 0.3
        w.case["complex"] = complex_case
        days = rng.randint(18, 25) if complex_case else 6
        w.extend(m, at + _r(rng, 20.0, 40.0), at + days * DAY, f"提请批准逮捕时间延长至{days}日")
        request_at = (
            at + _r(rng, 24.0 * 2.5, 24.0 * days * 0.5) if days > 6 else at + _r(rng, 50.0, 70.0)
        )
    else:
        request_at = at + _r(rng, 18.0, 34.0)
    request_arrest(w, p, m, request_at)
    decided = request_at + _r(rng, 24.0 * 2, 24.0 * 6)
    if path == "refused":
        released = refuse_arrest(w, p, m, decided, _r(rng, 0.5, 4.0))
        b = bail(w, p, released, deposit=clean_deposit(w, p, released))
        w.open_bails.append(b)
        ends.append((released + _r(rng, 24.0 * 20, 24.0 * 120), p))
        return
    start_arrest = decided + _r(rng, 1.0, 4.0)
    a = arrest(
        w, p, m, decided, start_arrest, notify=_r(rng, 0.5, 10.0), interrogate=_r(rng, 1.0, 10.0)
    )
    # Further questioning while in custody, then 移送审查起诉 within a month (limit: 2 months).
    t = daytime(rng, start_arrest + _r(rng, 24.0 * 4, 24.0 * 10))
    w.transcript(p, t, in_custody=True)
    if rng.random() < 0.05:
        until = add_months(start_arrest, 3)
        w.extend(a, start_arrest + 40 * DAY, until, "经批准延长侦查羁押期限一个月")
        ends.append((start_arrest + _r(rng, 24.0 * 62, 24.0 * 75), p))
        w.transcript(p, daytime(rng, start_arrest + 45 * DAY), in_custody=True)
    else:
        ends.append((start_arrest + _r(rng, 24.0 * 14, 24.0 * 28), p))


ADMIN_PATHS = (("fine", 50), ("detain", 27), ("no_penalty", 9), ("mediated", 7))
SEIZING = frozenset({"gambling", "drugs", "weapon", "vice", "theft"})


def admin_clean(w: CaseWork, path: str | None = None) -> None:
    rng = w.rng
    t0 = w.accepted_at
    family = w.facts.family
    if path is None:
        path = choose(rng, ADMIN_PATHS)
        if path == "mediated" and family != "fight":
            path = "fine"
    has_victim = family in {"fight", "theft", "disorder", "fraud"}
    if has_victim:
        v = w.victim()
        hear(w, v, t0 + _r(rng, 0.3, 3.0))
    minor = family in {"fight", "theft"} and rng.random() < 0.06
    p = w.suspect(minor=minor)
    if minor and path == "detain":
        path = "fine"
    start = t0 + _r(rng, 0.5, 30.0)
    if rng.random() < 0.75:
        extended = rng.random() < 0.05
        _, heard_end = admin_summon(
            w,
            p,
            start,
            notify=_r(rng, 0.3, 3.0),
            notify_kind="无法通知家属" if rng.random() < 0.03 else "通知家属",
            extended_to=start + 20 * HOUR if extended else None,
        )
        if heard_end - start > 4 * HOUR:
            heard_end = start + 4 * HOUR
    else:
        w.rights(p, start)
        tr = w.transcript(p, start + 5 * MINUTE)
        heard_end = tr["ended_at"]
    props: list[Record] = []
    seizure: Record | None = None
    if family in SEIZING and rng.random() < 0.6:
        seizure = w.measure("扣押", p, start + 10 * MINUTE, approver=w.chief())
        props = w.seize(start + 10 * MINUTE, p, _r(rng, 0.5, 8.0))
    if path == "mediated":
        end = heard_end + _r(rng, 24.0, 24.0 * 7)
        w.event("结案", end, note="当事人达成调解协议，履行完毕")
        w.set_status(end, "结案")
        if seizure is not None:
            seizure["ended_at"] = end - HOUR
        dispose_all(w, props, end - 72 * HOUR, criminal=False)
        return
    if path == "detain":
        decided = heard_end + _r(rng, 0.2, 1.5)
    else:
        decided = daytime(rng, heard_end + _r(rng, 0.5, 24.0 * 10))
    if path == "no_penalty":
        no_penalty(w, p, decided)
        serve(w, p, decided + _r(rng, 0.1, 2.0))
        closed = decided + _r(rng, 24.0, 24.0 * 4)
    else:
        decide(w, p, decided)
        served = decided + _r(rng, 0.1, 1.0)
        serve(w, p, served)
        closed = decided + _r(rng, 24.0, 24.0 * 5)
        if path == "detain":
            days = rng.choice((3, 5, 5, 7, 10, 10, 12, 15))
            detention_start = served + _r(rng, 0.3, 1.5)
            admin_detain(w, p, detention_start, days, _r(rng, 0.3, 4.0))
            closed = detention_start + days * DAY + _r(rng, 2.0, 48.0)
    if seizure is not None:
        seizure["ended_at"] = decided + _r(rng, 0.5, 24.0)
        w.event("解除强制措施", seizure["ended_at"], p, seizure)
    dispose_all(w, props, decided, criminal=False)
    close(w, closed)
