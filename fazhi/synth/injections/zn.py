"""Analysis (研判, ZN): suspicions for a person to confirm."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from fazhi.synth import incidents, names, paths, transcripts
from fazhi.synth.cases import PersonH
from fazhi.synth.injections.common import (
    Planned,
    Rules,
    admin_fine,
    days,
    dispute_incident,
    open_case,
    truth,
)
from fazhi.synth.paths import _r
from fazhi.synth.periods import HOUR, MINUTE

if TYPE_CHECKING:
    from fazhi.synth.services import CountyRun

RULES = Rules()
rule = RULES.rule


@rule("ZN-BL-01", "transcript", 0.00085, ("suspicion", 3, 330))
def zn_bl_01(run: CountyRun, item: Planned) -> None:
    w = open_case(run, item, "行政", ("fight", "disorder", "theft"))
    rng = w.rng
    v = w.victim()
    paths.hear(w, v, w.accepted_at + _r(rng, 0.3, 2.0))
    first_w = w.add_person("证人")
    second_w = w.add_person("证人")
    room = w.room("询问室")
    start = w.accepted_at + _r(rng, 3.0, 6.0)
    w.rights(first_w, start)
    original = w.transcript(first_w, start + 5 * MINUTE, long=True, venue=room)
    body = _copied_body(rng, original["_body"], first_w, second_w)
    w.rights(second_w, original["ended_at"] + 5 * MINUTE)
    copy = w.transcript(second_w, original["ended_at"] + 10 * MINUTE, body=body, venue=room)
    score = transcripts.jaccard(
        transcripts.shingles(transcripts.narrative_text(original["text"])),
        transcripts.shingles(transcripts.narrative_text(copy["text"])),
    )
    if score < 0.85:
        raise AssertionError(f"ZN-BL-01 copy too different: {score:.2f}")
    p = w.suspect()
    _, end = paths.admin_summon(w, p, copy["ended_at"] + HOUR, notify=_r(rng, 0.3, 2.0))
    admin_fine(w, p, end)
    kept = w.finish()
    truth(run, kept, item.code, original, "suspicion")
    truth(run, kept, item.code, copy, "suspicion")


def _copied_body(rng: random.Random, body: list[str], src: PersonH, dst: PersonH) -> list[str]:
    """Another person's statement pasted in: the name swapped, a sentence or two touched up."""
    out = [line.replace(src.rec["name"], dst.rec["name"]) for line in body]
    answers = [i for i, line in enumerate(out) if line.startswith("答：") and len(line) > 30]
    for i in rng.sample(answers, min(2, len(answers))):
        line = out[i]
        cut = line.rfind("，")
        if cut > 10:
            out[i] = (
                line[:cut]
                + "，"
                + rng.choice(("具体记不太清了。", "大概就是这样。", "我印象是这样的。"))
            )
    return out


def _reserve_repeat(run: CountyRun, item: Planned) -> None:
    rng = run.rng
    town, _ = run.town_and_station()
    while True:
        address = names.building_address(rng, run.county.name, town)
        phone = names.phone(rng)
        key = incidents.building_key(address)
        if (
            key not in run.guard.reserved
            and key not in run.guard.seen
            and phone not in run.guard.seen
        ):
            break
    run.guard.reserved.update({key, phone})
    item.data["address"] = address
    item.data["phone"] = phone
    item.data["reporter"] = names.full_name(rng, rng.random() < 0.5)


def _plan_group(run: CountyRun, item: Planned) -> list[Planned]:
    """The group's two later reports, planned on their own days so incident numbers follow the
    order calls came in."""
    _reserve_repeat(run, item)
    return [
        Planned(item.code, item.variant, item.at + offset, item.recipe, item.data)
        for offset in (days(run.rng, 3, 10), days(run.rng, 13, 24))
    ]


@rule(
    "ZN-JF-01",
    "dispute",
    0.0012,
    ("address", 30, 330),
    ("phone", 30, 330),
    prepare=_plan_group,
)
def zn_jf_01(run: CountyRun, item: Planned) -> None:
    """One report of a group of three at one address, or from one phone, within 24 days."""
    rng = run.rng
    t = item.at
    dispute_type = item.data.setdefault(
        "dispute_type", rng.choice(("邻里", "婚恋家庭", "经济", "物业"))
    )
    if item.variant == "address":
        address = item.data["address"]
        reporter = (names.full_name(rng, rng.random() < 0.5), names.phone(rng))
    else:
        town, _ = run.town_and_station()
        address = names.full_address(rng, run.county.name, town)
        while not run.guard.allowed((incidents.building_key(address),), t):
            address = names.full_address(rng, run.county.name, town)
        run.guard.note((incidents.building_key(address),), t)
        reporter = (item.data["reporter"], item.data["phone"])
    rec = dispute_incident(
        run,
        t,
        incidents.dispute_text(rng, dispute_type),
        dispute_type,
        disposition="调解",
        dispose_after=run.dispose_delay(),
        address=address,
        reporter=reporter,
        note_guard=False,
    )
    run.writer.truth(item.code, "incident", rec["id"], "suspicion")


ESCALATIONS = (
    ("报警人称与{rel}因家庭琐事争吵，{rel}扬言要喝农药。", "调解"),
    ("报警人称{rel}因{matter}与其争吵后情绪失控，扬言要跳楼。", "调解"),
    ("报警人称邻居有精神病史，近日因{noise}问题多次上门争吵。", "调解"),
    ("报警人称与{party}因欠款发生争执，对方扬言要报复。", "移交"),
    ("报警人称与{party}因工钱结算争吵，对方手持菜刀在门口叫骂。", "移交"),
    ("报警人称{rel}因{matter}闹矛盾，称不想活了要自杀。", "移交"),
)


@rule("ZN-JF-02", "dispute", 0.0012, ("suspicion", 3, 330))
def zn_jf_02(run: CountyRun, item: Planned) -> None:
    rng = run.rng
    template, disposition = rng.choice(ESCALATIONS)
    text = incidents.fill_slots(rng, template, incidents.DISPUTE_SLOTS)
    dispute_type = (
        "婚恋家庭" if "{rel}" in template else "邻里" if "{noise}" in template else "经济"
    )
    rec = dispute_incident(
        run, item.at, text, dispute_type, disposition=disposition, dispose_after=run.dispose_delay()
    )
    run.writer.truth(item.code, "incident", rec["id"], "suspicion")


ZN_JQ_CUES = (
    ("求助", "报警人称其电动车被盗，要求民警帮助查找。"),
    ("求助", "报警人称在{spot}被打，现已离开。"),
    ("其他", "报警人称网上购物遭遇诈骗，损失{amount}元。"),
    ("求助", "报警人称手机被抢，对方已跑远。"),
)


@rule("ZN-JQ-01", "incident", 0.00027, ("category", 3, 330), ("cue", 3, 330))
def zn_jq_01(run: CountyRun, item: Planned) -> None:
    rng = run.rng
    town, station = run.town_and_station()
    address = names.full_address(rng, run.county.name, town)
    if item.variant == "category":
        cause = incidents.draw_cause(rng, "行政")
        category = cause.category
        text = incidents.fill_slots(rng, rng.choice(cause.descriptions), {"place": (address,)})
        disposition = rng.choice(("调解", "现场处置", "不予受案", "无效警情"))
    else:
        category, template = rng.choice(ZN_JQ_CUES)
        text = incidents.fill_slots(rng, template, incidents.OTHER_SLOTS)
        disposition = rng.choice(("现场处置", "调解", "无效警情"))
    rec = run.incident(
        item.at,
        category,
        station,
        address,
        text,
        disposition=disposition,
        dispose_after=run.dispose_delay(),
    )
    run.emit_incident(rec)
    run.writer.truth(item.code, "incident", rec["id"], "suspicion")
